// Path resolution inside the capability sandbox. A guest path is always relative to a
// directory descriptor it holds, and resolves only to places beneath that directory:
//   - absolute paths are refused (ENOTCAPABLE);
//   - the walk goes one component at a time with openat(O_PATH | O_NOFOLLOW | O_DIRECTORY),
//     keeping the descriptors of the directories it has entered, so `..` pops back to the
//     directory it came from and never asks the host for a parent (`..` above the start is
//     ENOTCAPABLE, even when a directory was moved meanwhile);
//   - symlinks are read with readlinkat and their targets spliced into the walk, so they are
//     judged by the same rules (an absolute target or one climbing out is ENOTCAPABLE; more
//     than 40 expansions is ELOOP).
// The result is the directory holding the last component, plus that component's name, for
// the *at() system calls, which are then made without following a final symlink (O_NOFOLLOW,
// AT_SYMLINK_NOFOLLOW): a symlink swapped in after the walk cannot lead out either.
#pragma once

#include <string>
#include <string_view>

#include "wasi/unique_fd.h"
#include "wasi/wasi_abi.h"

namespace wisp::wasi {

enum class FinalSymlink : uint8_t { Follow, NoFollow };

struct ResolvedPath {
  int parent = -1;        // the directory to pass to *at() calls; borrowed or `parent_owned`
  UniqueFd parent_owned;  // set when `parent` was opened during the walk
  std::string name;       // the last component; "." when the path names `parent` itself
  bool must_be_directory = false;  // the path ended in '/' (possibly through a symlink)
};

// Resolves `path` beneath `start_dir`. With FinalSymlink::Follow, a symlink in the last place
// is expanded too (so `name` never names a symlink when it exists). A trailing slash follows
// the last component and requires it to be a directory, when it exists (ENOTDIR otherwise).
Errno resolvePath(int start_dir, std::string_view path, FinalSymlink final_symlink,
                  ResolvedPath& out);

}  // namespace wisp::wasi
