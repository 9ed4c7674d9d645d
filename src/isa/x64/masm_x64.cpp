#include "isa/x64/masm_x64.h"

#include <cassert>
#include <cstring>

namespace wisp::isa::x64 {

using namespace asmjit;
using wasm::Opcode;
using wasm::ValType;

namespace {

x86::Gp gp32(Reg r) { return x86::gpd(r.hwCode()); }
x86::Gp gp64(Reg r) { return x86::gpq(r.hwCode()); }
x86::Gp gp8(Reg r) { return x86::gpb_lo(r.hwCode()); }
x86::Gp gp16(Reg r) { return x86::gpw(r.hwCode()); }
x86::Xmm xmm(Reg r) { return x86::xmm(r.hwCode()); }
x86::Gp gpOf(Reg r, ValType t) { return t == ValType::I32 ? gp32(r) : gp64(r); }

x86::Mem mem(const Address& a, uint32_t size = 0) {
  x86::Mem m = a.index.valid() ? x86::ptr(gp64(a.base), gp64(a.index), a.shift, a.disp)
                               : x86::ptr(gp64(a.base), a.disp);
  if (size) m.setSize(size);
  return m;
}

x86::CondCode condCode(Cond c) {
  switch (c) {
    case Cond::Eq: return x86::CondCode::kE;
    case Cond::Ne: return x86::CondCode::kNE;
    case Cond::LtS: return x86::CondCode::kL;
    case Cond::LtU: return x86::CondCode::kB;
    case Cond::GtS: return x86::CondCode::kG;
    case Cond::GtU: return x86::CondCode::kA;
    case Cond::LeS: return x86::CondCode::kLE;
    case Cond::LeU: return x86::CondCode::kBE;
    case Cond::GeS: return x86::CondCode::kGE;
    case Cond::GeU: return x86::CondCode::kAE;
  }
  return x86::CondCode::kE;
}

bool fitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

// The condition a wasm integer comparison tests, and whether it is on i64.
Cond comparisonCond(Opcode op, bool* is64) {
  *is64 = op >= Opcode::I64Eqz && op <= Opcode::I64GeU;
  switch (op) {
    case Opcode::I32Eq: case Opcode::I64Eq: return Cond::Eq;
    case Opcode::I32Ne: case Opcode::I64Ne: return Cond::Ne;
    case Opcode::I32LtS: case Opcode::I64LtS: return Cond::LtS;
    case Opcode::I32LtU: case Opcode::I64LtU: return Cond::LtU;
    case Opcode::I32GtS: case Opcode::I64GtS: return Cond::GtS;
    case Opcode::I32GtU: case Opcode::I64GtU: return Cond::GtU;
    case Opcode::I32LeS: case Opcode::I64LeS: return Cond::LeS;
    case Opcode::I32LeU: case Opcode::I64LeU: return Cond::LeU;
    case Opcode::I32GeS: case Opcode::I64GeS: return Cond::GeS;
    default: return Cond::GeU;
  }
}

bool isI64Op(Opcode op) {
  switch (op) {
    case Opcode::I64Add: case Opcode::I64Sub: case Opcode::I64Mul: case Opcode::I64And:
    case Opcode::I64Or: case Opcode::I64Xor: case Opcode::I64Shl: case Opcode::I64ShrS:
    case Opcode::I64ShrU: case Opcode::I64Rotl: case Opcode::I64Rotr: case Opcode::I64DivS:
    case Opcode::I64DivU: case Opcode::I64RemS: case Opcode::I64RemU:
      return true;
    default:
      return false;
  }
}

// Maps an i64 operation to its i32 twin, so one switch covers both widths.
Opcode narrowIntOp(Opcode op) {
  switch (op) {
    case Opcode::I64Add: return Opcode::I32Add;
    case Opcode::I64Sub: return Opcode::I32Sub;
    case Opcode::I64Mul: return Opcode::I32Mul;
    case Opcode::I64And: return Opcode::I32And;
    case Opcode::I64Or: return Opcode::I32Or;
    case Opcode::I64Xor: return Opcode::I32Xor;
    case Opcode::I64Shl: return Opcode::I32Shl;
    case Opcode::I64ShrS: return Opcode::I32ShrS;
    case Opcode::I64ShrU: return Opcode::I32ShrU;
    case Opcode::I64Rotl: return Opcode::I32Rotl;
    case Opcode::I64Rotr: return Opcode::I32Rotr;
    case Opcode::I64DivS: return Opcode::I32DivS;
    case Opcode::I64DivU: return Opcode::I32DivU;
    case Opcode::I64RemS: return Opcode::I32RemS;
    case Opcode::I64RemU: return Opcode::I32RemU;
    default: return op;
  }
}

bool isCommutative(Opcode narrow) {
  return narrow == Opcode::I32Add || narrow == Opcode::I32Mul || narrow == Opcode::I32And ||
         narrow == Opcode::I32Or || narrow == Opcode::I32Xor;
}

}  // namespace

// ---- frame ------------------------------------------------------------------------------

uint32_t MacroAssembler::enterFrame() {
  a_.push(x86::rbp);
  a_.mov(x86::rbp, x86::rsp);
  // sub rsp, imm32 with a placeholder: REX.W 81 /5 id. The frame size is known at the end.
  a_.db(0x48);
  a_.db(0x81);
  a_.db(0xEC);
  const uint32_t patch_at = offset();
  a_.dd(0);
  return patch_at;
}

void MacroAssembler::patchFrameSize(CodeHolder& code, uint32_t patch_at, uint32_t frame_size) {
  uint8_t* data = code.textSection()->buffer().data();
  std::memcpy(data + patch_at, &frame_size, 4);
}

void MacroAssembler::leaveFrameAndReturn() {
  a_.mov(x86::rsp, x86::rbp);
  a_.pop(x86::rbp);
  a_.ret();
}

void MacroAssembler::push(Reg reg) { a_.push(gp64(reg)); }
void MacroAssembler::pop(Reg reg) { a_.pop(gp64(reg)); }
void MacroAssembler::ret() { a_.ret(); }

void MacroAssembler::checkStackLimit(Reg limits_reg, int32_t limit_offset, Label overflow) {
  a_.cmp(x86::rsp, x86::qword_ptr(gp64(limits_reg), limit_offset));
  a_.jb(overflow);
}

// ---- moves ------------------------------------------------------------------------------

void MacroAssembler::zeroExtendI32(Reg reg) { a_.mov(gp32(reg), gp32(reg)); }

void MacroAssembler::move(Reg dst, Reg src, ValType type) {
  if (dst == src) return;
  if (dst.isGp() && src.isGp()) {
    Encoded e;
    encode::movRR(e, type != ValType::I32, dst, src);
    put(e);
  } else if (dst.isFp() && src.isFp()) {
    a_.movaps(xmm(dst), xmm(src));
  } else if (dst.isFp()) {
    if (type == ValType::F32) a_.movd(xmm(dst), gp32(src));
    else a_.movq(xmm(dst), gp64(src));
  } else {
    if (type == ValType::F32) a_.movd(gp32(dst), xmm(src));
    else a_.movq(gp64(dst), xmm(src));
  }
}

Label MacroAssembler::poolConstant(uint64_t lo, uint64_t hi) {
  for (uint32_t i = 0; i < pool_size_; ++i)
    if (pool_[i].lo == lo && pool_[i].hi == hi) return pool_[i].label;
  if (pool_size_ == kPoolCapacity) return Label();
  pool_[pool_size_] = {lo, hi, a_.newLabel()};
  return pool_[pool_size_++].label;
}

void MacroAssembler::finish() {
  if (pool_size_ == 0) return;
  a_.align(AlignMode::kData, 16);
  for (uint32_t i = 0; i < pool_size_; ++i) {
    a_.bind(pool_[i].label);
    a_.embedUInt64(pool_[i].lo);
    a_.embedUInt64(pool_[i].hi);
  }
}

void MacroAssembler::loadFpConstant(Reg dst, bool is_f64, uint64_t bits) {
  if (bits == 0) {
    a_.xorps(xmm(dst), xmm(dst));
    return;
  }
  if (const Label constant = poolConstant(bits, 0); constant.isValid()) {
    if (is_f64) a_.movsd(xmm(dst), x86::ptr(constant));
    else a_.movss(xmm(dst), x86::ptr(constant));
    return;
  }
  if (is_f64) {
    a_.mov(gp64(kScratchGp), bits);
    a_.movq(xmm(dst), gp64(kScratchGp));
  } else {
    a_.mov(gp32(kScratchGp), static_cast<uint32_t>(bits));
    a_.movd(xmm(dst), gp32(kScratchGp));
  }
}

void MacroAssembler::moveImm(Reg dst, ValType type, uint64_t bits) {
  if (dst.isFp()) return loadFpConstant(dst, type == ValType::F64, bits);
  const bool narrow = type == ValType::I32 || type == ValType::F32;
  const uint64_t value = narrow ? static_cast<uint32_t>(bits) : bits;
  Encoded e;
  if (value == 0) encode::aluRR(e, AluOp::Xor, false, dst, dst);
  else if (value <= UINT32_MAX) encode::movRI32(e, dst, static_cast<uint32_t>(value));
  else encode::movRI64(e, dst, value);
  put(e);
}

void MacroAssembler::load(Reg dst, const Address& addr, ValType type) {
  if (dst.isGp() && type != ValType::V128) {
    Encoded e;
    encode::movRM(e, type != ValType::I32 && type != ValType::F32, dst, addr);
    return put(e);
  }
  switch (type) {
    case ValType::I32: a_.mov(gp32(dst), mem(addr)); return;
    case ValType::F32: case ValType::F64: {
      Encoded e;
      encode::movsdRM(e, type == ValType::F64, dst, addr);
      return put(e);
    }
    case ValType::V128: a_.movdqu(xmm(dst), mem(addr)); return;
    default: a_.mov(gp64(dst), mem(addr)); return;
  }
}

void MacroAssembler::store(const Address& addr, Reg src, ValType type) {
  if (src.isGp() && type != ValType::V128) {
    Encoded e;
    encode::movMR(e, type != ValType::I32 && type != ValType::F32, addr, src);
    return put(e);
  }
  switch (type) {
    case ValType::I32: a_.mov(mem(addr), gp32(src)); return;
    case ValType::F32: case ValType::F64: {
      Encoded e;
      encode::movsdMR(e, type == ValType::F64, addr, src);
      return put(e);
    }
    case ValType::V128: a_.movdqu(mem(addr), xmm(src)); return;
    default: a_.mov(mem(addr), gp64(src)); return;
  }
}

void MacroAssembler::storeImm(const Address& addr, ValType type, uint64_t bits) {
  if (type == ValType::I32 || type == ValType::F32) {
    a_.mov(mem(addr, 4), Imm(static_cast<int32_t>(bits)));
  } else if (fitsInt32(static_cast<int64_t>(bits))) {
    a_.mov(mem(addr, 8), Imm(static_cast<int64_t>(bits)));
  } else {
    a_.mov(gp64(kScratchGp), bits);
    a_.mov(mem(addr), gp64(kScratchGp));
  }
}

void MacroAssembler::swap(Reg a, Reg b, ValType type) {
  if (a.isGp() && b.isGp()) {
    a_.xchg(gp64(a), gp64(b));
    return;
  }
  if (!a.isFp() || !b.isFp()) return unhandledOp("swap", wasm::Opcode::Nop);
  (void)type;
  a_.movaps(xmm(kScratchFp), xmm(a));
  a_.movaps(xmm(a), xmm(b));
  a_.movaps(xmm(b), xmm(kScratchFp));
}

void MacroAssembler::copySlot(const Address& dst, const Address& src, ValType type) {
  if (type == ValType::V128) {
    a_.movdqu(xmm(kScratchFp), mem(src));
    a_.movdqu(mem(dst), xmm(kScratchFp));
  } else if (type == ValType::I32 || type == ValType::F32) {
    a_.mov(gp32(kScratchGp), mem(src));
    a_.mov(mem(dst), gp32(kScratchGp));
  } else {
    a_.mov(gp64(kScratchGp), mem(src));
    a_.mov(mem(dst), gp64(kScratchGp));
  }
}

void MacroAssembler::loadPtr(Reg dst, const Address& addr) {
  Encoded e;
  encode::movRM(e, true, dst, addr);
  put(e);
}
void MacroAssembler::storePtr(const Address& addr, Reg src) {
  Encoded e;
  encode::movMR(e, true, addr, src);
  put(e);
}
void MacroAssembler::leaPtr(Reg dst, const Address& addr) {
  Encoded e;
  encode::lea(e, true, dst, addr);
  put(e);
}
void MacroAssembler::addPtrImm(Reg dst, int32_t imm) { a_.add(gp64(dst), imm); }
void MacroAssembler::addPtr(Reg dst, Reg src) { a_.add(gp64(dst), gp64(src)); }

void MacroAssembler::zeroSlots(int32_t first_offset, uint32_t bytes, Reg tmp) {
  if (bytes == 0) return;
  a_.xor_(gp32(tmp), gp32(tmp));
  for (uint32_t at = 0; at < bytes; at += 8)
    a_.mov(x86::qword_ptr(x86::rbp, -first_offset + static_cast<int32_t>(at)), gp64(tmp));
}

// ---- wasm memory ----------------------------------------------------------------------------

void MacroAssembler::loadMemory(Opcode op, Reg dst, const Address& addr) {
  switch (op) {
    case Opcode::I32Load: return load(dst, addr, ValType::I32);
    case Opcode::I64Load: return load(dst, addr, ValType::I64);
    case Opcode::F32Load: return load(dst, addr, ValType::F32);
    case Opcode::F64Load: return load(dst, addr, ValType::F64);
    case Opcode::I64Load32U: return load(dst, addr, ValType::I32);
    default: break;
  }
  const x86::Mem m = mem(addr);
  x86::Mem sized = m;
  switch (op) {
    case Opcode::I32Load8S: sized.setSize(1); a_.movsx(gp32(dst), sized); return;
    case Opcode::I32Load8U: sized.setSize(1); a_.movzx(gp32(dst), sized); return;
    case Opcode::I32Load16S: sized.setSize(2); a_.movsx(gp32(dst), sized); return;
    case Opcode::I32Load16U: sized.setSize(2); a_.movzx(gp32(dst), sized); return;
    case Opcode::I64Load8S: sized.setSize(1); a_.movsx(gp64(dst), sized); return;
    case Opcode::I64Load8U: sized.setSize(1); a_.movzx(gp32(dst), sized); return;
    case Opcode::I64Load16S: sized.setSize(2); a_.movsx(gp64(dst), sized); return;
    case Opcode::I64Load16U: sized.setSize(2); a_.movzx(gp32(dst), sized); return;
    case Opcode::I64Load32S: sized.setSize(4); a_.movsxd(gp64(dst), sized); return;
    case Opcode::I64Load32U: a_.mov(gp32(dst), m); return;
    case Opcode::V128Load: a_.movdqu(xmm(dst), m); return;
    default: return unhandledOp("loadMemory", op);
  }
}

void MacroAssembler::storeMemory(Opcode op, const Address& addr, Reg src) {
  const x86::Mem m = mem(addr);
  switch (op) {
    case Opcode::I32Store: case Opcode::I64Store32: return store(addr, src, ValType::I32);
    case Opcode::I64Store: return store(addr, src, ValType::I64);
    case Opcode::F32Store: return store(addr, src, ValType::F32);
    case Opcode::F64Store: return store(addr, src, ValType::F64);
    case Opcode::I32Store8: case Opcode::I64Store8: a_.mov(m, gp8(src)); return;
    case Opcode::I32Store16: case Opcode::I64Store16: a_.mov(m, gp16(src)); return;
    case Opcode::V128Store: a_.movdqu(m, xmm(src)); return;
    default: return unhandledOp("storeMemory", op);
  }
}

// ---- integers ---------------------------------------------------------------------------

void MacroAssembler::intBinop(Opcode op, Reg dst, Reg lhs, Reg rhs) {
  const bool is64 = isI64Op(op);
  const Opcode narrow = narrowIntOp(op);
  auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
  if (narrow == Opcode::I32Shl || narrow == Opcode::I32ShrS || narrow == Opcode::I32ShrU ||
      narrow == Opcode::I32Rotl || narrow == Opcode::I32Rotr) {
    // The count is in rcx (the compiler arranges it); dst may not be rcx.
    if (dst != lhs) a_.mov(G(dst), G(lhs));
    switch (narrow) {
      case Opcode::I32Shl: a_.shl(G(dst), x86::cl); break;
      case Opcode::I32ShrS: a_.sar(G(dst), x86::cl); break;
      case Opcode::I32ShrU: a_.shr(G(dst), x86::cl); break;
      case Opcode::I32Rotl: a_.rol(G(dst), x86::cl); break;
      default: a_.ror(G(dst), x86::cl); break;
    }
    return;
  }
  if (narrow == Opcode::I32Add && dst != lhs && dst != rhs) {
    // Three-address: lea computes the sum without touching the operands (or the flags); its
    // 32-bit form leaves the upper half zero as an i32 must.
    Encoded e;
    encode::lea(e, is64, dst, Address{lhs, rhs, 0, 0});
    return put(e);
  }
  Reg other = rhs;
  if (dst == rhs && dst != lhs) {
    if (isCommutative(narrow)) {
      other = lhs;
    } else {
      a_.mov(G(kScratchGp), G(rhs));
      a_.mov(G(dst), G(lhs));
      other = kScratchGp;
    }
  } else if (dst != lhs) {
    a_.mov(G(dst), G(lhs));
  }
  Encoded e;
  switch (narrow) {
    case Opcode::I32Add: encode::aluRR(e, AluOp::Add, is64, dst, other); return put(e);
    case Opcode::I32Sub: encode::aluRR(e, AluOp::Sub, is64, dst, other); return put(e);
    case Opcode::I32Mul: a_.imul(G(dst), G(other)); return;
    case Opcode::I32And: encode::aluRR(e, AluOp::And, is64, dst, other); return put(e);
    case Opcode::I32Or: encode::aluRR(e, AluOp::Or, is64, dst, other); return put(e);
    case Opcode::I32Xor: encode::aluRR(e, AluOp::Xor, is64, dst, other); return put(e);
    default: return unhandledOp("intBinop", op);
  }
}

void MacroAssembler::intBinopImm(Opcode op, Reg dst, Reg lhs, int32_t imm) {
  const bool is64 = isI64Op(op);
  const Opcode narrow = narrowIntOp(op);
  auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
  if (narrow == Opcode::I32Mul) {
    a_.imul(G(dst), G(lhs), imm);
    return;
  }
  if (dst != lhs && (narrow == Opcode::I32Add || (narrow == Opcode::I32Sub && imm != INT32_MIN))) {
    Encoded e;
    encode::lea(e, is64, dst, Address{lhs, Reg(), narrow == Opcode::I32Add ? imm : -imm, 0});
    return put(e);
  }
  if (dst != lhs) move(dst, lhs, is64 ? ValType::I64 : ValType::I32);
  Encoded e;
  const int shift = imm & (is64 ? 63 : 31);
  switch (narrow) {
    case Opcode::I32Add: encode::aluRI(e, AluOp::Add, is64, dst, imm); return put(e);
    case Opcode::I32Sub: encode::aluRI(e, AluOp::Sub, is64, dst, imm); return put(e);
    case Opcode::I32And: encode::aluRI(e, AluOp::And, is64, dst, imm); return put(e);
    case Opcode::I32Or: encode::aluRI(e, AluOp::Or, is64, dst, imm); return put(e);
    case Opcode::I32Xor: encode::aluRI(e, AluOp::Xor, is64, dst, imm); return put(e);
    case Opcode::I32Shl: a_.shl(G(dst), shift); return;
    case Opcode::I32ShrS: a_.sar(G(dst), shift); return;
    case Opcode::I32ShrU: a_.shr(G(dst), shift); return;
    case Opcode::I32Rotl: a_.rol(G(dst), shift); return;
    case Opcode::I32Rotr: a_.ror(G(dst), shift); return;
    default: return unhandledOp("intBinopImm", op);
  }
}

void MacroAssembler::unhandledOp(const char* method, Opcode op) {
  if (unhandled_.empty())
    unhandled_ = std::string("MacroAssembler::") + method + " cannot emit " + wasm::opcodeName(op);
  assert(false && "a MacroAssembler method was asked for an operation it does not implement");
}

// The SWAR population count: bits summed in pairs, nibbles, bytes, then the bytes added by a
// multiplication into the top byte.
void MacroAssembler::popcntWithoutInstruction(bool is64, Reg dst, Reg src, Reg gp_tmp) {
  auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
  // The masks, as wide as the operation: 64-bit ones need a register of their own.
  auto andMask = [&](Reg target, uint64_t mask64) {
    if (is64) {
      a_.mov(gp64(gp_tmp), mask64);
      a_.and_(gp64(target), gp64(gp_tmp));
    } else {
      a_.and_(gp32(target), static_cast<int32_t>(static_cast<uint32_t>(mask64)));
    }
  };
  const Reg t = kScratchGp;
  if (dst != src) a_.mov(G(dst), G(src));
  a_.mov(G(t), G(dst));
  a_.shr(G(t), 1);
  andMask(t, 0x5555555555555555);
  a_.sub(G(dst), G(t));
  a_.mov(G(t), G(dst));
  a_.shr(G(t), 2);
  andMask(t, 0x3333333333333333);
  andMask(dst, 0x3333333333333333);
  a_.add(G(dst), G(t));
  a_.mov(G(t), G(dst));
  a_.shr(G(t), 4);
  a_.add(G(dst), G(t));
  andMask(dst, 0x0f0f0f0f0f0f0f0f);
  if (is64) {
    a_.mov(gp64(gp_tmp), uint64_t{0x0101010101010101});
    a_.imul(gp64(dst), gp64(gp_tmp));
    a_.shr(gp64(dst), 56);
  } else {
    a_.imul(gp32(dst), gp32(dst), 0x01010101);
    a_.shr(gp32(dst), 24);
  }
}

void MacroAssembler::intUnop(Opcode op, Reg dst, Reg src, Reg gp_tmp) {
  switch (op) {
    // Without LZCNT and TZCNT their encodings execute as bsr and bsf, which leave the
    // destination undefined for zero and count from the other end: bsr gives 31 - clz (63 -
    // clz), so an xor with 31 (63) turns it into clz, and zero is mapped to 32 (64) first.
    case Opcode::I32Clz: case Opcode::I64Clz: {
      const bool is64 = op == Opcode::I64Clz;
      auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
      if (features_.lzcnt) {
        a_.lzcnt(G(dst), G(src));
        return;
      }
      a_.bsr(G(dst), G(src));
      a_.mov(gp32(kScratchGp), is64 ? 127 : 63);  // 127 ^ 63 = 64, 63 ^ 31 = 32
      a_.cmovz(G(dst), G(kScratchGp));
      a_.xor_(G(dst), is64 ? 63 : 31);
      return;
    }
    case Opcode::I32Ctz: case Opcode::I64Ctz: {
      const bool is64 = op == Opcode::I64Ctz;
      auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
      if (features_.bmi1) {
        a_.tzcnt(G(dst), G(src));
        return;
      }
      a_.bsf(G(dst), G(src));
      a_.mov(gp32(kScratchGp), is64 ? 64 : 32);
      a_.cmovz(G(dst), G(kScratchGp));
      return;
    }
    case Opcode::I32Popcnt:
      if (features_.popcnt) {
        a_.popcnt(gp32(dst), gp32(src));
        return;
      }
      return popcntWithoutInstruction(false, dst, src, gp_tmp);
    case Opcode::I64Popcnt:
      if (features_.popcnt) {
        a_.popcnt(gp64(dst), gp64(src));
        return;
      }
      if (!gp_tmp.valid()) return unhandledOp("intUnop (i64.popcnt needs a temporary)", op);
      return popcntWithoutInstruction(true, dst, src, gp_tmp);
    case Opcode::I32Eqz:
    case Opcode::I64Eqz:
      if (op == Opcode::I32Eqz) a_.test(gp32(src), gp32(src));
      else a_.test(gp64(src), gp64(src));
      a_.sete(gp8(dst));
      a_.movzx(gp32(dst), gp8(dst));
      return;
    case Opcode::I32Extend8S: a_.movsx(gp32(dst), gp8(src)); return;
    case Opcode::I32Extend16S: a_.movsx(gp32(dst), gp16(src)); return;
    case Opcode::I64Extend8S: a_.movsx(gp64(dst), gp8(src)); return;
    case Opcode::I64Extend16S: a_.movsx(gp64(dst), gp16(src)); return;
    case Opcode::I64Extend32S:
    case Opcode::I64ExtendI32S: a_.movsxd(gp64(dst), gp32(src)); return;
    case Opcode::I64ExtendI32U:
    case Opcode::I32WrapI64: a_.mov(gp32(dst), gp32(src)); return;
    default: return unhandledOp("intUnop", op);
  }
}

void MacroAssembler::compare(Opcode op, Reg dst, Reg lhs, Reg rhs) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  if (is64) a_.cmp(gp64(lhs), gp64(rhs));
  else a_.cmp(gp32(lhs), gp32(rhs));
  a_.set(condCode(cond), gp8(dst));
  a_.movzx(gp32(dst), gp8(dst));
}

void MacroAssembler::compareImm(Opcode op, Reg dst, Reg lhs, int32_t imm) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  if (is64) a_.cmp(gp64(lhs), imm);
  else a_.cmp(gp32(lhs), imm);
  a_.set(condCode(cond), gp8(dst));
  a_.movzx(gp32(dst), gp8(dst));
}

Cond MacroAssembler::compareToFlags(Opcode op, Reg lhs, Reg rhs) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  Encoded e;
  encode::aluRR(e, AluOp::Cmp, is64, lhs, rhs);
  put(e);
  return cond;
}

Cond MacroAssembler::compareToFlagsImm(Opcode op, Reg lhs, int32_t imm) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  Encoded e;
  encode::aluRI(e, AluOp::Cmp, is64, lhs, imm);
  put(e);
  return cond;
}

Cond MacroAssembler::eqzToFlags(Opcode op, Reg value) {
  Encoded e;
  encode::testRR(e, op != Opcode::I32Eqz, value, value);
  put(e);
  return Cond::Eq;
}

void MacroAssembler::setCond(Cond cond, Reg dst) {
  a_.set(condCode(cond), gp8(dst));
  a_.movzx(gp32(dst), gp8(dst));
}

void MacroAssembler::branchOnCond(Cond cond, Label target) { a_.j(condCode(cond), target); }

void MacroAssembler::divRem(Opcode op, Reg dst, Reg rhs, Label div_by_zero, Label overflow,
                            bool rhs_may_be_minus_one) {
  const bool is64 = isI64Op(op);
  const Opcode narrow = narrowIntOp(op);
  auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
  if (div_by_zero.isValid()) {
    a_.test(G(rhs), G(rhs));
    a_.jz(div_by_zero);
  }
  Label done = a_.newLabel();
  const bool is_signed = narrow == Opcode::I32DivS || narrow == Opcode::I32RemS;
  if (is_signed && !rhs_may_be_minus_one) {
    if (is64) a_.cqo(x86::rdx, x86::rax);
    else a_.cdq(x86::edx, x86::eax);
    a_.idiv(G(rdx), G(rax), G(rhs));
  } else if (is_signed) {
    Label normal = a_.newLabel();
    a_.cmp(G(rhs), -1);
    a_.jne(normal);
    if (narrow == Opcode::I32DivS) {
      // INT_MIN / -1 overflows; any other x / -1 is -x.
      if (is64) {
        a_.mov(gp64(kScratchGp), uint64_t{1} << 63);
        a_.cmp(x86::rax, gp64(kScratchGp));
      } else {
        a_.cmp(x86::eax, INT32_MIN);
      }
      a_.je(overflow);
      a_.neg(G(rax));
    } else {
      a_.xor_(x86::edx, x86::edx);  // x rem -1 is 0 (and INT_MIN rem -1 must not fault)
    }
    a_.jmp(done);
    a_.bind(normal);
    if (is64) a_.cqo(x86::rdx, x86::rax);
    else a_.cdq(x86::edx, x86::eax);
    a_.idiv(G(rdx), G(rax), G(rhs));
  } else {
    a_.xor_(x86::edx, x86::edx);
    a_.div(G(rdx), G(rax), G(rhs));
  }
  a_.bind(done);
  const Reg result = (narrow == Opcode::I32DivS || narrow == Opcode::I32DivU) ? rax : rdx;
  if (dst != result) a_.mov(G(dst), G(result));
}

// ---- floats -----------------------------------------------------------------------------

void MacroAssembler::floatMinMax(Opcode op, Reg dst, Reg lhs, Reg rhs) {
  const bool is64 = op == Opcode::F64Min || op == Opcode::F64Max;
  const bool is_min = op == Opcode::F32Min || op == Opcode::F64Min;
  // dst == lhs is arranged by the caller.
  Label nan = a_.newLabel(), not_equal = a_.newLabel(), done = a_.newLabel();
  if (is64) a_.ucomisd(xmm(lhs), xmm(rhs));
  else a_.ucomiss(xmm(lhs), xmm(rhs));
  a_.jp(nan);
  a_.jne(not_equal);
  // Equal: the values may be +0 and -0; min prefers -0 (or the sign bits), max +0 (and them).
  if (is_min) a_.orps(xmm(dst), xmm(rhs));
  else a_.andps(xmm(dst), xmm(rhs));
  a_.jmp(done);
  a_.bind(nan);
  // Either is NaN: adding them yields a quiet NaN.
  if (is64) a_.addsd(xmm(dst), xmm(rhs));
  else a_.addss(xmm(dst), xmm(rhs));
  a_.jmp(done);
  a_.bind(not_equal);
  if (is64) {
    if (is_min) a_.minsd(xmm(dst), xmm(rhs));
    else a_.maxsd(xmm(dst), xmm(rhs));
  } else {
    if (is_min) a_.minss(xmm(dst), xmm(rhs));
    else a_.maxss(xmm(dst), xmm(rhs));
  }
  a_.bind(done);
}

void MacroAssembler::floatBinop(Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp) {
  if (features_.avx && dst != lhs) {
    // Three operands: no copy of lhs first.
    switch (op) {
      case Opcode::F32Add: a_.vaddss(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F32Sub: a_.vsubss(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F32Mul: a_.vmulss(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F32Div: a_.vdivss(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Add: a_.vaddsd(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Sub: a_.vsubsd(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Mul: a_.vmulsd(xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Div: a_.vdivsd(xmm(dst), xmm(lhs), xmm(rhs)); return;
      default: break;
    }
  }
  Reg other = rhs;
  if (dst != lhs) {
    if (dst == rhs) {
      a_.movaps(xmm(kScratchFp), xmm(rhs));
      other = kScratchFp;
    }
    a_.movaps(xmm(dst), xmm(lhs));
  }
  switch (op) {
    case Opcode::F32Add: a_.addss(xmm(dst), xmm(other)); return;
    case Opcode::F32Sub: a_.subss(xmm(dst), xmm(other)); return;
    case Opcode::F32Mul: a_.mulss(xmm(dst), xmm(other)); return;
    case Opcode::F32Div: a_.divss(xmm(dst), xmm(other)); return;
    case Opcode::F64Add: a_.addsd(xmm(dst), xmm(other)); return;
    case Opcode::F64Sub: a_.subsd(xmm(dst), xmm(other)); return;
    case Opcode::F64Mul: a_.mulsd(xmm(dst), xmm(other)); return;
    case Opcode::F64Div: a_.divsd(xmm(dst), xmm(other)); return;
    case Opcode::F32Min: case Opcode::F32Max: case Opcode::F64Min: case Opcode::F64Max:
      return floatMinMax(op, dst, dst, other);
    case Opcode::F32Copysign:
      a_.movd(gp32(kScratchGp), xmm(dst));
      a_.and_(gp32(kScratchGp), 0x7FFFFFFF);
      a_.movd(gp32(gp_tmp), xmm(other));
      a_.and_(gp32(gp_tmp), INT32_MIN);
      a_.or_(gp32(kScratchGp), gp32(gp_tmp));
      a_.movd(xmm(dst), gp32(kScratchGp));
      return;
    case Opcode::F64Copysign:
      a_.movq(gp64(kScratchGp), xmm(dst));
      a_.btr(gp64(kScratchGp), 63);
      a_.movq(gp64(gp_tmp), xmm(other));
      a_.shr(gp64(gp_tmp), 63);
      a_.shl(gp64(gp_tmp), 63);
      a_.or_(gp64(kScratchGp), gp64(gp_tmp));
      a_.movq(xmm(dst), gp64(kScratchGp));
      return;
    default: return unhandledOp("floatBinop", op);
  }
}

void MacroAssembler::floatUnop(Opcode op, Reg dst, Reg src) {
  switch (op) {
    case Opcode::F32Abs: case Opcode::F32Neg: case Opcode::F64Abs: case Opcode::F64Neg: {
      // A bitwise and/xor with a sign mask from the constant pool (the payload of a NaN is
      // kept, as wasm requires).
      const bool is64 = op == Opcode::F64Abs || op == Opcode::F64Neg;
      const bool abs = op == Opcode::F32Abs || op == Opcode::F64Abs;
      const uint64_t sign = is64 ? 0x8000000000000000ull : 0x80000000ull;
      const uint64_t mask = abs ? (is64 ? ~sign : 0x7FFFFFFFull) : sign;
      const Label constant = poolConstant(mask, 0);
      if (constant.isValid()) {
        if (features_.avx) {
          if (abs) a_.vandps(xmm(dst), xmm(src), x86::ptr(constant));
          else a_.vxorps(xmm(dst), xmm(src), x86::ptr(constant));
          return;
        }
        if (dst != src) a_.movaps(xmm(dst), xmm(src));
        if (abs) a_.andps(xmm(dst), x86::ptr(constant));
        else a_.xorps(xmm(dst), x86::ptr(constant));
        return;
      }
      if (is64) {
        a_.movq(gp64(kScratchGp), xmm(src));
        if (abs) a_.btr(gp64(kScratchGp), 63);
        else a_.btc(gp64(kScratchGp), 63);
        a_.movq(xmm(dst), gp64(kScratchGp));
      } else {
        a_.movd(gp32(kScratchGp), xmm(src));
        if (abs) a_.and_(gp32(kScratchGp), 0x7FFFFFFF);
        else a_.xor_(gp32(kScratchGp), INT32_MIN);
        a_.movd(xmm(dst), gp32(kScratchGp));
      }
      return;
    }
    // roundss/roundsd modes: 0 nearest-even, 1 down, 2 up, 3 toward zero. Without SSE4.1 the
    // compiler calls a C function instead (floatUnopNeedsCall).
    case Opcode::F32Ceil: a_.roundss(xmm(dst), xmm(src), 2); return;
    case Opcode::F32Floor: a_.roundss(xmm(dst), xmm(src), 1); return;
    case Opcode::F32Trunc: a_.roundss(xmm(dst), xmm(src), 3); return;
    case Opcode::F32Nearest: a_.roundss(xmm(dst), xmm(src), 0); return;
    case Opcode::F64Ceil: a_.roundsd(xmm(dst), xmm(src), 2); return;
    case Opcode::F64Floor: a_.roundsd(xmm(dst), xmm(src), 1); return;
    case Opcode::F64Trunc: a_.roundsd(xmm(dst), xmm(src), 3); return;
    case Opcode::F64Nearest: a_.roundsd(xmm(dst), xmm(src), 0); return;
    case Opcode::F32Sqrt: a_.sqrtss(xmm(dst), xmm(src)); return;
    case Opcode::F64Sqrt: a_.sqrtsd(xmm(dst), xmm(src)); return;
    default: return unhandledOp("floatUnop", op);
  }
}

bool MacroAssembler::floatUnopNeedsCall(Opcode op) const {
  switch (op) {
    case Opcode::F32Ceil: case Opcode::F32Floor: case Opcode::F32Trunc: case Opcode::F32Nearest:
    case Opcode::F64Ceil: case Opcode::F64Floor: case Opcode::F64Trunc: case Opcode::F64Nearest:
      return !features_.sse41;
    default:
      return false;
  }
}

bool MacroAssembler::floatCompareHasCond(Opcode op) {
  switch (op) {
    case Opcode::F32Lt: case Opcode::F32Gt: case Opcode::F32Le: case Opcode::F32Ge:
    case Opcode::F64Lt: case Opcode::F64Gt: case Opcode::F64Le: case Opcode::F64Ge:
      return true;
    default:
      return false;
  }
}

// Unordered sets CF and ZF, so "above" and "above or equal" are false for NaN, and their
// negations (below or equal, below) true: branches on either are exact.
void MacroAssembler::ucomi(bool is64, Reg a, Reg b) {
  if (is64) a_.ucomisd(xmm(a), xmm(b));
  else a_.ucomiss(xmm(a), xmm(b));
}

Cond MacroAssembler::floatCompareToFlags(Opcode op, Reg lhs, Reg rhs) {
  const bool is64 = op >= Opcode::F64Eq && op <= Opcode::F64Ge;
  const Opcode narrow = is64 ? static_cast<Opcode>(static_cast<int>(op) - 6) : op;
  switch (narrow) {
    case Opcode::F32Lt: ucomi(is64, rhs, lhs); return Cond::GtU;
    case Opcode::F32Gt: ucomi(is64, lhs, rhs); return Cond::GtU;
    case Opcode::F32Le: ucomi(is64, rhs, lhs); return Cond::GeU;
    case Opcode::F32Ge: ucomi(is64, lhs, rhs); return Cond::GeU;
    default: unhandledOp("floatCompareToFlags", op); return Cond::Eq;
  }
}

void MacroAssembler::floatCompare(Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp) {
  if (floatCompareHasCond(op)) return setCond(floatCompareToFlags(op, lhs, rhs), dst);
  // eq and ne: ZF alone is also set by unordered, so the parity flag decides NaN.
  const bool is64 = op >= Opcode::F64Eq && op <= Opcode::F64Ge;
  const Opcode narrow = is64 ? static_cast<Opcode>(static_cast<int>(op) - 6) : op;
  switch (narrow) {
    case Opcode::F32Eq:
      ucomi(is64, lhs, rhs);
      a_.sete(gp8(dst));
      a_.setnp(gp8(gp_tmp));
      a_.and_(gp8(dst), gp8(gp_tmp));
      break;
    case Opcode::F32Ne:
      ucomi(is64, lhs, rhs);
      a_.setne(gp8(dst));
      a_.setp(gp8(gp_tmp));
      a_.or_(gp8(dst), gp8(gp_tmp));
      break;
    default: return unhandledOp("floatCompare", op);
  }
  a_.movzx(gp32(dst), gp8(dst));
}

// ---- conversions --------------------------------------------------------------------------

namespace {
constexpr uint64_t kF64TwoPow63 = 0x43E0000000000000;  // 2^63
constexpr uint32_t kF32TwoPow63 = 0x5F000000;
constexpr uint32_t kF32TwoPow32 = 0x4F800000;
constexpr uint64_t kF64TwoPow32 = 0x41F0000000000000;
}  // namespace

void MacroAssembler::truncToInt(Opcode op, Reg dst, Reg src, Label invalid, Label overflow) {
  const bool from64 = op == Opcode::I32TruncF64S || op == Opcode::I32TruncF64U ||
                      op == Opcode::I64TruncF64S || op == Opcode::I64TruncF64U;
  auto ucomi = [&](Reg a, Reg b) {
    if (from64) a_.ucomisd(xmm(a), xmm(b));
    else a_.ucomiss(xmm(a), xmm(b));
  };
  auto cvtt = [&](const x86::Gp& d, Reg s) {
    if (from64) a_.cvttsd2si(d, xmm(s));
    else a_.cvttss2si(d, xmm(s));
  };
  auto constant = [&](uint64_t f64_bits, uint32_t f32_bits) {
    loadFpConstant(kScratchFp, from64, from64 ? f64_bits : f32_bits);
  };
  Label done = a_.newLabel();
  switch (op) {
    case Opcode::I32TruncF32S: case Opcode::I32TruncF64S: {
      cvtt(gp32(dst), src);
      a_.cmp(gp32(dst), 1);
      a_.jno(done);  // only INT32_MIN - 1 overflows: the "indefinite" result needs a look
      ucomi(src, src);
      a_.jp(invalid);
      // INT32_MIN is the right answer only for src in (-2^31 - 1, -2^31].
      if (from64) {
        constant(0xC1E0000000200000, 0);  // -2147483649.0
        ucomi(src, kScratchFp);
        a_.jbe(overflow);
        constant(0xC1E0000000000000, 0);  // -2147483648.0
        ucomi(src, kScratchFp);
        a_.ja(overflow);
      } else {
        constant(0, 0xCF000000);  // -2147483648.0f, the only f32 in that range
        ucomi(src, kScratchFp);
        a_.jne(overflow);
      }
      break;
    }
    case Opcode::I64TruncF32S: case Opcode::I64TruncF64S: {
      cvtt(gp64(dst), src);
      a_.cmp(gp64(dst), 1);
      a_.jno(done);
      ucomi(src, src);
      a_.jp(invalid);
      constant(0xC3E0000000000000, 0xDF000000);  // -2^63: the only valid input giving INT64_MIN
      ucomi(src, kScratchFp);
      a_.jne(overflow);
      break;
    }
    case Opcode::I32TruncF32U: case Opcode::I32TruncF64U: {
      ucomi(src, src);
      a_.jp(invalid);
      cvtt(gp64(dst), src);  // exact for every input that fits in u32
      a_.mov(gp64(kScratchGp), gp64(dst));
      a_.shr(gp64(kScratchGp), 32);
      a_.jnz(overflow);
      break;
    }
    case Opcode::I64TruncF32U: case Opcode::I64TruncF64U: {
      ucomi(src, src);
      a_.jp(invalid);
      Label big = a_.newLabel();
      constant(kF64TwoPow63, kF32TwoPow63);
      ucomi(src, kScratchFp);
      a_.jae(big);
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.js(overflow);  // src <= -1
      a_.jmp(done);
      a_.bind(big);
      // src >= 2^63: convert src - 2^63 and set the top bit back.
      if (from64) a_.subsd(xmm(src), xmm(kScratchFp));
      else a_.subss(xmm(src), xmm(kScratchFp));
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.js(overflow);  // src >= 2^64
      a_.btc(gp64(dst), 63);
      break;
    }
    default: return unhandledOp("truncToInt", op);
  }
  a_.bind(done);
}

void MacroAssembler::truncSat(Opcode op, Reg dst, Reg src) {
  const bool from64 = op == Opcode::I32TruncSatF64S || op == Opcode::I32TruncSatF64U ||
                      op == Opcode::I64TruncSatF64S || op == Opcode::I64TruncSatF64U;
  auto ucomi = [&](Reg a, Reg b) {
    if (from64) a_.ucomisd(xmm(a), xmm(b));
    else a_.ucomiss(xmm(a), xmm(b));
  };
  auto cvtt = [&](const x86::Gp& d, Reg s) {
    if (from64) a_.cvttsd2si(d, xmm(s));
    else a_.cvttss2si(d, xmm(s));
  };
  Label done = a_.newLabel(), zero = a_.newLabel();
  switch (op) {
    case Opcode::I32TruncSatF32S: case Opcode::I32TruncSatF64S:
    case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF64S: {
      const bool to64 = op == Opcode::I64TruncSatF32S || op == Opcode::I64TruncSatF64S;
      const x86::Gp d = to64 ? gp64(dst) : gp32(dst);
      cvtt(d, src);
      a_.cmp(d, 1);
      a_.jno(done);
      ucomi(src, src);
      a_.jp(zero);
      // Indefinite result: negative overflow keeps INT_MIN; positive becomes INT_MAX.
      loadFpConstant(kScratchFp, from64, 0);
      ucomi(src, kScratchFp);
      a_.jb(done);
      if (to64) a_.mov(d, INT64_MAX);
      else a_.mov(d, INT32_MAX);
      a_.jmp(done);
      a_.bind(zero);
      a_.xor_(gp32(dst), gp32(dst));
      break;
    }
    case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64U: {
      Label max = a_.newLabel();
      loadFpConstant(kScratchFp, from64, from64 ? kF64TwoPow32 : kF32TwoPow32);
      ucomi(src, kScratchFp);
      a_.jae(max);
      cvtt(gp64(dst), src);  // NaN gives INT64_MIN: negative, so zero below
      a_.test(gp64(dst), gp64(dst));
      a_.jns(done);
      a_.bind(zero);
      a_.xor_(gp32(dst), gp32(dst));
      a_.jmp(done);
      a_.bind(max);
      a_.mov(gp32(dst), UINT32_MAX);
      break;
    }
    case Opcode::I64TruncSatF32U: case Opcode::I64TruncSatF64U: {
      Label big = a_.newLabel(), max = a_.newLabel();
      ucomi(src, src);
      a_.jp(zero);
      loadFpConstant(kScratchFp, from64, from64 ? kF64TwoPow63 : kF32TwoPow63);
      ucomi(src, kScratchFp);
      a_.jae(big);
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.jns(done);
      a_.jmp(zero);
      a_.bind(big);
      if (from64) a_.subsd(xmm(src), xmm(kScratchFp));
      else a_.subss(xmm(src), xmm(kScratchFp));
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.js(max);
      a_.btc(gp64(dst), 63);
      a_.jmp(done);
      a_.bind(max);
      a_.mov(gp64(dst), -1);
      a_.jmp(done);
      a_.bind(zero);
      a_.xor_(gp32(dst), gp32(dst));
      break;
    }
    default: return unhandledOp("truncSat", op);
  }
  a_.bind(done);
}

void MacroAssembler::convertU64ToFloat(bool to_f64, Reg dst, Reg src, Reg gp_tmp) {
  Label negative = a_.newLabel(), done = a_.newLabel();
  a_.xorps(xmm(dst), xmm(dst));
  a_.test(gp64(src), gp64(src));
  a_.js(negative);
  if (to_f64) a_.cvtsi2sd(xmm(dst), gp64(src));
  else a_.cvtsi2ss(xmm(dst), gp64(src));
  a_.jmp(done);
  a_.bind(negative);
  // Halve with the low bit kept sticky (round-to-odd), convert, double.
  a_.mov(gp64(gp_tmp), gp64(src));
  a_.shr(gp64(gp_tmp), 1);
  a_.mov(gp64(kScratchGp), gp64(src));
  a_.and_(gp32(kScratchGp), 1);
  a_.or_(gp64(gp_tmp), gp64(kScratchGp));
  if (to_f64) {
    a_.cvtsi2sd(xmm(dst), gp64(gp_tmp));
    a_.addsd(xmm(dst), xmm(dst));
  } else {
    a_.cvtsi2ss(xmm(dst), gp64(gp_tmp));
    a_.addss(xmm(dst), xmm(dst));
  }
  a_.bind(done);
}

void MacroAssembler::convert(Opcode op, Reg dst, Reg src, Reg gp_tmp, Label invalid,
                             Label overflow) {
  switch (op) {
    case Opcode::I32WrapI64: case Opcode::I64ExtendI32S: case Opcode::I64ExtendI32U:
      return intUnop(op, dst, src);
    case Opcode::I32TruncF32S: case Opcode::I32TruncF32U: case Opcode::I32TruncF64S:
    case Opcode::I32TruncF64U: case Opcode::I64TruncF32S: case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64S: case Opcode::I64TruncF64U:
      return truncToInt(op, dst, src, invalid, overflow);
    case Opcode::I32TruncSatF32S: case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64S:
    case Opcode::I32TruncSatF64U: case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF32U:
    case Opcode::I64TruncSatF64S: case Opcode::I64TruncSatF64U:
      return truncSat(op, dst, src);
    case Opcode::F32ConvertI32S:
      a_.xorps(xmm(dst), xmm(dst));
      a_.cvtsi2ss(xmm(dst), gp32(src));
      return;
    case Opcode::F32ConvertI32U:  // the zero-extended i32 is a non-negative i64
      a_.xorps(xmm(dst), xmm(dst));
      a_.cvtsi2ss(xmm(dst), gp64(src));
      return;
    case Opcode::F32ConvertI64S:
      a_.xorps(xmm(dst), xmm(dst));
      a_.cvtsi2ss(xmm(dst), gp64(src));
      return;
    case Opcode::F32ConvertI64U: return convertU64ToFloat(false, dst, src, gp_tmp);
    case Opcode::F64ConvertI32S:
      a_.xorps(xmm(dst), xmm(dst));
      a_.cvtsi2sd(xmm(dst), gp32(src));
      return;
    case Opcode::F64ConvertI32U:
      a_.xorps(xmm(dst), xmm(dst));
      a_.cvtsi2sd(xmm(dst), gp64(src));
      return;
    case Opcode::F64ConvertI64S:
      a_.xorps(xmm(dst), xmm(dst));
      a_.cvtsi2sd(xmm(dst), gp64(src));
      return;
    case Opcode::F64ConvertI64U: return convertU64ToFloat(true, dst, src, gp_tmp);
    case Opcode::F32DemoteF64: a_.cvtsd2ss(xmm(dst), xmm(src)); return;
    case Opcode::F64PromoteF32: a_.cvtss2sd(xmm(dst), xmm(src)); return;
    case Opcode::I32ReinterpretF32: a_.movd(gp32(dst), xmm(src)); return;
    case Opcode::I64ReinterpretF64: a_.movq(gp64(dst), xmm(src)); return;
    case Opcode::F32ReinterpretI32: a_.movd(xmm(dst), gp32(src)); return;
    case Opcode::F64ReinterpretI64: a_.movq(xmm(dst), gp64(src)); return;
    default: return unhandledOp("convert", op);
  }
}

// ---- selection and control ------------------------------------------------------------------

void MacroAssembler::select(ValType type, Reg dst, Reg cond, Reg if_true, Reg if_false) {
  if (dst.isGp()) {
    const x86::Gp d = type == ValType::I32 ? gp32(dst) : gp64(dst);
    const x86::Gp f = type == ValType::I32 ? gp32(if_false) : gp64(if_false);
    if (dst != if_true) a_.mov(d, type == ValType::I32 ? gp32(if_true) : gp64(if_true));
    a_.test(gp32(cond), gp32(cond));
    a_.cmovz(d, f);
    return;
  }
  Label done = a_.newLabel();
  if (dst != if_true) a_.movaps(xmm(dst), xmm(if_true));
  a_.test(gp32(cond), gp32(cond));
  a_.jnz(done);
  a_.movaps(xmm(dst), xmm(if_false));
  a_.bind(done);
}

void MacroAssembler::branchIfZero(Reg value, ValType type, Label target) {
  Encoded e;
  encode::testRR(e, type != ValType::I32, value, value);
  put(e);
  a_.jz(target);
}

void MacroAssembler::branchIfNonZero(Reg value, ValType type, Label target) {
  if (type == ValType::I32) a_.test(gp32(value), gp32(value));
  else a_.test(gp64(value), gp64(value));
  a_.jnz(target);
}

void MacroAssembler::branchCompareImm(Cond cond, Reg lhs, ValType type, int32_t imm,
                                      Label target) {
  if (type == ValType::I32) a_.cmp(gp32(lhs), imm);
  else a_.cmp(gp64(lhs), imm);
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompare(Cond cond, Reg lhs, Reg rhs, ValType type, Label target) {
  if (type == ValType::I32) a_.cmp(gp32(lhs), gp32(rhs));
  else a_.cmp(gp64(lhs), gp64(rhs));
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompareMem32(Cond cond, Reg lhs, const Address& rhs, Label target) {
  a_.cmp(gp32(lhs), mem(rhs, 4));
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompareMem64(Cond cond, Reg lhs, const Address& rhs, Label target) {
  a_.cmp(gp64(lhs), mem(rhs, 8));
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompareMemImm32(Cond cond, const Address& lhs, int32_t imm,
                                           Label target) {
  a_.cmp(mem(lhs, 4), imm);
  a_.j(condCode(cond), target);
}

void MacroAssembler::jumpTable(Reg index, const std::vector<Label>& targets) {
  Label table = a_.newLabel();
  a_.lea(gp64(kScratchGp), x86::ptr(table));
  a_.movsxd(gp64(index), x86::dword_ptr(gp64(kScratchGp), gp64(index), 2));
  a_.add(gp64(index), gp64(kScratchGp));
  a_.jmp(gp64(index));
  a_.align(AlignMode::kData, 4);
  a_.bind(table);
  for (const Label& target : targets) a_.embedLabelDelta(target, table, 4);
}

uint32_t MacroAssembler::trapInstruction() {
  const uint32_t at = offset();
  a_.ud2();
  return at;
}

uint32_t MacroAssembler::callRelative() {
  a_.db(0xE8);
  const uint32_t at = offset();
  a_.dd(0);
  return at;
}

void MacroAssembler::callRegister(Reg target) { a_.call(gp64(target)); }

void MacroAssembler::callAbsolute(const void* function) {
  a_.mov(gp64(kScratchGp), reinterpret_cast<uint64_t>(function));
  a_.call(gp64(kScratchGp));
}

void MacroAssembler::adjustStack(int32_t bytes) {
  if (bytes > 0) a_.sub(x86::rsp, bytes);
  else if (bytes < 0) a_.add(x86::rsp, -bytes);
}

}  // namespace wisp::isa::x64
