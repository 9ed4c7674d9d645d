// fd_readdir: directory entries as WASI dirents (a 24-byte header, then the name), packed into
// the guest's buffer. The last entry may be cut short when the buffer is full; the guest
// then sees bufused == buf_len and asks again from the cookie of the last whole entry.
// Cookies are the host's directory offsets (d_off), so resuming is a seekdir.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

FileType fileTypeOfEntry(DIR* dir, const dirent& entry) {
  switch (entry.d_type) {
    case DT_REG: return FileType::RegularFile;
    case DT_DIR: return FileType::Directory;
    case DT_LNK: return FileType::SymbolicLink;
    case DT_CHR: return FileType::CharacterDevice;
    case DT_BLK: return FileType::BlockDevice;
    case DT_SOCK: return FileType::SocketStream;
    case DT_UNKNOWN: {
      // Some file systems do not fill d_type: ask the file itself.
      struct stat st;
      if (fstatat(dirfd(dir), entry.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return FileType::Unknown;
      return fileTypeOfMode(st.st_mode);
    }
    default: return FileType::Unknown;
  }
}

}  // namespace

Errno fdReaddir(WasiContext& wasi, const GuestMemory& memory, Fd fd, Ptr buf, Size buf_len,
                uint64_t cookie, Ptr bufused_out) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, right::kFdReaddir, entry); e != Errno::Success) return e;
  if (entry->type != FileType::Directory) return Errno::NotDir;
  if (!memory.contains(buf, buf_len) || !memory.contains(bufused_out, 4)) return Errno::Fault;

  if (!entry->dir_stream) {
    // A separate open of the directory, so the stream's position is its own.
    const int own = openat(entry->host.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) return lastHostError();
    DIR* stream = fdopendir(own);
    if (stream == nullptr) {
      const Errno error = lastHostError();
      close(own);
      return error;
    }
    entry->dir_stream.reset(stream);
  }
  DIR* dir = entry->dir_stream.get();
  if (cookie == 0) {
    rewinddir(dir);
  } else if (static_cast<uint64_t>(telldir(dir)) != cookie) {
    seekdir(dir, static_cast<long>(cookie));
  }

  uint8_t* out = memory.bytes(buf, buf_len);
  uint32_t used = 0;
  while (used < buf_len) {
    errno = 0;
    const dirent* host_entry = readdir(dir);
    if (host_entry == nullptr) {
      if (errno != 0) return lastHostError();
      break;  // the end of the directory
    }
    const size_t name_length = std::strlen(host_entry->d_name);
    uint8_t header[layout::kDirentSize] = {};
    const uint64_t next = static_cast<uint64_t>(host_entry->d_off);
    const uint64_t inode = host_entry->d_ino;
    const uint32_t namlen = static_cast<uint32_t>(name_length);
    std::memcpy(header + layout::kDirentNext, &next, 8);
    std::memcpy(header + layout::kDirentIno, &inode, 8);
    std::memcpy(header + layout::kDirentNamlen, &namlen, 4);
    header[layout::kDirentType] = static_cast<uint8_t>(fileTypeOfEntry(dir, *host_entry));

    const uint32_t header_part = std::min<uint32_t>(layout::kDirentSize, buf_len - used);
    std::memcpy(out + used, header, header_part);
    used += header_part;
    const uint32_t name_part = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(out + used, host_entry->d_name, name_part);
    used += name_part;
  }
  memory.store<uint32_t>(bufused_out, used);
  return Errno::Success;
}

}  // namespace wisp::wasi::calls
