// Tries every way out of the preopened directory /sandbox and must fail each time. The test
// script prepares the host side: a sibling directory `outside` holding secret.txt, and in the
// sandbox symlinks that point out (absolute, relative, through directories, in chains, in a
// loop) next to some that stay inside. Each attempt prints "blocked" with the errno, or
// "ESCAPED"; controls that must work print "allowed".
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_raw.h"

static int escapes = 0;
static int32_t sandbox = -1;

static void blocked_if(int32_t error, const char* what) {
  if (error == 0) {
    printf("ESCAPED: %s\n", what);
    ++escapes;
  } else {
    printf("blocked: %s (%s)\n", what, wasi_errno_name(error));
  }
}

static void allowed_if(int32_t error, const char* what) {
  if (error == 0) {
    printf("allowed: %s\n", what);
  } else {
    printf("WRONGLY REFUSED: %s (%s)\n", what, wasi_errno_name(error));
    ++escapes;  // a sandbox that refuses everything proves nothing
  }
}

// path_open on the raw path, reading, following symlinks unless told otherwise.
static int32_t try_open(const char* path, int32_t lookup, int32_t oflags) {
  int32_t fd = -1;
  int32_t error = raw_path_open(sandbox, lookup, path, (int32_t)strlen(path), oflags,
                                WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR | WASI_RIGHT_FD_FILESTAT_GET,
                                0, 0, &fd);
  if (error == 0) raw_fd_close(fd);
  return error;
}

static void open_must_fail(const char* path) {
  char what[160];
  snprintf(what, sizeof what, "open %s", path);
  blocked_if(try_open(path, WASI_LOOKUP_FOLLOW, 0), what);
}

static int32_t stat_path(const char* path, int32_t lookup) {
  uint64_t filestat[8];
  return raw_path_filestat_get(sandbox, lookup, path, (int32_t)strlen(path), filestat);
}

int main(void) {
  sandbox = find_preopen("/sandbox");
  if (sandbox < 0) {
    printf("no preopen named /sandbox\n");
    return 2;
  }

  printf("-- controls inside the sandbox\n");
  allowed_if(try_open("inside.txt", WASI_LOOKUP_FOLLOW, 0), "open inside.txt");
  allowed_if(try_open("link_inside", WASI_LOOKUP_FOLLOW, 0), "open link_inside -> inside.txt");
  allowed_if(try_open("sub/link_back", WASI_LOOKUP_FOLLOW, 0), "open sub/link_back -> ../inside.txt");
  allowed_if(try_open("sub/..", WASI_LOOKUP_FOLLOW, WASI_O_DIRECTORY), "open sub/.. (the sandbox itself)");
  allowed_if(try_open("sub/up/inside.txt", WASI_LOOKUP_FOLLOW, 0), "open sub/up/inside.txt (sub/up -> ..)");
  allowed_if(try_open(".", WASI_LOOKUP_FOLLOW, WASI_O_DIRECTORY), "open .");

  printf("-- dot-dot\n");
  open_must_fail("..");
  open_must_fail("../outside/secret.txt");
  open_must_fail("sub/../../outside/secret.txt");
  open_must_fail("sub/./../../outside/secret.txt");
  open_must_fail("./../outside/secret.txt");
  open_must_fail("sub/up/../outside/secret.txt");
  open_must_fail("sub/../sub/../../outside/secret.txt");

  printf("-- absolute paths\n");
  open_must_fail("/etc/passwd");
  open_must_fail("/");
  open_must_fail("//etc/passwd");

  printf("-- symlinks pointing out\n");
  open_must_fail("link_abs");
  open_must_fail("link_abs_dir/secret.txt");
  open_must_fail("link_up");
  open_must_fail("link_up_dir/secret.txt");
  open_must_fail("sub/link_up2/secret.txt");
  open_must_fail("link_root/etc/passwd");
  open_must_fail("link_dot_up/outside/secret.txt");
  open_must_fail("link_abs_dir/../outside/secret.txt");
  blocked_if(try_open("link_abs", 0, 0), "open link_abs without following");

  printf("-- symlink chains and loops\n");
  open_must_fail("chain1");
  open_must_fail("chain_dir1/secret.txt");
  open_must_fail("loop_a");

  printf("-- libc paths\n");
  errno = 0;
  blocked_if(open("/sandbox/../outside/secret.txt", O_RDONLY) >= 0 ? 0 : errno,
             "libc open /sandbox/../outside/secret.txt");
  errno = 0;
  blocked_if(open("/etc/passwd", O_RDONLY) >= 0 ? 0 : errno, "libc open /etc/passwd");
  errno = 0;
  blocked_if(open("/sandbox/link_abs", O_RDONLY) >= 0 ? 0 : errno, "libc open /sandbox/link_abs");
  errno = 0;
  blocked_if(opendir("/sandbox/link_up_dir") != NULL ? 0 : errno, "libc opendir /sandbox/link_up_dir");
  struct stat st;
  errno = 0;
  blocked_if(stat("/sandbox/link_up", &st) == 0 ? 0 : errno, "libc stat /sandbox/link_up");

  printf("-- other calls through the same ways out\n");
  blocked_if(stat_path("link_abs", WASI_LOOKUP_FOLLOW), "path_filestat_get link_abs (follow)");
  blocked_if(stat_path("../outside/secret.txt", 0), "path_filestat_get ../outside/secret.txt");
  allowed_if(stat_path("link_abs", 0), "path_filestat_get link_abs (the link itself)");
  const char* made = "../outside/made_dir";
  blocked_if(raw_path_create_directory(sandbox, made, (int32_t)strlen(made)), "mkdir ../outside/made_dir");
  const char* made_through = "link_up_dir/made_dir";
  blocked_if(raw_path_create_directory(sandbox, made_through, (int32_t)strlen(made_through)),
             "mkdir link_up_dir/made_dir");
  blocked_if(try_open("link_up_dir/created.txt", WASI_LOOKUP_FOLLOW, WASI_O_CREAT),
             "create link_up_dir/created.txt");
  blocked_if(try_open("dangling_out", WASI_LOOKUP_FOLLOW, WASI_O_CREAT),
             "create through dangling_out -> ../outside/new.txt");
  const char* secret = "../outside/secret.txt";
  blocked_if(raw_path_unlink_file(sandbox, secret, (int32_t)strlen(secret)), "unlink ../outside/secret.txt");
  const char* secret_through = "link_up_dir/secret.txt";
  blocked_if(raw_path_unlink_file(sandbox, secret_through, (int32_t)strlen(secret_through)),
             "unlink link_up_dir/secret.txt");
  const char* outside_dir = "..";
  blocked_if(raw_path_remove_directory(sandbox, outside_dir, 2), "rmdir ..");
  const char* stolen = "../outside/stolen.txt";
  blocked_if(raw_path_rename(sandbox, "inside.txt", 10, sandbox, stolen, (int32_t)strlen(stolen)),
             "rename inside.txt to ../outside/stolen.txt");
  blocked_if(raw_path_rename(sandbox, secret, (int32_t)strlen(secret), sandbox, "taken.txt", 9),
             "rename ../outside/secret.txt into the sandbox");
  blocked_if(raw_path_link(sandbox, 0, secret, (int32_t)strlen(secret), sandbox, "hard.txt", 8),
             "hard link ../outside/secret.txt into the sandbox");
  blocked_if(raw_path_link(sandbox, WASI_LOOKUP_FOLLOW, "link_up", 7, sandbox, "hard2.txt", 9),
             "hard link through link_up (follow)");
  blocked_if(raw_path_link(sandbox, 0, "inside.txt", 10, sandbox, "../outside/hard.txt", 19),
             "hard link inside.txt out to ../outside/hard.txt");
  blocked_if(raw_path_symlink("/etc/passwd", 11, sandbox, "new_abs", 7), "symlink new_abs -> /etc/passwd");
  blocked_if(raw_path_symlink("inside.txt", 10, sandbox, "../outside/new_link", 19),
             "symlink placed at ../outside/new_link");
  // A link that climbs out may be created (it is only text), but it can never be followed.
  allowed_if(raw_path_symlink("../outside/secret.txt", 21, sandbox, "made_up", 7),
             "symlink made_up -> ../outside/secret.txt (created)");
  open_must_fail("made_up");
  char target[64];
  int32_t used = 0;
  blocked_if(raw_path_readlink(sandbox, "../outside/link", 15, target, sizeof target, &used),
             "readlink ../outside/link");
  blocked_if(raw_path_filestat_set_times(sandbox, WASI_LOOKUP_FOLLOW, "link_up", 7, 0, 0, 2 | 8),
             "set times through link_up");

  printf("-- malformed paths\n");
  const char with_nul[] = "inside.txt\0../outside/secret.txt";
  blocked_if(raw_path_open(sandbox, 0, with_nul, (int32_t)sizeof with_nul - 1, 0,
                           WASI_RIGHT_FD_READ, 0, 0, &used),
             "open a path with a NUL byte inside");
  blocked_if(raw_path_open(sandbox, 0, "", 0, 0, WASI_RIGHT_FD_READ, 0, 0, &used), "open the empty path");

  printf("-- descriptors that were never granted\n");
  uint64_t fdstat[3];
  blocked_if(raw_fd_fdstat_get(42, fdstat), "fd_fdstat_get 42");
  blocked_if(raw_path_open(42, 0, "x", 1, 0, WASI_RIGHT_FD_READ, 0, 0, &used), "path_open beneath fd 42");
  blocked_if(raw_path_open(-1, 0, "x", 1, 0, WASI_RIGHT_FD_READ, 0, 0, &used), "path_open beneath fd -1");
  blocked_if(raw_path_open(1, 0, "x", 1, 0, WASI_RIGHT_FD_READ, 0, 0, &used), "path_open beneath stdout");

  printf("%d escapes\n", escapes);
  return escapes == 0 ? 0 : 1;
}
