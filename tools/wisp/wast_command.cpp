#include "wast_command.h"

#include <cstdio>
#include <filesystem>
#include <optional>

#include "temp_directory.h"
#include "wast_features.h"
#include "wast_report.h"
#include "wast_runner.h"
#include "wast_script.h"

namespace wisp::cli {
namespace {

void reportFileError(const std::string& file, const std::string& message) {
  std::fflush(stdout);  // keep stdout and stderr in order when both go to one terminal or log
  std::fprintf(stderr, "wisp wast: %s: error: %s\n", file.c_str(), message.c_str());
}

// Runs one file, appending its results; returns false when the file could not be run at all.
bool runFile(const std::string& file, const WastOptions& options, WastRunner& runner,
             std::vector<CommandResult>& results) {
  std::filesystem::path path(file);
  std::string extension = path.extension().string();
  std::optional<TempDirectory> converted;  // holds wast2json's output until the run is over
  std::filesystem::path json_path;
  std::string source_name;

  if (extension == ".wast") {
    std::string error;
    converted = TempDirectory::create("wisp-wast-", error);
    if (!converted) {
      reportFileError(file, error);
      return false;
    }
    auto conversion = convertWast(path, converted->path(), options.wast2json);
    if (auto* message = std::get_if<std::string>(&conversion)) {
      reportFileError(file, *message);
      return false;
    }
    json_path = std::get<std::filesystem::path>(conversion);
    source_name = file;
  } else if (extension == ".json") {
    json_path = path;  // already converted: read in place; its source_filename names it
  } else {
    reportFileError(file, "expected a .wast script or a .json file written by wast2json");
    return false;
  }

  auto script = loadWastScript(json_path, source_name);
  if (auto* message = std::get_if<std::string>(&script)) {
    reportFileError(file, *message);
    return false;
  }
  std::vector<CommandResult> file_results = runner.run(std::get<WastScript>(script));
  for (CommandResult& result : file_results) {
    if (result.verdict == Verdict::Failed)
      std::printf("%s:%u: %s: %s\n", result.file.c_str(), result.line, result.type.c_str(),
                  result.reason.c_str());
    results.push_back(std::move(result));
  }
  return true;
}

}  // namespace

int runWast(const WastOptions& options) {
  Config config;
  config.bounds_checks = options.bounds_checks;
  if (options.cpu_level == "baseline") config.cpu_features = CpuFeatures::baseline();
  if (options.cpu_level == "sse4.1") config.cpu_features = CpuFeatures::sse41Level();
  config.consume_fuel = config.epoch_interruption = options.interruption_checks;
  WastRunner runner(featuresForWast2jsonFlags(options.wast2json.flags), config);
  std::vector<CommandResult> results;
  size_t files_not_run = 0;
  for (const std::string& file : options.files)
    if (!runFile(file, options, runner, results)) ++files_not_run;

  bool report_failed = false;
  if (options.report_json) {
    if (auto error = writeJsonReport(*options.report_json, results)) {
      std::fflush(stdout);
      std::fprintf(stderr, "wisp wast: %s\n", error->c_str());
      report_failed = true;
    }
  }
  if (files_not_run > 0) {
    std::fflush(stdout);
    std::fprintf(stderr, "wisp wast: %zu of %zu file(s) could not be run (see above)\n",
                 files_not_run, options.files.size());
  }

  Tally tally;
  for (const CommandResult& result : results) tally.add(result.verdict);
  std::fflush(stderr);
  std::printf("%s\n", tally.summary().c_str());
  return tally.failed == 0 && files_not_run == 0 && !report_failed ? 0 : 1;
}

}  // namespace wisp::cli
