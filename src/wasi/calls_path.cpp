// path_open and the other calls that name a file by a path beneath a directory descriptor.
// Every path goes through resolvePath (sandbox_path.h), so it stays beneath that directory;
// the final system call is an *at() call on the resolved parent that does not follow a
// symlink in the last place.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/sandbox_path.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

FinalSymlink followFlag(uint32_t lookup_flags) {
  return (lookup_flags & kLookupSymlinkFollow) ? FinalSymlink::Follow : FinalSymlink::NoFollow;
}

// The directory entry for `fd` with `needed` rights, and the guest's path read from memory.
Errno directoryAndPath(WasiContext& wasi, const GuestMemory& memory, Fd fd, Rights needed,
                       Ptr path, Size path_len, FdEntry*& dir, std::string& guest_path) {
  if (Errno e = wasi.fds().lookup(fd, needed, dir); e != Errno::Success) return e;
  if (dir->type != FileType::Directory) return Errno::NotDir;
  return memory.readPath(path, path_len, guest_path);
}

// Looks up the directory, reads the path and resolves it: the common start of a path call.
Errno resolveGuestPath(WasiContext& wasi, const GuestMemory& memory, Fd fd, Rights needed,
                       Ptr path, Size path_len, FinalSymlink follow, ResolvedPath& resolved) {
  FdEntry* dir;
  std::string guest_path;
  if (Errno e = directoryAndPath(wasi, memory, fd, needed, path, path_len, dir, guest_path);
      e != Errno::Success)
    return e;
  return resolvePath(dir->host.get(), guest_path, follow, resolved);
}

Errno resultOf(int host_status) { return host_status == 0 ? Errno::Success : lastHostError(); }

}  // namespace

Errno pathOpen(WasiContext& wasi, const GuestMemory& memory, Fd dir_fd, uint32_t lookup_flags,
               Ptr path, Size path_len, uint32_t oflags, uint64_t rights_base,
               uint64_t rights_inheriting, uint32_t fdflags, Ptr fd_out) {
  if (oflags & ~uint32_t{oflag::kAll}) return Errno::Inval;
  if (fdflags & ~uint32_t{fdflag::kAll}) return Errno::Inval;
  Rights needed = right::kPathOpen;
  if (oflags & oflag::kCreat) needed |= right::kPathCreateFile;
  if (oflags & oflag::kTrunc) needed |= right::kPathFilestatSetSize;
  FdEntry* dir;
  std::string guest_path;
  if (Errno e = directoryAndPath(wasi, memory, dir_fd, needed, path, path_len, dir, guest_path);
      e != Errno::Success)
    return e;
  // A descriptor opened beneath `dir` gets at most what `dir` lets its children have.
  if ((rights_base & ~dir->inheriting) != 0 || (rights_inheriting & ~dir->inheriting) != 0)
    return Errno::NotCapable;
  if (!memory.contains(fd_out, 4)) return Errno::Fault;

  ResolvedPath resolved;
  if (Errno e = resolvePath(dir->host.get(), guest_path, followFlag(lookup_flags), resolved);
      e != Errno::Success)
    return e;

  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if ((oflags & oflag::kDirectory) || resolved.must_be_directory) {
    flags |= O_DIRECTORY | O_RDONLY;
  } else {
    // The access mode follows the rights asked for, as wasi-libc derives them from O_RDONLY,
    // O_WRONLY and O_RDWR.
    const bool reads = (rights_base & right::kNeedsReading) != 0;
    const bool writes = (rights_base & right::kNeedsWriting) != 0;
    flags |= reads && writes ? O_RDWR : writes ? O_WRONLY : O_RDONLY;
  }
  if (oflags & oflag::kCreat) flags |= O_CREAT;
  if (oflags & oflag::kExcl) flags |= O_EXCL;
  if (oflags & oflag::kTrunc) flags |= O_TRUNC;
  if (fdflags & fdflag::kAppend) flags |= O_APPEND;
  if (fdflags & fdflag::kDsync) flags |= O_DSYNC;
  if (fdflags & fdflag::kNonblock) flags |= O_NONBLOCK;
  if (fdflags & fdflag::kRsync) flags |= O_RSYNC;
  if (fdflags & fdflag::kSync) flags |= O_SYNC;

  const int host = openat(resolved.parent, resolved.name.c_str(), flags, 0666);
  if (host < 0) return lastHostError();
  std::unique_ptr<FdEntry> entry;
  if (Errno e = makeFdEntry(UniqueFd(host), rights_base, rights_inheriting, entry);
      e != Errno::Success)
    return e;
  const uint32_t guest_fd = wasi.fds().insert(std::move(entry));
  memory.store<uint32_t>(fd_out, guest_fd);
  return Errno::Success;
}

Errno pathCreateDirectory(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr path,
                          Size path_len) {
  ResolvedPath resolved;
  if (Errno e = resolveGuestPath(wasi, memory, fd, right::kPathCreateDirectory, path, path_len,
                                 FinalSymlink::NoFollow, resolved);
      e != Errno::Success)
    return e;
  return resultOf(mkdirat(resolved.parent, resolved.name.c_str(), 0777));
}

Errno pathRemoveDirectory(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr path,
                          Size path_len) {
  ResolvedPath resolved;
  if (Errno e = resolveGuestPath(wasi, memory, fd, right::kPathRemoveDirectory, path, path_len,
                                 FinalSymlink::NoFollow, resolved);
      e != Errno::Success)
    return e;
  return resultOf(unlinkat(resolved.parent, resolved.name.c_str(), AT_REMOVEDIR));
}

Errno pathUnlinkFile(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr path,
                     Size path_len) {
  ResolvedPath resolved;
  if (Errno e = resolveGuestPath(wasi, memory, fd, right::kPathUnlinkFile, path, path_len,
                                 FinalSymlink::NoFollow, resolved);
      e != Errno::Success)
    return e;
  return resultOf(unlinkat(resolved.parent, resolved.name.c_str(), 0));
}

Errno pathRename(WasiContext& wasi, const GuestMemory& memory, Fd old_fd, Ptr old_path,
                 Size old_len, Fd new_fd, Ptr new_path, Size new_len) {
  ResolvedPath from;
  ResolvedPath to;
  if (Errno e = resolveGuestPath(wasi, memory, old_fd, right::kPathRenameSource, old_path,
                                 old_len, FinalSymlink::NoFollow, from);
      e != Errno::Success)
    return e;
  if (Errno e = resolveGuestPath(wasi, memory, new_fd, right::kPathRenameTarget, new_path,
                                 new_len, FinalSymlink::NoFollow, to);
      e != Errno::Success)
    return e;
  return resultOf(renameat(from.parent, from.name.c_str(), to.parent, to.name.c_str()));
}

Errno pathSymlink(WasiContext& wasi, const GuestMemory& memory, Ptr target, Size target_len,
                  Fd fd, Ptr link_path, Size link_len) {
  std::string link_target;
  if (Errno e = memory.readPath(target, target_len, link_target); e != Errno::Success) return e;
  // Resolution never follows an absolute target, so inside the sandbox such a link is dead
  // anyway; refusing it keeps the guest from leaving links to host paths for host programs.
  if (!link_target.empty() && link_target.front() == '/') return Errno::NotCapable;
  ResolvedPath resolved;
  if (Errno e = resolveGuestPath(wasi, memory, fd, right::kPathSymlink, link_path, link_len,
                                 FinalSymlink::NoFollow, resolved);
      e != Errno::Success)
    return e;
  return resultOf(symlinkat(link_target.c_str(), resolved.parent, resolved.name.c_str()));
}

Errno pathReadlink(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr path, Size path_len,
                   Ptr buf, Size buf_len, Ptr bufused_out) {
  ResolvedPath resolved;
  if (Errno e = resolveGuestPath(wasi, memory, fd, right::kPathReadlink, path, path_len,
                                 FinalSymlink::NoFollow, resolved);
      e != Errno::Success)
    return e;
  if (!memory.contains(buf, buf_len) || !memory.contains(bufused_out, 4)) return Errno::Fault;
  char target[PATH_MAX];
  const ssize_t length = readlinkat(resolved.parent, resolved.name.c_str(), target, sizeof target);
  if (length < 0) return lastHostError();
  // Like readlink(2), a buffer too small gets the target cut short.
  const uint32_t copied = std::min<uint32_t>(static_cast<uint32_t>(length), buf_len);
  if (copied != 0) std::memcpy(memory.bytes(buf, copied), target, copied);
  memory.store<uint32_t>(bufused_out, copied);
  return Errno::Success;
}

Errno pathLink(WasiContext& wasi, const GuestMemory& memory, Fd old_fd,
               uint32_t old_lookup_flags, Ptr old_path, Size old_len, Fd new_fd, Ptr new_path,
               Size new_len) {
  ResolvedPath from;
  ResolvedPath to;
  if (Errno e = resolveGuestPath(wasi, memory, old_fd, right::kPathLinkSource, old_path, old_len,
                                 followFlag(old_lookup_flags), from);
      e != Errno::Success)
    return e;
  if (Errno e = resolveGuestPath(wasi, memory, new_fd, right::kPathLinkTarget, new_path, new_len,
                                 FinalSymlink::NoFollow, to);
      e != Errno::Success)
    return e;
  // Flags 0: a symlink source is linked itself; with the follow flag it was resolved above.
  return resultOf(linkat(from.parent, from.name.c_str(), to.parent, to.name.c_str(), 0));
}

}  // namespace wisp::wasi::calls
