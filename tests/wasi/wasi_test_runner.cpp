// A stand-in for `wisp run` while its WASI options are being wired: runs a WASI command the way
// an embedder would, with the same syntax as `wisp run` (--dir HOST[::GUEST], --env KEY=VALUE,
// FILE.wasm ARGS...), exit status from proc_exit, 134 on a trap. The program tests switch to
// `wisp run` once it takes these options, and this file goes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wasi/wasi_context.h"

namespace {

int fail(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "wasi_test_runner: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  wisp::wasi::WasiConfig config;
  config.trace_calls = std::getenv("WISP_WASI_TRACE") != nullptr;
  int arg = 1;
  if (arg < argc && std::string(argv[arg]) == "run") ++arg;  // accept `wisp run` syntax
  for (; arg + 1 < argc; arg += 2) {
    const std::string option = argv[arg];
    const std::string value = argv[arg + 1];
    if (option == "--env") {
      config.env.push_back(value);
    } else if (option == "--dir") {
      const size_t separator = value.find("::");
      config.preopens.push_back({value.substr(0, separator),
                                 separator == std::string::npos ? value : value.substr(separator + 2)});
    } else {
      break;
    }
  }
  if (arg >= argc) return fail("usage: wasi_test_runner [--dir HOST[::GUEST]] [--env K=V] FILE.wasm [ARGS...]");
  const std::string file = argv[arg];
  config.args.push_back(std::filesystem::path(file).filename().string());
  for (int i = arg + 1; i < argc; ++i) config.args.push_back(argv[i]);

  std::ifstream in(file, std::ios::binary);
  if (!in) return fail("cannot read " + file);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  wisp::Engine engine;
  wisp::Store store(engine);
  auto module = wisp::Module::compile(engine, bytes);
  if (!module) return fail(module.error().describe());
  auto wasi = wisp::wasi::WasiContext::create(std::move(config));
  if (!wasi) return fail(wasi.error().describe());
  wisp::Linker linker(engine);
  if (auto defined = wisp::wasi::defineImports(*wasi, linker, store); !defined)
    return fail(defined.error().describe());
  auto instance = linker.instantiate(store, *module);
  if (!instance) return fail(instance.error().describe());
  (*wasi)->bindMemory(instance->getMemory("memory"));
  auto start = instance->getFunc("_start");
  if (!start) return fail(file + " has no _start");
  auto ran = start->call({});
  if (ran) return 0;
  if (auto code = (*wasi)->exitCode()) return static_cast<int>(*code);
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", ran.error().describe().c_str());
  return 134;
}
