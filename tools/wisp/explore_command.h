// `wisp explore [--bounds-checks guard|explicit] [--cpu-features host|baseline] FILE.wasm
// -o PAGE.html`: compile a module as `wisp run` would and write a
// self-contained HTML page that shows each function's wasm instructions beside the x86-64
// code they became, linked both ways through the compiler's address map (explore_page.h).
#pragma once

#include <string>

#include "wisp/engine.h"

namespace CLI {
class App;
}

namespace wisp::cli {

// Exit codes besides 0 (success).
inline constexpr int kExploreModuleError = 1;  // unreadable, malformed, invalid or uncompilable
inline constexpr int kExploreOutputError = 3;  // the page cannot be written

struct ExploreOptions {
  std::string file;
  std::string output;
  BoundsChecks bounds_checks = BoundsChecks::GuardRegion;
  Features features;  // --disable-FEATURE / --enable-FEATURE
  std::string cpu_level = "host";  // or "sse4.1" (no AVX), or "baseline": SSE2 only
};

// Adds the `explore` subcommand to `app`, filling `options` when it parses.
CLI::App* addExploreSubcommand(CLI::App& app, ExploreOptions& options);

// Writes the page and prints what it holds; errors go to stderr. Returns the exit code.
int runExplore(const ExploreOptions& options);

}  // namespace wisp::cli
