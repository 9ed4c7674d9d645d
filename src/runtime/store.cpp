#include "runtime/store.h"

#include "runtime/instance.h"

namespace wisp::runtime {

Store::Store(TypeRegistry& types, BoundsCheckMode bounds_check_mode)
    : types_(&types), bounds_check_mode_(bounds_check_mode) {}

Store::~Store() = default;

Result<MemoryInstance*> Store::createMemory(const wasm::MemoryType& type) {
  Result<std::unique_ptr<MemoryInstance>> memory =
      MemoryInstance::create(*this, type, bounds_check_mode_);
  if (!memory) return memory.error();
  memories_.push_back(std::move(*memory));
  return memories_.back().get();
}

Result<TableInstance*> Store::createTable(const wasm::TableType& type, uint64_t init) {
  Result<std::unique_ptr<TableInstance>> table = TableInstance::create(*this, type, init);
  if (!table) return table.error();
  tables_.push_back(std::move(*table));
  return tables_.back().get();
}

GlobalInstance* Store::createGlobal(const wasm::GlobalType& type, ValRaw value) {
  globals_.push_back(std::make_unique<GlobalInstance>(*this, type, value));
  return globals_.back().get();
}

HostFunction* Store::createHostFunction(wasm::FuncType type, void* trampoline, void* callback,
                                        void* state, HostFunction::StateDeleter delete_state) {
  const uint32_t type_id = types_->intern(type);
  host_functions_.push_back(std::make_unique<HostFunction>(
      *this, std::move(type), type_id, trampoline, callback, state, delete_state));
  return host_functions_.back().get();
}

ExternRefBox* Store::createExternRef(std::any value) {
  externrefs_.push_back(std::make_unique<ExternRefBox>(ExternRefBox{std::move(value)}));
  return externrefs_.back().get();
}

Instance* Store::adoptInstance(std::unique_ptr<Instance> instance) {
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

}  // namespace wisp::runtime
