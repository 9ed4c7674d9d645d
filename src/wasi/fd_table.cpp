#include "wasi/fd_table.h"

#include <fcntl.h>

#include "wasi/host_errno.h"

namespace wisp::wasi {

FileType fileTypeOfMode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return FileType::RegularFile;
    case S_IFDIR: return FileType::Directory;
    case S_IFCHR: return FileType::CharacterDevice;
    case S_IFBLK: return FileType::BlockDevice;
    case S_IFLNK: return FileType::SymbolicLink;
    case S_IFSOCK: return FileType::SocketStream;
    default: return FileType::Unknown;  // FIFOs: WASI preview1 has no type for them
  }
}

Errno makeFdEntry(UniqueFd host, Rights max_base, Rights max_inheriting,
                  std::unique_ptr<FdEntry>& out) {
  struct stat st;
  if (fstat(host.get(), &st) != 0) return lastHostError();
  const int status_flags = fcntl(host.get(), F_GETFL);
  if (status_flags < 0) return lastHostError();

  auto entry = std::make_unique<FdEntry>();
  entry->type = fileTypeOfMode(st.st_mode);
  Rights base = 0;
  Rights inheriting = 0;
  switch (entry->type) {
    case FileType::Directory:
      base = right::kDirectory;
      inheriting = right::kDirectory | right::kRegularFile;
      break;
    case FileType::CharacterDevice:
      // No seek or tell: that is how wasi-libc's isatty() recognises a terminal (and so picks
      // line buffering for it).
      base = right::kRegularFile & ~(right::kFdSeek | right::kFdTell);
      break;
    default:
      // Files, and also pipes and sockets: seeking those fails on the host with ESPIPE, as
      // programs expect.
      base = right::kRegularFile;
      break;
  }
  // The host descriptor's access mode bounds what the guest may ask of it.
  const int access = status_flags & O_ACCMODE;
  if (access == O_WRONLY) base &= ~right::kNeedsReading;
  if (access == O_RDONLY) base &= ~right::kNeedsWriting;
  entry->base = base & max_base;
  entry->inheriting = inheriting & max_inheriting;
  entry->host = std::move(host);
  out = std::move(entry);
  return Errno::Success;
}

Errno FdTable::lookup(uint32_t fd, Rights required, FdEntry*& out) const {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::BadF;
  FdEntry& entry = *entries_[fd];
  if ((entry.base & required) != required) return Errno::NotCapable;
  out = &entry;
  return Errno::Success;
}

uint32_t FdTable::insert(std::unique_ptr<FdEntry> entry) {
  for (uint32_t fd = 0; fd < entries_.size(); ++fd) {
    if (!entries_[fd]) {
      entries_[fd] = std::move(entry);
      return fd;
    }
  }
  entries_.push_back(std::move(entry));
  return static_cast<uint32_t>(entries_.size() - 1);
}

void FdTable::insertAt(uint32_t fd, std::unique_ptr<FdEntry> entry) {
  if (fd >= entries_.size()) entries_.resize(fd + 1);
  entries_[fd] = std::move(entry);
}

Errno FdTable::close(uint32_t fd) {
  if (fd >= entries_.size() || !entries_[fd]) return Errno::BadF;
  entries_[fd].reset();
  dropTrailingFree();
  return Errno::Success;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (from >= entries_.size() || !entries_[from]) return Errno::BadF;
  if (to >= entries_.size() || !entries_[to]) return Errno::BadF;
  if (from == to) return Errno::Success;
  entries_[to] = std::move(entries_[from]);  // closes what `to` held
  dropTrailingFree();
  return Errno::Success;
}

void FdTable::dropTrailingFree() {
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
}

}  // namespace wisp::wasi
