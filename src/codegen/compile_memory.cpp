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
namespace x64 = isa::x64;

// [membase + zero-extended index + offset]. With guard regions (a 32-bit memory reserves
// 8 GiB) every out-of-bounds access faults, so nothing is checked; with explicit checks the
// end of the access is compared with the memory's length first.
isa::Address FunctionCompiler::memoryAddress(const wasm::MemArg& arg, uint32_t access_size,
                                             Reg* index_reg, bool* index_owned, RegSet exclude) {
  *index_reg = Reg();
  *index_owned = true;
  // Roles of the ISA layer: the pinned base of memory 0 and the MacroAssembler's scratch.
  const Reg memory_base = isa::target::kMemoryBaseReg;
  const Reg scratch = isa::target::kScratchGp;
  isa::Address addr;
  if (peek().isConst()) {
    const uint64_t effective = static_cast<uint32_t>(pop().bits) + arg.offset;
    if (effective <= INT32_MAX && !context_.options.explicit_bounds_checks) {
      return {memory_base, Reg(), static_cast<int32_t>(effective)};
    }
    *index_reg = allocReg(RegClass::Gp, exclude);
    masm_.moveImm(*index_reg, ValType::I64, effective);
    addr = {memory_base, *index_reg, 0};
  } else if (arg.offset <= INT32_MAX) {
    // The index is only read (a local's register serves as it is).
    *index_reg = popForRead(exclude, index_owned);
    addr = {memory_base, *index_reg, static_cast<int32_t>(arg.offset)};
  } else {
    *index_reg = popToReg(exclude);
    masm_.moveImm(scratch, ValType::I64, arg.offset);
    masm_.addPtr(*index_reg, scratch);
    addr = {memory_base, *index_reg, 0};
  }
  if (context_.options.explicit_bounds_checks) {
    // index + offset + size <= length, in 64 bits (no overflow: each term is below 2^33).
    // The displacement of an lea is a sign-extended int32, so a larger end offset goes
    // through the scratch register.
    const uint64_t end_offset = static_cast<uint64_t>(addr.disp) + access_size;
    if (end_offset <= INT32_MAX) {
      masm_.leaPtr(scratch, {*index_reg, Reg(), static_cast<int32_t>(end_offset)});
    } else {
      masm_.moveImm(scratch, ValType::I64, end_offset);
      masm_.addPtr(scratch, *index_reg);
    }
    const Reg memory = allocReg(RegClass::Gp, exclude.with(*index_reg));
    loadVmctxField(memory, context_.offsets.memory(0));
    masm_.branchCompareMem64(isa::Cond::GtU, scratch,
                             {memory, Reg(), runtime::VMMemory::kLengthOffset},
                             trapLabel(TrapKind::MemoryOutOfBounds));
    freeReg(memory);
  }
  return addr;
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
  if (arg.memory_index != 0) return markUnsupported("multiple memories");
  const ValType type = wasm::operandSig(wasm::opcodeInfo(op).sig).result;
  if (accessSize(op) == 0) return markUnsupported(op);
  if (type == ValType::V128 && refuseSimdWithoutSse41()) return;
  Reg index;
  bool index_owned;
  const isa::Address addr = memoryAddress(arg, accessSize(op), &index, &index_owned, {});
  const RegSet exclude = index.valid() ? RegSet::of(index) : RegSet();
  Reg dst = takeHintedResultReg(type, exclude);
  if (!dst.valid()) {
    dst = (index.valid() && index_owned && !isa::isFpType(type)) ? index
                                                                 : allocRegFor(type, exclude);
  }
  recordAddress();
  masm_.loadMemory(op, dst, addr);
  if (index.valid() && index != dst) releaseRead(index, index_owned);
  pushReg(type, dst);
}

void FunctionCompiler::visitStore(Opcode op, const wasm::MemArg& arg) {
  if (dead_) return;
  if (arg.memory_index != 0) return markUnsupported("multiple memories");
  if (accessSize(op) == 0) return markUnsupported(op);
  bool value_owned;
  const Reg value = popForRead({}, &value_owned);
  Reg index;
  bool index_owned;
  const isa::Address addr =
      memoryAddress(arg, accessSize(op), &index, &index_owned, RegSet::of(value));
  recordAddress();
  masm_.storeMemory(op, addr, value);
  releaseRead(value, value_owned);
  if (index.valid()) releaseRead(index, index_owned);
}

void FunctionCompiler::visitLoadLane(Opcode op, const wasm::MemArg& arg, uint8_t lane) {
  if (dead_ || refuseSimdWithoutSse41()) return;
  if (arg.memory_index != 0) return markUnsupported("multiple memories");
  Reg vec;
  bool vec_owned;
  const Reg dst = popDestination({}, &vec, &vec_owned);
  Reg index;
  bool index_owned;
  const isa::Address addr = memoryAddress(arg, isa::MacroAssembler::simdLaneBytes(op), &index,
                                          &index_owned, RegSet::of(dst).with(vec));
  if (dst != vec) masm_.move(dst, vec, ValType::V128);
  recordAddress();
  masm_.simdLoadLane(op, dst, addr, lane);
  if (vec != dst) releaseRead(vec, vec_owned);
  if (index.valid()) releaseRead(index, index_owned);
  pushReg(ValType::V128, dst);
}

void FunctionCompiler::visitStoreLane(Opcode op, const wasm::MemArg& arg, uint8_t lane) {
  if (dead_ || refuseSimdWithoutSse41()) return;
  if (arg.memory_index != 0) return markUnsupported("multiple memories");
  bool vec_owned;
  const Reg vec = popForRead({}, &vec_owned);
  Reg index;
  bool index_owned;
  const isa::Address addr = memoryAddress(arg, isa::MacroAssembler::simdLaneBytes(op), &index,
                                          &index_owned, RegSet::of(vec));
  recordAddress();
  masm_.simdStoreLane(op, addr, vec, lane);
  releaseRead(vec, vec_owned);
  if (index.valid()) releaseRead(index, index_owned);
}

void FunctionCompiler::visitMemorySize(uint32_t memory) {
  if (dead_) return;
  const Reg dst = allocReg(RegClass::Gp);
  loadVmctxField(dst, context_.offsets.memory(memory));
  masm_.loadPtr(dst, {dst, Reg(), runtime::VMMemory::kLengthOffset});
  masm_.intBinopImm(Opcode::I64ShrU, dst, dst, 16);
  pushReg(ValType::I32, dst);
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
  masm_.move(x64::kSysVGpParams[next++], x64::kVmctxReg, ValType::I64);
  for (uint64_t imm : immediates) masm_.moveImm(x64::kSysVGpParams[next++], ValType::I64, imm);
  for (const VarState& arg : args) loadInto(arg, x64::kSysVGpParams[next++]);
  recordAddress();
  out_.relocations.push_back({masm_.callAbsolute(runtime::builtins::address(builtin)),
                              runtime::RelocationKind::BuiltinAddress,
                              static_cast<uint32_t>(builtin)});
  // memory.grow may move a memory whose accesses are checked explicitly.
  if (context_.options.explicit_bounds_checks) reloadInstanceRegisters(false);
  const Reg c_result = isa::target::kSysVConvention.gp_results[0];
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
              ValType::I32, TrapKind::MemoryOutOfBounds, false);
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
