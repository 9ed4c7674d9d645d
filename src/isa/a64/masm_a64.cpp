#include "isa/a64/masm_a64.h"

#include "isa/int_opcodes.h"

#include <cassert>
#include <cstring>

namespace wisp::isa::a64 {

using wasm::Opcode;
using wasm::ValType;
using LS = Assembler::LoadStore;

namespace {

constexpr uint8_t kIp1 = kScratch2Hw;

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

bool is64Type(ValType type) { return type != ValType::I32 && type != ValType::F32; }

// The load or store of a value of `type` in a register of its class.
LS loadOf(Reg reg, ValType type) {
  if (reg.isGp()) return is64Type(type) ? LS::LdrX : LS::LdrW;
  if (type == ValType::V128) return LS::LdrQ;
  return type == ValType::F32 ? LS::LdrS : LS::LdrD;
}
LS storeOf(Reg reg, ValType type) {
  if (reg.isGp()) return is64Type(type) ? LS::StrX : LS::StrW;
  if (type == ValType::V128) return LS::StrQ;
  return type == ValType::F32 ? LS::StrS : LS::StrD;
}

}  // namespace

void MacroAssembler::unhandledOp(const char* method, Opcode op) {
  if (!unhandled_.empty()) return;
  unhandled_ = std::string("AArch64 MacroAssembler::") + method + " cannot emit " +
               wasm::opcodeName(op);
  assert(false && "an operation the AArch64 MacroAssembler does not implement");
}

void MacroAssembler::unhandledSimd(const char* method, Opcode op) {
  if (!unhandled_.empty()) return;
  unhandled_ = std::string(wasm::opcodeName(op)) + " (SIMD is not yet on AArch64; " + method + ")";
}

bool MacroAssembler::finish() { return a_.resolveLabels(); }

// ---- constants and addresses --------------------------------------------------------------

void MacroAssembler::moveImmHw(uint8_t rd, bool is64, uint64_t value) {
  if (!is64) value &= 0xFFFFFFFFu;
  const int chunks = is64 ? 4 : 2;
  // movn when most chunks are 0xFFFF, movz otherwise; then movk for each chunk left.
  int zeros = 0, ones = 0;
  for (int i = 0; i < chunks; ++i) {
    const uint16_t c = static_cast<uint16_t>(value >> (16 * i));
    zeros += c == 0;
    ones += c == 0xFFFF;
  }
  if (zeros < chunks && ones < chunks) {
    const int32_t logical = encodeLogicalImmediate(value, is64);
    if (logical >= 0 && chunks - std::max(zeros, ones) > 1) {
      a_.logicImm(Assembler::LogicImm::Orr, is64, rd, kZr, static_cast<uint32_t>(logical));
      return;
    }
  }
  const bool inverted = ones > zeros;
  const uint16_t skip = inverted ? 0xFFFF : 0;
  bool first = true;
  for (int i = 0; i < chunks; ++i) {
    const uint16_t c = static_cast<uint16_t>(value >> (16 * i));
    if (c == skip) continue;
    if (first) {
      a_.movWide(inverted ? Assembler::Mov::N : Assembler::Mov::Z, is64, rd,
                 inverted ? static_cast<uint16_t>(~c) : c, static_cast<uint8_t>(i));
      first = false;
    } else {
      a_.movWide(Assembler::Mov::K, is64, rd, c, static_cast<uint8_t>(i));
    }
  }
  if (first) a_.movWide(inverted ? Assembler::Mov::N : Assembler::Mov::Z, is64, rd, 0, 0);
}

void MacroAssembler::addImm64(uint8_t rd, uint8_t rn, int64_t imm) {
  const bool sub = imm < 0;
  const uint64_t magnitude = sub ? uint64_t(0) - static_cast<uint64_t>(imm) : static_cast<uint64_t>(imm);
  const auto op = sub ? Assembler::AddSub::Sub : Assembler::AddSub::Add;
  if (magnitude < 4096) {
    if (magnitude != 0 || rd != rn) a_.addSubImm(op, true, rd, rn, static_cast<uint32_t>(magnitude));
    return;
  }
  if (magnitude < (uint64_t{1} << 24)) {
    a_.addSubImm(op, true, rd, rn, static_cast<uint32_t>(magnitude >> 12), true);
    if (magnitude & 0xFFF) a_.addSubImm(op, true, rd, rd, static_cast<uint32_t>(magnitude & 0xFFF));
    return;
  }
  // rn may be sp, which the shifted-register form cannot read: the extended form can.
  moveImmHw(kIp1, true, static_cast<uint64_t>(imm));
  a_.addSubExtended(false, rd, rn, kIp1);
}

MacroAssembler::Operand MacroAssembler::operand(const Address& addr, uint32_t scale) {
  const uint8_t base = g(addr.base);
  if (addr.index.valid()) {
    const uint8_t index = g(addr.index);
    if (addr.disp == 0 && (addr.shift == 0 || addr.shift == scale))
      return {base, true, index, IndexExtend::Lsl, addr.shift != 0, 0};
    // base + disp into x17, then [x17 + index << shift] when the shift is the access size's.
    addImm64(kIp1, base, addr.disp);
    if (addr.shift == 0 || addr.shift == scale)
      return {kIp1, true, index, IndexExtend::Lsl, addr.shift != 0, 0};
    a_.addSubReg(Assembler::AddSubReg::Add, true, kIp1, kIp1, index, Shift::Lsl, addr.shift);
    return {kIp1, false, 0, IndexExtend::Lsl, false, 0};
  }
  const int32_t disp = addr.disp;
  const int32_t size = 1 << scale;
  if (disp >= -256 && disp <= 255) return {base, false, 0, IndexExtend::Lsl, false, disp};
  if (disp >= 0 && disp % size == 0 && disp / size < 4096) return {base, false, 0, IndexExtend::Lsl, false, disp};
  addImm64(kIp1, base, disp);
  return {kIp1, false, 0, IndexExtend::Lsl, false, 0};
}

void MacroAssembler::access(LS op, uint8_t rt, const Address& addr) {
  const uint32_t scale = Assembler::accessScale(op);
  const Operand o = operand(addr, scale);
  if (o.indexed) return a_.loadStoreIndexed(op, rt, o.base, o.index, o.extend, o.scaled);
  const int32_t size = 1 << scale;
  if (o.disp >= 0 && o.disp % size == 0 && o.disp / size < 4096)
    return a_.loadStoreScaled(op, rt, o.base, static_cast<uint32_t>(o.disp / size));
  a_.loadStoreUnscaled(op, rt, o.base, o.disp);
}

void MacroAssembler::compareImmHw(bool is64, uint8_t rn, int64_t imm) {
  if (imm >= 0 && imm < 4096) return a_.addSubImm(Assembler::AddSub::Subs, is64, kZr, rn, static_cast<uint32_t>(imm));
  if (imm < 0 && imm > -4096) return a_.addSubImm(Assembler::AddSub::Adds, is64, kZr, rn, static_cast<uint32_t>(-imm));
  if (imm >= 0 && imm < (1 << 24) && (imm & 0xFFF) == 0)
    return a_.addSubImm(Assembler::AddSub::Subs, is64, kZr, rn, static_cast<uint32_t>(imm >> 12), true);
  moveImmHw(kIp1, is64, static_cast<uint64_t>(imm));
  a_.addSubReg(Assembler::AddSubReg::Subs, is64, kZr, rn, kIp1);
}

// ---- frame ------------------------------------------------------------------------------

// A frame size (or a fuel amount) below 16 MiB as two add/sub immediates: the low 12 bits in
// the first instruction, the rest (shifted by 12) in the second, which becomes a nop when it
// has nothing to add (the common frame). enterFrame and its kin emit both with zeros.
void MacroAssembler::patchImmediatePair(uint32_t patch_at, uint32_t value) {
  const uint32_t low = a_.wordAt(patch_at), high = a_.wordAt(patch_at + 4);
  a_.patchWord(patch_at, (low & ~(0xFFFu << 10)) | ((value & 0xFFF) << 10));
  a_.patchWord(patch_at + 4, value >> 12 == 0 ? 0xD503201Fu
                                              : (high & ~(0xFFFu << 10)) | ((value >> 12) << 10));
}

uint32_t MacroAssembler::enterFrame() {
  a_.pairX(false, Assembler::PairMode::Pre, kFp, kLr, kSp, -16);
  a_.movSp(kFp, kSp);
  const uint32_t patch_at = offset();
  a_.addSubImm(Assembler::AddSub::Sub, true, kSp, kSp, 0);
  a_.addSubImm(Assembler::AddSub::Sub, true, kSp, kSp, 0, true);
  return patch_at;
}

void MacroAssembler::patchFrameSize(uint32_t patch_at, uint32_t frame_size) {
  if (frame_size >= (1u << 24)) return unhandledOp("patchFrameSize (a frame of 16 MiB or more)", Opcode::Nop);
  patchImmediatePair(patch_at, frame_size);
}

void MacroAssembler::patchToNop(uint32_t from, uint32_t to) {
  if (to <= from || (to - from) % 4 != 0) return unhandledOp("patchToNop (whole instructions)", Opcode::Nop);
  for (uint32_t at = from; at < to; at += 4) a_.patchWord(at, 0xD503201Fu);
}

uint32_t MacroAssembler::resetStackPointerToFrame() {
  const uint32_t patch_at = offset();
  a_.addSubImm(Assembler::AddSub::Sub, true, kSp, kFp, 0);
  a_.addSubImm(Assembler::AddSub::Sub, true, kSp, kSp, 0, true);
  return patch_at;
}

void MacroAssembler::patchStackPointerReset(uint32_t patch_at, uint32_t frame_size) {
  patchFrameSize(patch_at, frame_size);
}

// mov sp, fp frees any frame in one instruction (AArch64 has no stack engine that a move to
// the stack pointer would stall, unlike x86-64's pop after mov rsp, rbp).
void MacroAssembler::freeFrameAndReturn(uint32_t frame_bytes, uint32_t popped_bytes) {
  a_.movSp(kSp, kFp);
  popFrameAndReturn(popped_bytes);
}

uint32_t MacroAssembler::releaseFrameAndReturn(uint32_t popped_bytes) {
  a_.movSp(kSp, kFp);
  popFrameAndReturn(popped_bytes);
  return kNoPatch;
}

void MacroAssembler::popFrameAndReturn(uint32_t popped_bytes) {
  a_.pairX(true, Assembler::PairMode::Post, kFp, kLr, kSp, 16);
  if (popped_bytes != 0) addImm64(kSp, kSp, popped_bytes);
  a_.ret();
}

void MacroAssembler::pushFrameRecord() {
  a_.pairX(false, Assembler::PairMode::Pre, kFp, kLr, kSp, -16);
  a_.movSp(kFp, kSp);
}

// AAPCS64's callee-saved registers: x19-x28 and the low halves of v8-v15. An entry saves them
// all, not only those Wisp's code allocates: an exception caught in wasm resumes past the
// throwing builtin's host frames, whose epilogues never run to restore what they used.
// The stack pointer must stay 16-byte aligned wherever it addresses memory, so they are not
// pushed: the whole area is reserved at once and they are stored from the frame pointer, in
// pairs.
namespace {
constexpr uint8_t kCalleeSavedX[] = {19, 20, 21, 22, 23, 24, 25, 26, 27, 28};
constexpr uint8_t kCalleeSavedD[] = {8, 9, 10, 11, 12, 13, 14, 15};
static_assert(8 * (std::size(kCalleeSavedX) + std::size(kCalleeSavedD)) <= kHostCalleeSavedBytes);

void transferHostCalleeSaved(Assembler& a, bool load) {
  int32_t below_fp = 0;
  for (size_t i = 0; i < std::size(kCalleeSavedX); i += 2) {
    below_fp += 16;
    a.pairX(load, Assembler::PairMode::Offset, kCalleeSavedX[i + 1], kCalleeSavedX[i], kFp, -below_fp);
  }
  for (size_t i = 0; i < std::size(kCalleeSavedD); i += 2) {
    below_fp += 16;
    a.pairD(load, Assembler::PairMode::Offset, kCalleeSavedD[i + 1], kCalleeSavedD[i], kFp, -below_fp);
  }
}
}  // namespace

void MacroAssembler::saveHostCalleeSaved(int32_t then_reserve) {
  adjustStack(kHostCalleeSavedBytes + then_reserve);
  transferHostCalleeSaved(a_, false);
}

void MacroAssembler::restoreHostCalleeSavedAndReturn(int32_t /*sp_below_fp*/) {
  transferHostCalleeSaved(a_, true);
  a_.movSp(kSp, kFp);
  popFrameAndReturn(0);
}

void MacroAssembler::ret() { a_.ret(); }

void MacroAssembler::checkStackLimit(Reg limits_reg, int32_t limit_offset, Label overflow) {
  access(LS::LdrX, kIp1, {limits_reg, Reg(), limit_offset});
  a_.cmpExtended(kSp, kIp1);
  a_.bCond(CondCode::LO, overflow);
}

// ---- interruption -----------------------------------------------------------------------

uint32_t MacroAssembler::addFuelPatchable(Reg fuel) {
  // add fuel, fuel, #hi, lsl 12; adds fuel, fuel, #lo (patched): the flags of the whole sum.
  const uint32_t at = offset();
  a_.addSubImm(Assembler::AddSub::Add, true, g(fuel), g(fuel), 0, true);
  a_.addSubImm(Assembler::AddSub::Adds, true, g(fuel), g(fuel), 0);
  return at;
}

void MacroAssembler::loadFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset) {
  access(LS::LdrX, g(kScratchGp), limits_field);
  access(LS::LdrX, g(fuel), {kScratchGp, Reg(), fuel_offset});
}

void MacroAssembler::storeFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset) {
  access(LS::LdrX, g(kScratchGp), limits_field);
  access(LS::StrX, g(fuel), {kScratchGp, Reg(), fuel_offset});
}

void MacroAssembler::patchFuel(uint32_t patch_at, uint32_t fuel) {
  if (fuel >= (1u << 24)) return unhandledOp("patchFuel (a run of 2^24 instructions or more)", Opcode::Nop);
  const uint32_t high = a_.wordAt(patch_at), low = a_.wordAt(patch_at + 4);
  a_.patchWord(patch_at, fuel >> 12 == 0 ? 0xD503201Fu : (high & ~(0xFFFu << 10)) | ((fuel >> 12) << 10));
  a_.patchWord(patch_at + 4, (low & ~(0xFFFu << 10)) | ((fuel & 0xFFF) << 10));
}

void MacroAssembler::branchIfFuelExhausted(Label target) { a_.bCond(CondCode::GT, target); }

void MacroAssembler::branchIfFlagSet(const Address& limits_field, int32_t flag_offset, Label target) {
  access(LS::LdrX, g(kScratchGp), limits_field);
  access(LS::LdrW, g(kScratchGp), {kScratchGp, Reg(), flag_offset});
  a_.cbnz(false, g(kScratchGp), target);
}

// ---- moves ------------------------------------------------------------------------------

void MacroAssembler::zeroExtendI32(Reg reg) { a_.mov(false, g(reg), g(reg)); }

void MacroAssembler::move(Reg dst, Reg src, ValType type) {
  if (dst == src) return;
  if (dst.isGp() && src.isGp()) {
    if (dst == kStackPointer || src == kStackPointer) return a_.movSp(g(dst), g(src));
    return a_.mov(is64Type(type), g(dst), g(src));
  }
  if (dst.isFp() && src.isFp()) return a_.movVector(v(dst), v(src));
  if (dst.isFp()) return a_.fmovToFp(type != ValType::F32 && type != ValType::I32, v(dst), g(src));
  a_.fmovToGp(type != ValType::F32 && type != ValType::I32, g(dst), v(src));
}

void MacroAssembler::moveImm(Reg dst, ValType type, uint64_t bits) {
  const bool is64 = is64Type(type);
  if (dst.isGp()) return moveImmHw(g(dst), is64, bits);
  if (type == ValType::V128) return unhandledSimd("moveImm", Opcode::V128Const);
  if (bits == 0) return a_.zeroVector(v(dst));
  moveImmHw(g(kScratchGp), is64, bits);
  a_.fmovToFp(is64, v(dst), g(kScratchGp));
}

void MacroAssembler::load(Reg dst, const Address& addr, ValType type) {
  access(loadOf(dst, type), dst.isGp() ? g(dst) : v(dst), addr);
}

void MacroAssembler::store(const Address& addr, Reg src, ValType type) {
  access(storeOf(src, type), src.isGp() ? g(src) : v(src), addr);
}

void MacroAssembler::storeWordAndZero(const Address& addr, Reg src) {
  // stp src, xzr, [addr] when the offset fits the pair's form; two stores otherwise.
  if (!addr.index.valid() && addr.disp % 8 == 0 && addr.disp >= -512 && addr.disp <= 504)
    return a_.pairX(false, Assembler::PairMode::Offset, g(src), kZr, g(addr.base), addr.disp);
  store(addr, src, ValType::I64);
  access(LS::StrX, kZr, {addr.base, addr.index, addr.disp + 8, addr.shift});
}

void MacroAssembler::storeImm(const Address& addr, ValType type, uint64_t bits) {
  const bool is64 = is64Type(type);
  if (type == ValType::V128) return unhandledSimd("storeImm", Opcode::V128Const);
  uint8_t src = kZr;
  if ((is64 ? bits : static_cast<uint32_t>(bits)) != 0) {
    moveImmHw(g(kScratchGp), is64, bits);
    src = g(kScratchGp);
  }
  access(is64 ? LS::StrX : LS::StrW, src, addr);
}

void MacroAssembler::copySlot(const Address& dst, const Address& src, ValType type) {
  if (type == ValType::V128) {
    access(LS::LdrQ, v(kScratchFp), src);
    access(LS::StrQ, v(kScratchFp), dst);
    return;
  }
  const bool is64 = is64Type(type);
  access(is64 ? LS::LdrX : LS::LdrW, g(kScratchGp), src);
  access(is64 ? LS::StrX : LS::StrW, g(kScratchGp), dst);
}

void MacroAssembler::swap(Reg a, Reg b, ValType type) {
  if (a.isGp() && b.isGp()) {
    a_.mov(true, g(kScratchGp), g(a));
    a_.mov(true, g(a), g(b));
    a_.mov(true, g(b), g(kScratchGp));
    return;
  }
  if (!a.isFp() || !b.isFp()) return unhandledOp("swap", Opcode::Nop);
  a_.movVector(v(kScratchFp), v(a));
  a_.movVector(v(a), v(b));
  a_.movVector(v(b), v(kScratchFp));
}

void MacroAssembler::loadPtr(Reg dst, const Address& addr) { access(LS::LdrX, g(dst), addr); }
void MacroAssembler::storePtr(const Address& addr, Reg src) { access(LS::StrX, g(src), addr); }

void MacroAssembler::leaPtr(Reg dst, const Address& addr) {
  if (!addr.index.valid()) return addImm64(g(dst), g(addr.base), addr.disp);
  // dst = base + (index << shift) + disp; dst may be the index.
  a_.addSubReg(Assembler::AddSubReg::Add, true, kIp1, g(addr.base), g(addr.index), Shift::Lsl, addr.shift);
  addImm64(g(dst), kIp1, addr.disp);
}

// The thread's TLS words, at `offset` from tpidr_el0, through x17.
void MacroAssembler::threadWord(Assembler::LoadStore op, uint8_t rt, int32_t offset) {
  a_.mrsThreadPointer(kIp1);
  if (offset >= 0 && offset % 8 == 0 && offset / 8 < 4096)
    return a_.loadStoreScaled(op, rt, kIp1, static_cast<uint32_t>(offset / 8));
  if (offset >= -256 && offset <= 255) return a_.loadStoreUnscaled(op, rt, kIp1, offset);
  addImm64(kIp1, kIp1, offset);
  a_.loadStoreScaled(op, rt, kIp1, 0);
}

void MacroAssembler::loadThreadLocal(Reg dst, int32_t offset) { threadWord(LS::LdrX, g(dst), offset); }
void MacroAssembler::storeThreadLocal(int32_t offset, Reg src) { threadWord(LS::StrX, g(src), offset); }

void MacroAssembler::subThreadLocal(Reg dst, int32_t offset) {
  threadWord(LS::LdrX, kIp1, offset);
  if (dst == kStackPointer) return a_.addSubExtended(true, kSp, kSp, kIp1);
  a_.addSubReg(Assembler::AddSubReg::Sub, true, g(dst), g(dst), kIp1);
}

void MacroAssembler::branchCompareThreadLocal(Cond cond, Reg lhs, int32_t offset, Label target) {
  threadWord(LS::LdrX, kIp1, offset);
  uint8_t n = g(lhs);
  if (lhs == kStackPointer) {
    a_.movSp(g(kScratchGp), kSp);
    n = g(kScratchGp);
  }
  a_.addSubReg(Assembler::AddSubReg::Subs, true, kZr, n, kIp1);
  a_.bCond(condCode(cond), target);
}

void MacroAssembler::leaLabel(Reg dst, Label label) { a_.adr(g(dst), label); }
void MacroAssembler::addPtrImm(Reg dst, int32_t imm) { addImm64(g(dst), g(dst), imm); }

void MacroAssembler::addPtr(Reg dst, Reg src) {
  if (dst == kStackPointer) return a_.addSubExtended(false, kSp, kSp, g(src));
  a_.addSubReg(Assembler::AddSubReg::Add, true, g(dst), g(dst), g(src));
}

void MacroAssembler::addPtrBranchIfCarry(Reg dst, Reg src, Label carry) {
  a_.addSubReg(Assembler::AddSubReg::Adds, true, g(dst), g(dst), g(src));
  a_.bCond(CondCode::HS, carry);
}

void MacroAssembler::zeroSlots(int32_t first_offset, uint32_t bytes, Reg tmp) {
  // stp xzr, xzr covers 16 bytes a store; a last odd word gets str xzr.
  uint32_t at = 0;
  for (; at + 16 <= bytes; at += 16) {
    const int32_t disp = -first_offset + static_cast<int32_t>(at);
    if (disp >= -512 && disp <= 504) a_.pairX(false, Assembler::PairMode::Offset, kZr, kZr, kFp, disp);
    else {
      access(LS::StrX, kZr, {kFramePointer, Reg(), disp});
      access(LS::StrX, kZr, {kFramePointer, Reg(), disp + 8});
    }
  }
  for (; at < bytes; at += 8) access(LS::StrX, kZr, {kFramePointer, Reg(), -first_offset + static_cast<int32_t>(at)});
}

// ---- wasm memory ----------------------------------------------------------------------------

void MacroAssembler::loadMemory(Opcode op, Reg dst, const Address& addr) {
  switch (op) {
    case Opcode::I32Load: case Opcode::I64Load32U: return access(LS::LdrW, g(dst), addr);
    case Opcode::I64Load: return access(LS::LdrX, g(dst), addr);
    case Opcode::F32Load: return access(LS::LdrS, v(dst), addr);
    case Opcode::F64Load: return access(LS::LdrD, v(dst), addr);
    case Opcode::I32Load8S: return access(LS::LdrsbW, g(dst), addr);
    case Opcode::I32Load8U: case Opcode::I64Load8U: return access(LS::Ldrb, g(dst), addr);
    case Opcode::I32Load16S: return access(LS::LdrshW, g(dst), addr);
    case Opcode::I32Load16U: case Opcode::I64Load16U: return access(LS::Ldrh, g(dst), addr);
    case Opcode::I64Load8S: return access(LS::LdrsbX, g(dst), addr);
    case Opcode::I64Load16S: return access(LS::LdrshX, g(dst), addr);
    case Opcode::I64Load32S: return access(LS::Ldrsw, g(dst), addr);
    default: return unhandledSimd("loadMemory", op);
  }
}

void MacroAssembler::storeMemory(Opcode op, const Address& addr, Reg src) {
  switch (op) {
    case Opcode::I32Store: case Opcode::I64Store32: return access(LS::StrW, g(src), addr);
    case Opcode::I64Store: return access(LS::StrX, g(src), addr);
    case Opcode::F32Store: return access(LS::StrS, v(src), addr);
    case Opcode::F64Store: return access(LS::StrD, v(src), addr);
    case Opcode::I32Store8: case Opcode::I64Store8: return access(LS::Strb, g(src), addr);
    case Opcode::I32Store16: case Opcode::I64Store16: return access(LS::Strh, g(src), addr);
    default: return unhandledSimd("storeMemory", op);
  }
}

// ---- integers ---------------------------------------------------------------------------

void MacroAssembler::intBinop(Opcode op, Reg dst, Reg lhs, Reg rhs) {
  const bool is64 = isI64Op(op);
  const uint8_t d = g(dst), n = g(lhs), m = g(rhs);
  switch (narrowIntOp(op)) {
    case Opcode::I32Add: return a_.addSubReg(Assembler::AddSubReg::Add, is64, d, n, m);
    case Opcode::I32Sub: return a_.addSubReg(Assembler::AddSubReg::Sub, is64, d, n, m);
    case Opcode::I32Mul: return a_.madd(is64, d, n, m, kZr);
    case Opcode::I32And: return a_.logicReg(Assembler::Logic::And, is64, d, n, m);
    case Opcode::I32Or: return a_.logicReg(Assembler::Logic::Orr, is64, d, n, m);
    case Opcode::I32Xor: return a_.logicReg(Assembler::Logic::Eor, is64, d, n, m);
    // Shifts by a register take the count modulo the width, as wasm's do.
    case Opcode::I32Shl: return a_.twoSource(Assembler::TwoSource::Lslv, is64, d, n, m);
    case Opcode::I32ShrS: return a_.twoSource(Assembler::TwoSource::Asrv, is64, d, n, m);
    case Opcode::I32ShrU: return a_.twoSource(Assembler::TwoSource::Lsrv, is64, d, n, m);
    case Opcode::I32Rotr: return a_.twoSource(Assembler::TwoSource::Rorv, is64, d, n, m);
    case Opcode::I32Rotl:
      // rotl by n is rotr by -n (modulo the width).
      a_.addSubReg(Assembler::AddSubReg::Sub, false, kIp1, kZr, m);
      return a_.twoSource(Assembler::TwoSource::Rorv, is64, d, n, kIp1);
    default: return unhandledOp("intBinop", op);
  }
}

void MacroAssembler::intBinopImm(Opcode op, Reg dst, Reg lhs, int32_t imm) {
  const bool is64 = isI64Op(op);
  const uint8_t d = g(dst), n = g(lhs);
  const int64_t value = imm;  // sign-extended to 64 bits for i64 operations
  const uint8_t width = is64 ? 64 : 32;
  const uint8_t shift = static_cast<uint8_t>(imm & (width - 1));
  switch (narrowIntOp(op)) {
    case Opcode::I32Add: case Opcode::I32Sub: {
      const int64_t add = narrowIntOp(op) == Opcode::I32Add ? value : -value;
      const uint64_t magnitude = add < 0 ? uint64_t(0) - static_cast<uint64_t>(add) : static_cast<uint64_t>(add);
      const auto form = add < 0 ? Assembler::AddSub::Sub : Assembler::AddSub::Add;
      if (magnitude < 4096) return a_.addSubImm(form, is64, d, n, static_cast<uint32_t>(magnitude));
      if (magnitude < (1u << 24) && (magnitude & 0xFFF) == 0)
        return a_.addSubImm(form, is64, d, n, static_cast<uint32_t>(magnitude >> 12), true);
      moveImmHw(kIp1, is64, static_cast<uint64_t>(value));
      return a_.addSubReg(narrowIntOp(op) == Opcode::I32Add ? Assembler::AddSubReg::Add : Assembler::AddSubReg::Sub,
                          is64, d, n, kIp1);
    }
    case Opcode::I32And: case Opcode::I32Or: case Opcode::I32Xor: {
      const Opcode narrow = narrowIntOp(op);
      const int32_t encoding = encodeLogicalImmediate(static_cast<uint64_t>(value), is64);
      if (encoding >= 0) {
        const auto form = narrow == Opcode::I32And ? Assembler::LogicImm::And
                          : narrow == Opcode::I32Or ? Assembler::LogicImm::Orr
                                                    : Assembler::LogicImm::Eor;
        return a_.logicImm(form, is64, d, n, static_cast<uint32_t>(encoding));
      }
      moveImmHw(kIp1, is64, static_cast<uint64_t>(value));
      const auto form = narrow == Opcode::I32And ? Assembler::Logic::And
                        : narrow == Opcode::I32Or ? Assembler::Logic::Orr
                                                  : Assembler::Logic::Eor;
      return a_.logicReg(form, is64, d, n, kIp1);
    }
    case Opcode::I32Mul:
      moveImmHw(kIp1, is64, static_cast<uint64_t>(value));
      return a_.madd(is64, d, n, kIp1, kZr);
    case Opcode::I32Shl: return a_.lslImm(is64, d, n, shift);
    case Opcode::I32ShrS: return a_.asrImm(is64, d, n, shift);
    case Opcode::I32ShrU: return a_.lsrImm(is64, d, n, shift);
    case Opcode::I32Rotr: return a_.extr(is64, d, n, n, shift);
    case Opcode::I32Rotl: return a_.extr(is64, d, n, n, static_cast<uint8_t>((width - shift) % width));
    default: return unhandledOp("intBinopImm", op);
  }
}

void MacroAssembler::intUnop(Opcode op, Reg dst, Reg src, Reg gp_tmp) {
  const uint8_t d = g(dst), n = g(src);
  switch (op) {
    case Opcode::I32Clz: return a_.oneSource(Assembler::OneSource::Clz, false, d, n);
    case Opcode::I64Clz: return a_.oneSource(Assembler::OneSource::Clz, true, d, n);
    case Opcode::I32Ctz: case Opcode::I64Ctz: {
      const bool is64 = op == Opcode::I64Ctz;
      a_.oneSource(Assembler::OneSource::Rbit, is64, d, n);
      return a_.oneSource(Assembler::OneSource::Clz, is64, d, d);
    }
    case Opcode::I32Popcnt: case Opcode::I64Popcnt: {
      const bool is64 = op == Opcode::I64Popcnt;
      a_.fmovToFp(is64, v(kScratchFp), n);  // fmov s31, w / d31, x: the rest of v31 cleared
      a_.cnt8b(v(kScratchFp), v(kScratchFp));
      a_.addv8b(v(kScratchFp), v(kScratchFp));
      return a_.fmovToGp(false, d, v(kScratchFp));
    }
    case Opcode::I32Eqz: case Opcode::I64Eqz:
      compareImmHw(op == Opcode::I64Eqz, n, 0);
      return a_.cset(false, d, CondCode::EQ);
    case Opcode::I32Extend8S: return a_.bitfield(Assembler::Bitfield::Sbfm, false, d, n, 0, 7);
    case Opcode::I32Extend16S: return a_.bitfield(Assembler::Bitfield::Sbfm, false, d, n, 0, 15);
    case Opcode::I64Extend8S: return a_.bitfield(Assembler::Bitfield::Sbfm, true, d, n, 0, 7);
    case Opcode::I64Extend16S: return a_.bitfield(Assembler::Bitfield::Sbfm, true, d, n, 0, 15);
    case Opcode::I64Extend32S: case Opcode::I64ExtendI32S:
      return a_.bitfield(Assembler::Bitfield::Sbfm, true, d, n, 0, 31);
    case Opcode::I64ExtendI32U: case Opcode::I32WrapI64: return a_.mov(false, d, n);
    default: return unhandledOp("intUnop", op);
  }
}

void MacroAssembler::compare(Opcode op, Reg dst, Reg lhs, Reg rhs) {
  setCond(compareToFlags(op, lhs, rhs), dst);
}

void MacroAssembler::compareImm(Opcode op, Reg dst, Reg lhs, int32_t imm) {
  setCond(compareToFlagsImm(op, lhs, imm), dst);
}

Cond MacroAssembler::compareToFlags(Opcode op, Reg lhs, Reg rhs) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  a_.addSubReg(Assembler::AddSubReg::Subs, is64, kZr, g(lhs), g(rhs));
  return cond;
}

Cond MacroAssembler::compareToFlagsImm(Opcode op, Reg lhs, int32_t imm) {
  bool is64;
  const Cond cond = comparisonCond(op, &is64);
  compareImmHw(is64, g(lhs), is64 ? int64_t{imm} : int64_t{static_cast<uint32_t>(imm)});
  return cond;
}

Cond MacroAssembler::eqzToFlags(Opcode op, Reg value) {
  compareImmHw(op == Opcode::I64Eqz, g(value), 0);
  return Cond::Eq;
}

void MacroAssembler::setCond(Cond cond, Reg dst) { a_.cset(false, g(dst), condCode(cond)); }
void MacroAssembler::branchOnCond(Cond cond, Label target) { a_.bCond(condCode(cond), target); }

void MacroAssembler::divRem(Opcode op, Reg dst, Reg lhs, Reg rhs, Label div_by_zero,
                            Label overflow, bool rhs_may_be_minus_one) {
  const bool is64 = isI64Op(op);
  const Opcode narrow = narrowIntOp(op);
  const bool is_signed = narrow == Opcode::I32DivS || narrow == Opcode::I32RemS;
  const bool is_div = narrow == Opcode::I32DivS || narrow == Opcode::I32DivU;
  const uint8_t d = g(dst), n = g(lhs), m = g(rhs);
  if (div_by_zero.isValid()) a_.cbz(is64, m, div_by_zero);
  if (is_div && is_signed && overflow.isValid()) {
    // INT_MIN / -1 overflows: cmn rhs, #1 finds -1, then lhs is compared with INT_MIN.
    Label fine = a_.newLabel();
    a_.addSubImm(Assembler::AddSub::Adds, is64, kZr, m, 1);
    a_.bCond(CondCode::NE, fine);
    moveImmHw(kIp1, is64, is64 ? uint64_t{1} << 63 : uint64_t{1} << 31);
    a_.addSubReg(Assembler::AddSubReg::Subs, is64, kZr, n, kIp1);
    a_.bCond(CondCode::EQ, overflow);
    a_.bind(fine);
  }
  const auto div = is_signed ? Assembler::TwoSource::Sdiv : Assembler::TwoSource::Udiv;
  if (is_div) return a_.twoSource(div, is64, d, n, m);
  // rem = lhs - (lhs / rhs) * rhs; INT_MIN % -1 is 0 this way, as wasm wants (sdiv gives
  // INT_MIN without trapping).
  a_.twoSource(div, is64, kIp1, n, m);
  a_.msub(is64, d, kIp1, m, n);
  (void)rhs_may_be_minus_one;
}

// ---- floats -----------------------------------------------------------------------------

void MacroAssembler::floatMinMax(Opcode op, Reg dst, Reg lhs, Reg rhs) {
  // fmin/fmax are wasm's: NaN in, NaN out, and -0 below +0.
  const bool is64 = op == Opcode::F64Min || op == Opcode::F64Max;
  const bool is_min = op == Opcode::F32Min || op == Opcode::F64Min;
  a_.fp2(is_min ? Assembler::FpOp2::Fmin : Assembler::FpOp2::Fmax, is64, v(dst), v(lhs), v(rhs));
}

void MacroAssembler::floatBinop(Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp) {
  const bool is64 = op >= Opcode::F64Abs && op <= Opcode::F64Copysign;
  const uint8_t d = v(dst), n = v(lhs), m = v(rhs);
  switch (op) {
    case Opcode::F32Add: case Opcode::F64Add: return a_.fp2(Assembler::FpOp2::Fadd, is64, d, n, m);
    case Opcode::F32Sub: case Opcode::F64Sub: return a_.fp2(Assembler::FpOp2::Fsub, is64, d, n, m);
    case Opcode::F32Mul: case Opcode::F64Mul: return a_.fp2(Assembler::FpOp2::Fmul, is64, d, n, m);
    case Opcode::F32Div: case Opcode::F64Div: return a_.fp2(Assembler::FpOp2::Fdiv, is64, d, n, m);
    case Opcode::F32Min: case Opcode::F64Min: case Opcode::F32Max: case Opcode::F64Max:
      return floatMinMax(op, dst, lhs, rhs);
    case Opcode::F32Copysign: case Opcode::F64Copysign: {
      // The sign bit of rhs inserted into lhs's bits: bfi x17, x16, #top, #1.
      const uint8_t width = is64 ? 64 : 32, top = width - 1;
      a_.fmovToGp(is64, kIp1, n);
      a_.fmovToGp(is64, g(kScratchGp), m);
      a_.lsrImm(is64, g(kScratchGp), g(kScratchGp), top);
      a_.bitfield(Assembler::Bitfield::Bfm, is64, kIp1, g(kScratchGp), static_cast<uint8_t>(width - top), 0);
      return a_.fmovToFp(is64, d, kIp1);
    }
    default: return unhandledOp("floatBinop", op);
  }
}

void MacroAssembler::floatUnop(Opcode op, Reg dst, Reg src) {
  const bool is64 = op >= Opcode::F64Abs && op <= Opcode::F64Copysign;
  const uint8_t d = v(dst), n = v(src);
  switch (op) {
    case Opcode::F32Abs: case Opcode::F64Abs: return a_.fp1(Assembler::FpOp1::Fabs, is64, d, n);
    case Opcode::F32Neg: case Opcode::F64Neg: return a_.fp1(Assembler::FpOp1::Fneg, is64, d, n);
    case Opcode::F32Sqrt: case Opcode::F64Sqrt: return a_.fp1(Assembler::FpOp1::Fsqrt, is64, d, n);
    case Opcode::F32Ceil: case Opcode::F64Ceil: return a_.fp1(Assembler::FpOp1::Frintp, is64, d, n);
    case Opcode::F32Floor: case Opcode::F64Floor: return a_.fp1(Assembler::FpOp1::Frintm, is64, d, n);
    case Opcode::F32Trunc: case Opcode::F64Trunc: return a_.fp1(Assembler::FpOp1::Frintz, is64, d, n);
    case Opcode::F32Nearest: case Opcode::F64Nearest: return a_.fp1(Assembler::FpOp1::Frintn, is64, d, n);
    default: return unhandledOp("floatUnop", op);
  }
}

bool MacroAssembler::floatUnopNeedsCall(Opcode op) const { return false; }

bool MacroAssembler::floatCompareHasCond(Opcode op) { return true; }

Cond MacroAssembler::floatCompareToFlags(Opcode op, Reg lhs, Reg rhs) {
  const bool is64 = op >= Opcode::F64Eq && op <= Opcode::F64Ge;
  a_.fcmp(is64, v(lhs), v(rhs));
  switch (op) {
    case Opcode::F32Eq: case Opcode::F64Eq: return Cond::Eq;
    case Opcode::F32Ne: case Opcode::F64Ne: return Cond::Ne;        // true for unordered
    case Opcode::F32Lt: case Opcode::F64Lt: return Cond::FloatLt;   // mi
    case Opcode::F32Gt: case Opcode::F64Gt: return Cond::GtS;       // gt: false for unordered
    case Opcode::F32Le: case Opcode::F64Le: return Cond::LeU;       // ls
    default: return Cond::GeS;                                      // ge: false for unordered
  }
}

void MacroAssembler::floatCompare(Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp) {
  setCond(floatCompareToFlags(op, lhs, rhs), dst);
}

// ---- conversions --------------------------------------------------------------------------

void MacroAssembler::truncToInt(Opcode op, Reg dst, Reg src, Label invalid, Label overflow) {
  // fcvtz* saturates; wasm traps instead. NaN is invalid; otherwise the value must lie in the
  // open interval (min - 1, max + 1), checked against the bounds as floats.
  const bool from64 = op == Opcode::I32TruncF64S || op == Opcode::I32TruncF64U ||
                      op == Opcode::I64TruncF64S || op == Opcode::I64TruncF64U;
  const bool to64 = op == Opcode::I64TruncF32S || op == Opcode::I64TruncF32U ||
                    op == Opcode::I64TruncF64S || op == Opcode::I64TruncF64U;
  const bool is_unsigned = op == Opcode::I32TruncF32U || op == Opcode::I32TruncF64U ||
                           op == Opcode::I64TruncF32U || op == Opcode::I64TruncF64U;
  const uint8_t n = v(src), t = v(kScratchFp);
  a_.fcmp(from64, n, n);
  a_.bCond(CondCode::VS, invalid);
  // Lower bound (exclusive): -1 for unsigned, min - 1 for signed (min exactly where min - 1
  // is not representable: then the comparison is >= min).
  auto bits = [&](double value) -> uint64_t {
    if (from64) {
      uint64_t b;
      std::memcpy(&b, &value, 8);
      return b;
    }
    const float f = static_cast<float>(value);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  };
  double low, high;  // fail when value <= low (or < low when low_inclusive) or value >= high
  bool low_inclusive = false;
  if (is_unsigned) {
    low = -1.0;
    high = to64 ? 18446744073709551616.0 : 4294967296.0;
  } else if (to64) {
    low = -9223372036854775808.0;  // min - 1 is not representable: value < min fails
    low_inclusive = true;
    high = 9223372036854775808.0;
  } else if (from64) {
    low = -2147483649.0;
    high = 2147483648.0;
  } else {
    low = -2147483648.0;
    low_inclusive = true;
    high = 2147483648.0;
  }
  moveImmHw(g(kScratchGp), from64, bits(low));
  a_.fmovToFp(from64, t, g(kScratchGp));
  a_.fcmp(from64, n, t);
  a_.bCond(low_inclusive ? CondCode::MI : CondCode::LS, overflow);
  moveImmHw(g(kScratchGp), from64, bits(high));
  a_.fmovToFp(from64, t, g(kScratchGp));
  a_.fcmp(from64, n, t);
  a_.bCond(CondCode::GE, overflow);
  a_.floatToInt(is_unsigned, to64, from64, g(dst), n);
}

void MacroAssembler::convert(Opcode op, Reg dst, Reg src, Reg gp_tmp, Label invalid,
                             Label overflow) {
  switch (op) {
    case Opcode::I32WrapI64: case Opcode::I64ExtendI32U: return a_.mov(false, g(dst), g(src));
    case Opcode::I64ExtendI32S: return a_.bitfield(Assembler::Bitfield::Sbfm, true, g(dst), g(src), 0, 31);
    case Opcode::I32TruncF32S: case Opcode::I32TruncF32U: case Opcode::I32TruncF64S:
    case Opcode::I32TruncF64U: case Opcode::I64TruncF32S: case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64S: case Opcode::I64TruncF64U:
      return truncToInt(op, dst, src, invalid, overflow);
    // The saturating conversions are fcvtz* exactly (NaN gives 0).
    case Opcode::I32TruncSatF32S: return a_.floatToInt(false, false, false, g(dst), v(src));
    case Opcode::I32TruncSatF32U: return a_.floatToInt(true, false, false, g(dst), v(src));
    case Opcode::I32TruncSatF64S: return a_.floatToInt(false, false, true, g(dst), v(src));
    case Opcode::I32TruncSatF64U: return a_.floatToInt(true, false, true, g(dst), v(src));
    case Opcode::I64TruncSatF32S: return a_.floatToInt(false, true, false, g(dst), v(src));
    case Opcode::I64TruncSatF32U: return a_.floatToInt(true, true, false, g(dst), v(src));
    case Opcode::I64TruncSatF64S: return a_.floatToInt(false, true, true, g(dst), v(src));
    case Opcode::I64TruncSatF64U: return a_.floatToInt(true, true, true, g(dst), v(src));
    case Opcode::F32ConvertI32S: return a_.intToFloat(false, false, false, v(dst), g(src));
    case Opcode::F32ConvertI32U: return a_.intToFloat(true, false, false, v(dst), g(src));
    case Opcode::F32ConvertI64S: return a_.intToFloat(false, true, false, v(dst), g(src));
    case Opcode::F32ConvertI64U: return a_.intToFloat(true, true, false, v(dst), g(src));
    case Opcode::F64ConvertI32S: return a_.intToFloat(false, false, true, v(dst), g(src));
    case Opcode::F64ConvertI32U: return a_.intToFloat(true, false, true, v(dst), g(src));
    case Opcode::F64ConvertI64S: return a_.intToFloat(false, true, true, v(dst), g(src));
    case Opcode::F64ConvertI64U: return a_.intToFloat(true, true, true, v(dst), g(src));
    case Opcode::F32DemoteF64: return a_.fcvtDoubleToSingle(v(dst), v(src));
    case Opcode::F64PromoteF32: return a_.fcvtSingleToDouble(v(dst), v(src));
    case Opcode::I32ReinterpretF32: return a_.fmovToGp(false, g(dst), v(src));
    case Opcode::I64ReinterpretF64: return a_.fmovToGp(true, g(dst), v(src));
    case Opcode::F32ReinterpretI32: return a_.fmovToFp(false, v(dst), g(src));
    case Opcode::F64ReinterpretI64: return a_.fmovToFp(true, v(dst), g(src));
    default: return unhandledOp("convert", op);
  }
}

// ---- selection and control ------------------------------------------------------------------

void MacroAssembler::select(ValType type, Reg dst, Reg cond, Reg if_true, Reg if_false) {
  compareImmHw(false, g(cond), 0);
  if (dst.isGp())
    return a_.condSelect(Assembler::CondSelect::Csel, is64Type(type), g(dst), g(if_true), g(if_false), CondCode::NE);
  if (type == ValType::V128) return unhandledSimd("select", Opcode::Select);
  a_.fcsel(type == ValType::F64, v(dst), v(if_true), v(if_false), CondCode::NE);
}

void MacroAssembler::branchIfZero(Reg value, ValType type, Label target) {
  a_.cbz(is64Type(type), g(value), target);
}

void MacroAssembler::branchIfNonZero(Reg value, ValType type, Label target) {
  a_.cbnz(is64Type(type), g(value), target);
}

void MacroAssembler::branchCompareImm(Cond cond, Reg lhs, ValType type, int32_t imm, Label target) {
  const bool is64 = is64Type(type);
  compareImmHw(is64, g(lhs), is64 ? int64_t{imm} : int64_t{static_cast<uint32_t>(imm)});
  a_.bCond(condCode(cond), target);
}

void MacroAssembler::branchCompare(Cond cond, Reg lhs, Reg rhs, ValType type, Label target) {
  const uint8_t n = lhs == kStackPointer ? g(kScratchGp) : g(lhs);
  if (lhs == kStackPointer) a_.movSp(n, kSp);
  a_.addSubReg(Assembler::AddSubReg::Subs, is64Type(type), kZr, n, g(rhs));
  a_.bCond(condCode(cond), target);
}

// The memory word goes to x17, not the scratch register: `lhs` may be the scratch register (the
// compiler's bounds checks compute the access's end in it and compare it with the length).
void MacroAssembler::branchCompareMem32(Cond cond, Reg lhs, const Address& rhs, Label target) {
  access(LS::LdrW, kIp1, rhs);
  a_.addSubReg(Assembler::AddSubReg::Subs, false, kZr, g(lhs), kIp1);
  a_.bCond(condCode(cond), target);
}

void MacroAssembler::branchCompareMem64(Cond cond, Reg lhs, const Address& rhs, Label target) {
  access(LS::LdrX, kIp1, rhs);
  a_.addSubReg(Assembler::AddSubReg::Subs, true, kZr, g(lhs), kIp1);
  a_.bCond(condCode(cond), target);
}

void MacroAssembler::branchCompareMemImm32(Cond cond, const Address& lhs, int32_t imm, Label target) {
  access(LS::LdrW, g(kScratchGp), lhs);
  compareImmHw(false, g(kScratchGp), static_cast<uint32_t>(imm));
  a_.bCond(condCode(cond), target);
}

uint32_t MacroAssembler::branchCompareMemPatchableImm32(Cond cond, const Address& lhs, int32_t imm,
                                                        Label target) {
  // The immediate as a literal word in the code: ldr w17, 8; b 8; .word imm (after the
  // load, whose address may need x17).
  access(LS::LdrW, g(kScratchGp), lhs);
  a_.emit(0x18000040u | kIp1);  // ldr w17, #8
  a_.emit(0x14000002u);         // b #8
  const uint32_t at = offset();
  a_.emit(static_cast<uint32_t>(imm));
  a_.addSubReg(Assembler::AddSubReg::Subs, false, kZr, g(kScratchGp), kIp1);
  a_.bCond(condCode(cond), target);
  return at;
}

void MacroAssembler::jumpTable(Reg index, const std::vector<Label>& targets) {
  // A table of branches: adr x17, table; add x17, x17, index, lsl 2; br x17.
  Label table = a_.newLabel();
  a_.adr(kIp1, table);
  a_.addSubReg(Assembler::AddSubReg::Add, true, kIp1, kIp1, g(index), Shift::Lsl, 2);
  a_.br(kIp1);
  a_.bind(table);
  for (const Label& target : targets) a_.b(target);
}

uint32_t MacroAssembler::trapInstruction() {
  const uint32_t at = offset();
  a_.udf(0);
  return at;
}

// ---- calls ------------------------------------------------------------------------------

uint32_t MacroAssembler::callRelative() { return a_.bUnlinked(true); }
void MacroAssembler::callRegister(Reg target) { a_.blr(g(target)); }
void MacroAssembler::jumpRegister(Reg target) { a_.br(g(target)); }

uint32_t MacroAssembler::callAbsolute(const void* function) {
  // ldr x16, 8; b 12; .quad function; blr x16: the address inline, for a relocation.
  a_.emit(0x58000040u | g(kScratchGp));
  a_.emit(0x14000003u);
  const uint32_t at = offset();
  a_.dq(reinterpret_cast<uint64_t>(function));
  a_.blr(g(kScratchGp));
  return at;
}

void MacroAssembler::adjustStack(int32_t bytes) { addImm64(kSp, kSp, -int64_t{bytes}); }

// ---- tail calls -------------------------------------------------------------------------------

uint32_t MacroAssembler::jumpRelative() { return a_.bUnlinked(false); }

void MacroAssembler::replaceFrameForTailCall(uint32_t incoming_area, uint32_t outgoing_area,
                                             std::span<const Reg, 2> temps) {
  // As on x86-64, the callee's area ends where ours does (at fp + 16 + incoming_area); the
  // return address goes back to the link register and the caller's frame pointer to fp.
  const int32_t shift = static_cast<int32_t>(incoming_area) - static_cast<int32_t>(outgoing_area);
  const uint8_t caller_fp = g(temps[1]);
  a_.pairX(true, Assembler::PairMode::Offset, caller_fp, kLr, kFp, 0);
  for (int32_t at = static_cast<int32_t>(outgoing_area) - 8; at >= 0; at -= 8) {
    access(LS::LdrX, g(kScratchGp), {kStackPointer, Reg(), at});
    access(LS::StrX, g(kScratchGp), {kFramePointer, Reg(), 16 + shift + at});
  }
  addImm64(kSp, kFp, 16 + shift);
  a_.mov(true, kFp, caller_fp);
}

// ---- SIMD: not yet on AArch64 -----------------------------------------------------------------

MacroAssembler::SimdNeeds MacroAssembler::simdNeeds(Opcode) { return {}; }
bool MacroAssembler::simdBinopSupported(Opcode) { return false; }
uint32_t MacroAssembler::simdBinopEncoding(Opcode, bool* swapped) {
  *swapped = false;
  return 0;
}
uint32_t MacroAssembler::simdUnopEncoding(Opcode) { return 0; }
void MacroAssembler::simdBinop(Opcode op, Reg, Reg, Reg, Reg) { unhandledSimd("simdBinop", op); }
bool MacroAssembler::simdBinopTakesConstant(Opcode, bool* commutative) {
  *commutative = false;
  return false;
}
void MacroAssembler::simdBinopConstant(Opcode op, Reg, Reg, uint64_t, uint64_t) {
  unhandledSimd("simdBinopConstant", op);
}
bool MacroAssembler::simdUnopSupported(Opcode) { return false; }
void MacroAssembler::simdUnop(Opcode op, Reg, Reg, Reg) { unhandledSimd("simdUnop", op); }
bool MacroAssembler::simdShiftSupported(Opcode) { return false; }
void MacroAssembler::simdShift(Opcode op, Reg, Reg, Reg, Reg) { unhandledSimd("simdShift", op); }
void MacroAssembler::simdShiftImm(Opcode op, Reg, Reg, uint32_t, Reg) { unhandledSimd("simdShiftImm", op); }
void MacroAssembler::simdBitselect(Reg, Reg, Reg, Reg) { unhandledSimd("simdBitselect", Opcode::V128Bitselect); }
void MacroAssembler::simdTernary(Opcode op, Reg, Reg, Reg, Reg) { unhandledSimd("simdTernary", op); }
bool MacroAssembler::simdToIntSupported(Opcode) { return false; }
void MacroAssembler::simdToInt(Opcode op, Reg, Reg) { unhandledSimd("simdToInt", op); }
void MacroAssembler::v128Const(Reg, uint64_t, uint64_t) { unhandledSimd("v128Const", Opcode::V128Const); }
void MacroAssembler::simdShuffle(Reg, Reg, Reg, const uint8_t*, Reg) {
  unhandledSimd("simdShuffle", Opcode::I8x16Shuffle);
}
void MacroAssembler::simdShuffleOne(Reg, Reg, const uint8_t*, uint64_t, uint64_t) {
  unhandledSimd("simdShuffleOne", Opcode::I8x16Shuffle);
}
uint32_t MacroAssembler::simdLaneBytes(Opcode) { return 0; }
void MacroAssembler::simdLoadLane(Opcode op, Reg, const Address&, uint8_t) { unhandledSimd("simdLoadLane", op); }
void MacroAssembler::simdStoreLane(Opcode op, const Address&, Reg, uint8_t) { unhandledSimd("simdStoreLane", op); }
void MacroAssembler::simdSplat(Opcode op, Reg, Reg) { unhandledSimd("simdSplat", op); }
void MacroAssembler::simdExtractLane(Opcode op, Reg, Reg, uint8_t) { unhandledSimd("simdExtractLane", op); }
void MacroAssembler::simdReplaceLane(Opcode op, Reg, Reg, uint8_t) { unhandledSimd("simdReplaceLane", op); }

}  // namespace wisp::isa::a64
