#include <asmjit/core.h>

#include "isa/cpu_features.h"

namespace wisp::isa {

const CpuFeatures& hostCpuFeatures() {
  static const CpuFeatures features = [] {
    const asmjit::CpuInfo& cpu = asmjit::CpuInfo::host();
    using X86 = asmjit::CpuFeatures::X86;
    CpuFeatures f;
    f.popcnt = cpu.hasFeature(X86::kPOPCNT);
    f.lzcnt = cpu.hasFeature(X86::kLZCNT);
    f.bmi1 = cpu.hasFeature(X86::kBMI);
    f.sse41 = cpu.hasFeature(X86::kSSE4_1);
    f.avx = cpu.hasFeature(X86::kAVX);  // asmjit reports it only when the OS saves YMM state
    return f;
  }();
  return features;
}

}  // namespace wisp::isa
