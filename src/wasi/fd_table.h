// The guest's file descriptors: numbers the guest sees, mapped to owned host descriptors with
// the WASI rights each one carries. The guest never names a host descriptor directly, so a
// descriptor it was not given (a preopen, stdio, or one it opened beneath those) is EBADF.
#pragma once

#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasi/unique_fd.h"
#include "wasi/wasi_abi.h"

namespace wisp::wasi {

struct DirStreamCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

struct FdEntry {
  UniqueFd host;
  FileType type = FileType::Unknown;
  Rights base = 0;        // what this descriptor may do
  Rights inheriting = 0;  // the most that descriptors opened beneath it may do
  bool is_preopen = false;
  std::string preopen_name;  // the guest's name for a preopened directory
  // fd_readdir's stream over a duplicate of `host`, opened on first use.
  std::unique_ptr<DIR, DirStreamCloser> dir_stream;
};

FileType fileTypeOfMode(mode_t mode);

// An entry for an open host descriptor: its type from fstat, and the rights its type and
// access mode allow, limited to `max_base` (and `max_inheriting` for a directory).
Errno makeFdEntry(UniqueFd host, Rights max_base, Rights max_inheriting,
                  std::unique_ptr<FdEntry>& out);

class FdTable {
 public:
  // The entry for `fd`: EBADF when there is none, ENOTCAPABLE when it lacks any of `required`.
  Errno lookup(uint32_t fd, Rights required, FdEntry*& out) const;
  // Gives the entry the lowest free number.
  uint32_t insert(std::unique_ptr<FdEntry> entry);
  // Places the entry at `fd` (setup: stdio), replacing what was there.
  void insertAt(uint32_t fd, std::unique_ptr<FdEntry> entry);
  Errno close(uint32_t fd);
  // Moves `from` to `to`, closing what `to` held; both must be open.
  Errno renumber(uint32_t from, uint32_t to);

 private:
  void dropTrailingFree();

  std::vector<std::unique_ptr<FdEntry>> entries_;  // by guest fd; null when free
};

}  // namespace wisp::wasi
