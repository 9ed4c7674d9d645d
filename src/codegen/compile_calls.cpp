// Calls between wasm functions: direct (linked when the module's code is laid out:
// MacroAssembler::linkRelative), through an import's VMFuncRef, and call_indirect through a
// table; and their tail-call forms
// (return_call, return_call_indirect), which replace this function's frame with the callee's.
#include "codegen/function_compiler.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegSet;
using runtime::TrapKind;
using runtime::VMFuncRef;
using wasm::ValType;
namespace target = isa::target;

// Every argument in memory or a constant (so loading one cannot clobber another), then the
// register arguments loaded and the stack ones stored in the outgoing area at the stack
// pointer, which the caller has reserved; the arguments leave the value stack.
void FunctionCompiler::passArguments(const wasm::FuncType& type, const isa::ABISig& sig) {
  const size_t param_count = type.params().size();
  const size_t first = stack_.size() - param_count;
  for (size_t k = 0; k < param_count; ++k) {
    const VarState& s = stack_[first + k];
    const isa::ABIArg& arg = sig.params[k];
    if (arg.inRegister()) {
      loadInto(s, arg.reg);
      continue;
    }
    storeTo(s, {target::kStackPointer, Reg(), static_cast<int32_t>(arg.stack_offset)});
  }
  stack_.truncate(first);
}

// Spills what the call clobbers, passes the arguments, calls, and pushes the results.
// `emit_call_instruction` emits the call itself (after the arguments are in place).
void FunctionCompiler::emitCall(const wasm::FuncType& type, const isa::ABISig& sig,
                                auto&& emit_call_instruction, bool vmctx_changed) {
  spillRegisters();
  flushLocals();  // the callee clobbers every allocatable register
  const uint32_t area = sig.stackAreaBytes();
  masm_.adjustStack(static_cast<int32_t>(area));
  passArguments(type, sig);
  storeFuelToMemory();
  recordAddress();
  emit_call_instruction();
  noteThrowSite(currentHandler());
  loadFuelFromMemory();
  // A callee in another instance changes both pinned registers; any callee may grow (and, with
  // explicit bounds checks, move) the memory; and where the module tail-calls out of its
  // instance, a callee of this one may return from another's (ModuleContext).
  reloadInstanceRegisters(vmctx_changed || context_.options.explicit_bounds_checks ||
                          context_.callees_may_return_from_other_instances);
  // The callee popped its parameter area: the stack results are at the stack pointer.
  for (const isa::ABIArg& result : sig.results) {
    if (result.inRegister()) {
      pushReg(result.type, result.reg);
      continue;
    }
    VarState s;
    s.loc = VarState::Loc::Stack;
    s.type = result.type;
    push(s);
    masm_.copySlot(slotAddress(stack_.back().slot),
                   {target::kStackPointer, Reg(), static_cast<int32_t>(result.stack_offset)},
                   result.type);
  }
  masm_.adjustStack(-static_cast<int32_t>(area - sig.stackParamAreaBytes()));
}

// A tail call: the arguments as for a call, staged below the frame, then the frame replaced
// with the callee's (MacroAssembler::replaceFrameForTailCall) and a jump. `load_callee` puts
// the callee's address and vmctx where `emit_jump` expects them once nothing reads our vmctx
// any more; neither may touch an argument register or target::kTailCallTemps. The callee
// returns straight to our caller: its results are ours (the decoder checked their types), in
// the same registers and at the same stack offsets past the parameter area, which the callee
// pops whatever its size.
void FunctionCompiler::emitTailCall(const wasm::FuncType& type, const isa::ABISig& sig,
                                    auto&& load_callee, auto&& emit_jump) {
  spillRegisters();
  flushLocals();
  const uint32_t outgoing = sig.stackParamAreaBytes();
  masm_.adjustStack(static_cast<int32_t>(outgoing));
  passArguments(type, sig);
  storeFuelToMemory();
  load_callee();
  masm_.replaceFrameForTailCall(sig_.stackParamAreaBytes(), outgoing, target::kTailCallTemps);
  emit_jump();
  becomeDead();
}

void FunctionCompiler::visitCall(uint32_t function_index, const wasm::FuncType& type) {
  if (dead_) return;
  // A run ends at a call, so the callee (a host function reading the fuel, say) sees what the
  // caller consumed.
  endFuelRun();
  emitDirectCall(function_index, type, CallKind::Call);
  beginFuelRun();
}

void FunctionCompiler::visitReturnCall(uint32_t function_index, const wasm::FuncType& type) {
  if (dead_) return;
  endFuelRun();
  emitDirectCall(function_index, type, CallKind::TailCall);
}

void FunctionCompiler::emitDirectCall(uint32_t function_index, const wasm::FuncType& type,
                                      CallKind kind) {
  const isa::ABISig& sig = context_.signatures[module_.functions[function_index].type_index];
  if (kind == CallKind::TailCall && function_index < module_.imported_function_count)
    out_.tail_calls_out_of_instance = true;
  if (function_index >= module_.imported_function_count) {
    if (kind == CallKind::TailCall) {
      emitTailCall(type, sig, [] {}, [&] {
        out_.calls.push_back({masm_.jumpRelative(), function_index});
      });
      return;
    }
    emitCall(type, sig, [&] {
      out_.calls.push_back({masm_.callRelative(), function_index});
    }, false);
    return;
  }
  // An import: its VMFuncRef in our vmctx names the code and the vmctx it expects.
  const int32_t ref = static_cast<int32_t>(context_.offsets.function(function_index));
  auto load_callee = [&] {
    masm_.loadPtr(target::kCallTargetGp,
                  {target::kVmctxReg, Reg(), ref + static_cast<int32_t>(VMFuncRef::kCodeOffset)});
    masm_.loadPtr(target::kVmctxReg,
                  {target::kVmctxReg, Reg(), ref + static_cast<int32_t>(VMFuncRef::kVmctxOffset)});
  };
  if (kind == CallKind::TailCall) {
    emitTailCall(type, sig, load_callee, [&] { masm_.jumpRegister(target::kCallTargetGp); });
    return;
  }
  emitCall(type, sig, [&] {
    load_callee();
    masm_.callRegister(target::kCallTargetGp);
  }, true);
}

void FunctionCompiler::visitCallIndirect(uint32_t type_index, uint32_t table_index,
                                         const wasm::FuncType& type) {
  if (dead_) return;
  endFuelRun();
  emitIndirectCall(type_index, table_index, type, CallKind::Call);
  beginFuelRun();
}

void FunctionCompiler::visitReturnCallIndirect(uint32_t type_index, uint32_t table_index,
                                               const wasm::FuncType& type) {
  if (dead_) return;
  endFuelRun();
  emitIndirectCall(type_index, table_index, type, CallKind::TailCall);
}

void FunctionCompiler::emitIndirectCall(uint32_t type_index, uint32_t table_index,
                                        const wasm::FuncType& type, CallKind kind) {
  // The index and the callee's VMFuncRef live in registers that carry no arguments. The
  // checks trap in this function's frame, before a tail call replaces it.
  const Reg index = popToSpecificReg(target::kCallTargetGp);
  spillRegisters();
  flushLocals();  // here rather than in emitCall: the lazy slot's slow path calls a builtin
  takeReg(target::kIndirectCalleeGp);
  const Reg ref = target::kIndirectCalleeGp;
  loadVmctxField(ref, context_.offsets.table(table_index));
  masm_.branchCompareMem32(isa::Cond::GeU, index, {ref, Reg(), runtime::VMTable::kSizeOffset},
                           trapLabel(TrapKind::UndefinedElement));
  masm_.loadPtr(ref, {ref, Reg(), runtime::VMTable::kElementsOffset});
  isa::Address element{ref, index, 0};
  element.shift = 3;
  masm_.loadPtr(ref, element);
  // A lazily initialised slot holds a mark whose type id matches no signature: the mismatch
  // branch goes to a slow path that resolves it and comes back to these checks.
  LazyTableRead read{masm_.newLabel(), masm_.newLabel(),
                     trapLabel(TrapKind::IndirectCallTypeMismatch), table_index, index, ref,
                     wasmOffset(), 0, 0};
  masm_.bind(read.resume);
  masm_.branchIfZero(ref, ValType::I64, trapLabel(TrapKind::IndirectCallToNull));
  // The id is of this engine: a relocation lets a serialized module's code use another's.
  const uint32_t id_at = masm_.branchCompareMemPatchableImm32(
      isa::Cond::Ne, {ref, Reg(), VMFuncRef::kTypeIdOffset},
      static_cast<int32_t>(context_.type_ids[type_index]), read.slow);
  out_.relocations.push_back({id_at, runtime::RelocationKind::TypeId, type_index});
  // Only the index and the entry are live: the stack and the locals are in memory.
  addLazyTableRead(read, /*save_live_registers=*/false);
  freeReg(index);
  const isa::ABISig& sig = context_.signatures[type_index];
  auto load_callee = [&] {
    masm_.loadPtr(target::kCallTargetGp, {ref, Reg(), VMFuncRef::kCodeOffset});
    masm_.loadPtr(target::kVmctxReg, {ref, Reg(), VMFuncRef::kVmctxOffset});
  };
  if (kind == CallKind::TailCall) {
    out_.tail_calls_out_of_instance = true;
    emitTailCall(type, sig, load_callee, [&] { masm_.jumpRegister(target::kCallTargetGp); });
  } else {
    emitCall(type, sig, [&] {
      load_callee();
      masm_.callRegister(target::kCallTargetGp);
    }, true);
  }
  freeReg(ref);
}

}  // namespace wisp::codegen
