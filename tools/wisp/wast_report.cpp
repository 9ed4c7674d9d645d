#include "wast_report.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

namespace wisp::cli {

void Tally::add(Verdict verdict) {
  switch (verdict) {
    case Verdict::Passed: ++passed; break;
    case Verdict::Failed: ++failed; break;
    case Verdict::Skipped: ++skipped; break;
  }
}

std::string Tally::summary() const {
  return std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
         std::to_string(skipped) + " skipped";
}

std::optional<std::string> writeJsonReport(const std::filesystem::path& path,
                                           const std::vector<CommandResult>& results) {
  nlohmann::ordered_json report = nlohmann::ordered_json::array();  // keeps the field order
  for (const CommandResult& result : results) {
    report.push_back({{"file", result.file},
                      {"line", result.line},
                      {"type", result.type},
                      {"result", verdictName(result.verdict)},
                      {"reason", result.reason}});
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write '" + path.string() + "': " + std::strerror(errno);
  // Replace invalid UTF-8 (e.g. from a module's bytes quoted in a message) instead of throwing.
  out << report.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  out.close();
  if (!out) return "cannot write '" + path.string() + "': " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace wisp::cli
