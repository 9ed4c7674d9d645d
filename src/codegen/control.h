// The control stack and the merge states of its targets.
//
// A branch target (a block's or an if's end, a loop's header, the function's end) has a merge
// state: which locals are in which registers (and whether their homes are stale), and where
// each of its label values is (a register, or the label's frame slot). The first edge to reach
// a target fixes its state from the edge's own state, keeping values where they are; every
// later edge brings its state to the fixed one with a parallel move (parallel_move.h). A loop
// fixes its header's state on entry, after choosing which locals to carry in registers.
//
// Invariants:
//  - below a frame's height every value stack entry is in memory (entering a block, loop or if
//    spills the value stack), so a merge state needs to name only locals and label values;
//  - a fixed state's registers are distinct, allocatable, and never pinned or scratch ones;
//  - the states live in pools that grow during a function and are cleared per function (an
//    outer target may be fixed while inner frames are open, so frames cannot free them LIFO).
#pragma once

#include <cstdint>
#include <span>

#include "isa/masm.h"
#include "isa/reg.h"
#include "wasm/opcodes.h"
#include "wasm/types.h"

namespace wisp::codegen {

// A label value's place in a merge state: a register, else the label's slot.
struct MergeValue {
  isa::Reg reg;
};

struct Control {
  // Block, Loop, If, Else, Call (the body), or of exception handling: Try (a legacy try in its
  // body), Catch / CatchAll (past such a clause), TryTable.
  wasm::Opcode kind = wasm::Opcode::Block;
  uint32_t height = 0;                      // stack height below the params
  uint32_t param_count = 0;
  std::span<const wasm::ValType> results;
  int32_t label_base = 0;   // label values' slots are the ones above this
  int32_t slot_floor = 0;   // pushes inside the frame take slots above this one
  isa::Label label;         // end of a block or if; header of a loop
  isa::Label else_label;    // an if's else branch
  uint32_t saved_params_begin = 0;
  bool label_used = false;
  bool dead_on_entry = false;  // opened inside dead code: nothing in it is emitted

  // The merge state of the label (see above); label values: labelArity() entries.
  bool merge_fixed = false;
  uint32_t merge_locals = 0;  // a LocalSnapshot of the pool
  uint32_t merge_values_begin = 0;
  // An if's state where the condition branched: the else branch (or the false path of an if
  // without else) starts from it.
  uint32_t else_locals = 0;

  // Exception handling. Handlers are indices in the function's list (ExceptionHandler);
  // kNoHandler means the caller's.
  static constexpr uint32_t kNoHandler = UINT32_MAX;
  // Where an exception thrown by code directly in this frame goes: the frame's own handler
  // for a try in its body or a try_table, else the enclosing frame's.
  uint32_t inner_handler = kNoHandler;
  uint32_t handler = kNoHandler;        // a Try's or TryTable's own
  uint32_t outer_handler = kNoHandler;  // the enclosing frames' (where a catch's body throws)
  int32_t exception_slot = 0;           // a legacy try's caught exception, for rethrow
  isa::Label next_catch;                // a legacy try's test of its next catch clause

  uint32_t labelArity() const {
    return kind == wasm::Opcode::Loop ? param_count : static_cast<uint32_t>(results.size());
  }
};

}  // namespace wisp::codegen
