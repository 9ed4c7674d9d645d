// What running one command of a .wast script came to.
#pragma once

#include <cstdint>
#include <string>

namespace wisp::cli {

enum class Verdict : uint8_t { Passed, Failed, Skipped };

inline const char* verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::Passed: return "passed";
    case Verdict::Failed: return "failed";
    case Verdict::Skipped: return "skipped";
  }
  return "?";
}

struct CommandResult {
  std::string file;  // the .wast script
  uint32_t line = 0;
  std::string type;  // "module", "assert_invalid", ...
  Verdict verdict = Verdict::Passed;
  std::string reason;  // why it failed or was skipped; empty when passed
};

}  // namespace wisp::cli
