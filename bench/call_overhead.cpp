// Micro-benchmarks (Google Benchmark) of the boundaries between host and wasm, through the
// public API, next to their floor:
//   - a native indirect call to a no-op (through a function pointer the compiler cannot see
//     through), what every crossing is compared with;
//   - host -> wasm no-op call, typed (Func::typed: the native-to-wasm trampoline) and dynamic
//     (Func::call with Vals and a span for the results: the array-to-wasm trampoline; the
//     vector-returning Func::call once more for comparison);
//   - wasm -> host no-op call: a wasm loop calls an imported host function N times; reported
//     per call, for a typed host function (Func::wrap) and a dynamic one (Func::create), next to
//     the same loop without the call;
//   - instantiation of a module with one memory, one data segment and 1,000 functions: by
//     Linker::instantiate, by a new Store and Linker as a per-request host does, and by an
//     InstancePre with the pooling allocator (each in a fresh store; only these are timed),
//     and the whole life of a store with its instance, teardown included.
//
//   call_overhead [Google Benchmark flags, e.g. --benchmark_format=json]
//
// The modules are encoded here, byte by byte, so the benchmark needs no wat2wasm.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wisp/wisp.h"

namespace {

// ---- a minimal wasm binary writer --------------------------------------------------------

class Bytes {
 public:
  Bytes& byte(uint8_t b) {
    data_.push_back(b);
    return *this;
  }
  Bytes& u32(uint32_t value) {  // unsigned LEB128
    do {
      uint8_t b = value & 0x7f;
      value >>= 7;
      if (value) b |= 0x80;
      data_.push_back(b);
    } while (value);
    return *this;
  }
  Bytes& i32(int32_t value) {  // signed LEB128
    for (;;) {
      const uint8_t b = value & 0x7f;
      value >>= 7;
      const bool done = (value == 0 && !(b & 0x40)) || (value == -1 && (b & 0x40));
      data_.push_back(done ? b : (b | 0x80));
      if (done) return *this;
    }
  }
  Bytes& name(std::string_view text) {
    u32(static_cast<uint32_t>(text.size()));
    data_.insert(data_.end(), text.begin(), text.end());
    return *this;
  }
  Bytes& append(const Bytes& other) {
    data_.insert(data_.end(), other.data_.begin(), other.data_.end());
    return *this;
  }
  // A length-prefixed piece (a section's or a function body's contents).
  Bytes& sized(const Bytes& contents) {
    u32(static_cast<uint32_t>(contents.data_.size()));
    return append(contents);
  }
  Bytes& section(uint8_t id, const Bytes& contents) { return byte(id).sized(contents); }
  const std::vector<uint8_t>& data() const { return data_; }

 private:
  std::vector<uint8_t> data_;
};

constexpr uint8_t kI32 = 0x7f, kFuncRef = 0x70, kFuncType = 0x60;
constexpr uint8_t kTypeSection = 1, kImportSection = 2, kFunctionSection = 3, kTableSection = 4,
                  kMemorySection = 5, kExportSection = 7, kElementSection = 9, kCodeSection = 10,
                  kDataSection = 11;
constexpr uint8_t kExternFunc = 0x00, kExternMemory = 0x02;
namespace op {
constexpr uint8_t kBlock = 0x02, kLoop = 0x03, kBr_if = 0x0d, kEnd = 0x0b, kCall = 0x10,
                  kLocalGet = 0x20, kLocalTee = 0x22, kI32Const = 0x41, kI32Eqz = 0x45,
                  kI32Add = 0x6a, kI32Sub = 0x6b, kVoid = 0x40;
}

Bytes header() {
  Bytes b;
  for (uint8_t x : {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}) b.byte(x);
  return b;
}

// The body `while (n--) { call host }`, or the same loop without the call.
Bytes countdownLoop(bool call_host) {
  Bytes code;
  code.u32(0);  // no locals besides the parameter
  code.byte(op::kBlock).byte(op::kVoid);
  code.byte(op::kLocalGet).u32(0).byte(op::kI32Eqz).byte(op::kBr_if).u32(0);
  code.byte(op::kLoop).byte(op::kVoid);
  if (call_host) code.byte(op::kCall).u32(0);
  code.byte(op::kLocalGet).u32(0).byte(op::kI32Const).i32(1).byte(op::kI32Sub);
  code.byte(op::kLocalTee).u32(0).byte(op::kBr_if).u32(0);
  code.byte(op::kEnd).byte(op::kEnd).byte(op::kEnd);
  return code;
}

// (import "host" "nop" (func))
// (func (export "nop"))
// (func (export "add") (param i32 i32) (result i32) ...)
// (func (export "call_host") (param i32) ...loop calling the import...)
// (func (export "empty_loop") (param i32) ...the same loop, no call...)
std::vector<uint8_t> callsModule() {
  Bytes types;
  types.u32(3);
  types.byte(kFuncType).u32(0).u32(0);                                   // 0: [] -> []
  types.byte(kFuncType).u32(2).byte(kI32).byte(kI32).u32(1).byte(kI32);  // 1: [i32 i32] -> [i32]
  types.byte(kFuncType).u32(1).byte(kI32).u32(0);                        // 2: [i32] -> []
  Bytes imports;
  imports.u32(1).name("host").name("nop").byte(kExternFunc).u32(0);
  Bytes functions;
  functions.u32(4).u32(0).u32(1).u32(2).u32(2);
  Bytes exports;
  exports.u32(4);
  exports.name("nop").byte(kExternFunc).u32(1);
  exports.name("add").byte(kExternFunc).u32(2);
  exports.name("call_host").byte(kExternFunc).u32(3);
  exports.name("empty_loop").byte(kExternFunc).u32(4);
  Bytes nop, add;
  nop.u32(0).byte(op::kEnd);
  add.u32(0).byte(op::kLocalGet).u32(0).byte(op::kLocalGet).u32(1).byte(op::kI32Add).byte(op::kEnd);
  Bytes code;
  code.u32(4).sized(nop).sized(add).sized(countdownLoop(true)).sized(countdownLoop(false));
  Bytes module = header();
  module.section(kTypeSection, types).section(kImportSection, imports);
  module.section(kFunctionSection, functions).section(kExportSection, exports);
  module.section(kCodeSection, code);
  return module.data();
}

constexpr uint32_t kInstantiationFunctions = 1000;
constexpr uint32_t kDataSegmentBytes = 1024;

// One memory (1 page, exported), one active data segment of 1 KiB, 1,000 functions
// `(func (result i32) (i32.const k))`, the first exported; optionally a table of all of them.
std::vector<uint8_t> instantiationModule(bool with_table = false) {
  Bytes types;
  types.u32(1).byte(kFuncType).u32(0).u32(1).byte(kI32);
  Bytes functions;
  functions.u32(kInstantiationFunctions);
  for (uint32_t i = 0; i < kInstantiationFunctions; ++i) functions.u32(0);
  Bytes memories;
  memories.u32(1).byte(0x00).u32(1);  // min 1 page, no max
  Bytes exports;
  exports.u32(2).name("memory").byte(kExternMemory).u32(0).name("f0").byte(kExternFunc).u32(0);
  Bytes code;
  code.u32(kInstantiationFunctions);
  for (uint32_t i = 0; i < kInstantiationFunctions; ++i) {
    Bytes body;
    body.u32(0).byte(op::kI32Const).i32(static_cast<int32_t>(i)).byte(op::kEnd);
    code.sized(body);
  }
  Bytes data;
  data.u32(1).u32(0).byte(op::kI32Const).i32(16).byte(op::kEnd).u32(kDataSegmentBytes);
  for (uint32_t i = 0; i < kDataSegmentBytes; ++i) data.byte(static_cast<uint8_t>(i * 7));
  // With a table: every function in it, as a C program's indirect-call table holds its
  // address-taken functions.
  Bytes table;
  table.u32(1).byte(kFuncRef).byte(0x00).u32(kInstantiationFunctions);
  Bytes elements;
  elements.u32(1).u32(0).byte(op::kI32Const).i32(0).byte(op::kEnd).u32(kInstantiationFunctions);
  for (uint32_t i = 0; i < kInstantiationFunctions; ++i) elements.u32(i);
  Bytes module = header();
  module.section(kTypeSection, types).section(kFunctionSection, functions);
  if (with_table) module.section(kTableSection, table);
  module.section(kMemorySection, memories).section(kExportSection, exports);
  if (with_table) module.section(kElementSection, elements);
  module.section(kCodeSection, code).section(kDataSection, data);
  return module.data();
}

// ---- set-up shared by the call benchmarks ------------------------------------------------

template <typename T>
T orDie(wisp::Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "call_overhead: %s: %s\n", what, result.error().describe().c_str());
    std::exit(1);
  }
  return std::move(*result);
}

enum class HostKind { Typed, Dynamic };

// A store with the calls module instantiated against a no-op host function of `kind`.
struct CallsFixture {
  wisp::Engine engine;
  wisp::Store store{engine};
  std::optional<wisp::Instance> instance;

  explicit CallsFixture(HostKind kind) {
    static const std::vector<uint8_t> bytes = callsModule();
    wisp::Module module = orDie(wisp::Module::compile(engine, bytes), "compile the calls module");
    wisp::Func host =
        kind == HostKind::Typed
            ? orDie(wisp::Func::wrap(store, [] {}), "wrap the host function")
            : orDie(wisp::Func::create(store, wisp::FuncType{},
                                       [](std::span<const wisp::Val>, std::span<wisp::Val>) {}),
                    "create the host function");
    wisp::Linker linker(engine);
    if (auto defined = linker.define("host", "nop", host); !defined.ok()) {
      std::fprintf(stderr, "call_overhead: define: %s\n", defined.error().describe().c_str());
      std::exit(1);
    }
    instance = orDie(linker.instantiate(store, module), "instantiate the calls module");
  }

  wisp::Func func(const char* name) {
    std::optional<wisp::Func> f = instance->getFunc(name);
    if (!f) {
      std::fprintf(stderr, "call_overhead: no export %s\n", name);
      std::exit(1);
    }
    return *f;
  }
};

void checkOk(benchmark::State& state, bool ok) {
  if (!ok) state.SkipWithError("the call failed (trap or error)");
}

// ---- the floor ---------------------------------------------------------------------------

[[gnu::noinline]] void nativeNop() { asm volatile(""); }

void Native_IndirectCall_Nop(benchmark::State& state) {
  void (*volatile target)() = &nativeNop;  // loaded each time: a real indirect call
  for (auto _ : state) target();
}
BENCHMARK(Native_IndirectCall_Nop);

// ---- host -> wasm ------------------------------------------------------------------------

void HostToWasm_Typed_Nop(benchmark::State& state) {
  CallsFixture fixture(HostKind::Typed);
  auto nop = orDie(fixture.func("nop").typed<void()>(fixture.store), "typed<void()>");
  // The call into JIT code is opaque to the optimizer, so nothing needs DoNotOptimize (which
  // would force the whole Result into memory each time, a cost no caller pays).
  for (auto _ : state) {
    if (!nop.call().ok()) return checkOk(state, false);
  }
}
BENCHMARK(HostToWasm_Typed_Nop);

void HostToWasm_Dynamic_Nop(benchmark::State& state) {
  CallsFixture fixture(HostKind::Typed);
  wisp::Func nop = fixture.func("nop");
  for (auto _ : state) {
    if (!nop.call(std::span<const wisp::Val>(), std::span<wisp::Val>()).ok())
      return checkOk(state, false);
  }
}
BENCHMARK(HostToWasm_Dynamic_Nop);

// With arguments and a result, for comparison with the no-op.
void HostToWasm_Typed_AddI32(benchmark::State& state) {
  CallsFixture fixture(HostKind::Typed);
  auto add = orDie(fixture.func("add").typed<int32_t(int32_t, int32_t)>(fixture.store),
                   "typed<int32_t(int32_t, int32_t)>");
  int32_t x = 0;
  for (auto _ : state) {
    auto result = add.call(x, 1);
    if (!result.ok()) return checkOk(state, false);
    x = *result;
  }
  if (x != static_cast<int32_t>(state.iterations())) state.SkipWithError("wrong sum");
}
BENCHMARK(HostToWasm_Typed_AddI32);

void HostToWasm_Dynamic_AddI32(benchmark::State& state) {
  CallsFixture fixture(HostKind::Typed);
  wisp::Func add = fixture.func("add");
  int32_t x = 0;
  wisp::Val out[1];
  for (auto _ : state) {
    if (!add.call({wisp::Val(x), wisp::Val(int32_t{1})}, out).ok()) return checkOk(state, false);
    x = out[0].i32();
  }
  if (x != static_cast<int32_t>(state.iterations())) state.SkipWithError("wrong sum");
}
BENCHMARK(HostToWasm_Dynamic_AddI32);

// The convenience that returns the results in a vector: one allocation a call.
void HostToWasm_DynamicVector_AddI32(benchmark::State& state) {
  CallsFixture fixture(HostKind::Typed);
  wisp::Func add = fixture.func("add");
  int32_t x = 0;
  for (auto _ : state) {
    auto result = add.call({wisp::Val(x), wisp::Val(int32_t{1})});
    if (!result.ok()) return checkOk(state, false);
    x = (*result)[0].i32();
  }
  if (x != static_cast<int32_t>(state.iterations())) state.SkipWithError("wrong sum");
}
BENCHMARK(HostToWasm_DynamicVector_AddI32);

// ---- wasm -> host ------------------------------------------------------------------------

constexpr int32_t kCallsPerIteration = 10000;

// Runs the wasm loop `export_name` (kCallsPerIteration rounds) per iteration. The counter
// ns_per_call is the wall-clock time of one round (Google Benchmark's rate counters divide by
// CPU time, which a busy machine makes differ).
void runLoop(benchmark::State& state, HostKind kind, const char* export_name) {
  CallsFixture fixture(kind);
  auto loop = orDie(fixture.func(export_name).typed<void(int32_t)>(fixture.store),
                    "typed<void(int32_t)>");
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    if (!loop.call(kCallsPerIteration).ok()) return checkOk(state, false);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.counters["ns_per_call"] =
      seconds * 1e9 / (static_cast<double>(state.iterations()) * kCallsPerIteration);
}

void WasmToHost_Typed_Nop(benchmark::State& state) { runLoop(state, HostKind::Typed, "call_host"); }
BENCHMARK(WasmToHost_Typed_Nop);

void WasmToHost_Dynamic_Nop(benchmark::State& state) {
  runLoop(state, HostKind::Dynamic, "call_host");
}
BENCHMARK(WasmToHost_Dynamic_Nop);

// The loop alone: what each round costs besides the call.
void WasmLoop_NoCall(benchmark::State& state) { runLoop(state, HostKind::Typed, "empty_loop"); }
BENCHMARK(WasmLoop_NoCall);

// ---- instantiation -----------------------------------------------------------------------

struct InstantiationFixture {
  wisp::Engine engine;
  wisp::Module module;
  wisp::Linker linker{engine};
  explicit InstantiationFixture(wisp::Config config = {}, bool with_table = false)
      : engine(config),
        module(orDie(wisp::Module::compile(engine, instantiationModule(with_table)),
                     "compile the instantiation module")) {}
};

wisp::Config pooling() {
  wisp::Config config;
  config.allocation = wisp::InstanceAllocation::Pooling;
  return config;
}

// Times `instantiate(store)` only; a fresh store each iteration (created and dropped outside
// the clock) keeps every instantiation alike.
template <typename Instantiate>
void timeInstantiation(benchmark::State& state, const wisp::Engine& engine, Instantiate instantiate) {
  for (auto _ : state) {
    std::optional<wisp::Store> store(std::in_place, engine);
    const auto start = std::chrono::steady_clock::now();
    wisp::Result<wisp::Instance> instance = instantiate(*store);
    const auto stop = std::chrono::steady_clock::now();
    if (!instance.ok()) {
      state.SkipWithError(instance.error().describe().c_str());
      return;
    }
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    store.reset();
  }
}

// Linker::instantiate in the default (on-demand) allocation.
void Instantiate_Memory_Data_1000Functions(benchmark::State& state) {
  InstantiationFixture fixture;
  timeInstantiation(state, fixture.engine,
                    [&](wisp::Store& store) { return fixture.linker.instantiate(store, fixture.module); });
}
BENCHMARK(Instantiate_Memory_Data_1000Functions)->UseManualTime();

// What a host that instantiates per request pays, in the default allocation: a new Store and
// Linker, then the instantiation (the store is dropped outside the clock).
void NewStoreLinkerInstantiate_Memory_Data_1000Functions(benchmark::State& state) {
  InstantiationFixture fixture;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    std::optional<wisp::Store> store(std::in_place, fixture.engine);
    wisp::Linker linker(fixture.engine);
    wisp::Result<wisp::Instance> instance = linker.instantiate(*store, fixture.module);
    const auto stop = std::chrono::steady_clock::now();
    if (!instance.ok()) {
      state.SkipWithError(instance.error().describe().c_str());
      return;
    }
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    store.reset();
  }
}
BENCHMARK(NewStoreLinkerInstantiate_Memory_Data_1000Functions)->UseManualTime();

// InstancePre::instantiate with the pooling allocator.
void InstancePrePooling_Memory_Data_1000Functions(benchmark::State& state) {
  InstantiationFixture fixture(pooling());
  wisp::InstancePre pre = orDie(fixture.linker.instantiatePre(fixture.module), "instantiatePre");
  timeInstantiation(state, fixture.engine, [&](wisp::Store& store) { return pre.instantiate(store); });
}
BENCHMARK(InstancePrePooling_Memory_Data_1000Functions)->UseManualTime();

// The same with a 1,000-element table holding every function.
void InstancePrePooling_Memory_Data_Table_1000Functions(benchmark::State& state) {
  InstantiationFixture fixture(pooling(), /*with_table=*/true);
  wisp::InstancePre pre = orDie(fixture.linker.instantiatePre(fixture.module), "instantiatePre");
  timeInstantiation(state, fixture.engine, [&](wisp::Store& store) { return pre.instantiate(store); });
}
BENCHMARK(InstancePrePooling_Memory_Data_Table_1000Functions)->UseManualTime();

// The whole life: store, instantiation and teardown (the memory's reset included).
void StoreInstantiateDrop_Memory_Data_1000Functions(benchmark::State& state) {
  InstantiationFixture fixture;
  for (auto _ : state) {
    wisp::Store store(fixture.engine);
    auto instance = fixture.linker.instantiate(store, fixture.module);
    if (!instance.ok()) {
      state.SkipWithError(instance.error().describe().c_str());
      return;
    }
  }
}
BENCHMARK(StoreInstantiateDrop_Memory_Data_1000Functions);

void StoreInstancePreDropPooling_Memory_Data_1000Functions(benchmark::State& state) {
  InstantiationFixture fixture(pooling());
  wisp::InstancePre pre = orDie(fixture.linker.instantiatePre(fixture.module), "instantiatePre");
  for (auto _ : state) {
    wisp::Store store(fixture.engine);
    auto instance = pre.instantiate(store);
    if (!instance.ok()) {
      state.SkipWithError(instance.error().describe().c_str());
      return;
    }
  }
}
BENCHMARK(StoreInstancePreDropPooling_Memory_Data_1000Functions);

}  // namespace

BENCHMARK_MAIN();
