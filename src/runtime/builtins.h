// Functions compiled code calls for the instructions too large to inline. Each takes the
// caller's VMContext first and follows the platform C convention. Those that can trap return
// a status instead of unwinding: 0 for success, otherwise 1 + the TrapKind, and compiled code
// branches to its out-of-line trap stub, so every trap leaves through the signal path with
// the wasm frame intact for the backtrace.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/vmcontext.h"
#include "wasm/opcodes.h"

namespace wisp::runtime::builtins {

using Status = uint32_t;  // 0: ok; otherwise 1 + static_cast<uint32_t>(TrapKind)

// The memory builtins take addresses and lengths as uint64_t for 32- and 64-bit memories
// alike: compiled code keeps i32 values zero-extended in their registers.
// memory.grow: the old size in pages, or -1 (an i32 memory's result is the low half).
int64_t memoryGrow(VMContext* vmctx, uint32_t memory, uint64_t delta_pages);
Status memoryFill(VMContext* vmctx, uint32_t memory, uint64_t dst, uint32_t value, uint64_t n);
Status memoryCopy(VMContext* vmctx, uint32_t dst_memory, uint32_t src_memory, uint64_t dst,
                  uint64_t src, uint64_t n);
Status memoryInit(VMContext* vmctx, uint32_t memory, uint32_t segment, uint64_t dst,
                  uint32_t src, uint32_t n);
void dataDrop(VMContext* vmctx, uint32_t segment);

// table.grow: the old size, or -1. `init` is the reference value for the new elements.
int32_t tableGrow(VMContext* vmctx, uint32_t table, uint64_t init, uint32_t delta);
Status tableFill(VMContext* vmctx, uint32_t table, uint32_t dst, uint64_t value, uint32_t n);
Status tableCopy(VMContext* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                 uint32_t src, uint32_t n);
Status tableInit(VMContext* vmctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                 uint32_t n);
void elemDrop(VMContext* vmctx, uint32_t segment);
// The reference in slot `index` (in bounds) of `table`, which holds lazyElement(): the
// function's VMFuncRef (of the instance that initialised the table, which need not be the
// caller's), now also in the slot. The slow path of call_indirect and table.get.
VMFuncRef* tableElement(VMContext* vmctx, uint32_t table, uint32_t index);

// The engine's epoch has reached the store's deadline (Config::epoch_interruption): the
// store's callback may set a later one (ok), else Interrupted.
Status epochDeadline(VMContext* vmctx);

// Exception handling: `throw` of the caller's tag `tag` with its payload (one ValRaw per
// parameter of the tag, at `values`), and `throw_ref` / `rethrow` of an exception (not null).
// `fp` is the throwing function's frame pointer; the return address is where it throws from.
// Neither returns: they resume at a handler (throwWasmException, trap_handler.h).
[[noreturn]] void throwException(VMContext* vmctx, uint32_t tag, const ValRaw* values, uintptr_t fp);
[[noreturn]] void throwRef(VMContext* vmctx, VMException* exception, uintptr_t fp);

// Every builtin by a stable number, which compiled code records next to each call (a
// relocation) so that a serialized module's calls can be pointed at this process's copy.
enum class Builtin : uint32_t {
  MemoryGrow,
  MemoryFill,
  MemoryCopy,
  MemoryInit,
  DataDrop,
  TableGrow,
  TableFill,
  TableCopy,
  TableInit,
  ElemDrop,
  // ceil, floor, trunc and nearest for CPUs without SSE4.1 (SSE2 has no rounding
  // instruction). They take the value alone: they touch no instance state.
  F32Ceil,
  F32Floor,
  F32Trunc,
  F32Nearest,
  F64Ceil,
  F64Floor,
  F64Trunc,
  F64Nearest,
  // Appended, never inserted: serialized modules name builtins by these numbers.
  EpochDeadline,
  TableElement,
  Throw,
  ThrowRef,
};
inline constexpr uint32_t kBuiltinCount = static_cast<uint32_t>(Builtin::ThrowRef) + 1;

// The address of `builtin` in this process.
const void* address(Builtin builtin);
// Its function's name above ("memoryGrow"), for listings of compiled code.
const char* name(Builtin builtin);

// The rounding builtin that implements `op` (ceil, floor, trunc or nearest), or nothing for
// any other opcode.
std::optional<Builtin> roundingBuiltin(wasm::Opcode op);

}  // namespace wisp::runtime::builtins
