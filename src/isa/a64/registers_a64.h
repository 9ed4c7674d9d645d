// The AArch64 registers and their roles in Wisp's code. One place names every pinned, scratch
// and allocatable register; the static_asserts keep the sets from overlapping.
//
// The compiler's Reg has 20 general codes and 12 vector codes on AArch64 (isa/reg.h); each
// stands for a hardware register through hw() below. The choice keeps Wisp's code out of what
// the host's convention (AAPCS64) asks a callee to preserve, except where a role wants that:
//  - general codes 0-11 are x0-x11 (x0-x7 the argument registers; x9-x11 carry no argument
//    of either convention, for the roles that must not), 12-14 are x19-x21 (callee-saved:
//    fuel and the entry's temporaries survive host calls), 15 is x16 (IP0, the scratch), 16
//    the frame pointer x29, 17 the stack pointer, 18 and 19 x22 and x23 (vmctx and the memory
//    base, callee-saved so that builtins leave them alone);
//  - vector codes 0-7 are v0-v7 (arguments), 8-10 are v16-v18, 11 is v31 (the scratch): none
//    of v8-v15, whose low halves AAPCS64 makes callee-saved.
// x17 (IP1) is the MacroAssembler's second scratch, never a Reg; x8 (AAPCS64's indirect
// result register), x18 (the platform register) and x30 (the link register) hold no values.
#pragma once

#include "isa/abi.h"
#include "isa/reg.h"

namespace wisp::isa::a64 {

// By register code: the general registers' hardware numbers, then the vector ones'.
inline constexpr uint8_t kHardware[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                          11, 19, 20, 21, 16, 29, 31, 22, 23,  // general
                                          0,  1,  2,  3,  4,  5,  6,  7,  16, 17, 18, 31};
static_assert(kFpCodeBase == 20, "AArch64's register codes");
// The hardware number of a register (31: the stack pointer, for the stack pointer's code).
inline constexpr uint8_t hw(Reg r) { return kHardware[r.code() & 31]; }

inline constexpr Reg x0 = Reg::gp(0), x1 = Reg::gp(1), x2 = Reg::gp(2), x3 = Reg::gp(3),
                     x4 = Reg::gp(4), x5 = Reg::gp(5), x6 = Reg::gp(6), x7 = Reg::gp(7),
                     x8 = Reg::gp(8), x9 = Reg::gp(9), x10 = Reg::gp(10), x11 = Reg::gp(11),
                     x19 = Reg::gp(12), x20 = Reg::gp(13), x21 = Reg::gp(14), x16 = Reg::gp(15),
                     x29 = Reg::gp(16), sp = Reg::gp(17), x22 = Reg::gp(18), x23 = Reg::gp(19);
inline constexpr Reg v0 = Reg::fp(0), v1 = Reg::fp(1), v2 = Reg::fp(2), v3 = Reg::fp(3),
                     v4 = Reg::fp(4), v5 = Reg::fp(5), v6 = Reg::fp(6), v7 = Reg::fp(7),
                     v31 = Reg::fp(11);
// The MacroAssembler's own second scratch (IP1), by hardware number.
inline constexpr uint8_t kScratch2Hw = 17;

// Pinned for the whole function: the instance's VMContext and the base of memory 0.
inline constexpr Reg kVmctxReg = x22;
inline constexpr Reg kMemoryBaseReg = x23;
inline constexpr Reg kFramePointer = x29;
inline constexpr Reg kStackPointer = sp;
// Never allocated: free for any single instruction sequence in the MacroAssembler.
inline constexpr Reg kScratchGp = x16;
inline constexpr Reg kScratchFp = v31;
// Pinned only in code compiled with fuel metering: callee-saved in AAPCS64.
inline constexpr Reg kFuelGp = x19;

inline constexpr RegSet kPinned = RegSet::of(sp, x29, kVmctxReg, kMemoryBaseReg);
inline constexpr RegSet kScratch = RegSet::of(kScratchGp, kScratchFp);
inline constexpr RegSet kAllocatableGp =
    RegSet::of(x0, x1, x2, x3, x4, x5, x6, x7, x9, x10, x11, x19, x20, x21);
inline constexpr RegSet kAllocatableFp = RegSet(0x7FF00000u);  // v0-v7, v16-v18
inline constexpr RegSet kAllocatable = kAllocatableGp | kAllocatableFp;

static_assert((kPinned & kScratch).empty());
static_assert((kAllocatable & (kPinned | kScratch)).empty());
static_assert(!kAllocatableFp.has(kScratchFp));

// AAPCS64's callee-saved registers, x19-x28 and d8-d15, take this much of an entry's frame
// (MacroAssembler::saveHostCalleeSaved): 18 words and one of padding, so that the entry record
// below keeps the 16-byte alignment x86-64 gives it.
inline constexpr int32_t kHostCalleeSavedBytes = 8 * 19;

// No instruction of AArch64 wants an operand in a particular register.
inline constexpr Reg kShiftCountReg = Reg();
inline constexpr Reg kDivQuotientReg = Reg(), kDivRemainderReg = Reg();
inline constexpr Reg kFunctionEntryTempGp = x9;  // no wasm parameter arrives in x9

// Roles in the trampolines (see registers_x64.h for what each one needs).
inline constexpr Reg kEntryTemps[] = {x19, x20, x21};
inline constexpr Reg kCallTargetGp = x9;
inline constexpr Reg kTrampolineTempGp = x10;
inline constexpr Reg kIndirectCalleeGp = x10;
inline constexpr Reg kTailCallTemps[] = {x20, x21};
static_assert(!kPinned.has(kCallTargetGp) && !kPinned.has(kTrampolineTempGp));
static_assert(kTrampolineTempGp != kScratchGp);
static_assert(kTailCallTemps[0] != kCallTargetGp && kTailCallTemps[1] != kCallTargetGp);
// No argument register of either convention (x0-x7) takes a role that must survive the
// arguments' moves.
static_assert(kCallTargetGp.hwCode() > 7 && kTrampolineTempGp.hwCode() > 7 &&
              kIndirectCalleeGp.hwCode() > 7);

inline constexpr Reg kCaughtExceptionGp = x0;

// bl leaves the return address in the link register, not in memory.
inline constexpr bool kReturnAddressOnStackAtEntry = false;
// A host-to-wasm entry returns {result; uint64_t status}. AAPCS64 returns a 16-byte struct
// that is not all floats in x0 and x1, a float result's bits included: the status is in x1
// after any result, in x0 alone.
inline constexpr bool kStatusStructInGeneralRegisters = true;
inline constexpr Reg entryStatusRegister(bool result_in_general_register) {
  return result_in_general_register ? x1 : x0;
}
// AAPCS64 passes the address of a struct returned in memory in x8, not as an argument; Wisp
// has no code for x8 yet, so the trampolines refuse such results (a v128 with its status).
inline constexpr bool kIndirectResultIsFirstParam = false;
inline constexpr Reg kIndirectResultReturn = Reg();

// Wisp's wasm convention: vmctx in x22 (pinned), parameters in x0-x5 and v0-v7, the first
// results in x0/x1 and v0/v1, the rest on the stack. Every allocatable register is
// caller-saved.
inline constexpr Reg kWasmGpParams[] = {x0, x1, x2, x3, x4, x5};
inline constexpr Reg kWasmFpParams[] = {v0, v1, v2, v3, v4, v5, v6, v7};
inline constexpr Reg kWasmGpResults[] = {x0, x1};
inline constexpr Reg kWasmFpResults[] = {v0, v1};
inline constexpr CallingConvention kWasmConvention{kWasmGpParams, kWasmFpParams, kWasmGpResults,
                                                   kWasmFpResults};
static_assert([] {
  for (Reg param : kWasmGpParams)
    if (param == kTailCallTemps[0] || param == kTailCallTemps[1] || param == kCallTargetGp ||
        param == kIndirectCalleeGp)
      return false;
  return true;
}());

// AAPCS64, for calls to and from the host: one result register of each class.
inline constexpr Reg kAapcsGpParams[] = {x0, x1, x2, x3, x4, x5, x6, x7};
inline constexpr Reg kAapcsFpParams[] = {v0, v1, v2, v3, v4, v5, v6, v7};
inline constexpr Reg kAapcsGpResults[] = {x0};
inline constexpr Reg kAapcsFpResults[] = {v0};
inline constexpr CallingConvention kHostConvention{kAapcsGpParams, kAapcsFpParams,
                                                   kAapcsGpResults, kAapcsFpResults};

}  // namespace wisp::isa::a64
