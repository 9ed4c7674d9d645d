// An AArch64 host: the features CpuFeatures names are all x86-64's, so none is present.
// (AArch64 code uses only the base ISA, ARMv8.0-A with its FP and Advanced SIMD.)
#include "isa/cpu_features.h"

namespace wisp::isa {

const CpuFeatures& hostCpuFeatures() {
  static const CpuFeatures none{};
  return none;
}

}  // namespace wisp::isa
