// hostCpuFeatures reads cpuid itself; asmjit's CpuInfo, which does the same independently, is
// the oracle.
#include <asmjit/core.h>
#include <gtest/gtest.h>

#include "isa/cpu_features.h"

namespace wisp::isa {
namespace {

TEST(CpuFeaturesX64, AgreesWithAsmjit) {
  const asmjit::CpuInfo& cpu = asmjit::CpuInfo::host();
  using X86 = asmjit::CpuFeatures::X86;
  const CpuFeatures& f = hostCpuFeatures();
  EXPECT_EQ(f.popcnt, cpu.hasFeature(X86::kPOPCNT));
  EXPECT_EQ(f.lzcnt, cpu.hasFeature(X86::kLZCNT));
  EXPECT_EQ(f.bmi1, cpu.hasFeature(X86::kBMI));
  EXPECT_EQ(f.sse41, cpu.hasFeature(X86::kSSE4_1));
  EXPECT_EQ(f.avx, cpu.hasFeature(X86::kAVX));  // asmjit too requires the OS to save YMM
}

}  // namespace
}  // namespace wisp::isa
