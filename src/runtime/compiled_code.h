// A module's machine code as the compiler leaves it: published executable memory, what the
// trap handler needs to know about it, and where each function starts.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/code_info.h"
#include "runtime/code_memory.h"
#include "runtime/relocation.h"

namespace wisp::runtime {

struct CompiledCode {
  CodeMemory memory;  // published (read+execute)
  CodeInfo info;      // finished
  // Entry of each defined function (index - imported function count), in the wasm calling
  // convention, as an offset into `memory`.
  std::vector<uint32_t> function_offsets;
  // Every value of this process in the code (builtin addresses, canonical type ids), sorted by
  // offset: what serialization needs to move the code to another process.
  std::vector<Relocation> relocations;
  // The functions the code names by ref.func (whose VMFuncRef it reads from the vmctx as it
  // is), sorted, each once: instantiation defines their entries eagerly.
  std::vector<uint32_t> ref_functions;

  void* functionEntry(uint32_t defined_index) const {
    return reinterpret_cast<void*>(memory.begin() + function_offsets[defined_index]);
  }
};

}  // namespace wisp::runtime
