// The CPU's features from cpuid itself (no library: the layers go into libwisp.so, and a
// static third-party archive need not be position-independent). tests/unit/isa/
// cpu_features_x64_test.cpp checks the answer against asmjit's CpuInfo.
#include <cpuid.h>

#include <cstdint>

#include "isa/cpu_features.h"

namespace wisp::isa {
namespace {

struct CpuidRegisters {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// Leaf `leaf` (sub-leaf `subleaf`), or zeros when the CPU has no such leaf.
CpuidRegisters cpuid(unsigned leaf, unsigned subleaf = 0) {
  CpuidRegisters r;
  if (__get_cpuid_max(leaf & 0x80000000u, nullptr) < leaf) return r;
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
  return r;
}

bool bit(unsigned value, int index) { return (value >> index) & 1; }

// The OS saves the XMM and YMM registers on context switches (XCR0 bits 1 and 2): without
// that, AVX instructions fault even on a CPU that has them.
bool osSavesYmm() {
  uint32_t low, high;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return (low & 0x6) == 0x6;
}

}  // namespace

const CpuFeatures& hostCpuFeatures() {
  static const CpuFeatures features = [] {
    const CpuidRegisters basic = cpuid(1);
    const CpuidRegisters extended = cpuid(7, 0);
    const CpuidRegisters amd = cpuid(0x80000001u);
    CpuFeatures f;
    f.popcnt = bit(basic.ecx, 23);
    f.sse41 = bit(basic.ecx, 19);
    f.avx = bit(basic.ecx, 28) && bit(basic.ecx, 27) /* OSXSAVE */ && osSavesYmm();
    f.bmi1 = bit(extended.ebx, 3);
    f.lzcnt = bit(amd.ecx, 5);  // ABM
    return f;
  }();
  return features;
}

}  // namespace wisp::isa
