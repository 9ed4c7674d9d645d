// `wisp run [--dir HOST[::GUEST]] [--env KEY=VALUE] [--max-memory BYTES]
// [--profile=perfmap|jitdump] [--fuel N] [--timeout DURATION] [--invoke NAME] FILE [ARGS...]`:
// compile, instantiate and call a module's function (its `_start` by default), print the
// results one a line. A module importing WASI gets it: ARGS become a command's argv, and its
// exit status is the program's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_wasi.h"
#include "wisp/engine.h"

namespace CLI {
class App;
}

namespace wisp::cli {

// Exit codes besides 0 (success).
inline constexpr int kRunModuleError = 1;   // unreadable, invalid or uninstantiable module
inline constexpr int kRunUsageError = 2;    // no such export, wrong argument count or value
inline constexpr int kRunTrapped = 134;     // the call trapped (128 + SIGABRT, as for a crash)
// A WASI program's own exit status (proc_exit, or returning from main) is passed on as it is.

struct RunOptions {
  std::string file;
  std::optional<std::string> invoke;  // the export to call; `_start` when absent
  // For the invoked function, parsed by its parameter types; for a WASI command's `_start`,
  // its argv after argv[0].
  std::vector<std::string> args;
  WasiRunOptions wasi;  // --dir, --env, --wasi-trace
  // --max-memory as given: the largest size in bytes of each memory (parsed by runRun).
  std::optional<std::string> max_memory;
  // --profile: the engine's Config::profiler.
  ProfilingStrategy profile = ProfilingStrategy::None;
  // --bounds-checks: the engine's Config::bounds_checks (a compiled module must match it).
  BoundsChecks bounds_checks = BoundsChecks::GuardRegion;
  Features features;  // --disable-FEATURE / --enable-FEATURE
  // --fuel and --timeout as given (parsed by runRun): fuel metering, and epoch interruption
  // driven by a timer thread.
  std::optional<std::string> fuel;
  std::optional<std::string> timeout;
};

// Adds the `run` subcommand to `app`, filling `options` when it parses.
CLI::App* addRunSubcommand(CLI::App& app, RunOptions& options);

// Runs and returns the exit code; results go to stdout, errors and traps to stderr.
int runRun(const RunOptions& options);

}  // namespace wisp::cli
