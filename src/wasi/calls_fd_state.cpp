// A descriptor's own state: closing and renumbering it, its fdstat (type, flags, rights) and,
// for a preopened directory, its prestat (the name the guest knows it by).
#include <fcntl.h>

#include <cstring>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

Errno fdClose(WasiContext& wasi, const GuestMemory&, Fd fd) { return wasi.fds().close(fd); }

Errno fdRenumber(WasiContext& wasi, const GuestMemory&, Fd from, Fd to) {
  return wasi.fds().renumber(from, to);
}

Errno fdFdstatGet(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr fdstat_out) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, 0, entry); e != Errno::Success) return e;
  if (!memory.contains(fdstat_out, layout::kFdstatSize)) return Errno::Fault;
  const int status = fcntl(entry->host.get(), F_GETFL);
  if (status < 0) return lastHostError();
  uint16_t flags = 0;
  if (status & O_APPEND) flags |= fdflag::kAppend;
  if (status & O_NONBLOCK) flags |= fdflag::kNonblock;
  // O_SYNC includes the O_DSYNC bit on Linux, and O_RSYNC equals O_SYNC.
  if ((status & O_SYNC) == O_SYNC) flags |= fdflag::kSync | fdflag::kRsync;
  if (status & O_DSYNC) flags |= fdflag::kDsync;
  std::memset(memory.bytes(fdstat_out, layout::kFdstatSize), 0, layout::kFdstatSize);
  memory.store<uint8_t>(fdstat_out + layout::kFdstatFiletype, static_cast<uint8_t>(entry->type));
  memory.store<uint16_t>(fdstat_out + layout::kFdstatFlags, flags);
  memory.store<uint64_t>(fdstat_out + layout::kFdstatRightsBase, entry->base);
  memory.store<uint64_t>(fdstat_out + layout::kFdstatRightsInheriting, entry->inheriting);
  return Errno::Success;
}

Errno fdFdstatSetFlags(WasiContext& wasi, const GuestMemory&, Fd fd, uint32_t fdflags) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdFdstatSetFlags, entry); e != Errno::Success)
    return e;
  if (fdflags & ~uint32_t{fdflag::kAll}) return Errno::Inval;
  // Linux changes only O_APPEND and O_NONBLOCK on an open descriptor; the sync flags can only
  // be chosen when opening, so asking for them here is refused rather than ignored.
  if (fdflags & (fdflag::kDsync | fdflag::kRsync | fdflag::kSync)) return Errno::NotSup;
  const int status = fcntl(entry->host.get(), F_GETFL);
  if (status < 0) return lastHostError();
  int updated = status & ~(O_APPEND | O_NONBLOCK);
  if (fdflags & fdflag::kAppend) updated |= O_APPEND;
  if (fdflags & fdflag::kNonblock) updated |= O_NONBLOCK;
  return fcntl(entry->host.get(), F_SETFL, updated) == 0 ? Errno::Success : lastHostError();
}

Errno fdFdstatSetRights(WasiContext& wasi, const GuestMemory&, Fd fd, uint64_t base,
                        uint64_t inheriting) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, 0, entry); e != Errno::Success) return e;
  // Rights can only be dropped, never gained.
  if ((base & ~entry->base) != 0 || (inheriting & ~entry->inheriting) != 0)
    return Errno::NotCapable;
  entry->base = base;
  entry->inheriting = inheriting;
  return Errno::Success;
}

Errno fdPrestatGet(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr prestat_out) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, 0, entry); e != Errno::Success) return e;
  if (!entry->is_preopen) return Errno::BadF;
  if (!memory.contains(prestat_out, layout::kPrestatSize)) return Errno::Fault;
  std::memset(memory.bytes(prestat_out, layout::kPrestatSize), 0, layout::kPrestatSize);
  memory.store<uint8_t>(prestat_out + layout::kPrestatTag, kPreopenTypeDir);
  memory.store<uint32_t>(prestat_out + layout::kPrestatNameLen,
                         static_cast<uint32_t>(entry->preopen_name.size()));
  return Errno::Success;
}

Errno fdPrestatDirName(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr path,
                       Size path_len) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, 0, entry); e != Errno::Success) return e;
  if (!entry->is_preopen) return Errno::BadF;
  const std::string& name = entry->preopen_name;
  if (path_len < name.size()) return Errno::NameTooLong;
  if (!memory.contains(path, name.size())) return Errno::Fault;
  if (!name.empty()) std::memcpy(memory.bytes(path, name.size()), name.data(), name.size());
  return Errno::Success;
}

}  // namespace wisp::wasi::calls
