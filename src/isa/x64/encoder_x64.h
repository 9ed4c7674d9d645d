// Direct byte encodings of the x86-64 forms Wisp emits most (register moves, frame and memory
// loads and stores, lea, and the two-operand integer ALU forms), written without asmjit's
// generic encoder, which costs a couple of hundred host instructions per instruction. The
// bytes are exactly asmjit's for the same operands (tests/unit/isa/encoder_x64_test.cpp
// compares every form over every register and representative memory operands), so asmjit
// stays the oracle and the encoder of every other form.
#pragma once

#include <cstdint>

#include "isa/reg.h"

namespace wisp::isa::x64 {

struct Address;

// One instruction's bytes.
struct Encoded {
  uint8_t bytes[16];
  uint8_t size = 0;
  void put(uint8_t b) { bytes[size++] = b; }
  void put32(int32_t v) {
    const auto u = static_cast<uint32_t>(v);
    for (int i = 0; i < 4; ++i) put(static_cast<uint8_t>(u >> (8 * i)));
  }
};

// The integer ALU operations with the classic encodings: opcode `op /r` for reg, reg (the
// destination in ModRM.rm) and `83 /ext ib` or `81 /ext id` for reg, imm.
enum class AluOp : uint8_t { Add, Or, And, Sub, Xor, Cmp };

namespace encode {

// mov dst, src (89 /r).
void movRR(Encoded& e, bool w64, Reg dst, Reg src);
// op dst, src.
void aluRR(Encoded& e, AluOp op, bool w64, Reg dst, Reg src);
// op dst, imm.
void aluRI(Encoded& e, AluOp op, bool w64, Reg dst, int32_t imm);
// test a, b (85 /r).
void testRR(Encoded& e, bool w64, Reg a, Reg b);
// mov dst, [addr] (8B /r) and mov [addr], src (89 /r).
void movRM(Encoded& e, bool w64, Reg dst, const Address& addr);
void movMR(Encoded& e, bool w64, const Address& addr, Reg src);
// lea dst, [addr] (8D /r).
void lea(Encoded& e, bool w64, Reg dst, const Address& addr);
// mov r32, imm32 (B8+r id), and a 64-bit constant as asmjit encodes it: mov r64, simm32
// (C7 /0 id) when it sign-extends, else movabs (B8+r io).
void movRI32(Encoded& e, Reg dst, uint32_t imm);
void movRI64(Encoded& e, Reg dst, uint64_t imm);
// movsd/movss xmm, [addr] (F2/F3 0F 10 /r) and [addr], xmm (F2/F3 0F 11 /r).
void movsdRM(Encoded& e, bool is64, Reg dst, const Address& addr);
void movsdMR(Encoded& e, bool is64, const Address& addr, Reg src);

}  // namespace encode
}  // namespace wisp::isa::x64
