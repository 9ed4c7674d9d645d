// The x86-64 registers and their roles in Wisp's code. One place names every pinned, scratch
// and allocatable register; the static_asserts keep the sets from overlapping.
#pragma once

#include "isa/reg.h"

namespace wisp::isa::x64 {

inline constexpr Reg rax = Reg::gp(0), rcx = Reg::gp(1), rdx = Reg::gp(2), rbx = Reg::gp(3),
                     rsp = Reg::gp(4), rbp = Reg::gp(5), rsi = Reg::gp(6), rdi = Reg::gp(7),
                     r8 = Reg::gp(8), r9 = Reg::gp(9), r10 = Reg::gp(10), r11 = Reg::gp(11),
                     r12 = Reg::gp(12), r13 = Reg::gp(13), r14 = Reg::gp(14), r15 = Reg::gp(15);
inline constexpr Reg xmm0 = Reg::fp(0), xmm1 = Reg::fp(1), xmm2 = Reg::fp(2), xmm3 = Reg::fp(3),
                     xmm4 = Reg::fp(4), xmm5 = Reg::fp(5), xmm6 = Reg::fp(6), xmm7 = Reg::fp(7),
                     xmm15 = Reg::fp(15);

// Pinned for the whole function: the instance's VMContext and the base of memory 0.
inline constexpr Reg kVmctxReg = r14;
inline constexpr Reg kMemoryBaseReg = r15;
// The frame pointer: frame slots and locals' homes are addressed from it.
inline constexpr Reg kFramePointer = rbp;
// Never allocated: free for any single instruction sequence in the MacroAssembler.
inline constexpr Reg kScratchGp = r11;
inline constexpr Reg kScratchFp = xmm15;

// Pinned only in code compiled with fuel metering (Config::consume_fuel): the fuel counter of
// runtime::RuntimeLimits, kept in a register between function entries, calls and returns. Callee-saved in
// System V, so builtins and host calls leave it alone.
inline constexpr Reg kFuelGp = rbx;

inline constexpr RegSet kPinned = RegSet::of(rsp, rbp, kVmctxReg, kMemoryBaseReg);
inline constexpr RegSet kScratch = RegSet::of(kScratchGp, kScratchFp);
inline constexpr RegSet kAllocatableGp =
    RegSet::of(rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r12, r13);
inline constexpr RegSet kAllocatableFp = RegSet(0x7FFF0000u);  // xmm0..xmm14
inline constexpr RegSet kAllocatable = kAllocatableGp | kAllocatableFp;

static_assert((kPinned & kScratch).empty());
static_assert((kAllocatable & (kPinned | kScratch)).empty());
static_assert(!kAllocatableFp.has(kScratchFp));

// The stack pointer.
inline constexpr Reg kStackPointer = rsp;

// Register constraints of instructions, as data the compiler reads (an ISA without such a
// rule would leave the role invalid):
//  - kShiftCountReg: a shift by a register takes its count in cl;
//  - kDivQuotientReg, kDivRemainderReg: div/idiv divide rdx:rax, leaving the quotient in rax
//    and the remainder in rdx;
//  - kFunctionEntryTempGp: a general register no wasm parameter arrives in, free for the
//    prologue's own use.
inline constexpr Reg kShiftCountReg = rcx;
inline constexpr Reg kDivQuotientReg = rax, kDivRemainderReg = rdx;
inline constexpr Reg kFunctionEntryTempGp = rax;

// Roles in the trampolines, whose registers are fixed by the two conventions they join:
//  - kHostCalleeSaved: what System V makes a callee preserve besides the frame pointer; a
//    host-to-wasm entry saves them all (wasm code preserves only its pinned registers).
//  - kEntryTemps: callee-saved in System V, so free once the entry has saved them, and neither
//    pinned nor an argument or result register of either convention: they survive the
//    argument moves (but not the call into wasm).
//  - kCallTargetGp: holds the callee's address; no argument register of either convention.
//  - kTrampolineTempGp: a second temporary that is no argument or result register.
inline constexpr Reg kHostCalleeSaved[] = {rbx, r12, r13, r14, r15};
inline constexpr int32_t kHostCalleeSavedBytes = 8 * static_cast<int32_t>(std::size(kHostCalleeSaved));
inline constexpr Reg kEntryTemps[] = {rbx, r12, r13};
inline constexpr Reg kCallTargetGp = rax;
inline constexpr Reg kTrampolineTempGp = r10;
static_assert(!kPinned.has(kCallTargetGp) && !kPinned.has(kTrampolineTempGp));
static_assert(kTrampolineTempGp != kScratchGp);

// Roles in wasm-to-wasm calls, registers that carry no argument of the wasm convention:
//  - kCallTargetGp (above) holds the callee's address, and call_indirect's table index before;
//  - kIndirectCalleeGp: call_indirect's VMFuncRef of the callee, live while the arguments load;
//  - kTailCallTemps: the two temporaries of MacroAssembler::replaceFrameForTailCall, which
//    runs when the arguments and the callee's address are in place.
inline constexpr Reg kIndirectCalleeGp = r10;
inline constexpr Reg kTailCallTemps[] = {r12, r13};
static_assert(!kPinned.has(kIndirectCalleeGp) && !kScratch.has(kIndirectCalleeGp));
static_assert(!kPinned.has(kTailCallTemps[0]) && !kPinned.has(kTailCallTemps[1]));
static_assert(kTailCallTemps[0] != kCallTargetGp && kTailCallTemps[1] != kCallTargetGp);
static_assert(!kScratch.has(kTailCallTemps[0]) && !kScratch.has(kTailCallTemps[1]));

// Where a landing pad of exception handling finds the exception (a VMException*): the thrower
// (runtime's wisp_resume_at_handler) puts it there, with the frame pointer of the catching frame.
inline constexpr Reg kCaughtExceptionGp = rax;
static_assert(!kPinned.has(kCaughtExceptionGp));

// A host-to-wasm entry returns a status word next to its result, as the C struct
// {result; uint64_t status} is returned in System V: in rdx after a general-register result,
// in rax after a float result or alone. Typed host functions return their status the same way.
inline constexpr Reg entryStatusRegister(bool result_in_general_register) {
  return result_in_general_register ? rdx : rax;
}

// A call pushes the return address: at a callee's first instruction it is at [rsp].
inline constexpr bool kReturnAddressOnStackAtEntry = true;
// System V returns {result; status} with a float result in xmm0 (the status in rax).
inline constexpr bool kStatusStructInGeneralRegisters = false;

// System V returns a struct too big for two registers (a v128 result with its status word) in
// memory the caller provides: the address comes as a hidden first argument and goes back in
// rax.
inline constexpr bool kIndirectResultIsFirstParam = true;
inline constexpr Reg kIndirectResultReturn = rax;

}  // namespace wisp::isa::x64

#include "isa/abi.h"

namespace wisp::isa::x64 {

// Wisp's wasm convention: vmctx in r14 (pinned), parameters in the System V argument
// registers, the first results in rax/rdx and xmm0/xmm1, the rest on the stack. Every
// allocatable register is caller-saved.
inline constexpr Reg kWasmGpParams[] = {rdi, rsi, rdx, rcx, r8, r9};
inline constexpr Reg kWasmFpParams[] = {xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7};
inline constexpr Reg kWasmGpResults[] = {rax, rdx};
inline constexpr Reg kWasmFpResults[] = {xmm0, xmm1};
inline constexpr CallingConvention kWasmConvention{kWasmGpParams, kWasmFpParams, kWasmGpResults,
                                                   kWasmFpResults};
static_assert([] {
  for (Reg param : kWasmGpParams)
    if (param == kTailCallTemps[0] || param == kTailCallTemps[1] || param == kCallTargetGp ||
        param == kIndirectCalleeGp)
      return false;
  return true;
}());

// System V AMD64, for calls to and from the host: one result register of each class.
inline constexpr Reg kSysVGpParams[] = {rdi, rsi, rdx, rcx, r8, r9};
inline constexpr Reg kSysVFpParams[] = {xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7};
inline constexpr Reg kSysVGpResults[] = {rax};
inline constexpr Reg kSysVFpResults[] = {xmm0};
inline constexpr CallingConvention kSysVConvention{kSysVGpParams, kSysVFpParams, kSysVGpResults,
                                                   kSysVFpResults};
// The host's C convention, as compiled code calls builtins with it.
inline constexpr const CallingConvention& kHostConvention = kSysVConvention;

}  // namespace wisp::isa::x64
