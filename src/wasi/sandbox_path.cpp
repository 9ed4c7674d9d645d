#include "wasi/sandbox_path.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "wasi/host_errno.h"

namespace wisp::wasi {

namespace {

constexpr int kMaxSymlinkExpansions = 40;  // Linux's own limit for a lookup

// Pushes the components of `path` so that the first one ends up on top of `pending`.
void pushComponents(std::string_view path, std::vector<std::string>& pending) {
  size_t end = path.size();
  while (true) {
    const size_t slash = path.rfind('/', end == 0 ? 0 : end - 1);
    const size_t begin = slash == std::string_view::npos ? 0 : slash + 1;
    if (end > begin) pending.emplace_back(path.substr(begin, end - begin));
    if (slash == std::string_view::npos || slash == 0) break;
    end = slash;
  }
}

// The target of the symlink `name` in `dir`, or the host error (EINVAL: not a symlink).
Errno readSymlink(int dir, const std::string& name, std::string& target) {
  char buffer[PATH_MAX + 1];
  const ssize_t length = readlinkat(dir, name.c_str(), buffer, sizeof buffer);
  if (length < 0) return lastHostError();
  if (static_cast<size_t>(length) >= sizeof buffer) return Errno::NameTooLong;
  target.assign(buffer, static_cast<size_t>(length));
  return Errno::Success;
}

}  // namespace

Errno resolvePath(int start_dir, std::string_view path, FinalSymlink final_symlink,
                  ResolvedPath& out) {
  if (path.empty()) return Errno::NoEnt;
  if (path.size() > PATH_MAX) return Errno::NameTooLong;
  if (path.front() == '/') return Errno::NotCapable;

  std::vector<UniqueFd> entered;  // directories entered below start_dir, innermost last
  auto current = [&] { return entered.empty() ? start_dir : entered.back().get(); };
  std::vector<std::string> pending;  // components still to walk, next on top
  pushComponents(path, pending);
  bool trailing_slash = path.back() == '/';
  int expansions = 0;
  std::string name;

  // Replaces the symlink just taken from `pending` by its target's components.
  auto expand = [&](const std::string& target, bool was_last) -> Errno {
    if (++expansions > kMaxSymlinkExpansions) return Errno::Loop;
    if (target.empty()) return Errno::NoEnt;
    if (target.front() == '/') return Errno::NotCapable;
    if (was_last && target.back() == '/') trailing_slash = true;
    pushComponents(target, pending);
    return Errno::Success;
  };

  while (!pending.empty()) {
    std::string component = std::move(pending.back());
    pending.pop_back();
    if (component == ".") continue;
    if (component == "..") {
      if (entered.empty()) return Errno::NotCapable;  // would climb out of the start directory
      entered.pop_back();
      continue;
    }
    const bool is_last = pending.empty();
    if (is_last) {
      if (final_symlink == FinalSymlink::NoFollow && !trailing_slash) {
        name = std::move(component);
        break;
      }
      std::string target;
      const Errno link = readSymlink(current(), component, target);
      if (link == Errno::Inval || link == Errno::NoEnt) {  // not a symlink, or not there yet
        name = std::move(component);
        break;
      }
      if (link != Errno::Success) return link;
      if (Errno e = expand(target, true); e != Errno::Success) return e;
      continue;
    }
    const int next =
        openat(current(), component.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next >= 0) {
      entered.emplace_back(next);
      continue;
    }
    const int open_error = errno;
    if (open_error != ENOTDIR && open_error != ELOOP) return errnoFromHost(open_error);
    // Not a directory: a symlink to walk through, or a file in the middle of the path.
    std::string target;
    const Errno link = readSymlink(current(), component, target);
    if (link == Errno::Inval) return Errno::NotDir;
    if (link != Errno::Success) return link;
    if (Errno e = expand(target, false); e != Errno::Success) return e;
  }

  if (name.empty()) name.push_back('.');  // the path named the directory it ended in
  if (trailing_slash && name != ".") {
    struct stat st;
    if (fstatat(current(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
      return Errno::NotDir;
  }
  out.name = std::move(name);
  out.must_be_directory = trailing_slash;
  if (entered.empty()) {
    out.parent = start_dir;
    out.parent_owned.reset();
  } else {
    out.parent_owned = std::move(entered.back());
    out.parent = out.parent_owned.get();
  }
  return Errno::Success;
}

}  // namespace wisp::wasi
