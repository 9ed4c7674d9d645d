// The runtime objects an instance can import and export: memories, tables, globals and host
// functions, plus Extern, a reference to any of them. Each starts with the VM* view compiled
// code reads, which an importer's vmctx points at; the Store owns them all, so they never move
// and outlive every instance that refers to them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/linear_memory.h"
#include "runtime/result.h"
#include "runtime/vmcontext.h"
#include "wasm/types.h"

namespace wisp::runtime {

class Store;
class Instance;

class MemoryInstance {
 public:
  // From the store's allocator; `image`, if any, is mapped as the initial contents.
  static Result<std::unique_ptr<MemoryInstance>> create(Store& store, const wasm::MemoryType& type,
                                                        BoundsCheckMode mode,
                                                        std::shared_ptr<const MemoryImage> image);

  // memory.grow: the old size in pages or -1 (past the maximum, the store's limit, or refused
  // by the system); keeps the VMMemory view in sync.
  int64_t grow(uint64_t delta_pages);

  VMMemory* vm() { return &vm_; }
  uint8_t* base() const { return vm_.base; }
  uint64_t byteLength() const { return vm_.length; }
  uint32_t pages() const { return memory_.pages(); }
  // The type as an importer sees it now: the current size as minimum, the declared maximum.
  wasm::MemoryType currentType() const;
  Store& store() const { return *store_; }
  const LinearMemory& linearMemory() const { return memory_; }

 private:
  MemoryInstance(Store& store, LinearMemory memory, const wasm::MemoryType& type);

  VMMemory vm_;
  LinearMemory memory_;
  wasm::MemoryType declared_;
  Store* store_;
};

class TableInstance {
 public:
  // Tables past this many elements are refused (creation fails, table.grow returns -1): 80 MB
  // of references is far beyond real programs and keeps sizes representable as i32 results.
  static constexpr uint32_t kMaxElements = 10'000'000;

  static Result<std::unique_ptr<TableInstance>> create(Store& store, const wasm::TableType& type,
                                                       uint64_t init);
  // A table whose first slots are `image` (at most the minimum size), the rest null.
  static Result<std::unique_ptr<TableInstance>> create(Store& store, const wasm::TableType& type,
                                                       std::span<const uint64_t> image);

  ~TableInstance();
  TableInstance(const TableInstance&) = delete;
  TableInstance& operator=(const TableInstance&) = delete;

  // table.grow: the old size or -1 (past the maximum, the store's limit or a pooled slot's
  // capacity); new elements hold `init`. Keeps the VMTable view in sync.
  int32_t grow(uint32_t delta, uint64_t init);

  VMTable* vm() { return &vm_; }
  uint32_t size() const { return vm_.size; }
  // The raw slots: lazily initialised ones hold lazyElement() (vmcontext.h). Whoever reads a
  // reference out of them resolves it (get, resolveRange).
  uint64_t* elements() { return vm_.elements; }
  // The reference in slot `index` (< size()): a lazy slot gets its function's VMFuncRef, which
  // is stored there and returned.
  uint64_t get(uint32_t index) {
    const uint64_t value = vm_.elements[index];
    return value == lazyElement() ? resolveLazy(index) : value;
  }
  void set(uint32_t index, uint64_t value) { vm_.elements[index] = value; }
  // Resolves every lazy slot of [start, start + n) (in bounds), before they are copied.
  void resolveRange(uint32_t start, uint32_t n) {
    if (lazy_owner_ == nullptr) return;
    for (uint32_t i = start; i < start + n; ++i)
      if (vm_.elements[i] == lazyElement()) resolveLazy(i);
  }
  // Made lazy at instantiation by `owner`, which defines the table: slot i (< functions.size())
  // may hold lazyElement() for owner's function functions[i] (kept alive by the owner's
  // CompiledModule, as the owner is by the store).
  void setLazyContents(Instance* owner, std::span<const uint32_t> functions) {
    lazy_owner_ = owner;
    lazy_functions_ = functions;
  }
  wasm::ValType elementType() const { return declared_.element; }
  wasm::TableType currentType() const;
  Store& store() const { return *store_; }

 private:
  TableInstance(Store& store, const wasm::TableType& type) : declared_(type), store_(&store) {}
  // The elements: a pooling allocator's slot (pooled_, fixed capacity), else elements_.
  Result<void> allocate(uint64_t size);
  void syncView();
  uint64_t resolveLazy(uint32_t index);  // instance.cpp, which knows Instance

  VMTable vm_;
  std::vector<uint64_t> elements_;
  uint64_t* pooled_ = nullptr;
  uint64_t pooled_used_ = 0;  // the largest size it had: what may have been written
  Instance* lazy_owner_ = nullptr;
  std::span<const uint32_t> lazy_functions_;
  wasm::TableType declared_;
  Store* store_;
};

class GlobalInstance {
 public:
  GlobalInstance(Store& store, const wasm::GlobalType& type, ValRaw value)
      : type_(type), store_(&store) {
    vm_.value = value;
  }

  VMGlobal* vm() { return &vm_; }
  ValRaw value() const { return vm_.value; }
  void setValue(ValRaw value) { vm_.value = value; }
  const wasm::GlobalType& type() const { return type_; }
  Store& store() const { return *store_; }

 private:
  VMGlobal vm_;
  wasm::GlobalType type_;
  Store* store_;
};

// A function the host provides. Its VMFuncRef is what wasm calls: the wasm-to-array or
// wasm-to-native trampoline for its signature, with the VMHostFuncContext as vmctx.
class HostFunction {
 public:
  using StateDeleter = void (*)(void*);

  // `trampoline`: the wasm-to-host trampoline for `type`; `callback`: what it calls (an
  // ArrayCallback or a typed C function); `state`: the host's data, reachable from the
  // callback as VMHostFuncContext::host_data and destroyed with `delete_state`.
  HostFunction(Store& store, wasm::FuncType type, uint32_t type_id, void* trampoline,
               void* callback, void* state, StateDeleter delete_state);
  ~HostFunction();
  HostFunction(const HostFunction&) = delete;
  HostFunction& operator=(const HostFunction&) = delete;

  VMFuncRef* funcRef() { return &funcref_; }
  const wasm::FuncType& type() const { return type_; }
  Store& store() const { return *store_; }

 private:
  VMHostFuncContext context_;
  VMFuncRef funcref_;
  wasm::FuncType type_;
  StateDeleter delete_state_;
  Store* store_;
};

// An exception tag: its identity is its address (a catch compares tags, not types), its payload
// type a function type with no results.
class TagInstance {
 public:
  TagInstance(Store& store, wasm::FuncType type, uint32_t type_id)
      : type_(std::move(type)), type_id_(type_id), store_(&store) {}
  const wasm::FuncType& type() const { return type_; }
  uint32_t typeId() const { return type_id_; }  // in the store's engine's type registry
  Store& store() const { return *store_; }
  // For messages: `name` as the defining module exports it, else its index there ("tag[1]").
  const std::string& name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }

 private:
  std::string name_ = "(host)";
  wasm::FuncType type_;
  uint32_t type_id_;
  Store* store_;
};

// A thrown exception: created by `throw` (or by the host), kept by the store until it dies,
// since an exnref may be held anywhere (a local, a global, a table, the host).
struct ExceptionInstance {
  ExceptionInstance(const TagInstance& tag, std::span<const ValRaw> payload)
      : values(payload.begin(), payload.end()) {
    vm.tag = &tag;
    vm.values = values.data();
  }
  ExceptionInstance(const ExceptionInstance&) = delete;
  ExceptionInstance& operator=(const ExceptionInstance&) = delete;
  const TagInstance& tag() const { return *vm.tag; }
  // An exnref is the address of `vm`, which is this object's.
  static ExceptionInstance* fromVm(VMException* exception) {
    return reinterpret_cast<ExceptionInstance*>(exception);
  }

  VMException vm;  // first
  std::vector<ValRaw> values;
};

// A reference to something importable; the Store that owns it rides along so linking can
// refuse objects of another store.
struct Extern {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  Store* store = nullptr;
  void* object = nullptr;  // the VMFuncRef, TableInstance, MemoryInstance or GlobalInstance

  // A function is its VMFuncRef: an instance's entry (in its vmctx) or a host function's.
  VMFuncRef* func() const { return static_cast<VMFuncRef*>(object); }
  TableInstance* table() const { return static_cast<TableInstance*>(object); }
  MemoryInstance* memory() const { return static_cast<MemoryInstance*>(object); }
  GlobalInstance* global() const { return static_cast<GlobalInstance*>(object); }
  TagInstance* tag() const { return static_cast<TagInstance*>(object); }

  static Extern ofFunc(Store& store, VMFuncRef* f) { return {wasm::ExternKind::Func, &store, f}; }
  static Extern ofTable(TableInstance* t) { return {wasm::ExternKind::Table, &t->store(), t}; }
  static Extern ofMemory(MemoryInstance* m) { return {wasm::ExternKind::Memory, &m->store(), m}; }
  static Extern ofGlobal(GlobalInstance* g) { return {wasm::ExternKind::Global, &g->store(), g}; }
  static Extern ofTag(TagInstance* t) { return {wasm::ExternKind::Tag, &t->store(), t}; }
};

}  // namespace wisp::runtime
