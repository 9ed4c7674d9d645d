// The WASI preview1 calls, one C++ function each, grouped by file:
//   calls_args_env.cpp      args_*, environ_*
//   calls_clock_random.cpp  clock_*, random_get
//   calls_fd_io.cpp         reading, writing, seeking and syncing a descriptor
//   calls_fd_state.cpp      close, renumber, fdstat, prestat
//   calls_filestat.cpp      fd_filestat_*, path_filestat_*
//   calls_fd_readdir.cpp    fd_readdir
//   calls_path.cpp          path_open and the other path_* calls
//   calls_poll.cpp          poll_oneoff
//   calls_sched_sock.cpp    sched_yield, proc_raise, sock_*
// (proc_exit ends the guest rather than returning an errno: see imports.cpp.)
// Parameters are the guest's, in the witx order, with pointers as uint32_t offsets into
// `memory`; every call returns the WASI errno.
#pragma once

#include <cstdint>

#include "wasi/guest_memory.h"
#include "wasi/wasi_abi.h"

namespace wisp::wasi {

class WasiContext;

namespace calls {

using Ptr = uint32_t;
using Size = uint32_t;
using Fd = uint32_t;

// ---- args and environment
Errno argsGet(WasiContext&, const GuestMemory&, Ptr argv, Ptr argv_buf);
Errno argsSizesGet(WasiContext&, const GuestMemory&, Ptr argc_out, Ptr argv_buf_size_out);
Errno environGet(WasiContext&, const GuestMemory&, Ptr environ, Ptr environ_buf);
Errno environSizesGet(WasiContext&, const GuestMemory&, Ptr count_out, Ptr buf_size_out);

// ---- clocks and randomness
Errno clockResGet(WasiContext&, const GuestMemory&, uint32_t clock_id, Ptr resolution_out);
Errno clockTimeGet(WasiContext&, const GuestMemory&, uint32_t clock_id, uint64_t precision,
                   Ptr time_out);
Errno randomGet(WasiContext&, const GuestMemory&, Ptr buf, Size buf_len);

// ---- descriptor I/O
Errno fdRead(WasiContext&, const GuestMemory&, Fd fd, Ptr iovs, Size iovs_len, Ptr nread_out);
Errno fdWrite(WasiContext&, const GuestMemory&, Fd fd, Ptr iovs, Size iovs_len,
              Ptr nwritten_out);
Errno fdPread(WasiContext&, const GuestMemory&, Fd fd, Ptr iovs, Size iovs_len, uint64_t offset,
              Ptr nread_out);
Errno fdPwrite(WasiContext&, const GuestMemory&, Fd fd, Ptr iovs, Size iovs_len,
               uint64_t offset, Ptr nwritten_out);
Errno fdSeek(WasiContext&, const GuestMemory&, Fd fd, uint64_t offset, uint32_t whence,
             Ptr newoffset_out);
Errno fdTell(WasiContext&, const GuestMemory&, Fd fd, Ptr offset_out);
Errno fdSync(WasiContext&, const GuestMemory&, Fd fd);
Errno fdDatasync(WasiContext&, const GuestMemory&, Fd fd);
Errno fdAdvise(WasiContext&, const GuestMemory&, Fd fd, uint64_t offset, uint64_t len,
               uint32_t advice);
Errno fdAllocate(WasiContext&, const GuestMemory&, Fd fd, uint64_t offset, uint64_t len);

// ---- descriptor state
Errno fdClose(WasiContext&, const GuestMemory&, Fd fd);
Errno fdRenumber(WasiContext&, const GuestMemory&, Fd from, Fd to);
Errno fdFdstatGet(WasiContext&, const GuestMemory&, Fd fd, Ptr fdstat_out);
Errno fdFdstatSetFlags(WasiContext&, const GuestMemory&, Fd fd, uint32_t fdflags);
Errno fdFdstatSetRights(WasiContext&, const GuestMemory&, Fd fd, uint64_t base,
                        uint64_t inheriting);
Errno fdPrestatGet(WasiContext&, const GuestMemory&, Fd fd, Ptr prestat_out);
Errno fdPrestatDirName(WasiContext&, const GuestMemory&, Fd fd, Ptr path, Size path_len);

// ---- file attributes
Errno fdFilestatGet(WasiContext&, const GuestMemory&, Fd fd, Ptr filestat_out);
Errno fdFilestatSetSize(WasiContext&, const GuestMemory&, Fd fd, uint64_t size);
Errno fdFilestatSetTimes(WasiContext&, const GuestMemory&, Fd fd, uint64_t atim, uint64_t mtim,
                         uint32_t fst_flags);
Errno pathFilestatGet(WasiContext&, const GuestMemory&, Fd fd, uint32_t lookup_flags, Ptr path,
                      Size path_len, Ptr filestat_out);
Errno pathFilestatSetTimes(WasiContext&, const GuestMemory&, Fd fd, uint32_t lookup_flags,
                           Ptr path, Size path_len, uint64_t atim, uint64_t mtim,
                           uint32_t fst_flags);

// ---- directories
Errno fdReaddir(WasiContext&, const GuestMemory&, Fd fd, Ptr buf, Size buf_len, uint64_t cookie,
                Ptr bufused_out);

// ---- paths
Errno pathOpen(WasiContext&, const GuestMemory&, Fd dir_fd, uint32_t lookup_flags, Ptr path,
               Size path_len, uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
               uint32_t fdflags, Ptr fd_out);
Errno pathCreateDirectory(WasiContext&, const GuestMemory&, Fd fd, Ptr path, Size path_len);
Errno pathRemoveDirectory(WasiContext&, const GuestMemory&, Fd fd, Ptr path, Size path_len);
Errno pathUnlinkFile(WasiContext&, const GuestMemory&, Fd fd, Ptr path, Size path_len);
Errno pathRename(WasiContext&, const GuestMemory&, Fd old_fd, Ptr old_path, Size old_len,
                 Fd new_fd, Ptr new_path, Size new_len);
Errno pathSymlink(WasiContext&, const GuestMemory&, Ptr target, Size target_len, Fd fd,
                  Ptr link_path, Size link_len);
Errno pathReadlink(WasiContext&, const GuestMemory&, Fd fd, Ptr path, Size path_len, Ptr buf,
                   Size buf_len, Ptr bufused_out);
Errno pathLink(WasiContext&, const GuestMemory&, Fd old_fd, uint32_t old_lookup_flags,
               Ptr old_path, Size old_len, Fd new_fd, Ptr new_path, Size new_len);

// ---- polling
Errno pollOneoff(WasiContext&, const GuestMemory&, Ptr subscriptions, Ptr events,
                 Size nsubscriptions, Ptr nevents_out);

// ---- scheduling, signals, sockets
Errno schedYield(WasiContext&, const GuestMemory&);
Errno procRaise(WasiContext&, const GuestMemory&, uint32_t signal);
Errno sockAccept(WasiContext&, const GuestMemory&, Fd fd, uint32_t flags, Ptr fd_out);
Errno sockRecv(WasiContext&, const GuestMemory&, Fd fd, Ptr ri_data, Size ri_data_len,
               uint32_t ri_flags, Ptr ro_datalen_out, Ptr ro_flags_out);
Errno sockSend(WasiContext&, const GuestMemory&, Fd fd, Ptr si_data, Size si_data_len,
               uint32_t si_flags, Ptr so_datalen_out);
Errno sockShutdown(WasiContext&, const GuestMemory&, Fd fd, uint32_t how);

}  // namespace calls
}  // namespace wisp::wasi
