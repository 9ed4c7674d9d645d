// Linear memory, globals and the builtins that implement bulk memory.
#include "codegen/function_compiler.h"
#include "runtime/builtins.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using runtime::TrapKind;
using wasm::Opcode;
using wasm::ValType;

// [base + zero-extended index + offset]. Memory 0's base lives in its pinned register
// (reloaded after calls and memory.grow where it may move); any other memory's base is loaded
// from its VMMemory, through the vmctx, for each access, so it is never stale and costs no
// register between accesses. With guard regions (every memory of a store has the same mode,
// and every guard-region memory the same 4 GiB + guard reservation, InstanceAllocator) every
// out-of-bounds access faults, so nothing is checked; with explicit checks the end of the
// access is compared with the memory's length first. A 64-bit memory takes memory64Access.
void FunctionCompiler::memoryAccess(const wasm::MemArg& arg, uint32_t access_size,
                                    RegSet exclude, MemoryAccess& access) {
  // A 64-bit memory's index below 2^32 (and an offset that fits a displacement) reaches no
  // further than a 32-bit memory's does: with guard regions (every memory, 64-bit ones too,
  // has the same reservation) the fault catches it, as for a 32-bit memory.
  if (isMemory64(arg.memory_index)) {
    const VarState& index = peek();
    const bool below_4g = index.isConst() ? index.bits <= UINT32_MAX : index.upper_zero;
    if (context_.options.explicit_bounds_checks || !below_4g || arg.offset > INT32_MAX)
      return memory64Access(arg, access_size, exclude, access);
  }
  const Reg scratch = isa::target::kScratchGp;  // the MacroAssembler's, free between its calls
  const bool explicit_checks = context_.options.explicit_bounds_checks;
  const bool pinned_base = arg.memory_index == 0;
  int32_t disp = 0;
  if (peek().isConst()) {
    const uint64_t effective = static_cast<uint32_t>(pop().bits) + arg.offset;
    if (effective <= INT32_MAX && !explicit_checks) {
      disp = static_cast<int32_t>(effective);
    } else {
      access.index = allocReg(RegClass::Gp, exclude);
      masm_.moveImm(access.index, ValType::I64, effective);
    }
  } else if (arg.offset <= INT32_MAX) {
    // The index is only read (a local's register serves as it is).
    access.index = popForRead(exclude, &access.index_owned);
    disp = static_cast<int32_t>(arg.offset);
  } else {
    access.index = popToReg(exclude);
    masm_.moveImm(scratch, ValType::I64, arg.offset);
    masm_.addPtr(access.index, scratch);
  }
  const RegSet held = access.index.valid() ? exclude.with(access.index) : exclude;
  if (!pinned_base) {
    // The VMMemory* first (its length is checked below), then the base over it.
    access.base = allocReg(RegClass::Gp, held);
    loadVmctxField(access.base, context_.offsets.memory(arg.memory_index));
  }
  if (explicit_checks) {
    // index + offset + size <= length, in 64 bits (no overflow: each term is below 2^33).
    // The displacement of an lea is a sign-extended int32, so a larger end offset goes
    // through the scratch register.
    const uint64_t end_offset = static_cast<uint64_t>(disp) + access_size;
    if (end_offset <= INT32_MAX) {
      masm_.leaPtr(scratch, {access.index, Reg(), static_cast<int32_t>(end_offset)});
    } else {
      masm_.moveImm(scratch, ValType::I64, end_offset);
      masm_.addPtr(scratch, access.index);
    }
    Reg memory = access.base;
    if (pinned_base) {
      memory = allocReg(RegClass::Gp, held);
      loadVmctxField(memory, context_.offsets.memory(0));
    }
    masm_.branchCompareMem64(isa::Cond::GtU, scratch,
                             {memory, Reg(), runtime::VMMemory::kLengthOffset},
                             trapLabel(TrapKind::MemoryOutOfBounds));
    if (pinned_base) freeReg(memory);
  }
  if (!pinned_base)
    masm_.loadPtr(access.base, {access.base, Reg(), runtime::VMMemory::kBaseOffset});
  access.setAddress(pinned_base ? isa::target::kMemoryBaseReg : access.base, disp);
}

// A 64-bit memory's access (memory64) is checked explicitly in both bounds-check modes: an i64
// index reaches far past any guard region, and every memory holds at most 4 GiB, so checking
// against the length is what keeps it inside. The end, index + offset + size, is summed in 64
// bits and a carry traps as an end past the length does, so no address wraps around.
// With guard regions, an index known to be below 2^32 takes memoryAccess's unchecked path.
void FunctionCompiler::memory64Access(const wasm::MemArg& arg, uint32_t access_size,
                                      RegSet exclude, MemoryAccess& access) {
  const Reg scratch = isa::target::kScratchGp;  // the MacroAssembler's, free between its calls
  const bool pinned_base = arg.memory_index == 0;
  const isa::Label out_of_bounds = trapLabel(TrapKind::MemoryOutOfBounds);
  // A constant index goes through a register too: one path checks every sum.
  access.index = popForRead(exclude, &access.index_owned);
  RegSet held = exclude.with(access.index);
  const Reg memory = allocReg(RegClass::Gp, held);  // the VMMemory*, then (not memory 0) the base
  held = held.with(memory);
  loadVmctxField(memory, context_.offsets.memory(arg.memory_index));
  // offset + size past 2^64 - 1: no index is in bounds, and UINT64_MAX + index either carries
  // or (index 0) exceeds any length.
  uint64_t end_offset;
  if (__builtin_add_overflow(arg.offset, uint64_t{access_size}, &end_offset))
    end_offset = UINT64_MAX;
  masm_.moveImm(scratch, ValType::I64, end_offset);
  masm_.addPtrBranchIfCarry(scratch, access.index, out_of_bounds);
  masm_.branchCompareMem64(isa::Cond::GtU, scratch,
                           {memory, Reg(), runtime::VMMemory::kLengthOffset}, out_of_bounds);
  if (pinned_base) {
    freeReg(memory);
    held = held.without(memory);
  } else {
    masm_.loadPtr(memory, {memory, Reg(), runtime::VMMemory::kBaseOffset});
    access.base = memory;
  }
  int32_t disp = 0;
  if (arg.offset <= INT32_MAX) {
    disp = static_cast<int32_t>(arg.offset);
  } else {
    // In bounds now, so index + offset fits in 64 bits; it becomes the index.
    const Reg sum = allocReg(RegClass::Gp, held);
    masm_.moveImm(sum, ValType::I64, arg.offset);
    masm_.addPtr(sum, access.index);
    releaseRead(access.index, access.index_owned);
    access.index = sum;
    access.index_owned = true;
  }
  access.setAddress(pinned_base ? isa::target::kMemoryBaseReg : access.base, disp);
}

void FunctionCompiler::releaseMemoryAccess(const MemoryAccess& access, Reg keep) {
  if (access.index.valid() && access.index != keep) releaseRead(access.index, access.index_owned);
  if (access.base.valid() && access.base != keep) freeReg(access.base);
}

namespace {
uint32_t accessSize(Opcode op) {
  switch (op) {
    case Opcode::I32Load8S: case Opcode::I32Load8U: case Opcode::I64Load8S:
    case Opcode::I64Load8U: case Opcode::I32Store8: case Opcode::I64Store8:
      return 1;
    case Opcode::I32Load16S: case Opcode::I32Load16U: case Opcode::I64Load16S:
    case Opcode::I64Load16U: case Opcode::I32Store16: case Opcode::I64Store16:
      return 2;
    case Opcode::I64Load: case Opcode::F64Load: case Opcode::I64Store: case Opcode::F64Store:
      return 8;
    case Opcode::V128Load: case Opcode::V128Store:
      return 16;
    case Opcode::V128Load8x8S: case Opcode::V128Load8x8U: case Opcode::V128Load16x4S:
    case Opcode::V128Load16x4U: case Opcode::V128Load32x2S: case Opcode::V128Load32x2U:
    case Opcode::V128Load64Splat: case Opcode::V128Load64Zero:
      return 8;
    case Opcode::V128Load32Splat: case Opcode::V128Load32Zero:
      return 4;
    case Opcode::V128Load16Splat:
      return 2;
    case Opcode::V128Load8Splat:
      return 1;
    case Opcode::I32Load: case Opcode::F32Load: case Opcode::I64Load32S:
    case Opcode::I64Load32U: case Opcode::I32Store: case Opcode::F32Store:
    case Opcode::I64Store32:
      return 4;
    default:
      return 0;  // not an access of memory: the callers refuse it
  }
}
}  // namespace

void FunctionCompiler::visitLoad(Opcode op, const wasm::MemArg& arg) {
  if (dead_) return;
  const ValType type = wasm::operandSig(wasm::opcodeInfo(op).sig).result;
  if (accessSize(op) == 0) return markUnsupported(op);
  if (type == ValType::V128 && refuseSimdTheTargetLacks()) return;
  MemoryAccess access;
  memoryAccess(arg, accessSize(op), {}, access);
  const RegSet exclude = access.held();
  Reg dst = takeHintedResultReg(type, exclude);
  if (!dst.valid()) {
    // A general-purpose result may overwrite a register of its own address.
    if (!isa::isFpType(type) && access.index.valid() && access.index_owned) dst = access.index;
    else if (!isa::isFpType(type) && access.base.valid()) dst = access.base;
    else dst = allocRegFor(type, exclude);
  }
  recordAddress();
  masm_.loadMemory(op, dst, access.addr);
  releaseMemoryAccess(access, dst);
  pushReg(type, dst);
  stack_.back().upper_zero =
      op == Opcode::I64Load32U || op == Opcode::I64Load16U || op == Opcode::I64Load8U;
}

void FunctionCompiler::visitStore(Opcode op, const wasm::MemArg& arg) {
  if (dead_) return;
  if (accessSize(op) == 0) return markUnsupported(op);
  bool value_owned;
  const Reg value = popForRead({}, &value_owned);
  MemoryAccess access;
  memoryAccess(arg, accessSize(op), RegSet::of(value), access);
  recordAddress();
  masm_.storeMemory(op, access.addr, value);
  releaseRead(value, value_owned);
  releaseMemoryAccess(access);
}

void FunctionCompiler::visitLoadLane(Opcode op, const wasm::MemArg& arg, uint8_t lane) {
  if (dead_ || refuseSimdTheTargetLacks()) return;
  Reg vec;
  bool vec_owned;
  const Reg dst = popDestination({}, &vec, &vec_owned);
  MemoryAccess access;
  memoryAccess(arg, isa::MacroAssembler::simdLaneBytes(op),
                                           RegSet::of(dst).with(vec), access);
  if (dst != vec) masm_.move(dst, vec, ValType::V128);
  recordAddress();
  masm_.simdLoadLane(op, dst, access.addr, lane);
  if (vec != dst) releaseRead(vec, vec_owned);
  releaseMemoryAccess(access);
  pushReg(ValType::V128, dst);
}

void FunctionCompiler::visitStoreLane(Opcode op, const wasm::MemArg& arg, uint8_t lane) {
  if (dead_ || refuseSimdTheTargetLacks()) return;
  bool vec_owned;
  const Reg vec = popForRead({}, &vec_owned);
  MemoryAccess access;
  memoryAccess(arg, isa::MacroAssembler::simdLaneBytes(op),
                                           RegSet::of(vec), access);
  recordAddress();
  masm_.simdStoreLane(op, access.addr, vec, lane);
  releaseRead(vec, vec_owned);
  releaseMemoryAccess(access);
}

void FunctionCompiler::visitMemorySize(uint32_t memory) {
  if (dead_) return;
  const Reg dst = allocReg(RegClass::Gp);
  loadVmctxField(dst, context_.offsets.memory(memory));
  masm_.loadPtr(dst, {dst, Reg(), runtime::VMMemory::kLengthOffset});
  masm_.intBinopImm(Opcode::I64ShrU, dst, dst, 16);
  pushReg(module_.memories[memory].type.addressType(), dst);
}

// Calls a builtin with the C convention: (vmctx, immediates..., the top `args` values...).
void FunctionCompiler::callBuiltin(runtime::builtins::Builtin builtin,
                                   std::span<const VarState> args,
                                   std::span<const uint64_t> immediates, ValType result,
                                   TrapKind trap_on_failure, bool checks_status) {
  // Everything caller-saved must be in memory across the call.
  spillRegisters();
  flushLocals();
  uint32_t next = 0;
  const std::span<const Reg> params = isa::target::kHostConvention.gp_params;
  masm_.move(params[next++], isa::target::kVmctxReg, ValType::I64);
  for (uint64_t imm : immediates) masm_.moveImm(params[next++], ValType::I64, imm);
  for (const VarState& arg : args) loadInto(arg, params[next++]);
  recordAddress();
  emitBuiltinCall(builtin);
  // memory.grow may move a memory whose accesses are checked explicitly.
  if (context_.options.explicit_bounds_checks) reloadInstanceRegisters(false);
  const Reg c_result = isa::target::kHostConvention.gp_results[0];
  if (checks_status) {
    masm_.branchIfNonZero(c_result, ValType::I32, trapLabel(trap_on_failure));
  }
  if (result == ValType::I32) masm_.zeroExtendI32(c_result);
  if (result != ValType::Bottom) pushReg(result, c_result);
}

void FunctionCompiler::visitMemoryGrow(uint32_t memory) {
  if (dead_) return;
  spillRegisters();
  VarState args[1];
  popArgs(1, args);
  const uint64_t imms[] = {memory};
  callBuiltin(runtime::builtins::Builtin::MemoryGrow, args, imms,
              module_.memories[memory].type.addressType(), TrapKind::MemoryOutOfBounds, false);
}

void FunctionCompiler::visitMemoryInit(uint32_t segment, uint32_t memory) {
  if (dead_) return;
  spillRegisters();
  VarState args[3];
  popArgs(3, args);
  const uint64_t imms[] = {memory, segment};
  callBuiltin(runtime::builtins::Builtin::MemoryInit, args, imms,
              ValType::Bottom, TrapKind::MemoryOutOfBounds, true);
}

void FunctionCompiler::visitDataDrop(uint32_t segment) {
  if (dead_) return;
  const uint64_t imms[] = {segment};
  callBuiltin(runtime::builtins::Builtin::DataDrop, {}, imms,
              ValType::Bottom, TrapKind::MemoryOutOfBounds, false);
}

void FunctionCompiler::visitMemoryCopy(uint32_t dst_memory, uint32_t src_memory) {
  if (dead_) return;
  spillRegisters();
  VarState args[3];
  popArgs(3, args);
  const uint64_t imms[] = {dst_memory, src_memory};
  callBuiltin(runtime::builtins::Builtin::MemoryCopy, args, imms,
              ValType::Bottom, TrapKind::MemoryOutOfBounds, true);
}

void FunctionCompiler::visitMemoryFill(uint32_t memory) {
  if (dead_) return;
  spillRegisters();
  VarState args[3];
  popArgs(3, args);
  const uint64_t imms[] = {memory};
  callBuiltin(runtime::builtins::Builtin::MemoryFill, args, imms,
              ValType::Bottom, TrapKind::MemoryOutOfBounds, true);
}

// ---- globals ------------------------------------------------------------------------------------

void FunctionCompiler::visitGlobalGet(uint32_t index) {
  if (dead_) return;
  const ValType type = module_.globals[index].type.type;
  const Reg ptr = allocReg(RegClass::Gp);
  loadVmctxField(ptr, context_.offsets.global(index));
  const Reg dst = isa::isFpType(type) ? allocRegFor(type) : ptr;
  masm_.load(dst, {ptr, Reg(), 0}, type);
  if (dst != ptr) freeReg(ptr);
  pushReg(type, dst);
}

void FunctionCompiler::visitGlobalSet(uint32_t index) {
  if (dead_) return;
  const ValType type = module_.globals[index].type.type;
  const Reg value = popToReg();
  const Reg ptr = allocReg(RegClass::Gp, RegSet::of(value));
  loadVmctxField(ptr, context_.offsets.global(index));
  masm_.store({ptr, Reg(), 0}, value, type);
  freeReg(ptr);
  freeReg(value);
}

}  // namespace wisp::codegen
