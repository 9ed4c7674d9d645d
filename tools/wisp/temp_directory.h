// A fresh private directory under the system temp folder, removed with everything in it
// when the object goes away.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace wisp::cli {

class TempDirectory {
 public:
  // Creates "<temp>/<prefix>XXXXXX"; on failure returns nullopt and sets `error`.
  static std::optional<TempDirectory> create(const std::string& prefix, std::string& error);

  TempDirectory(TempDirectory&& other) noexcept;
  TempDirectory& operator=(TempDirectory&& other) noexcept;
  TempDirectory(const TempDirectory&) = delete;
  ~TempDirectory();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;  // empty once moved from
};

}  // namespace wisp::cli
