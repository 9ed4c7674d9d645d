// `wisp wast FILE...`: converts each .wast script (or reads wast2json output), runs its
// commands, prints one line per failure and the totals.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wast2json.h"
#include "wisp/engine.h"

namespace wisp::cli {

struct WastOptions {
  std::vector<std::string> files;         // .wast scripts or wast2json .json files
  std::optional<std::string> report_json; // where to write every command's result
  Wast2jsonSettings wast2json;
  // The engine's bounds checks and CPU features, so the suite can run in each mode.
  BoundsChecks bounds_checks = BoundsChecks::GuardRegion;
  std::string cpu_level = "host";  // "host", "sse4.1" (CpuFeatures::sse41Level()) or "baseline"
  // Fuel metering and epoch checks compiled in (unlimited fuel, no deadline): the code with
  // them must compute exactly what it does without.
  bool interruption_checks = false;
};

// Returns the exit code: 0 iff every file could be run and no command failed.
int runWast(const WastOptions& options);

}  // namespace wisp::cli
