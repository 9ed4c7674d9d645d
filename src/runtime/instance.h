// An instance: one module's VMContext and the runtime state behind it. The VMContext is laid
// out by VMOffsets (vmctx.h); the instance keeps typed pointers to the same memories, tables
// and globals, plus what the bulk-memory builtins need (passive segments and dropped flags).
//
// Memories with a memory image (CompiledModule::memoryImages) get their data segments by
// mapping it when they are created; their active data segments are then only dropped.
//
// Instantiation follows the spec's order: imports, memories, tables, functions, globals (in
// index order, so global.get sees earlier globals), then element segments and data segments
// in order, each active one copied as table.init / memory.init would and then dropped. An
// out-of-bounds segment traps; writes made by earlier segments stay (WebAssembly 2.0), and the
// instance stays alive in the store because tables it wrote to may now point into it.
// The store's limits (StoreLimits: counts, initial sizes) are checked after the imports and
// before anything is created. The start function is run by the caller, which owns the
// trampolines.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/compiled_module.h"
#include "runtime/externs.h"
#include "runtime/result.h"
#include "runtime/trap.h"
#include "runtime/vmcontext.h"

namespace wisp::runtime {

class Store;
struct Instantiation;

class Instance {
 public:
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // The instance a vmctx belongs to (its +8 slot); what builtins use.
  static Instance& fromVmctx(VMContext* vmctx) {
    return **reinterpret_cast<Instance**>(reinterpret_cast<uint8_t*>(vmctx) +
                                          VMOffsets::kInstanceOffset);
  }

  const CompiledModule& compiled() const { return *compiled_; }
  const std::shared_ptr<const CompiledModule>& compiledShared() const { return compiled_; }
  const wasm::Module& module() const { return *compiled_->module; }
  Store& store() const { return *store_; }
  VMContext* vmctx() const { return reinterpret_cast<VMContext*>(vmctx_); }
  const VMOffsets& offsets() const { return offsets_; }

  // Index spaces, imports first.
  MemoryInstance* memory(uint32_t index) const { return memories_[index]; }
  TableInstance* table(uint32_t index) const { return tables_[index]; }
  GlobalInstance* global(uint32_t index) const { return globals_[index]; }
  TagInstance* tag(uint32_t index) const { return tags_[index]; }
  // The function's entry in the vmctx; its address is the funcref value of ref.func.
  VMFuncRef* function(uint32_t index) const {
    return reinterpret_cast<VMFuncRef*>(vmctx_ + offsets_.function(index));
  }
  // Function `index`'s entry, filled in first if instantiation left it out (a defined function
  // only a lazily initialised table refers to): what a lazy table slot resolves to.
  VMFuncRef* lazyFunction(uint32_t index);
  uint32_t memoryCount() const { return static_cast<uint32_t>(memories_.size()); }
  uint32_t tableCount() const { return static_cast<uint32_t>(tables_.size()); }

  std::optional<Extern> findExport(std::string_view name) const;
  Extern exportOf(const wasm::Export& e) const;

  // Segments as the bulk instructions see them: a dropped segment is empty.
  std::span<const uint8_t> dataSegment(uint32_t index) const;
  void dropDataSegment(uint32_t index) { data_dropped_[index] = true; }
  std::span<const uint64_t> elementSegment(uint32_t index) const;
  void dropElementSegment(uint32_t index) { std::vector<uint64_t>().swap(element_segments_[index]); }

  // The bulk instructions' semantics, shared by builtins and instantiation: bounds are checked
  // first (in 64 bits), and nothing is written when they fail.
  std::optional<TrapKind> initMemory(uint32_t memory, uint32_t segment, uint64_t dst, uint32_t src,
                                     uint32_t n);
  std::optional<TrapKind> initTable(uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                                    uint32_t n);

 private:
  friend struct Instantiator;
  friend Instantiation instantiate(Store&, std::shared_ptr<const CompiledModule>,
                                   std::span<const Extern>);
  Instance(Store& store, std::shared_ptr<const CompiledModule> compiled);

  uint32_t vmctxSize() const { return (offsets_.size() + 15) & ~uint32_t{15}; }

  Store* store_;
  std::shared_ptr<const CompiledModule> compiled_;
  VMOffsets offsets_;
  // vmctxSize() bytes from the store's allocator, 16-aligned. Only the header, the pointer
  // arrays and the imported and exposed functions' entries are ever written (instantiation
  // fills them); the destructor zeroes exactly those before giving the block back.
  uint8_t* vmctx_ = nullptr;  // also the entries lazyFunction fills in
  std::vector<MemoryInstance*> memories_;
  std::vector<TableInstance*> tables_;
  std::vector<GlobalInstance*> globals_;
  std::vector<TagInstance*> tags_;
  std::vector<std::vector<uint64_t>> element_segments_;  // evaluated items; cleared on drop
  std::vector<bool> data_dropped_;
  std::vector<uint32_t> lazy_defined_;  // entries lazyFunction filled in (zeroed at the end)
};

struct Instantiation {
  enum class Failure : uint8_t {
    None,
    Link,      // an import is missing or does not fit
    Resource,  // a store limit refused it, a memory or table could not be made, or a
               // constant expression failed
    Trap,      // an active segment was out of bounds
  };
  Failure failure = Failure::None;
  // Owned by the store. Set whenever the instance came to exist, even if a segment trapped.
  Instance* instance = nullptr;
  std::optional<Trap> trap;    // for Failure::Trap
  std::optional<Error> error;  // for Failure::Link and Failure::Resource

  bool ok() const { return failure == Failure::None; }
  static Instantiation failed(Failure failure, Error error) {
    Instantiation result;
    result.failure = failure;
    result.error = std::move(error);
    return result;
  }
};

// Instantiates without running the start function. `imports` holds one extern per import of
// the module, in import order; each is checked (kind, store, type) first.
Instantiation instantiate(Store& store, std::shared_ptr<const CompiledModule> compiled,
                          std::span<const Extern> imports);

}  // namespace wisp::runtime
