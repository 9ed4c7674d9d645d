// x86-64 machine code to instructions, through capstone (Intel syntax), one instruction at a
// time so that callers can step over data embedded in code (jump tables).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wisp::disas {

struct Instruction {
  uint64_t offset = 0;  // from the start of the code handed to decodeAt
  std::vector<uint8_t> bytes;
  std::string mnemonic;  // "mov"
  std::string operands;  // "rax, qword ptr [rbp - 8]"

  // Facts the listing annotates, read from capstone's operand details.
  bool is_call = false;
  bool is_indirect_jump = false;        // jmp reg
  std::optional<uint64_t> direct_target;  // call/jmp/jcc rel: the target offset
  std::optional<uint64_t> rip_target;     // a [rip + disp] operand: the address it names
  std::optional<uint64_t> imm64;          // the immediate of `movabs reg, imm64`
  uint8_t imm_offset = 0;                 // where the immediate sits in `bytes`
  uint8_t imm_size = 0;

  uint64_t end() const { return offset + bytes.size(); }
};

class X64Disassembler {
 public:
  X64Disassembler();
  ~X64Disassembler();
  X64Disassembler(const X64Disassembler&) = delete;
  X64Disassembler& operator=(const X64Disassembler&) = delete;

  // The instruction at `offset` in `code`, or nullopt where the bytes are no instruction.
  std::optional<Instruction> decodeAt(std::span<const uint8_t> code, uint64_t offset) const;

 private:
  size_t handle_ = 0;  // csh
};

}  // namespace wisp::disas
