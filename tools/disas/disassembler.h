// Machine code to instructions, through capstone (x86-64 in Intel syntax, or AArch64), one
// instruction at a time so that callers can step over data embedded in code (jump tables,
// literals).
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
  // AArch64's `ldr reg, literal`: where the literal is, and its size.
  std::optional<uint64_t> literal_target;
  uint8_t literal_size = 0;
  uint8_t imm_offset = 0;                 // where the immediate sits in `bytes`
  uint8_t imm_size = 0;

  uint64_t end() const { return offset + bytes.size(); }
};

enum class CodeIsa { X86_64, AArch64 };

// The ISA Wisp's build generates code for (WISP_TARGET_ISA).
inline constexpr CodeIsa kTargetIsa =
#if defined(WISP_TARGET_AARCH64) || (!defined(WISP_TARGET_X86_64) && defined(__aarch64__))
    CodeIsa::AArch64;
#else
    CodeIsa::X86_64;
#endif

class Disassembler {
 public:
  explicit Disassembler(CodeIsa isa = kTargetIsa);
  CodeIsa isa() const { return isa_; }
  ~Disassembler();
  Disassembler(const Disassembler&) = delete;
  Disassembler& operator=(const Disassembler&) = delete;

  // The instruction at `offset` in `code`, or nullopt where the bytes are no instruction.
  std::optional<Instruction> decodeAt(std::span<const uint8_t> code, uint64_t offset) const;

 private:
  std::optional<Instruction> decodeAArch64(std::span<const uint8_t> code, uint64_t offset) const;
  CodeIsa isa_;
  size_t handle_ = 0;  // csh
};

}  // namespace wisp::disas
