// Which WebAssembly features the decoder accepts. The default is WebAssembly 2.0 (SIMD
// included); proposals are switched on one by one as Wisp implements them.
#pragma once

namespace wisp::wasm {

struct Features {
  bool simd = true;
  bool relaxed_simd = false;
  bool tail_call = false;
  bool extended_const = false;
  bool multi_memory = false;
  bool memory64 = false;
  bool threads = false;
  bool exceptions = false;
};

}  // namespace wisp::wasm
