// Rights on descriptors: what a descriptor was not granted, it cannot do, and rights can be
// dropped but never regained.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wasi_raw.h"

static int failures = 0;

static void expect(int32_t got, int32_t wanted, const char* what) {
  const int ok = got == wanted;
  printf("%s: %s -> %s\n", ok ? "ok" : "FAILED", what, wasi_errno_name(got));
  if (!ok) ++failures;
}

int main(void) {
  int32_t box = find_preopen("/sandbox");
  if (box < 0) {
    printf("no preopen named /sandbox\n");
    return 2;
  }
  // A file opened for reading only cannot be written.
  int32_t file = -1;
  expect(raw_path_open(box, 0, "data.txt", 8, WASI_O_CREAT,
                       WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL, 0, 0, &file),
         0, "open data.txt for reading (created)");
  struct {
    const void* buf;
    uint32_t len;
  } iov = {"x", 1};
  int32_t count = 0;
  expect(raw_fd_write(file, &iov, 1, &count), 76, "write to it");
  uint8_t dirents[256];
  expect(raw_fd_readdir(file, dirents, sizeof dirents, 0, &count), 76, "readdir on a file");
  uint64_t position = 0;
  expect(raw_fd_seek(file, 0, 2, &position), 0, "seek on it");

  // Dropping rights: seek goes, tell stays; asking for seek back is refused.
  expect(raw_fd_fdstat_set_rights(file, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_TELL, 0), 0,
         "drop the seek right");
  expect(raw_fd_seek(file, 0, 0, &position), 76, "seek after dropping it");
  expect(raw_fd_seek(file, 0, 1, &position), 0, "tell (seek 0 from the current place)");
  expect(raw_fd_fdstat_set_rights(file, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_SEEK, 0),
         76, "regain the seek right");
  uint64_t fdstat[3];
  expect(raw_fd_fdstat_get(file, fdstat), 0, "fdstat after dropping");
  printf("rights now: %s\n",
         fdstat[1] == (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_TELL) ? "read, tell" : "unexpected");
  raw_fd_close(file);

  // A directory whose children may only read: opening a file beneath it for writing fails.
  int32_t dir = -1;
  expect(raw_path_open(box, 0, ".", 1, WASI_O_DIRECTORY, WASI_RIGHT_PATH_OPEN, WASI_RIGHT_FD_READ,
                       0, &dir),
         0, "open . with children limited to reading");
  expect(raw_path_open(dir, 0, "data.txt", 8, 0, WASI_RIGHT_FD_READ, 0, 0, &file), 0,
         "open data.txt beneath it for reading");
  raw_fd_close(file);
  expect(raw_path_open(dir, 0, "data.txt", 8, 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE, 0, 0, &file),
         76, "open data.txt beneath it for writing");
  expect(raw_path_open(dir, 0, "other.txt", 9, WASI_O_CREAT, WASI_RIGHT_FD_READ, 0, 0, &file), 76,
         "create a file beneath it (no create right)");
  uint8_t buffer[128];
  expect(raw_fd_readdir(dir, buffer, sizeof buffer, 0, &count), 76, "readdir it (not granted)");
  raw_fd_close(dir);

  // Stdio: stdout is not readable, stdin is not writable.
  expect(raw_fd_read(1, &iov, 1, &count) == 0 ? 0 : 76, 76, "read from stdout");
  expect(raw_fd_write(0, &iov, 1, &count) == 0 ? 0 : 76, 76, "write to stdin");
  // Sockets: none exist, so every socket call is refused.
  expect(raw_sock_shutdown(1, 3), 58, "sock_shutdown on stdout");
  expect(raw_sock_accept(1, 0, &count), 58, "sock_accept on stdout");
  expect(raw_sock_recv(1, &iov, 1, 0, &count, &count), 58, "sock_recv on stdout");
  expect(raw_sock_send(1, &iov, 1, 0, &count), 58, "sock_send on stdout");
  expect(raw_sock_shutdown(99, 3), 8, "sock_shutdown on fd 99");

  // Renumbering moves a descriptor and its rights; the old number is gone.
  expect(raw_path_open(box, 0, "data.txt", 8, 0, WASI_RIGHT_FD_READ, 0, 0, &file), 0, "open data.txt again");
  int32_t other = -1;
  expect(raw_path_open(box, 0, "data.txt", 8, 0, WASI_RIGHT_FD_READ, 0, 0, &other), 0, "and once more");
  expect(raw_fd_renumber(file, other), 0, "renumber the first over the second");
  expect(raw_fd_fdstat_get(file, fdstat), 8, "fdstat of the old number");
  expect(raw_fd_renumber(other, 77), 8, "renumber to a number not open");
  expect(raw_fd_close(other), 0, "close the new number");

  printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
