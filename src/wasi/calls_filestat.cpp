// File attributes, through a descriptor (fd_filestat_*) or a path beneath one
// (path_filestat_*).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/sandbox_path.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

uint64_t nanoseconds(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

void storeFilestat(const GuestMemory& memory, Ptr out, const struct stat& st) {
  std::memset(memory.bytes(out, layout::kFilestatSize), 0, layout::kFilestatSize);
  memory.store<uint64_t>(out + layout::kFilestatDev, st.st_dev);
  memory.store<uint64_t>(out + layout::kFilestatIno, st.st_ino);
  memory.store<uint8_t>(out + layout::kFilestatFiletype,
                        static_cast<uint8_t>(fileTypeOfMode(st.st_mode)));
  memory.store<uint64_t>(out + layout::kFilestatNlink, st.st_nlink);
  memory.store<uint64_t>(out + layout::kFilestatFileSize, static_cast<uint64_t>(st.st_size));
  memory.store<uint64_t>(out + layout::kFilestatAtim, nanoseconds(st.st_atim));
  memory.store<uint64_t>(out + layout::kFilestatMtim, nanoseconds(st.st_mtim));
  memory.store<uint64_t>(out + layout::kFilestatCtim, nanoseconds(st.st_ctim));
}

// The two timestamps utimensat/futimens take, from WASI's times and fst_flags.
Errno hostTimes(uint64_t atim, uint64_t mtim, uint32_t fst_flags, timespec (&times)[2]) {
  if (fst_flags & ~uint32_t{fstflag::kAll}) return Errno::Inval;
  if ((fst_flags & fstflag::kAtim) && (fst_flags & fstflag::kAtimNow)) return Errno::Inval;
  if ((fst_flags & fstflag::kMtim) && (fst_flags & fstflag::kMtimNow)) return Errno::Inval;
  auto pick = [](uint64_t value, bool set, bool now) {
    timespec t{};
    if (now) {
      t.tv_nsec = UTIME_NOW;
    } else if (set) {
      t.tv_sec = static_cast<time_t>(value / 1'000'000'000u);
      t.tv_nsec = static_cast<long>(value % 1'000'000'000u);
    } else {
      t.tv_nsec = UTIME_OMIT;
    }
    return t;
  };
  times[0] = pick(atim, fst_flags & fstflag::kAtim, fst_flags & fstflag::kAtimNow);
  times[1] = pick(mtim, fst_flags & fstflag::kMtim, fst_flags & fstflag::kMtimNow);
  return Errno::Success;
}

}  // namespace

Errno fdFilestatGet(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr filestat_out) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdFilestatGet, entry); e != Errno::Success)
    return e;
  if (!memory.contains(filestat_out, layout::kFilestatSize)) return Errno::Fault;
  struct stat st;
  if (fstat(entry->host.get(), &st) != 0) return lastHostError();
  storeFilestat(memory, filestat_out, st);
  return Errno::Success;
}

Errno fdFilestatSetSize(WasiContext& wasi, const GuestMemory&, Fd fd, uint64_t size) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdFilestatSetSize, entry); e != Errno::Success)
    return e;
  if (size > static_cast<uint64_t>(INT64_MAX)) return Errno::FBig;
  return ftruncate(entry->host.get(), static_cast<off_t>(size)) == 0 ? Errno::Success
                                                                     : lastHostError();
}

Errno fdFilestatSetTimes(WasiContext& wasi, const GuestMemory&, Fd fd, uint64_t atim,
                         uint64_t mtim, uint32_t fst_flags) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdFilestatSetTimes, entry); e != Errno::Success)
    return e;
  timespec times[2];
  if (Errno e = hostTimes(atim, mtim, fst_flags, times); e != Errno::Success) return e;
  return futimens(entry->host.get(), times) == 0 ? Errno::Success : lastHostError();
}

Errno pathFilestatGet(WasiContext& wasi, const GuestMemory& memory, Fd fd, uint32_t lookup_flags,
                      Ptr path, Size path_len, Ptr filestat_out) {
  FdEntry* dir;
  if (Errno e = wasi.fds().lookup(fd, right::kPathFilestatGet, dir); e != Errno::Success) return e;
  std::string guest_path;
  if (Errno e = memory.readPath(path, path_len, guest_path); e != Errno::Success) return e;
  if (!memory.contains(filestat_out, layout::kFilestatSize)) return Errno::Fault;
  ResolvedPath resolved;
  const FinalSymlink follow = (lookup_flags & kLookupSymlinkFollow) ? FinalSymlink::Follow
                                                                    : FinalSymlink::NoFollow;
  if (Errno e = resolvePath(dir->host.get(), guest_path, follow, resolved); e != Errno::Success)
    return e;
  struct stat st;
  if (fstatat(resolved.parent, resolved.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return lastHostError();
  storeFilestat(memory, filestat_out, st);
  return Errno::Success;
}

Errno pathFilestatSetTimes(WasiContext& wasi, const GuestMemory& memory, Fd fd,
                           uint32_t lookup_flags, Ptr path, Size path_len, uint64_t atim,
                           uint64_t mtim, uint32_t fst_flags) {
  FdEntry* dir;
  if (Errno e = wasi.fds().lookup(fd, right::kPathFilestatSetTimes, dir); e != Errno::Success)
    return e;
  std::string guest_path;
  if (Errno e = memory.readPath(path, path_len, guest_path); e != Errno::Success) return e;
  timespec times[2];
  if (Errno e = hostTimes(atim, mtim, fst_flags, times); e != Errno::Success) return e;
  ResolvedPath resolved;
  const FinalSymlink follow = (lookup_flags & kLookupSymlinkFollow) ? FinalSymlink::Follow
                                                                    : FinalSymlink::NoFollow;
  if (Errno e = resolvePath(dir->host.get(), guest_path, follow, resolved); e != Errno::Success)
    return e;
  return utimensat(resolved.parent, resolved.name.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0
             ? Errno::Success
             : lastHostError();
}

}  // namespace wisp::wasi::calls
