#include "run_wasi.h"

#include <cstdlib>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "wasi/wasi_abi.h"

namespace wisp::cli {

void addWasiOptions(CLI::App& run, WasiRunOptions& options) {
  run.add_option("--dir", options.dirs,
                 "Give the module the host directory HOST, known to it as GUEST (default: HOST "
                 "as written); it can reach nothing outside (repeatable)")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);  // one value per --dir: FILE and ARGS follow
  run.add_option("--env", options.env,
                 "Set an environment variable for the module; KEY alone passes the host's value "
                 "(repeatable)")
      ->type_name("KEY[=VALUE]")
      ->allow_extra_args(false);
  run.add_flag("--wasi-trace", options.trace, "Print every WASI call and its result on stderr");
}

std::variant<std::shared_ptr<wasi::WasiContext>, std::string> makeWasiContext(
    const WasiRunOptions& options, const std::string& file,
    const std::vector<std::string>& program_args) {
  wasi::WasiConfig config;
  config.trace_calls = options.trace;
  config.args.push_back(std::filesystem::path(file).filename().string());
  config.args.insert(config.args.end(), program_args.begin(), program_args.end());

  for (const std::string& entry : options.env) {
    const size_t equals = entry.find('=');
    if (equals == 0) return "--env " + entry + ": the variable has no name";
    if (equals != std::string::npos) {
      config.env.push_back(entry);
    } else if (const char* host_value = std::getenv(entry.c_str())) {
      config.env.push_back(entry + "=" + host_value);
    }  // KEY alone, unset on the host: the module does not see it either
  }

  for (const std::string& spec : options.dirs) {
    const size_t separator = spec.find("::");
    wasi::Preopen preopen;
    preopen.host_path = spec.substr(0, separator);
    preopen.guest_path = separator == std::string::npos ? spec : spec.substr(separator + 2);
    if (preopen.host_path.empty()) return "--dir " + spec + ": no host directory before ::";
    if (preopen.guest_path.empty()) return "--dir " + spec + ": no guest name after ::";
    config.preopens.push_back(std::move(preopen));
  }

  Result<std::shared_ptr<wasi::WasiContext>> context = wasi::WasiContext::create(std::move(config));
  if (!context) return context.error().message;
  return *context;
}

bool importsWasi(const Module& module) {
  for (const ImportType& import : module.imports())
    if (import.module == wasi::kModuleName) return true;
  return false;
}

}  // namespace wisp::cli
