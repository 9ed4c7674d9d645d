// A Store: the unit of isolation that owns everything instances create or share: one
// RuntimeLimits (the stack limit and entry/exit records every activation in the store uses),
// its instances, memories, tables, globals, host functions and externref boxes. Objects are
// freed only with the store, so references between them (an imported memory, a funcref in a
// table, an instance whose instantiation trapped half-way) can never dangle.
// StoreLimits cap how much it may hold; the checks live here and in MemoryInstance::grow and
// TableInstance::grow, so compiled code (which calls the grow builtins) needs none of its own.
//
// Not thread-safe: a store is used by one thread at a time.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "runtime/externs.h"
#include "runtime/instance_allocator.h"
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

// Caps on what one store may hold (as Wasmtime's StoreLimits); unset means unlimited. The
// per-object sizes are checked on creation and on every grow; the counts are of the objects the
// store holds, checked when one more is created (imports create nothing).
struct StoreLimits {
  std::optional<uint64_t> max_memory_bytes = std::nullopt;    // per memory
  std::optional<uint64_t> max_table_elements = std::nullopt;  // per table
  std::optional<uint64_t> max_instances = std::nullopt;
  std::optional<uint64_t> max_memories = std::nullopt;
  std::optional<uint64_t> max_tables = std::nullopt;
};

class Store {
 public:
  Store(TypeRegistry& types, BoundsCheckMode bounds_check_mode,
        std::shared_ptr<InstanceAllocator> allocator);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  RuntimeLimits& limits() { return limits_; }
  InstanceAllocator& allocator() { return *allocator_; }

  // Epoch interruption. The engine's counter, which any thread may advance; then it calls
  // noteEpoch on the stores that take part, which raise limits().epoch_deadline_reached once
  // the counter reaches their deadline. Compiled code that finds it raised asks
  // extendEpochDeadline whether to go on: without a callback it does not (the call traps with
  // Interrupted); a callback returns how many ticks past the current epoch the next deadline
  // is, or nullopt to trap. It runs on the thread running wasm, and must not call into wasm.
  using EpochDeadlineCallback = std::function<std::optional<uint64_t>()>;
  void setEpochCounter(const std::atomic<uint64_t>* counter) { epoch_counter_ = counter; }
  void setEpochDeadlineCallback(EpochDeadlineCallback callback) {
    epoch_deadline_callback_ = std::move(callback);
  }
  // Sets the deadline `ticks` past the current epoch (saturating); the flag says at once if
  // that is reached already.
  void setEpochDeadline(uint64_t ticks);
  void noteEpoch(uint64_t epoch) {
    if (epoch >= epoch_deadline_.load(std::memory_order_acquire))
      limits_.epoch_deadline_reached.store(1, std::memory_order_release);
  }
  bool extendEpochDeadline();
  TypeRegistry& types() { return *types_; }
  BoundsCheckMode boundsCheckMode() const { return bounds_check_mode_; }

  // Apply to what is created or grown from now on; what already exceeds them stays.
  const StoreLimits& storeLimits() const { return store_limits_; }
  void setStoreLimits(const StoreLimits& limits) { store_limits_ = limits; }
  bool allowsMemoryPages(uint64_t pages) const;
  bool allowsTableElements(uint64_t elements) const;
  // Fail with a message naming the limit and the numbers: `what` ("a memory", "memory 0") " of
  // 2 pages (131072 bytes) exceeds the store's limit of 65536 bytes per memory".
  Result<void> checkMemorySize(uint64_t pages, std::string_view what) const;
  Result<void> checkTableSize(uint64_t elements, std::string_view what) const;
  // Whether this many more objects fit the counts: "the store holds 2 memories; 1 more would
  // exceed its limit of 2 memories".
  Result<void> checkRoomFor(uint64_t instances, uint64_t memories, uint64_t tables) const;

  // Both check the counts and the initial size against the StoreLimits first. `image`, if
  // any, gives the memory's initial contents (instantiation's data segments).
  Result<MemoryInstance*> createMemory(const wasm::MemoryType& type,
                                       std::shared_ptr<const MemoryImage> image = nullptr);
  Result<TableInstance*> createTable(const wasm::TableType& type, uint64_t init);
  // With its first slots from `image` (a module's lazy table contents), the rest null.
  Result<TableInstance*> createTable(const wasm::TableType& type, std::span<const uint64_t> image);
  GlobalInstance* createGlobal(const wasm::GlobalType& type, ValRaw value);
  HostFunction* createHostFunction(wasm::FuncType type, void* trampoline, void* callback,
                                   void* state, HostFunction::StateDeleter delete_state);
  ExternRefBox* createExternRef(std::any value);
  TagInstance* createTag(wasm::FuncType type);
  // An exception of `tag` with `payload` (one value per tag parameter), kept until the store
  // dies.
  ExceptionInstance* createException(const TagInstance& tag, std::span<const ValRaw> payload);
  Instance* adoptInstance(std::unique_ptr<Instance> instance);

 private:
  // First, so it is destroyed last: memories and vmctx blocks go back to it.
  std::shared_ptr<InstanceAllocator> allocator_;
  RuntimeLimits limits_;
  EpochDeadlineCallback epoch_deadline_callback_;
  const std::atomic<uint64_t>* epoch_counter_ = nullptr;
  std::atomic<uint64_t> epoch_deadline_{UINT64_MAX};
  TypeRegistry* types_;
  BoundsCheckMode bounds_check_mode_;
  StoreLimits store_limits_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
  std::vector<std::unique_ptr<HostFunction>> host_functions_;
  std::vector<std::unique_ptr<ExternRefBox>> externrefs_;
  std::vector<std::unique_ptr<TagInstance>> tags_;
  std::vector<std::unique_ptr<ExceptionInstance>> exceptions_;
};

}  // namespace wisp::runtime
