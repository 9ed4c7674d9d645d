// The WASI side of `wisp run`: the --dir and --env options, and the WASI context a run gives
// its module (argv, environment, preopened directories, stdio).
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "wasi/wasi_context.h"

namespace CLI {
class App;
}

namespace wisp::cli {

struct WasiRunOptions {
  std::vector<std::string> dirs;  // HOST[::GUEST]: preopen HOST, known to the guest as GUEST
  std::vector<std::string> env;   // KEY=VALUE, or KEY alone for the host's value of KEY
  bool trace = false;             // --wasi-trace: every WASI call on stderr
};

// Adds --dir, --env and --wasi-trace to the `run` subcommand.
void addWasiOptions(CLI::App& run, WasiRunOptions& options);

// The context for running `file` with `program_args` as argv[1...]; argv[0] is the file's name
// without its folders (so the guest does not learn the host's paths). Fails with a message
// naming the --dir or --env at fault.
std::variant<std::shared_ptr<wasi::WasiContext>, std::string> makeWasiContext(
    const WasiRunOptions& options, const std::string& file,
    const std::vector<std::string>& program_args);

// True when the module imports anything from wasi_snapshot_preview1.
bool importsWasi(const Module& module);

}  // namespace wisp::cli
