// The frame of a compiled function, addressed from the frame pointer:
//   [fp + 16 ...]  stack parameters (the caller's area), then stack results
//   [fp + 8]       the return address; [fp] the caller's frame pointer
//   [fp - 8]       the vmctx, reloaded after calls that change it
//   [fp - 16]      the parallel moves' temporary (holds nothing between instructions)
//   [fp - 24 ...]  the homes of the locals that are not stack parameters, in order
//   below them     the value stack's slots: an entry's slot is fixed when it is pushed
// Invariants: every home and slot is 8 bytes (16 for v128) and 8-aligned, so two of them
// coincide or do not overlap; the frame size, patched in when the body is done, covers the
// deepest slot used, rounded up to 16.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "isa/abi.h"
#include "wasm/types.h"

namespace wisp::codegen {

struct FrameLayout {
  static constexpr int32_t kVmctxSlot = 8;      // [fp - 8]
  static constexpr int32_t kMoveTempSlot = 16;  // [fp - 16]

  // Gives each local its home (a frame-pointer displacement): stack parameters stay in the
  // caller's area, the others go below the fixed slots. `locals_end`: the last home's slot;
  // `params_end`: the last register parameter's (the locals between them start zeroed).
  static void layOut(std::span<const wasm::ValType> locals, const isa::ABISig& sig,
                     std::vector<int32_t>& homes, int32_t* locals_end, int32_t* params_end) {
    int32_t slot = kMoveTempSlot;
    *params_end = slot;
    const size_t param_count = sig.params.size();
    homes.clear();
    for (size_t i = 0; i < locals.size(); ++i) {
      if (i < param_count && !sig.params[i].inRegister()) {
        homes.push_back(16 + static_cast<int32_t>(sig.params[i].stack_offset));
        continue;
      }
      slot += static_cast<int32_t>(isa::stackSlotSize(locals[i]));
      homes.push_back(-slot);
      if (i < param_count) *params_end = slot;
    }
    *locals_end = slot;
  }
};

}  // namespace wisp::codegen
