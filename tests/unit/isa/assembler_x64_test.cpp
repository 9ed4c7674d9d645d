// Wisp's x86-64 encoder against asmjit, the oracle: every form the encoder has, over every
// register (and operand width), the immediates and memory operands that change an encoding,
// and the label forms (short and near branches both ways, RIP-relative operands, jump-table
// entries), must give asmjit's bytes exactly; and where capstone is there (the disassembly
// tests' library), the bytes of every instruction form must decode back, all of them, as
// instructions (a check of both encoders by a third party).
#include "isa/x64/assembler_x64.h"
#include "isa/x64/masm_x64.h"

#include <asmjit/x86.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#if WISP_ENCODER_DECODE_BACK
#include "disassembler.h"
#endif

#include <cstring>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace wisp::isa::x64 {
namespace {

namespace ax = asmjit::x86;

std::vector<uint8_t> withAsmjit(const std::function<void(ax::Assembler&)>& emit) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  ax::Assembler a(&code);
  emit(a);
  EXPECT_EQ(code.flatten(), asmjit::kErrorOk);
  EXPECT_EQ(code.resolveUnresolvedLinks(), asmjit::kErrorOk);
  EXPECT_EQ(code.relocateToBase(0), asmjit::kErrorOk);
  const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
  return {buffer.data(), buffer.data() + buffer.size()};
}

std::vector<uint8_t> withWisp(const std::function<void(Assembler&)>& emit) {
  CodeBuffer buffer;
  Assembler a(buffer);
  emit(a);
  EXPECT_TRUE(buffer.resolveFixups());
  return {buffer.data(), buffer.data() + buffer.size()};
}

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char b[4];
  for (uint8_t v : bytes) {
    std::snprintf(b, sizeof b, "%02x ", v);
    out += b;
  }
  return out;
}

// Both encoders run the same instructions; `what` names them in a failure.
bool sameBytes(const std::string& what, const std::function<void(Assembler&)>& ours,
               const std::function<void(ax::Assembler&)>& theirs) {
  const std::string wisp_bytes = hex(withWisp(ours)), asmjit_bytes = hex(withAsmjit(theirs));
  EXPECT_EQ(wisp_bytes, asmjit_bytes) << what;
  return wisp_bytes == asmjit_bytes;
}

// The bytes decode as instructions to the last byte (nothing invalid, nothing left over).
bool decodesBack(const std::string& what, const std::function<void(Assembler&)>& ours) {
#if WISP_ENCODER_DECODE_BACK
  static const disas::Disassembler disassembler;
  const std::vector<uint8_t> bytes = withWisp(ours);
  uint64_t at = 0;
  while (at < bytes.size()) {
    const std::optional<disas::Instruction> instruction = disassembler.decodeAt(bytes, at);
    if (!instruction || instruction->bytes.empty()) {
      ADD_FAILURE() << what << ": capstone cannot decode " << hex(bytes) << "at byte " << at;
      return false;
    }
    at = instruction->end();
  }
  EXPECT_EQ(at, bytes.size()) << what;
  return at == bytes.size();
#else
  (void)what;
  (void)ours;
  return true;
#endif
}

#define EXPECT_SAME_BYTES(what, ours, theirs)                                                  \
  if (!sameBytes(what, [&](Assembler& a) { ours; }, [&](ax::Assembler& b) { theirs; }) ||     \
      !decodesBack(what, [&](Assembler& a) { ours; }))                                         \
  return

ax::Gp A(Gp g) {
  switch (g.size) {
    case 1: return ax::gpb_lo(g.id);
    case 2: return ax::gpw(g.id);
    case 4: return ax::gpd(g.id);
    default: return ax::gpq(g.id);
  }
}
ax::Xmm A(Xmm x) { return ax::xmm(x.id); }
ax::Mem A(const Mem& m, uint32_t size = 0) {
  ax::Mem out = m.has_index ? ax::ptr(ax::gpq(m.base), ax::gpq(m.index), m.shift, m.disp)
                            : ax::ptr(ax::gpq(m.base), m.disp);
  if (size) out.setSize(size);
  return out;
}
ax::CondCode A(CondCode cc) { return static_cast<ax::CondCode>(static_cast<uint8_t>(cc)); }

std::string name(Gp g) { return "r" + std::to_string(g.id) + "/" + std::to_string(g.size); }
std::string name(Xmm x) { return "xmm" + std::to_string(x.id); }
std::string name(const Mem& m) {
  return "[r" + std::to_string(m.base) + (m.has_index ? " + r" + std::to_string(m.index) + "<<" + std::to_string(m.shift) : "") +
         " + " + std::to_string(m.disp) + "]";
}

constexpr int32_t kDisplacements[] = {0, 8, -8, 127, 128, -128, -129, 0x12345, INT32_MAX, INT32_MIN};
constexpr int32_t kImmediates[] = {0, 1, -1, 2, 127, 128, -128, -129, 0x12345, INT32_MAX, INT32_MIN};

std::vector<Mem> memoryOperands() {
  std::vector<Mem> out;
  for (uint8_t base = 0; base < 16; ++base) {
    for (int32_t disp : kDisplacements) out.push_back(ptr(base, disp));
    for (uint8_t index = 0; index < 16; ++index) {
      if (index == 4) continue;  // rsp cannot index
      for (uint8_t shift = 0; shift < 4; ++shift)
        for (int32_t disp : {0, 8, 1000}) out.push_back(ptr(base, index, shift, disp));
    }
  }
  return out;
}

std::vector<Gp> gps(std::initializer_list<uint8_t> sizes) {
  std::vector<Gp> out;
  for (uint8_t size : sizes)
    for (uint8_t id = 0; id < 16; ++id) out.push_back(Gp{id, size});
  return out;
}

constexpr Alu kAlus[] = {Alu::Add, Alu::Or, Alu::And, Alu::Sub, Alu::Xor, Alu::Cmp};
constexpr Shift kShifts[] = {Shift::Rol, Shift::Ror, Shift::Shl, Shift::Shr, Shift::Sar};

void asmjitAlu(ax::Assembler& b, Alu op, const asmjit::Operand_& x, const asmjit::Operand_& y) {
  const asmjit::InstId ids[] = {ax::Inst::kIdAdd, ax::Inst::kIdOr, 0, 0, ax::Inst::kIdAnd,
                                ax::Inst::kIdSub, ax::Inst::kIdXor, ax::Inst::kIdCmp};
  b.emit(ids[static_cast<int>(op)], x, y);
}
void asmjitShift(ax::Assembler& b, Shift op, const asmjit::Operand_& x, const asmjit::Operand_& y) {
  const asmjit::InstId ids[] = {ax::Inst::kIdRol, ax::Inst::kIdRor, 0, 0, ax::Inst::kIdShl,
                                ax::Inst::kIdShr, 0, ax::Inst::kIdSar};
  b.emit(ids[static_cast<int>(op)], x, y);
}

TEST(AssemblerX64, RegisterToRegisterForms) {
  for (Gp d : gps({4, 8})) {
    for (uint8_t s_id = 0; s_id < 16; ++s_id) {
      const Gp s{s_id, d.size};
      const std::string what = name(d) + ", " + name(s);
      EXPECT_SAME_BYTES("mov " + what, a.mov(d, s), b.mov(A(d), A(s)));
      EXPECT_SAME_BYTES("test " + what, a.test(d, s), b.test(A(d), A(s)));
      EXPECT_SAME_BYTES("imul " + what, a.imul(d, s), b.imul(A(d), A(s)));
      EXPECT_SAME_BYTES("xchg " + what, a.xchg(d, s), b.xchg(A(d), A(s)));
      EXPECT_SAME_BYTES("cmovz " + what, a.cmov(CondCode::E, d, s), b.cmovz(A(d), A(s)));
      EXPECT_SAME_BYTES("lzcnt " + what, a.lzcnt(d, s), b.lzcnt(A(d), A(s)));
      EXPECT_SAME_BYTES("tzcnt " + what, a.tzcnt(d, s), b.tzcnt(A(d), A(s)));
      EXPECT_SAME_BYTES("popcnt " + what, a.popcnt(d, s), b.popcnt(A(d), A(s)));
      EXPECT_SAME_BYTES("bsr " + what, a.bsr(d, s), b.bsr(A(d), A(s)));
      EXPECT_SAME_BYTES("bsf " + what, a.bsf(d, s), b.bsf(A(d), A(s)));
      for (Alu op : kAlus)
        EXPECT_SAME_BYTES("alu " + what, a.alu(op, d, s), asmjitAlu(b, op, A(d), A(s)));
      for (uint8_t size : {1, 2}) {
        const Gp narrow{s_id, size};
        EXPECT_SAME_BYTES("movzx " + what, a.movzx(d, narrow), b.movzx(A(d), A(narrow)));
        EXPECT_SAME_BYTES("movsx " + what, a.movsx(d, narrow), b.movsx(A(d), A(narrow)));
      }
      if (d.size == 8) {
        EXPECT_SAME_BYTES("movsxd " + what, a.movsxd(d, Gp{s_id, 4}), b.movsxd(A(d), ax::gpd(s_id)));
      }
    }
  }
  // Byte registers: spl..dil take a REX prefix, ah..bh are never used.
  for (Gp d : gps({1})) {
    for (uint8_t s_id = 0; s_id < 16; ++s_id) {
      const Gp s{s_id, 1};
      for (Alu op : {Alu::And, Alu::Or})
        EXPECT_SAME_BYTES("alu8 " + name(d) + ", " + name(s), a.alu(op, d, s), asmjitAlu(b, op, A(d), A(s)));
      EXPECT_SAME_BYTES("mov8 " + name(d) + ", " + name(s), a.mov(d, s), b.mov(A(d), A(s)));
    }
  }
}

TEST(AssemblerX64, SingleRegisterForms) {
  for (Gp d : gps({4, 8})) {
    const std::string what = name(d);
    EXPECT_SAME_BYTES("neg " + what, a.neg(d), b.neg(A(d)));
    EXPECT_SAME_BYTES("div " + what, a.div(d), d.size == 8 ? b.div(ax::rdx, ax::rax, A(d)) : b.div(ax::edx, ax::eax, A(d)));
    EXPECT_SAME_BYTES("idiv " + what, a.idiv(d), d.size == 8 ? b.idiv(ax::rdx, ax::rax, A(d)) : b.idiv(ax::edx, ax::eax, A(d)));
    EXPECT_SAME_BYTES("btr " + what, a.btr(d, 31), b.btr(A(d), 31));
    EXPECT_SAME_BYTES("btc " + what, a.btc(d, 31), b.btc(A(d), 31));
    for (Shift op : kShifts) {
      EXPECT_SAME_BYTES("shift cl " + what, a.shiftByCl(op, d), asmjitShift(b, op, A(d), ax::cl));
      for (uint8_t count : {1, 2, 31, 63})
        EXPECT_SAME_BYTES("shift " + what + ", " + std::to_string(count), a.shift(op, d, count),
                          asmjitShift(b, op, A(d), asmjit::Imm(count)));
    }
    for (int32_t imm : kImmediates) {
      const std::string with = what + ", " + std::to_string(imm);
      for (Alu op : kAlus)
        EXPECT_SAME_BYTES("alu " + with, a.alu(op, d, imm), asmjitAlu(b, op, A(d), asmjit::Imm(imm)));
      for (uint8_t s_id : {0, 5, 12})
        EXPECT_SAME_BYTES("imul3 " + with, a.imul(d, Gp{s_id, d.size}, imm), b.imul(A(d), A(Gp{s_id, d.size}), imm));
    }
    if (d.size == 8) {
      EXPECT_SAME_BYTES("push " + what, a.push(d), b.push(A(d)));
      EXPECT_SAME_BYTES("pop " + what, a.pop(d), b.pop(A(d)));
      EXPECT_SAME_BYTES("call " + what, a.call(d), b.call(A(d)));
      EXPECT_SAME_BYTES("jmp " + what, a.jmp(d), b.jmp(A(d)));
    }
  }
  for (uint8_t c = 0; c < 16; ++c) {
    const auto cc = static_cast<CondCode>(c);
    for (Gp d : gps({1}))
      EXPECT_SAME_BYTES("set" + std::to_string(c) + " " + name(d), a.set(cc, d), b.set(A(cc), A(d)));
  }
  EXPECT_SAME_BYTES("cdq", a.cdq(), b.cdq(ax::edx, ax::eax));
  EXPECT_SAME_BYTES("cqo", a.cqo(), b.cqo(ax::rdx, ax::rax));
  EXPECT_SAME_BYTES("ret", a.ret(), b.ret());
  EXPECT_SAME_BYTES("ret 16", a.ret(16), b.ret(asmjit::Imm(16)));
  EXPECT_SAME_BYTES("ret 0x1230", a.ret(0x1230), b.ret(asmjit::Imm(0x1230)));
  EXPECT_SAME_BYTES("ud2", a.ud2(), b.ud2());
}

TEST(AssemblerX64, ConstantsIntoRegisters) {
  constexpr uint64_t kConstants[] = {0, 1, 0x7F, 0x80, 0x12345678, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                     0x100000000, 0xFFFFFFFF80000000, 0xFFFFFFFFFFFFFFFF,
                                     0x123456789ABCDEF0, 0x8000000000000000};
  for (uint8_t d = 0; d < 16; ++d) {
    for (uint64_t c : kConstants) {
      EXPECT_SAME_BYTES("mov r32 " + std::to_string(d) + ", " + std::to_string(c),
                        a.mov(Gp{d, 4}, static_cast<uint32_t>(c)), b.mov(ax::gpd(d), static_cast<uint32_t>(c)));
      EXPECT_SAME_BYTES("mov r64 " + std::to_string(d) + ", " + std::to_string(c),
                        a.mov(Gp{d, 8}, static_cast<int64_t>(c)), b.mov(ax::gpq(d), c));
      EXPECT_SAME_BYTES("movabs r64 " + std::to_string(d) + ", " + std::to_string(c),
                        a.movImm64(Gp{d, 8}, c), b.movabs(ax::gpq(d), c));
    }
  }
}

TEST(AssemblerX64, MemoryForms) {
  for (const Mem& m : memoryOperands()) {
    for (uint8_t r = 0; r < 16; ++r) {
      const std::string where = name(m) + " r" + std::to_string(r);
      for (uint8_t size : {4, 8}) {
        const Gp g{r, size};
        EXPECT_SAME_BYTES("load " + where, a.mov(g, m), b.mov(A(g), A(m)));
        EXPECT_SAME_BYTES("lea " + where, a.lea(g, m), b.lea(A(g), A(m)));
        EXPECT_SAME_BYTES("cmp r, m " + where, a.alu(Alu::Cmp, g, m), b.cmp(A(g), A(m, size)));
        for (uint8_t from : {1, 2}) {
          EXPECT_SAME_BYTES("movzx m " + where, a.movzx(g, m, from), b.movzx(A(g), A(m, from)));
          EXPECT_SAME_BYTES("movsx m " + where, a.movsx(g, m, from), b.movsx(A(g), A(m, from)));
        }
      }
      for (uint8_t size : {1, 2, 4, 8}) {
        const Gp g{r, size};
        EXPECT_SAME_BYTES("store " + where, a.mov(m, g), b.mov(A(m), A(g)));
      }
      EXPECT_SAME_BYTES("movsxd m " + where, a.movsxd(Gp{r, 8}, m), b.movsxd(ax::gpq(r), A(m, 4)));
      const Xmm x{r};
      EXPECT_SAME_BYTES("movss load " + where, a.sse(sse::kMovssLoad, x, m), b.movss(A(x), A(m)));
      EXPECT_SAME_BYTES("movsd load " + where, a.sse(sse::kMovsdLoad, x, m), b.movsd(A(x), A(m)));
      EXPECT_SAME_BYTES("movss store " + where, a.sse(sse::kMovssStore, m, x), b.movss(A(m), A(x)));
      EXPECT_SAME_BYTES("movsd store " + where, a.sse(sse::kMovsdStore, m, x), b.movsd(A(m), A(x)));
      EXPECT_SAME_BYTES("movdqu load " + where, a.sse(sse::kMovdquLoad, x, m), b.movdqu(A(x), A(m)));
      EXPECT_SAME_BYTES("movdqu store " + where, a.sse(sse::kMovdquStore, m, x), b.movdqu(A(m), A(x)));
      EXPECT_SAME_BYTES("vandps m " + where, a.vex(sse::kAndps, x, Xmm{uint8_t(15 - r)}, m),
                        b.vandps(A(x), ax::xmm(15 - r), A(m)));
    }
    for (int32_t imm : kImmediates) {
      const std::string where = name(m) + ", " + std::to_string(imm);
      EXPECT_SAME_BYTES("mov m32, imm " + where, a.mov(m, 4, imm), b.mov(A(m, 4), imm));
      EXPECT_SAME_BYTES("mov m64, imm " + where, a.mov(m, 8, imm), b.mov(A(m, 8), imm));
      EXPECT_SAME_BYTES("cmp m32, imm " + where, a.alu(Alu::Cmp, m, 4, imm), b.cmp(A(m, 4), imm));
      EXPECT_SAME_BYTES("cmp m32, imm32 " + where, a.aluImm32(Alu::Cmp, m, 4, imm),
                        b.long_().cmp(A(m, 4), imm));
    }
  }
}

// Thread-local words at a fixed offset from the thread pointer, as the host-to-wasm
// trampolines read and write their thread's entry state.
TEST(AssemblerX64, ThreadPointerRelativeForms) {
  for (uint8_t r = 0; r < 16; ++r) {
    for (int32_t disp : {0, 8, -16, -4096, 0x12345, INT32_MIN}) {
      const std::string where = "fs:[" + std::to_string(disp) + "] r" + std::to_string(r);
      ax::Mem m = ax::ptr(static_cast<uint64_t>(static_cast<int64_t>(disp)), 8);
      m.setSegment(ax::fs);
      m.setAddrType(ax::Mem::AddrType::kAbs);
      EXPECT_SAME_BYTES("load " + where, a.movFromFs(Gp{r, 8}, disp), b.mov(ax::gpq(r), m));
      EXPECT_SAME_BYTES("store " + where, a.movToFs(disp, Gp{r, 8}), b.mov(m, ax::gpq(r)));
      EXPECT_SAME_BYTES("cmp " + where, a.cmpWithFs(Gp{r, 8}, disp), b.cmp(ax::gpq(r), m));
      EXPECT_SAME_BYTES("sub " + where, a.subFromFs(Gp{r, 8}, disp), b.sub(ax::gpq(r), m));
    }
  }
}

// The packed (SIMD) forms: each wasm operation the MacroAssembler does in one instruction must
// be the instruction named here (by asmjit), over every pair of registers; and the forms with an
// immediate the lane operations use.
TEST(AssemblerX64, SimdForms) {
  using wasm::Opcode;
  struct Packed {
    Opcode op;
    asmjit::InstId id;
  };
  const Packed binops[] = {
      {Opcode::I8x16Add, ax::Inst::kIdPaddb}, {Opcode::I16x8Add, ax::Inst::kIdPaddw},
      {Opcode::I32x4Add, ax::Inst::kIdPaddd}, {Opcode::I64x2Add, ax::Inst::kIdPaddq},
      {Opcode::I8x16Sub, ax::Inst::kIdPsubb}, {Opcode::I16x8Sub, ax::Inst::kIdPsubw},
      {Opcode::I32x4Sub, ax::Inst::kIdPsubd}, {Opcode::I64x2Sub, ax::Inst::kIdPsubq},
      {Opcode::I16x8Mul, ax::Inst::kIdPmullw}, {Opcode::I32x4Mul, ax::Inst::kIdPmulld},
      {Opcode::I8x16AddSatS, ax::Inst::kIdPaddsb}, {Opcode::I8x16AddSatU, ax::Inst::kIdPaddusb},
      {Opcode::I16x8AddSatS, ax::Inst::kIdPaddsw}, {Opcode::I16x8AddSatU, ax::Inst::kIdPaddusw},
      {Opcode::I8x16SubSatS, ax::Inst::kIdPsubsb}, {Opcode::I8x16SubSatU, ax::Inst::kIdPsubusb},
      {Opcode::I16x8SubSatS, ax::Inst::kIdPsubsw}, {Opcode::I16x8SubSatU, ax::Inst::kIdPsubusw},
      {Opcode::I8x16MinS, ax::Inst::kIdPminsb}, {Opcode::I8x16MinU, ax::Inst::kIdPminub},
      {Opcode::I8x16MaxS, ax::Inst::kIdPmaxsb}, {Opcode::I8x16MaxU, ax::Inst::kIdPmaxub},
      {Opcode::I16x8MinS, ax::Inst::kIdPminsw}, {Opcode::I16x8MinU, ax::Inst::kIdPminuw},
      {Opcode::I16x8MaxS, ax::Inst::kIdPmaxsw}, {Opcode::I16x8MaxU, ax::Inst::kIdPmaxuw},
      {Opcode::I32x4MinS, ax::Inst::kIdPminsd}, {Opcode::I32x4MinU, ax::Inst::kIdPminud},
      {Opcode::I32x4MaxS, ax::Inst::kIdPmaxsd}, {Opcode::I32x4MaxU, ax::Inst::kIdPmaxud},
      {Opcode::I8x16AvgrU, ax::Inst::kIdPavgb}, {Opcode::I16x8AvgrU, ax::Inst::kIdPavgw},
      {Opcode::I32x4DotI16x8S, ax::Inst::kIdPmaddwd},
      {Opcode::I8x16NarrowI16x8S, ax::Inst::kIdPacksswb},
      {Opcode::I8x16NarrowI16x8U, ax::Inst::kIdPackuswb},
      {Opcode::I16x8NarrowI32x4S, ax::Inst::kIdPackssdw},
      {Opcode::I16x8NarrowI32x4U, ax::Inst::kIdPackusdw},
      {Opcode::V128And, ax::Inst::kIdPand}, {Opcode::V128Or, ax::Inst::kIdPor},
      {Opcode::V128Xor, ax::Inst::kIdPxor},
      {Opcode::I8x16Eq, ax::Inst::kIdPcmpeqb}, {Opcode::I16x8Eq, ax::Inst::kIdPcmpeqw},
      {Opcode::I32x4Eq, ax::Inst::kIdPcmpeqd}, {Opcode::I64x2Eq, ax::Inst::kIdPcmpeqq},
      {Opcode::I8x16GtS, ax::Inst::kIdPcmpgtb}, {Opcode::I16x8GtS, ax::Inst::kIdPcmpgtw},
      {Opcode::I32x4GtS, ax::Inst::kIdPcmpgtd}, {Opcode::I8x16LtS, ax::Inst::kIdPcmpgtb},
      {Opcode::I16x8LtS, ax::Inst::kIdPcmpgtw}, {Opcode::I32x4LtS, ax::Inst::kIdPcmpgtd},
      {Opcode::F32x4Add, ax::Inst::kIdAddps}, {Opcode::F32x4Sub, ax::Inst::kIdSubps},
      {Opcode::F32x4Mul, ax::Inst::kIdMulps}, {Opcode::F32x4Div, ax::Inst::kIdDivps},
      {Opcode::F64x2Add, ax::Inst::kIdAddpd}, {Opcode::F64x2Sub, ax::Inst::kIdSubpd},
      {Opcode::F64x2Mul, ax::Inst::kIdMulpd}, {Opcode::F64x2Div, ax::Inst::kIdDivpd},
      {Opcode::F32x4Pmin, ax::Inst::kIdMinps}, {Opcode::F32x4Pmax, ax::Inst::kIdMaxps},
      {Opcode::F64x2Pmin, ax::Inst::kIdMinpd}, {Opcode::F64x2Pmax, ax::Inst::kIdMaxpd},
  };
  const Packed unops[] = {
      {Opcode::I8x16Abs, ax::Inst::kIdPabsb}, {Opcode::I16x8Abs, ax::Inst::kIdPabsw},
      {Opcode::I32x4Abs, ax::Inst::kIdPabsd}, {Opcode::F32x4Sqrt, ax::Inst::kIdSqrtps},
      {Opcode::F64x2Sqrt, ax::Inst::kIdSqrtpd},
      {Opcode::I16x8ExtendLowI8x16S, ax::Inst::kIdPmovsxbw},
      {Opcode::I16x8ExtendLowI8x16U, ax::Inst::kIdPmovzxbw},
      {Opcode::I32x4ExtendLowI16x8S, ax::Inst::kIdPmovsxwd},
      {Opcode::I32x4ExtendLowI16x8U, ax::Inst::kIdPmovzxwd},
      {Opcode::I64x2ExtendLowI32x4S, ax::Inst::kIdPmovsxdq},
      {Opcode::I64x2ExtendLowI32x4U, ax::Inst::kIdPmovzxdq},
      {Opcode::F64x2PromoteLowF32x4, ax::Inst::kIdCvtps2pd},
      {Opcode::F32x4ConvertI32x4S, ax::Inst::kIdCvtdq2ps},
      {Opcode::F64x2ConvertLowI32x4S, ax::Inst::kIdCvtdq2pd},
  };
  // The MacroAssembler's encoding of `p.op` (legacy SSE, dst op= src) is asmjit's `p.id`.
  auto sameTwoRegisterForms = [&](const Packed& p, uint32_t form) {
    ASSERT_NE(form, 0u) << wasm::opcodeName(p.op);
    for (uint8_t d = 0; d < 16; d += 3)
      for (uint8_t s = 0; s < 16; ++s) {
        const Xmm x{d}, y{s};
        EXPECT_SAME_BYTES(std::string(wasm::opcodeName(p.op)) + " " + name(x) + ", " + name(y),
                          a.sse(form, x, y), b.emit(p.id, A(x), A(y)));
      }
  };
  for (const Packed& p : binops) {
    bool swapped;
    sameTwoRegisterForms(p, MacroAssembler::simdBinopEncoding(p.op, &swapped));
  }
  // The same binary forms in VEX three-operand encoding (used with AVX): asmjit's "v" twin.
  for (const Packed& p : binops) {
    bool swapped;
    const uint32_t form = MacroAssembler::simdBinopEncoding(p.op, &swapped);
    asmjit::String legacy;
    ASSERT_EQ(asmjit::InstAPI::instIdToString(asmjit::Arch::kX64, p.id, legacy), asmjit::kErrorOk);
    const std::string vex_name = std::string("v") + legacy.data();
    const asmjit::InstId vex_id =
        asmjit::InstAPI::stringToInstId(asmjit::Arch::kX64, vex_name.data(), vex_name.size());
    ASSERT_NE(vex_id, asmjit::InstId(ax::Inst::kIdNone)) << vex_name;
    for (uint8_t d = 0; d < 16; d += 5)
      for (uint8_t l = 0; l < 16; l += 3)
        for (uint8_t r = 0; r < 16; ++r) {
          const Xmm x{d}, y{l}, z{r};
          EXPECT_SAME_BYTES(vex_name + " " + name(x) + ", " + name(y) + ", " + name(z),
                            a.vex(form, x, y, z), b.emit(vex_id, A(x), A(y), A(z)));
        }
  }
  for (const Packed& p : unops) sameTwoRegisterForms(p, MacroAssembler::simdUnopEncoding(p.op));
  // The forms inside the MacroAssembler's longer sequences (min/max, compares, conversions,
  // shifts, any_true/bitmask, popcnt), by their opcodes.
  const struct {
    uint32_t form;
    asmjit::InstId id;
  } others[] = {
      {Assembler::kOp(0x55, 1), ax::Inst::kIdAndnps}, {Assembler::kOp(0x14, 1), ax::Inst::kIdUnpcklps},
      {Assembler::kOp(0x5A, 1, 0x66), ax::Inst::kIdCvtpd2ps},
      {Assembler::kOp(0xF4, 1, 0x66), ax::Inst::kIdPmuludq},
      {Assembler::kOp(0x28, 2, 0x66), ax::Inst::kIdPmuldq},
      {Assembler::kOp(0x0B, 2, 0x66), ax::Inst::kIdPmulhrsw},
      {Assembler::kOp(0x04, 2, 0x66), ax::Inst::kIdPmaddubsw},
      {Assembler::kOp(0x17, 2, 0x66), ax::Inst::kIdPtest},
      {Assembler::kOp(0x00, 2, 0x66), ax::Inst::kIdPshufb},
      {Assembler::kOp(0x6C, 1, 0x66), ax::Inst::kIdPunpcklqdq},
      {Assembler::kOp(0x6D, 1, 0x66), ax::Inst::kIdPunpckhqdq},
      {Assembler::kOp(0x60, 1, 0x66), ax::Inst::kIdPunpcklbw}, {Assembler::kOp(0x68, 1, 0x66), ax::Inst::kIdPunpckhbw},
      {Assembler::kOp(0x61, 1, 0x66), ax::Inst::kIdPunpcklwd}, {Assembler::kOp(0x69, 1, 0x66), ax::Inst::kIdPunpckhwd},
      {Assembler::kOp(0x62, 1, 0x66), ax::Inst::kIdPunpckldq}, {Assembler::kOp(0x6A, 1, 0x66), ax::Inst::kIdPunpckhdq},
      {Assembler::kOp(0xDF, 1, 0x66), ax::Inst::kIdPandn},
      {Assembler::kOp(0xF1, 1, 0x66), ax::Inst::kIdPsllw}, {Assembler::kOp(0xF2, 1, 0x66), ax::Inst::kIdPslld},
      {Assembler::kOp(0xF3, 1, 0x66), ax::Inst::kIdPsllq}, {Assembler::kOp(0xD1, 1, 0x66), ax::Inst::kIdPsrlw},
      {Assembler::kOp(0xD2, 1, 0x66), ax::Inst::kIdPsrld}, {Assembler::kOp(0xD3, 1, 0x66), ax::Inst::kIdPsrlq},
      {Assembler::kOp(0xE1, 1, 0x66), ax::Inst::kIdPsraw}, {Assembler::kOp(0xE2, 1, 0x66), ax::Inst::kIdPsrad},
  };
  for (uint8_t d = 0; d < 16; d += 3)
    for (uint8_t r = 0; r < 16; ++r) {
      const Xmm x{d}, y{r};
      const std::string what = name(x) + ", " + name(y);
      for (const auto& o : others)
        EXPECT_SAME_BYTES("form " + what, a.sse(o.form, x, y), b.emit(o.id, A(x), A(y)));
      EXPECT_SAME_BYTES("cmpps " + what, a.sseImm(Assembler::kOp(0xC2, 1), 4, x.id, y.id, 3), b.cmpps(A(x), A(y), 3));
      EXPECT_SAME_BYTES("cmppd " + what, a.sseImm(Assembler::kOp(0xC2, 1, 0x66), 4, x.id, y.id, 4), b.cmppd(A(x), A(y), 4));
      EXPECT_SAME_BYTES("roundps " + what, a.sseImm(Assembler::kOp(0x08, 3, 0x66), 4, x.id, y.id, 2), b.roundps(A(x), A(y), 2));
      EXPECT_SAME_BYTES("roundpd " + what, a.sseImm(Assembler::kOp(0x09, 3, 0x66), 4, x.id, y.id, 1), b.roundpd(A(x), A(y), 1));
      EXPECT_SAME_BYTES("palignr " + what, a.sseImm(Assembler::kOp(0x0F, 3, 0x66), 4, x.id, y.id, 5), b.palignr(A(x), A(y), 5));
      EXPECT_SAME_BYTES("pblendw " + what, a.sseImm(Assembler::kOp(0x0E, 3, 0x66), 4, x.id, y.id, 0x55), b.pblendw(A(x), A(y), 0x55));
      EXPECT_SAME_BYTES("psrlq imm " + what, a.sseImm(Assembler::kOp(0x73, 1, 0x66), 4, 2, y.id, 13), b.psrlq(A(y), 13));
      EXPECT_SAME_BYTES("psllq imm " + what, a.sseImm(Assembler::kOp(0x73, 1, 0x66), 4, 6, y.id, 32), b.psllq(A(y), 32));
      EXPECT_SAME_BYTES("psrld imm " + what, a.sseImm(Assembler::kOp(0x72, 1, 0x66), 4, 2, y.id, 10), b.psrld(A(y), 10));
      EXPECT_SAME_BYTES("psrad imm " + what, a.sseImm(Assembler::kOp(0x72, 1, 0x66), 4, 4, y.id, 31), b.psrad(A(y), 31));
      EXPECT_SAME_BYTES("pslld imm " + what, a.sseImm(Assembler::kOp(0x72, 1, 0x66), 4, 6, y.id, 16), b.pslld(A(y), 16));
      EXPECT_SAME_BYTES("psrlw imm " + what, a.sseImm(Assembler::kOp(0x71, 1, 0x66), 4, 2, y.id, 4), b.psrlw(A(y), 4));
      const Gp g{r, 4};
      EXPECT_SAME_BYTES("pmovmskb " + what, a.sseToGp(Assembler::kOp(0xD7, 1, 0x66), g, x), b.pmovmskb(A(g), A(x)));
      EXPECT_SAME_BYTES("movmskps " + what, a.sseToGp(Assembler::kOp(0x50, 1), g, x), b.movmskps(A(g), A(x)));
      EXPECT_SAME_BYTES("movmskpd " + what, a.sseToGp(Assembler::kOp(0x50, 1, 0x66), g, x), b.movmskpd(A(g), A(x)));
    }
  // The immediate forms of splats and lanes (their opcodes as the MacroAssembler has them).
  const uint32_t pshufd = Assembler::kOp(0x70, 1, 0x66), pshuflw = Assembler::kOp(0x70, 1, 0xF2),
                 pextrb = Assembler::kOp(0x14, 3, 0x66), pextrw = Assembler::kOp(0xC5, 1, 0x66),
                 pextrd = Assembler::kOp(0x16, 3, 0x66), pinsrb = Assembler::kOp(0x20, 3, 0x66),
                 pinsrw = Assembler::kOp(0xC4, 1, 0x66), pinsrd = Assembler::kOp(0x22, 3, 0x66),
                 insertps = Assembler::kOp(0x21, 3, 0x66);
  for (uint8_t x_id = 0; x_id < 16; ++x_id) {
    for (uint8_t r = 0; r < 16; ++r) {
      const Xmm x{x_id}, y{r};
      const Gp g32{r, 4}, g64{r, 8};
      const std::string what = name(x) + ", r" + std::to_string(r);
      EXPECT_SAME_BYTES("pshufd " + what, a.sseImm(pshufd, 4, x.id, y.id, 0xEE), b.pshufd(A(x), A(y), 0xEE));
      EXPECT_SAME_BYTES("pshuflw " + what, a.sseImm(pshuflw, 4, x.id, y.id, 0), b.pshuflw(A(x), A(y), 0));
      EXPECT_SAME_BYTES("insertps " + what, a.sseImm(insertps, 4, x.id, y.id, 0x30), b.insertps(A(x), A(y), 0x30));
      EXPECT_SAME_BYTES("pextrb " + what, a.sseImm(pextrb, 4, x.id, r, 15), b.pextrb(A(g32), A(x), 15));
      EXPECT_SAME_BYTES("pextrw " + what, a.sseImm(pextrw, 4, r, x.id, 7), b.pextrw(A(g32), A(x), 7));
      EXPECT_SAME_BYTES("pextrd " + what, a.sseImm(pextrd, 4, x.id, r, 3), b.pextrd(A(g32), A(x), 3));
      EXPECT_SAME_BYTES("pextrq " + what, a.sseImm(pextrd, 8, x.id, r, 1), b.pextrq(A(g64), A(x), 1));
      EXPECT_SAME_BYTES("pinsrb " + what, a.sseImm(pinsrb, 4, x.id, r, 9), b.pinsrb(A(x), A(g32), 9));
      EXPECT_SAME_BYTES("pinsrw " + what, a.sseImm(pinsrw, 4, x.id, r, 5), b.pinsrw(A(x), A(g32), 5));
      EXPECT_SAME_BYTES("pinsrd " + what, a.sseImm(pinsrd, 4, x.id, r, 2), b.pinsrd(A(x), A(g32), 2));
      EXPECT_SAME_BYTES("pinsrq " + what, a.sseImm(pinsrd, 8, x.id, r, 1), b.pinsrq(A(x), A(g64), 1));
    }
  }
}

TEST(AssemblerX64, FloatForms) {
  struct Scalar {
    uint8_t opcode;
    asmjit::InstId single_id, double_id;
  };
  const Scalar scalars[] = {
      {sse::kAdd, ax::Inst::kIdAddss, ax::Inst::kIdAddsd},
      {sse::kSub, ax::Inst::kIdSubss, ax::Inst::kIdSubsd},
      {sse::kMul, ax::Inst::kIdMulss, ax::Inst::kIdMulsd},
      {sse::kDiv, ax::Inst::kIdDivss, ax::Inst::kIdDivsd},
      {sse::kMin, ax::Inst::kIdMinss, ax::Inst::kIdMinsd},
      {sse::kMax, ax::Inst::kIdMaxss, ax::Inst::kIdMaxsd},
      {sse::kSqrt, ax::Inst::kIdSqrtss, ax::Inst::kIdSqrtsd},
  };
  const Scalar vex_scalars[] = {
      {sse::kAdd, ax::Inst::kIdVaddss, ax::Inst::kIdVaddsd},
      {sse::kSub, ax::Inst::kIdVsubss, ax::Inst::kIdVsubsd},
      {sse::kMul, ax::Inst::kIdVmulss, ax::Inst::kIdVmulsd},
      {sse::kDiv, ax::Inst::kIdVdivss, ax::Inst::kIdVdivsd},
  };
  for (uint8_t d = 0; d < 16; ++d) {
    for (uint8_t s = 0; s < 16; ++s) {
      const Xmm x{d}, y{s};
      const std::string what = name(x) + ", " + name(y);
      EXPECT_SAME_BYTES("movaps " + what, a.sse(sse::kMovaps, x, y), b.movaps(A(x), A(y)));
      EXPECT_SAME_BYTES("xorps " + what, a.sse(sse::kXorps, x, y), b.xorps(A(x), A(y)));
      EXPECT_SAME_BYTES("andps " + what, a.sse(sse::kAndps, x, y), b.andps(A(x), A(y)));
      EXPECT_SAME_BYTES("orps " + what, a.sse(sse::kOrps, x, y), b.orps(A(x), A(y)));
      EXPECT_SAME_BYTES("ucomiss " + what, a.sse(sse::kUcomiss, x, y), b.ucomiss(A(x), A(y)));
      EXPECT_SAME_BYTES("ucomisd " + what, a.sse(sse::kUcomisd, x, y), b.ucomisd(A(x), A(y)));
      EXPECT_SAME_BYTES("cvtss2sd " + what, a.sse(sse::kCvtss2sd, x, y), b.cvtss2sd(A(x), A(y)));
      EXPECT_SAME_BYTES("cvtsd2ss " + what, a.sse(sse::kCvtsd2ss, x, y), b.cvtsd2ss(A(x), A(y)));
      EXPECT_SAME_BYTES("roundss " + what, a.round(false, x, y, 3), b.roundss(A(x), A(y), 3));
      EXPECT_SAME_BYTES("roundsd " + what, a.round(true, x, y, 1), b.roundsd(A(x), A(y), 1));
      for (const Scalar& op : scalars) {
        EXPECT_SAME_BYTES("scalar f32 " + what, a.sse(sse::scalar(op.opcode, false), x, y), b.emit(op.single_id, A(x), A(y)));
        EXPECT_SAME_BYTES("scalar f64 " + what, a.sse(sse::scalar(op.opcode, true), x, y), b.emit(op.double_id, A(x), A(y)));
      }
      for (uint8_t size : {4, 8}) {
        const Gp g{s, size};
        EXPECT_SAME_BYTES("movd/q x, g " + what, a.movdq(x, g), size == 4 ? b.movd(A(x), A(g)) : b.movq(A(x), A(g)));
        EXPECT_SAME_BYTES("movd/q g, x " + what, a.movdq(Gp{d, size}, y),
                          size == 4 ? b.movd(A(Gp{d, size}), A(y)) : b.movq(A(Gp{d, size}), A(y)));
        EXPECT_SAME_BYTES("cvtsi2ss " + what, a.cvtsi2f(false, x, g), b.cvtsi2ss(A(x), A(g)));
        EXPECT_SAME_BYTES("cvtsi2sd " + what, a.cvtsi2f(true, x, g), b.cvtsi2sd(A(x), A(g)));
        EXPECT_SAME_BYTES("cvttss2si " + what, a.cvttf2si(false, Gp{d, size}, y), b.cvttss2si(A(Gp{d, size}), A(y)));
        EXPECT_SAME_BYTES("cvttsd2si " + what, a.cvttf2si(true, Gp{d, size}, y), b.cvttsd2si(A(Gp{d, size}), A(y)));
      }
      for (uint8_t l = 0; l < 16; ++l) {
        const Xmm z{l};
        for (const Scalar& op : vex_scalars) {
          EXPECT_SAME_BYTES("vex f32 " + what + ", " + name(z), a.vex(sse::scalar(op.opcode, false), x, z, y),
                            b.emit(op.single_id, A(x), A(z), A(y)));
          EXPECT_SAME_BYTES("vex f64 " + what + ", " + name(z), a.vex(sse::scalar(op.opcode, true), x, z, y),
                            b.emit(op.double_id, A(x), A(z), A(y)));
        }
      }
    }
  }
}

// Label forms run as one sequence in both assemblers, labels created in the same order.
TEST(AssemblerX64, BranchesAndLabels) {
  for (uint32_t gap : {0u, 1u, 100u, 120u, 121u, 122u, 123u, 124u, 125u, 126u, 127u, 128u, 129u, 300u}) {
    for (uint8_t c = 0; c < 16; ++c) {
      const auto cc = static_cast<CondCode>(c);
      const std::string what = "gap " + std::to_string(gap) + " cc " + std::to_string(c);
      sameBytes("backward " + what,
                        [&](Assembler& a) {
                          Label top = a.newLabel();
                          a.bind(top);
                          for (uint32_t i = 0; i < gap; ++i) a.db(0x90);
                          a.j(cc, top);
                          a.jmp(top);
                        },
                        [&](ax::Assembler& b) {
                          asmjit::Label top = b.newLabel();
                          b.bind(top);
                          for (uint32_t i = 0; i < gap; ++i) b.db(0x90);
                          b.j(A(cc), top);
                          b.jmp(top);
                        });
      sameBytes("forward " + what,
                        [&](Assembler& a) {
                          Label end = a.newLabel();
                          a.j(cc, end);
                          a.jmp(end);
                          for (uint32_t i = 0; i < gap; ++i) a.db(0x90);
                          a.bind(end);
                          a.ret();
                        },
                        [&](ax::Assembler& b) {
                          asmjit::Label end = b.newLabel();
                          b.j(A(cc), end);
                          b.jmp(end);
                          for (uint32_t i = 0; i < gap; ++i) b.db(0x90);
                          b.bind(end);
                          b.ret();
                        });
    }
  }
}

TEST(AssemblerX64, RipRelativeOperandsAndData) {
  for (uint8_t r = 0; r < 16; ++r) {
    for (uint32_t pad : {0u, 1u, 5u, 15u}) {
      const Xmm x{r};
      const Gp g{r, 8};
      const std::string what = "xmm" + std::to_string(r) + " pad " + std::to_string(pad);
      // Forward references to a 16-byte-aligned pool, and a backward one.
      sameBytes("pool " + what,
                        [&](Assembler& a) {
                          Label pool = a.newLabel();
                          a.sse(sse::kMovsdLoad, x, ripPtr(pool));
                          a.sse(sse::kMovssLoad, x, ripPtr(pool));
                          a.sse(sse::kXorps, x, ripPtr(pool));
                          a.vex(sse::kAndps, x, Xmm{uint8_t(15 - r)}, ripPtr(pool));
                          a.lea(g, ripPtr(pool));
                          for (uint32_t i = 0; i < pad; ++i) a.db(0x90);
                          a.alignData(16);
                          a.bind(pool);
                          a.dq(0x8000000000000000);
                          a.dq(0);
                          a.sse(sse::kMovsdLoad, x, ripPtr(pool));
                        },
                        [&](ax::Assembler& b) {
                          asmjit::Label pool = b.newLabel();
                          b.movsd(A(x), ax::ptr(pool));
                          b.movss(A(x), ax::ptr(pool));
                          b.xorps(A(x), ax::ptr(pool));
                          b.vandps(A(x), ax::xmm(15 - r), ax::ptr(pool));
                          b.lea(A(g), ax::ptr(pool));
                          for (uint32_t i = 0; i < pad; ++i) b.db(0x90);
                          b.align(asmjit::AlignMode::kData, 16);
                          b.bind(pool);
                          b.embedUInt64(0x8000000000000000);
                          b.embedUInt64(0);
                          b.movsd(A(x), ax::ptr(pool));
                        });
    }
  }
  // A jump table: entries are target - table, targets before and after it.
  sameBytes("jump table",
                    [&](Assembler& a) {
                      Label before = a.newLabel(), table = a.newLabel(), after = a.newLabel();
                      a.bind(before);
                      a.lea(Gp{11, 8}, ripPtr(table));
                      a.movsxd(Gp{0, 8}, ptr(11, 0, 2, 0));
                      a.alu(Alu::Add, Gp{0, 8}, Gp{11, 8});
                      a.jmp(Gp{0, 8});
                      a.db(0x90);
                      a.alignData(4);
                      a.bind(table);
                      a.labelDelta32(after, table);
                      a.labelDelta32(before, table);
                      a.labelDelta32(after, table);
                      a.bind(after);
                      a.ret();
                    },
                    [&](ax::Assembler& b) {
                      asmjit::Label before = b.newLabel(), table = b.newLabel(), after = b.newLabel();
                      b.bind(before);
                      b.lea(ax::r11, ax::ptr(table));
                      b.movsxd(ax::rax, ax::dword_ptr(ax::r11, ax::rax, 2));
                      b.add(ax::rax, ax::r11);
                      b.jmp(ax::rax);
                      b.db(0x90);
                      b.align(asmjit::AlignMode::kData, 4);
                      b.bind(table);
                      b.embedLabelDelta(after, table, 4);
                      b.embedLabelDelta(before, table, 4);
                      b.embedLabelDelta(after, table, 4);
                      b.bind(after);
                      b.ret();
                    });
}

#if WISP_ENCODER_DECODE_BACK
// The decode-back check itself: bytes that are no instruction fail it.
TEST(AssemblerX64, DecodeBackRefusesWhatIsNoInstruction) {
  EXPECT_TRUE(decodesBack("mov", [](Assembler& a) { a.mov(Gp{0, 8}, Gp{1, 8}); }));
  EXPECT_NONFATAL_FAILURE(
      decodesBack("a lone REX.W", [](Assembler& a) { a.db(0x48); }), "capstone cannot decode");
}
#endif

TEST(AssemblerX64, UnboundLabelIsReported) {
  CodeBuffer buffer;
  Assembler a(buffer);
  Label nowhere = a.newLabel();
  a.jmp(nowhere);
  EXPECT_FALSE(buffer.resolveFixups());
}

TEST(AssemblerX64, JumpTableEntryBeforeItsBaseIsReported) {
  CodeBuffer buffer;
  Assembler a(buffer);
  Label table = a.newLabel(), target = a.newLabel();
  a.bind(target);
  a.labelDelta32(target, table);  // the base is not bound yet
  a.bind(table);
  EXPECT_FALSE(buffer.resolveFixups());
  buffer.clear();  // a new function starts whole
  EXPECT_TRUE(buffer.resolveFixups());
}

TEST(AssemblerX64, BufferGrowsPastItsFirstCapacity) {
  CodeBuffer buffer;
  Assembler a(buffer);
  Label top = a.newLabel();
  a.bind(top);
  for (int i = 0; i < 100000; ++i) a.mov(Gp{static_cast<uint8_t>(i % 16), 8}, ptr(5, -8 * (i % 64)));
  a.jmp(top);
  ASSERT_TRUE(buffer.resolveFixups());
  // The last instruction is a near jump back to offset 0.
  const uint32_t end = buffer.size();
  int32_t rel;
  std::memcpy(&rel, buffer.data() + end - 4, 4);
  EXPECT_EQ(buffer.data()[end - 5], 0xE9);
  EXPECT_EQ(static_cast<int64_t>(end) + rel, 0);
}


// A thread's functions one after another in one buffer, written into memory the caller
// provides and grows (moving it): each function's positions count from its own start, and the
// functions before it keep their bytes.
TEST(AssemblerX64, FunctionsFollowEachOtherInTheCallersMemory) {
  struct Owner {
    std::vector<std::unique_ptr<uint8_t[]>> blocks;
    size_t capacity = 64;
    static uint8_t* grow(void* self, size_t at_least, size_t* granted) {
      auto* owner = static_cast<Owner*>(self);
      const size_t capacity = at_least + 100;  // the owner's step
      auto block = std::make_unique<uint8_t[]>(capacity);
      std::memcpy(block.get(), owner->blocks.back().get(), owner->capacity);
      owner->capacity = *granted = capacity;
      owner->blocks.push_back(std::move(block));
      return owner->blocks.back().get();
    }
  } owner;
  owner.blocks.push_back(std::make_unique<uint8_t[]>(owner.capacity));
  CodeBuffer buffer;
  buffer.useStorage(owner.blocks.back().get(), static_cast<uint32_t>(owner.capacity), Owner::grow,
                    &owner);
  std::vector<uint32_t> starts;
  for (int function = 0; function < 3; ++function) {
    buffer.alignFunctionStart(16);
    buffer.startFunction();
    starts.push_back(buffer.totalSize());
    Assembler a(buffer);
    Label top = a.newLabel();
    a.bind(top);
    EXPECT_EQ(a.offset(), 0u);
    for (int i = 0; i < 1000; ++i) a.mov(Gp{static_cast<uint8_t>(i % 16), 8}, ptr(5, -8 * (i % 64)));
    a.jmp(top);
    ASSERT_TRUE(buffer.resolveFixups());
  }
  EXPECT_GT(owner.blocks.size(), 2u);  // it grew, so it moved
  EXPECT_EQ(buffer.allData(), owner.blocks.back().get());
  for (size_t f = 0; f < starts.size(); ++f) {
    EXPECT_EQ(starts[f] % 16, 0u);
    const uint32_t end = f + 1 < starts.size() ? starts[f + 1] : buffer.totalSize();
    const uint8_t* code = buffer.allData();
    // Padding between functions is zeros; each ends in a near jump back to its own start.
    uint32_t last = end;
    while (f + 1 < starts.size() && code[last - 1] == 0 && last - 1 > starts[f]) --last;
    int32_t rel;
    std::memcpy(&rel, code + last - 4, 4);
    EXPECT_EQ(code[last - 5], 0xE9);
    EXPECT_EQ(static_cast<int64_t>(last) + rel, starts[f]) << f;
  }
  buffer.releaseStorage();
  EXPECT_EQ(buffer.totalSize(), 0u);
}

}  // namespace
}  // namespace wisp::isa::x64
