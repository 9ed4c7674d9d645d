// `wisp compile [--bounds-checks guard|explicit] [--cpu-features host|baseline] FILE.wasm
// -o FILE.cwisp`: compile a module ahead of time into Wisp's serialized format, which
// `wisp run` (and Module::deserialize) loads without compiling.
#pragma once

#include <string>

#include "wisp/engine.h"

namespace CLI {
class App;
}

namespace wisp::cli {

struct CompileOptions {
  std::string input;
  std::string output;
  BoundsChecks bounds_checks = BoundsChecks::GuardRegion;
  Features features;  // --disable-FEATURE / --enable-FEATURE
  std::string cpu_level = "host";  // or "sse4.1", or "baseline": code that runs on every x86-64 CPU
  // Fuel metering and epoch checks compiled in, for `wisp run --fuel` and `--timeout`.
  bool consume_fuel = false;
  bool epoch_interruption = false;
};

CLI::App* addCompileSubcommand(CLI::App& app, CompileOptions& options);

// 0 when the file is written; 1 when the input cannot be read or compiled or the output
// cannot be written (the message names which file and why).
int runCompile(const CompileOptions& options);

}  // namespace wisp::cli
