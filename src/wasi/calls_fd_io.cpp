// Reading, writing, seeking and syncing a descriptor. Reads and writes go straight between
// the host descriptor and guest memory (readv/writev over the guest's own buffers, each one
// bounds-checked first): no copy, so large outputs cost one system call per guest call.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

// Offsets and lengths arrive as u64; the host takes a signed off_t.
bool fitsOffset(uint64_t value) { return value <= static_cast<uint64_t>(INT64_MAX); }

enum class Transfer : uint8_t { Read, Write };

// fd_read, fd_write, fd_pread and fd_pwrite: `offset` is null for the descriptor's own position.
Errno transfer(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr iovs, Size iovs_len,
               const uint64_t* offset, Ptr count_out, Transfer direction) {
  Rights needed = direction == Transfer::Read ? right::kFdRead : right::kFdWrite;
  if (offset != nullptr) needed |= right::kFdSeek;
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, needed, entry); e != Errno::Success) return e;
  if (offset != nullptr && !fitsOffset(*offset)) return Errno::Inval;
  if (!memory.contains(count_out, 4)) return Errno::Fault;
  std::vector<struct iovec>& buffers = wasi.iovecScratch();
  if (Errno e = memory.readIovecs(iovs, iovs_len, buffers); e != Errno::Success) return e;

  const int host = entry->host.get();
  const int count = static_cast<int>(buffers.size());
  ssize_t done;
  do {
    if (direction == Transfer::Read) {
      done = offset ? preadv(host, buffers.data(), count, static_cast<off_t>(*offset))
                    : readv(host, buffers.data(), count);
    } else {
      done = offset ? pwritev(host, buffers.data(), count, static_cast<off_t>(*offset))
                    : writev(host, buffers.data(), count);
    }
  } while (done < 0 && errno == EINTR);
  if (done < 0) return lastHostError();
  memory.store<uint32_t>(count_out, static_cast<uint32_t>(done));
  return Errno::Success;
}

}  // namespace

Errno fdRead(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr iovs, Size iovs_len,
             Ptr nread_out) {
  return transfer(wasi, memory, fd, iovs, iovs_len, nullptr, nread_out, Transfer::Read);
}

Errno fdWrite(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr iovs, Size iovs_len,
              Ptr nwritten_out) {
  return transfer(wasi, memory, fd, iovs, iovs_len, nullptr, nwritten_out, Transfer::Write);
}

Errno fdPread(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr iovs, Size iovs_len,
              uint64_t offset, Ptr nread_out) {
  return transfer(wasi, memory, fd, iovs, iovs_len, &offset, nread_out, Transfer::Read);
}

Errno fdPwrite(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr iovs, Size iovs_len,
               uint64_t offset, Ptr nwritten_out) {
  return transfer(wasi, memory, fd, iovs, iovs_len, &offset, nwritten_out, Transfer::Write);
}

Errno fdSeek(WasiContext& wasi, const GuestMemory& memory, Fd fd, uint64_t offset,
             uint32_t whence, Ptr newoffset_out) {
  const auto delta = static_cast<int64_t>(offset);  // a signed filedelta in the ABI
  // Asking for the position only needs the right to tell, not to seek.
  const Rights needed =
      delta == 0 && whence == whence::kCur ? right::kFdTell : right::kFdSeek;
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, needed, entry); e != Errno::Success) return e;
  int host_whence;
  switch (whence) {
    case whence::kSet: host_whence = SEEK_SET; break;
    case whence::kCur: host_whence = SEEK_CUR; break;
    case whence::kEnd: host_whence = SEEK_END; break;
    default: return Errno::Inval;
  }
  if (!memory.contains(newoffset_out, 8)) return Errno::Fault;
  const off_t position = lseek(entry->host.get(), delta, host_whence);
  if (position < 0) return lastHostError();
  memory.store<uint64_t>(newoffset_out, static_cast<uint64_t>(position));
  return Errno::Success;
}

Errno fdTell(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr offset_out) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdTell, entry); e != Errno::Success) return e;
  if (!memory.contains(offset_out, 8)) return Errno::Fault;
  const off_t position = lseek(entry->host.get(), 0, SEEK_CUR);
  if (position < 0) return lastHostError();
  memory.store<uint64_t>(offset_out, static_cast<uint64_t>(position));
  return Errno::Success;
}

Errno fdSync(WasiContext& wasi, const GuestMemory&, Fd fd) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdSync, entry); e != Errno::Success) return e;
  return fsync(entry->host.get()) == 0 ? Errno::Success : lastHostError();
}

Errno fdDatasync(WasiContext& wasi, const GuestMemory&, Fd fd) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdDatasync, entry); e != Errno::Success) return e;
  return fdatasync(entry->host.get()) == 0 ? Errno::Success : lastHostError();
}

Errno fdAdvise(WasiContext& wasi, const GuestMemory&, Fd fd, uint64_t offset, uint64_t len,
               uint32_t advice) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdAdvise, entry); e != Errno::Success) return e;
  int host_advice;
  switch (advice) {
    case advice::kNormal: host_advice = POSIX_FADV_NORMAL; break;
    case advice::kSequential: host_advice = POSIX_FADV_SEQUENTIAL; break;
    case advice::kRandom: host_advice = POSIX_FADV_RANDOM; break;
    case advice::kWillNeed: host_advice = POSIX_FADV_WILLNEED; break;
    case advice::kDontNeed: host_advice = POSIX_FADV_DONTNEED; break;
    case advice::kNoReuse: host_advice = POSIX_FADV_NOREUSE; break;
    default: return Errno::Inval;
  }
  if (!fitsOffset(offset) || !fitsOffset(len)) return Errno::Inval;
  // posix_fadvise returns the error rather than setting errno.
  return errnoFromHost(posix_fadvise(entry->host.get(), static_cast<off_t>(offset),
                                     static_cast<off_t>(len), host_advice));
}

Errno fdAllocate(WasiContext& wasi, const GuestMemory&, Fd fd, uint64_t offset, uint64_t len) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdAllocate, entry); e != Errno::Success) return e;
  if (!fitsOffset(offset) || !fitsOffset(len) || offset + len > static_cast<uint64_t>(INT64_MAX))
    return Errno::FBig;
  return errnoFromHost(posix_fallocate(entry->host.get(), static_cast<off_t>(offset),
                                       static_cast<off_t>(len)));
}

}  // namespace wisp::wasi::calls
