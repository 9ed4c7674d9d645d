// Which WebAssembly features the decoder accepts. The default is what Wisp compiles of
// WebAssembly 3.0: 2.0 (SIMD included) with relaxed SIMD, tail calls, extended constants,
// multiple memories, 64-bit memories and exception handling; threads stay off.
#pragma once

namespace wisp::wasm {

struct Features {
  bool simd = true;
  bool relaxed_simd = true;
  bool tail_call = true;
  bool extended_const = true;
  bool multi_memory = true;
  bool memory64 = true;
  bool threads = false;
  // Exception handling: tags, exnref, the legacy try/catch/delegate/rethrow, throw, and
  // WebAssembly 3.0's try_table and throw_ref.
  bool exceptions = true;

  // WebAssembly 2.0 alone: what the core spec tests expect.
  static constexpr Features webAssembly2() {
    Features f;
    f.relaxed_simd = f.tail_call = f.extended_const = f.multi_memory = f.memory64 = false;
    f.exceptions = false;
    return f;
  }
};

}  // namespace wisp::wasm
