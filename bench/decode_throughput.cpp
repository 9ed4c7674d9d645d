// Decode+validate throughput: how many MB of code section per second one thread decodes and
// validates, the figure DESIGN §7 asks for (MB = 10^6 bytes).
//
//   decode_throughput FILE.wasm [--min-seconds S] [--min-runs N] [--target-mbps T]
//
// Decodes the module repeatedly (the whole of decodeModule: sections, then every body
// validated), then once more per run with function validation off, to show how the time
// splits. Exits 1 when the module does not decode; a missed target is reported, not an error.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <time.h>

#include "wasm/module.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string path;
  double min_seconds = 3.0;
  int min_runs = 10;
  double target_mbps = 300.0;
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "decode_throughput: %s\n"
               "usage: decode_throughput FILE.wasm [--min-seconds S] [--min-runs N] "
               "[--target-mbps T]\n",
               message);
  std::exit(2);
}

Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(("missing value after " + std::string(arg)).c_str());
      return argv[++i];
    };
    if (arg == "--min-seconds") options.min_seconds = std::atof(value());
    else if (arg == "--min-runs") options.min_runs = std::atoi(value());
    else if (arg == "--target-mbps") options.target_mbps = std::atof(value());
    else if (!arg.empty() && arg[0] == '-') usage(("unknown option " + std::string(arg)).c_str());
    else options.path = arg;
  }
  if (options.path.empty()) usage("no module given");
  return options;
}

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "decode_throughput: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Timings {
  double best = 0;    // seconds of wall-clock time
  double median = 0;
  double best_cpu = 0;    // seconds of this thread's CPU time: on a busy machine, the time
  double median_cpu = 0;  // the decoder ran, without the time other processes had the core
};

double threadCpuSeconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec * 1e-9;
}

double median(std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Runs decodeModule until both minimums are reached; the module is freed outside the clock.
Timings timeDecoding(const std::vector<uint8_t>& bytes, const wisp::wasm::DecodeOptions& decode,
                     const Options& options) {
  std::vector<double> seconds;
  std::vector<double> cpu_seconds;
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.min_seconds);
  while (static_cast<int>(seconds.size()) < options.min_runs || Clock::now() < deadline) {
    const double start_cpu = threadCpuSeconds();
    const auto start = Clock::now();
    auto result = wisp::wasm::decodeModule(bytes, decode);
    const auto stop = Clock::now();
    cpu_seconds.push_back(threadCpuSeconds() - start_cpu);
    if (!result.ok()) {
      std::fprintf(stderr, "decode_throughput: %s\n", result.error().describe().c_str());
      std::exit(1);
    }
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
  }
  const double median_seconds = median(seconds);
  const double median_cpu = median(cpu_seconds);
  return {seconds.front(), median_seconds, cpu_seconds.front(), median_cpu};
}

double megabytesPerSecond(uint64_t bytes, double seconds) { return bytes / seconds / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  const std::vector<uint8_t> bytes = readFile(options.path);

  auto first = wisp::wasm::decodeModule(bytes);
  if (!first.ok()) {
    std::fprintf(stderr, "decode_throughput: %s: %s\n", options.path.c_str(),
                 first.error().describe().c_str());
    return 1;
  }
  const wisp::wasm::Module& module = *first.value();
  const uint64_t code_bytes = module.code_section_size;
  const size_t defined_functions = module.functions.size() - module.imported_function_count;
  std::printf("module:        %s\n", options.path.c_str());
  std::printf("module size:   %zu bytes (%.2f MB)\n", bytes.size(), bytes.size() / 1e6);
  std::printf("code section:  %llu bytes (%.2f MB), %zu functions (%.0f bytes on average)\n",
              static_cast<unsigned long long>(code_bytes), code_bytes / 1e6, defined_functions,
              defined_functions ? static_cast<double>(code_bytes) / defined_functions : 0.0);

  wisp::wasm::DecodeOptions sections_only;
  sections_only.validate_functions = false;
  const Timings sections = timeDecoding(bytes, sections_only, options);
  const Timings full = timeDecoding(bytes, {}, options);

  std::printf("sections only: best %8.3f ms, median %8.3f ms\n", sections.best * 1e3,
              sections.median * 1e3);
  std::printf("decode+validate (1 thread): best %8.3f ms, median %8.3f ms\n", full.best * 1e3,
              full.median * 1e3);
  std::printf("  on the CPU:  best %8.3f ms, median %8.3f ms (thread CPU time)\n",
              full.best_cpu * 1e3, full.median_cpu * 1e3);
  const double median_mbps = megabytesPerSecond(code_bytes, full.median);
  std::printf("throughput:    %.1f MB/s of code section (best %.1f MB/s), target %.0f MB/s: %s\n",
              median_mbps, megabytesPerSecond(code_bytes, full.best), options.target_mbps,
              median_mbps >= options.target_mbps ? "met" : "NOT met");
  std::printf("  on the CPU:  %.1f MB/s (best %.1f MB/s); differs from the above when the "
              "machine is busy\n",
              megabytesPerSecond(code_bytes, full.median_cpu),
              megabytesPerSecond(code_bytes, full.best_cpu));
  return 0;
}
