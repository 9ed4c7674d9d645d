// libFuzzer target: arbitrary bytes through everything before a call, through the public API
// as an embedder would: decode, validate, compile (one pass per function), and instantiate
// with every import provided (host functions returning zeros, fresh memories, tables and
// globals of the imported types), which runs the module's segments and start function.
//
// The first byte picks the engine: bit 0 explicit bounds checks, bit 1 baseline CPU features
// (the fallback paths), bit 2 SIMD off, bit 3 fuel metering, with which every exported
// function is then called too (zero arguments of its types, a bounded amount of fuel, so an
// endless loop ends with a trap); the rest is the module. run.sh prepends 0 to the spec
// suite's modules as seeds. Without fuel a start function is bounded by the time limit alone
// (libFuzzer's -timeout reports a hang). A crash, sanitizer report or a compile error that is
// not an ordinary rejection (ErrorKind::Compile means Wisp failed on a valid module) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "wisp/wisp.h"

namespace {

wisp::Engine& engineFor(uint8_t flags) {
  static wisp::Engine* engines[16] = {};
  const uint8_t key = flags & 15;
  if (engines[key] == nullptr) {
    wisp::Config config;
    config.compile_threads = 1;
    if (key & 1) config.bounds_checks = wisp::BoundsChecks::Explicit;
    if (key & 2) config.cpu_features = wisp::CpuFeatures::baseline();
    if (key & 4) config.features.simd = false;
    if (key & 8) config.consume_fuel = true;
    engines[key] = new wisp::Engine(config);
  }
  return *engines[key];
}

// An import of the right type, or nothing when the host refuses it (a memory too large).
std::optional<wisp::Extern> stubFor(wisp::Store& store, const wisp::ImportType& import) {
  using namespace wisp;
  if (const auto* type = std::get_if<FuncType>(&import.type)) {
    Result<Func> func =
        Func::create(store, *type, [](std::span<const Val>, std::span<Val>) {});
    if (func.ok()) return Extern(*func);
  } else if (const auto* type = std::get_if<MemoryType>(&import.type)) {
    if (type->limits.min > 1024) return std::nullopt;  // keep the fuzzer's memory bounded
    Result<Memory> memory = Memory::create(store, *type);
    if (memory.ok()) return Extern(*memory);
  } else if (const auto* type = std::get_if<TableType>(&import.type)) {
    if (type->limits.min > 100000) return std::nullopt;
    Result<Table> table = Table::create(store, *type, Val::zero(type->element));
    if (table.ok()) return Extern(*table);
  } else if (const auto* type = std::get_if<GlobalType>(&import.type)) {
    Result<Global> global = Global::create(store, *type, Val::zero(type->content));
    if (global.ok()) return Extern(*global);
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  wisp::Engine& engine = engineFor(data[0]);
  std::vector<uint8_t> bytes(data + 1, data + size);
  wisp::Result<wisp::Module> module = wisp::Module::compile(engine, bytes);
  if (!module.ok()) {
    const wisp::Error& error = module.error();
    // Valid modules that Wisp cannot compile yet say so by name; anything else of kind Compile
    // is the compiler failing on a module it accepted.
    if (error.kind == wisp::ErrorKind::Compile &&
        error.message.find("does not compile") == std::string::npos) {
      std::fprintf(stderr, "compile_fuzzer: the compiler failed on a valid module: %s\n",
                   error.describe().c_str());
      std::abort();
    }
    volatile size_t length = error.describe().size();  // formatting is part of the user's path
    (void)length;
    return 0;
  }
  wisp::Store store(engine);
  constexpr uint64_t kFuelPerCall = 200000;
  if (engine.config().consume_fuel) (void)store.setFuel(kFuelPerCall);
  wisp::StoreLimits limits;
  limits.max_memory_bytes = uint64_t{64} << 20;  // memory.grow in a start function, bounded
  limits.max_table_elements = 1 << 20;
  store.setLimits(limits);
  std::vector<wisp::Extern> imports;
  for (const wisp::ImportType& import : module->imports()) {
    std::optional<wisp::Extern> stub = stubFor(store, import);
    if (!stub) return 0;
    imports.push_back(*stub);
  }
  wisp::Result<wisp::Instance> instance = wisp::Instance::create(store, *module, imports);
  if (!instance.ok()) {
    volatile size_t length = instance.error().describe().size();
    (void)length;
    return 0;
  }
  if (!engine.config().consume_fuel) return 0;
  for (const wisp::ExportType& exported : module->exports()) {
    const auto* type = std::get_if<wisp::FuncType>(&exported.type);
    if (type == nullptr) continue;
    std::vector<wisp::Val> args;
    for (wisp::ValType param : type->params) args.push_back(wisp::Val::zero(param));
    (void)store.setFuel(kFuelPerCall);
    wisp::Result<std::vector<wisp::Val>> results = instance->getFunc(exported.name)->call(args);
    if (!results.ok() && !results.error().trap) {
      std::fprintf(stderr, "compile_fuzzer: calling %s failed without a trap: %s\n",
                   exported.name.c_str(), results.error().describe().c_str());
      std::abort();
    }
  }
  return 0;
}
