#include "golden_file.h"

#include <fstream>
#include <sstream>

#include "unified_diff.h"

namespace wisp::disas {

GoldenOutcome checkGolden(const std::filesystem::path& golden, const std::string& actual,
                          GoldenMode mode) {
  std::string expected;
  const bool exists = std::filesystem::exists(golden);
  if (exists) {
    std::ifstream in(golden, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    expected = text.str();
  }
  if (exists && expected == actual) return {true, golden.string() + ": matches"};

  if (mode == GoldenMode::Bless) {
    std::ofstream out(golden, std::ios::binary | std::ios::trunc);
    out << actual;
    out.close();
    if (!out) return {false, "cannot write " + golden.string()};
    return {true, golden.string() + (exists ? ": updated" : ": created")};
  }
  if (!exists) {
    return {false, golden.string() +
                       ": no golden file; create it with WISP_BLESS=1 (or --bless) and review it"};
  }
  return {false, golden.string() +
                     ": the generated code differs from the golden file (- golden, + generated); if "
                     "the change is intended, regenerate with WISP_BLESS=1 (or --bless) and "
                     "review the diff\n" +
                     unifiedDiff(expected, actual, golden.string(), "generated")};
}

}  // namespace wisp::disas
