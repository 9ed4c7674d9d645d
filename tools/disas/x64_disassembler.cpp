#include "x64_disassembler.h"

#include <capstone/capstone.h>

#include <stdexcept>

namespace wisp::disas {

X64Disassembler::X64Disassembler() {
  csh handle;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
    throw std::runtime_error("capstone: cannot open an x86-64 disassembler");
  cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
  cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
  handle_ = handle;
}

X64Disassembler::~X64Disassembler() {
  csh handle = handle_;
  cs_close(&handle);
}

std::optional<Instruction> X64Disassembler::decodeAt(std::span<const uint8_t> code,
                                                     uint64_t offset) const {
  if (offset >= code.size()) return std::nullopt;
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

}  // namespace wisp::disas
