// Wisp's AArch64 encoder against asmjit's a64 assembler, the oracle: every form the encoder
// has, over registers that exercise each field (0, a middle one, 30 and 31 where the form
// allows sp or zr), and the immediates at the edges of each field, must give asmjit's words
// exactly. Label references are checked both ways (bound before and after the branch). Where
// capstone is there, every word must also decode back as an AArch64 instruction.
// The encoder is header-only, so this runs on any host.
#include "isa/a64/assembler_a64.h"

#include <asmjit/arm.h>
#include <asmjit/arm/a64assembler.h>
#include <gtest/gtest.h>

#if WISP_ENCODER_DECODE_BACK
#include "disassembler.h"
#endif

#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace wisp::isa::a64 {
namespace {

namespace aa = asmjit::a64;

std::vector<uint32_t> words(const uint8_t* data, size_t size) {
  std::vector<uint32_t> out(size / 4);
  std::memcpy(out.data(), data, out.size() * 4);
  return out;
}

std::vector<uint32_t> withAsmjit(const std::function<void(aa::Assembler&)>& emit) {
  asmjit::CodeHolder code;
  asmjit::Environment env(asmjit::Arch::kAArch64);
  code.init(env);
  aa::Assembler a(&code);
  emit(a);
  EXPECT_EQ(code.flatten(), asmjit::kErrorOk);
  EXPECT_EQ(code.resolveUnresolvedLinks(), asmjit::kErrorOk);
  const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
  return words(buffer.data(), buffer.size());
}

std::vector<uint32_t> withWisp(const std::function<void(Assembler&)>& emit) {
  CodeBuffer buffer;
  Assembler a(buffer);
  emit(a);
  EXPECT_TRUE(a.resolveLabels());
  return words(buffer.data(), buffer.size());
}

std::string hex(const std::vector<uint32_t>& ws) {
  std::string out;
  char b[12];
  for (uint32_t w : ws) {
    std::snprintf(b, sizeof b, "%08x ", w);
    out += b;
  }
  return out;
}

void same(const std::string& what, const std::function<void(Assembler&)>& wisp,
          const std::function<void(aa::Assembler&)>& oracle) {
  const std::vector<uint32_t> mine = withWisp(wisp), theirs = withAsmjit(oracle);
  EXPECT_EQ(hex(mine), hex(theirs)) << what;
#if WISP_ENCODER_DECODE_BACK
  static const disas::Disassembler decoder(disas::CodeIsa::AArch64);
  std::vector<uint8_t> bytes(mine.size() * 4);
  std::memcpy(bytes.data(), mine.data(), bytes.size());
  for (uint64_t at = 0; at < bytes.size(); at += 4)
    EXPECT_TRUE(decoder.decodeAt(bytes, at).has_value()) << what << " at " << at;
#endif
}

aa::Gp gpw(uint8_t r) { return r == 31 ? aa::wzr : aa::w(r); }
aa::Gp gpx(uint8_t r) { return r == 31 ? aa::xzr : aa::x(r); }
aa::Gp gpw_sp(uint8_t r) { return r == 31 ? aa::wsp : aa::w(r); }
aa::Gp gpx_sp(uint8_t r) { return r == 31 ? aa::sp : aa::x(r); }
aa::Gp gp(bool is64, uint8_t r) { return is64 ? gpx(r) : gpw(r); }
aa::Gp gpSp(bool is64, uint8_t r) { return is64 ? gpx_sp(r) : gpw_sp(r); }

aa::Vec fpReg(bool dbl, uint8_t n) { return dbl ? aa::Vec(aa::d(n)) : aa::Vec(aa::s(n)); }

constexpr uint8_t kRegs[] = {0, 1, 7, 16, 29, 30};

TEST(AssemblerA64, AddSubImmediate) {
  for (bool is64 : {false, true})
    for (uint8_t d : {0, 5, 31})
      for (uint8_t n : {0, 30, 31})
        for (uint32_t imm : {0u, 1u, 0xABCu, 0xFFFu})
          for (bool shift : {false, true}) {
            const std::string what = "add/sub imm " + std::to_string(d) + "," + std::to_string(n) +
                                     " #" + std::to_string(imm) + (shift ? " lsl 12" : "");
            same(what, [&](Assembler& a) {
              a.addSubImm(Assembler::AddSub::Add, is64, d, n, imm, shift);
              a.addSubImm(Assembler::AddSub::Sub, is64, d, n, imm, shift);
              a.addSubImm(Assembler::AddSub::Adds, is64, d == 31 ? 0 : d, n, imm, shift);
              a.addSubImm(Assembler::AddSub::Subs, is64, d == 31 ? 0 : d, n, imm, shift);
            }, [&](aa::Assembler& a) {
              const asmjit::Imm sh = asmjit::Imm(imm);
              auto rd = gpSp(is64, d), rn = gpSp(is64, n), rf = gp(is64, d == 31 ? 0 : d);
              if (shift) {
                a.add(rd, rn, sh, aa::lsl(12));
                a.sub(rd, rn, sh, aa::lsl(12));
                a.adds(rf, rn, sh, aa::lsl(12));
                a.subs(rf, rn, sh, aa::lsl(12));
              } else {
                a.add(rd, rn, sh);
                a.sub(rd, rn, sh);
                a.adds(rf, rn, sh);
                a.subs(rf, rn, sh);
              }
            });
          }
}

TEST(AssemblerA64, AddSubAndLogicRegisters) {
  for (bool is64 : {false, true})
    for (uint8_t d : kRegs)
      for (uint8_t m : {0, 17, 31})
        for (uint8_t amount : {0, 3, 31}) {
          const std::string what = "reg forms d=" + std::to_string(d) + " m=" + std::to_string(m) +
                                   " lsl " + std::to_string(amount);
          same(what, [&](Assembler& a) {
            a.addSubReg(Assembler::AddSubReg::Add, is64, d, 2, m, Shift::Lsl, amount);
            a.addSubReg(Assembler::AddSubReg::Sub, is64, d, 2, m, Shift::Lsr, amount);
            a.addSubReg(Assembler::AddSubReg::Adds, is64, d, 2, m);
            a.addSubReg(Assembler::AddSubReg::Subs, is64, 31, d, m);
            a.logicReg(Assembler::Logic::And, is64, d, 3, m, Shift::Asr, amount);
            a.logicReg(Assembler::Logic::Orr, is64, d, 31, m);
            a.logicReg(Assembler::Logic::Eor, is64, d, 4, m, Shift::Ror, amount);
            a.logicReg(Assembler::Logic::Ands, is64, d, 4, m);
            a.logicReg(Assembler::Logic::Bic, is64, d, 4, m);
            a.mov(is64, d, m);
          }, [&](aa::Assembler& a) {
            a.add(gp(is64, d), gp(is64, 2), gp(is64, m), aa::lsl(amount));
            a.sub(gp(is64, d), gp(is64, 2), gp(is64, m), aa::lsr(amount));
            a.adds(gp(is64, d), gp(is64, 2), gp(is64, m));
            a.cmp(gp(is64, d), gp(is64, m));
            a.and_(gp(is64, d), gp(is64, 3), gp(is64, m), aa::asr(amount));
            a.orr(gp(is64, d), gp(is64, 31), gp(is64, m));
            a.eor(gp(is64, d), gp(is64, 4), gp(is64, m), aa::ror(amount));
            a.ands(gp(is64, d), gp(is64, 4), gp(is64, m));
            a.bic(gp(is64, d), gp(is64, 4), gp(is64, m));
            a.mov(gp(is64, d), gp(is64, m));
          });
        }
}

TEST(AssemblerA64, ExtendedRegisterWithStackPointer) {
  for (uint8_t m : {0, 17, 30}) {
    same("add/sub/cmp sp, x" + std::to_string(m), [&](Assembler& a) {
      a.addSubExtended(false, 31, 31, m);
      a.addSubExtended(true, 31, 31, m);
      a.addSubExtended(false, 5, 31, m);
      a.cmpExtended(31, m);
      a.movSp(31, 29);
      a.movSp(29, 31);
    }, [&](aa::Assembler& a) {
      a.add(aa::sp, aa::sp, aa::x(m), aa::uxtx(0));
      a.sub(aa::sp, aa::sp, aa::x(m), aa::uxtx(0));
      a.add(aa::x(5), aa::sp, aa::x(m), aa::uxtx(0));
      a.cmp(aa::sp, aa::x(m), aa::uxtx(0));
      a.mov(aa::sp, aa::x(29));
      a.mov(aa::x(29), aa::sp);
    });
  }
}

TEST(AssemblerA64, LogicalImmediates) {
  const uint64_t values64[] = {1, 0xFF, 0xFFFF0000FFFF0000ull, 0x5555555555555555ull,
                               0x00FF00FF00FF00FFull, 0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull,
                               0xFFFFFFFF00000000ull, 0x0000000000001F80ull, 0x3FFFFFFFFFFFFFC0ull};
  for (uint64_t value : values64) {
    const int32_t encoding = encodeLogicalImmediate(value, true);
    ASSERT_GE(encoding, 0) << std::hex << value;
    same("logic imm x " + std::to_string(value), [&](Assembler& a) {
      a.logicImm(Assembler::LogicImm::And, true, 1, 2, encoding);
      a.logicImm(Assembler::LogicImm::Orr, true, 31, 2, encoding);
      a.logicImm(Assembler::LogicImm::Eor, true, 3, 30, encoding);
      a.logicImm(Assembler::LogicImm::Ands, true, 3, 30, encoding);
    }, [&](aa::Assembler& a) {
      a.and_(aa::x(1), aa::x(2), value);
      a.orr(aa::sp, aa::x(2), value);
      a.eor(aa::x(3), aa::x(30), value);
      a.ands(aa::x(3), aa::x(30), value);
    });
  }
  const uint32_t values32[] = {1, 0xFF, 0xFFFF0000u, 0x55555555u, 0x0F0F0F0Fu, 0x80000000u,
                               0x7FFFFFFFu, 0x000003F0u, 0xFFFFFFFEu};
  for (uint32_t value : values32) {
    const int32_t encoding = encodeLogicalImmediate(value, false);
    ASSERT_GE(encoding, 0) << std::hex << value;
    same("logic imm w " + std::to_string(value), [&](Assembler& a) {
      a.logicImm(Assembler::LogicImm::And, false, 1, 2, encoding);
      a.logicImm(Assembler::LogicImm::Eor, false, 3, 30, encoding);
    }, [&](aa::Assembler& a) {
      a.and_(aa::w(1), aa::w(2), value);
      a.eor(aa::w(3), aa::w(30), value);
    });
  }
  // Values without an encoding.
  for (uint64_t value : {0ull, ~0ull, 0x1234ull, 0x8000000000000005ull})
    EXPECT_LT(encodeLogicalImmediate(value, true), 0) << std::hex << value;
  EXPECT_LT(encodeLogicalImmediate(0, false), 0);
  EXPECT_LT(encodeLogicalImmediate(0xFFFFFFFFu, false), 0);
}

TEST(AssemblerA64, MoveWide) {
  for (bool is64 : {false, true})
    for (uint8_t d : kRegs)
      for (uint16_t imm : {uint16_t{0}, uint16_t{0x1234}, uint16_t{0xFFFF}})
        for (uint8_t hw = 0; hw < (is64 ? 4 : 2); ++hw) {
          same("movz/movn/movk", [&](Assembler& a) {
            a.movWide(Assembler::Mov::Z, is64, d, imm, hw);
            a.movWide(Assembler::Mov::N, is64, d, imm, hw);
            a.movWide(Assembler::Mov::K, is64, d, imm, hw);
          }, [&](aa::Assembler& a) {
            a.movz(gp(is64, d), imm, aa::lsl(16 * hw));
            a.movn(gp(is64, d), imm, aa::lsl(16 * hw));
            a.movk(gp(is64, d), imm, aa::lsl(16 * hw));
          });
        }
}

TEST(AssemblerA64, BitfieldsShiftsAndTwoSources) {
  for (bool is64 : {false, true})
    for (uint8_t d : kRegs)
      for (uint8_t amount : {0, 1, 17, 31}) {
        same("bitfield/shift/two-source", [&](Assembler& a) {
          a.lslImm(is64, d, 3, amount);
          a.lsrImm(is64, d, 3, amount);
          a.asrImm(is64, d, 3, amount);
          a.extr(is64, d, 4, 5, amount);
          a.bitfield(Assembler::Bitfield::Sbfm, is64, d, 6, 0, 7);
          a.bitfield(Assembler::Bitfield::Bfm, is64, d, 6, amount, 0);
          a.twoSource(Assembler::TwoSource::Udiv, is64, d, 1, 2);
          a.twoSource(Assembler::TwoSource::Sdiv, is64, d, 1, 2);
          a.twoSource(Assembler::TwoSource::Lslv, is64, d, 1, 2);
          a.twoSource(Assembler::TwoSource::Lsrv, is64, d, 1, 2);
          a.twoSource(Assembler::TwoSource::Asrv, is64, d, 1, 2);
          a.twoSource(Assembler::TwoSource::Rorv, is64, d, 1, 2);
          a.madd(is64, d, 1, 2, 31);
          a.msub(is64, d, 1, 2, 3);
          a.oneSource(Assembler::OneSource::Clz, is64, d, 4);
          a.oneSource(Assembler::OneSource::Rbit, is64, d, 4);
          a.condSelect(Assembler::CondSelect::Csel, is64, d, 1, 2, CondCode::NE);
          a.condSelect(Assembler::CondSelect::Csinc, is64, d, 1, 2, CondCode::LO);
          a.cset(is64, d, CondCode::GT);
        }, [&](aa::Assembler& a) {
          auto r = [&](uint8_t n) { return gp(is64, n); };
          a.lsl(r(d), r(3), amount);
          a.lsr(r(d), r(3), amount);
          a.asr(r(d), r(3), amount);
          a.extr(r(d), r(4), r(5), amount);
          a.sbfm(r(d), r(6), 0, 7);
          a.bfm(r(d), r(6), amount, 0);
          a.udiv(r(d), r(1), r(2));
          a.sdiv(r(d), r(1), r(2));
          a.lsl(r(d), r(1), r(2));
          a.lsr(r(d), r(1), r(2));
          a.asr(r(d), r(1), r(2));
          a.ror(r(d), r(1), r(2));
          a.mul(r(d), r(1), r(2));
          a.msub(r(d), r(1), r(2), r(3));
          a.clz(r(d), r(4));
          a.rbit(r(d), r(4));
          a.csel(r(d), r(1), r(2), asmjit::arm::CondCode::kNE);
          a.csinc(r(d), r(1), r(2), asmjit::arm::CondCode::kLO);
          a.cset(r(d), asmjit::arm::CondCode::kGT);
        });
      }
}

TEST(AssemblerA64, LoadsAndStores) {
  using LS = Assembler::LoadStore;
  for (uint8_t t : {0, 16, 30})
    for (uint8_t n : {1, 29, 31}) {
      for (int32_t imm : {-256, -8, 0, 8, 255}) {
        same("ldur/stur #" + std::to_string(imm), [&](Assembler& a) {
          a.loadStoreUnscaled(LS::LdrX, t, n, imm);
          a.loadStoreUnscaled(LS::StrW, t, n, imm);
          a.loadStoreUnscaled(LS::Ldrb, t, n, imm);
          a.loadStoreUnscaled(LS::LdrshX, t, n, imm);
          a.loadStoreUnscaled(LS::LdrD, t, n, imm);
          a.loadStoreUnscaled(LS::StrS, t, n, imm);
          a.loadStoreUnscaled(LS::LdrQ, t, n, imm);
        }, [&](aa::Assembler& a) {
          auto m = aa::ptr(gpx_sp(n), imm);
          a.ldur(aa::x(t), m);
          a.stur(aa::w(t), m);
          a.ldurb(aa::w(t), m);
          a.ldursh(aa::x(t), m);
          a.ldur(aa::d(t), m);
          a.stur(aa::s(t), m);
          a.ldur(aa::v(t), m);
        });
      }
      for (uint32_t index : {0u, 1u, 4095u}) {
        same("ldr/str [#" + std::to_string(index) + " * size]", [&](Assembler& a) {
          a.loadStoreScaled(LS::LdrX, t, n, index);
          a.loadStoreScaled(LS::StrX, t, n, index);
          a.loadStoreScaled(LS::LdrW, t, n, index);
          a.loadStoreScaled(LS::Ldrsw, t, n, index);
          a.loadStoreScaled(LS::Strh, t, n, index);
          a.loadStoreScaled(LS::LdrsbW, t, n, index);
          a.loadStoreScaled(LS::LdrS, t, n, index);
          a.loadStoreScaled(LS::StrD, t, n, index);
          a.loadStoreScaled(LS::StrQ, t, n, index);
        }, [&](aa::Assembler& a) {
          auto at = [&](int size) { return aa::ptr(gpx_sp(n), static_cast<int32_t>(index) * size); };
          a.ldr(aa::x(t), at(8));
          a.str(aa::x(t), at(8));
          a.ldr(aa::w(t), at(4));
          a.ldrsw(aa::x(t), at(4));
          a.strh(aa::w(t), at(2));
          a.ldrsb(aa::w(t), at(1));
          a.ldr(aa::s(t), at(4));
          a.str(aa::d(t), at(8));
          a.str(aa::v(t), at(16));
        });
      }
      for (uint8_t m : {2, 30}) {
        same("ldr/str [base, index]", [&](Assembler& a) {
          a.loadStoreIndexed(LS::LdrW, t, n, m, IndexExtend::Lsl, false);
          a.loadStoreIndexed(LS::LdrX, t, n, m, IndexExtend::Lsl, true);
          a.loadStoreIndexed(LS::Strb, t, n, m, IndexExtend::Uxtw, false);
          a.loadStoreIndexed(LS::LdrD, t, n, m, IndexExtend::Lsl, true);
        }, [&](aa::Assembler& a) {
          a.ldr(aa::w(t), aa::ptr(gpx_sp(n), aa::x(m)));
          a.ldr(aa::x(t), aa::ptr(gpx_sp(n), aa::x(m), aa::lsl(3)));
          a.strb(aa::w(t), aa::ptr(gpx_sp(n), aa::w(m), aa::uxtw(0)));
          a.ldr(aa::d(t), aa::ptr(gpx_sp(n), aa::x(m), aa::lsl(3)));
        });
      }
    }
}

TEST(AssemblerA64, PairsAndWriteback) {
  using PM = Assembler::PairMode;
  for (int32_t imm : {-512, -16, 16, 504}) {  // (asmjit encodes a writeback of 0 as no writeback)
    same("ldp/stp #" + std::to_string(imm), [&](Assembler& a) {
      a.pairX(false, PM::Pre, 29, 30, 31, imm);
      a.pairX(true, PM::Post, 29, 30, 31, imm);
      a.pairX(false, PM::Offset, 31, 31, 29, imm);
      a.pairX(true, PM::Offset, 1, 2, 3, imm);
      a.pairD(false, PM::Pre, 8, 9, 31, imm);
      a.pairD(true, PM::Post, 8, 9, 31, imm);
    }, [&](aa::Assembler& a) {
      a.stp(aa::x(29), aa::x(30), aa::ptr_pre(aa::sp, imm));
      a.ldp(aa::x(29), aa::x(30), aa::ptr_post(aa::sp, imm));
      a.stp(aa::xzr, aa::xzr, aa::ptr(aa::x(29), imm));
      a.ldp(aa::x(1), aa::x(2), aa::ptr(aa::x(3), imm));
      a.stp(aa::d(8), aa::d(9), aa::ptr_pre(aa::sp, imm));
      a.ldp(aa::d(8), aa::d(9), aa::ptr_post(aa::sp, imm));
    });
  }
  for (int32_t imm : {-256, -16, 16, 255})
    same("str pre / ldr post", [&](Assembler& a) {
      a.strXPre(3, 31, imm);
      a.ldrXPost(3, 31, imm);
    }, [&](aa::Assembler& a) {
      a.str(aa::x(3), aa::ptr_pre(aa::sp, imm));
      a.ldr(aa::x(3), aa::ptr_post(aa::sp, imm));
    });
}

// Branches to a label bound after them (a fixup) and before them (resolved at once).
TEST(AssemblerA64, BranchesAndLabels) {
  same("branches forward and back", [&](Assembler& a) {
    const Label back = a.newLabel(), ahead = a.newLabel(), literal = a.newLabel();
    a.bind(back);
    a.nop();
    a.b(back);
    a.bl(back);
    a.bCond(CondCode::NE, back);
    a.cbz(false, 3, back);
    a.cbnz(true, 30, back);
    a.adr(5, back);
    a.b(ahead);
    a.bl(ahead);
    a.bCond(CondCode::HS, ahead);
    a.cbz(true, 0, ahead);
    a.cbnz(false, 7, ahead);
    a.adr(16, ahead);
    a.ldrLiteralX(17, literal);
    for (int i = 0; i < 100; ++i) a.nop();
    a.bind(ahead);
    a.br(17);
    a.blr(16);
    a.ret();
    a.brk(0x3E8);
    a.udf(7);
    a.mrsThreadPointer(17);
    a.bind(literal);
    a.dq(0xD503201FD503201Full);  // two nops' words, so that the literal decodes back too
  }, [&](aa::Assembler& a) {
    const asmjit::Label back = a.newLabel(), ahead = a.newLabel(), literal = a.newLabel();
    a.bind(back);
    a.nop();
    a.b(back);
    a.bl(back);
    a.b_ne(back);
    a.cbz(aa::w(3), back);
    a.cbnz(aa::x(30), back);
    a.adr(aa::x(5), back);
    a.b(ahead);
    a.bl(ahead);
    a.b_hs(ahead);
    a.cbz(aa::x(0), ahead);
    a.cbnz(aa::w(7), ahead);
    a.adr(aa::x(16), ahead);
    a.ldr(aa::x(17), aa::ptr(literal));
    for (int i = 0; i < 100; ++i) a.nop();
    a.bind(ahead);
    a.br(aa::x(17));
    a.blr(aa::x(16));
    a.ret(aa::x(30));
    a.brk(0x3E8);
    a.udf(7);
    a.mrs(aa::x(17), aa::Predicate::SysReg::kTPIDR_EL0);
    a.bind(literal);
    a.embedUInt64(0xD503201FD503201Full);
  });
}

TEST(AssemblerA64, FloatingPoint) {
  for (bool is64 : {false, true})
    for (uint8_t d : {0, 16, 31}) {
      auto f = [&](uint8_t n) { return fpReg(is64, n); };
      same("fp scalar", [&](Assembler& a) {
        a.fp2(Assembler::FpOp2::Fadd, is64, d, 1, 2);
        a.fp2(Assembler::FpOp2::Fsub, is64, d, 1, 2);
        a.fp2(Assembler::FpOp2::Fmul, is64, d, 1, 2);
        a.fp2(Assembler::FpOp2::Fdiv, is64, d, 1, 2);
        a.fp2(Assembler::FpOp2::Fmin, is64, d, 1, 2);
        a.fp2(Assembler::FpOp2::Fmax, is64, d, 1, 2);
        a.fp1(Assembler::FpOp1::Fmov, is64, d, 3);
        a.fp1(Assembler::FpOp1::Fabs, is64, d, 3);
        a.fp1(Assembler::FpOp1::Fneg, is64, d, 3);
        a.fp1(Assembler::FpOp1::Fsqrt, is64, d, 3);
        a.fp1(Assembler::FpOp1::Frintn, is64, d, 3);
        a.fp1(Assembler::FpOp1::Frintp, is64, d, 3);
        a.fp1(Assembler::FpOp1::Frintm, is64, d, 3);
        a.fp1(Assembler::FpOp1::Frintz, is64, d, 3);
        a.fcmp(is64, d, 4);
        a.fcsel(is64, d, 1, 2, CondCode::MI);
        a.fmovToFp(is64, d, 5);
        a.fmovToGp(is64, 5, d);
        a.intToFloat(false, is64, !is64, d, 6);
        a.intToFloat(true, !is64, is64, d, 6);
        a.floatToInt(false, is64, !is64, 6, d);
        a.floatToInt(true, !is64, is64, 6, d);
      }, [&](aa::Assembler& a) {
        a.fadd(f(d), f(1), f(2));
        a.fsub(f(d), f(1), f(2));
        a.fmul(f(d), f(1), f(2));
        a.fdiv(f(d), f(1), f(2));
        a.fmin(f(d), f(1), f(2));
        a.fmax(f(d), f(1), f(2));
        a.fmov(f(d), f(3));
        a.fabs(f(d), f(3));
        a.fneg(f(d), f(3));
        a.fsqrt(f(d), f(3));
        a.frintn(f(d), f(3));
        a.frintp(f(d), f(3));
        a.frintm(f(d), f(3));
        a.frintz(f(d), f(3));
        a.fcmp(f(d), f(4));
        a.fcsel(f(d), f(1), f(2), asmjit::arm::CondCode::kMI);
        a.fmov(f(d), gp(is64, 5));
        a.fmov(gp(is64, 5), f(d));
        a.scvtf(fpReg(!is64, d), gp(is64, 6));
        a.ucvtf(fpReg(is64, d), gp(!is64, 6));
        a.fcvtzs(gp(is64, 6), fpReg(!is64, d));
        a.fcvtzu(gp(!is64, 6), fpReg(is64, d));
      });
    }
  same("fcvt, vector moves, cnt", [&](Assembler& a) {
    a.fcvtSingleToDouble(1, 2);
    a.fcvtDoubleToSingle(3, 31);
    a.movVector(4, 5);
    a.zeroVector(31);
    a.cnt8b(6, 7);
    a.addv8b(8, 9);
  }, [&](aa::Assembler& a) {
    a.fcvt(aa::d(1), aa::s(2));
    a.fcvt(aa::s(3), aa::d(31));
    a.mov(aa::v(4).b16(), aa::v(5).b16());
    a.movi(aa::v(31).d2(), 0);
    a.cnt(aa::v(6).b8(), aa::v(7).b8());
    a.addv(aa::VecB(8), aa::v(9).b8());
  });
}

}  // namespace
}  // namespace wisp::isa::a64
