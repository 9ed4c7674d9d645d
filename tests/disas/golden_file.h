// Golden files: compare produced text with the checked-in file, or (bless mode) rewrite the
// file with it.
#pragma once

#include <filesystem>
#include <string>

namespace wisp::disas {

enum class GoldenMode { Check, Bless };

struct GoldenOutcome {
  bool passed = false;
  std::string report;  // what happened; on a mismatch, a unified diff golden -> actual
};

GoldenOutcome checkGolden(const std::filesystem::path& golden, const std::string& actual,
                          GoldenMode mode);

}  // namespace wisp::disas
