// Engine and Store: the shared state behind them.
#include <algorithm>
#include <optional>
#include <string>

#include "api/conversions.h"
#include "api/state.h"

namespace wisp {

namespace {
runtime::BoundsCheckMode toRuntimeMode(BoundsChecks checks) {
  return checks == BoundsChecks::Explicit ? runtime::BoundsCheckMode::ExplicitChecks
                                          : runtime::BoundsCheckMode::GuardRegion;
}

runtime::StoreLimits toRuntime(const StoreLimits& limits) {
  return {.max_memory_bytes = limits.max_memory_bytes,
          .max_table_elements = limits.max_table_elements,
          .max_instances = limits.max_instances,
          .max_memories = limits.max_memories,
          .max_tables = limits.max_tables};
}

StoreLimits fromRuntime(const runtime::StoreLimits& limits) {
  return {.max_memory_bytes = limits.max_memory_bytes,
          .max_table_elements = limits.max_table_elements,
          .max_instances = limits.max_instances,
          .max_memories = limits.max_memories,
          .max_tables = limits.max_tables};
}
}  // namespace

namespace detail {
std::optional<std::string> cpuRefusal(const Config& config, const isa::CpuFeatures& host) {
  if (isa::kSimdNeedsSse41 && config.features.simd && !host.sse41) {
    return std::string(
        "this CPU lacks SSE4.1, which WebAssembly SIMD needs (Config::features.simd, on by "
        "default); turn SIMD off to run modules without it on this CPU");
  }
  return std::nullopt;
}
}  // namespace detail

Result<Engine> Engine::create(Config config) {
  if (std::optional<std::string> refusal = detail::cpuRefusal(config, isa::hostCpuFeatures()))
    return detail::argumentError("cannot create an engine: " + *refusal);
  if (runtime::Result<void> installed = runtime::installTrapHandlers(); !installed)
    return detail::argumentError("cannot create an engine: " + installed.error().message);
  return Engine(config);
}

Engine::Engine(Config config) : state_(std::make_shared<detail::EngineState>(config)) {}

const Config& Engine::config() const { return state_->config(); }

CpuFeatures Engine::cpuFeatures() const {
  const isa::CpuFeatures& f = state_->cpuFeatures();
  return {f.popcnt, f.lzcnt, f.bmi1, f.sse41, f.avx};
}

void Engine::incrementEpoch() { state_->incrementEpoch(); }
uint64_t Engine::epoch() const { return state_->epoch().load(std::memory_order_relaxed); }

Store::Store(const Engine& engine)
    : state_(std::make_unique<detail::StoreState>(detail::Access::engine(engine))) {}
Store::Store(const Engine& engine, const StoreLimits& limits) : Store(engine) { setLimits(limits); }
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

Engine Store::engine() const { return detail::Access::makeEngine(state_->engineShared()); }

void Store::setLimits(const StoreLimits& limits) { state_->setStoreLimits(toRuntime(limits)); }
StoreLimits Store::limits() const { return fromRuntime(state_->storeLimits()); }

Result<void> Store::setFuel(uint64_t fuel) {
  if (!state_->engine().config().consume_fuel)
    return detail::argumentError("setFuel: the engine does not consume fuel (Config::consume_fuel)");
  const uint64_t given = std::min<uint64_t>(fuel, INT64_MAX);
  state_->limits().fuel = -static_cast<int64_t>(given);
  return {};
}

Result<uint64_t> Store::getFuel() const {
  if (!state_->engine().config().consume_fuel)
    return detail::argumentError("getFuel: the engine does not consume fuel (Config::consume_fuel)");
  const int64_t fuel = state_->limits().fuel;
  return fuel < 0 ? static_cast<uint64_t>(-fuel) : uint64_t{0};
}

void Store::setEpochDeadline(uint64_t ticks) { state_->setEpochDeadline(ticks); }

void Store::setEpochDeadlineCallback(std::function<std::optional<uint64_t>()> callback) {
  state_->setEpochDeadlineCallback(std::move(callback));
}

namespace detail {

StoreState::StoreState(std::shared_ptr<EngineState> engine)
    : runtime::Store(engine->types(), toRuntimeMode(engine->config().bounds_checks),
                     engine->allocator()),
      engine_(std::move(engine)) {
  setEpochCounter(&engine_->epoch());
  if (engine_->config().epoch_interruption) engine_->addEpochStore(this);
}

StoreState::~StoreState() {
  if (engine_->config().epoch_interruption) engine_->removeEpochStore(this);
}

const DynamicEntry& StoreState::makeDynamicEntry(uint32_t type_id) {
  static const DynamicEntry kUnknownType;
  const wasm::FuncType* type = types().lookup(type_id);
  if (type == nullptr) return kUnknownType;
  const DynamicEntry made{type, engine_->trampolines().arrayToWasm(*type)};
  if (type_id >= dynamic_entries_.size()) dynamic_entries_.resize(type_id + 1);
  dynamic_entries_[type_id] = made;
  return dynamic_entries_[type_id];
}

void* StoreState::nativeToWasm(uint32_t type_id) {
  if (type_id < native_to_wasm_.size() && native_to_wasm_[type_id] != nullptr)
    return native_to_wasm_[type_id];
  const wasm::FuncType* type = types().lookup(type_id);
  if (type == nullptr) return nullptr;
  void* entry = engine_->trampolines().nativeToWasm(*type);
  if (type_id >= native_to_wasm_.size()) native_to_wasm_.resize(type_id + 1, nullptr);
  native_to_wasm_[type_id] = entry;
  return entry;
}

}  // namespace detail
}  // namespace wisp
