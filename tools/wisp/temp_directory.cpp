#include "temp_directory.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

namespace wisp::cli {

std::optional<TempDirectory> TempDirectory::create(const std::string& prefix, std::string& error) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) {
    error = "cannot find the temp directory: " + ec.message();
    return std::nullopt;
  }
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    error = "cannot create a temp directory like '" + pattern + "': " + std::strerror(errno);
    return std::nullopt;
  }
  return TempDirectory(std::filesystem::path(buffer.data()));
}

TempDirectory::TempDirectory(TempDirectory&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDirectory& TempDirectory::operator=(TempDirectory&& other) noexcept {
  std::swap(path_, other.path_);  // `other` removes what this one held
  return *this;
}

TempDirectory::~TempDirectory() {
  if (path_.empty()) return;
  std::error_code ignored;  // best effort: a leftover temp folder is not worth a crash
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace wisp::cli
