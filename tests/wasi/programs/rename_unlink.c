// Renaming and removing in the preopened directory argv[1], plus hard links and symlinks that
// stay inside it.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures = 0;

static void check(int ok, const char* what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) ++failures;
}

static const char* dir;

static const char* at(const char* name) {
  static char paths[4][256];
  static int next = 0;
  char* path = paths[next++ % 4];
  snprintf(path, 256, "%s/%s", dir, name);
  return path;
}

static int write_file(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  ssize_t put = write(fd, text, strlen(text));
  close(fd);
  return put == (ssize_t)strlen(text) ? 0 : -1;
}

static int read_equals(const char* path, const char* text) {
  char buffer[128] = {0};
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t got = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  return got == (ssize_t)strlen(text) && memcmp(buffer, text, (size_t)got) == 0;
}

static int exists(const char* path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: rename_unlink DIR\n");
    return 2;
  }
  dir = argv[1];

  check(write_file(at("a.txt"), "alpha") == 0, "create a.txt");
  check(rename(at("a.txt"), at("b.txt")) == 0, "rename a.txt to b.txt");
  check(!exists(at("a.txt")) && read_equals(at("b.txt"), "alpha"), "b.txt holds alpha, a.txt is gone");

  check(write_file(at("c.txt"), "gamma") == 0, "create c.txt");
  check(rename(at("c.txt"), at("b.txt")) == 0, "rename c.txt over b.txt");
  check(read_equals(at("b.txt"), "gamma"), "b.txt now holds gamma");

  check(mkdir(at("sub"), 0755) == 0, "mkdir sub");
  check(rename(at("b.txt"), at("sub/moved.txt")) == 0, "rename into sub/");
  check(read_equals(at("sub/moved.txt"), "gamma"), "sub/moved.txt holds gamma");
  check(rename(at("sub"), at("renamed-sub")) == 0, "rename the directory");
  check(read_equals(at("renamed-sub/moved.txt"), "gamma"), "its file moved with it");

  errno = 0;
  check(rename(at("no-such-file"), at("x")) == -1 && errno == ENOENT, "rename a missing file: ENOENT");

  // Hard link: two names, one file.
  check(link(at("renamed-sub/moved.txt"), at("hard.txt")) == 0, "link");
  struct stat st;
  check(stat(at("hard.txt"), &st) == 0 && st.st_nlink == 2, "two links");
  check(unlink(at("renamed-sub/moved.txt")) == 0, "unlink the first name");
  check(read_equals(at("hard.txt"), "gamma"), "the second name still reads gamma");

  // Symlinks inside the sandbox work: a relative target, followed for open and stat.
  check(symlink("hard.txt", at("soft.txt")) == 0, "symlink soft.txt -> hard.txt");
  char target[64] = {0};
  check(readlink(at("soft.txt"), target, sizeof target - 1) == 8 && strcmp(target, "hard.txt") == 0,
        "readlink soft.txt");
  check(read_equals(at("soft.txt"), "gamma"), "open follows soft.txt");
  check(lstat(at("soft.txt"), &st) == 0 && S_ISLNK(st.st_mode), "lstat sees a symlink");
  check(stat(at("soft.txt"), &st) == 0 && S_ISREG(st.st_mode), "stat sees the file");
  check(symlink("../renamed-sub/../hard.txt", at("renamed-sub/up.txt")) == 0,
        "symlink with .. that stays inside");
  check(read_equals(at("renamed-sub/up.txt"), "gamma"), "open follows it");
  errno = 0;
  check(open(at("soft.txt"), O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP,
        "O_NOFOLLOW on a symlink: ELOOP");

  // Unlinking: a symlink goes, not its target; directories need rmdir.
  check(unlink(at("soft.txt")) == 0 && !exists(at("soft.txt")) && exists(at("hard.txt")),
        "unlink the symlink, the target stays");
  errno = 0;
  check(unlink(at("renamed-sub")) == -1 && (errno == EISDIR || errno == EPERM),
        "unlink a directory: EISDIR");
  errno = 0;
  check(rmdir(at("hard.txt")) == -1 && errno == ENOTDIR, "rmdir a file: ENOTDIR");
  errno = 0;
  check(unlink(at("hard.txt/")) == -1 && errno == ENOTDIR, "unlink file/ with a slash: ENOTDIR");
  check(unlink(at("hard.txt")) == 0, "unlink hard.txt");
  errno = 0;
  check(unlink(at("hard.txt")) == -1 && errno == ENOENT, "unlink it again: ENOENT");
  check(unlink(at("renamed-sub/up.txt")) == 0, "unlink renamed-sub/up.txt");
  check(rmdir(at("renamed-sub/")) == 0, "rmdir renamed-sub/ (trailing slash)");
  check(!exists(at("renamed-sub")), "the directory is gone");

  printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
