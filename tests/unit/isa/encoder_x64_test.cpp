// The direct encoder against asmjit, the oracle: every form, every general register (and
// operand width), and memory operands over every base and index with the displacements that
// change the encoding, must give asmjit's bytes exactly.
#include "isa/x64/encoder_x64.h"

#include <asmjit/x86.h>
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "isa/x64/masm_x64.h"

namespace wisp::isa::x64 {
namespace {

namespace ax = asmjit::x86;

std::vector<uint8_t> withAsmjit(const std::function<void(ax::Assembler&)>& emit) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  ax::Assembler a(&code);
  emit(a);
  const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
  return {buffer.data(), buffer.data() + buffer.size()};
}

std::vector<uint8_t> bytesOf(const Encoded& e) { return {e.bytes, e.bytes + e.size}; }

ax::Gp gp(Reg r, bool w64) {
  if (w64) return ax::gpq(r.hwCode());
  return ax::gpd(r.hwCode());
}

ax::Mem mem(const Address& a) {
  return a.index.valid() ? ax::ptr(ax::gpq(a.base.hwCode()), ax::gpq(a.index.hwCode()), a.shift, a.disp)
                         : ax::ptr(ax::gpq(a.base.hwCode()), a.disp);
}

constexpr int32_t kDisplacements[] = {0, 8, -8, 127, 128, -128, -129, 0x12345, INT32_MAX, INT32_MIN};
constexpr int32_t kImmediates[] = {0, 1, -1, 127, 128, -128, -129, 0x12345, INT32_MAX, INT32_MIN};

std::vector<Address> memoryOperands() {
  std::vector<Address> out;
  for (uint8_t base = 0; base < 16; ++base) {
    for (int32_t disp : kDisplacements) out.push_back({Reg::gp(base), Reg(), disp, 0});
    for (uint8_t index = 0; index < 16; ++index) {
      if (index == 4) continue;  // rsp cannot index
      for (uint8_t shift = 0; shift < 4; ++shift)
        for (int32_t disp : {0, 8, 1000})
          out.push_back({Reg::gp(base), Reg::gp(index), disp, shift});
    }
  }
  return out;
}

TEST(EncoderX64, RegisterToRegisterForms) {
  for (bool w64 : {false, true}) {
    for (uint8_t d = 0; d < 16; ++d) {
      for (uint8_t s = 0; s < 16; ++s) {
        const Reg dst = Reg::gp(d), src = Reg::gp(s);
        Encoded e;
        encode::movRR(e, w64, dst, src);
        ASSERT_EQ(bytesOf(e), withAsmjit([&](ax::Assembler& a) { a.mov(gp(dst, w64), gp(src, w64)); }))
            << "mov " << int(d) << ", " << int(s) << " w64 " << w64;
        Encoded t;
        encode::testRR(t, w64, dst, src);
        ASSERT_EQ(bytesOf(t), withAsmjit([&](ax::Assembler& a) { a.test(gp(dst, w64), gp(src, w64)); }));
        const std::function<void(ax::Assembler&, const ax::Gp&, const ax::Gp&)> ops[] = {
            [](ax::Assembler& a, const ax::Gp& x, const ax::Gp& y) { a.add(x, y); },
            [](ax::Assembler& a, const ax::Gp& x, const ax::Gp& y) { a.or_(x, y); },
            [](ax::Assembler& a, const ax::Gp& x, const ax::Gp& y) { a.and_(x, y); },
            [](ax::Assembler& a, const ax::Gp& x, const ax::Gp& y) { a.sub(x, y); },
            [](ax::Assembler& a, const ax::Gp& x, const ax::Gp& y) { a.xor_(x, y); },
            [](ax::Assembler& a, const ax::Gp& x, const ax::Gp& y) { a.cmp(x, y); },
        };
        for (int op = 0; op < 6; ++op) {
          Encoded alu;
          encode::aluRR(alu, static_cast<AluOp>(op), w64, dst, src);
          ASSERT_EQ(bytesOf(alu), withAsmjit([&](ax::Assembler& a) { ops[op](a, gp(dst, w64), gp(src, w64)); }))
              << "alu op " << op << " " << int(d) << ", " << int(s);
        }
      }
    }
  }
}

TEST(EncoderX64, RegisterImmediateForms) {
  const std::function<void(ax::Assembler&, const ax::Gp&, int32_t)> ops[] = {
      [](ax::Assembler& a, const ax::Gp& x, int32_t i) { a.add(x, i); },
      [](ax::Assembler& a, const ax::Gp& x, int32_t i) { a.or_(x, i); },
      [](ax::Assembler& a, const ax::Gp& x, int32_t i) { a.and_(x, i); },
      [](ax::Assembler& a, const ax::Gp& x, int32_t i) { a.sub(x, i); },
      [](ax::Assembler& a, const ax::Gp& x, int32_t i) { a.xor_(x, i); },
      [](ax::Assembler& a, const ax::Gp& x, int32_t i) { a.cmp(x, i); },
  };
  for (bool w64 : {false, true}) {
    for (uint8_t d = 0; d < 16; ++d) {
      for (int32_t imm : kImmediates) {
        for (int op = 0; op < 6; ++op) {
          Encoded e;
          encode::aluRI(e, static_cast<AluOp>(op), w64, Reg::gp(d), imm);
          ASSERT_EQ(bytesOf(e), withAsmjit([&](ax::Assembler& a) { ops[op](a, gp(Reg::gp(d), w64), imm); }))
              << "alu op " << op << " reg " << int(d) << " imm " << imm << " w64 " << w64;
        }
      }
    }
  }
}

TEST(EncoderX64, MemoryForms) {
  for (const Address& addr : memoryOperands()) {
    for (bool w64 : {false, true}) {
      for (uint8_t r = 0; r < 16; ++r) {
        const Reg reg = Reg::gp(r);
        Encoded load, store, address;
        encode::movRM(load, w64, reg, addr);
        encode::movMR(store, w64, addr, reg);
        encode::lea(address, w64, reg, addr);
        const auto where = [&] {
          return "base " + std::to_string(addr.base.hwCode()) + " index " +
                 (addr.index.valid() ? std::to_string(addr.index.hwCode()) : "-") + " shift " +
                 std::to_string(addr.shift) + " disp " + std::to_string(addr.disp) + " reg " +
                 std::to_string(r) + " w64 " + std::to_string(w64);
        };
        ASSERT_EQ(bytesOf(load), withAsmjit([&](ax::Assembler& a) { a.mov(gp(reg, w64), mem(addr)); }))
            << "load " << where();
        ASSERT_EQ(bytesOf(store), withAsmjit([&](ax::Assembler& a) { a.mov(mem(addr), gp(reg, w64)); }))
            << "store " << where();
        ASSERT_EQ(bytesOf(address), withAsmjit([&](ax::Assembler& a) { a.lea(gp(reg, w64), mem(addr)); }))
            << "lea " << where();
      }
    }
  }
}

TEST(EncoderX64, ConstantsIntoRegisters) {
  constexpr uint64_t kConstants[] = {1, 0x7F, 0x80, 0x12345678, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                     0x100000000, 0xFFFFFFFF80000000, 0xFFFFFFFFFFFFFFFF,
                                     0x123456789ABCDEF0, 0x8000000000000000};
  for (uint8_t d = 0; d < 16; ++d) {
    for (uint64_t c : kConstants) {
      Encoded narrow, wide;
      encode::movRI32(narrow, Reg::gp(d), static_cast<uint32_t>(c));
      encode::movRI64(wide, Reg::gp(d), c);
      ASSERT_EQ(bytesOf(narrow), withAsmjit([&](ax::Assembler& a) {
        a.mov(ax::gpd(d), static_cast<uint32_t>(c));
      })) << "mov r32 " << int(d) << ", " << c;
      ASSERT_EQ(bytesOf(wide), withAsmjit([&](ax::Assembler& a) { a.mov(ax::gpq(d), c); }))
          << "mov r64 " << int(d) << ", " << c;
    }
  }
}

TEST(EncoderX64, ScalarFloatLoadsAndStores) {
  for (const Address& addr : memoryOperands()) {
    for (bool is64 : {false, true}) {
      for (uint8_t r = 0; r < 16; ++r) {
        Encoded load, store;
        encode::movsdRM(load, is64, Reg::fp(r), addr);
        encode::movsdMR(store, is64, addr, Reg::fp(r));
        ASSERT_EQ(bytesOf(load), withAsmjit([&](ax::Assembler& a) {
          if (is64) a.movsd(ax::xmm(r), mem(addr));
          else a.movss(ax::xmm(r), mem(addr));
        })) << "load xmm" << int(r) << " base " << int(addr.base.hwCode()) << " disp " << addr.disp;
        ASSERT_EQ(bytesOf(store), withAsmjit([&](ax::Assembler& a) {
          if (is64) a.movsd(mem(addr), ax::xmm(r));
          else a.movss(mem(addr), ax::xmm(r));
        })) << "store xmm" << int(r) << " base " << int(addr.base.hwCode()) << " disp " << addr.disp;
      }
    }
  }
}

}  // namespace
}  // namespace wisp::isa::x64
