// Direct imports of WASI calls with every argument spelled out (pointer and length, raw
// errno), so tests can pass what libc never would: paths with NUL bytes, bad pointers.
#pragma once

#include <stdint.h>
#include <string.h>

#define WASI_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

int32_t raw_path_open(int32_t fd, int32_t dirflags, const char* path, int32_t path_len,
                      int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                      int32_t fdflags, int32_t* fd_out) WASI_IMPORT(path_open);
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, const char* path, int32_t path_len,
                              void* filestat) WASI_IMPORT(path_filestat_get);
int32_t raw_path_create_directory(int32_t fd, const char* path, int32_t path_len)
    WASI_IMPORT(path_create_directory);
int32_t raw_path_remove_directory(int32_t fd, const char* path, int32_t path_len)
    WASI_IMPORT(path_remove_directory);
int32_t raw_path_unlink_file(int32_t fd, const char* path, int32_t path_len)
    WASI_IMPORT(path_unlink_file);
int32_t raw_path_rename(int32_t fd, const char* old_path, int32_t old_len, int32_t new_fd,
                        const char* new_path, int32_t new_len) WASI_IMPORT(path_rename);
int32_t raw_path_link(int32_t old_fd, int32_t old_flags, const char* old_path, int32_t old_len,
                      int32_t new_fd, const char* new_path, int32_t new_len) WASI_IMPORT(path_link);
int32_t raw_path_symlink(const char* target, int32_t target_len, int32_t fd, const char* path,
                         int32_t path_len) WASI_IMPORT(path_symlink);
int32_t raw_path_readlink(int32_t fd, const char* path, int32_t path_len, char* buf,
                          int32_t buf_len, int32_t* used) WASI_IMPORT(path_readlink);
int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags, const char* path, int32_t path_len,
                                    int64_t atim, int64_t mtim, int32_t fst_flags)
    WASI_IMPORT(path_filestat_set_times);
int32_t raw_fd_prestat_get(int32_t fd, void* prestat) WASI_IMPORT(fd_prestat_get);
int32_t raw_fd_prestat_dir_name(int32_t fd, char* path, int32_t path_len)
    WASI_IMPORT(fd_prestat_dir_name);
int32_t raw_fd_read(int32_t fd, const void* iovs, int32_t iovs_len, int32_t* nread)
    WASI_IMPORT(fd_read);
int32_t raw_fd_write(int32_t fd, const void* iovs, int32_t iovs_len, int32_t* nwritten)
    WASI_IMPORT(fd_write);
int32_t raw_fd_close(int32_t fd) WASI_IMPORT(fd_close);
int32_t raw_fd_seek(int32_t fd, int64_t offset, int32_t whence, uint64_t* newoffset)
    WASI_IMPORT(fd_seek);
int32_t raw_fd_fdstat_get(int32_t fd, void* fdstat) WASI_IMPORT(fd_fdstat_get);
int32_t raw_fd_fdstat_set_rights(int32_t fd, int64_t base, int64_t inheriting)
    WASI_IMPORT(fd_fdstat_set_rights);
int32_t raw_fd_readdir(int32_t fd, void* buf, int32_t buf_len, int64_t cookie, int32_t* used)
    WASI_IMPORT(fd_readdir);
int32_t raw_fd_filestat_get(int32_t fd, void* filestat) WASI_IMPORT(fd_filestat_get);
int32_t raw_fd_filestat_set_times(int32_t fd, int64_t atim, int64_t mtim, int32_t fst_flags)
    WASI_IMPORT(fd_filestat_set_times);
int32_t raw_fd_renumber(int32_t from, int32_t to) WASI_IMPORT(fd_renumber);
int32_t raw_args_sizes_get(int32_t* argc, int32_t* buf_size) WASI_IMPORT(args_sizes_get);
int32_t raw_args_get(char** argv, char* buf) WASI_IMPORT(args_get);
int32_t raw_environ_sizes_get(int32_t* count, int32_t* buf_size) WASI_IMPORT(environ_sizes_get);
int32_t raw_environ_get(char** environ, char* buf) WASI_IMPORT(environ_get);
int32_t raw_clock_time_get(int32_t clock, int64_t precision, uint64_t* time)
    WASI_IMPORT(clock_time_get);
int32_t raw_clock_res_get(int32_t clock, uint64_t* resolution) WASI_IMPORT(clock_res_get);
int32_t raw_random_get(void* buf, int32_t buf_len) WASI_IMPORT(random_get);
int32_t raw_poll_oneoff(const void* in, void* out, int32_t nsubscriptions, int32_t* nevents)
    WASI_IMPORT(poll_oneoff);
int32_t raw_sock_accept(int32_t fd, int32_t flags, int32_t* new_fd) WASI_IMPORT(sock_accept);
int32_t raw_sock_shutdown(int32_t fd, int32_t how) WASI_IMPORT(sock_shutdown);
int32_t raw_sock_recv(int32_t fd, const void* ri_data, int32_t ri_data_len, int32_t ri_flags,
                      int32_t* ro_datalen, int32_t* ro_flags) WASI_IMPORT(sock_recv);
int32_t raw_sock_send(int32_t fd, const void* si_data, int32_t si_data_len, int32_t si_flags,
                      int32_t* so_datalen) WASI_IMPORT(sock_send);

// WASI errno values the tests print by name.
static inline const char* wasi_errno_name(int32_t value) {
  switch (value) {
    case 0: return "SUCCESS";
    case 2: return "EACCES";
    case 8: return "EBADF";
    case 17: return "EDESTADDRREQ";
    case 20: return "EEXIST";
    case 21: return "EFAULT";
    case 28: return "EINVAL";
    case 31: return "EISDIR";
    case 32: return "ELOOP";
    case 37: return "ENAMETOOLONG";
    case 44: return "ENOENT";
    case 52: return "ENOSYS";
    case 54: return "ENOTDIR";
    case 55: return "ENOTEMPTY";
    case 58: return "ENOTSUP";
    case 63: return "EPERM";
    case 70: return "ESPIPE";
    case 76: return "ENOTCAPABLE";
    default: return "E(other)";
  }
}

#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_PATH_OPEN (1ull << 13)
#define WASI_RIGHT_FD_READDIR (1ull << 14)
#define WASI_RIGHT_FD_FILESTAT_GET (1ull << 21)
#define WASI_LOOKUP_FOLLOW 1
#define WASI_O_CREAT 1
#define WASI_O_DIRECTORY 2

// The descriptor of the preopened directory the guest knows as `name`, or -1.
static inline int32_t find_preopen(const char* name) {
  for (int32_t fd = 3; fd < 64; ++fd) {
    uint32_t prestat[2];
    if (raw_fd_prestat_get(fd, prestat) != 0) return -1;
    char buffer[256];
    if (prestat[1] >= sizeof buffer || raw_fd_prestat_dir_name(fd, buffer, (int32_t)prestat[1]) != 0)
      continue;
    if (prestat[1] == strlen(name) && memcmp(buffer, name, prestat[1]) == 0) return fd;
  }
  return -1;
}
