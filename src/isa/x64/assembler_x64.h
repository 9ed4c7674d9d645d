// Wisp's x86-64 encoder: exactly the instruction forms the MacroAssembler and the trampolines
// emit, written as bytes straight into a CodeBuffer, with labels, short and near branches and
// RIP-relative constants. Baseline compilers own their encoder because a generic one (asmjit's
// spends a couple of hundred host instructions per instruction) is half of compile time.
//
// The bytes are asmjit's for the same operands: tests/unit/isa/assembler_x64_test.cpp encodes
// every form over every register, representative immediates and memory operands with both and
// compares them, so asmjit stays the oracle (and capstone reads the goldens back). Where
// asmjit has a choice it makes, this encoder makes the same one: a branch to a bound label
// takes rel8 when it fits, a branch forward always rel32.
//
// Operands name their width: Gp{code, size} with size 1, 2, 4 or 8 bytes (a size-1 register is
// the low byte: spl, bpl, sil and dil take a REX prefix), Xmm{code}, Mem with an optional
// RIP-relative label.
#pragma once

#include <cstdint>
#include <cstring>

#include "isa/code_buffer.h"

namespace wisp::isa::x64 {

using isa::Label;

struct Gp {
  uint8_t id;
  uint8_t size;  // bytes
};
struct Xmm {
  uint8_t id;
};
struct Mem {
  uint8_t base = 0;
  uint8_t index = 0;
  bool has_index = false;
  uint8_t shift = 0;
  int32_t disp = 0;
  uint32_t label = Label::kInvalid;  // RIP-relative to this label when valid (base unused)
};

inline Mem ptr(uint8_t base, int32_t disp = 0) { return Mem{base, 0, false, 0, disp}; }
inline Mem ptr(uint8_t base, uint8_t index, uint8_t shift, int32_t disp) {
  return Mem{base, index, true, shift, disp};
}
inline Mem ripPtr(Label label) { return Mem{0, 0, false, 0, 0, label.id}; }

// The condition codes, as the low nibble of jcc/setcc/cmovcc encodes them.
enum class CondCode : uint8_t {
  O = 0, NO = 1, B = 2, AE = 3, E = 4, NE = 5, BE = 6, A = 7,
  S = 8, NS = 9, P = 10, NP = 11, L = 12, GE = 13, LE = 14, G = 15,
};

// The integer ALU operations of the classic encodings (`op r/m, reg` = base + 1, `83 /ext`).
enum class Alu : uint8_t { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7 };
// Shifts and rotates (C1/D1/D3 /ext).
enum class Shift : uint8_t { Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7 };

class Assembler {
 public:
  explicit Assembler(CodeBuffer& buffer) : buf_(buffer) {}

  CodeBuffer& buffer() { return buf_; }
  const CodeBuffer& buffer() const { return buf_; }
  uint32_t offset() const { return buf_.size(); }

  // ---- labels -------------------------------------------------------------------------
  Label newLabel() { return Label{buf_.newLabel()}; }
  void bind(Label label) { buf_.bind(label.id); }

  // ---- data ---------------------------------------------------------------------------
  void db(uint8_t v) { emitBytes(&v, 1); }
  void dd(uint32_t v) { emitBytes(&v, 4); }
  void dq(uint64_t v) { emitBytes(&v, 8); }
  void emitBytes(const void* data, uint32_t size) {
    uint8_t* p = buf_.reserve(size);
    std::memcpy(p, data, size);
    buf_.commit(p + size);
  }
  // int3 bytes up to a multiple of `alignment` (data: a constant pool, a jump table).
  void alignData(uint32_t alignment) {
    const uint32_t pad = (alignment - offset() % alignment) % alignment;
    uint8_t* p = buf_.reserve(pad);
    std::memset(p, 0xCC, pad);
    buf_.commit(p + pad);
  }
  // A 4-byte entry of a jump table: target - base, written when the target is bound.
  void labelDelta32(Label target, Label base) {
    const uint32_t at = offset();
    dd(0);
    // The MacroAssembler binds the table's base before its entries; anything else is a bug.
    if (!buf_.isBound(base.id)) return buf_.markBroken();
    buf_.addFixup(at, target.id, buf_.labelOffset(base.id));
  }

  // ---- moves --------------------------------------------------------------------------
  void mov(Gp dst, Gp src) {
    rr(kOp(dst.size == 1 ? 0x88 : 0x89), dst.size, src.id, dst.id,
       dst.size == 1 && (byteNeedsRex(src.id) || byteNeedsRex(dst.id)));
  }
  void mov(Gp dst, const Mem& src) {
    if (isBaseDisp(src) && dst.size >= 4) return baseDisp(0x8B, dst, src);
    if (dst.size >= 4 && isDirectMem(kOp(0x8B), src))
      return memDirect(kOp(0x8B), dst.size, dst.id, src);
    rm(kOp(dst.size == 1 ? 0x8A : 0x8B), dst.size, dst.id, src, 0,
       dst.size == 1 && byteNeedsRex(dst.id));
  }
  void mov(const Mem& dst, Gp src) {
    if (isBaseDisp(dst) && src.size >= 4) return baseDisp(0x89, src, dst);
    if (src.size >= 4 && isDirectMem(kOp(0x89), dst))
      return memDirect(kOp(0x89), src.size, src.id, dst);
    rm(kOp(src.size == 1 ? 0x88 : 0x89), src.size, src.id, dst, 0,
       src.size == 1 && byteNeedsRex(src.id));
  }
  void mov(Gp dst, int64_t imm);
  // mov r64, imm64 (REX.W B8+r) whatever the value, so the immediate can be rewritten later.
  void movImm64(Gp dst, uint64_t imm) {
    uint8_t* p = buf_.reserve(16);
    *p++ = static_cast<uint8_t>(0x48 | (dst.id >> 3));
    *p++ = static_cast<uint8_t>(0xB8 | (dst.id & 7));
    std::memcpy(p, &imm, 8);
    buf_.commit(p + 8);
  }
  void mov(const Mem& dst, uint8_t size, int32_t imm) {  // mov dword/qword [m], simm32
    buf_.commit(putImm32(rmOpen(kOp(0xC7), size, 0, dst, 4), imm));
  }
  // mov r64, fs:[disp32] and mov fs:[disp32], r64: a thread-local variable at a fixed offset
  // from the thread pointer (initial-exec TLS). 64 REX.W 8B/89 /r with a SIB of no base and no
  // index, so the displacement is absolute within the segment.
  void movFromFs(Gp dst, int32_t disp) { fsAbsolute(0x8B, dst.id, disp); }
  void movToFs(int32_t disp, Gp src) { fsAbsolute(0x89, src.id, disp); }
  void cmpWithFs(Gp lhs, int32_t disp) { fsAbsolute(0x3B, lhs.id, disp); }
  void subFromFs(Gp dst, int32_t disp) { fsAbsolute(0x2B, dst.id, disp); }
  void movzx(Gp dst, Gp src) {
    rr(kOp(src.size == 1 ? 0xB6 : 0xB7, 1), dst.size, dst.id, src.id,
       src.size == 1 && byteNeedsRex(src.id));
  }
  void movsx(Gp dst, Gp src) {
    rr(kOp(src.size == 1 ? 0xBE : 0xBF, 1), dst.size, dst.id, src.id,
       src.size == 1 && byteNeedsRex(src.id));
  }
  void movzx(Gp dst, const Mem& src, uint8_t src_size) {
    const uint32_t op = kOp(src_size == 1 ? 0xB6 : 0xB7, 1);
    if (dst.size >= 4 && isDirectMem(op, src)) return memDirect(op, dst.size, dst.id, src);
    rm(op, dst.size, dst.id, src);
  }
  void movsx(Gp dst, const Mem& src, uint8_t src_size) {
    const uint32_t op = kOp(src_size == 1 ? 0xBE : 0xBF, 1);
    if (dst.size >= 4 && isDirectMem(op, src)) return memDirect(op, dst.size, dst.id, src);
    rm(op, dst.size, dst.id, src);
  }
  void movsxd(Gp dst, Gp src) { rr(kOp(0x63), 8, dst.id, src.id); }
  void movsxd(Gp dst, const Mem& src) { rm(kOp(0x63), 8, dst.id, src); }
  void lea(Gp dst, const Mem& src) {
    if (isBaseDisp(src) && dst.size >= 4) return baseDisp(0x8D, dst, src);
    rm(kOp(0x8D), dst.size, dst.id, src);
  }
  void xchg(Gp a, Gp b) {
    // With the accumulator: 90+r (asmjit's choice; rax with itself is a bare nop, eax with
    // itself keeps 87 /r, which zero-extends).
    if ((a.id == 0 || b.id == 0) && !(a.id == b.id && a.size == 4)) {
      const uint8_t other = a.id == 0 ? b.id : a.id;
      uint8_t* p = buf_.reserve(2);
      if ((a.size == 8 && other != 0) || other >= 8) *p++ = static_cast<uint8_t>(0x40 | (a.size == 8 ? 8 : 0) | (other >> 3));
      *p++ = static_cast<uint8_t>(0x90 | (other & 7));
      return buf_.commit(p);
    }
    rr(kOp(0x87), a.size, b.id, a.id);
  }
  void cmov(CondCode cc, Gp dst, Gp src) {
    rr(kOp(0x40 | static_cast<uint8_t>(cc), 1), dst.size, dst.id, src.id);
  }
  void set(CondCode cc, Gp dst) {  // dst is a byte register
    rr(kOp(0x90 | static_cast<uint8_t>(cc), 1), 4, 0, dst.id, byteNeedsRex(dst.id));
  }

  // ---- integer arithmetic -------------------------------------------------------------
  void alu(Alu op, Gp dst, Gp src) {
    rr(kOp(static_cast<uint8_t>((static_cast<uint8_t>(op) << 3) | (dst.size == 1 ? 0 : 1))),
       dst.size, src.id, dst.id,
       dst.size == 1 && (byteNeedsRex(src.id) || byteNeedsRex(dst.id)));
  }
  void alu(Alu op, Gp dst, int32_t imm);
  void alu(Alu op, Gp dst, const Mem& src) {  // op reg, r/m (base + 3)
    rm(kOp(static_cast<uint8_t>((static_cast<uint8_t>(op) << 3) | 3)), dst.size, dst.id, src);
  }
  void alu(Alu op, const Mem& dst, uint8_t size, int32_t imm) {
    const bool short_imm = imm >= -128 && imm <= 127;
    uint8_t* p = rmOpen(kOp(short_imm ? 0x83 : 0x81), size, static_cast<uint8_t>(op), dst, short_imm ? 1 : 4);
    buf_.commit(short_imm ? putImm8(p, imm) : putImm32(p, imm));
  }
  // The same with a 4-byte immediate even when a short one would do, so the immediate can be
  // rewritten in place later (a relocation).
  void aluImm32(Alu op, const Mem& dst, uint8_t size, int32_t imm) {
    buf_.commit(putImm32(rmOpen(kOp(0x81), size, static_cast<uint8_t>(op), dst, 4), imm));
  }
  void aluImm32(Alu op, Gp dst, int32_t imm) {
    buf_.commit(putImm32(rrOpen(kOp(0x81), dst.size, static_cast<uint8_t>(op), dst.id), imm));
  }
  void test(Gp a, Gp b) { rr(kOp(0x85), a.size, b.id, a.id); }
  void imul(Gp dst, Gp src) { rr(kOp(0xAF, 1), dst.size, dst.id, src.id); }
  void imul(Gp dst, Gp src, int32_t imm) {
    const bool short_imm = imm >= -128 && imm <= 127;
    uint8_t* p = rrOpen(kOp(short_imm ? 0x6B : 0x69), dst.size, dst.id, src.id);
    buf_.commit(short_imm ? putImm8(p, imm) : putImm32(p, imm));
  }
  void shift(Shift op, Gp dst, uint8_t count) {
    if (count == 1) return rr(kOp(0xD1), dst.size, static_cast<uint8_t>(op), dst.id);
    buf_.commit(putImm8(rrOpen(kOp(0xC1), dst.size, static_cast<uint8_t>(op), dst.id), count));
  }
  void shiftByCl(Shift op, Gp dst) { rr(kOp(0xD3), dst.size, static_cast<uint8_t>(op), dst.id); }
  void neg(Gp dst) { rr(kOp(0xF7), dst.size, 3, dst.id); }
  void div(Gp divisor) { rr(kOp(0xF7), divisor.size, 6, divisor.id); }   // rdx:rax / divisor
  void idiv(Gp divisor) { rr(kOp(0xF7), divisor.size, 7, divisor.id); }
  void cdq() { db(0x99); }
  void cqo() { const uint8_t b[] = {0x48, 0x99}; emitBytes(b, 2); }
  void btr(Gp dst, uint8_t bit) { buf_.commit(putImm8(rrOpen(kOp(0xBA, 1), dst.size, 6, dst.id), bit)); }
  void btc(Gp dst, uint8_t bit) { buf_.commit(putImm8(rrOpen(kOp(0xBA, 1), dst.size, 7, dst.id), bit)); }
  void lzcnt(Gp dst, Gp src) { rr(kOp(0xBD, 1, 0xF3), dst.size, dst.id, src.id); }
  void tzcnt(Gp dst, Gp src) { rr(kOp(0xBC, 1, 0xF3), dst.size, dst.id, src.id); }
  void popcnt(Gp dst, Gp src) { rr(kOp(0xB8, 1, 0xF3), dst.size, dst.id, src.id); }
  void bsr(Gp dst, Gp src) { rr(kOp(0xBD, 1), dst.size, dst.id, src.id); }
  void bsf(Gp dst, Gp src) { rr(kOp(0xBC, 1), dst.size, dst.id, src.id); }

  // ---- stack, calls, branches ---------------------------------------------------------
  void push(Gp reg) { opPlusReg(0x50, reg.id); }
  void pop(Gp reg) { opPlusReg(0x58, reg.id); }
  void ret() { db(0xC3); }
  // ret imm16: returns, then pops `bytes` more.
  void ret(uint16_t bytes) {
    db(0xC2);
    emitBytes(&bytes, 2);
  }
  void ud2() { const uint8_t b[] = {0x0F, 0x0B}; emitBytes(b, 2); }
  void call(Gp target) { rr(kOp(0xFF), 4, 2, target.id); }
  void jmp(Gp target) { rr(kOp(0xFF), 4, 4, target.id); }
  void jmp(Label target) { branch(0xEB, 0xE9, 0, target); }
  void j(CondCode cc, Label target) {
    const auto c = static_cast<uint8_t>(cc);
    branch(static_cast<uint8_t>(0x70 | c), 0x0F, static_cast<uint8_t>(0x80 | c), target);
  }

  // ---- SSE and AVX --------------------------------------------------------------------
  // Two-operand forms, xmm <- xmm or memory: packed opcode (see kOp) with mandatory prefix.
  void sse(uint32_t op, Xmm dst, Xmm src) { rr(op, 4, dst.id, src.id); }
  void sse(uint32_t op, Xmm dst, const Mem& src, uint8_t trailing_imm = 0) {
    if (trailing_imm == 0 && isDirectMem(op, src)) return memDirect(op, 4, dst.id, src);
    rm(op, 4, dst.id, src, trailing_imm);
  }
  void sse(uint32_t op, const Mem& dst, Xmm src) {
    if (isDirectMem(op, dst)) return memDirect(op, 4, src.id, dst);
    rm(op, 4, src.id, dst);
  }
  // movd/movq between general and xmm registers (66 [REX.W] 0F 6E / 7E).
  void movdq(Xmm dst, Gp src) { rr(kOp(0x6E, 1, 0x66), src.size, dst.id, src.id); }
  void movdq(Gp dst, Xmm src) { rr(kOp(0x7E, 1, 0x66), dst.size, src.id, dst.id); }
  // cvtsi2ss/sd xmm, r32/r64 (F3/F2 [REX.W] 0F 2A); cvttss2si/sd r, xmm (0F 2C).
  void cvtsi2f(bool to_f64, Xmm dst, Gp src) {
    rr(kOp(0x2A, 1, to_f64 ? 0xF2 : 0xF3), src.size, dst.id, src.id);
  }
  void cvttf2si(bool from_f64, Gp dst, Xmm src) {
    rr(kOp(0x2C, 1, from_f64 ? 0xF2 : 0xF3), dst.size, dst.id, src.id);
  }
  // round ss/sd xmm, xmm, imm8 (66 0F 3A 0A/0B).
  void round(bool is64, Xmm dst, Xmm src, uint8_t mode) {
    buf_.commit(putImm8(rrOpen(kOp(is64 ? 0x0B : 0x0A, 3, 0x66), 4, dst.id, src.id), mode));
  }
  // The same with a memory operand (pinsrb xmm, m8, imm; pextrb m8, xmm, imm).
  void sseMemImm(uint32_t op, uint8_t size, uint8_t reg, const Mem& m, uint8_t imm) {
    buf_.commit(putImm8(rmOpen(op, size, reg, m, 1), imm));
  }
  // An SSE form whose ModRM.reg is a general register and ModRM.rm an xmm (pmovmskb, movmskps).
  void sseToGp(uint32_t op, Gp dst, Xmm src) { rr(op, 4, dst.id, src.id); }
  // An SSE form over two registers with a trailing imm8 (pshufd, pextr*, pinsr*, insertps):
  // `reg` and `rm` are the ModRM fields, as the instruction's table gives them; size 8 sets
  // REX.W (pextrq, pinsrq).
  void sseImm(uint32_t op, uint8_t size, uint8_t reg, uint8_t rm, uint8_t imm) {
    buf_.commit(putImm8(rrOpen(op, size, reg, rm), imm));
  }
  // Three-operand VEX.LIG forms: dst <- lhs op rhs (a register or memory).
  void vex(uint32_t op, Xmm dst, Xmm lhs, Xmm rhs);
  void vex(uint32_t op, Xmm dst, Xmm lhs, const Mem& rhs);

  // Packs an opcode: the byte, its map (0 none, 1 0F, 2 0F 38, 3 0F 3A) and a mandatory
  // prefix (0, 66, F2, F3).
  static constexpr uint32_t kOp(uint8_t opcode, uint8_t map = 0, uint8_t prefix = 0) {
    return opcode | (uint32_t{map} << 8) | (uint32_t{prefix} << 16);
  }

 private:

  // [prefix] [66 for 16-bit] [REX] [map] opcode: the head of every legacy form.
  // VEX.pp: the mandatory prefix of the packed opcode (none, 66, F3, F2 -> 0..3).
  static uint8_t vexPp(uint32_t op) {
    const auto prefix = static_cast<uint8_t>(op >> 16);
    return prefix == 0x66 ? 1 : prefix == 0xF3 ? 2 : prefix == 0xF2 ? 3 : 0;
  }

  // Byte registers 4..7 are spl, bpl, sil, dil only with a REX prefix (else ah..bh).
  static bool byteNeedsRex(uint8_t id) { return id >= 4 && id < 8; }

  // Written without branches on the common path (it runs for every instruction): the REX byte
  // is stored always and kept when needed, the map's escape bytes and the opcode in one store.
  static uint8_t* head(uint8_t* p, uint32_t op, uint8_t size, uint8_t reg, uint8_t index,
                       uint8_t base, bool force_rex) {
    if (const auto prefix = static_cast<uint8_t>(op >> 16)) [[unlikely]] *p++ = prefix;
    if (size == 2) [[unlikely]] *p++ = 0x66;
    const unsigned rex = (size & 8u) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (base >> 3);
    *p = static_cast<uint8_t>(0x40 | rex);
    p += (rex | static_cast<unsigned>(force_rex)) != 0;
    // Map 0: opcode; 1: 0F opcode; 2: 0F 38 opcode; 3: 0F 3A opcode.
    static constexpr uint32_t kEscape[4] = {0, 0x0F, 0x380F, 0x3A0F};
    static constexpr uint8_t kEscapeBytes[4] = {0, 1, 2, 2};
    const uint32_t map = (op >> 8) & 3;
    const uint32_t bytes = kEscape[map] | ((op & 0xFFu) << (8 * kEscapeBytes[map]));
    std::memcpy(p, &bytes, 4);
    return p + kEscapeBytes[map] + 1;
  }

  // ModRM.reg = reg, ModRM.rm = a register; rrOpen leaves the cursor after the ModRM byte
  // for an immediate, and the caller commits.
  [[gnu::always_inline]] uint8_t* rrOpen(uint32_t op, uint8_t size, uint8_t reg, uint8_t rm_reg, bool force_rex = false) {
    uint8_t* p = buf_.reserve(16);
    p = head(p, op, size, reg, 0, rm_reg, force_rex);
    *p++ = static_cast<uint8_t>(0xC0 | ((reg & 7) << 3) | (rm_reg & 7));
    return p;
  }
  // The whole instruction: with room in the buffer it calls nothing (so it needs no frame of
  // its own); without, a slow path makes room and starts over.
  void rr(uint32_t op, uint8_t size, uint8_t reg, uint8_t rm_reg, bool force_rex = false) {
    if (!buf_.hasRoom(16)) [[unlikely]] return rrAfterGrowing(op, size, reg, rm_reg, force_rex);
    uint8_t* p = buf_.cursor();
    if ((op >> 8) == 0 && size >= 4) {  // one opcode byte, no prefix: mov, the ALU, test
      const unsigned rex = (size & 8u) | ((reg >> 3) << 2) | (rm_reg >> 3);
      *p = static_cast<uint8_t>(0x40 | rex);
      p += (rex | static_cast<unsigned>(force_rex)) != 0;
      p[0] = static_cast<uint8_t>(op);
      p[1] = static_cast<uint8_t>(0xC0 | ((reg & 7) << 3) | (rm_reg & 7));
      return buf_.commit(p + 2);
    }
    p = head(p, op, size, reg, 0, rm_reg, force_rex);
    *p++ = static_cast<uint8_t>(0xC0 | ((reg & 7) << 3) | (rm_reg & 7));
    buf_.commit(p);
  }
  // alu's narrower operands, and every form once the buffer has grown.
  [[gnu::noinline]] void aluOtherForms(Alu op, Gp dst, int32_t imm) {
    const auto ext = static_cast<uint8_t>(op);
    if (imm >= -128 && imm <= 127) return buf_.commit(putImm8(rrOpen(kOp(0x83), dst.size, ext, dst.id), imm));
    if (dst.id == 0) {  // the accumulator's short form
      uint8_t* p = buf_.reserve(8);
      if (dst.size == 8) *p++ = 0x48;
      *p++ = static_cast<uint8_t>((ext << 3) | 5);
      std::memcpy(p, &imm, 4);
      return buf_.commit(p + 4);
    }
    buf_.commit(putImm32(rrOpen(kOp(0x81), dst.size, ext, dst.id), imm));
  }
  [[gnu::noinline]] void rrAfterGrowing(uint32_t op, uint8_t size, uint8_t reg, uint8_t rm_reg,
                                        bool force_rex) {
    buf_.makeRoom(16);
    rr(op, size, reg, rm_reg, force_rex);
  }
  static uint8_t* putImm8(uint8_t* p, int32_t v) {
    *p = static_cast<uint8_t>(v);
    return p + 1;
  }
  static uint8_t* putImm32(uint8_t* p, int32_t v) {
    std::memcpy(p, &v, 4);
    return p + 4;
  }

  // ModRM.reg = reg, ModRM.rm = memory; `trailing` immediate bytes follow (a RIP-relative
  // displacement counts from the instruction's end).
  [[gnu::always_inline]] uint8_t* rmOpen(uint32_t op, uint8_t size, uint8_t reg, const Mem& m, uint8_t trailing = 0,
                  bool force_rex = false) {
    if (m.label != Label::kInvalid) [[unlikely]] return rmOpenRip(op, size, reg, m.label, trailing, force_rex);
    uint8_t* p = buf_.reserve(16);
    p = head(p, op, size, reg, m.has_index ? m.index : 0, m.base, force_rex);
    return modrmMem(p, reg, m);
  }
  [[gnu::noinline]] uint8_t* rmOpenRip(uint32_t op, uint8_t size, uint8_t reg, uint32_t label,
                                       uint8_t trailing, bool force_rex) {
    uint8_t* p = buf_.reserve(16);
    p = head(p, op, size, reg, 0, 0, force_rex);
    return modrmRip(p, reg, label, trailing);
  }
  // As rr: the common case calls nothing; RIP-relative operands and a full buffer go through
  // rmOpen.
  void rm(uint32_t op, uint8_t size, uint8_t reg, const Mem& m, uint8_t trailing = 0,
          bool force_rex = false) {
    if (m.label != Label::kInvalid || !buf_.hasRoom(16)) [[unlikely]]
      return rmSlow(op, size, reg, m, trailing, force_rex);
    uint8_t* p = head(buf_.cursor(), op, size, reg, m.has_index ? m.index : 0, m.base, force_rex);
    buf_.commit(modrmMem(p, reg, m));
  }
  [[gnu::noinline]] void rmSlow(uint32_t op, uint8_t size, uint8_t reg, const Mem& m,
                                uint8_t trailing, bool force_rex) {
    buf_.commit(rmOpen(op, size, reg, m, trailing, force_rex));
  }

  // [base + disp] with no index or label, by a 32- or 64-bit register: the form of frame
  // slots and context fields, most of the memory operands the compiler emits. The same bytes
  // as the general path (rm), in a third of its work.
  static bool isBaseDisp(const Mem& m) { return !m.has_index && m.label == Label::kInvalid; }
  void baseDisp(uint8_t opcode, Gp reg, const Mem& m) {
    if (!buf_.hasRoom(16)) [[unlikely]] return baseDispAfterGrowing(opcode, reg, m);
    uint8_t* p = buf_.cursor();
    const unsigned rex = (reg.size & 8u) | ((reg.id >> 3) << 2) | (m.base >> 3);
    *p = static_cast<uint8_t>(0x40 | rex);
    p += rex != 0;
    const unsigned base = m.base & 7u;
    const unsigned mod = (m.disp == 0 && base != 5) ? 0 : (m.disp >= -128 && m.disp <= 127) ? 1 : 2;
    p[0] = opcode;
    p[1] = static_cast<uint8_t>((mod << 6) | ((reg.id & 7u) << 3) | base);
    p[2] = 0x24;  // the SIB byte rsp and r12 need as a base (no index); overwritten otherwise
    p += 2 + (base == 4);
    static constexpr uint8_t kDispBytes[3] = {0, 1, 4};
    std::memcpy(p, &m.disp, 4);
    buf_.commit(p + kDispBytes[mod]);
  }


  // A memory form of map 0 or 1 (no escape, or 0F) with an optional mandatory prefix, a
  // 32- or 64-bit operand and no label: indexed movs (linear memory's accesses), SSE loads and
  // stores, movzx and movsx. As rm's fast
  // path, with the head's general cases (16-bit operands, two-byte escapes) left out.
  static bool isDirectMem(uint32_t op, const Mem& m) {
    return ((op >> 8) & 3) <= 1 && m.label == Label::kInvalid;
  }
  void memDirect(uint32_t op, uint8_t size, uint8_t reg, const Mem& m) {
    if (!buf_.hasRoom(16)) [[unlikely]] return memDirectAfterGrowing(op, size, reg, m);
    uint8_t* p = buf_.cursor();
    const auto prefix = static_cast<uint8_t>(op >> 16);
    *p = prefix;
    p += prefix != 0;
    const unsigned index = m.has_index ? m.index : 0;
    const unsigned rex = (size & 8u) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (m.base >> 3);
    *p = static_cast<uint8_t>(0x40 | rex);
    p += rex != 0;
    *p = 0x0F;
    p += (op >> 8) & 1;
    *p++ = static_cast<uint8_t>(op);
    buf_.commit(modrmMem(p, reg, m));
  }
  [[gnu::noinline]] void memDirectAfterGrowing(uint32_t op, uint8_t size, uint8_t reg,
                                               const Mem& m) {
    buf_.makeRoom(16);
    memDirect(op, size, reg, m);
  }

  [[gnu::noinline]] void baseDispAfterGrowing(uint8_t opcode, Gp reg, const Mem& m) {
    buf_.makeRoom(16);
    baseDisp(opcode, reg, m);
  }

  static uint8_t* modrmMem(uint8_t* p, uint8_t reg, const Mem& m) {
    const uint8_t base = m.base & 7;
    // rbp and r13 as a base have no mod-00 form (it means RIP or no base): they take a disp8.
    const bool no_disp = m.disp == 0 && base != 5;
    const bool disp8 = m.disp >= -128 && m.disp <= 127;
    const unsigned mod = no_disp ? 0 : disp8 ? 1 : 2;
    const unsigned modrm = (mod << 6) | ((reg & 7u) << 3);
    if (m.has_index || base == 4) {  // rsp and r12 as a base need a SIB byte
      const unsigned index = m.has_index ? (m.index & 7u) : 4;  // 4 in SIB.index: none
      p[0] = static_cast<uint8_t>(modrm | 4);
      p[1] = static_cast<uint8_t>((unsigned{m.shift} << 6) | (index << 3) | base);
      p += 2;
    } else {
      *p++ = static_cast<uint8_t>(modrm | base);
    }
    // The displacement's four bytes are stored always; 0, 1 or 4 of them are kept.
    static constexpr uint8_t kDispBytes[3] = {0, 1, 4};
    std::memcpy(p, &m.disp, 4);
    return p + kDispBytes[mod];
  }

  uint8_t* modrmRip(uint8_t* p, uint8_t reg, uint32_t label, uint8_t trailing) {
    *p++ = static_cast<uint8_t>(((reg & 7) << 3) | 5);
    const auto at = static_cast<uint32_t>(p - buf_.data());
    const uint32_t end = at + 4 + trailing;
    uint32_t disp = 0;
    if (buf_.isBound(label)) disp = buf_.labelOffset(label) - end;
    else buf_.addFixup(at, label, end);
    std::memcpy(p, &disp, 4);
    return p + 4;
  }

  void fsAbsolute(uint8_t opcode, uint8_t reg, int32_t disp) {
    uint8_t* p = buf_.reserve(9);
    *p++ = 0x64;
    *p++ = static_cast<uint8_t>(0x48 | ((reg >> 3) << 2));
    *p++ = opcode;
    *p++ = static_cast<uint8_t>(((reg & 7) << 3) | 4);
    *p++ = 0x25;
    std::memcpy(p, &disp, 4);
    buf_.commit(p + 4);
  }

  void opPlusReg(uint8_t opcode, uint8_t reg) {
    uint8_t* p = buf_.reserve(2);
    if (reg >= 8) *p++ = 0x41;
    *p++ = static_cast<uint8_t>(opcode | (reg & 7));
    buf_.commit(p);
  }

  // A bound target takes the short form when it reaches, else the near one; a forward target
  // always the near one (its distance is not known yet). `near2` is the near form's second
  // opcode byte (0 for jmp's one-byte E9).
  void branch(uint8_t short_op, uint8_t near1, uint8_t near2, Label target) {
    uint8_t* p = buf_.reserve(8);
    const uint32_t start = offset();
    if (buf_.isBound(target.id)) {
      const int64_t to = buf_.labelOffset(target.id);
      const int64_t rel8 = to - (int64_t{start} + 2);
      if (rel8 >= -128 && rel8 <= 127) {
        *p++ = short_op;
        *p++ = static_cast<uint8_t>(rel8);
        return buf_.commit(p);
      }
      *p++ = near1;
      if (near2) *p++ = near2;
      const auto end = static_cast<uint32_t>(p - buf_.data()) + 4;
      const uint32_t rel32 = static_cast<uint32_t>(to) - end;
      std::memcpy(p, &rel32, 4);
      return buf_.commit(p + 4);
    }
    *p++ = near1;
    if (near2) *p++ = near2;
    const auto at = static_cast<uint32_t>(p - buf_.data());
    buf_.addFixup(at, target.id, at + 4);
    std::memset(p, 0, 4);
    buf_.commit(p + 4);
  }

  CodeBuffer& buf_;
};

inline void Assembler::mov(Gp dst, int64_t imm) {
  uint8_t* p = buf_.reserve(16);
  const uint8_t id = dst.id;
  if (dst.size == 8 && (imm < INT32_MIN || imm > INT32_MAX)) {
    *p++ = static_cast<uint8_t>(0x48 | (id >> 3));
    *p++ = static_cast<uint8_t>(0xB8 | (id & 7));
    std::memcpy(p, &imm, 8);
    return buf_.commit(p + 8);
  }
  if (dst.size == 8) {  // mov r64, simm32 (C7 /0)
    *p++ = static_cast<uint8_t>(0x48 | (id >> 3));
    *p++ = 0xC7;
    *p++ = static_cast<uint8_t>(0xC0 | (id & 7));
  } else {  // mov r32, imm32 (B8+r)
    if (id >= 8) *p++ = 0x41;
    *p++ = static_cast<uint8_t>(0xB8 | (id & 7));
  }
  const auto v = static_cast<uint32_t>(imm);
  std::memcpy(p, &v, 4);
  buf_.commit(p + 4);
}

// The common forms (32- or 64-bit register, 83 /ext ib or 81 /ext id) write their bytes
// straight away and call nothing; the others, and a full buffer, go out of line through a
// tail call, so this path needs no frame.
inline void Assembler::alu(Alu op, Gp dst, int32_t imm) {
  const bool imm8 = imm >= -128 && imm <= 127;
  if (dst.size < 4 || !buf_.hasRoom(16)) [[unlikely]] return aluOtherForms(op, dst, imm);
  uint8_t* p = buf_.cursor();
  const unsigned rex = (dst.size & 8u) | (dst.id >> 3);
  *p = static_cast<uint8_t>(0x40 | rex);
  p += rex != 0;
  if (!imm8 && dst.id == 0) {  // the accumulator's short form (05, 0D, 25, 2D, 35, 3D id)
    p[0] = static_cast<uint8_t>((static_cast<unsigned>(op) << 3) | 5);
    std::memcpy(p + 1, &imm, 4);
    return buf_.commit(p + 5);
  }
  p[0] = imm8 ? 0x83 : 0x81;
  p[1] = static_cast<uint8_t>(0xC0 | (static_cast<unsigned>(op) << 3) | (dst.id & 7u));
  std::memcpy(p + 2, &imm, 4);
  buf_.commit(p + 2 + (imm8 ? 1 : 4));
}


inline void Assembler::vex(uint32_t op, Xmm dst, Xmm lhs, Xmm rhs) {
  uint8_t* p = buf_.reserve(8);
  const uint8_t pp = vexPp(op);
  const uint8_t r = static_cast<uint8_t>((~dst.id >> 3) & 1);
  const uint8_t vvvv = static_cast<uint8_t>(~lhs.id & 15);
  if (rhs.id < 8 && ((op >> 8) & 3) == 1) {  // two-byte VEX: C5 R.vvvv.L.pp (map 0F only)
    *p++ = 0xC5;
    *p++ = static_cast<uint8_t>((r << 7) | (vvvv << 3) | pp);
  } else {  // three-byte VEX: C4 R.X.B.mmmmm W.vvvv.L.pp
    *p++ = 0xC4;
    *p++ = static_cast<uint8_t>((r << 7) | (1 << 6) | (((~rhs.id >> 3) & 1) << 5) | ((op >> 8) & 3));
    *p++ = static_cast<uint8_t>((vvvv << 3) | pp);
  }
  *p++ = static_cast<uint8_t>(op);
  *p++ = static_cast<uint8_t>(0xC0 | ((dst.id & 7) << 3) | (rhs.id & 7));
  buf_.commit(p);
}

inline void Assembler::vex(uint32_t op, Xmm dst, Xmm lhs, const Mem& rhs) {
  uint8_t* p = buf_.reserve(16);
  const uint8_t pp = vexPp(op);
  const uint8_t r = static_cast<uint8_t>((~dst.id >> 3) & 1);
  const uint8_t vvvv = static_cast<uint8_t>(~lhs.id & 15);
  const bool rip = rhs.label != Label::kInvalid;
  const uint8_t x = rip || !rhs.has_index ? 1 : static_cast<uint8_t>((~rhs.index >> 3) & 1);
  const uint8_t b = rip ? 1 : static_cast<uint8_t>((~rhs.base >> 3) & 1);
  if (x && b && ((op >> 8) & 3) == 1) {
    *p++ = 0xC5;
    *p++ = static_cast<uint8_t>((r << 7) | (vvvv << 3) | pp);
  } else {
    *p++ = 0xC4;
    *p++ = static_cast<uint8_t>((r << 7) | (x << 6) | (b << 5) | ((op >> 8) & 3));
    *p++ = static_cast<uint8_t>((vvvv << 3) | pp);
  }
  *p++ = static_cast<uint8_t>(op);
  p = rip ? modrmRip(p, dst.id, rhs.label, 0) : modrmMem(p, dst.id, rhs);
  buf_.commit(p);
}

// The SSE forms the compiler uses, packed for Assembler::sse and Assembler::vex.
namespace sse {
constexpr uint32_t kMovaps = Assembler::kOp(0x28, 1);
constexpr uint32_t kMovssLoad = Assembler::kOp(0x10, 1, 0xF3), kMovsdLoad = Assembler::kOp(0x10, 1, 0xF2);
constexpr uint32_t kMovssStore = Assembler::kOp(0x11, 1, 0xF3), kMovsdStore = Assembler::kOp(0x11, 1, 0xF2);
constexpr uint32_t kMovdquLoad = Assembler::kOp(0x6F, 1, 0xF3), kMovdquStore = Assembler::kOp(0x7F, 1, 0xF3);
constexpr uint32_t kAndps = Assembler::kOp(0x54, 1), kOrps = Assembler::kOp(0x56, 1),
                   kXorps = Assembler::kOp(0x57, 1);
constexpr uint32_t kUcomiss = Assembler::kOp(0x2E, 1), kUcomisd = Assembler::kOp(0x2E, 1, 0x66);
constexpr uint32_t kCvtss2sd = Assembler::kOp(0x5A, 1, 0xF3), kCvtsd2ss = Assembler::kOp(0x5A, 1, 0xF2);
// Scalar arithmetic: the opcode byte, F3 for single and F2 for double precision.
constexpr uint32_t scalar(uint8_t opcode, bool is64) {
  return Assembler::kOp(opcode, 1, is64 ? 0xF2 : 0xF3);
}
constexpr uint8_t kSqrt = 0x51, kAdd = 0x58, kMul = 0x59, kSub = 0x5C, kMin = 0x5D, kDiv = 0x5E,
                  kMax = 0x5F;
}  // namespace sse

}  // namespace wisp::isa::x64
