// Loading a serialized module against compiling it: what `wisp compile` saves `wisp run`.
//
//   load_serialized FILE.wasm [--runs N] [--only-load]
//
// Times wisp::Module::compile of FILE.wasm on one thread and on every hardware thread, then
// Module::deserialize of what Module::serialize wrote from it, in a fresh engine each time
// round (so type registration is part of the load, as in a new process), N runs each
// (default 7), interleaved; prints best and median of each and the ratios of the medians.
// Modules are freed outside the clock. --only-load skips the timed compiles (for a profile).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "wisp/wisp.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kUsage = "usage: load_serialized FILE.wasm [--runs N] [--only-load]";

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "load_serialized: %s\n", message.c_str());
  std::exit(1);
}

struct Times {
  std::vector<double> seconds;
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double median() const {
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    return sorted[sorted.size() / 2];
  }
};

wisp::Engine engineWith(uint32_t threads) {
  wisp::Config config;
  config.compile_threads = threads;
  return wisp::Engine(config);
}

template <typename Make>
double timeOnce(Make make) {
  const auto start = Clock::now();
  wisp::Result<wisp::Module> module = make();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!module) fail(module.error().describe());
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  int runs = 7;
  bool only_load = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--only-load") only_load = true;
    else if (!arg.empty() && arg[0] == '-') fail(kUsage);
    else path = arg;
  }
  if (path.empty()) fail(kUsage);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open " + path);
  const std::vector<uint8_t> wasm{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};

  const wisp::Engine one_thread = engineWith(1), all_threads = engineWith(0);
  wisp::Result<wisp::Module> compiled = wisp::Module::compile(one_thread, wasm);  // and warm-up
  if (!compiled) fail(path + ": " + compiled.error().describe());
  wisp::Result<std::vector<uint8_t>> serialized = compiled->serialize();
  if (!serialized) fail(serialized.error().describe());

  Times compile_one, compile_all, load;
  for (int i = 0; i < runs; ++i) {
    if (only_load) {
      const wisp::Engine fresh = engineWith(1);
      load.seconds.push_back(timeOnce([&] { return wisp::Module::deserialize(fresh, *serialized); }));
      continue;
    }
    compile_one.seconds.push_back(timeOnce([&] { return wisp::Module::compile(one_thread, wasm); }));
    compile_all.seconds.push_back(timeOnce([&] { return wisp::Module::compile(all_threads, wasm); }));
    const wisp::Engine fresh = engineWith(1);
    load.seconds.push_back(timeOnce([&] { return wisp::Module::deserialize(fresh, *serialized); }));
  }

  std::printf("module:             %s (%zu bytes; serialized %zu bytes)\n", path.c_str(),
              wasm.size(), serialized->size());
  std::printf("runs:               %d of each, interleaved\n", runs);
  auto line = [](const char* what, const Times& t) {
    std::printf("%-19s %9.3f ms best, %9.3f ms median\n", what, t.best() * 1e3, t.median() * 1e3);
  };
  if (only_load) {
    line("load:", load);
    return 0;
  }
  line("compile, 1 thread:", compile_one);
  line("compile, all:", compile_all);
  line("load:", load);
  std::printf("load is %.1fx faster than compiling on 1 thread, %.1fx than on all threads "
              "(medians)\n",
              compile_one.median() / load.median(), compile_all.median() / load.median());
  return 0;
}
