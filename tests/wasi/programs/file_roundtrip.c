// A file's life in the preopened directory argv[1]: create, write, read back, seek, tell,
// pread/pwrite, append, truncate, stat, sync, times, allocate, and a read-only descriptor
// that refuses writes.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_raw.h"

static int failures = 0;

static void check(int ok, const char* what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) ++failures;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: file_roundtrip DIR\n");
    return 2;
  }
  char path[256];
  snprintf(path, sizeof path, "%s/notes.txt", argv[1]);

  // stdio: write, read back.
  FILE* out = fopen(path, "w");
  check(out != NULL, "fopen for writing");
  if (!out) return 1;
  for (int i = 0; i < 1000; ++i) fprintf(out, "line %d\n", i);
  check(fclose(out) == 0, "fclose after writing");

  FILE* in = fopen(path, "r");
  check(in != NULL, "fopen for reading");
  if (!in) return 1;
  char line[64];
  int lines = 0, in_order = 1;
  while (fgets(line, sizeof line, in)) {
    char expected[64];
    snprintf(expected, sizeof expected, "line %d\n", lines);
    if (strcmp(line, expected) != 0) in_order = 0;
    ++lines;
  }
  check(lines == 1000 && in_order, "read back 1000 lines in order");
  check(fseek(in, 5, SEEK_SET) == 0 && ftell(in) == 5, "fseek and ftell");
  check(fgets(line, sizeof line, in) && strcmp(line, "0\n") == 0, "read after fseek");
  fclose(in);

  // POSIX descriptors: pwrite, pread, lseek, append, truncate, fstat.
  int fd = open(path, O_RDWR);
  check(fd >= 0, "open O_RDWR");
  struct stat st;
  check(fstat(fd, &st) == 0 && st.st_size == 8890 && S_ISREG(st.st_mode),
        "fstat: a regular file of 8890 bytes");
  check(pwrite(fd, "LINE", 4, 0) == 4, "pwrite at 0");
  char buffer[16] = {0};
  check(pread(fd, buffer, 6, 0) == 6 && memcmp(buffer, "LINE 0", 6) == 0, "pread at 0");
  check(lseek(fd, 0, SEEK_CUR) == 0, "pread and pwrite leave the position alone");
  check(lseek(fd, -7, SEEK_END) == 8883, "lseek from the end");
  check(read(fd, buffer, 7) == 7 && memcmp(buffer, "ne 999\n", 7) == 0, "read the last line");
  check(read(fd, buffer, 7) == 0, "read at the end gives 0");
  check(ftruncate(fd, 10) == 0 && fstat(fd, &st) == 0 && st.st_size == 10, "ftruncate to 10");
  check(fsync(fd) == 0, "fsync");
  check(fdatasync(fd) == 0, "fdatasync");
  check(posix_fallocate(fd, 0, 4096) == 0 && fstat(fd, &st) == 0 && st.st_size == 4096,
        "posix_fallocate to 4096");
  check(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "posix_fadvise");
  check(ftruncate(fd, 10) == 0, "ftruncate back to 10");
  check(close(fd) == 0, "close");
  check(close(fd) == -1 && errno == EBADF, "close twice: EBADF");

  int append = open(path, O_WRONLY | O_APPEND);
  check(append >= 0, "open O_APPEND");
  check(write(append, "tail", 4) == 4, "append write");
  check(fcntl(append, F_GETFL) & O_APPEND, "F_GETFL shows O_APPEND");
  close(append);
  check(stat(path, &st) == 0 && st.st_size == 14, "stat: 14 bytes after the append");

  // Times: set both, read them back.
  struct timespec times[2] = {{.tv_sec = 1000000000, .tv_nsec = 0},
                              {.tv_sec = 1234567890, .tv_nsec = 0}};
  check(utimensat(AT_FDCWD, path, times, 0) == 0, "utimensat");
  check(stat(path, &st) == 0 && st.st_mtim.tv_sec == 1234567890 && st.st_atim.tv_sec == 1000000000,
        "stat shows the times set");
  int timed = open(path, O_RDONLY);
  struct timespec later[2] = {{.tv_sec = 1300000000, .tv_nsec = 5}, {.tv_sec = 1400000000, .tv_nsec = 7}};
  check(futimens(timed, later) == 0 && fstat(timed, &st) == 0 && st.st_mtim.tv_sec == 1400000000 &&
            st.st_atim.tv_sec == 1300000000,
        "futimens");
  // UTIME_NOW through the raw call: this wasi-libc (2022) sends the wrong flags for it.
  check(raw_fd_filestat_set_times(timed, 0, 0, 8 /* MTIM_NOW */) == 0 && fstat(timed, &st) == 0 &&
            st.st_mtim.tv_sec > 1400000000 && st.st_atim.tv_sec == 1300000000,
        "set mtime to now, atime untouched");
  check(raw_fd_filestat_set_times(timed, 0, 0, 1 | 2) == 28, "ATIM with ATIM_NOW: EINVAL");

  // A read-only descriptor refuses writes.
  errno = 0;
  check(write(timed, "x", 1) == -1 && (errno == EBADF || errno == ENOTCAPABLE),
        "write to a read-only descriptor fails");
  errno = 0;
  check(ftruncate(timed, 0) == -1 && (errno == EBADF || errno == ENOTCAPABLE || errno == EINVAL),
        "ftruncate of a read-only descriptor fails");
  close(timed);

  // Exclusive create of an existing file fails; a missing file is ENOENT.
  errno = 0;
  check(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST,
        "O_CREAT|O_EXCL on an existing file: EEXIST");
  char missing[256];
  snprintf(missing, sizeof missing, "%s/missing.txt", argv[1]);
  errno = 0;
  check(open(missing, O_RDONLY) == -1 && errno == ENOENT, "open a missing file: ENOENT");

  check(unlink(path) == 0, "unlink");
  printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
