// Hands every kind of call pointers and lengths that leave linear memory: each must come back
// EFAULT (or EINVAL for impossible counts), never crash the host, and leave no side effect.
#include <stdio.h>
#include <string.h>

#include "wasi_raw.h"

static int failures = 0;

static void expect(int32_t got, int32_t wanted, const char* what) {
  const int ok = got == wanted;
  printf("%s: %s -> %s\n", ok ? "ok" : "FAILED", what, wasi_errno_name(got));
  if (!ok) ++failures;
}

struct iovec32 {
  uint32_t buf;
  uint32_t len;
};

int main(void) {
  const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  // Pointers past the end, straddling it, and at the top of the 32-bit space.
  void* past_end = (void*)(uintptr_t)end;
  void* straddling = (void*)(uintptr_t)(end - 2);
  void* top = (void*)(uintptr_t)0xfffffff0u;
  int32_t box = find_preopen("/sandbox");
  int32_t count = 0;
  static char text[] = "must not appear\n";

  struct iovec32 good = {(uint32_t)(uintptr_t)text, sizeof text - 1};
  struct iovec32 bad_buffer = {end - 4, 16};
  struct iovec32 huge_buffer = {16, 0xfffffff0u};
  expect(raw_fd_write(1, past_end, 1, &count), 21, "fd_write: iovec array past the end");
  expect(raw_fd_write(1, &good, 0x20000000, &count), 21, "fd_write: 2^29 iovecs");
  expect(raw_fd_write(1, &bad_buffer, 1, &count), 21, "fd_write: buffer straddling the end");
  expect(raw_fd_write(1, &huge_buffer, 1, &count), 21, "fd_write: 4 GiB buffer");
  expect(raw_fd_write(1, &good, 1, straddling), 21, "fd_write: nwritten straddling the end");
  expect(raw_fd_write(1, &good, 1, top), 21, "fd_write: nwritten at 0xfffffff0");
  expect(raw_fd_read(0, &bad_buffer, 1, &count), 21, "fd_read: buffer straddling the end");
  expect(raw_fd_read(0, &good, 1, past_end), 21, "fd_read: nread past the end");

  expect(raw_args_sizes_get(past_end, &count), 21, "args_sizes_get: argc past the end");
  expect(raw_args_sizes_get(&count, top), 21, "args_sizes_get: size at 0xfffffff0");
  char* argv[8];
  expect(raw_args_get(past_end, text), 21, "args_get: argv past the end");
  expect(raw_args_get(argv, straddling), 21, "args_get: strings straddling the end");
  expect(raw_environ_sizes_get(straddling, &count), 21, "environ_sizes_get: straddling");
  expect(raw_environ_get(argv, top), 21, "environ_get: strings at 0xfffffff0");

  expect(raw_clock_time_get(0, 0, past_end), 21, "clock_time_get: result past the end");
  expect(raw_clock_res_get(1, straddling), 21, "clock_res_get: result straddling the end");
  expect(raw_clock_time_get(99, 0, (uint64_t*)text), 28, "clock_time_get: clock 99");
  expect(raw_random_get(straddling, 16), 21, "random_get: buffer straddling the end");
  expect(raw_random_get(top, 0x20), 21, "random_get: buffer at 0xfffffff0");

  expect(raw_fd_fdstat_get(1, straddling), 21, "fd_fdstat_get: result straddling the end");
  expect(raw_fd_filestat_get(1, top), 21, "fd_filestat_get: result at 0xfffffff0");
  expect(raw_fd_prestat_get(box, past_end), 21, "fd_prestat_get: result past the end");
  expect(raw_fd_prestat_dir_name(box, straddling, 8), 21, "fd_prestat_dir_name: buffer straddling");
  int32_t file = -1;
  expect(raw_path_open(box, 0, "seek.txt", 8, WASI_O_CREAT,
                       WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL, 0, 0, &file),
         0, "open seek.txt");
  expect(raw_fd_seek(file, 0, 1, past_end), 21, "fd_seek: result past the end");
  expect(raw_fd_seek(file, 0, 7, (uint64_t*)text), 28, "fd_seek: whence 7");
  raw_fd_close(file);

  expect(raw_path_open(box, 0, past_end, 4, 0, WASI_RIGHT_FD_READ, 0, 0, &count), 21,
         "path_open: path past the end");
  expect(raw_path_open(box, 0, "data", 0x7fffffff, 0, WASI_RIGHT_FD_READ, 0, 0, &count), 21,
         "path_open: path length 2^31");
  expect(raw_path_open(box, 0, "new.txt", 7, WASI_O_CREAT, WASI_RIGHT_FD_READ, 0, 0, top), 21,
         "path_open: fd result at 0xfffffff0 (and nothing created)");
  uint64_t filestat[8];
  expect(raw_path_filestat_get(box, 0, ".", 1, straddling), 21, "path_filestat_get: result straddling");
  expect(raw_path_filestat_get(box, 0, "new.txt", 7, filestat), 44, "new.txt was not created");
  expect(raw_path_create_directory(box, top, 8), 21, "path_create_directory: path at 0xfffffff0");
  expect(raw_fd_readdir(box, straddling, 64, 0, &count), 21, "fd_readdir: buffer straddling");
  expect(raw_fd_readdir(box, filestat, 64, 0, past_end), 21, "fd_readdir: bufused past the end");
  char link_text[16];
  expect(raw_path_readlink(box, "x", 1, link_text, 16, top), 21, "path_readlink: bufused at 0xfffffff0");

  expect(raw_poll_oneoff(past_end, filestat, 1, &count), 21, "poll_oneoff: subscriptions past the end");
  expect(raw_poll_oneoff(text, straddling, 1, &count), 21, "poll_oneoff: events straddling");
  expect(raw_poll_oneoff(text, filestat, 0x10000000, &count), 21, "poll_oneoff: 2^28 subscriptions");
  expect(raw_poll_oneoff(text, filestat, 0, &count), 28, "poll_oneoff: no subscriptions");

  fflush(stdout);  // the raw write below bypasses stdio's buffer
  static const char survived[] = "the host survived\n";
  struct iovec32 last = {(uint32_t)(uintptr_t)survived, sizeof survived - 1};
  expect(raw_fd_write(1, &last, 1, &count), 0, "fd_write of a good buffer");
  printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
