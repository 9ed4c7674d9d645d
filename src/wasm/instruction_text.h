// A function body as WebAssembly text, an instruction a line ("local.get 0", "br_if 1",
// "call 3 <name>", "i32.load offset=8"), each keyed by its byte offset in the module: the
// offsets the compiler's address map names, so a tool can put each instruction beside the
// machine code it became (`wisp explore`). Reads the opcode table (opcodes.def) for names and
// immediates; does not validate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasm/module.h"

namespace wisp::wasm {

struct InstructionText {
  uint32_t offset = 0;  // in the module binary
  uint32_t depth = 0;   // block nesting, for indentation: 1 in the body, 0 for its final `end`
  std::string text;
};

struct BodyText {
  // The first line stands for the locals' declaration (where the compiler puts the prologue),
  // at the body's offset: "entry (local i32 i64)".
  std::vector<InstructionText> lines;
  // Where the bytes stop decoding (an unknown opcode, a truncated immediate): the lines end
  // there. Empty when the whole body was read.
  std::string error;
};

// The text of a defined function's body.
BodyText bodyText(const Module& module, uint32_t function_index);

}  // namespace wisp::wasm
