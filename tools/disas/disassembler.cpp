#include "disassembler.h"

#include <capstone/capstone.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace wisp::disas {

Disassembler::Disassembler(CodeIsa isa) : isa_(isa) {
  csh handle;
  if (isa == CodeIsa::AArch64) {
    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &handle) != CS_ERR_OK)
      throw std::runtime_error("capstone: cannot open an AArch64 disassembler");
  } else {
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
      throw std::runtime_error("capstone: cannot open an x86-64 disassembler");
    cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
  }
  cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
  handle_ = handle;
}

Disassembler::~Disassembler() {
  csh handle = handle_;
  cs_close(&handle);
}

std::optional<Instruction> Disassembler::decodeAt(std::span<const uint8_t> code,
                                                     uint64_t offset) const {
  if (offset >= code.size()) return std::nullopt;
  if (isa_ == CodeIsa::AArch64) return decodeAArch64(code, offset);
  cs_insn* insn = nullptr;
  const size_t count =
      cs_disasm(handle_, code.data() + offset, code.size() - offset, offset, 1, &insn);
  if (count == 0) return std::nullopt;

  Instruction out;
  out.offset = insn->address;
  out.bytes.assign(insn->bytes, insn->bytes + insn->size);
  out.mnemonic = insn->mnemonic;
  out.operands = insn->op_str;

  const cs_x86& x86 = insn->detail->x86;
  const bool is_branch = cs_insn_group(handle_, insn, X86_GRP_JUMP) ||
                         cs_insn_group(handle_, insn, X86_GRP_CALL);
  out.is_call = cs_insn_group(handle_, insn, X86_GRP_CALL);
  for (uint8_t i = 0; i < x86.op_count; ++i) {
    const cs_x86_op& op = x86.operands[i];
    if (op.type == X86_OP_IMM && is_branch) out.direct_target = static_cast<uint64_t>(op.imm);
    if (op.type == X86_OP_REG && insn->id == X86_INS_JMP) out.is_indirect_jump = true;
    if (op.type == X86_OP_MEM && op.mem.base == X86_REG_RIP)
      out.rip_target = out.end() + static_cast<uint64_t>(op.mem.disp);
    if (op.type == X86_OP_IMM && insn->id == X86_INS_MOVABS && op.size == 8) {
      out.imm64 = static_cast<uint64_t>(op.imm);
      out.imm_offset = x86.encoding.imm_offset;
      out.imm_size = x86.encoding.imm_size;
    }
  }
  cs_free(insn, count);
  return out;
}

std::optional<Instruction> Disassembler::decodeAArch64(std::span<const uint8_t> code,
                                                       uint64_t offset) const {
  if (offset % 4 != 0 || code.size() - offset < 4) return std::nullopt;
  cs_insn* insn = nullptr;
  const size_t count = cs_disasm(handle_, code.data() + offset, 4, offset, 1, &insn);
  uint32_t word;
  std::memcpy(&word, code.data() + offset, 4);
  if (count == 0) {
    // udf #imm16 (Wisp's trap instruction), which this capstone does not know.
    if (word >> 16 != 0) return std::nullopt;
    Instruction udf;
    udf.offset = offset;
    udf.bytes.assign(code.data() + offset, code.data() + offset + 4);
    udf.mnemonic = "udf";
    char operand[16];
    std::snprintf(operand, sizeof operand, "#%u", word);
    udf.operands = operand;
    return udf;
  }
  Instruction out;
  out.offset = insn->address;
  out.bytes.assign(insn->bytes, insn->bytes + insn->size);
  out.mnemonic = insn->mnemonic;
  out.operands = insn->op_str;
  const cs_arm64& arm64 = insn->detail->arm64;
  const bool is_branch = cs_insn_group(handle_, insn, ARM64_GRP_JUMP) ||
                         cs_insn_group(handle_, insn, ARM64_GRP_CALL) ||
                         insn->id == ARM64_INS_B || insn->id == ARM64_INS_BL ||
                         insn->id == ARM64_INS_CBZ || insn->id == ARM64_INS_CBNZ ||
                         insn->id == ARM64_INS_TBZ || insn->id == ARM64_INS_TBNZ;
  out.is_call = insn->id == ARM64_INS_BL || insn->id == ARM64_INS_BLR;
  out.is_indirect_jump = insn->id == ARM64_INS_BR;
  // ldr (literal) of a general or FP register: opc 0x18/0x58 (w/x), 0x1C/0x5C (s/d).
  const bool literal = (word & 0x3B000000u) == 0x18000000u;
  for (uint8_t i = 0; i < arm64.op_count; ++i) {
    const cs_arm64_op& op = arm64.operands[i];
    if (op.type != ARM64_OP_IMM) continue;
    if (is_branch) out.direct_target = static_cast<uint64_t>(op.imm);
    if (literal) {
      out.literal_target = static_cast<uint64_t>(op.imm);
      out.literal_size = (word >> 30) == 0 ? 4 : 8;
    }
  }
  cs_free(insn, count);
  return out;
}

}  // namespace wisp::disas
