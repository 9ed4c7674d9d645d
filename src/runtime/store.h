// A Store: the unit of isolation that owns everything instances create or share: one
// RuntimeLimits (the stack limit and entry/exit records every activation in the store uses),
// its instances, memories, tables, globals, host functions and externref boxes. Objects are
// freed only with the store, so references between them (an imported memory, a funcref in a
// table, an instance whose instantiation trapped half-way) can never dangle.
//
// Not thread-safe: a store is used by one thread at a time.
#pragma once

#include <any>
#include <memory>
#include <vector>

#include "runtime/externs.h"
#include "runtime/linear_memory.h"
#include "runtime/result.h"
#include "runtime/runtime_limits.h"
#include "runtime/type_registry.h"

namespace wisp::runtime {

class Instance;

// What an externref points at: host data the store keeps alive.
struct ExternRefBox {
  std::any value;
};

class Store {
 public:
  Store(TypeRegistry& types, BoundsCheckMode bounds_check_mode);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  RuntimeLimits& limits() { return limits_; }
  TypeRegistry& types() { return *types_; }
  BoundsCheckMode boundsCheckMode() const { return bounds_check_mode_; }

  Result<MemoryInstance*> createMemory(const wasm::MemoryType& type);
  Result<TableInstance*> createTable(const wasm::TableType& type, uint64_t init);
  GlobalInstance* createGlobal(const wasm::GlobalType& type, ValRaw value);
  HostFunction* createHostFunction(wasm::FuncType type, void* trampoline, void* callback,
                                   void* state, HostFunction::StateDeleter delete_state);
  ExternRefBox* createExternRef(std::any value);
  Instance* adoptInstance(std::unique_ptr<Instance> instance);

 private:
  RuntimeLimits limits_;
  TypeRegistry* types_;
  BoundsCheckMode bounds_check_mode_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
  std::vector<std::unique_ptr<HostFunction>> host_functions_;
  std::vector<std::unique_ptr<ExternRefBox>> externrefs_;
};

}  // namespace wisp::runtime
