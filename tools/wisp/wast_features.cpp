#include "wast_features.h"

#include <string_view>

namespace wisp::cli {
namespace {

struct FeatureFlag {
  std::string_view flag;
  bool wasm::Features::*feature;
  bool enabled;
};

constexpr FeatureFlag kFeatureFlags[] = {
    {"--disable-simd", &wasm::Features::simd, false},
    {"--enable-relaxed-simd", &wasm::Features::relaxed_simd, true},
    {"--enable-tail-call", &wasm::Features::tail_call, true},
    {"--enable-extended-const", &wasm::Features::extended_const, true},
    {"--enable-multi-memory", &wasm::Features::multi_memory, true},
    {"--enable-memory64", &wasm::Features::memory64, true},
    {"--enable-threads", &wasm::Features::threads, true},
    {"--enable-exceptions", &wasm::Features::exceptions, true},
};

}  // namespace

wasm::Features featuresForWast2jsonFlags(const std::vector<std::string>& flags) {
  // The folder's own flags say what its scripts expect on top of 2.0: the core scripts
  // expect, say, a second memory to be invalid.
  wasm::Features features = wasm::Features::webAssembly2();
  for (const std::string& flag : flags) {
    if (flag == "--enable-all") {
      for (const FeatureFlag& known : kFeatureFlags)
        if (known.enabled) features.*known.feature = true;
      continue;
    }
    for (const FeatureFlag& known : kFeatureFlags)
      if (flag == known.flag) features.*known.feature = known.enabled;
  }
  return features;
}

}  // namespace wisp::cli
