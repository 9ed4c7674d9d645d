// The trampolines of ../shared/seed/trampoline.rs, built over the MacroAssembler.
#include "trampoline/trampolines.h"

#include <cstring>

#include "isa/masm.h"
#include "runtime/runtime_limits.h"
#include "runtime/trap_handler.h"

namespace wisp::trampoline {

using isa::Address;
using isa::Reg;
using runtime::EntryRecord;
using runtime::EntryStatus;
using runtime::RuntimeLimits;
using runtime::ThreadEntryState;
using wasm::ValType;
namespace target = isa::target;

namespace {

constexpr int32_t kValRawSize = sizeof(runtime::ValRaw);

Address at(Reg base, int64_t disp) { return {base, Reg(), static_cast<int32_t>(disp)}; }

// ---- host-to-wasm entries -------------------------------------------------------------------
//
// The frame of an entry, from its frame pointer down:
//   [fp + 8]              return address into the host
//   [fp]                  the host's frame pointer
//   [fp - kSavedBytes]    the host's callee-saved registers (target::kHostCalleeSavedBytes)
//   [fp - kRecordBelowFp] the EntryRecord
//   [fp - kSlotBelowFp]   one word: array-to-wasm keeps the values pointer there, an entry
//                         with a v128 result the address its result goes to
//   [sp, ...)             the outgoing stack area of the wasm call
// The entry fills the record (the chain's previous head, its landing pad, no exit yet) and
// makes it the head of the thread's chain; a trap anywhere below resumes at the landing pad
// with the stack pointer right below the record (the pad finds fp from it), and the way out
// puts the head back. The limits are only read, unless the stack limit is not this thread's
// (see RuntimeLimits::stack_limit).
//
// Every way out reaches the epilogue with the stack pointer where a normal return of the wasm
// call leaves it (`sp_below_fp_after_call` below the frame pointer: the callee popped its
// parameter area), and the epilogue frees the frame with an add to the stack pointer, not a
// move from the frame pointer. The difference is the host's: the callee-saved registers it
// keeps values in (a loop counter, the callee's address) come back through the pops, and a
// pop whose stack pointer was computed from another register is a real load from the pushes'
// stores, while after push, add and pop the CPU can see it as the same slot and hand the
// value over without the round trip through memory (about 1.4 ns of a 5.5 ns typed call).
constexpr int32_t kSavedBytes = target::kHostCalleeSavedBytes;
constexpr int32_t kRecordBelowFp = kSavedBytes + static_cast<int32_t>(sizeof(EntryRecord));
// rsp is 8 mod 16 at the entry, 0 after the frame pointer: the slot's end keeps it 16-aligned
// for the 16-aligned outgoing area.
constexpr int32_t kSlotBelowFp = (kRecordBelowFp + 8 + 15) & ~15;
static_assert(kSlotBelowFp % 16 == 0);
// A landing pad resumes with the stack pointer kLandingSpBelowEntryRecord below the record:
// the slot must not lie below it, where a signal's frame could land before the pad moves it.
static_assert(kSlotBelowFp <=
              kRecordBelowFp + static_cast<int32_t>(runtime::kLandingSpBelowEntryRecord));
// The frame pointer is 16-aligned (rsp was 8 mod 16 before its push): the record's landing pad
// and exit_sp are one aligned 16-byte slot.
static_assert((kRecordBelowFp - static_cast<int32_t>(EntryRecord::kLandingPcOffset)) % 16 == 0);

Address recordField(uint32_t offset) {
  return at(target::kFramePointer, -kRecordBelowFp + static_cast<int32_t>(offset));
}
int32_t threadField(uint32_t offset) {
  return runtime::threadEntryStateOffset() + static_cast<int32_t>(offset);
}

// One activation of an entry: the record filled and made the head of the thread's chain, the
// wasm call (`emit_call`: arguments, the call, results), the head put back. `restores` says the
// entry changed the limits' stack limit for its run (save_limits below recorded what to put
// back); such an entry gets its own copy of all this, so the usual one tests no flag.
// `result_address`, when valid, is the register the result's address goes back in, which
// the way out loads from the slot and stores the status through.
template <typename EmitCall>
void emitActivation(isa::MacroAssembler& masm, Reg status, Reg result_address, bool restores,
                    int32_t sp_below_fp_after_call, isa::Label leave, const EmitCall& emit_call) {
  const Reg t0 = target::kEntryTemps[0], t1 = target::kEntryTemps[1];
  const isa::Label landing = masm.newLabel(), unchain = masm.newLabel();
  masm.loadThreadLocal(t0, threadField(ThreadEntryState::kInnermostOffset));
  masm.storePtr(recordField(EntryRecord::kPreviousOffset), t0);
  // The landing pad and exit_sp = 0 with one 16-byte store: stores are what an entry has most
  // of (its pushes, the record, the chain), and this core does two a cycle, so they set the
  // pace of a call (0.3-0.5 ns of a 4.1 ns typed call). Not the chain's previous entry: the
  // way out reads it back as a word, which a vector store hands over late.
  masm.leaLabel(t1, landing);
  masm.storeWordAndZero(recordField(EntryRecord::kLandingPcOffset), t1);
  // The record is complete before it becomes the head: a signal may read it from then on.
  masm.leaPtr(t1, recordField(0));
  masm.storeThreadLocal(threadField(ThreadEntryState::kInnermostOffset), t1);
  emit_call();
  masm.moveImm(status, ValType::I64, static_cast<uint64_t>(EntryStatus::Returned));
  masm.bind(unchain);
  if (restores) {
    masm.loadPtr(t0, recordField(EntryRecord::kRestoresStackLimitOffset));
    masm.loadPtr(t1, recordField(EntryRecord::kSavedStackLimitOffset));
    masm.storePtr(at(t0, RuntimeLimits::kStackLimitOffset), t1);
    masm.loadPtr(t1, recordField(EntryRecord::kSavedStackLimitFromThreadOffset));
    masm.storePtr(at(t0, RuntimeLimits::kStackLimitFromThreadOffset), t1);
  }
  masm.loadPtr(t0, recordField(EntryRecord::kPreviousOffset));
  masm.storeThreadLocal(threadField(ThreadEntryState::kInnermostOffset), t0);
  if (restores) {
    masm.jump(leave);
  } else {
    masm.bind(leave);
    if (result_address.valid()) {
      masm.loadPtr(result_address, at(target::kFramePointer, -kSlotBelowFp));
      masm.storePtr(at(result_address, kV128ResultStatusOffset), status);
    }
    masm.restoreHostCalleeSavedAndReturn(sp_below_fp_after_call);
  }
  // Reached from a trap with the stack pointer right below the record (see EntryRecord::sp):
  // the frame pointer is found from it, and the stack pointer moved to where the call's
  // return leaves it.
  masm.bind(landing);
  masm.leaPtr(target::kFramePointer,
              at(target::kStackPointer,
                 kRecordBelowFp + static_cast<int32_t>(runtime::kLandingSpBelowEntryRecord)));
  masm.leaPtr(target::kStackPointer, at(target::kFramePointer, -sp_below_fp_after_call));
  masm.moveImm(status, ValType::I64, static_cast<uint64_t>(EntryStatus::Trapped));
  masm.jump(unchain);
}

// A host-to-wasm entry: the frame above, the callee's vmctx in the pinned register, `outgoing`
// bytes of stack area for the wasm call, then one activation (emitActivation) around
// `emit_call`, whose callee pops `popped` bytes of that area; `status` gets the EntryStatus.
// An entry whose result goes through memory gets the address in `result_address_arg` (kept in
// the slot) and gives it back in `result_address`.
template <typename EmitCall>
void emitHostToWasm(isa::MacroAssembler& masm, Reg vmctx_arg, uint32_t outgoing, uint32_t popped,
                    Reg status, Reg result_address_arg, Reg result_address,
                    const EmitCall& emit_call) {
  const Reg t0 = target::kEntryTemps[0], t1 = target::kEntryTemps[1],
            t2 = target::kEntryTemps[2];
  const isa::Label check_stack_limit = masm.newLabel(), stack_limit_kept = masm.newLabel(),
                   stack_limit_restored_on_exit = masm.newLabel(), leave = masm.newLabel(),
                   not_ready = masm.newLabel();
  masm.pushFrameRecord();
  masm.saveHostCalleeSaved(kSlotBelowFp - kSavedBytes + static_cast<int32_t>(outgoing));
  const int32_t sp_below_fp_after_call =
      kSlotBelowFp + static_cast<int32_t>(outgoing) - static_cast<int32_t>(popped);
  // Before any way out: even an unready thread's status goes through it.
  if (result_address_arg.valid())
    masm.storePtr(at(target::kFramePointer, -kSlotBelowFp), result_address_arg);
  masm.move(target::kVmctxReg, vmctx_arg, ValType::I64);
  // The usual case: the limits hold this thread's stack limit and we run on its stack, which
  // also tells that the thread is ready (its stack size is 0 until then). Anything else is
  // sorted out of line.
  masm.loadPtr(t0, at(target::kVmctxReg, runtime::VMOffsets::kLimitsOffset));
  masm.loadPtr(t0, at(t0, RuntimeLimits::kStackLimitOffset));
  masm.branchCompareThreadLocal(isa::Cond::Ne, t0, threadField(ThreadEntryState::kStackLimitOffset),
                                check_stack_limit);
  masm.move(t0, target::kStackPointer, ValType::I64);
  masm.subThreadLocal(t0, threadField(ThreadEntryState::kStackLowOffset));
  masm.branchCompareThreadLocal(isa::Cond::GeU, t0, threadField(ThreadEntryState::kStackSizeOffset),
                                check_stack_limit);
  masm.bind(stack_limit_kept);
  emitActivation(masm, status, result_address, /*restores=*/false, sp_below_fp_after_call, leave,
                 emit_call);

  // The stack limit is not known right for this thread and stack: what
  // runtime::enterStackLimit does (trap_handler.cpp). The thread may not even be ready.
  const isa::Label recompute = masm.newLabel(), other_stack = masm.newLabel(),
                   nested_in_other_stack = masm.newLabel();
  auto save_limits = [&] {  // t0 holds the limits
    masm.storePtr(recordField(EntryRecord::kRestoresStackLimitOffset), t0);
    masm.loadPtr(t1, at(t0, RuntimeLimits::kStackLimitOffset));
    masm.storePtr(recordField(EntryRecord::kSavedStackLimitOffset), t1);
    masm.loadPtr(t1, at(t0, RuntimeLimits::kStackLimitFromThreadOffset));
    masm.storePtr(recordField(EntryRecord::kSavedStackLimitFromThreadOffset), t1);
  };
  auto set_thread_limit = [&] {
    masm.loadThreadLocal(t1, threadField(ThreadEntryState::kStackLimitOffset));
    masm.storePtr(at(t0, RuntimeLimits::kStackLimitOffset), t1);
    masm.storeImm(at(t0, RuntimeLimits::kStackLimitFromThreadOffset), ValType::I64,
                  RuntimeLimits::kThreadsLimit);
  };
  masm.bind(check_stack_limit);
  masm.loadThreadLocal(t0, threadField(ThreadEntryState::kReadyOffset));
  masm.branchIfZero(t0, ValType::I64, not_ready);
  masm.loadPtr(t0, at(target::kVmctxReg, runtime::VMOffsets::kLimitsOffset));
  masm.loadPtr(t1, at(t0, RuntimeLimits::kStackLimitFromThreadOffset));
  masm.branchIfNonZero(t1, ValType::I64, recompute);
  masm.loadPtr(t1, at(t0, RuntimeLimits::kStackLimitOffset));
  masm.branchIfNonZero(t1, ValType::I64, stack_limit_kept);  // the embedder's: kept
  masm.bind(recompute);
  masm.move(t1, target::kStackPointer, ValType::I64);
  masm.loadThreadLocal(t2, threadField(ThreadEntryState::kStackLowOffset));
  masm.intBinop(wasm::Opcode::I64Sub, t1, t1, t2);
  masm.loadThreadLocal(t2, threadField(ThreadEntryState::kStackSizeOffset));
  masm.branchCompare(isa::Cond::GeU, t1, t2, ValType::I64, other_stack);
  // On the thread's stack: its limit, left in place, unless an entry on another stack is
  // still running with none (it expects none back).
  masm.loadPtr(t1, at(t0, RuntimeLimits::kStackLimitFromThreadOffset));
  masm.branchCompareImm(isa::Cond::Eq, t1, ValType::I64,
                        static_cast<int32_t>(RuntimeLimits::kNoLimitOnOtherStack),
                        nested_in_other_stack);
  set_thread_limit();
  masm.jump(stack_limit_kept);
  masm.bind(nested_in_other_stack);
  save_limits();
  set_thread_limit();
  masm.jump(stack_limit_restored_on_exit);
  // On another stack (a coroutine's): no limit while this entry runs.
  masm.bind(other_stack);
  save_limits();
  masm.storeImm(at(t0, RuntimeLimits::kStackLimitOffset), ValType::I64, 0);
  masm.storeImm(at(t0, RuntimeLimits::kStackLimitFromThreadOffset), ValType::I64,
                RuntimeLimits::kNoLimitOnOtherStack);
  masm.bind(stack_limit_restored_on_exit);
  emitActivation(masm, status, result_address, /*restores=*/true, sp_below_fp_after_call, leave,
                 emit_call);
  // An unready thread leaves before anything was recorded, and without the call.
  masm.bind(not_ready);
  masm.leaPtr(target::kStackPointer, at(target::kFramePointer, -sp_below_fp_after_call));
  masm.moveImm(status, ValType::I64, static_cast<uint64_t>(EntryStatus::ThreadNotReady));
  masm.jump(leave);
}

// ---- wasm-to-host exits ---------------------------------------------------------------------

// Records the wasm caller in the innermost entry, its frame pointer and where its return
// address is, and pushes the exit's frame record. Where the call pushed the return address,
// both are the registers at the first instruction (the frame pointer, the stack pointer);
// where it stays in a register, they are read from the frame record once it is pushed.
void enterExitFrame(isa::MacroAssembler& masm) {
  const Reg record = target::kScratchGp;
  if constexpr (target::kReturnAddressOnStackAtEntry) {
    masm.loadThreadLocal(record, threadField(ThreadEntryState::kInnermostOffset));
    masm.storePtr(at(record, EntryRecord::kExitFpOffset), target::kFramePointer);
    masm.storePtr(at(record, EntryRecord::kExitSpOffset), target::kStackPointer);
    masm.pushFrameRecord();
  } else {
    // kTrampolineTempGp carries no wasm argument, and no host argument is in place yet.
    const Reg temp = target::kTrampolineTempGp;
    masm.pushFrameRecord();
    masm.loadThreadLocal(record, threadField(ThreadEntryState::kInnermostOffset));
    masm.loadPtr(temp, at(target::kFramePointer, 0));
    masm.storePtr(at(record, EntryRecord::kExitFpOffset), temp);
    masm.leaPtr(temp, at(target::kFramePointer, 8));
    masm.storePtr(at(record, EntryRecord::kExitSpOffset), temp);
  }
}

// The host function returned a non-zero status: it recorded a trap, or an exception it throws.
// runtime::resumeAtInnermostLandingPad resumes at the innermost entry's landing pad, or throws
// the exception on from our wasm caller, dropping the frames in between: they own nothing.
// The stack pointer is as at the host call, aligned for this one.
void emitUnwindToEntry(isa::MacroAssembler& masm) {
  masm.callAbsolute(reinterpret_cast<const void*>(&runtime::resumeAtInnermostLandingPad));
  masm.trapInstruction();  // never reached
}

uint32_t align16(uint32_t n) { return (n + 15) & ~15u; }

// array-to-wasm: EntryStatus(VMContext* vmctx, void* code, ValRaw* values).
void emitArrayToWasm(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, target::kWasmConvention);
  const std::span<const Reg> host_args = target::kHostConvention.gp_params;
  const Reg values = target::kTrampolineTempGp;
  emitHostToWasm(masm, host_args[0], wasm_sig.stackAreaBytes(), wasm_sig.stackParamAreaBytes(),
                 target::entryStatusRegister(false),
                 Reg(), Reg(), [&] {
    // The values pointer is needed again only for results.
    const bool has_results = !wasm_sig.results.empty();
    if (has_results) masm.storePtr(at(target::kFramePointer, -kSlotBelowFp), host_args[2]);
    masm.move(target::kCallTargetGp, host_args[1], ValType::I64);
    masm.move(values, host_args[2], ValType::I64);
    for (size_t k = 0; k < wasm_sig.params.size(); ++k) {
      const isa::ABIArg& p = wasm_sig.params[k];
      const Address slot = at(values, kValRawSize * static_cast<int64_t>(k));
      if (p.inRegister()) masm.load(p.reg, slot, p.type);
      else masm.copySlot(at(target::kStackPointer, p.stack_offset), slot, p.type);
    }
    masm.callRegister(target::kCallTargetGp);
    if (has_results) masm.loadPtr(values, at(target::kFramePointer, -kSlotBelowFp));
    // The callee popped its parameter area: the stack results are at the stack pointer.
    for (size_t k = 0; k < wasm_sig.results.size(); ++k) {
      const isa::ABIArg& r = wasm_sig.results[k];
      const Address slot = at(values, kValRawSize * static_cast<int64_t>(k));
      if (r.inRegister()) masm.store(slot, r.reg, r.type);
      else masm.copySlot(slot, at(target::kStackPointer, r.stack_offset), r.type);
    }
  });
}

wasm::FuncType withLeadingPointers(const wasm::FuncType& type, uint32_t pointers) {
  wasm::FuncType native;
  native.types.assign(pointers, ValType::I64);
  native.types.insert(native.types.end(), type.types.begin(), type.types.end());
  native.param_count = type.param_count + pointers;
  return native;
}

// A crossing's native signature: `pointers` leading pointers, then the wasm parameters, and a
// {result, status} struct. With a v128 result the struct comes back through memory at
// `result_address` (value first, then the status); otherwise in registers.
struct NativeSignature {
  isa::ABISig sig;
  size_t first_pointer = 0;  // sig.params index of the first leading pointer
  Reg result_address;
  // A v128 result where the convention passes the result's address other than as the first
  // argument (AAPCS64's x8): not built yet.
  bool unsupported = false;
  bool indirectResult() const { return result_address.valid(); }
  const isa::ABIArg& pointer(size_t k) const { return sig.params[first_pointer + k]; }
};

NativeSignature nativeSignature(const wasm::FuncType& type, uint32_t pointers) {
  const bool indirect = type.results().size() == 1 && type.results()[0] == ValType::V128;
  const uint32_t hidden = indirect && target::kIndirectResultIsFirstParam ? 1 : 0;
  NativeSignature out;
  out.sig = isa::computeSignature(withLeadingPointers(type, pointers + hidden), target::kHostConvention);
  out.first_pointer = hidden;
  if (indirect && target::kIndirectResultIsFirstParam) out.result_address = out.sig.params[0].reg;
  out.unsupported = indirect && !target::kIndirectResultIsFirstParam;
  return out;
}

// The register of a native signature's status word (see target::entryStatusRegister).
Reg statusRegisterOf(const isa::ABISig& native_sig) {
  return target::entryStatusRegister(!native_sig.results.empty() &&
                                     (native_sig.results[0].reg.isGp() ||
                                      target::kStatusStructInGeneralRegisters));
}

// Where the convention returns {result; status} with a float result in the general result
// register (AAPCS64), the result crosses between it and its float register.
bool floatResultInGeneralRegister(const isa::ABISig& native_sig) {
  return target::kStatusStructInGeneralRegisters && !native_sig.results.empty() &&
         native_sig.results[0].reg.isFp();
}

// native-to-wasm: {R, uint64_t status}(VMContext* vmctx, void* code, Params...) in System V
// (a bare status for no result).
void emitNativeToWasm(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, target::kWasmConvention);
  const NativeSignature native = nativeSignature(type, 2);
  if (native.unsupported) return masm.unhandledOp("native-to-wasm with a v128 result on this ISA", wasm::Opcode::Nop);
  const isa::ABISig& native_sig = native.sig;
  const Reg code = native.pointer(1).reg;
  // The code pointer stays where it came unless a wasm argument goes to its register.
  bool code_overwritten = false;
  for (const isa::ABIArg& p : wasm_sig.params) code_overwritten |= p.inRegister() && p.reg == code;
  // One result at most: the same register in both conventions, or through memory.
  const Reg status =
      native.indirectResult() ? target::kTrampolineTempGp : statusRegisterOf(native_sig);
  const Reg result_address = native.indirectResult() ? target::kIndirectResultReturn : Reg();
  emitHostToWasm(masm, native.pointer(0).reg, wasm_sig.stackAreaBytes(),
                 wasm_sig.stackParamAreaBytes(), status,
                 native.result_address, result_address, [&] {
    if (code_overwritten) masm.move(target::kCallTargetGp, code, ValType::I64);
    // The System V registers shift down by the leading pointers; in order, no move clobbers a
    // source still to be read.
    const size_t first_param = native.first_pointer + 2;
    for (size_t k = 0; k < wasm_sig.params.size(); ++k) {
      const isa::ABIArg& dst = wasm_sig.params[k];
      const isa::ABIArg& src = native_sig.params[k + first_param];
      const Address src_stack = at(target::kFramePointer, 16 + src.stack_offset);
      if (dst.inRegister() && src.inRegister()) masm.move(dst.reg, src.reg, dst.type);
      else if (dst.inRegister()) masm.load(dst.reg, src_stack, dst.type);
      else if (src.inRegister()) masm.store(at(target::kStackPointer, dst.stack_offset), src.reg, dst.type);
      else masm.copySlot(at(target::kStackPointer, dst.stack_offset), src_stack, dst.type);
    }
    masm.callRegister(code_overwritten ? target::kCallTargetGp : code);
    if (floatResultInGeneralRegister(native_sig))
      masm.move(target::kHostConvention.gp_results[0], wasm_sig.results[0].reg, wasm_sig.results[0].type);
    if (native.indirectResult()) {
      masm.loadPtr(target::kTrampolineTempGp, at(target::kFramePointer, -kSlotBelowFp));
      masm.store(at(target::kTrampolineTempGp, 0), wasm_sig.results[0].reg, ValType::V128);
    }
  });
}

// wasm-to-array: the host function's context is in the vmctx register; arguments in the wasm
// convention. The callback returns a status: non-zero when it recorded a trap.
void emitWasmToArray(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, target::kWasmConvention);
  const std::span<const Reg> host_args = target::kHostConvention.gp_params;
  const isa::Label unwind = masm.newLabel();
  enterExitFrame(masm);
  const size_t slots = std::max(type.params().size(), type.results().size());
  const uint32_t frame_bytes = align16(static_cast<uint32_t>(slots) * kValRawSize);
  masm.adjustStack(static_cast<int32_t>(frame_bytes));
  for (size_t k = 0; k < wasm_sig.params.size(); ++k) {
    const isa::ABIArg& p = wasm_sig.params[k];
    const Address slot = at(target::kStackPointer, kValRawSize * static_cast<int64_t>(k));
    if (p.inRegister()) masm.store(slot, p.reg, p.type);
    else masm.copySlot(slot, at(target::kFramePointer, 16 + p.stack_offset), p.type);
  }
  masm.loadPtr(target::kCallTargetGp,
               at(target::kVmctxReg, runtime::VMHostFuncContext::kCallbackOffset));
  masm.move(host_args[0], target::kVmctxReg, ValType::I64);
  masm.move(host_args[1], target::kStackPointer, ValType::I64);
  masm.callRegister(target::kCallTargetGp);
  masm.branchIfNonZero(target::entryStatusRegister(false), ValType::I64, unwind);
  for (size_t k = 0; k < wasm_sig.results.size(); ++k) {
    const isa::ABIArg& r = wasm_sig.results[k];
    const Address slot = at(target::kStackPointer, kValRawSize * static_cast<int64_t>(k));
    if (r.inRegister()) masm.load(r.reg, slot, r.type);
    else masm.copySlot(at(target::kFramePointer, 16 + wasm_sig.stackParamAreaBytes() + r.stack_offset), slot, r.type);
  }
  masm.freeFrameAndReturn(frame_bytes, wasm_sig.stackParamAreaBytes());
  masm.bind(unwind);
  emitUnwindToEntry(masm);
}

// wasm-to-native: calls {R, uint64_t status}(VMHostFuncContext*, Params...) in System V (a bare
// status for no result).
void emitWasmToNative(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, target::kWasmConvention);
  const NativeSignature native = nativeSignature(type, 1);
  if (native.unsupported) return masm.unhandledOp("wasm-to-native with a v128 result on this ISA", wasm::Opcode::Nop);
  const isa::ABISig& native_sig = native.sig;
  const isa::Label unwind = masm.newLabel();
  enterExitFrame(masm);
  // The stack parameters, then room for a result that comes back through memory.
  const int32_t result_area = static_cast<int32_t>(align16(native_sig.stack_param_bytes));
  const uint32_t frame_bytes =
      static_cast<uint32_t>(result_area + (native.indirectResult() ? kV128ResultBytes : 0));
  masm.adjustStack(static_cast<int32_t>(frame_bytes));
  // The general registers shift up by the leading pointers (the context comes first): move
  // from the last parameter back, so each source is read before it is overwritten.
  const size_t first_param = native.first_pointer + 1;
  for (size_t k = wasm_sig.params.size(); k-- > 0;) {
    const isa::ABIArg& src = wasm_sig.params[k];
    const isa::ABIArg& dst = native_sig.params[k + first_param];
    const Address src_stack = at(target::kFramePointer, 16 + src.stack_offset);
    const Address dst_stack = at(target::kStackPointer, dst.stack_offset);
    if (dst.inRegister() && src.inRegister()) masm.move(dst.reg, src.reg, dst.type);
    else if (dst.inRegister()) masm.load(dst.reg, src_stack, dst.type);
    else if (src.inRegister()) masm.store(dst_stack, src.reg, dst.type);
    else masm.copySlot(dst_stack, src_stack, dst.type);
  }
  masm.loadPtr(target::kCallTargetGp,
               at(target::kVmctxReg, runtime::VMHostFuncContext::kCallbackOffset));
  masm.move(native.pointer(0).reg, target::kVmctxReg, ValType::I64);
  if (native.indirectResult()) {
    masm.leaPtr(native.result_address, at(target::kStackPointer, result_area));
    masm.callRegister(target::kCallTargetGp);
    masm.loadPtr(target::kScratchGp, at(target::kStackPointer, result_area + kV128ResultStatusOffset));
    masm.branchIfNonZero(target::kScratchGp, ValType::I64, unwind);
    masm.load(wasm_sig.results[0].reg, at(target::kStackPointer, result_area), ValType::V128);
    masm.freeFrameAndReturn(frame_bytes, wasm_sig.stackParamAreaBytes());
    masm.bind(unwind);
    emitUnwindToEntry(masm);
    return;
  }
  masm.callRegister(target::kCallTargetGp);
  masm.branchIfNonZero(statusRegisterOf(native_sig), ValType::I64, unwind);
  // One result at most, in the same register in both conventions; an i32 from C may carry
  // garbage above its low half, which wasm code would see (as an address index, say).
  if (!native_sig.results.empty() && native_sig.results[0].type == ValType::I32)
    masm.zeroExtendI32(native_sig.results[0].reg);
  if (floatResultInGeneralRegister(native_sig))
    masm.move(wasm_sig.results[0].reg, target::kHostConvention.gp_results[0], wasm_sig.results[0].type);
  masm.freeFrameAndReturn(frame_bytes, wasm_sig.stackParamAreaBytes());
  masm.bind(unwind);
  emitUnwindToEntry(masm);
}

// wasm-to-native-direct: the same call when every native parameter has a register, as a jump:
// the callback (taking (VMHostFuncContext*, Params...), returning the bare value, a 32-bit
// integer widened with zeros) returns straight to the wasm caller, and on a trap leaves the
// wasm frames itself once all of the host call has returned. No frame of its own: the exit
// recorded is the wasm caller's, which is all a backtrace needs. The wasm parameters then
// have registers too (the native ones are the same registers and one more), so there is no
// parameter area for the callback's plain `ret` to pop.
bool fitsDirect(const wasm::FuncType& type) {
  // The exit it records needs the return address in memory (see enterExitFrame).
  if (!target::kReturnAddressOnStackAtEntry) return false;
  const isa::ABISig native_sig =
      isa::computeSignature(withLeadingPointers(type, 1), target::kHostConvention);
  return native_sig.stack_param_bytes == 0 && type.results().size() <= 1;
}

void emitWasmToNativeDirect(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, target::kWasmConvention);
  const isa::ABISig native_sig =
      isa::computeSignature(withLeadingPointers(type, 1), target::kHostConvention);
  const Reg record = target::kScratchGp;
  masm.loadThreadLocal(record, threadField(ThreadEntryState::kInnermostOffset));
  masm.storePtr(at(record, EntryRecord::kExitFpOffset), target::kFramePointer);
  masm.storePtr(at(record, EntryRecord::kExitSpOffset), target::kStackPointer);
  // From the last parameter back, as in emitWasmToNative; all in registers.
  for (size_t k = wasm_sig.params.size(); k-- > 0;)
    masm.move(native_sig.params[k + 1].reg, wasm_sig.params[k].reg, wasm_sig.params[k].type);
  masm.loadPtr(target::kCallTargetGp,
               at(target::kVmctxReg, runtime::VMHostFuncContext::kCallbackOffset));
  masm.move(native_sig.params[0].reg, target::kVmctxReg, ValType::I64);
  masm.jumpRegister(target::kCallTargetGp);
}

std::string keyOf(int kind, const wasm::FuncType& type) {
  std::string key(1, static_cast<char>('0' + kind));
  for (ValType t : type.params()) key += static_cast<char>(t);
  key += ':';
  for (ValType t : type.results()) key += static_cast<char>(t);
  return key;
}

const char* kindName(int kind) {
  static constexpr const char* kNames[] = {"array-to-wasm", "native-to-wasm", "wasm-to-array",
                                           "wasm-to-native", "wasm-to-native-direct"};
  return kNames[kind];
}

}  // namespace

void* TrampolineCache::get(Kind kind, const wasm::FuncType& type) {
  const std::string key = keyOf(static_cast<int>(kind), type);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  isa::CodeBuffer code;
  isa::MacroAssembler masm(code);
  switch (kind) {
    case Kind::ArrayToWasm: emitArrayToWasm(masm, type); break;
    case Kind::NativeToWasm: emitNativeToWasm(masm, type); break;
    case Kind::WasmToArray: emitWasmToArray(masm, type); break;
    case Kind::WasmToNative: emitWasmToNative(masm, type); break;
    case Kind::WasmToNativeDirect:
      if (!fitsDirect(type)) return nullptr;
      emitWasmToNativeDirect(masm, type);
      break;
  }
  if (!masm.finish() || masm.hasError()) return nullptr;
  auto memory = runtime::CodeMemory::allocate(code.size());
  if (!memory) return nullptr;
  runtime::CodeMemory block = std::move(memory.value());
  std::memcpy(block.writableBytes().data(), code.data(), code.size());
  if (!block.publish()) return nullptr;
  void* entry = reinterpret_cast<void*>(block.begin());
  code_.push_back(std::move(block));
  entries_.emplace(key, entry);
  code_sizes_.emplace(entry, code.size());
  if (profiler_ != nullptr) {
    const std::string name =
        std::string("trampoline[") + kindName(static_cast<int>(kind)) + " " + type.toString() + "]";
    const runtime::CodeSymbol symbol{entry, code.size(), name};
    profiler_->codeLoaded({&symbol, 1});
  }
  return entry;
}

std::span<const uint8_t> TrampolineCache::codeOf(const void* entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = code_sizes_.find(entry);
  if (it == code_sizes_.end()) return {};
  return {static_cast<const uint8_t*>(entry), it->second};
}

ArrayToWasmFn TrampolineCache::arrayToWasm(const wasm::FuncType& type) {
  return reinterpret_cast<ArrayToWasmFn>(get(Kind::ArrayToWasm, type));
}
void* TrampolineCache::nativeToWasm(const wasm::FuncType& type) {
  return get(Kind::NativeToWasm, type);
}
void* TrampolineCache::wasmToArray(const wasm::FuncType& type) {
  return get(Kind::WasmToArray, type);
}
void* TrampolineCache::wasmToNative(const wasm::FuncType& type) {
  return get(Kind::WasmToNative, type);
}
void* TrampolineCache::wasmToNativeDirect(const wasm::FuncType& type) {
  return get(Kind::WasmToNativeDirect, type);
}

}  // namespace wisp::trampoline
