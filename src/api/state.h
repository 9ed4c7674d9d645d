// The library's side of the API's handles: what an Engine and a Store hold, and Access, the
// one friend through which the library reaches handles' private parts.
#pragma once

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "isa/cpu_features.h"
#include "runtime/externs.h"
#include "runtime/instance.h"
#include "runtime/profiling.h"
#include "runtime/store.h"
#include "runtime/trap_handler.h"
#include "runtime/type_registry.h"
#include "trampoline/trampolines.h"
#include "wisp/wisp.h"

namespace wisp::detail {

// Why an engine for `config` cannot run on a CPU with `host`'s features (Engine::create), or
// nothing.
std::optional<std::string> cpuRefusal(const Config& config, const isa::CpuFeatures& host);

class EngineState {
 public:
  explicit EngineState(Config config)
      : config_(config),
        cpu_features_(isa::hostCpuFeatures() &
                      isa::CpuFeatures{config.cpu_features.popcnt, config.cpu_features.lzcnt,
                                       config.cpu_features.bmi1, config.cpu_features.sse41,
                                       config.cpu_features.avx}),
        profiler_(profilerFor(config.profiler)),
        trampolines_(profiler_),
        allocator_(config.allocation == InstanceAllocation::Pooling
                       ? runtime::InstanceAllocator::pooling(
                             {.total_instances = config.pooling.total_instances,
                              .total_memories = config.pooling.total_memories,
                              .max_memory_pages = config.pooling.max_memory_pages,
                              .total_tables = config.pooling.total_tables,
                              .max_table_elements = config.pooling.max_table_elements})
                       : runtime::InstanceAllocator::onDemand()) {
    // Once per engine, not per call: a failure shows when a thread first calls into wasm
    // (runtime::prepareThread reports it).
    (void)runtime::installTrapHandlers();
  }

  const Config& config() const { return config_; }
  // What the CPU has and the configuration allows: what compiled code may use.
  const isa::CpuFeatures& cpuFeatures() const { return cpu_features_; }
  runtime::TypeRegistry& types() { return types_; }
  trampoline::TrampolineCache& trampolines() { return trampolines_; }
  const std::shared_ptr<runtime::InstanceAllocator>& allocator() const { return allocator_; }
  // Where to report compiled code; null when not profiling (or the profile cannot be written).
  runtime::ProfilingAgent* profiler() const { return profiler_; }
  // Engine::incrementEpoch's counter, and the stores it tells (Config::epoch_interruption).
  std::atomic<uint64_t>& epoch() { return epoch_; }
  void incrementEpoch() {
    const uint64_t now = epoch_.fetch_add(1, std::memory_order_acq_rel) + 1;
    std::lock_guard lock(epoch_stores_mutex_);
    for (runtime::Store* store : epoch_stores_) store->noteEpoch(now);
  }
  void addEpochStore(runtime::Store* store) {
    std::lock_guard lock(epoch_stores_mutex_);
    epoch_stores_.push_back(store);
  }
  void removeEpochStore(runtime::Store* store) {
    std::lock_guard lock(epoch_stores_mutex_);
    std::erase(epoch_stores_, store);
  }

 private:
  // The process's agent for `strategy`, opened here (so a file that cannot be written is
  // reported when the first engine asking for it is created).
  static runtime::ProfilingAgent* profilerFor(ProfilingStrategy strategy) {
    switch (strategy) {
      case ProfilingStrategy::None: return nullptr;
      case ProfilingStrategy::PerfMap: return runtime::processPerfMapAgent();
      case ProfilingStrategy::JitDump: return runtime::processJitDumpAgent();
    }
    return nullptr;
  }

  Config config_;
  isa::CpuFeatures cpu_features_;
  runtime::ProfilingAgent* profiler_;  // process-wide, never destroyed
  runtime::TypeRegistry types_;
  trampoline::TrampolineCache trampolines_;
  std::shared_ptr<runtime::InstanceAllocator> allocator_;
  std::atomic<uint64_t> epoch_{0};
  std::mutex epoch_stores_mutex_;
  std::vector<runtime::Store*> epoch_stores_;
};

// What a dynamic call needs of the callee's type: the type and its array-to-wasm trampoline,
// with the type's value types and counts copied in, so a call reads them one load sooner.
struct DynamicEntry {
  DynamicEntry() = default;
  DynamicEntry(const wasm::FuncType* type, trampoline::ArrayToWasmFn entry)
      : type(type), entry(entry) {
    if (type == nullptr) return;
    types = type->types.data();
    param_count = type->param_count;
    result_count = static_cast<uint32_t>(type->types.size()) - type->param_count;
  }

  const wasm::FuncType* type = nullptr;
  trampoline::ArrayToWasmFn entry = nullptr;
  const wasm::ValType* types = nullptr;  // the parameters', then the results'
  uint32_t param_count = 0;
  uint32_t result_count = 0;
};

// Every runtime::Store the API creates is a StoreState, so a runtime extern's store pointer
// leads back to the API's state with a static_cast (see storeStateOf).
class StoreState final : public runtime::Store {
 public:
  explicit StoreState(std::shared_ptr<EngineState> engine);
  ~StoreState();
  StoreState(const StoreState&) = delete;
  StoreState& operator=(const StoreState&) = delete;

  EngineState& engine() { return *engine_; }
  const std::shared_ptr<EngineState>& engineShared() const { return engine_; }

  // Host-to-wasm trampolines by canonical type id, cached per store so a call looks them up
  // without a lock or hashing. Null when the engine cannot make one (or the id is unknown).
  // The reference lasts until the next entry is made: read what a call needs before calling.
  const DynamicEntry& dynamicEntry(uint32_t type_id) {
    if (type_id < dynamic_entries_.size() && dynamic_entries_[type_id].entry != nullptr) [[likely]]
      return dynamic_entries_[type_id];
    return makeDynamicEntry(type_id);
  }
  void* nativeToWasm(uint32_t type_id);

 private:
  const DynamicEntry& makeDynamicEntry(uint32_t type_id);

  std::shared_ptr<EngineState> engine_;
  std::vector<DynamicEntry> dynamic_entries_;  // by type id
  std::vector<void*> native_to_wasm_;
};

inline StoreState* storeStateOf(runtime::Store* store) { return static_cast<StoreState*>(store); }

struct Access {
  static const std::shared_ptr<EngineState>& engine(const Engine& engine) { return engine.state_; }
  static Engine makeEngine(std::shared_ptr<EngineState> state) { return Engine(std::move(state)); }
  static StoreState& store(const Store& store) { return *store.state_; }
  static std::unique_ptr<StoreState>& storeOwner(Store& store) { return store.state_; }

  static Module makeModule(std::shared_ptr<EngineState> engine,
                           std::shared_ptr<const runtime::CompiledModule> compiled) {
    return Module(std::move(engine), std::move(compiled));
  }
  static const std::shared_ptr<const runtime::CompiledModule>& compiled(const Module& m) {
    return m.compiled_;
  }
  static EngineState* engineOf(const Module& m) { return m.engine_.get(); }

  static Func makeFunc(StoreState* store, runtime::VMFuncRef* ref) { return Func(store, ref); }
  static runtime::VMFuncRef* ref(const Func& f) { return f.ref_; }
  static StoreState* store(const Func& f) { return f.store_; }
  static Memory makeMemory(runtime::MemoryInstance* m) { return Memory(m); }
  static runtime::MemoryInstance* memory(const Memory& m) { return m.memory_; }
  static Table makeTable(runtime::TableInstance* t) { return Table(t); }
  static runtime::TableInstance* table(const Table& t) { return t.table_; }
  static Global makeGlobal(runtime::GlobalInstance* g) { return Global(g); }
  static runtime::GlobalInstance* global(const Global& g) { return g.global_; }
  static ExternRef makeExternRef(runtime::ExternRefBox* box) { return ExternRef(box); }
  static runtime::ExternRefBox* box(const ExternRef& r) { return r.box_; }
  static Tag makeTag(runtime::TagInstance* t) { return Tag(t); }
  static runtime::TagInstance* tag(const Tag& t) { return t.tag_; }
  static Exception makeException(runtime::ExceptionInstance* e, StoreState* store) {
    return Exception(e, store);
  }
  static runtime::ExceptionInstance* exception(const Exception& e) { return e.exception_; }
  static StoreState* store(const Exception& e) { return e.store_; }
  static Instance makeInstance(StoreState* store, runtime::Instance* instance) {
    return Instance(store, instance);
  }
  static runtime::Instance* instance(const Instance& i) { return i.instance_; }

  static const uint8_t* bits(const Val& v) { return v.bits_; }
  static StoreState* store(const Val& v) { return v.store_; }
  static Val makeVal(ValType type, const void* bits, StoreState* store) {
    Val v;
    v.type_ = type;
    std::memcpy(v.bits_, bits, 16);
    v.store_ = type == ValType::FuncRef || type == ValType::ExnRef ? store : nullptr;
    return v;
  }
};

}  // namespace wisp::detail
