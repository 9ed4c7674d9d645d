// The optional instructions of the target ISA that compiled code may use. Read from the CPU
// once per engine; a feature that is off makes the MacroAssembler emit a sequence (or a call)
// that every CPU of the ISA runs, so lowering the set never changes what code computes.
#pragma once

namespace wisp::isa {

struct CpuFeatures {
  // x86-64 beyond its baseline (SSE2):
  bool popcnt = false;  // POPCNT: i32/i64.popcnt
  bool lzcnt = false;   // LZCNT (ABM): i32/i64.clz; without it bsr executes, so it must be known
  bool bmi1 = false;    // TZCNT: i32/i64.ctz; without it bsf executes
  bool sse41 = false;   // ROUNDSS/ROUNDSD: ceil, floor, trunc, nearest
  bool avx = false;     // VEX three-operand float arithmetic (no copy of the first operand)

  static constexpr CpuFeatures all() { return {true, true, true, true, true}; }
  // What SIMD needs (SSE4.1, and POPCNT as every SSE4.1 CPU has it), without AVX.
  static constexpr CpuFeatures sse41Level() { return {true, false, false, true, false}; }
  CpuFeatures operator&(const CpuFeatures& other) const {
    return {popcnt && other.popcnt, lzcnt && other.lzcnt, bmi1 && other.bmi1,
            sse41 && other.sse41, avx && other.avx};
  }
  bool operator==(const CpuFeatures&) const = default;
};

// Whether WebAssembly SIMD needs SSE4.1 of the CPU: on an x86-64 target. (AArch64's Advanced
// SIMD is in its base ISA; Wisp's SIMD code for it is not written yet, which the compiler
// reports per instruction.)
#if defined(WISP_TARGET_AARCH64) || (!defined(WISP_TARGET_X86_64) && defined(__aarch64__))
inline constexpr bool kSimdNeedsSse41 = false;
#else
inline constexpr bool kSimdNeedsSse41 = true;
#endif

// What this machine's CPU has, asked once (cpuid) and remembered.
const CpuFeatures& hostCpuFeatures();

}  // namespace wisp::isa
