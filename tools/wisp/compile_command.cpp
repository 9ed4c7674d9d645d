#include "compile_command.h"

#include <string>

#include <CLI/CLI.hpp>

#include "command_error.h"
#include "engine_options.h"
#include "file_bytes.h"
#include "wisp/wisp.h"

namespace wisp::cli {
namespace {

template <typename... Args>
int fail(const char* format, Args... args) {
  return commandError(1, "compile", format, args...);
}

}  // namespace

CLI::App* addCompileSubcommand(CLI::App& app, CompileOptions& options) {
  CLI::App* compile = app.add_subcommand(
      "compile", "Compile a .wasm module ahead of time; `wisp run` loads the result without "
                 "compiling");
  compile->add_option("FILE", options.input, "A .wasm binary")->required();
  compile->add_option("-o,--output", options.output, "Where to write the compiled module")
      ->required()
      ->type_name("FILE.cwisp");
  addBoundsChecksOption(*compile, options.bounds_checks, "; `wisp run` must use the same");
  addFeatureOptions(*compile, options.features);
  addCpuFeaturesOption(*compile, options.cpu_level,
                       "host (the default: the optional instructions this CPU has), sse4.1 (SSE4.1 and POPCNT, no AVX: SIMD's SSE forms) or baseline "
                       "(SSE2 only: the file runs on every x86-64 CPU)");
  compile->add_flag("--consume-fuel", options.consume_fuel,
                    "Compile fuel metering in, so that `wisp run --fuel N` can run the file");
  compile->add_flag("--epoch-interruption", options.epoch_interruption,
                    "Compile epoch checks in, so that `wisp run --timeout DURATION` can run it");
  return compile;
}

int runCompile(const CompileOptions& options) {
  auto bytes = readFileBytes(options.input);
  if (auto* message = std::get_if<std::string>(&bytes)) return fail("%s", message->c_str());
  const std::vector<uint8_t>& wasm = std::get<std::vector<uint8_t>>(bytes);
  if (Module::isSerialized(wasm))
    return fail("%s is a compiled module already, not a .wasm binary", options.input.c_str());

  Config config;
  config.bounds_checks = options.bounds_checks;
  config.features = options.features;
  if (options.cpu_level == "baseline") config.cpu_features = CpuFeatures::baseline();
  if (options.cpu_level == "sse4.1") config.cpu_features = CpuFeatures::sse41Level();
  config.consume_fuel = options.consume_fuel;
  config.epoch_interruption = options.epoch_interruption;
  Result<Engine> engine = Engine::create(config);
  if (!engine) return fail("%s", engine.error().message.c_str());
  Result<Module> module = Module::compile(*engine, wasm);
  if (!module) return fail("%s: %s", options.input.c_str(), module.error().describe().c_str());
  Result<std::vector<uint8_t>> serialized = module->serialize();
  if (!serialized)
    return fail("%s: %s", options.input.c_str(), serialized.error().describe().c_str());
  if (std::string why = writeFileAtomically(options.output, *serialized); !why.empty())
    return fail("%s", why.c_str());
  return 0;
}

}  // namespace wisp::cli
