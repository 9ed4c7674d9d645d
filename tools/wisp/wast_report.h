// Totals of a `wisp wast` run and its machine-readable report.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "wast_result.h"

namespace wisp::cli {

struct Tally {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;

  void add(Verdict verdict);
  // "N passed, M failed, K skipped"
  std::string summary() const;
};

// Writes every result as a JSON array of {file, line, type, result, reason}; returns an error
// message when the file cannot be written.
std::optional<std::string> writeJsonReport(const std::filesystem::path& path,
                                           const std::vector<CommandResult>& results);

}  // namespace wisp::cli
