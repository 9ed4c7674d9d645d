// Compile throughput: MB (10^6 bytes) of code section per second that Wisp turns into machine
// code through the public API, wisp::Module::compile: decode, validate (in the compiler, one
// pass per body), compile, link, all of it timed.
//
//   compile_throughput FILE.wasm [--threads N] [--min-seconds S] [--min-runs N] [--json]
//
// --threads sets Config::compile_threads: 1 is the per-thread figure, 0 every hardware thread
// (the compiler splits the functions between threads). Reports wall-clock time (best and median
// of the runs) and the process CPU time of the best run, and a split of the best run into the
// decode of the sections and the rest (decoding again, outside the clock); --json prints one
// JSON object for bench/run, with every run's wall-clock seconds in run order ("seconds"), so
// bench/run can pool the runs of several invocations. The compiled module is freed outside the
// clock.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "codegen/module_compiler.h"
#include "wasm/module.h"
#include "wisp/wisp.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string path;
  uint32_t threads = 1;
  double min_seconds = 3.0;
  int min_runs = 5;
  bool json = false;
};

[[noreturn]] void usage(const std::string& message) {
  std::fprintf(stderr,
               "compile_throughput: %s\n"
               "usage: compile_throughput FILE.wasm [--threads N] [--min-seconds S] "
               "[--min-runs N] [--json]\n",
               message.c_str());
  std::exit(2);
}

Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage("missing value after " + std::string(arg));
      return argv[++i];
    };
    if (arg == "--threads") options.threads = static_cast<uint32_t>(std::atoi(value()));
    else if (arg == "--min-seconds") options.min_seconds = std::atof(value());
    else if (arg == "--min-runs") options.min_runs = std::atoi(value());
    else if (arg == "--json") options.json = true;
    else if (!arg.empty() && arg[0] == '-') usage("unknown option " + std::string(arg));
    else options.path = arg;
  }
  if (options.path.empty()) usage("no module given");
  return options;
}

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "compile_throughput: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double processCpuSeconds() {
  timespec now;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Run {
  double seconds;
  double cpu_seconds;
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  std::fprintf(stderr, "compile_throughput: %s: %s\n", path.c_str(), what.c_str());
  std::exit(1);
}

Run compileOnce(const wisp::Engine& engine, const std::vector<uint8_t>& bytes,
                const Options& options) {
  const double cpu_start = processCpuSeconds();
  const auto start = Clock::now();
  wisp::Result<wisp::Module> module = wisp::Module::compile(engine, bytes);
  const auto stop = Clock::now();
  const double cpu_seconds = processCpuSeconds() - cpu_start;
  if (!module.ok()) fail(options.path, module.error().describe());
  return {std::chrono::duration<double>(stop - start).count(), cpu_seconds};
}

// The decode of the sections alone (bodies unvalidated): the part of a compile that is not
// per-function work.
double sectionsDecodeSeconds(const std::vector<uint8_t>& bytes) {
  wisp::wasm::DecodeOptions sections_only;
  sections_only.validate_functions = false;
  double best = 1e9;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    auto module = wisp::wasm::decodeModule(bytes, sections_only);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  const std::vector<uint8_t> bytes = readFile(options.path);

  auto first = wisp::wasm::decodeModule(bytes);
  if (!first.ok()) fail(options.path, first.error().describe());
  const wisp::wasm::Module& module = *first.value();
  const uint64_t code_bytes = module.code_section_size;
  const size_t functions = module.functions.size() - module.imported_function_count;
  wisp::Config config;
  config.compile_threads = options.threads;
  const wisp::Engine engine(config);

  compileOnce(engine, bytes, options);  // warm-up: page faults, allocator, code memory
  std::vector<Run> runs;
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.min_seconds);
  while (static_cast<int>(runs.size()) < options.min_runs || Clock::now() < deadline)
    runs.push_back(compileOnce(engine, bytes, options));
  std::string seconds_json;  // in run order, before the sort
  for (const Run& run : runs) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%.6f", seconds_json.empty() ? "" : ", ", run.seconds);
    seconds_json += text;
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
  const Run& best = runs.front();
  const Run& median = runs[runs.size() / 2];
  const double sections_seconds = sectionsDecodeSeconds(bytes);
  const unsigned hardware_threads = std::thread::hardware_concurrency();
  const unsigned threads = options.threads ? options.threads : hardware_threads;
  const double mbps_best = code_bytes / best.seconds / 1e6;
  const double mbps_median = code_bytes / median.seconds / 1e6;
  // Machine code out per byte of code section in: one more compile, through the compiler's own
  // interface, which says where each function starts (the last one's end is the layout's).
  std::vector<uint32_t> type_ids(module.types.size());
  std::iota(type_ids.begin(), type_ids.end(), 1u);
  wisp::codegen::CompileOptions compile_options;
  compile_options.threads = 1;
  auto compiled = wisp::codegen::compileModule(module, type_ids, compile_options);
  if (!compiled.ok()) fail(options.path, compiled.error().describe());
  uint64_t machine_bytes = 0;
  for (const auto& function : compiled.value()->info.functions())
    machine_bytes += function.code_end - function.code_begin;

  if (options.json) {
    std::printf(
        "{\"module\": \"%s\", \"code_section_bytes\": %llu, \"functions\": %zu, "
        "\"threads_requested\": %u, \"threads\": %u, \"runs\": %zu, "
        "\"best_seconds\": %.6f, \"median_seconds\": %.6f, \"sections_decode_seconds\": %.6f, "
        "\"best_cpu_seconds\": %.6f, "
        "\"mbps_best\": %.2f, \"mbps_median\": %.2f, \"machine_code_bytes\": %llu, "
        "\"machine_bytes_per_input_byte\": %.3f, \"seconds\": [%s]}\n",
        options.path.c_str(), static_cast<unsigned long long>(code_bytes), functions,
        options.threads, threads, runs.size(), best.seconds, median.seconds, sections_seconds,
        best.cpu_seconds, mbps_best, mbps_median, static_cast<unsigned long long>(machine_bytes),
        static_cast<double>(machine_bytes) / code_bytes, seconds_json.c_str());
    return 0;
  }
  std::printf("module:       %s\n", options.path.c_str());
  std::printf("code section: %llu bytes (%.2f MB), %zu functions\n",
              static_cast<unsigned long long>(code_bytes), code_bytes / 1e6, functions);
  std::printf("threads:      %u%s\n", threads, options.threads ? "" : " (all hardware threads)");
  std::printf("runs:         %zu\n", runs.size());
  std::printf("best:         %8.3f ms (CPU %.3f ms; the sections alone decode in %.3f ms)\n",
              best.seconds * 1e3, best.cpu_seconds * 1e3, sections_seconds * 1e3);
  std::printf("median:       %8.3f ms\n", median.seconds * 1e3);
  std::printf("throughput:   %.1f MB/s of code section (median %.1f MB/s)\n", mbps_best, mbps_median);
  std::printf("output:       %llu bytes of machine code, %.2f per byte of code section\n",
              static_cast<unsigned long long>(machine_bytes),
              static_cast<double>(machine_bytes) / code_bytes);
  return 0;
}
