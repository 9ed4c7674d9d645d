#include "isa/x64/masm_x64.h"

#include "isa/int_opcodes.h"

#include <cassert>
#include <cstring>

namespace wisp::isa::x64 {

using wasm::Opcode;
using wasm::ValType;

namespace {

Gp gp32(Reg r) { return Gp{r.hwCode(), 4}; }
Gp gp64(Reg r) { return Gp{r.hwCode(), 8}; }
Gp gp8(Reg r) { return Gp{r.hwCode(), 1}; }
Gp gp16(Reg r) { return Gp{r.hwCode(), 2}; }
Gp gpw(Reg r, bool w64) { return Gp{r.hwCode(), static_cast<uint8_t>(w64 ? 8 : 4)}; }
Xmm xmm(Reg r) { return Xmm{r.hwCode()}; }

[[gnu::always_inline]] inline Mem mem(const Address& a) {
  return a.index.valid() ? ptr(a.base.hwCode(), a.index.hwCode(), a.shift, a.disp)
                         : ptr(a.base.hwCode(), a.disp);
}

CondCode condCode(Cond c) {
  switch (c) {
    case Cond::Eq: return CondCode::E;
    case Cond::Ne: return CondCode::NE;
    case Cond::LtS: return CondCode::L;
    case Cond::LtU: return CondCode::B;
    case Cond::GtS: return CondCode::G;
    case Cond::GtU: return CondCode::A;
    case Cond::LeS: return CondCode::LE;
    case Cond::LeU: return CondCode::BE;
    case Cond::GeS: return CondCode::GE;
    case Cond::GeU: return CondCode::AE;
  }
  return CondCode::E;
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

bool isCommutative(Opcode narrow) {
  return narrow == Opcode::I32Add || narrow == Opcode::I32Mul || narrow == Opcode::I32And ||
         narrow == Opcode::I32Or || narrow == Opcode::I32Xor;
}

}  // namespace

// ---- frame ------------------------------------------------------------------------------

uint32_t MacroAssembler::enterFrame() {
  a_.push(gp64(rbp));
  a_.mov(gp64(rbp), gp64(rsp));
  // sub rsp, imm32 with a placeholder: REX.W 81 /5 id. The frame size is known at the end.
  const uint8_t sub_rsp[] = {0x48, 0x81, 0xEC};
  a_.emitBytes(sub_rsp, 3);
  const uint32_t patch_at = offset();
  a_.dd(0);
  return patch_at;
}

void MacroAssembler::patchFrameSize(uint32_t patch_at, uint32_t frame_size) {
  a_.buffer().patch32(patch_at, frame_size);
}

void MacroAssembler::patchToNop(uint32_t from, uint32_t to) {
  // The recommended one-instruction NOPs of 1 to 9 bytes (0F 1F /0 with growing operands,
  // then operand-size prefixes), longer ones with more 66 prefixes.
  static constexpr uint8_t kNops[9][9] = {
      {0x90},
      {0x66, 0x90},
      {0x0F, 0x1F, 0x00},
      {0x0F, 0x1F, 0x40, 0x00},
      {0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
      {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
  };
  const uint32_t length = to - from;
  if (length == 0 || length > 15) {
    unhandledOp("patchToNop (a range of 1 to 15 bytes)", wasm::Opcode::Nop);
    return;
  }
  uint8_t* at = a_.buffer().data() + from;
  const uint32_t prefixes = length > 9 ? length - 9 : 0;
  std::memset(at, 0x66, prefixes);
  std::memcpy(at + prefixes, kNops[length - prefixes - 1], length - prefixes);
}

uint32_t MacroAssembler::resetStackPointerToFrame() {
  // lea rsp, [rbp + disp32]: REX.W 8D /r, ModRM mod=10 reg=rsp rm=rbp.
  const uint8_t lea_rsp_rbp[] = {0x48, 0x8D, 0xA5};
  a_.emitBytes(lea_rsp_rbp, 3);
  const uint32_t patch_at = offset();
  a_.dd(0);
  return patch_at;
}

void MacroAssembler::patchStackPointerReset(uint32_t patch_at, uint32_t frame_size) {
  a_.buffer().patch32(patch_at, static_cast<uint32_t>(-static_cast<int32_t>(frame_size)));
}

void MacroAssembler::freeFrameAndReturn(uint32_t frame_bytes, uint32_t popped_bytes) {
  adjustStack(-static_cast<int32_t>(frame_bytes));
  popFrameAndReturn(popped_bytes);
}

uint32_t MacroAssembler::releaseFrameAndReturn(uint32_t popped_bytes) {
  // add rsp, imm32 with a placeholder: REX.W 81 /0 id, as enterFrame's sub.
  const uint8_t add_rsp[] = {0x48, 0x81, 0xC4};
  a_.emitBytes(add_rsp, 3);
  const uint32_t patch_at = offset();
  a_.dd(0);
  popFrameAndReturn(popped_bytes);
  return patch_at;
}

void MacroAssembler::popFrameAndReturn(uint32_t popped_bytes) {
  a_.pop(gp64(rbp));
  if (popped_bytes == 0) {
    a_.ret();
    return;
  }
  // ret takes 16 bits, which wasm's parameters always fit.
  static_assert(wasm::kMaxFunctionParams * 16 <= UINT16_MAX);
  if (popped_bytes > UINT16_MAX)
    return unhandledOp("a return popping a parameter area over 64 KiB", wasm::Opcode::Return);
  a_.ret(static_cast<uint16_t>(popped_bytes));
}

void MacroAssembler::pushFrameRecord() {
  a_.push(gp64(rbp));
  a_.mov(gp64(rbp), gp64(rsp));
}

void MacroAssembler::saveHostCalleeSaved(int32_t then_reserve) {
  for (Reg reg : kHostCalleeSaved) a_.push(gp64(reg));
  adjustStack(then_reserve);
}

void MacroAssembler::restoreHostCalleeSavedAndReturn(int32_t sp_below_fp) {
  adjustStack(-(sp_below_fp - kHostCalleeSavedBytes));
  for (size_t i = std::size(kHostCalleeSaved); i-- > 0;) a_.pop(gp64(kHostCalleeSaved[i]));
  a_.pop(gp64(rbp));
  a_.ret();
}

void MacroAssembler::ret() { a_.ret(); }

void MacroAssembler::checkStackLimit(Reg limits_reg, int32_t limit_offset, Label overflow) {
  a_.alu(Alu::Cmp, gp64(rsp), ptr(limits_reg.hwCode(), limit_offset));
  a_.j(CondCode::B, overflow);
}

// ---- interruption -----------------------------------------------------------------------

uint32_t MacroAssembler::addFuelPatchable(Reg fuel) {
  a_.aluImm32(Alu::Add, gp64(fuel), 0);
  return offset() - 4;
}

void MacroAssembler::loadFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset) {
  a_.mov(gp64(kScratchGp), mem(limits_field));
  a_.mov(gp64(fuel), ptr(kScratchGp.hwCode(), fuel_offset));
}

void MacroAssembler::storeFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset) {
  a_.mov(gp64(kScratchGp), mem(limits_field));
  a_.mov(ptr(kScratchGp.hwCode(), fuel_offset), gp64(fuel));
}

void MacroAssembler::patchFuel(uint32_t patch_at, uint32_t fuel) {
  a_.buffer().patch32(patch_at, fuel);
}

void MacroAssembler::branchIfFuelExhausted(Label target) { a_.j(CondCode::G, target); }

void MacroAssembler::branchIfFlagSet(const Address& limits_field, int32_t flag_offset,
                                     Label target) {
  a_.mov(gp64(kScratchGp), mem(limits_field));
  a_.alu(Alu::Cmp, ptr(kScratchGp.hwCode(), flag_offset), 4, 0);
  a_.j(CondCode::NE, target);
}

// ---- moves ------------------------------------------------------------------------------

void MacroAssembler::zeroExtendI32(Reg reg) { a_.mov(gp32(reg), gp32(reg)); }

void MacroAssembler::move(Reg dst, Reg src, ValType type) {
  if (dst == src) return;
  if (dst.isGp() && src.isGp()) {
    a_.mov(gpw(dst, type != ValType::I32), gpw(src, type != ValType::I32));
  } else if (dst.isFp() && src.isFp()) {
    a_.sse(sse::kMovaps, xmm(dst), xmm(src));
  } else if (dst.isFp()) {
    if (type == ValType::F32) a_.movdq(xmm(dst), gp32(src));
    else a_.movdq(xmm(dst), gp64(src));
  } else {
    if (type == ValType::F32) a_.movdq(gp32(dst), xmm(src));
    else a_.movdq(gp64(dst), xmm(src));
  }
}

void MacroAssembler::storeWordAndZero(const Address& addr, Reg src) {
  a_.movdq(xmm(kScratchFp), gp64(src));  // movq clears the upper half
  a_.sse(sse::kMovdquStore, mem(addr), xmm(kScratchFp));
}

Label MacroAssembler::poolConstant(uint64_t lo, uint64_t hi) {
  auto slotOf = [](uint64_t lo, uint64_t hi) {
    const uint64_t mixed = (lo ^ (hi * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    return static_cast<uint32_t>(mixed >> 40) & (kPoolSlots - 1);
  };
  if (pool_size_ <= kPoolScanned) {
    for (uint32_t i = 0; i < pool_size_; ++i)
      if (pool_[i].lo == lo && pool_[i].hi == hi) return Label{pool_[i].label};
  } else {
    for (uint32_t slot = slotOf(lo, hi);; slot = (slot + 1) & (kPoolSlots - 1)) {
      if (pool_slots_[slot] == 0) break;
      const PoolEntry& entry = pool_[pool_slots_[slot] - 1];
      if (entry.lo == lo && entry.hi == hi) return Label{entry.label};
    }
  }
  if (pool_size_ == kPoolCapacity) return Label();
  const Label label = a_.newLabel();
  pool_[pool_size_++] = {lo, hi, label.id};
  auto insert = [&](uint32_t index) {
    uint32_t slot = slotOf(pool_[index].lo, pool_[index].hi);
    while (pool_slots_[slot] != 0) slot = (slot + 1) & (kPoolSlots - 1);
    pool_slots_[slot] = static_cast<uint16_t>(index + 1);
  };
  if (pool_size_ == kPoolScanned + 1) {  // the hash is made now, of every entry so far
    std::memset(pool_slots_, 0, sizeof pool_slots_);
    for (uint32_t i = 0; i < pool_size_; ++i) insert(i);
  } else if (pool_size_ > kPoolScanned + 1) {
    insert(pool_size_ - 1);
  }
  return label;
}

bool MacroAssembler::finish() {
  if (pool_size_ != 0) {
    a_.alignData(16);
    for (uint32_t i = 0; i < pool_size_; ++i) {
      a_.bind(Label{pool_[i].label});
      a_.dq(pool_[i].lo);
      a_.dq(pool_[i].hi);
    }
  }
  return a_.buffer().resolveFixups();
}

void MacroAssembler::loadFpConstant(Reg dst, bool is_f64, uint64_t bits) {
  if (bits == 0) {
    a_.sse(sse::kXorps, xmm(dst), xmm(dst));
    return;
  }
  if (const Label constant = poolConstant(bits, 0); constant.isValid()) {
    if (is_f64) a_.sse(sse::kMovsdLoad, xmm(dst), ripPtr(constant));
    else a_.sse(sse::kMovssLoad, xmm(dst), ripPtr(constant));
    return;
  }
  if (is_f64) {
    a_.mov(gp64(kScratchGp), bits);
    a_.movdq(xmm(dst), gp64(kScratchGp));
  } else {
    a_.mov(gp32(kScratchGp), static_cast<uint32_t>(bits));
    a_.movdq(xmm(dst), gp32(kScratchGp));
  }
}

void MacroAssembler::moveImm(Reg dst, ValType type, uint64_t bits) {
  if (dst.isFp()) return loadFpConstant(dst, type == ValType::F64, bits);
  const bool narrow = type == ValType::I32 || type == ValType::F32;
  const uint64_t value = narrow ? static_cast<uint32_t>(bits) : bits;
  if (value == 0) a_.alu(Alu::Xor, gpw(dst, false), gpw(dst, false));
  else if (value <= UINT32_MAX) a_.mov(gp32(dst), static_cast<uint32_t>(value));
  else a_.mov(gp64(dst), static_cast<int64_t>(value));
}

void MacroAssembler::load(Reg dst, const Address& addr, ValType type) {
  if (dst.isGp() && type != ValType::V128) {
    a_.mov(gpw(dst, type != ValType::I32 && type != ValType::F32), mem(addr));
    return;
  }
  switch (type) {
    case ValType::I32: a_.mov(gp32(dst), mem(addr)); return;
    case ValType::F32: case ValType::F64: {
      a_.sse(type == ValType::F64 ? sse::kMovsdLoad : sse::kMovssLoad, xmm(dst), mem(addr));
      return;
    }
    case ValType::V128: a_.sse(sse::kMovdquLoad, xmm(dst), mem(addr)); return;
    default: a_.mov(gp64(dst), mem(addr)); return;
  }
}

void MacroAssembler::store(const Address& addr, Reg src, ValType type) {
  if (src.isGp() && type != ValType::V128) {
    a_.mov(mem(addr), gpw(src, type != ValType::I32 && type != ValType::F32));
    return;
  }
  switch (type) {
    case ValType::I32: a_.mov(mem(addr), gp32(src)); return;
    case ValType::F32: case ValType::F64: {
      a_.sse(type == ValType::F64 ? sse::kMovsdStore : sse::kMovssStore, mem(addr), xmm(src));
      return;
    }
    case ValType::V128: a_.sse(sse::kMovdquStore, mem(addr), xmm(src)); return;
    default: a_.mov(mem(addr), gp64(src)); return;
  }
}

void MacroAssembler::storeImm(const Address& addr, ValType type, uint64_t bits) {
  if (type == ValType::I32 || type == ValType::F32) {
    a_.mov(mem(addr), 4, static_cast<int32_t>(bits));
  } else if (fitsInt32(static_cast<int64_t>(bits))) {
    a_.mov(mem(addr), 8, static_cast<int32_t>(bits));
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
  a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(a));
  a_.sse(sse::kMovaps, xmm(a), xmm(b));
  a_.sse(sse::kMovaps, xmm(b), xmm(kScratchFp));
}

void MacroAssembler::copySlot(const Address& dst, const Address& src, ValType type) {
  if (type == ValType::V128) {
    a_.sse(sse::kMovdquLoad, xmm(kScratchFp), mem(src));
    a_.sse(sse::kMovdquStore, mem(dst), xmm(kScratchFp));
  } else if (type == ValType::I32 || type == ValType::F32) {
    a_.mov(gp32(kScratchGp), mem(src));
    a_.mov(mem(dst), gp32(kScratchGp));
  } else {
    a_.mov(gp64(kScratchGp), mem(src));
    a_.mov(mem(dst), gp64(kScratchGp));
  }
}

void MacroAssembler::loadPtr(Reg dst, const Address& addr) {
  a_.mov(gpw(dst, true), mem(addr));
}
void MacroAssembler::storePtr(const Address& addr, Reg src) {
  a_.mov(mem(addr), gpw(src, true));
}
void MacroAssembler::leaPtr(Reg dst, const Address& addr) {
  a_.lea(gpw(dst, true), mem(addr));
}
void MacroAssembler::loadThreadLocal(Reg dst, int32_t offset) { a_.movFromFs(gp64(dst), offset); }
void MacroAssembler::storeThreadLocal(int32_t offset, Reg src) { a_.movToFs(offset, gp64(src)); }
void MacroAssembler::subThreadLocal(Reg dst, int32_t offset) { a_.subFromFs(gp64(dst), offset); }
void MacroAssembler::branchCompareThreadLocal(Cond cond, Reg lhs, int32_t offset, Label target) {
  a_.cmpWithFs(gp64(lhs), offset);
  a_.j(condCode(cond), target);
}
void MacroAssembler::leaLabel(Reg dst, Label label) { a_.lea(gp64(dst), ripPtr(label)); }
void MacroAssembler::addPtrImm(Reg dst, int32_t imm) { a_.alu(Alu::Add, gp64(dst), imm); }
void MacroAssembler::addPtr(Reg dst, Reg src) { a_.alu(Alu::Add, gp64(dst), gp64(src)); }

void MacroAssembler::addPtrBranchIfCarry(Reg dst, Reg src, Label carry) {
  a_.alu(Alu::Add, gp64(dst), gp64(src));
  a_.j(CondCode::B, carry);
}

void MacroAssembler::zeroSlots(int32_t first_offset, uint32_t bytes, Reg tmp) {
  if (bytes == 0) return;
  a_.alu(Alu::Xor, gp32(tmp), gp32(tmp));
  for (uint32_t at = 0; at < bytes; at += 8)
    a_.mov(ptr(rbp.hwCode(), -first_offset + static_cast<int32_t>(at)), gp64(tmp));
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
  const Mem m = mem(addr);
  switch (op) {
    case Opcode::I32Load8S: a_.movsx(gp32(dst), m, 1); return;
    case Opcode::I32Load8U: a_.movzx(gp32(dst), m, 1); return;
    case Opcode::I32Load16S: a_.movsx(gp32(dst), m, 2); return;
    case Opcode::I32Load16U: a_.movzx(gp32(dst), m, 2); return;
    case Opcode::I64Load8S: a_.movsx(gp64(dst), m, 1); return;
    case Opcode::I64Load8U: a_.movzx(gp32(dst), m, 1); return;
    case Opcode::I64Load16S: a_.movsx(gp64(dst), m, 2); return;
    case Opcode::I64Load16U: a_.movzx(gp32(dst), m, 2); return;
    case Opcode::I64Load32S: a_.movsxd(gp64(dst), m); return;
    case Opcode::I64Load32U: a_.mov(gp32(dst), m); return;
    case Opcode::V128Load: a_.sse(sse::kMovdquLoad, xmm(dst), m); return;
    // pmovsx/pmovzx from 64 bits of memory.
    case Opcode::V128Load8x8S: a_.sse(Assembler::kOp(0x20, 2, 0x66), xmm(dst), m); return;
    case Opcode::V128Load8x8U: a_.sse(Assembler::kOp(0x30, 2, 0x66), xmm(dst), m); return;
    case Opcode::V128Load16x4S: a_.sse(Assembler::kOp(0x23, 2, 0x66), xmm(dst), m); return;
    case Opcode::V128Load16x4U: a_.sse(Assembler::kOp(0x33, 2, 0x66), xmm(dst), m); return;
    case Opcode::V128Load32x2S: a_.sse(Assembler::kOp(0x25, 2, 0x66), xmm(dst), m); return;
    case Opcode::V128Load32x2U: a_.sse(Assembler::kOp(0x35, 2, 0x66), xmm(dst), m); return;
    // movss/movsd from memory clear the rest of the register.
    case Opcode::V128Load32Zero: a_.sse(sse::kMovssLoad, xmm(dst), m); return;
    case Opcode::V128Load64Zero: a_.sse(sse::kMovsdLoad, xmm(dst), m); return;
    case Opcode::V128Load8Splat:
      a_.movzx(gp32(kScratchGp), m, 1);
      return simdSplat(Opcode::I8x16Splat, dst, kScratchGp);
    case Opcode::V128Load16Splat:
      a_.movzx(gp32(kScratchGp), m, 2);
      return simdSplat(Opcode::I16x8Splat, dst, kScratchGp);
    case Opcode::V128Load32Splat:
      a_.sse(sse::kMovssLoad, xmm(dst), m);
      return simdSplat(Opcode::F32x4Splat, dst, dst);
    case Opcode::V128Load64Splat:
      a_.sse(sse::kMovsdLoad, xmm(dst), m);
      return simdSplat(Opcode::F64x2Splat, dst, dst);
    default: return unhandledOp("loadMemory", op);
  }
}

void MacroAssembler::storeMemory(Opcode op, const Address& addr, Reg src) {
  const Mem m = mem(addr);
  switch (op) {
    case Opcode::I32Store: case Opcode::I64Store32: return store(addr, src, ValType::I32);
    case Opcode::I64Store: return store(addr, src, ValType::I64);
    case Opcode::F32Store: return store(addr, src, ValType::F32);
    case Opcode::F64Store: return store(addr, src, ValType::F64);
    case Opcode::I32Store8: case Opcode::I64Store8: a_.mov(m, gp8(src)); return;
    case Opcode::I32Store16: case Opcode::I64Store16: a_.mov(m, gp16(src)); return;
    case Opcode::V128Store: a_.sse(sse::kMovdquStore, m, xmm(src)); return;
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
      case Opcode::I32Shl: a_.shiftByCl(Shift::Shl, G(dst)); break;
      case Opcode::I32ShrS: a_.shiftByCl(Shift::Sar, G(dst)); break;
      case Opcode::I32ShrU: a_.shiftByCl(Shift::Shr, G(dst)); break;
      case Opcode::I32Rotl: a_.shiftByCl(Shift::Rol, G(dst)); break;
      default: a_.shiftByCl(Shift::Ror, G(dst)); break;
    }
    return;
  }
  if (narrow == Opcode::I32Add && dst != lhs && dst != rhs) {
    // Three-address: lea computes the sum without touching the operands (or the flags); its
    // 32-bit form leaves the upper half zero as an i32 must.
    a_.lea(gpw(dst, is64), mem(Address{lhs, rhs, 0, 0}));
    return;
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
  switch (narrow) {
    case Opcode::I32Add: a_.alu(Alu::Add, gpw(dst, is64), gpw(other, is64)); break;
    case Opcode::I32Sub: a_.alu(Alu::Sub, gpw(dst, is64), gpw(other, is64)); break;
    case Opcode::I32Mul: a_.imul(G(dst), G(other)); return;
    case Opcode::I32And: a_.alu(Alu::And, gpw(dst, is64), gpw(other, is64)); break;
    case Opcode::I32Or: a_.alu(Alu::Or, gpw(dst, is64), gpw(other, is64)); break;
    case Opcode::I32Xor: a_.alu(Alu::Xor, gpw(dst, is64), gpw(other, is64)); break;
    default: return unhandledOp("intBinop", op);
  }
  flagsFrom(dst, is64);
}

void MacroAssembler::intBinopImmOtherForms(Opcode op, Reg dst, Reg lhs, int32_t imm) {
  const bool is64 = isI64Op(op);
  const Opcode narrow = narrowIntOp(op);
  auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
  if (narrow == Opcode::I32Mul) {
    a_.imul(G(dst), G(lhs), imm);
    return;
  }
  if (dst != lhs && (narrow == Opcode::I32Add || (narrow == Opcode::I32Sub && imm != INT32_MIN))) {
    a_.lea(gpw(dst, is64), mem(Address{lhs, Reg(), narrow == Opcode::I32Add ? imm : -imm, 0}));
    return;
  }
  if (dst != lhs) move(dst, lhs, is64 ? ValType::I64 : ValType::I32);
  const int shift = imm & (is64 ? 63 : 31);
  switch (narrow) {
    case Opcode::I32Add: a_.alu(Alu::Add, gpw(dst, is64), imm); return flagsFrom(dst, is64);
    case Opcode::I32Sub: a_.alu(Alu::Sub, gpw(dst, is64), imm); return flagsFrom(dst, is64);
    case Opcode::I32And: a_.alu(Alu::And, gpw(dst, is64), imm); return flagsFrom(dst, is64);
    case Opcode::I32Or: a_.alu(Alu::Or, gpw(dst, is64), imm); return flagsFrom(dst, is64);
    case Opcode::I32Xor: a_.alu(Alu::Xor, gpw(dst, is64), imm); return flagsFrom(dst, is64);
    case Opcode::I32Shl: a_.shift(Shift::Shl, G(dst), shift); return;
    case Opcode::I32ShrS: a_.shift(Shift::Sar, G(dst), shift); return;
    case Opcode::I32ShrU: a_.shift(Shift::Shr, G(dst), shift); return;
    case Opcode::I32Rotl: a_.shift(Shift::Rol, G(dst), shift); return;
    case Opcode::I32Rotr: a_.shift(Shift::Ror, G(dst), shift); return;
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
      a_.alu(Alu::And, gp64(target), gp64(gp_tmp));
    } else {
      a_.alu(Alu::And, gp32(target), static_cast<int32_t>(static_cast<uint32_t>(mask64)));
    }
  };
  const Reg t = kScratchGp;
  if (dst != src) a_.mov(G(dst), G(src));
  a_.mov(G(t), G(dst));
  a_.shift(Shift::Shr, G(t), 1);
  andMask(t, 0x5555555555555555);
  a_.alu(Alu::Sub, G(dst), G(t));
  a_.mov(G(t), G(dst));
  a_.shift(Shift::Shr, G(t), 2);
  andMask(t, 0x3333333333333333);
  andMask(dst, 0x3333333333333333);
  a_.alu(Alu::Add, G(dst), G(t));
  a_.mov(G(t), G(dst));
  a_.shift(Shift::Shr, G(t), 4);
  a_.alu(Alu::Add, G(dst), G(t));
  andMask(dst, 0x0f0f0f0f0f0f0f0f);
  if (is64) {
    a_.mov(gp64(gp_tmp), uint64_t{0x0101010101010101});
    a_.imul(gp64(dst), gp64(gp_tmp));
    a_.shift(Shift::Shr, gp64(dst), 56);
  } else {
    a_.imul(gp32(dst), gp32(dst), 0x01010101);
    a_.shift(Shift::Shr, gp32(dst), 24);
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
      a_.cmov(CondCode::E, G(dst), G(kScratchGp));
      a_.alu(Alu::Xor, G(dst), is64 ? 63 : 31);
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
      a_.cmov(CondCode::E, G(dst), G(kScratchGp));
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
      a_.set(CondCode::E, gp8(dst));
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
  if (is64) a_.alu(Alu::Cmp, gp64(lhs), gp64(rhs));
  else a_.alu(Alu::Cmp, gp32(lhs), gp32(rhs));
  a_.set(condCode(cond), gp8(dst));
  a_.movzx(gp32(dst), gp8(dst));
}

void MacroAssembler::compareImm(Opcode op, Reg dst, Reg lhs, int32_t imm) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  if (is64) a_.alu(Alu::Cmp, gp64(lhs), imm);
  else a_.alu(Alu::Cmp, gp32(lhs), imm);
  a_.set(condCode(cond), gp8(dst));
  a_.movzx(gp32(dst), gp8(dst));
}

Cond MacroAssembler::compareToFlags(Opcode op, Reg lhs, Reg rhs) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  a_.alu(Alu::Cmp, gpw(lhs, is64), gpw(rhs, is64));
  return cond;
}

Cond MacroAssembler::compareToFlagsImm(Opcode op, Reg lhs, int32_t imm) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  a_.alu(Alu::Cmp, gpw(lhs, is64), imm);
  return cond;
}

Cond MacroAssembler::eqzToFlags(Opcode op, Reg value) {
  const bool is64 = op != Opcode::I32Eqz;
  if (flags_end_ == offset() && flags_reg_ == value && flags_is64_ == is64) return Cond::Eq;
  a_.test(gpw(value, is64), gpw(value, is64));
  return Cond::Eq;
}

void MacroAssembler::setCond(Cond cond, Reg dst) {
  a_.set(condCode(cond), gp8(dst));
  a_.movzx(gp32(dst), gp8(dst));
}

void MacroAssembler::branchOnCond(Cond cond, Label target) { a_.j(condCode(cond), target); }

void MacroAssembler::divRem(Opcode op, Reg dst, Reg lhs, Reg rhs, Label div_by_zero,
                            Label overflow, bool rhs_may_be_minus_one) {
  assert(lhs == kDivQuotientReg);
  const bool is64 = isI64Op(op);
  const Opcode narrow = narrowIntOp(op);
  auto G = [&](Reg r) { return is64 ? gp64(r) : gp32(r); };
  if (div_by_zero.isValid()) {
    a_.test(G(rhs), G(rhs));
    a_.j(CondCode::E, div_by_zero);
  }
  Label done = a_.newLabel();
  const bool is_signed = narrow == Opcode::I32DivS || narrow == Opcode::I32RemS;
  if (is_signed && !rhs_may_be_minus_one) {
    if (is64) a_.cqo();
    else a_.cdq();
    a_.idiv(G(rhs));
  } else if (is_signed) {
    Label normal = a_.newLabel();
    a_.alu(Alu::Cmp, G(rhs), -1);
    a_.j(CondCode::NE, normal);
    if (narrow == Opcode::I32DivS) {
      // INT_MIN / -1 overflows; any other x / -1 is -x.
      if (is64) {
        a_.mov(gp64(kScratchGp), uint64_t{1} << 63);
        a_.alu(Alu::Cmp, gp64(rax), gp64(kScratchGp));
      } else {
        a_.alu(Alu::Cmp, gp32(rax), INT32_MIN);
      }
      a_.j(CondCode::E, overflow);
      a_.neg(G(rax));
    } else {
      a_.alu(Alu::Xor, gp32(rdx), gp32(rdx));  // x rem -1 is 0 (and INT_MIN rem -1 must not fault)
    }
    a_.jmp(done);
    a_.bind(normal);
    if (is64) a_.cqo();
    else a_.cdq();
    a_.idiv(G(rhs));
  } else {
    a_.alu(Alu::Xor, gp32(rdx), gp32(rdx));
    a_.div(G(rhs));
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
  if (is64) a_.sse(sse::kUcomisd, xmm(lhs), xmm(rhs));
  else a_.sse(sse::kUcomiss, xmm(lhs), xmm(rhs));
  a_.j(CondCode::P, nan);
  a_.j(CondCode::NE, not_equal);
  // Equal: the values may be +0 and -0; min prefers -0 (or the sign bits), max +0 (and them).
  if (is_min) a_.sse(sse::kOrps, xmm(dst), xmm(rhs));
  else a_.sse(sse::kAndps, xmm(dst), xmm(rhs));
  a_.jmp(done);
  a_.bind(nan);
  // Either is NaN: adding them yields a quiet NaN.
  if (is64) a_.sse(sse::scalar(sse::kAdd, true), xmm(dst), xmm(rhs));
  else a_.sse(sse::scalar(sse::kAdd, false), xmm(dst), xmm(rhs));
  a_.jmp(done);
  a_.bind(not_equal);
  if (is64) {
    if (is_min) a_.sse(sse::scalar(sse::kMin, true), xmm(dst), xmm(rhs));
    else a_.sse(sse::scalar(sse::kMax, true), xmm(dst), xmm(rhs));
  } else {
    if (is_min) a_.sse(sse::scalar(sse::kMin, false), xmm(dst), xmm(rhs));
    else a_.sse(sse::scalar(sse::kMax, false), xmm(dst), xmm(rhs));
  }
  a_.bind(done);
}

void MacroAssembler::floatBinop(Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp) {
  if (features_.avx && dst != lhs) {
    // Three operands: no copy of lhs first.
    switch (op) {
      case Opcode::F32Add: a_.vex(sse::scalar(sse::kAdd, false), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F32Sub: a_.vex(sse::scalar(sse::kSub, false), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F32Mul: a_.vex(sse::scalar(sse::kMul, false), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F32Div: a_.vex(sse::scalar(sse::kDiv, false), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Add: a_.vex(sse::scalar(sse::kAdd, true), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Sub: a_.vex(sse::scalar(sse::kSub, true), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Mul: a_.vex(sse::scalar(sse::kMul, true), xmm(dst), xmm(lhs), xmm(rhs)); return;
      case Opcode::F64Div: a_.vex(sse::scalar(sse::kDiv, true), xmm(dst), xmm(lhs), xmm(rhs)); return;
      default: break;
    }
  }
  Reg other = rhs;
  if (dst != lhs) {
    if (dst == rhs) {
      a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(rhs));
      other = kScratchFp;
    }
    a_.sse(sse::kMovaps, xmm(dst), xmm(lhs));
  }
  switch (op) {
    case Opcode::F32Add: a_.sse(sse::scalar(sse::kAdd, false), xmm(dst), xmm(other)); return;
    case Opcode::F32Sub: a_.sse(sse::scalar(sse::kSub, false), xmm(dst), xmm(other)); return;
    case Opcode::F32Mul: a_.sse(sse::scalar(sse::kMul, false), xmm(dst), xmm(other)); return;
    case Opcode::F32Div: a_.sse(sse::scalar(sse::kDiv, false), xmm(dst), xmm(other)); return;
    case Opcode::F64Add: a_.sse(sse::scalar(sse::kAdd, true), xmm(dst), xmm(other)); return;
    case Opcode::F64Sub: a_.sse(sse::scalar(sse::kSub, true), xmm(dst), xmm(other)); return;
    case Opcode::F64Mul: a_.sse(sse::scalar(sse::kMul, true), xmm(dst), xmm(other)); return;
    case Opcode::F64Div: a_.sse(sse::scalar(sse::kDiv, true), xmm(dst), xmm(other)); return;
    case Opcode::F32Min: case Opcode::F32Max: case Opcode::F64Min: case Opcode::F64Max:
      return floatMinMax(op, dst, dst, other);
    case Opcode::F32Copysign:
      a_.movdq(gp32(kScratchGp), xmm(dst));
      a_.alu(Alu::And, gp32(kScratchGp), 0x7FFFFFFF);
      a_.movdq(gp32(gp_tmp), xmm(other));
      a_.alu(Alu::And, gp32(gp_tmp), INT32_MIN);
      a_.alu(Alu::Or, gp32(kScratchGp), gp32(gp_tmp));
      a_.movdq(xmm(dst), gp32(kScratchGp));
      return;
    case Opcode::F64Copysign:
      a_.movdq(gp64(kScratchGp), xmm(dst));
      a_.btr(gp64(kScratchGp), 63);
      a_.movdq(gp64(gp_tmp), xmm(other));
      a_.shift(Shift::Shr, gp64(gp_tmp), 63);
      a_.shift(Shift::Shl, gp64(gp_tmp), 63);
      a_.alu(Alu::Or, gp64(kScratchGp), gp64(gp_tmp));
      a_.movdq(xmm(dst), gp64(kScratchGp));
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
          if (abs) a_.vex(sse::kAndps, xmm(dst), xmm(src), ripPtr(constant));
          else a_.vex(sse::kXorps, xmm(dst), xmm(src), ripPtr(constant));
          return;
        }
        if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
        if (abs) a_.sse(sse::kAndps, xmm(dst), ripPtr(constant));
        else a_.sse(sse::kXorps, xmm(dst), ripPtr(constant));
        return;
      }
      if (is64) {
        a_.movdq(gp64(kScratchGp), xmm(src));
        if (abs) a_.btr(gp64(kScratchGp), 63);
        else a_.btc(gp64(kScratchGp), 63);
        a_.movdq(xmm(dst), gp64(kScratchGp));
      } else {
        a_.movdq(gp32(kScratchGp), xmm(src));
        if (abs) a_.alu(Alu::And, gp32(kScratchGp), 0x7FFFFFFF);
        else a_.alu(Alu::Xor, gp32(kScratchGp), INT32_MIN);
        a_.movdq(xmm(dst), gp32(kScratchGp));
      }
      return;
    }
    // roundss/roundsd modes: 0 nearest-even, 1 down, 2 up, 3 toward zero. Without SSE4.1 the
    // compiler calls a C function instead (floatUnopNeedsCall).
    case Opcode::F32Ceil: a_.round(false, xmm(dst), xmm(src), 2); return;
    case Opcode::F32Floor: a_.round(false, xmm(dst), xmm(src), 1); return;
    case Opcode::F32Trunc: a_.round(false, xmm(dst), xmm(src), 3); return;
    case Opcode::F32Nearest: a_.round(false, xmm(dst), xmm(src), 0); return;
    case Opcode::F64Ceil: a_.round(true, xmm(dst), xmm(src), 2); return;
    case Opcode::F64Floor: a_.round(true, xmm(dst), xmm(src), 1); return;
    case Opcode::F64Trunc: a_.round(true, xmm(dst), xmm(src), 3); return;
    case Opcode::F64Nearest: a_.round(true, xmm(dst), xmm(src), 0); return;
    case Opcode::F32Sqrt: a_.sse(sse::scalar(sse::kSqrt, false), xmm(dst), xmm(src)); return;
    case Opcode::F64Sqrt: a_.sse(sse::scalar(sse::kSqrt, true), xmm(dst), xmm(src)); return;
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
  if (is64) a_.sse(sse::kUcomisd, xmm(a), xmm(b));
  else a_.sse(sse::kUcomiss, xmm(a), xmm(b));
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
      a_.set(CondCode::E, gp8(dst));
      a_.set(CondCode::NP, gp8(gp_tmp));
      a_.alu(Alu::And, gp8(dst), gp8(gp_tmp));
      break;
    case Opcode::F32Ne:
      ucomi(is64, lhs, rhs);
      a_.set(CondCode::NE, gp8(dst));
      a_.set(CondCode::P, gp8(gp_tmp));
      a_.alu(Alu::Or, gp8(dst), gp8(gp_tmp));
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
    if (from64) a_.sse(sse::kUcomisd, xmm(a), xmm(b));
    else a_.sse(sse::kUcomiss, xmm(a), xmm(b));
  };
  auto cvtt = [&](Gp d, Reg s) {
    if (from64) a_.cvttf2si(true, d, xmm(s));
    else a_.cvttf2si(false, d, xmm(s));
  };
  auto constant = [&](uint64_t f64_bits, uint32_t f32_bits) {
    loadFpConstant(kScratchFp, from64, from64 ? f64_bits : f32_bits);
  };
  Label done = a_.newLabel();
  switch (op) {
    case Opcode::I32TruncF32S: case Opcode::I32TruncF64S: {
      cvtt(gp32(dst), src);
      a_.alu(Alu::Cmp, gp32(dst), 1);
      a_.j(CondCode::NO, done);  // only INT32_MIN - 1 overflows: the "indefinite" result needs a look
      ucomi(src, src);
      a_.j(CondCode::P, invalid);
      // INT32_MIN is the right answer only for src in (-2^31 - 1, -2^31].
      if (from64) {
        constant(0xC1E0000000200000, 0);  // -2147483649.0
        ucomi(src, kScratchFp);
        a_.j(CondCode::BE, overflow);
        constant(0xC1E0000000000000, 0);  // -2147483648.0
        ucomi(src, kScratchFp);
        a_.j(CondCode::A, overflow);
      } else {
        constant(0, 0xCF000000);  // -2147483648.0f, the only f32 in that range
        ucomi(src, kScratchFp);
        a_.j(CondCode::NE, overflow);
      }
      break;
    }
    case Opcode::I64TruncF32S: case Opcode::I64TruncF64S: {
      cvtt(gp64(dst), src);
      a_.alu(Alu::Cmp, gp64(dst), 1);
      a_.j(CondCode::NO, done);
      ucomi(src, src);
      a_.j(CondCode::P, invalid);
      constant(0xC3E0000000000000, 0xDF000000);  // -2^63: the only valid input giving INT64_MIN
      ucomi(src, kScratchFp);
      a_.j(CondCode::NE, overflow);
      break;
    }
    case Opcode::I32TruncF32U: case Opcode::I32TruncF64U: {
      ucomi(src, src);
      a_.j(CondCode::P, invalid);
      cvtt(gp64(dst), src);  // exact for every input that fits in u32
      a_.mov(gp64(kScratchGp), gp64(dst));
      a_.shift(Shift::Shr, gp64(kScratchGp), 32);
      a_.j(CondCode::NE, overflow);
      break;
    }
    case Opcode::I64TruncF32U: case Opcode::I64TruncF64U: {
      ucomi(src, src);
      a_.j(CondCode::P, invalid);
      Label big = a_.newLabel();
      constant(kF64TwoPow63, kF32TwoPow63);
      ucomi(src, kScratchFp);
      a_.j(CondCode::AE, big);
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.j(CondCode::S, overflow);  // src <= -1
      a_.jmp(done);
      a_.bind(big);
      // src >= 2^63: convert src - 2^63 and set the top bit back.
      if (from64) a_.sse(sse::scalar(sse::kSub, true), xmm(src), xmm(kScratchFp));
      else a_.sse(sse::scalar(sse::kSub, false), xmm(src), xmm(kScratchFp));
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.j(CondCode::S, overflow);  // src >= 2^64
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
    if (from64) a_.sse(sse::kUcomisd, xmm(a), xmm(b));
    else a_.sse(sse::kUcomiss, xmm(a), xmm(b));
  };
  auto cvtt = [&](Gp d, Reg s) {
    if (from64) a_.cvttf2si(true, d, xmm(s));
    else a_.cvttf2si(false, d, xmm(s));
  };
  Label done = a_.newLabel(), zero = a_.newLabel();
  switch (op) {
    case Opcode::I32TruncSatF32S: case Opcode::I32TruncSatF64S:
    case Opcode::I64TruncSatF32S: case Opcode::I64TruncSatF64S: {
      const bool to64 = op == Opcode::I64TruncSatF32S || op == Opcode::I64TruncSatF64S;
      const Gp d = to64 ? gp64(dst) : gp32(dst);
      cvtt(d, src);
      a_.alu(Alu::Cmp, d, 1);
      a_.j(CondCode::NO, done);
      ucomi(src, src);
      a_.j(CondCode::P, zero);
      // Indefinite result: negative overflow keeps INT_MIN; positive becomes INT_MAX.
      loadFpConstant(kScratchFp, from64, 0);
      ucomi(src, kScratchFp);
      a_.j(CondCode::B, done);
      if (to64) a_.mov(d, INT64_MAX);
      else a_.mov(d, INT32_MAX);
      a_.jmp(done);
      a_.bind(zero);
      a_.alu(Alu::Xor, gp32(dst), gp32(dst));
      break;
    }
    case Opcode::I32TruncSatF32U: case Opcode::I32TruncSatF64U: {
      Label max = a_.newLabel();
      loadFpConstant(kScratchFp, from64, from64 ? kF64TwoPow32 : kF32TwoPow32);
      ucomi(src, kScratchFp);
      a_.j(CondCode::AE, max);
      cvtt(gp64(dst), src);  // NaN gives INT64_MIN: negative, so zero below
      a_.test(gp64(dst), gp64(dst));
      a_.j(CondCode::NS, done);
      a_.bind(zero);
      a_.alu(Alu::Xor, gp32(dst), gp32(dst));
      a_.jmp(done);
      a_.bind(max);
      a_.mov(gp32(dst), UINT32_MAX);
      break;
    }
    case Opcode::I64TruncSatF32U: case Opcode::I64TruncSatF64U: {
      Label big = a_.newLabel(), max = a_.newLabel();
      ucomi(src, src);
      a_.j(CondCode::P, zero);
      loadFpConstant(kScratchFp, from64, from64 ? kF64TwoPow63 : kF32TwoPow63);
      ucomi(src, kScratchFp);
      a_.j(CondCode::AE, big);
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.j(CondCode::NS, done);
      a_.jmp(zero);
      a_.bind(big);
      if (from64) a_.sse(sse::scalar(sse::kSub, true), xmm(src), xmm(kScratchFp));
      else a_.sse(sse::scalar(sse::kSub, false), xmm(src), xmm(kScratchFp));
      cvtt(gp64(dst), src);
      a_.test(gp64(dst), gp64(dst));
      a_.j(CondCode::S, max);
      a_.btc(gp64(dst), 63);
      a_.jmp(done);
      a_.bind(max);
      a_.mov(gp64(dst), -1);
      a_.jmp(done);
      a_.bind(zero);
      a_.alu(Alu::Xor, gp32(dst), gp32(dst));
      break;
    }
    default: return unhandledOp("truncSat", op);
  }
  a_.bind(done);
}

void MacroAssembler::convertU64ToFloat(bool to_f64, Reg dst, Reg src, Reg gp_tmp) {
  Label negative = a_.newLabel(), done = a_.newLabel();
  a_.sse(sse::kXorps, xmm(dst), xmm(dst));
  a_.test(gp64(src), gp64(src));
  a_.j(CondCode::S, negative);
  if (to_f64) a_.cvtsi2f(true, xmm(dst), gp64(src));
  else a_.cvtsi2f(false, xmm(dst), gp64(src));
  a_.jmp(done);
  a_.bind(negative);
  // Halve with the low bit kept sticky (round-to-odd), convert, double.
  a_.mov(gp64(gp_tmp), gp64(src));
  a_.shift(Shift::Shr, gp64(gp_tmp), 1);
  a_.mov(gp64(kScratchGp), gp64(src));
  a_.alu(Alu::And, gp32(kScratchGp), 1);
  a_.alu(Alu::Or, gp64(gp_tmp), gp64(kScratchGp));
  if (to_f64) {
    a_.cvtsi2f(true, xmm(dst), gp64(gp_tmp));
    a_.sse(sse::scalar(sse::kAdd, true), xmm(dst), xmm(dst));
  } else {
    a_.cvtsi2f(false, xmm(dst), gp64(gp_tmp));
    a_.sse(sse::scalar(sse::kAdd, false), xmm(dst), xmm(dst));
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
      a_.sse(sse::kXorps, xmm(dst), xmm(dst));
      a_.cvtsi2f(false, xmm(dst), gp32(src));
      return;
    case Opcode::F32ConvertI32U:  // the zero-extended i32 is a non-negative i64
      a_.sse(sse::kXorps, xmm(dst), xmm(dst));
      a_.cvtsi2f(false, xmm(dst), gp64(src));
      return;
    case Opcode::F32ConvertI64S:
      a_.sse(sse::kXorps, xmm(dst), xmm(dst));
      a_.cvtsi2f(false, xmm(dst), gp64(src));
      return;
    case Opcode::F32ConvertI64U: return convertU64ToFloat(false, dst, src, gp_tmp);
    case Opcode::F64ConvertI32S:
      a_.sse(sse::kXorps, xmm(dst), xmm(dst));
      a_.cvtsi2f(true, xmm(dst), gp32(src));
      return;
    case Opcode::F64ConvertI32U:
      a_.sse(sse::kXorps, xmm(dst), xmm(dst));
      a_.cvtsi2f(true, xmm(dst), gp64(src));
      return;
    case Opcode::F64ConvertI64S:
      a_.sse(sse::kXorps, xmm(dst), xmm(dst));
      a_.cvtsi2f(true, xmm(dst), gp64(src));
      return;
    case Opcode::F64ConvertI64U: return convertU64ToFloat(true, dst, src, gp_tmp);
    case Opcode::F32DemoteF64: a_.sse(sse::kCvtsd2ss, xmm(dst), xmm(src)); return;
    case Opcode::F64PromoteF32: a_.sse(sse::kCvtss2sd, xmm(dst), xmm(src)); return;
    case Opcode::I32ReinterpretF32: a_.movdq(gp32(dst), xmm(src)); return;
    case Opcode::I64ReinterpretF64: a_.movdq(gp64(dst), xmm(src)); return;
    case Opcode::F32ReinterpretI32: a_.movdq(xmm(dst), gp32(src)); return;
    case Opcode::F64ReinterpretI64: a_.movdq(xmm(dst), gp64(src)); return;
    default: return unhandledOp("convert", op);
  }
}

// ---- selection and control ------------------------------------------------------------------

void MacroAssembler::select(ValType type, Reg dst, Reg cond, Reg if_true, Reg if_false) {
  if (dst.isGp()) {
    const Gp d = type == ValType::I32 ? gp32(dst) : gp64(dst);
    const Gp f = type == ValType::I32 ? gp32(if_false) : gp64(if_false);
    if (dst != if_true) a_.mov(d, type == ValType::I32 ? gp32(if_true) : gp64(if_true));
    a_.test(gp32(cond), gp32(cond));
    a_.cmov(CondCode::E, d, f);
    return;
  }
  Label done = a_.newLabel();
  if (dst != if_true) a_.sse(sse::kMovaps, xmm(dst), xmm(if_true));
  a_.test(gp32(cond), gp32(cond));
  a_.j(CondCode::NE, done);
  a_.sse(sse::kMovaps, xmm(dst), xmm(if_false));
  a_.bind(done);
}

void MacroAssembler::branchIfZero(Reg value, ValType type, Label target) {
  a_.test(gpw(value, type != ValType::I32), gpw(value, type != ValType::I32));
  a_.j(CondCode::E, target);
}

void MacroAssembler::branchIfNonZero(Reg value, ValType type, Label target) {
  if (type == ValType::I32) a_.test(gp32(value), gp32(value));
  else a_.test(gp64(value), gp64(value));
  a_.j(CondCode::NE, target);
}

void MacroAssembler::branchCompareImm(Cond cond, Reg lhs, ValType type, int32_t imm,
                                      Label target) {
  if (type == ValType::I32) a_.alu(Alu::Cmp, gp32(lhs), imm);
  else a_.alu(Alu::Cmp, gp64(lhs), imm);
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompare(Cond cond, Reg lhs, Reg rhs, ValType type, Label target) {
  if (type == ValType::I32) a_.alu(Alu::Cmp, gp32(lhs), gp32(rhs));
  else a_.alu(Alu::Cmp, gp64(lhs), gp64(rhs));
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompareMem32(Cond cond, Reg lhs, const Address& rhs, Label target) {
  a_.alu(Alu::Cmp, gp32(lhs), mem(rhs));
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompareMem64(Cond cond, Reg lhs, const Address& rhs, Label target) {
  a_.alu(Alu::Cmp, gp64(lhs), mem(rhs));
  a_.j(condCode(cond), target);
}

void MacroAssembler::branchCompareMemImm32(Cond cond, const Address& lhs, int32_t imm,
                                           Label target) {
  a_.alu(Alu::Cmp, mem(lhs), 4, imm);
  a_.j(condCode(cond), target);
}

uint32_t MacroAssembler::branchCompareMemPatchableImm32(Cond cond, const Address& lhs,
                                                        int32_t imm, Label target) {
  a_.aluImm32(Alu::Cmp, mem(lhs), 4, imm);
  const uint32_t at = offset() - 4;
  a_.j(condCode(cond), target);
  return at;
}

void MacroAssembler::jumpTable(Reg index, const std::vector<Label>& targets) {
  Label table = a_.newLabel();
  a_.lea(gp64(kScratchGp), ripPtr(table));
  a_.movsxd(gp64(index), ptr(kScratchGp.hwCode(), index.hwCode(), 2, 0));
  a_.alu(Alu::Add, gp64(index), gp64(kScratchGp));
  a_.jmp(gp64(index));
  a_.alignData(4);
  a_.bind(table);
  for (const Label& target : targets) a_.labelDelta32(target, table);
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
void MacroAssembler::jumpRegister(Reg target) { a_.jmp(gp64(target)); }

uint32_t MacroAssembler::callAbsolute(const void* function) {
  a_.movImm64(gp64(kScratchGp), reinterpret_cast<uint64_t>(function));
  const uint32_t at = offset() - 8;
  a_.call(gp64(kScratchGp));
  return at;
}

void MacroAssembler::adjustStack(int32_t bytes) {
  if (bytes > 0) a_.alu(Alu::Sub, gp64(rsp), bytes);
  else if (bytes < 0) a_.alu(Alu::Add, gp64(rsp), -bytes);
}

// ---- tail calls -------------------------------------------------------------------------------

uint32_t MacroAssembler::jumpRelative() {
  a_.db(0xE9);
  const uint32_t at = offset();
  a_.dd(0);
  return at;
}

void MacroAssembler::replaceFrameForTailCall(uint32_t incoming_area, uint32_t outgoing_area,
                                             std::span<const Reg, 2> temps) {
  // The callee's return address goes to [rbp + 8 + shift]: its area ends where ours does.
  const int32_t shift = static_cast<int32_t>(incoming_area) - static_cast<int32_t>(outgoing_area);
  const Gp return_address = gp64(temps[0]), caller_fp = gp64(temps[1]), scratch = gp64(kScratchGp);
  // A larger area reaches over our return address and saved frame pointer: read them first.
  if (shift != 0) a_.mov(return_address, ptr(rbp.hwCode(), 8));
  if (shift < 0) a_.mov(caller_fp, ptr(rbp.hwCode(), 0));
  // The staging area lies below our frame and the final one above its bottom, so copying from
  // the top word down reads every word before it is overwritten.
  for (int32_t at = static_cast<int32_t>(outgoing_area) - 8; at >= 0; at -= 8) {
    a_.mov(scratch, ptr(rsp.hwCode(), at));
    a_.mov(ptr(rbp.hwCode(), 16 + shift + at), scratch);
  }
  if (shift == 0) {
    a_.mov(gp64(rsp), gp64(rbp));
    a_.pop(gp64(rbp));
    return;
  }
  a_.mov(ptr(rbp.hwCode(), 8 + shift), return_address);
  a_.lea(gp64(rsp), ptr(rbp.hwCode(), 8 + shift));
  if (shift < 0) a_.mov(gp64(rbp), caller_fp);
  else a_.mov(gp64(rbp), ptr(rbp.hwCode(), 0));
}

// ---- SIMD -------------------------------------------------------------------------------------

namespace {

constexpr uint32_t p66(uint8_t opcode, uint8_t map = 1) { return Assembler::kOp(opcode, map, 0x66); }
constexpr uint32_t pNone(uint8_t opcode) { return Assembler::kOp(opcode, 1); }

// One SSE instruction computes the operation: dst op= src, with the operands in wasm's order
// unless `swapped` (then dst = rhs op lhs: pmin/pmax, whose x86 form picks the second operand
// on ties and NaNs).
struct SimdForm {
  uint32_t op = 0;
  bool commutative = false;
  bool swapped = false;
};

SimdForm simdBinopForm(Opcode op) {
  switch (op) {
    case Opcode::I8x16Add: return {p66(0xFC), true};
    case Opcode::I16x8Add: return {p66(0xFD), true};
    case Opcode::I32x4Add: return {p66(0xFE), true};
    case Opcode::I64x2Add: return {p66(0xD4), true};
    case Opcode::I8x16Sub: return {p66(0xF8)};
    case Opcode::I16x8Sub: return {p66(0xF9)};
    case Opcode::I32x4Sub: return {p66(0xFA)};
    case Opcode::I64x2Sub: return {p66(0xFB)};
    case Opcode::I16x8Mul: return {p66(0xD5), true};
    case Opcode::I32x4Mul: return {p66(0x40, 2), true};
    case Opcode::I8x16AddSatS: return {p66(0xEC), true};
    case Opcode::I8x16AddSatU: return {p66(0xDC), true};
    case Opcode::I16x8AddSatS: return {p66(0xED), true};
    case Opcode::I16x8AddSatU: return {p66(0xDD), true};
    case Opcode::I8x16SubSatS: return {p66(0xE8)};
    case Opcode::I8x16SubSatU: return {p66(0xD8)};
    case Opcode::I16x8SubSatS: return {p66(0xE9)};
    case Opcode::I16x8SubSatU: return {p66(0xD9)};
    case Opcode::I8x16MinS: return {p66(0x38, 2), true};
    case Opcode::I8x16MinU: return {p66(0xDA), true};
    case Opcode::I8x16MaxS: return {p66(0x3C, 2), true};
    case Opcode::I8x16MaxU: return {p66(0xDE), true};
    case Opcode::I16x8MinS: return {p66(0xEA), true};
    case Opcode::I16x8MinU: return {p66(0x3A, 2), true};
    case Opcode::I16x8MaxS: return {p66(0xEE), true};
    case Opcode::I16x8MaxU: return {p66(0x3E, 2), true};
    case Opcode::I32x4MinS: return {p66(0x39, 2), true};
    case Opcode::I32x4MinU: return {p66(0x3B, 2), true};
    case Opcode::I32x4MaxS: return {p66(0x3D, 2), true};
    case Opcode::I32x4MaxU: return {p66(0x3F, 2), true};
    case Opcode::I8x16AvgrU: return {p66(0xE0), true};
    case Opcode::I16x8AvgrU: return {p66(0xE3), true};
    case Opcode::I32x4DotI16x8S: return {p66(0xF5), true};
    case Opcode::I8x16NarrowI16x8S: return {p66(0x63)};
    case Opcode::I8x16NarrowI16x8U: return {p66(0x67)};
    case Opcode::I16x8NarrowI32x4S: return {p66(0x6B)};
    case Opcode::I16x8NarrowI32x4U: return {p66(0x2B, 2)};
    case Opcode::V128And: return {p66(0xDB), true};
    case Opcode::V128Or: return {p66(0xEB), true};
    case Opcode::V128Xor: return {p66(0xEF), true};
    case Opcode::I8x16Eq: return {p66(0x74), true};
    case Opcode::I16x8Eq: return {p66(0x75), true};
    case Opcode::I32x4Eq: return {p66(0x76), true};
    case Opcode::I64x2Eq: return {p66(0x29, 2), true};
    case Opcode::I8x16GtS: return {p66(0x64)};
    case Opcode::I16x8GtS: return {p66(0x65)};
    case Opcode::I32x4GtS: return {p66(0x66)};
    case Opcode::I8x16LtS: return {p66(0x64), false, true};
    case Opcode::I16x8LtS: return {p66(0x65), false, true};
    case Opcode::I32x4LtS: return {p66(0x66), false, true};
    case Opcode::F32x4Add: return {pNone(0x58), true};
    case Opcode::F32x4Sub: return {pNone(0x5C)};
    case Opcode::F32x4Mul: return {pNone(0x59), true};
    case Opcode::F32x4Div: return {pNone(0x5E)};
    case Opcode::F64x2Add: return {p66(0x58), true};
    case Opcode::F64x2Sub: return {p66(0x5C)};
    case Opcode::F64x2Mul: return {p66(0x59), true};
    case Opcode::F64x2Div: return {p66(0x5E)};
    // pmin(a, b) = b < a ? b : a = minps(b, a); pmax(a, b) = a < b ? b : a = maxps(b, a).
    case Opcode::F32x4Pmin: return {pNone(0x5D), false, true};
    case Opcode::F32x4Pmax: return {pNone(0x5F), false, true};
    case Opcode::F64x2Pmin: return {p66(0x5D), false, true};
    case Opcode::F64x2Pmax: return {p66(0x5F), false, true};
    default: return {};
  }
}

// Unary operations of one instruction (dst = op src, any registers).
uint32_t simdUnopForm(Opcode op) {
  switch (op) {
    case Opcode::I8x16Abs: return p66(0x1C, 2);
    case Opcode::I16x8Abs: return p66(0x1D, 2);
    case Opcode::I32x4Abs: return p66(0x1E, 2);
    case Opcode::F32x4Sqrt: return pNone(0x51);
    case Opcode::F64x2Sqrt: return p66(0x51);
    case Opcode::I16x8ExtendLowI8x16S: return p66(0x20, 2);
    case Opcode::I16x8ExtendLowI8x16U: return p66(0x30, 2);
    case Opcode::I32x4ExtendLowI16x8S: return p66(0x23, 2);
    case Opcode::I32x4ExtendLowI16x8U: return p66(0x33, 2);
    case Opcode::I64x2ExtendLowI32x4S: return p66(0x25, 2);
    case Opcode::I64x2ExtendLowI32x4U: return p66(0x35, 2);
    case Opcode::F64x2PromoteLowF32x4: return pNone(0x5A);
    case Opcode::F32x4ConvertI32x4S: return pNone(0x5B);
    case Opcode::F64x2ConvertLowI32x4S: return Assembler::kOp(0xE6, 1, 0xF3);
    default: return 0;
  }
}

constexpr uint32_t kPxor = p66(0xEF), kPcmpeqd = p66(0x76), kPshufd = p66(0x70),
                   kPunpcklqdq = p66(0x6C), kPshuflw = Assembler::kOp(0x70, 1, 0xF2),
                   kPshufb = p66(0x00, 2), kPandn = p66(0xDF), kPsubb = p66(0xF8),
                   kPsubw = p66(0xF9), kPsubd = p66(0xFA), kPsubq = p66(0xFB),
                   kInsertps = p66(0x21, 3), kMovsdMerge =
                       Assembler::kOp(0x10, 1, 0xF2);
constexpr uint32_t kCmpps = pNone(0xC2), kCmppd = p66(0xC2), kMinps = pNone(0x5D),
                   kMinpd = p66(0x5D), kMaxps = pNone(0x5F), kMaxpd = p66(0x5F),
                   kOrps = pNone(0x56), kAndps = pNone(0x54), kAndnps = pNone(0x55),
                   kXorps = pNone(0x57), kSubps = pNone(0x5C), kSubpd = p66(0x5C),
                   kAddps = pNone(0x58), kPand = p66(0xDB), kPaddd = p66(0xFE),
                   kPaddq = p66(0xD4), kPaddb = p66(0xFC), kPaddusb = p66(0xDC),
                   kPmuludq = p66(0xF4), kPmuldq = p66(0x28, 2), kPmulhrsw = p66(0x0B, 2),
                   kPmaddubsw = p66(0x04, 2), kPmaddwd = p66(0xF5), kPtest = p66(0x17, 2),
                   kPmovmskb = p66(0xD7), kMovmskps = pNone(0x50), kMovmskpd = p66(0x50),
                   kPacksswb = p66(0x63), kPblendw = p66(0x0E, 3), kCvtdq2ps = pNone(0x5B),
                   kUnpcklps = pNone(0x14), kCvtpd2ps = p66(0x5A), kPcmpeqb = p66(0x74),
                   kPcmpeqw = p66(0x75), kPcmpeqq = p66(0x29, 2), kPcmpgtb = p66(0x64),
                   kPcmpgtw = p66(0x65), kPcmpgtd = p66(0x66), kRoundps = p66(0x08, 3),
                   kRoundpd = p66(0x09, 3), kPor = p66(0xEB),
                   kCvttps2dq = Assembler::kOp(0x5B, 1, 0xF3), kCvttpd2dq = p66(0xE6),
                   kPmaxsd = p66(0x3D, 2), kAddpd = p66(0x58), kShufps = pNone(0xC6),
                   kPunpcklbw = p66(0x60), kPunpckhbw = p66(0x68), kPackuswb = p66(0x67),
                   kPsraw = p66(0xE1), kPsrlw = p66(0xD1), kPsllw = p66(0xF1);
// Shifts by an immediate: 66 0F 71/72/73 with the operation in ModRM.reg.
constexpr uint32_t kShiftW = p66(0x71), kShiftD = p66(0x72), kShiftQ = p66(0x73);
constexpr uint8_t kShiftRightLogical = 2, kShiftRightArith = 4, kShiftLeft = 6;

uint64_t splatBytes(uint8_t b) { return 0x0101010101010101ull * b; }
uint64_t splatWords(uint16_t w) { return 0x0001000100010001ull * w; }
uint64_t splatDwords(uint32_t d) { return 0x0000000100000001ull * d; }

// For the unsigned and the non-strict comparisons: which min/max, which equality.
struct MinMaxCompare {
  uint32_t minmax = 0;  // pminu*/pmaxu*/pmins*
  uint32_t eq = 0;
  bool negate = false;
  bool against_rhs = false;  // compare the min/max with rhs instead of lhs
};
MinMaxCompare minMaxCompare(Opcode op) {
  const uint32_t pminub = p66(0xDA), pmaxub = p66(0xDE), pminuw = p66(0x3A, 2),
                 pmaxuw = p66(0x3E, 2), pminud = p66(0x3B, 2), pmaxud = p66(0x3F, 2),
                 pminsb = p66(0x38, 2), pminsw = p66(0xEA), pminsd = p66(0x39, 2),
                 pmaxsb = p66(0x3C, 2), pmaxsw = p66(0xEE), pmaxsd = p66(0x3D, 2);
  switch (op) {
    // a >= b  <=>  max(a, b) == a;  a <= b  <=>  min(a, b) == a; the strict ones negated.
    case Opcode::I8x16GeU: return {pmaxub, kPcmpeqb};
    case Opcode::I16x8GeU: return {pmaxuw, kPcmpeqw};
    case Opcode::I32x4GeU: return {pmaxud, p66(0x76)};
    case Opcode::I8x16LeU: return {pminub, kPcmpeqb};
    case Opcode::I16x8LeU: return {pminuw, kPcmpeqw};
    case Opcode::I32x4LeU: return {pminud, p66(0x76)};
    case Opcode::I8x16LtU: return {pmaxub, kPcmpeqb, true};
    case Opcode::I16x8LtU: return {pmaxuw, kPcmpeqw, true};
    case Opcode::I32x4LtU: return {pmaxud, p66(0x76), true};
    case Opcode::I8x16GtU: return {pminub, kPcmpeqb, true};
    case Opcode::I16x8GtU: return {pminuw, kPcmpeqw, true};
    case Opcode::I32x4GtU: return {pminud, p66(0x76), true};
    case Opcode::I8x16GeS: return {pmaxsb, kPcmpeqb};
    case Opcode::I16x8GeS: return {pmaxsw, kPcmpeqw};
    case Opcode::I32x4GeS: return {pmaxsd, p66(0x76)};
    case Opcode::I8x16LeS: return {pminsb, kPcmpeqb};
    case Opcode::I16x8LeS: return {pminsw, kPcmpeqw};
    case Opcode::I32x4LeS: return {pminsd, p66(0x76)};
    default: return {};
  }
}

// cmpps/cmppd predicates: EQ 0, LT 1, LE 2, NEQ (unordered or not equal) 4; gt and ge swap.
struct SimdFloatCompare {
  uint32_t op = 0;
  uint8_t predicate = 0;
  bool swapped = false;
};
SimdFloatCompare simdFloatCompare(Opcode op) {
  switch (op) {
    case Opcode::F32x4Eq: return {kCmpps, 0};
    case Opcode::F32x4Ne: return {kCmpps, 4};
    case Opcode::F32x4Lt: return {kCmpps, 1};
    case Opcode::F32x4Le: return {kCmpps, 2};
    case Opcode::F32x4Gt: return {kCmpps, 1, true};
    case Opcode::F32x4Ge: return {kCmpps, 2, true};
    case Opcode::F64x2Eq: return {kCmppd, 0};
    case Opcode::F64x2Ne: return {kCmppd, 4};
    case Opcode::F64x2Lt: return {kCmppd, 1};
    case Opcode::F64x2Le: return {kCmppd, 2};
    case Opcode::F64x2Gt: return {kCmppd, 1, true};
    case Opcode::F64x2Ge: return {kCmppd, 2, true};
    default: return {};
  }
}

}  // namespace

uint32_t MacroAssembler::simdBinopEncoding(Opcode op, bool* swapped) {
  const SimdForm form = simdBinopForm(op);
  *swapped = form.swapped;
  return form.op;
}
uint32_t MacroAssembler::simdUnopEncoding(Opcode op) { return simdUnopForm(op); }

MacroAssembler::SimdNeeds MacroAssembler::simdNeeds(Opcode op) {
  switch (op) {
    case Opcode::F32x4Min: case Opcode::F32x4Max: case Opcode::F64x2Min: case Opcode::F64x2Max:
      return {true, false};
    case Opcode::I64x2Mul: case Opcode::I8x16Popcnt: return {true, true};
    case Opcode::I64x2ShrS: case Opcode::I8x16Shl: case Opcode::I8x16ShrS: case Opcode::I8x16ShrU:
    case Opcode::I32x4TruncSatF32x4U: case Opcode::I32x4TruncSatF64x2SZero:
      return {false, true};
    case Opcode::I64x2LtS: case Opcode::I64x2GtS: case Opcode::I64x2LeS: case Opcode::I64x2GeS:
      return {true, false};
    default: return {};
  }
}

bool MacroAssembler::simdBinopSupported(Opcode op) {
  switch (op) {
    case Opcode::V128AndNot: case Opcode::I8x16Ne: case Opcode::I16x8Ne: case Opcode::I32x4Ne:
    case Opcode::I64x2Ne: case Opcode::F32x4Min: case Opcode::F32x4Max: case Opcode::F64x2Min:
    case Opcode::F64x2Max: case Opcode::I64x2Mul: case Opcode::I16x8Q15mulrSatS:
    case Opcode::I16x8ExtmulLowI8x16S: case Opcode::I16x8ExtmulHighI8x16S:
    case Opcode::I16x8ExtmulLowI8x16U: case Opcode::I16x8ExtmulHighI8x16U:
    case Opcode::I32x4ExtmulLowI16x8S: case Opcode::I32x4ExtmulHighI16x8S:
    case Opcode::I32x4ExtmulLowI16x8U: case Opcode::I32x4ExtmulHighI16x8U:
    case Opcode::I64x2ExtmulLowI32x4S: case Opcode::I64x2ExtmulHighI32x4S:
    case Opcode::I64x2ExtmulLowI32x4U: case Opcode::I64x2ExtmulHighI32x4U:
    case Opcode::I16x8RelaxedDotI8x16I7x16S:
    case Opcode::I8x16Swizzle: case Opcode::I64x2LtS: case Opcode::I64x2GtS:
    case Opcode::I64x2LeS: case Opcode::I64x2GeS:
      return true;
    default:
      return simdBinopForm(op).op != 0 || minMaxCompare(op).minmax != 0 ||
             simdFloatCompare(op).op != 0;
  }
}

bool MacroAssembler::simdBinopTakesConstant(Opcode op, bool* commutative) {
  if (op == Opcode::I8x16Swizzle) {
    *commutative = false;
    return true;
  }
  const SimdForm form = simdBinopForm(op);
  *commutative = form.commutative;
  return form.op != 0 && !form.swapped;
}

void MacroAssembler::simdBinopConstant(Opcode op, Reg dst, Reg lhs, uint64_t lo, uint64_t hi) {
  uint32_t form = simdBinopForm(op).op;
  if (op == Opcode::I8x16Swizzle) {
    // pshufb zeroes the lanes whose index has the high bit: give it to the indices past 15.
    auto out_of_range_to_high_bit = [](uint64_t indices) {
      uint64_t mask = 0;
      for (int i = 0; i < 8; ++i) {
        const uint64_t index = (indices >> (8 * i)) & 0xFF;
        mask |= (index > 15 ? 0x80 : index) << (8 * i);
      }
      return mask;
    };
    lo = out_of_range_to_high_bit(lo);
    hi = out_of_range_to_high_bit(hi);
    form = kPshufb;
  }
  const Label constant = poolConstant(lo, hi);
  if (!constant.isValid()) {  // a full pool: the constant in the scratch register
    v128Const(kScratchFp, lo, hi);
    if (features_.avx) return a_.vex(form, xmm(dst), xmm(lhs), xmm(kScratchFp));
    if (dst != lhs) a_.sse(sse::kMovaps, xmm(dst), xmm(lhs));
    return a_.sse(form, xmm(dst), xmm(kScratchFp));
  }
  if (features_.avx) return a_.vex(form, xmm(dst), xmm(lhs), ripPtr(constant));
  if (dst != lhs) a_.sse(sse::kMovaps, xmm(dst), xmm(lhs));
  a_.sse(form, xmm(dst), ripPtr(constant));
}

void MacroAssembler::simdBinop(Opcode op, Reg dst, Reg lhs, Reg rhs, Reg temp) {
  auto two = [&](uint32_t form, Reg a, Reg b, bool commutative) {  // dst = a op b
    if (features_.avx) return a_.vex(form, xmm(dst), xmm(a), xmm(b));  // no copies
    if (dst == b && dst != a) {
      if (commutative) return a_.sse(form, xmm(dst), xmm(a));
      a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(b));
      b = kScratchFp;
    }
    if (dst != a) a_.sse(sse::kMovaps, xmm(dst), xmm(a));
    a_.sse(form, xmm(dst), xmm(b));
  };
  switch (op) {
    case Opcode::V128AndNot:  // lhs & ~rhs: pandn computes ~dst & src
      a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(rhs));
      a_.sse(kPandn, xmm(kScratchFp), xmm(lhs));
      a_.sse(sse::kMovaps, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I8x16Ne: case Opcode::I16x8Ne: case Opcode::I32x4Ne: case Opcode::I64x2Ne: {
      const Opcode eq = op == Opcode::I8x16Ne   ? Opcode::I8x16Eq
                        : op == Opcode::I16x8Ne ? Opcode::I16x8Eq
                        : op == Opcode::I32x4Ne ? Opcode::I32x4Eq
                                                : Opcode::I64x2Eq;
      two(simdBinopForm(eq).op, lhs, rhs, true);
      a_.sse(kPcmpeqd, xmm(kScratchFp), xmm(kScratchFp));
      a_.sse(kPxor, xmm(dst), xmm(kScratchFp));
      return;
    }
    case Opcode::F32x4Min: case Opcode::F64x2Min: case Opcode::F32x4Max: case Opcode::F64x2Max: {
      // minps/maxps return their second operand on NaNs and on zeros of either sign: both
      // orders, merged, then NaNs made canonical (dst is neither operand).
      const bool is64 = op == Opcode::F64x2Min || op == Opcode::F64x2Max;
      const bool is_min = op == Opcode::F32x4Min || op == Opcode::F64x2Min;
      const uint32_t minmax = is_min ? (is64 ? kMinpd : kMinps) : (is64 ? kMaxpd : kMaxps);
      const uint32_t cmp = is64 ? kCmppd : kCmpps;
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      a_.sse(sse::kMovaps, s, xmm(lhs));
      a_.sse(minmax, s, xmm(rhs));
      a_.sse(sse::kMovaps, d, xmm(rhs));
      a_.sse(minmax, d, xmm(lhs));
      if (is_min) {
        a_.sse(kOrps, s, d);  // -0 and NaN from either
        a_.sseImm(cmp, 4, d.id, s.id, 3);  // unordered: NaN lanes
        a_.sse(kOrps, s, d);
      } else {
        a_.sse(kXorps, d, s);  // where the two differ
        a_.sse(kOrps, s, d);   // NaNs
        a_.sse(is64 ? kSubpd : kSubps, s, d);  // the sign of a zero, and quiet NaNs
        a_.sseImm(cmp, 4, d.id, s.id, 3);
      }
      // A NaN lane: all of the exponent and the quiet bit, no payload.
      a_.sseImm(is64 ? kShiftQ : kShiftD, 4, kShiftRightLogical, d.id, is64 ? 13 : 10);
      a_.sse(kAndnps, d, s);
      return;
    }
    case Opcode::I64x2Mul: {  // lo*lo + ((hi*lo + lo*hi) << 32), by 32x32->64 multiplies
      const Xmm s = xmm(kScratchFp), t = xmm(temp), d = xmm(dst);
      a_.sse(sse::kMovaps, s, xmm(lhs));
      a_.sseImm(kShiftQ, 4, kShiftRightLogical, s.id, 32);
      a_.sse(kPmuludq, s, xmm(rhs));
      a_.sse(sse::kMovaps, t, xmm(rhs));
      a_.sseImm(kShiftQ, 4, kShiftRightLogical, t.id, 32);
      a_.sse(kPmuludq, t, xmm(lhs));
      a_.sse(kPaddq, s, t);
      a_.sseImm(kShiftQ, 4, kShiftLeft, s.id, 32);
      a_.sse(sse::kMovaps, d, xmm(lhs));
      a_.sse(kPmuludq, d, xmm(rhs));
      a_.sse(kPaddq, d, s);
      return;
    }
    case Opcode::I16x8Q15mulrSatS:  // pmulhrsw, except 0x8000 * 0x8000 saturates to 0x7fff
      two(kPmulhrsw, lhs, rhs, true);
      v128Const(kScratchFp, splatWords(0x8000), splatWords(0x8000));
      a_.sse(kPcmpeqw, xmm(kScratchFp), xmm(dst));
      a_.sse(kPxor, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I64x2GtS: case Opcode::I64x2LtS: case Opcode::I64x2LeS: case Opcode::I64x2GeS: {
      // Without SSE4.2's pcmpgtq: a > b when the high dwords compare so, or are equal and
      // b - a borrows; the answer, in each high dword, spread over the lane (dst is neither).
      const bool swap = op == Opcode::I64x2LtS || op == Opcode::I64x2GeS;
      const Reg a = swap ? rhs : lhs, b = swap ? lhs : rhs;
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      a_.sse(sse::kMovaps, d, xmm(b));
      a_.sse(kPsubq, d, xmm(a));
      a_.sse(sse::kMovaps, s, xmm(a));
      a_.sse(kPcmpeqd, s, xmm(b));
      a_.sse(kPand, d, s);
      a_.sse(sse::kMovaps, s, xmm(a));
      a_.sse(kPcmpgtd, s, xmm(b));
      a_.sse(kPor, d, s);
      a_.sseImm(kPshufd, 4, d.id, d.id, 0xF5);
      if (op == Opcode::I64x2LeS || op == Opcode::I64x2GeS) {
        a_.sse(kPcmpeqd, s, s);
        a_.sse(kPxor, d, s);
      }
      return;
    }
    case Opcode::I16x8RelaxedDotI8x16I7x16S:  // rhs (i7) unsigned times lhs signed, saturating
      a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(rhs));
      a_.sse(kPmaddubsw, xmm(kScratchFp), xmm(lhs));
      a_.sse(sse::kMovaps, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I8x16Swizzle:  // indices past 15 get the high bit, which pshufb reads as zero
      v128Const(kScratchFp, splatBytes(0x70), splatBytes(0x70));
      a_.sse(kPaddusb, xmm(kScratchFp), xmm(rhs));
      if (dst != lhs) a_.sse(sse::kMovaps, xmm(dst), xmm(lhs));
      a_.sse(kPshufb, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I16x8ExtmulLowI8x16S: case Opcode::I16x8ExtmulHighI8x16S:
    case Opcode::I16x8ExtmulLowI8x16U: case Opcode::I16x8ExtmulHighI8x16U:
    case Opcode::I32x4ExtmulLowI16x8S: case Opcode::I32x4ExtmulHighI16x8S:
    case Opcode::I32x4ExtmulLowI16x8U: case Opcode::I32x4ExtmulHighI16x8U:
    case Opcode::I64x2ExtmulLowI32x4S: case Opcode::I64x2ExtmulHighI32x4S:
    case Opcode::I64x2ExtmulLowI32x4U: case Opcode::I64x2ExtmulHighI32x4U: {
      // Both operands widened (the high half moved down first), then multiplied.
      const bool high = op == Opcode::I16x8ExtmulHighI8x16S || op == Opcode::I16x8ExtmulHighI8x16U ||
                        op == Opcode::I32x4ExtmulHighI16x8S || op == Opcode::I32x4ExtmulHighI16x8U ||
                        op == Opcode::I64x2ExtmulHighI32x4S || op == Opcode::I64x2ExtmulHighI32x4U;
      uint32_t widen, multiply;
      switch (op) {
        case Opcode::I16x8ExtmulLowI8x16S: case Opcode::I16x8ExtmulHighI8x16S:
          widen = p66(0x20, 2), multiply = p66(0xD5); break;
        case Opcode::I16x8ExtmulLowI8x16U: case Opcode::I16x8ExtmulHighI8x16U:
          widen = p66(0x30, 2), multiply = p66(0xD5); break;
        case Opcode::I32x4ExtmulLowI16x8S: case Opcode::I32x4ExtmulHighI16x8S:
          widen = p66(0x23, 2), multiply = p66(0x40, 2); break;
        case Opcode::I32x4ExtmulLowI16x8U: case Opcode::I32x4ExtmulHighI16x8U:
          widen = p66(0x33, 2), multiply = p66(0x40, 2); break;
        case Opcode::I64x2ExtmulLowI32x4S: case Opcode::I64x2ExtmulHighI32x4S:
          widen = p66(0x25, 2), multiply = kPmuldq; break;
        default: widen = p66(0x35, 2), multiply = kPmuludq; break;
      }
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      if (high) {
        a_.sseImm(kPshufd, 4, s.id, xmm(rhs).id, 0xEE);
        a_.sse(widen, s, s);
        a_.sseImm(kPshufd, 4, d.id, xmm(lhs).id, 0xEE);
        a_.sse(widen, d, d);
      } else {
        a_.sse(widen, s, xmm(rhs));
        a_.sse(widen, d, xmm(lhs));
      }
      a_.sse(multiply, d, s);
      return;
    }
    default: break;
  }
  if (const MinMaxCompare c = minMaxCompare(op); c.minmax != 0) {
    const Xmm s = xmm(kScratchFp);
    a_.sse(sse::kMovaps, s, xmm(lhs));
    a_.sse(c.minmax, s, xmm(rhs));
    a_.sse(c.eq, s, xmm(lhs));
    if (c.negate) {
      a_.sse(sse::kMovaps, xmm(dst), s);
      a_.sse(kPcmpeqd, s, s);
      a_.sse(kPxor, xmm(dst), s);
    } else {
      a_.sse(sse::kMovaps, xmm(dst), s);
    }
    return;
  }
  if (const SimdFloatCompare c = simdFloatCompare(op); c.op != 0) {
    const Reg a = c.swapped ? rhs : lhs, b = c.swapped ? lhs : rhs;
    if (dst == b && dst != a) {
      a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(a));
      a_.sseImm(c.op, 4, kScratchFp.hwCode(), xmm(b).id, c.predicate);
      a_.sse(sse::kMovaps, xmm(dst), xmm(kScratchFp));
      return;
    }
    if (dst != a) a_.sse(sse::kMovaps, xmm(dst), xmm(a));
    a_.sseImm(c.op, 4, xmm(dst).id, xmm(b).id, c.predicate);
    return;
  }
  const SimdForm form = simdBinopForm(op);
  if (form.op == 0) return unhandledOp("simdBinop", op);
  if (form.swapped) two(form.op, rhs, lhs, form.commutative);
  else two(form.op, lhs, rhs, form.commutative);
}

bool MacroAssembler::simdUnopSupported(Opcode op) {
  switch (op) {
    case Opcode::V128Not: case Opcode::I8x16Neg: case Opcode::I16x8Neg: case Opcode::I32x4Neg:
    case Opcode::I64x2Neg: case Opcode::F32x4Neg: case Opcode::F64x2Neg: case Opcode::F32x4Abs:
    case Opcode::F64x2Abs: case Opcode::I64x2Abs: case Opcode::I16x8ExtendHighI8x16S:
    case Opcode::I16x8ExtendHighI8x16U: case Opcode::I32x4ExtendHighI16x8S:
    case Opcode::I32x4ExtendHighI16x8U: case Opcode::I64x2ExtendHighI32x4S:
    case Opcode::I64x2ExtendHighI32x4U: case Opcode::F32x4Ceil: case Opcode::F32x4Floor:
    case Opcode::F32x4Trunc: case Opcode::F32x4Nearest: case Opcode::F64x2Ceil:
    case Opcode::F64x2Floor: case Opcode::F64x2Trunc: case Opcode::F64x2Nearest:
    case Opcode::F32x4DemoteF64x2Zero: case Opcode::F64x2ConvertLowI32x4U:
    case Opcode::F32x4ConvertI32x4U: case Opcode::I16x8ExtaddPairwiseI8x16S:
    case Opcode::I16x8ExtaddPairwiseI8x16U: case Opcode::I32x4ExtaddPairwiseI16x8S:
    case Opcode::I32x4ExtaddPairwiseI16x8U: case Opcode::I8x16Popcnt:
    case Opcode::I32x4TruncSatF32x4S: case Opcode::I32x4TruncSatF32x4U:
    case Opcode::I32x4TruncSatF64x2SZero: case Opcode::I32x4TruncSatF64x2UZero:
      return true;
    default: return simdUnopForm(op) != 0;
  }
}

void MacroAssembler::simdUnop(Opcode op, Reg dst, Reg src, Reg temp) {
  auto negate = [&](uint32_t psub) {  // 0 - src
    a_.sse(sse::kMovaps, xmm(kScratchFp), xmm(src));
    a_.sse(kPxor, xmm(dst), xmm(dst));
    a_.sse(psub, xmm(dst), xmm(kScratchFp));
  };
  switch (op) {
    case Opcode::V128Not:
      if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
      a_.sse(kPcmpeqd, xmm(kScratchFp), xmm(kScratchFp));
      a_.sse(kPxor, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I8x16Neg: return negate(kPsubb);
    case Opcode::I16x8Neg: return negate(kPsubw);
    case Opcode::I32x4Neg: return negate(kPsubd);
    case Opcode::I64x2Neg: return negate(kPsubq);
    case Opcode::F32x4Neg: case Opcode::F64x2Neg: case Opcode::F32x4Abs: case Opcode::F64x2Abs: {
      const bool is64 = op == Opcode::F64x2Neg || op == Opcode::F64x2Abs;
      const uint64_t sign = is64 ? 0x8000000000000000ull : splatDwords(0x80000000u);
      const bool neg = op == Opcode::F32x4Neg || op == Opcode::F64x2Neg;
      v128Const(kScratchFp, neg ? sign : ~sign, neg ? sign : ~sign);
      if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
      a_.sse(neg ? kXorps : kAndps, xmm(dst), xmm(kScratchFp));
      return;
    }
    case Opcode::I64x2Abs: {  // the sign of each lane spread over it, then (x ^ s) - s
      const Xmm s = xmm(kScratchFp);
      a_.sse(sse::kMovaps, s, xmm(src));
      a_.sseImm(kShiftD, 4, kShiftRightArith, s.id, 31);
      a_.sseImm(kPshufd, 4, s.id, s.id, 0xF5);
      if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
      a_.sse(kPxor, xmm(dst), s);
      a_.sse(kPsubq, xmm(dst), s);
      return;
    }
    case Opcode::I16x8ExtendHighI8x16S: case Opcode::I16x8ExtendHighI8x16U:
    case Opcode::I32x4ExtendHighI16x8S: case Opcode::I32x4ExtendHighI16x8U:
    case Opcode::I64x2ExtendHighI32x4S: case Opcode::I64x2ExtendHighI32x4U: {
      const Opcode low = op == Opcode::I16x8ExtendHighI8x16S   ? Opcode::I16x8ExtendLowI8x16S
                         : op == Opcode::I16x8ExtendHighI8x16U ? Opcode::I16x8ExtendLowI8x16U
                         : op == Opcode::I32x4ExtendHighI16x8S ? Opcode::I32x4ExtendLowI16x8S
                         : op == Opcode::I32x4ExtendHighI16x8U ? Opcode::I32x4ExtendLowI16x8U
                         : op == Opcode::I64x2ExtendHighI32x4S ? Opcode::I64x2ExtendLowI32x4S
                                                               : Opcode::I64x2ExtendLowI32x4U;
      a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(src).id, 0xEE);  // the high half down
      a_.sse(simdUnopForm(low), xmm(dst), xmm(dst));
      return;
    }
    case Opcode::F32x4Ceil: case Opcode::F32x4Floor: case Opcode::F32x4Trunc:
    case Opcode::F32x4Nearest: case Opcode::F64x2Ceil: case Opcode::F64x2Floor:
    case Opcode::F64x2Trunc: case Opcode::F64x2Nearest: {
      const bool is64 = op == Opcode::F64x2Ceil || op == Opcode::F64x2Floor ||
                        op == Opcode::F64x2Trunc || op == Opcode::F64x2Nearest;
      const uint8_t mode = (op == Opcode::F32x4Nearest || op == Opcode::F64x2Nearest) ? 0
                           : (op == Opcode::F32x4Floor || op == Opcode::F64x2Floor)   ? 1
                           : (op == Opcode::F32x4Ceil || op == Opcode::F64x2Ceil)     ? 2
                                                                                      : 3;
      a_.sseImm(is64 ? kRoundpd : kRoundps, 4, xmm(dst).id, xmm(src).id, mode);
      return;
    }
    case Opcode::F32x4DemoteF64x2Zero: return a_.sse(kCvtpd2ps, xmm(dst), xmm(src));
    case Opcode::F64x2ConvertLowI32x4U:
      // Each u32 as the low half of the double 2^52 + u, minus 2^52.
      v128Const(kScratchFp, splatDwords(0x43300000u), splatDwords(0x43300000u));
      if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
      a_.sse(kUnpcklps, xmm(dst), xmm(kScratchFp));
      v128Const(kScratchFp, 0x4330000000000000ull, 0x4330000000000000ull);
      a_.sse(kSubpd, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::F32x4ConvertI32x4U: {
      // The low 16 bits and the rest converted apart (each exactly), the rest halved first
      // so it fits a signed conversion, then doubled and added.
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      a_.sse(kPxor, s, s);
      a_.sseImm(kPblendw, 4, s.id, xmm(src).id, 0x55);
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sse(kPsubd, d, s);
      a_.sse(kCvtdq2ps, s, s);
      a_.sseImm(kShiftD, 4, kShiftRightLogical, d.id, 1);
      a_.sse(kCvtdq2ps, d, d);
      a_.sse(kAddps, d, d);
      a_.sse(kAddps, d, s);
      return;
    }
    case Opcode::I16x8ExtaddPairwiseI8x16S:  // ones (unsigned) times the bytes (signed)
      v128Const(kScratchFp, splatBytes(1), splatBytes(1));
      a_.sse(kPmaddubsw, xmm(kScratchFp), xmm(src));
      a_.sse(sse::kMovaps, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I16x8ExtaddPairwiseI8x16U:  // the bytes (unsigned) times ones (signed)
      v128Const(kScratchFp, splatBytes(1), splatBytes(1));
      if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
      a_.sse(kPmaddubsw, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I32x4ExtaddPairwiseI16x8S:
      v128Const(kScratchFp, splatWords(1), splatWords(1));
      if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
      a_.sse(kPmaddwd, xmm(dst), xmm(kScratchFp));
      return;
    case Opcode::I32x4ExtaddPairwiseI16x8U: {  // the odd words shifted down plus the even ones
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      a_.sse(sse::kMovaps, s, xmm(src));
      a_.sseImm(kShiftD, 4, kShiftRightLogical, s.id, 16);
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sseImm(kShiftD, 4, kShiftLeft, d.id, 16);
      a_.sseImm(kShiftD, 4, kShiftRightLogical, d.id, 16);
      a_.sse(kPaddd, d, s);
      return;
    }
    case Opcode::I32x4TruncSatF32x4S: {
      // cvttps2dq gives 0x80000000 for NaN and both overflows: NaN lanes zeroed first, and
      // the lanes that were positive and came out negative flipped to 0x7fffffff.
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      a_.sse(sse::kMovaps, s, xmm(src));
      a_.sseImm(kCmpps, 4, s.id, s.id, 0);  // ordered lanes
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sse(kAndps, d, s);
      a_.sse(kPxor, s, d);  // the sign bit set where the value is >= 0
      a_.sse(kCvttps2dq, d, d);
      a_.sse(kPand, s, d);
      a_.sseImm(kShiftD, 4, kShiftRightArith, s.id, 31);
      a_.sse(kPxor, d, s);
      return;
    }
    case Opcode::I32x4TruncSatF32x4U: {
      // Negative and NaN lanes to 0; the part from 2^31 up converted apart (those at 2^32
      // and above saturated), added to the part below.
      const Xmm s = xmm(kScratchFp), t = xmm(temp), d = xmm(dst);
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sse(kXorps, s, s);
      a_.sse(kMaxps, d, s);
      a_.sse(kPcmpeqd, s, s);
      a_.sseImm(kShiftD, 4, kShiftRightLogical, s.id, 1);
      a_.sse(kCvtdq2ps, s, s);  // 2^31
      a_.sse(sse::kMovaps, t, d);
      a_.sse(kSubps, t, s);
      a_.sseImm(kCmpps, 4, s.id, t.id, 2);  // 2^31 <= x - 2^31: past the range
      a_.sse(kCvttps2dq, t, t);
      a_.sse(kPxor, t, s);
      a_.sse(kPxor, s, s);
      a_.sse(kPmaxsd, t, s);
      a_.sse(kCvttps2dq, d, d);
      a_.sse(kPaddd, d, t);
      return;
    }
    case Opcode::I32x4TruncSatF64x2SZero: {
      // NaN lanes to 0 and the others clamped below 2^31 (minpd takes its second operand on
      // NaN), then cvttpd2dq, whose overflow below is INT32_MIN already.
      const Xmm s = xmm(kScratchFp), t = xmm(temp), d = xmm(dst);
      constexpr uint64_t kInt32Max = 0x41DFFFFFFFC00000ull;  // 2147483647.0
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sse(sse::kMovaps, s, d);
      a_.sseImm(kCmppd, 4, s.id, s.id, 0);  // ordered lanes
      v128Const(temp, kInt32Max, kInt32Max);
      a_.sse(kAndps, s, t);
      a_.sse(kMinpd, d, s);
      a_.sse(kCvttpd2dq, d, d);
      return;
    }
    case Opcode::I32x4TruncSatF64x2UZero: {
      // Clamped to [0, 2^32 - 1] (NaN to 0), truncated, and the integer read off the low half
      // of 2^52 + x.
      const Xmm s = xmm(kScratchFp), d = xmm(dst);
      constexpr uint64_t kUint32Max = 0x41EFFFFFFFE00000ull, kTwoTo52 = 0x4330000000000000ull;
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sse(kXorps, s, s);
      a_.sse(kMaxpd, d, s);
      v128Const(kScratchFp, kUint32Max, kUint32Max);
      a_.sse(kMinpd, d, s);
      a_.sseImm(kRoundpd, 4, d.id, d.id, 3);
      v128Const(kScratchFp, kTwoTo52, kTwoTo52);
      a_.sse(kAddpd, d, s);
      a_.sse(kXorps, s, s);
      a_.sseImm(kShufps, 4, d.id, s.id, 0x88);
      return;
    }
    case Opcode::I8x16Popcnt: {  // each nibble looked up in a table of counts (dst is not src)
      const Xmm s = xmm(kScratchFp), t = xmm(temp), d = xmm(dst);
      constexpr uint64_t kCountsLo = 0x0302020102010100ull, kCountsHi = 0x0403030203020201ull;
      v128Const(kScratchFp, splatBytes(0x0f), splatBytes(0x0f));
      a_.sse(sse::kMovaps, d, xmm(src));
      a_.sseImm(kShiftW, 4, kShiftRightLogical, d.id, 4);
      a_.sse(kPand, d, s);   // the high nibbles
      a_.sse(kPand, s, xmm(src));  // the low ones
      v128Const(temp, kCountsLo, kCountsHi);
      a_.sse(kPshufb, t, s);
      v128Const(kScratchFp, kCountsLo, kCountsHi);
      a_.sse(kPshufb, s, d);
      a_.sse(sse::kMovaps, d, s);
      a_.sse(kPaddb, d, t);
      return;
    }
    default: break;
  }
  const uint32_t form = simdUnopForm(op);
  if (form == 0) return unhandledOp("simdUnop", op);
  a_.sse(form, xmm(dst), xmm(src));
}

void MacroAssembler::v128Const(Reg dst, uint64_t lo, uint64_t hi) {
  if (lo == 0 && hi == 0) return a_.sse(kPxor, xmm(dst), xmm(dst));
  if (lo == ~uint64_t{0} && hi == ~uint64_t{0}) return a_.sse(kPcmpeqd, xmm(dst), xmm(dst));
  if (const Label constant = poolConstant(lo, hi); constant.isValid())
    return a_.sse(sse::kMovaps, xmm(dst), ripPtr(constant));
  // A full pool: the halves through the scratch register.
  a_.mov(gp64(kScratchGp), lo);
  a_.movdq(xmm(dst), gp64(kScratchGp));
  a_.mov(gp64(kScratchGp), hi);
  a_.sseImm(p66(0x22, 3), 8, xmm(dst).id, gp64(kScratchGp).id, 1);  // pinsrq
}

bool MacroAssembler::simdShiftSupported(Opcode op) {
  switch (op) {
    case Opcode::I16x8Shl: case Opcode::I16x8ShrS: case Opcode::I16x8ShrU:
    case Opcode::I32x4Shl: case Opcode::I32x4ShrS: case Opcode::I32x4ShrU:
    case Opcode::I64x2Shl: case Opcode::I64x2ShrS: case Opcode::I64x2ShrU:
    case Opcode::I8x16Shl: case Opcode::I8x16ShrS: case Opcode::I8x16ShrU:
      return true;
    default: return false;
  }
}

void MacroAssembler::simdShift(Opcode op, Reg dst, Reg src, Reg count, Reg temp) {
  if (op == Opcode::I8x16Shl || op == Opcode::I8x16ShrS || op == Opcode::I8x16ShrU) {
    // No byte shifts: words shifted, with the bits that would cross into the next byte
    // cleared first (shl, shr_u), or each byte widened to a word and narrowed back (shr_s).
    const Xmm s = xmm(kScratchFp), t = xmm(temp), d = xmm(dst);
    a_.mov(gp32(kScratchGp), gp32(count));
    a_.alu(Alu::And, gp32(kScratchGp), 7);
    a_.alu(Alu::Add, gp32(kScratchGp), 8);
    a_.movdq(s, gp32(kScratchGp));  // 8 + n
    if (op == Opcode::I8x16ShrS) {
      a_.sse(sse::kMovaps, t, xmm(src));
      a_.sse(kPunpckhbw, t, t);
      a_.sse(kPsraw, t, s);
      if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
      a_.sse(kPunpcklbw, d, d);
      a_.sse(kPsraw, d, s);
      a_.sse(kPacksswb, d, t);
      return;
    }
    a_.sse(kPcmpeqd, t, t);
    if (op == Opcode::I8x16Shl) {
      a_.sse(kPsrlw, t, s);  // 0x00ff >> n in each word
    } else {
      a_.sse(kPsllw, t, s);  // (0xff << n) in each word's high byte
      a_.sseImm(kShiftW, 4, kShiftRightLogical, t.id, 8);
    }
    a_.sse(kPackuswb, t, t);  // the byte mask in every byte
    a_.alu(Alu::Sub, gp32(kScratchGp), 8);
    a_.movdq(s, gp32(kScratchGp));  // n
    if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
    a_.sse(kPand, d, t);
    a_.sse(op == Opcode::I8x16Shl ? kPsllw : kPsrlw, d, s);
    return;
  }
  uint32_t form;
  int mask;
  switch (op) {
    case Opcode::I16x8Shl: form = p66(0xF1), mask = 15; break;
    case Opcode::I16x8ShrS: form = p66(0xE1), mask = 15; break;
    case Opcode::I16x8ShrU: form = p66(0xD1), mask = 15; break;
    case Opcode::I32x4Shl: form = p66(0xF2), mask = 31; break;
    case Opcode::I32x4ShrS: form = p66(0xE2), mask = 31; break;
    case Opcode::I32x4ShrU: form = p66(0xD2), mask = 31; break;
    case Opcode::I64x2Shl: form = p66(0xF3), mask = 63; break;
    case Opcode::I64x2ShrU: case Opcode::I64x2ShrS: form = p66(0xD3), mask = 63; break;
    default: return unhandledOp("simdShift", op);
  }
  // The count modulo the lane width, as the shift's xmm operand.
  a_.mov(gp32(kScratchGp), gp32(count));
  a_.alu(Alu::And, gp32(kScratchGp), mask);
  a_.movdq(xmm(kScratchFp), gp32(kScratchGp));
  if (op == Opcode::I64x2ShrS) {  // no arithmetic form: (x >>u n ^ m) - m, m = sign >>u n
    v128Const(temp, 0x8000000000000000ull, 0x8000000000000000ull);
    a_.sse(form, xmm(temp), xmm(kScratchFp));
    if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
    a_.sse(form, xmm(dst), xmm(kScratchFp));
    a_.sse(kPxor, xmm(dst), xmm(temp));
    a_.sse(kPsubq, xmm(dst), xmm(temp));
    return;
  }
  if (dst != src) a_.sse(sse::kMovaps, xmm(dst), xmm(src));
  a_.sse(form, xmm(dst), xmm(kScratchFp));
}

// An operation whose second operand is the constant lo:hi, from the constant pool (or, when
// the pool is full, through the scratch register).
void MacroAssembler::sseWithConstant(uint32_t form, Reg dst, uint64_t lo, uint64_t hi) {
  if (const Label constant = poolConstant(lo, hi); constant.isValid())
    return a_.sse(form, xmm(dst), ripPtr(constant));
  v128Const(kScratchFp, lo, hi);
  a_.sse(form, xmm(dst), xmm(kScratchFp));
}

void MacroAssembler::simdShiftImm(Opcode op, Reg dst, Reg src, uint32_t count, Reg temp) {
  const Xmm d = xmm(dst);
  auto copy = [&] {
    if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
  };
  switch (op) {
    case Opcode::I8x16Shl: case Opcode::I8x16ShrU: {
      // Words shifted, then the bits that crossed from the next byte cleared.
      const uint32_t n = count & 7;
      copy();
      if (n == 0) return;
      const bool left = op == Opcode::I8x16Shl;
      a_.sseImm(kShiftW, 4, left ? kShiftLeft : kShiftRightLogical, d.id, static_cast<uint8_t>(n));
      const uint64_t mask = splatBytes(static_cast<uint8_t>(left ? 0xFF << n : 0xFF >> n));
      return sseWithConstant(kPand, dst, mask, mask);
    }
    case Opcode::I8x16ShrS: {  // each byte widened to a word's high half, shifted, narrowed
      const uint8_t n = static_cast<uint8_t>(8 + (count & 7));
      const Xmm t = xmm(temp);
      a_.sse(sse::kMovaps, t, xmm(src));
      a_.sse(kPunpckhbw, t, t);
      a_.sseImm(kShiftW, 4, kShiftRightArith, t.id, n);
      copy();
      a_.sse(kPunpcklbw, d, d);
      a_.sseImm(kShiftW, 4, kShiftRightArith, d.id, n);
      return a_.sse(kPacksswb, d, t);
    }
    case Opcode::I64x2ShrS: {  // no arithmetic form: (x >>u n ^ m) - m, m = sign >>u n
      const uint32_t n = count & 63;
      copy();
      if (n == 0) return;
      const uint64_t m = 0x8000000000000000ull >> n;
      a_.sseImm(kShiftQ, 4, kShiftRightLogical, d.id, static_cast<uint8_t>(n));
      sseWithConstant(kPxor, dst, m, m);
      return sseWithConstant(kPsubq, dst, m, m);
    }
    default: break;
  }
  uint32_t form;
  uint8_t operation;
  uint32_t mask;
  switch (op) {
    case Opcode::I16x8Shl: form = kShiftW, operation = kShiftLeft, mask = 15; break;
    case Opcode::I16x8ShrS: form = kShiftW, operation = kShiftRightArith, mask = 15; break;
    case Opcode::I16x8ShrU: form = kShiftW, operation = kShiftRightLogical, mask = 15; break;
    case Opcode::I32x4Shl: form = kShiftD, operation = kShiftLeft, mask = 31; break;
    case Opcode::I32x4ShrS: form = kShiftD, operation = kShiftRightArith, mask = 31; break;
    case Opcode::I32x4ShrU: form = kShiftD, operation = kShiftRightLogical, mask = 31; break;
    case Opcode::I64x2Shl: form = kShiftQ, operation = kShiftLeft, mask = 63; break;
    case Opcode::I64x2ShrU: form = kShiftQ, operation = kShiftRightLogical, mask = 63; break;
    default: return unhandledOp("simdShiftImm", op);
  }
  copy();
  if ((count & mask) != 0)
    a_.sseImm(form, 4, operation, d.id, static_cast<uint8_t>(count & mask));
}

void MacroAssembler::simdBitselect(Reg dst, Reg v1, Reg v2, Reg mask) {
  // ((v1 ^ v2) & mask) ^ v2
  const Xmm s = xmm(kScratchFp);
  a_.sse(sse::kMovaps, s, xmm(v1));
  a_.sse(kPxor, s, xmm(v2));
  a_.sse(kPand, s, xmm(mask));
  a_.sse(kPxor, s, xmm(v2));
  a_.sse(sse::kMovaps, xmm(dst), s);
}

void MacroAssembler::simdTernary(Opcode op, Reg dst, Reg a, Reg b, Reg c) {
  const Xmm s = xmm(kScratchFp), d = xmm(dst);
  switch (op) {
    case Opcode::F32x4RelaxedMadd: case Opcode::F32x4RelaxedNmadd: case Opcode::F64x2RelaxedMadd:
    case Opcode::F64x2RelaxedNmadd: {
      const bool is64 = op == Opcode::F64x2RelaxedMadd || op == Opcode::F64x2RelaxedNmadd;
      a_.sse(sse::kMovaps, s, xmm(a));
      a_.sse(is64 ? p66(0x59) : pNone(0x59), s, xmm(b));
      a_.sse(sse::kMovaps, d, xmm(c));
      if (op == Opcode::F32x4RelaxedMadd || op == Opcode::F64x2RelaxedMadd)
        a_.sse(is64 ? kAddpd : kAddps, d, s);
      else
        a_.sse(is64 ? kSubpd : kSubps, d, s);
      return;
    }
    case Opcode::I32x4RelaxedDotI8x16I7x16AddS:
      a_.sse(sse::kMovaps, s, xmm(b));
      a_.sse(kPmaddubsw, s, xmm(a));  // b unsigned times a signed, pairs summed (saturating)
      v128Const(dst, splatWords(1), splatWords(1));
      a_.sse(kPmaddwd, d, s);
      a_.sse(kPaddd, d, xmm(c));
      return;
    default: return unhandledOp("simdTernary", op);
  }
}

bool MacroAssembler::simdToIntSupported(Opcode op) {
  switch (op) {
    case Opcode::V128AnyTrue: case Opcode::I8x16AllTrue: case Opcode::I16x8AllTrue:
    case Opcode::I32x4AllTrue: case Opcode::I64x2AllTrue: case Opcode::I8x16Bitmask:
    case Opcode::I16x8Bitmask: case Opcode::I32x4Bitmask: case Opcode::I64x2Bitmask:
      return true;
    default: return false;
  }
}

void MacroAssembler::simdToInt(Opcode op, Reg dst, Reg src) {
  const Xmm s = xmm(kScratchFp);
  switch (op) {
    case Opcode::V128AnyTrue:
      a_.sse(kPtest, xmm(src), xmm(src));
      return setCond(Cond::Ne, dst);
    case Opcode::I8x16AllTrue: case Opcode::I16x8AllTrue: case Opcode::I32x4AllTrue:
    case Opcode::I64x2AllTrue:  // no lane equal to zero
      a_.sse(kPxor, s, s);
      a_.sse(op == Opcode::I8x16AllTrue   ? kPcmpeqb
             : op == Opcode::I16x8AllTrue ? kPcmpeqw
             : op == Opcode::I32x4AllTrue ? kPcmpeqd
                                          : kPcmpeqq,
             s, xmm(src));
      a_.sse(kPtest, s, s);
      return setCond(Cond::Eq, dst);
    case Opcode::I8x16Bitmask: return a_.sseToGp(kPmovmskb, gp32(dst), xmm(src));
    case Opcode::I16x8Bitmask:  // the words narrowed to bytes (signs kept), twice over
      a_.sse(sse::kMovaps, s, xmm(src));
      a_.sse(kPacksswb, s, s);
      a_.sseToGp(kPmovmskb, gp32(dst), s);
      a_.movzx(gp32(dst), gp8(dst));
      return;
    case Opcode::I32x4Bitmask: return a_.sseToGp(kMovmskps, gp32(dst), xmm(src));
    case Opcode::I64x2Bitmask: return a_.sseToGp(kMovmskpd, gp32(dst), xmm(src));
    default: return unhandledOp("simdToInt", op);
  }
}

namespace {
// The two-operand shuffles one instruction does: the interleaves (punpck*) and the byte
// rotation of lhs:rhs (palignr); kind and the instruction's immediate, or nothing.
// Whether the 16 byte indices (0-15) move whole dwords, and pshufd's immediate for that.
bool pshufdImmediate(const uint8_t* index, uint8_t* imm) {
  *imm = 0;
  for (int k = 0; k < 4; ++k) {
    const uint8_t first = index[4 * k];
    if (first % 4 != 0) return false;
    for (int b = 1; b < 4; ++b)
      if (index[4 * k + b] != first + b) return false;
    *imm |= static_cast<uint8_t>((first / 4) << (2 * k));
  }
  return true;
}

struct ShufflePattern {
  uint32_t form = 0;
  bool align = false;  // palignr with `shift`
  uint8_t shift = 0;
};
ShufflePattern twoOperandPattern(const uint8_t* lanes) {
  auto matches = [&](auto expected) {
    for (int i = 0; i < 16; ++i)
      if ((lanes[i] & 31) != expected(i)) return false;
    return true;
  };
  // Interleaving elements of `size` bytes from the low (or high) halves: lhs element, rhs element.
  for (int size : {1, 2, 4, 8}) {
    for (int high = 0; high < 2; ++high) {
      auto interleave = [&](int i) {
        const int element = i / (2 * size), byte = i % size, from_rhs = (i / size) & 1;
        return 8 * high + element * size + byte + 16 * from_rhs;
      };
      if (!matches(interleave)) continue;
      static constexpr uint8_t kLow[] = {0x60, 0x61, 0x62, 0x6C}, kHigh[] = {0x68, 0x69, 0x6A, 0x6D};
      const int k = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
      return {p66(high ? kHigh[k] : kLow[k]), false, 0};
    }
  }
  for (int shift = 1; shift < 16; ++shift)
    if (matches([&](int i) { return shift + i; })) return {p66(0x0F, 3), true, static_cast<uint8_t>(shift)};
  return {};
}
}  // namespace

void MacroAssembler::simdShuffle(Reg dst, Reg lhs, Reg rhs, const uint8_t* lanes, Reg temp) {
  // One instruction where the pattern has one (pshufd for whole dwords of one operand, an
  // interleave, a byte rotation); else pshufb of each operand by its own mask (0x80 zeroes a
  // lane), or of one when every lane comes from it.
  uint8_t from_lhs[16], from_rhs[16];
  bool uses_lhs = false, uses_rhs = false;
  for (int i = 0; i < 16; ++i) {
    const uint8_t lane = lanes[i] & 31;
    from_lhs[i] = lane < 16 ? lane : 0x80;
    from_rhs[i] = lane >= 16 ? static_cast<uint8_t>(lane - 16) : 0x80;
    uses_lhs |= lane < 16;
    uses_rhs |= lane >= 16;
  }
  auto half = [](const uint8_t* bytes, int at) {
    uint64_t v;
    std::memcpy(&v, bytes + at, 8);
    return v;
  };
  const Xmm s = xmm(kScratchFp), t = xmm(temp), d = xmm(dst);
  if (uses_lhs != uses_rhs) {  // one operand: whole dwords moved by pshufd?
    uint8_t imm;
    if (pshufdImmediate(uses_lhs ? from_lhs : from_rhs, &imm))
      return a_.sseImm(kPshufd, 4, d.id, xmm(uses_lhs ? lhs : rhs).id, imm);
  } else if (const ShufflePattern pattern = twoOperandPattern(lanes); pattern.form != 0) {
    // dst = lhs op rhs; palignr takes the high part (rhs) as its destination.
    const Reg first = pattern.align ? rhs : lhs, second = pattern.align ? lhs : rhs;
    if (dst == second && dst != first) {
      a_.sse(sse::kMovaps, s, xmm(second));
      if (dst != first) a_.sse(sse::kMovaps, d, xmm(first));
      if (pattern.align) return a_.sseImm(pattern.form, 4, d.id, s.id, pattern.shift);
      return a_.sse(pattern.form, d, s);
    }
    if (dst != first) a_.sse(sse::kMovaps, d, xmm(first));
    if (pattern.align) return a_.sseImm(pattern.form, 4, d.id, xmm(second).id, pattern.shift);
    return a_.sse(pattern.form, d, xmm(second));
  }
  // `to` = `from` shuffled by `mask`, read from the constant pool.
  auto shuffleBytes = [&](Xmm to, Reg from, const uint8_t* mask) {
    const uint64_t lo = half(mask, 0), hi = half(mask, 8);
    const Label constant = poolConstant(lo, hi);
    if (!constant.isValid()) v128Const(kScratchFp, lo, hi);  // a full pool
    if (features_.avx) {
      if (constant.isValid()) return a_.vex(kPshufb, to, xmm(from), ripPtr(constant));
      return a_.vex(kPshufb, to, xmm(from), s);
    }
    if (to.id != xmm(from).id) a_.sse(sse::kMovaps, to, xmm(from));
    if (constant.isValid()) return a_.sse(kPshufb, to, ripPtr(constant));
    a_.sse(kPshufb, to, s);
  };
  if (!uses_lhs) return shuffleBytes(d, rhs, from_rhs);
  if (!uses_rhs) return shuffleBytes(d, lhs, from_lhs);
  shuffleBytes(t, rhs, from_rhs);  // first: dst may be rhs
  shuffleBytes(d, lhs, from_lhs);
  if (features_.avx) return a_.vex(kPor, d, d, t);
  a_.sse(kPor, d, t);
}

void MacroAssembler::simdShuffleOne(Reg dst, Reg src, const uint8_t* mask, uint64_t lo,
                                    uint64_t hi) {
  const Xmm d = xmm(dst);
  auto orConstant = [&] {
    if (lo == 0 && hi == 0) return;
    if (features_.avx) {
      if (const Label constant = poolConstant(lo, hi); constant.isValid())
        return a_.vex(kPor, d, d, ripPtr(constant));
    }
    sseWithConstant(kPor, dst, lo, hi);
  };
  // The low half zero-extended (bytes, words or dwords): pmovzx.
  auto zeroExtends = [&](int width) {
    for (int i = 0; i < 16; ++i) {
      const int element = i / (2 * width), byte = i % (2 * width);
      const uint8_t want = byte < width ? static_cast<uint8_t>(element * width + byte) : 0x80;
      if (mask[i] != want) return false;
    }
    return true;
  };
  for (const auto& [width, form] : {std::pair{1, p66(0x30, 2)}, std::pair{2, p66(0x33, 2)},
                                    std::pair{4, p66(0x35, 2)}}) {
    if (zeroExtends(width)) {
      a_.sse(form, d, xmm(src));
      return orConstant();
    }
  }
  bool identity = true, zeroes = false;
  for (int i = 0; i < 16; ++i) {
    identity &= mask[i] == i;
    zeroes |= mask[i] == 0x80;
  }
  if (identity) {
    if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
    return orConstant();
  }
  if (uint8_t imm; !zeroes && pshufdImmediate(mask, &imm)) {  // whole dwords
    a_.sseImm(kPshufd, 4, d.id, xmm(src).id, imm);
    return orConstant();
  }
  uint64_t mask_lo, mask_hi;
  std::memcpy(&mask_lo, mask, 8);
  std::memcpy(&mask_hi, mask + 8, 8);
  const Label constant = poolConstant(mask_lo, mask_hi);
  if (features_.avx && constant.isValid()) {
    a_.vex(kPshufb, d, xmm(src), ripPtr(constant));
  } else {
    if (dst != src) a_.sse(sse::kMovaps, d, xmm(src));
    sseWithConstant(kPshufb, dst, mask_lo, mask_hi);
  }
  orConstant();
}

uint32_t MacroAssembler::simdLaneBytes(Opcode op) {
  switch (op) {
    case Opcode::V128Load8Lane: case Opcode::V128Store8Lane: return 1;
    case Opcode::V128Load16Lane: case Opcode::V128Store16Lane: return 2;
    case Opcode::V128Load32Lane: case Opcode::V128Store32Lane: return 4;
    default: return 8;
  }
}

void MacroAssembler::simdLoadLane(Opcode op, Reg vec, const Address& addr, uint8_t lane) {
  const Mem m = mem(addr);
  switch (op) {
    case Opcode::V128Load8Lane: return a_.sseMemImm(p66(0x20, 3), 4, xmm(vec).id, m, lane);
    case Opcode::V128Load16Lane: return a_.sseMemImm(p66(0xC4), 4, xmm(vec).id, m, lane);
    case Opcode::V128Load32Lane: return a_.sseMemImm(p66(0x22, 3), 4, xmm(vec).id, m, lane);
    case Opcode::V128Load64Lane: return a_.sseMemImm(p66(0x22, 3), 8, xmm(vec).id, m, lane);
    default: return unhandledOp("simdLoadLane", op);
  }
}

void MacroAssembler::simdStoreLane(Opcode op, const Address& addr, Reg vec, uint8_t lane) {
  const Mem m = mem(addr);
  switch (op) {
    case Opcode::V128Store8Lane: return a_.sseMemImm(p66(0x14, 3), 4, xmm(vec).id, m, lane);
    case Opcode::V128Store16Lane: return a_.sseMemImm(p66(0x15, 3), 4, xmm(vec).id, m, lane);
    case Opcode::V128Store32Lane: return a_.sseMemImm(p66(0x16, 3), 4, xmm(vec).id, m, lane);
    case Opcode::V128Store64Lane: return a_.sseMemImm(p66(0x16, 3), 8, xmm(vec).id, m, lane);
    default: return unhandledOp("simdStoreLane", op);
  }
}

void MacroAssembler::simdSplat(Opcode op, Reg dst, Reg src) {
  switch (op) {
    case Opcode::I8x16Splat:
      a_.movdq(xmm(dst), gp32(src));
      a_.sse(kPxor, xmm(kScratchFp), xmm(kScratchFp));
      a_.sse(kPshufb, xmm(dst), xmm(kScratchFp));  // every byte from byte 0
      return;
    case Opcode::I16x8Splat:
      a_.movdq(xmm(dst), gp32(src));
      a_.sseImm(kPshuflw, 4, xmm(dst).id, xmm(dst).id, 0);
      a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(dst).id, 0);
      return;
    case Opcode::I32x4Splat:
      a_.movdq(xmm(dst), gp32(src));
      a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(dst).id, 0);
      return;
    case Opcode::I64x2Splat:
      a_.movdq(xmm(dst), gp64(src));
      a_.sse(kPunpcklqdq, xmm(dst), xmm(dst));
      return;
    case Opcode::F32x4Splat:
      a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(src).id, 0);
      return;
    case Opcode::F64x2Splat:
      a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(src).id, 0x44);
      return;
    default: return unhandledOp("simdSplat", op);
  }
}

void MacroAssembler::simdExtractLane(Opcode op, Reg dst, Reg src, uint8_t lane) {
  switch (op) {
    case Opcode::I8x16ExtractLaneS: case Opcode::I8x16ExtractLaneU:
      a_.sseImm(p66(0x14, 3), 4, xmm(src).id, gp32(dst).id, lane);  // pextrb: zero-extended
      if (op == Opcode::I8x16ExtractLaneS) a_.movsx(gp32(dst), gp8(dst));
      return;
    case Opcode::I16x8ExtractLaneS: case Opcode::I16x8ExtractLaneU:
      a_.sseImm(p66(0xC5), 4, gp32(dst).id, xmm(src).id, lane);  // pextrw: zero-extended
      if (op == Opcode::I16x8ExtractLaneS) a_.movsx(gp32(dst), gp16(dst));
      return;
    case Opcode::I32x4ExtractLane:
      if (lane == 0) return a_.movdq(gp32(dst), xmm(src));
      return a_.sseImm(p66(0x16, 3), 4, xmm(src).id, gp32(dst).id, lane);  // pextrd
    case Opcode::I64x2ExtractLane:
      if (lane == 0) return a_.movdq(gp64(dst), xmm(src));
      return a_.sseImm(p66(0x16, 3), 8, xmm(src).id, gp64(dst).id, lane);  // pextrq
    case Opcode::F32x4ExtractLane:
      // The lane to the bottom; the others are never read as an f32.
      if (lane == 0) return move(dst, src, ValType::F32);
      return a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(src).id, lane);
    case Opcode::F64x2ExtractLane:
      if (lane == 0) return move(dst, src, ValType::F64);
      return a_.sseImm(kPshufd, 4, xmm(dst).id, xmm(src).id, 0xEE);
    default: return unhandledOp("simdExtractLane", op);
  }
}

void MacroAssembler::simdReplaceLane(Opcode op, Reg vec, Reg scalar, uint8_t lane) {
  switch (op) {
    case Opcode::I8x16ReplaceLane:
      return a_.sseImm(p66(0x20, 3), 4, xmm(vec).id, gp32(scalar).id, lane);  // pinsrb
    case Opcode::I16x8ReplaceLane:
      return a_.sseImm(p66(0xC4), 4, xmm(vec).id, gp32(scalar).id, lane);  // pinsrw
    case Opcode::I32x4ReplaceLane:
      return a_.sseImm(p66(0x22, 3), 4, xmm(vec).id, gp32(scalar).id, lane);  // pinsrd
    case Opcode::I64x2ReplaceLane:
      return a_.sseImm(p66(0x22, 3), 8, xmm(vec).id, gp64(scalar).id, lane);  // pinsrq
    case Opcode::F32x4ReplaceLane:  // insertps: source lane 0 to lane `lane`
      return a_.sseImm(kInsertps, 4, xmm(vec).id, xmm(scalar).id, static_cast<uint8_t>(lane << 4));
    case Opcode::F64x2ReplaceLane:
      if (lane == 0) return a_.sse(kMovsdMerge, xmm(vec), xmm(scalar));  // the low half only
      return a_.sse(kPunpcklqdq, xmm(vec), xmm(scalar));
    default: return unhandledOp("simdReplaceLane", op);
  }
}

}  // namespace wisp::isa::x64
