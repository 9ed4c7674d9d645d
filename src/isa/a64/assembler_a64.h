// Wisp's AArch64 encoder: the instruction forms the MacroAssembler and the trampolines emit,
// one 32-bit word each, written straight into a CodeBuffer with labels. Every form is a base
// word with fields or-ed in, so the encoder is a table of constants and a few field helpers.
//
// Why Wisp's own and not asmjit's a64 assembler: asmjit writes into its own CodeHolder, one
// function at a time, while Wisp's compiler writes a thread's functions one after another
// into one CodeBuffer (or straight into executable memory), captures and replays sequences,
// and patches its own words. asmjit stays the oracle: tests/unit/isa/assembler_a64_test.cpp
// encodes every form here with both and compares the words.
//
// Registers are hardware numbers 0..31. Register 31 is the stack pointer or the zero register
// as the instruction defines it; the names below (kSp, kZr) only say which one is meant.
#pragma once

#include <cstdint>
#include <cstring>

#include "isa/code_buffer.h"

namespace wisp::isa::a64 {

using isa::Label;

inline constexpr uint8_t kSp = 31, kZr = 31, kLr = 30, kFp = 29;

// Condition codes as the cond field encodes them.
enum class CondCode : uint8_t {
  EQ = 0, NE = 1, HS = 2, LO = 3, MI = 4, PL = 5, VS = 6, VC = 7,
  HI = 8, LS = 9, GE = 10, LT = 11, GT = 12, LE = 13, AL = 14,
};
inline constexpr CondCode invert(CondCode c) {
  return static_cast<CondCode>(static_cast<uint8_t>(c) ^ 1);
}

enum class Shift : uint8_t { Lsl = 0, Lsr = 1, Asr = 2, Ror = 3 };

// The index register's extension in a register-offset load or store.
enum class IndexExtend : uint8_t { Uxtw = 2, Lsl = 3, Sxtw = 6 };

// The bitmask immediate of a logical instruction (N:immr:imms, 13 bits), or -1 when `value`
// (of a 32- or 64-bit operation) has none: a rotated run of ones, repeated in 2, 4 ... 64-bit
// elements. 0 and all ones have none.
inline int32_t encodeLogicalImmediate(uint64_t value, bool is64) {
  if (!is64) value = (value & 0xFFFFFFFFu) | (value << 32);
  if (value == 0 || value == ~uint64_t{0}) return -1;
  uint32_t size = 64;
  while (size > 2) {
    const uint32_t half = size / 2;
    const uint64_t mask = (uint64_t{1} << half) - 1;
    if ((value & mask) != ((value >> half) & mask)) break;
    size = half;
  }
  const uint64_t element_mask = size == 64 ? ~uint64_t{0} : (uint64_t{1} << size) - 1;
  const uint64_t element = value & element_mask;
  // Rotate right until the ones sit at the bottom: a run 0..0 1..1.
  uint32_t rotation = 0;
  uint64_t rotated = element;
  auto rotr = [&](uint64_t v, uint32_t by) {
    return by == 0 ? v : ((v >> by) | (v << (size - by))) & element_mask;
  };
  for (; rotation < size; ++rotation) {
    rotated = rotr(element, rotation);
    // Ones at the bottom, then zeros: rotated + 1 is a power of two, and bit 0 is set.
    if ((rotated & 1) && ((rotated + 1) & rotated) == 0) break;
  }
  if (rotation == size) return -1;
  const uint32_t ones = static_cast<uint32_t>(__builtin_popcountll(rotated));
  const uint32_t immr = (size - rotation) % size;
  // imms: the element size in its high bits (0 for 32 and 64, 10 for 16 ... 11110 for 2),
  // the run's length - 1 below; N marks 64-bit elements.
  const uint32_t imms = ((~(size - 1) << 1) & 0x3F) | (ones - 1);
  const uint32_t n = size == 64 ? 1 : 0;
  return static_cast<int32_t>((n << 12) | (immr << 6) | (imms & 0x3F));
}

class Assembler {
 public:
  explicit Assembler(CodeBuffer& buffer) : buf_(buffer) {}

  CodeBuffer& buffer() { return buf_; }
  const CodeBuffer& buffer() const { return buf_; }
  uint32_t offset() const { return buf_.size(); }

  Label newLabel() { return Label{buf_.newLabel()}; }
  void bind(Label label) { buf_.bind(label.id); }

  void emit(uint32_t word) {
    uint8_t* p = buf_.reserve(4);
    std::memcpy(p, &word, 4);
    buf_.commit(p + 4);
  }
  void dq(uint64_t v) {
    emit(static_cast<uint32_t>(v));
    emit(static_cast<uint32_t>(v >> 32));
  }
  uint32_t wordAt(uint32_t at) const {
    uint32_t w;
    std::memcpy(&w, buf_.data() + at, 4);
    return w;
  }
  void patchWord(uint32_t at, uint32_t word) { buf_.patch32(at, word); }

  // ---- arithmetic and logic -----------------------------------------------------------
  static constexpr uint32_t sf(bool is64) { return is64 ? 0x80000000u : 0; }

  // add/sub (immediate): imm12, optionally shifted left by 12. Register 31 is sp for rd and
  // rn, except rd of the flag-setting forms (zr: cmp, cmn).
  enum class AddSub : uint32_t { Add = 0x11000000, Adds = 0x31000000, Sub = 0x51000000, Subs = 0x71000000 };
  void addSubImm(AddSub op, bool is64, uint8_t rd, uint8_t rn, uint32_t imm12, bool shift12 = false) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (shift12 ? 1u << 22 : 0) | ((imm12 & 0xFFF) << 10) |
         (uint32_t{rn} << 5) | rd);
  }
  // add/sub (shifted register); register 31 is zr.
  enum class AddSubReg : uint32_t { Add = 0x0B000000, Adds = 0x2B000000, Sub = 0x4B000000, Subs = 0x6B000000 };
  void addSubReg(AddSubReg op, bool is64, uint8_t rd, uint8_t rn, uint8_t rm,
                 Shift shift = Shift::Lsl, uint8_t amount = 0) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (uint32_t(shift) << 22) | (uint32_t{rm} << 16) |
         (uint32_t{amount} << 10) | (uint32_t{rn} << 5) | rd);
  }
  // add/sub (extended register, uxtx): the form whose rd and rn may be sp.
  void addSubExtended(bool sub, uint8_t rd, uint8_t rn, uint8_t rm) {
    emit((sub ? 0xCB206000u : 0x8B206000u) | (uint32_t{rm} << 16) | (uint32_t{rn} << 5) | rd);
  }
  // cmp rn, rm (uxtx) with rn possibly sp: subs xzr, rn, rm.
  void cmpExtended(uint8_t rn, uint8_t rm) {
    emit(0xEB20601Fu | (uint32_t{rm} << 16) | (uint32_t{rn} << 5));
  }
  // Logical (shifted register); register 31 is zr.
  enum class Logic : uint32_t {
    And = 0x0A000000, Bic = 0x0A200000, Orr = 0x2A000000, Orn = 0x2A200000,
    Eor = 0x4A000000, Eon = 0x4A200000, Ands = 0x6A000000,
  };
  void logicReg(Logic op, bool is64, uint8_t rd, uint8_t rn, uint8_t rm,
                Shift shift = Shift::Lsl, uint8_t amount = 0) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (uint32_t(shift) << 22) | (uint32_t{rm} << 16) |
         (uint32_t{amount} << 10) | (uint32_t{rn} << 5) | rd);
  }
  // Logical (immediate), with an encoding from encodeLogicalImmediate; rd may be sp (not for
  // ands).
  enum class LogicImm : uint32_t { And = 0x12000000, Orr = 0x32000000, Eor = 0x52000000, Ands = 0x72000000 };
  void logicImm(LogicImm op, bool is64, uint8_t rd, uint8_t rn, uint32_t encoding) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (encoding << 10) | (uint32_t{rn} << 5) | rd);
  }
  // movz/movn/movk: a 16-bit chunk at bit 16 * hw.
  enum class Mov : uint32_t { N = 0x12800000, Z = 0x52800000, K = 0x72800000 };
  void movWide(Mov op, bool is64, uint8_t rd, uint16_t imm16, uint8_t hw) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (uint32_t{hw} << 21) | (uint32_t{imm16} << 5) | rd);
  }
  void mov(bool is64, uint8_t rd, uint8_t rm) { logicReg(Logic::Orr, is64, rd, kZr, rm); }
  // mov to or from sp: add rd, rn, #0.
  void movSp(uint8_t rd, uint8_t rn) { addSubImm(AddSub::Add, true, rd, rn, 0); }

  // Bitfield moves: sbfm, bfm, ubfm (the shifts by a constant and the extensions).
  enum class Bitfield : uint32_t { Sbfm = 0x13000000, Bfm = 0x33000000, Ubfm = 0x53000000 };
  void bitfield(Bitfield op, bool is64, uint8_t rd, uint8_t rn, uint8_t immr, uint8_t imms) {
    emit(static_cast<uint32_t>(op) | (is64 ? 0x80400000u : 0) | (uint32_t{immr} << 16) |
         (uint32_t{imms} << 10) | (uint32_t{rn} << 5) | rd);
  }
  void lslImm(bool is64, uint8_t rd, uint8_t rn, uint8_t shift) {
    const uint8_t width = is64 ? 64 : 32;
    bitfield(Bitfield::Ubfm, is64, rd, rn, static_cast<uint8_t>((width - shift) % width),
             static_cast<uint8_t>(width - 1 - shift));
  }
  void lsrImm(bool is64, uint8_t rd, uint8_t rn, uint8_t shift) {
    bitfield(Bitfield::Ubfm, is64, rd, rn, shift, is64 ? 63 : 31);
  }
  void asrImm(bool is64, uint8_t rd, uint8_t rn, uint8_t shift) {
    bitfield(Bitfield::Sbfm, is64, rd, rn, shift, is64 ? 63 : 31);
  }
  // extr rd, rn, rm, #lsb; ror rd, rn, #n is extr rd, rn, rn, #n.
  void extr(bool is64, uint8_t rd, uint8_t rn, uint8_t rm, uint8_t lsb) {
    emit((is64 ? 0x93C00000u : 0x13800000u) | (uint32_t{rm} << 16) | (uint32_t{lsb} << 10) |
         (uint32_t{rn} << 5) | rd);
  }

  // Two sources: divisions and shifts by a register.
  enum class TwoSource : uint32_t {
    Udiv = 0x1AC00800, Sdiv = 0x1AC00C00, Lslv = 0x1AC02000, Lsrv = 0x1AC02400,
    Asrv = 0x1AC02800, Rorv = 0x1AC02C00,
  };
  void twoSource(TwoSource op, bool is64, uint8_t rd, uint8_t rn, uint8_t rm) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (uint32_t{rm} << 16) | (uint32_t{rn} << 5) | rd);
  }
  // madd rd = ra + rn * rm; msub rd = ra - rn * rm.
  void madd(bool is64, uint8_t rd, uint8_t rn, uint8_t rm, uint8_t ra) {
    emit(0x1B000000u | sf(is64) | (uint32_t{rm} << 16) | (uint32_t{ra} << 10) | (uint32_t{rn} << 5) | rd);
  }
  void msub(bool is64, uint8_t rd, uint8_t rn, uint8_t rm, uint8_t ra) {
    emit(0x1B008000u | sf(is64) | (uint32_t{rm} << 16) | (uint32_t{ra} << 10) | (uint32_t{rn} << 5) | rd);
  }
  enum class OneSource : uint32_t { Rbit = 0x5AC00000, Clz = 0x5AC01000 };
  void oneSource(OneSource op, bool is64, uint8_t rd, uint8_t rn) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (uint32_t{rn} << 5) | rd);
  }
  // Conditional select: csel, csinc, csinv, csneg.
  enum class CondSelect : uint32_t { Csel = 0x1A800000, Csinc = 0x1A800400, Csinv = 0x5A800000, Csneg = 0x5A800400 };
  void condSelect(CondSelect op, bool is64, uint8_t rd, uint8_t rn, uint8_t rm, CondCode cond) {
    emit(static_cast<uint32_t>(op) | sf(is64) | (uint32_t{rm} << 16) | (uint32_t(cond) << 12) |
         (uint32_t{rn} << 5) | rd);
  }
  void cset(bool is64, uint8_t rd, CondCode cond) {
    condSelect(CondSelect::Csinc, is64, rd, kZr, kZr, invert(cond));
  }

  // ---- loads and stores ---------------------------------------------------------------
  // The unsigned-offset form's base word of each access; the unscaled (ldur) and the
  // register-offset forms derive from it.
  enum class LoadStore : uint32_t {
    Strb = 0x39000000, Ldrb = 0x39400000, LdrsbX = 0x39800000, LdrsbW = 0x39C00000,
    Strh = 0x79000000, Ldrh = 0x79400000, LdrshX = 0x79800000, LdrshW = 0x79C00000,
    StrW = 0xB9000000, LdrW = 0xB9400000, Ldrsw = 0xB9800000,
    StrX = 0xF9000000, LdrX = 0xF9400000,
    StrS = 0xBD000000, LdrS = 0xBD400000, StrD = 0xFD000000, LdrD = 0xFD400000,
    StrQ = 0x3D800000, LdrQ = 0x3DC00000,
  };
  // log2 of the access size.
  static constexpr uint32_t accessScale(LoadStore op) {
    const uint32_t w = static_cast<uint32_t>(op);
    const uint32_t size = w >> 30;
    const bool vector = (w >> 26) & 1;
    return vector && size == 0 && ((w >> 23) & 1) ? 4 : size;
  }
  // [rn + imm], imm a multiple of the access size in 0..4095 of them.
  void loadStoreScaled(LoadStore op, uint8_t rt, uint8_t rn, uint32_t scaled_imm12) {
    emit(static_cast<uint32_t>(op) | (scaled_imm12 << 10) | (uint32_t{rn} << 5) | rt);
  }
  // [rn + imm], imm in -256..255 (ldur, stur).
  void loadStoreUnscaled(LoadStore op, uint8_t rt, uint8_t rn, int32_t imm9) {
    emit((static_cast<uint32_t>(op) - 0x01000000u) | ((static_cast<uint32_t>(imm9) & 0x1FF) << 12) |
         (uint32_t{rn} << 5) | rt);
  }
  // [rn + rm (extended), lsl #scale when `scaled`].
  void loadStoreIndexed(LoadStore op, uint8_t rt, uint8_t rn, uint8_t rm, IndexExtend extend,
                        bool scaled) {
    emit((static_cast<uint32_t>(op) - 0x01000000u) | 0x00200800u | (uint32_t{rm} << 16) |
         (uint32_t(extend) << 13) | (scaled ? 1u << 12 : 0) | (uint32_t{rn} << 5) | rt);
  }
  // ldp/stp of X or D registers: [rn + imm] (offset), [rn + imm]! (pre-index) or [rn], imm
  // (post-index); imm a multiple of 8 in -512..504.
  enum class PairMode : uint32_t { Post = 0x00800000, Offset = 0x01000000, Pre = 0x01800000 };
  void pairX(bool load, PairMode mode, uint8_t rt, uint8_t rt2, uint8_t rn, int32_t imm) {
    emit(0xA8000000u | static_cast<uint32_t>(mode) | (load ? 1u << 22 : 0) |
         ((static_cast<uint32_t>(imm / 8) & 0x7F) << 15) | (uint32_t{rt2} << 10) |
         (uint32_t{rn} << 5) | rt);
  }
  void pairD(bool load, PairMode mode, uint8_t rt, uint8_t rt2, uint8_t rn, int32_t imm) {
    emit(0x6C000000u | static_cast<uint32_t>(mode) | (load ? 1u << 22 : 0) |
         ((static_cast<uint32_t>(imm / 8) & 0x7F) << 15) | (uint32_t{rt2} << 10) |
         (uint32_t{rn} << 5) | rt);
  }
  // ldr/str Xt with pre-index or post-index writeback: [rn, #imm]! and [rn], #imm.
  void strXPre(uint8_t rt, uint8_t rn, int32_t imm9) {
    emit(0xF8000C00u | ((static_cast<uint32_t>(imm9) & 0x1FF) << 12) | (uint32_t{rn} << 5) | rt);
  }
  void ldrXPost(uint8_t rt, uint8_t rn, int32_t imm9) {
    emit(0xF8400400u | ((static_cast<uint32_t>(imm9) & 0x1FF) << 12) | (uint32_t{rn} << 5) | rt);
  }
  // ldr Xt, label (a literal of this buffer).
  void ldrLiteralX(uint8_t rt, Label label) { emitLabelled(0x58000000u | rt, label); }

  // ---- branches -----------------------------------------------------------------------
  void b(Label target) { emitLabelled(0x14000000u, target); }
  void bl(Label target) { emitLabelled(0x94000000u, target); }
  void bCond(CondCode cond, Label target) { emitLabelled(0x54000000u | uint32_t(cond), target); }
  void cbz(bool is64, uint8_t rt, Label target) { emitLabelled(0x34000000u | sf(is64) | rt, target); }
  void cbnz(bool is64, uint8_t rt, Label target) { emitLabelled(0x35000000u | sf(is64) | rt, target); }
  void adr(uint8_t rd, Label target) { emitLabelled(0x10000000u | rd, target); }
  // b / bl with a zero displacement, for a call or jump linked later.
  uint32_t bUnlinked(bool link) {
    const uint32_t at = offset();
    emit(link ? 0x94000000u : 0x14000000u);
    return at;
  }
  void br(uint8_t rn) { emit(0xD61F0000u | (uint32_t{rn} << 5)); }
  void blr(uint8_t rn) { emit(0xD63F0000u | (uint32_t{rn} << 5)); }
  void ret(uint8_t rn = kLr) { emit(0xD65F0000u | (uint32_t{rn} << 5)); }
  void brk(uint16_t imm) { emit(0xD4200000u | (uint32_t{imm} << 5)); }
  void udf(uint16_t imm) { emit(imm); }
  void nop() { emit(0xD503201Fu); }
  void mrsThreadPointer(uint8_t rt) { emit(0xD53BD040u | rt); }  // mrs rt, tpidr_el0

  // ---- floating point -----------------------------------------------------------------
  // Scalar two-source operations; `is64`: double precision.
  enum class FpOp2 : uint32_t {
    Fmul = 0x1E200800, Fdiv = 0x1E201800, Fadd = 0x1E202800, Fsub = 0x1E203800,
    Fmax = 0x1E204800, Fmin = 0x1E205800,
  };
  void fp2(FpOp2 op, bool is64, uint8_t rd, uint8_t rn, uint8_t rm) {
    emit(static_cast<uint32_t>(op) | (is64 ? 0x400000u : 0) | (uint32_t{rm} << 16) | (uint32_t{rn} << 5) | rd);
  }
  enum class FpOp1 : uint32_t {
    Fmov = 0x1E204000, Fabs = 0x1E20C000, Fneg = 0x1E214000, Fsqrt = 0x1E21C000,
    Frintn = 0x1E244000, Frintp = 0x1E24C000, Frintm = 0x1E254000, Frintz = 0x1E25C000,
  };
  void fp1(FpOp1 op, bool is64, uint8_t rd, uint8_t rn) {
    emit(static_cast<uint32_t>(op) | (is64 ? 0x400000u : 0) | (uint32_t{rn} << 5) | rd);
  }
  void fcvtSingleToDouble(uint8_t rd, uint8_t rn) { emit(0x1E22C000u | (uint32_t{rn} << 5) | rd); }
  void fcvtDoubleToSingle(uint8_t rd, uint8_t rn) { emit(0x1E624000u | (uint32_t{rn} << 5) | rd); }
  void fcmp(bool is64, uint8_t rn, uint8_t rm) {
    emit((is64 ? 0x1E602000u : 0x1E202000u) | (uint32_t{rm} << 16) | (uint32_t{rn} << 5));
  }
  void fcsel(bool is64, uint8_t rd, uint8_t rn, uint8_t rm, CondCode cond) {
    emit((is64 ? 0x1E600C00u : 0x1E200C00u) | (uint32_t{rm} << 16) | (uint32_t(cond) << 12) |
         (uint32_t{rn} << 5) | rd);
  }
  // fmov between a general register and a scalar: w <-> s, x <-> d.
  void fmovToFp(bool is64, uint8_t rd, uint8_t rn) { emit((is64 ? 0x9E670000u : 0x1E270000u) | (uint32_t{rn} << 5) | rd); }
  void fmovToGp(bool is64, uint8_t rd, uint8_t rn) { emit((is64 ? 0x9E660000u : 0x1E260000u) | (uint32_t{rn} << 5) | rd); }
  // scvtf/ucvtf: an integer (64-bit when `int64`) to a float (double when `to_double`).
  void intToFloat(bool is_unsigned, bool int64, bool to_double, uint8_t rd, uint8_t rn) {
    emit(0x1E220000u | (is_unsigned ? 0x10000u : 0) | sf(int64) | (to_double ? 0x400000u : 0) |
         (uint32_t{rn} << 5) | rd);
  }
  // fcvtzs/fcvtzu: a float (double when `from_double`) to an integer, saturating.
  void floatToInt(bool is_unsigned, bool int64, bool from_double, uint8_t rd, uint8_t rn) {
    emit(0x1E380000u | (is_unsigned ? 0x10000u : 0) | sf(int64) | (from_double ? 0x400000u : 0) |
         (uint32_t{rn} << 5) | rd);
  }
  // The whole vector register: mov vd.16b, vn.16b (orr), and movi vd.2d, #0.
  void movVector(uint8_t rd, uint8_t rn) {
    emit(0x4EA01C00u | (uint32_t{rn} << 16) | (uint32_t{rn} << 5) | rd);
  }
  void zeroVector(uint8_t rd) { emit(0x6F00E400u | rd); }
  // cnt vd.8b, vn.8b and addv bd, vn.8b: a population count through the vector unit.
  void cnt8b(uint8_t rd, uint8_t rn) { emit(0x0E205800u | (uint32_t{rn} << 5) | rd); }
  void addv8b(uint8_t rd, uint8_t rn) { emit(0x0E31B800u | (uint32_t{rn} << 5) | rd); }

  // ---- label references ---------------------------------------------------------------
  // Writes the displacement `delta` (bytes from the instruction) into the word at `at`: the
  // field each referring form has. False when it does not fit.
  static bool patchDisplacement(uint8_t* at, int32_t delta) {
    uint32_t word;
    std::memcpy(&word, at, 4);
    if (delta % 4 != 0 && (word & 0x9F000000u) != 0x10000000u) return false;
    const int32_t words = delta / 4;
    auto fits = [](int32_t v, int bits) { return v >= -(1 << (bits - 1)) && v < (1 << (bits - 1)); };
    if ((word & 0x7C000000u) == 0x14000000u) {  // b, bl: imm26
      if (!fits(words, 26)) return false;
      word = (word & 0xFC000000u) | (static_cast<uint32_t>(words) & 0x03FFFFFFu);
    } else if ((word & 0x9F000000u) == 0x10000000u) {  // adr: immhi:immlo in bytes
      if (!fits(delta, 21)) return false;
      const auto d = static_cast<uint32_t>(delta);
      word = (word & 0x9F00001Fu) | ((d & 3) << 29) | (((d >> 2) & 0x7FFFF) << 5);
    } else if ((word & 0x7E000000u) == 0x36000000u) {  // tbz, tbnz: imm14
      if (!fits(words, 14)) return false;
      word = (word & 0xFFF8001Fu) | ((static_cast<uint32_t>(words) & 0x3FFF) << 5);
    } else {  // b.cond, cbz, cbnz, ldr (literal): imm19
      if (!fits(words, 19)) return false;
      word = (word & 0xFF00001Fu) | ((static_cast<uint32_t>(words) & 0x7FFFF) << 5);
    }
    std::memcpy(at, &word, 4);
    return true;
  }
  // Resolves every reference; false if a label was never bound or a displacement does not fit.
  bool resolveLabels() { return buf_.resolveFixupsWith(patchDisplacement); }

 private:
  void emitLabelled(uint32_t word, Label target) {
    const uint32_t at = offset();
    emit(word);
    if (buf_.isBound(target.id)) {
      if (!patchDisplacement(buf_.data() + at,
                             static_cast<int32_t>(buf_.labelOffset(target.id) - at)))
        buf_.markBroken();
    } else {
      buf_.addFixup(at, target.id, at);
    }
  }

  CodeBuffer& buf_;
};

}  // namespace wisp::isa::a64
