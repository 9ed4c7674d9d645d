#include "isa/x64/encoder_x64.h"

#include "isa/x64/masm_x64.h"

namespace wisp::isa::x64::encode {
namespace {

constexpr uint8_t kAluOpcode[] = {0x01, 0x09, 0x21, 0x29, 0x31, 0x39};  // op r/m, reg
constexpr uint8_t kAluExtension[] = {0, 1, 4, 5, 6, 7};                // 83 /ext, 81 /ext

// REX.W R X B, emitted only when one of them is set.
void rex(Encoded& e, bool w64, uint8_t reg, uint8_t index, uint8_t base) {
  const uint8_t bits = static_cast<uint8_t>((w64 ? 8 : 0) | ((reg >> 3) << 2) |
                                            ((index >> 3) << 1) | (base >> 3));
  if (bits) e.put(static_cast<uint8_t>(0x40 | bits));
}

void modrmRegisters(Encoded& e, uint8_t reg, uint8_t rm) {
  e.put(static_cast<uint8_t>(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}

bool fitsInt8(int32_t v) { return v >= -128 && v <= 127; }

// [prefix], REX, [0F] opcode, and the ModRM/SIB/displacement of `addr` with `reg` in
// ModRM.reg.
void memoryForm(Encoded& e, bool w64, uint8_t opcode, uint8_t reg, const Address& addr,
                uint8_t prefix = 0, bool two_byte = false) {
  const uint8_t base = addr.base.hwCode();
  const bool has_index = addr.index.valid();
  const uint8_t index = has_index ? addr.index.hwCode() : 4;  // 4 in SIB.index: none
  if (prefix) e.put(prefix);
  rex(e, w64, reg, has_index ? index : 0, base);
  if (two_byte) e.put(0x0F);
  e.put(opcode);
  // rbp and r13 as a base have no mod-00 form (it means RIP or no base): they take a disp8.
  const bool no_disp = addr.disp == 0 && (base & 7) != 5;
  const uint8_t mod = no_disp ? 0 : fitsInt8(addr.disp) ? 1 : 2;
  if (has_index || (base & 7) == 4) {  // rsp and r12 as a base need a SIB byte
    e.put(static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | 4));
    e.put(static_cast<uint8_t>((addr.shift << 6) | ((index & 7) << 3) | (base & 7)));
  } else {
    e.put(static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | (base & 7)));
  }
  if (mod == 1) e.put(static_cast<uint8_t>(static_cast<int8_t>(addr.disp)));
  if (mod == 2) e.put32(addr.disp);
}

}  // namespace

void movRR(Encoded& e, bool w64, Reg dst, Reg src) {
  rex(e, w64, src.hwCode(), 0, dst.hwCode());
  e.put(0x89);
  modrmRegisters(e, src.hwCode(), dst.hwCode());
}

void aluRR(Encoded& e, AluOp op, bool w64, Reg dst, Reg src) {
  rex(e, w64, src.hwCode(), 0, dst.hwCode());
  e.put(kAluOpcode[static_cast<int>(op)]);
  modrmRegisters(e, src.hwCode(), dst.hwCode());
}

void aluRI(Encoded& e, AluOp op, bool w64, Reg dst, int32_t imm) {
  const uint8_t ext = kAluExtension[static_cast<int>(op)];
  rex(e, w64, 0, 0, dst.hwCode());
  if (fitsInt8(imm)) {
    e.put(0x83);
    modrmRegisters(e, ext, dst.hwCode());
    e.put(static_cast<uint8_t>(static_cast<int8_t>(imm)));
    return;
  }
  if (dst.hwCode() == 0) {
    // The accumulator has a short form (05, 0D, 25, 2D, 35, 3D id), which asmjit prefers.
    e.put(static_cast<uint8_t>(kAluOpcode[static_cast<int>(op)] + 4));
    e.put32(imm);
    return;
  }
  e.put(0x81);
  modrmRegisters(e, ext, dst.hwCode());
  e.put32(imm);
}

void testRR(Encoded& e, bool w64, Reg a, Reg b) {
  rex(e, w64, b.hwCode(), 0, a.hwCode());
  e.put(0x85);
  modrmRegisters(e, b.hwCode(), a.hwCode());
}

void movRM(Encoded& e, bool w64, Reg dst, const Address& addr) {
  memoryForm(e, w64, 0x8B, dst.hwCode(), addr);
}

void movMR(Encoded& e, bool w64, const Address& addr, Reg src) {
  memoryForm(e, w64, 0x89, src.hwCode(), addr);
}

void lea(Encoded& e, bool w64, Reg dst, const Address& addr) {
  memoryForm(e, w64, 0x8D, dst.hwCode(), addr);
}

void movRI32(Encoded& e, Reg dst, uint32_t imm) {
  rex(e, false, 0, 0, dst.hwCode());
  e.put(static_cast<uint8_t>(0xB8 | (dst.hwCode() & 7)));
  e.put32(static_cast<int32_t>(imm));
}

void movRI64(Encoded& e, Reg dst, uint64_t imm) {
  const auto value = static_cast<int64_t>(imm);
  if (value >= INT32_MIN && value <= INT32_MAX) {
    rex(e, true, 0, 0, dst.hwCode());
    e.put(0xC7);
    modrmRegisters(e, 0, dst.hwCode());
    e.put32(static_cast<int32_t>(value));
    return;
  }
  rex(e, true, 0, 0, dst.hwCode());
  e.put(static_cast<uint8_t>(0xB8 | (dst.hwCode() & 7)));
  e.put32(static_cast<int32_t>(imm));
  e.put32(static_cast<int32_t>(imm >> 32));
}

void movsdRM(Encoded& e, bool is64, Reg dst, const Address& addr) {
  memoryForm(e, false, 0x10, dst.hwCode(), addr, is64 ? 0xF2 : 0xF3, true);
}

void movsdMR(Encoded& e, bool is64, const Address& addr, Reg src) {
  memoryForm(e, false, 0x11, src.hwCode(), addr, is64 ? 0xF2 : 0xF3, true);
}

}  // namespace wisp::isa::x64::encode
