// The `wisp` command line: one subcommand per job, each implemented in its own file.
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compile_command.h"
#include "engine_options.h"
#include "explore_command.h"
#include "run_command.h"
#include "validate_command.h"
#include "wast_command.h"

namespace {

constexpr int kUsageError = 2;

int runCli(int argc, char** argv) {
  CLI::App app{"Wisp: a WebAssembly runtime built around a single-pass JIT compiler", "wisp"};
  app.require_subcommand(1);

  std::vector<std::string> validate_files;
  CLI::App* validate = app.add_subcommand("validate", "Decode and validate .wasm binaries");
  validate->add_option("FILE", validate_files, "A .wasm binary")->required();
  wisp::Features validate_features;
  wisp::cli::addFeatureOptions(*validate, validate_features);

  wisp::cli::WastOptions wast_options;
  CLI::App* wast = app.add_subcommand(
      "wast", "Run spec test scripts (.wast, converted with wast2json; or wast2json's .json)");
  wast->add_option("FILE", wast_options.files, "A .wast script or a wast2json .json file")
      ->required();
  wast->add_option("--report-json", wast_options.report_json,
                   "Write every command's result to this JSON file");
  wast->add_option("--wast2json-flag", wast_options.wast2json.flags,
                   "Pass this flag to wast2json, e.g. --wast2json-flag=--enable-tail-call "
                   "(repeatable; also switches the matching decoder feature on)")
      ->allow_extra_args(false);
  wast->add_option("--wast2json", wast_options.wast2json.program,
                   "The wast2json program to run")
      ->capture_default_str();
  wisp::cli::addBoundsChecksOption(*wast, wast_options.bounds_checks, ", no guard region");
  wisp::cli::addCpuFeaturesOption(*wast, wast_options.cpu_level,
                                  "host (the default: whatever this CPU has), sse4.1 (SSE4.1 and POPCNT, no AVX: SIMD's SSE forms) or baseline (SSE2 "
                                  "only, as the oldest x86-64: tests the fallback paths)");
  wast->add_flag("--interruption-checks", wast_options.interruption_checks,
                 "Compile with fuel metering and epoch checks (unlimited fuel, no deadline): "
                 "the results must be the same");

  wisp::cli::CompileOptions compile_options;
  CLI::App* compile = wisp::cli::addCompileSubcommand(app, compile_options);

  wisp::cli::RunOptions run_options;
  CLI::App* run = wisp::cli::addRunSubcommand(app, run_options);

  wisp::cli::ExploreOptions explore_options;
  CLI::App* explore = wisp::cli::addExploreSubcommand(app, explore_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, or the error with a usage hint
    return code == 0 ? 0 : kUsageError;
  }

  if (*run) return wisp::cli::runRun(run_options);
  if (*compile) return wisp::cli::runCompile(compile_options);
  if (*validate) return wisp::cli::runValidate(validate_files, validate_features);
  if (*wast) return wisp::cli::runWast(wast_options);
  if (*explore) return wisp::cli::runExplore(explore_options);
  return kUsageError;  // unreachable: require_subcommand(1)
}

}  // namespace

int main(int argc, char** argv) {
  // The last line of defence: a bug must end in a message and a failing status, not a crash.
  try {
    return runCli(argc, argv);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "wisp: internal error: %s\n", e.what());
  } catch (...) {
    std::fflush(stdout);
    std::fprintf(stderr, "wisp: internal error\n");
  }
  return 70;  // EX_SOFTWARE
}
