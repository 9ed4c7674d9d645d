// `wisp run [--invoke NAME] FILE.wasm [ARGS...]`: compile, instantiate and call a module's
// function (its `_start` by default), print the results one a line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace wisp::cli {

// Exit codes besides 0 (success).
inline constexpr int kRunModuleError = 1;   // unreadable, invalid or uninstantiable module
inline constexpr int kRunUsageError = 2;    // no such export, wrong argument count or value
inline constexpr int kRunTrapped = 134;     // the call trapped (128 + SIGABRT, as for a crash)

struct RunOptions {
  std::string file;
  std::optional<std::string> invoke;  // the export to call; `_start` when absent
  std::vector<std::string> args;      // for the invoked function, parsed by its parameter types
  // WASI (--dir, --env) comes in a later change: it defines the host imports in runRun.
};

// Adds the `run` subcommand to `app`, filling `options` when it parses.
CLI::App* addRunSubcommand(CLI::App& app, RunOptions& options);

// Runs and returns the exit code; results go to stdout, errors and traps to stderr.
int runRun(const RunOptions& options);

}  // namespace wisp::cli
