// The VM context: the per-instance block compiled code reads at constant offsets through the
// pinned vmctx register (x64: r14). This header is the contract between the compiler, the
// trampolines and the runtime: change a layout here and all three change with it.
//
//   VMContext (one per instance, VMOffsets computes the layout from the module):
//     +0                 RuntimeLimits*   the store's limits (stack limit, entry/exit records)
//     +8                 void*            the runtime Instance, for builtins
//     +16                VMFuncRef*       kLazyFuncRef: what a lazily initialised table slot
//                                          holds until it is first read (below)
//     +memories          VMMemory*   [memory count]    imported ones point into the exporter
//     +tables            VMTable*    [table count]
//     +globals           VMGlobal*   [global count]    defined ones point into the instance
//     +functions         VMFuncRef   [function count]  code, type id and vmctx of each callee
//     +tags              TagInstance* [tag count]      imported ones are the exporter's
//
// Values of reference type are pointers: a funcref is a VMFuncRef* (null is 0), an externref
// is the host's opaque pointer (null is 0), an exnref a VMException* (null is 0).
#pragma once

#include <cstddef>
#include <cstdint>

#include "wasm/module.h"

namespace wisp::runtime {

struct RuntimeLimits;
struct VMContext;  // opaque: raw bytes laid out by VMOffsets

// What a call goes through: a function's entry in the wasm calling convention, its canonical
// signature id (one compare checks call_indirect) and the vmctx it expects.
struct VMFuncRef {
  void* code = nullptr;
  uint32_t type_id = 0;
  uint32_t padding = 0;
  VMContext* vmctx = nullptr;

  static constexpr uint32_t kCodeOffset = 0;
  static constexpr uint32_t kTypeIdOffset = 8;
  static constexpr uint32_t kVmctxOffset = 16;
};
static_assert(sizeof(VMFuncRef) == 24);
static_assert(offsetof(VMFuncRef, code) == VMFuncRef::kCodeOffset);
static_assert(offsetof(VMFuncRef, type_id) == VMFuncRef::kTypeIdOffset);
static_assert(offsetof(VMFuncRef, vmctx) == VMFuncRef::kVmctxOffset);

// The value of a funcref table slot initialised lazily (an active element segment of function
// indices, applied at instantiation only as this mark): one process-wide VMFuncRef whose type
// id no signature has, so call_indirect's type check sends it to the slow path, which asks the
// tableElement builtin for the function the slot stands for (TableInstance::get). Every vmctx
// holds its address at kLazyFuncRefOffset for code that compares with it (table.get). No
// reference value of wasm or of the host is ever this pointer: it never leaves a table.
inline constexpr uint32_t kLazyTypeId = UINT32_MAX;
extern const VMFuncRef kLazyFuncRef;
inline uint64_t lazyElement() { return reinterpret_cast<uint64_t>(&kLazyFuncRef); }

// A linear memory as compiled code sees it. In guard-region mode the base never moves; in
// explicit-check mode it may move on grow, and code reloads it after calls.
struct VMMemory {
  uint8_t* base = nullptr;
  uint64_t length = 0;  // in bytes

  static constexpr uint32_t kBaseOffset = 0;
  static constexpr uint32_t kLengthOffset = 8;
};
static_assert(offsetof(VMMemory, base) == VMMemory::kBaseOffset);
static_assert(offsetof(VMMemory, length) == VMMemory::kLengthOffset);

// A table as compiled code sees it: `size` reference values of 8 bytes.
struct VMTable {
  uint64_t* elements = nullptr;
  uint32_t size = 0;
  uint32_t padding = 0;

  static constexpr uint32_t kElementsOffset = 0;
  static constexpr uint32_t kSizeOffset = 8;
};
static_assert(offsetof(VMTable, elements) == VMTable::kElementsOffset);
static_assert(offsetof(VMTable, size) == VMTable::kSizeOffset);

// One value of any type, 16 bytes, little-endian: the storage of a global and the slot of the
// array calling convention (array-to-wasm and wasm-to-array trampolines).
union ValRaw {
  int32_t i32;
  int64_t i64;
  uint32_t f32_bits;
  uint64_t f64_bits;
  uint8_t v128[16];
  void* ref;
};
static_assert(sizeof(ValRaw) == 16);

struct VMGlobal {
  ValRaw value;
};

class TagInstance;

// A thrown exception as compiled code sees it: its tag (compared by address with the vmctx's
// tag pointers) and its payload, one ValRaw per value of the tag's parameters. The store owns
// it (ExceptionInstance) for as long as the store lives.
struct VMException {
  const TagInstance* tag = nullptr;
  ValRaw* values = nullptr;

  static constexpr uint32_t kTagOffset = 0;
  static constexpr uint32_t kValuesOffset = 8;
};
static_assert(offsetof(VMException, tag) == VMException::kTagOffset);
static_assert(offsetof(VMException, values) == VMException::kValuesOffset);

class VMOffsets {
 public:
  static constexpr uint32_t kLimitsOffset = 0;
  static constexpr uint32_t kInstanceOffset = 8;
  static constexpr uint32_t kLazyFuncRefOffset = 16;

  explicit VMOffsets(const wasm::Module& module)
      : memory_count_(static_cast<uint32_t>(module.memories.size())),
        table_count_(static_cast<uint32_t>(module.tables.size())),
        global_count_(static_cast<uint32_t>(module.globals.size())),
        function_count_(static_cast<uint32_t>(module.functions.size())),
        tag_count_(static_cast<uint32_t>(module.tags.size())) {}

  uint32_t memoriesBegin() const { return 24; }
  uint32_t tablesBegin() const { return memoriesBegin() + 8 * memory_count_; }
  uint32_t globalsBegin() const { return tablesBegin() + 8 * table_count_; }
  uint32_t functionsBegin() const { return globalsBegin() + 8 * global_count_; }
  uint32_t tagsBegin() const { return functionsBegin() + sizeof(VMFuncRef) * function_count_; }
  uint32_t size() const { return tagsBegin() + 8 * tag_count_; }

  uint32_t memory(uint32_t index) const { return memoriesBegin() + 8 * index; }
  uint32_t table(uint32_t index) const { return tablesBegin() + 8 * index; }
  uint32_t global(uint32_t index) const { return globalsBegin() + 8 * index; }
  uint32_t function(uint32_t index) const {
    return functionsBegin() + static_cast<uint32_t>(sizeof(VMFuncRef)) * index;
  }
  uint32_t tag(uint32_t index) const { return tagsBegin() + 8 * index; }

 private:
  uint32_t memory_count_;
  uint32_t table_count_;
  uint32_t global_count_;
  uint32_t function_count_;
  uint32_t tag_count_;
};

}  // namespace wisp::runtime

namespace wisp::runtime {

// The vmctx a host function's VMFuncRef carries. It starts like a VMContext (the limits at
// +0), so the wasm-to-host trampolines record the exit FP/PC the same way for both.
struct VMHostFuncContext {
  RuntimeLimits* limits = nullptr;
  // Dynamic host functions (wasm-to-array trampoline): called with the arguments in `values`
  // (one ValRaw each), writes the results over them. Typed host functions (wasm-to-native
  // trampoline): a C function pointer taking (VMHostFuncContext*, params...) and returning
  // the single result, in the platform convention.
  void* callback = nullptr;
  void* host_data = nullptr;  // the runtime's own state for this function

  static constexpr uint32_t kLimitsOffset = 0;
  static constexpr uint32_t kCallbackOffset = 8;
};
static_assert(offsetof(VMHostFuncContext, limits) == VMOffsets::kLimitsOffset);
static_assert(offsetof(VMHostFuncContext, callback) == VMHostFuncContext::kCallbackOffset);

using ArrayCallback = void (*)(VMHostFuncContext* context, ValRaw* values);

}  // namespace wisp::runtime
