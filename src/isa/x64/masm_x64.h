// The x86-64 MacroAssembler: wasm-level operations (an i32 add, a trapping float-to-int
// conversion, a load of memory) over Wisp's x86-64 encoder (assembler_x64.h). The compiler talks only to this
// interface, in ISA-independent terms (Reg, Address, Label, wasm opcodes); another ISA provides
// a class with the same methods (isa/masm.h picks one at compile time: no virtual calls).
//
// Conventions: i32 values in general registers are always zero-extended to 64 bits (every
// 32-bit operation writes the full register), so a register holding an i32 can index memory.
// The scratch registers (r11, xmm15) belong to the MacroAssembler: callers never hold values
// in them across a call to it.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "isa/cpu_features.h"
#include "isa/code_buffer.h"
#include "isa/x64/assembler_x64.h"
#include "isa/x64/registers_x64.h"
#include "wasm/opcodes.h"
#include "wasm/types.h"

namespace wisp::isa::x64 {

struct Address {
  Reg base;
  Reg index;          // optional
  int32_t disp = 0;
  uint8_t shift = 0;  // the index is scaled by 1 << shift
};

inline Address frameSlot(int32_t offset) { return {rbp, Reg(), -offset}; }  // [rbp - offset]

// Integer conditions, as wasm comparisons name them.
enum class Cond : uint8_t { Eq, Ne, LtS, LtU, GtS, GtU, LeS, LeU, GeS, GeU };

inline Cond negate(Cond c) {
  switch (c) {
    case Cond::Eq: return Cond::Ne;
    case Cond::Ne: return Cond::Eq;
    case Cond::LtS: return Cond::GeS;
    case Cond::LtU: return Cond::GeU;
    case Cond::GtS: return Cond::LeS;
    case Cond::GtU: return Cond::LeU;
    case Cond::LeS: return Cond::GtS;
    case Cond::LeU: return Cond::GtU;
    case Cond::GeS: return Cond::LtS;
    case Cond::GeU: return Cond::LtU;
  }
  return c;
}

class MacroAssembler {
 public:
  // `features`: the optional instructions the code may use (the engine's, read from the CPU).
  explicit MacroAssembler(CodeBuffer& code, const CpuFeatures& features = hostCpuFeatures())
      : a_(code), features_(features) {}

  const CpuFeatures& features() const { return features_; }
  // Why this code may not use SIMD, for "Wisp does not compile ... yet"; nullptr when it may.
  const char* simdUnavailable() const {
    return features_.sse41 ? nullptr
                           : "SIMD without SSE4.1 (this CPU's, or the engine's chosen level)";
  }
  uint32_t offset() const { return static_cast<uint32_t>(a_.offset()); }
  // An operation asked of a method that does not implement it (a compiler bug): the first
  // one is kept, and the compiler reports it as an error instead of leaving the code out.
  // Debug builds stop at once.
  const std::string& unhandled() const { return unhandled_; }
  bool hasError() const { return !unhandled_.empty(); }
  void unhandledOp(const char* method, wasm::Opcode op);
  // After the function's last instruction: the constant pool (float constants and sign
  // masks, read RIP-relative by the code above), then every label reference written. False
  // if a label was used but never bound (a compiler bug).
  bool finish();

  // ---- frame --------------------------------------------------------------------------
  // push rbp; mov rbp, rsp; sub rsp, <frame size, patched later>. Returns the patch position.
  uint32_t enterFrame();
  void patchFrameSize(uint32_t patch_at, uint32_t frame_size);
  // Overwrites the instructions in [from, to) (at most 15 bytes) with one that does nothing,
  // for code emitted before the compiler knew it was not needed.
  void patchToNop(uint32_t from, uint32_t to);
  // rsp = rbp - <frame size, patched later>: the stack pointer as the prologue left it, for a
  // landing pad of exception handling (the thrower's stack lies below). Returns the patch
  // position, for patchStackPointerReset.
  uint32_t resetStackPointerToFrame();
  void patchStackPointerReset(uint32_t patch_at, uint32_t frame_size);
  // The way out of a frame whose stack pointer is `frame_bytes` below the frame pointer (where
  // its prologue left it): add rsp, frame_bytes; pop rbp; ret, popping `popped_bytes` of the
  // caller's stack parameters (a function of the wasm convention pops its parameter area, see
  // isa/abi.h). Not mov rsp, rbp: the caller's frame pointer comes back from a pop whose stack
  // pointer the CPU tracks from the push, so it passes the value on without the round trip
  // through memory that a pop after a move to rsp costs, and the caller's next frame access
  // waits on it (fib: a third of its time).
  void freeFrameAndReturn(uint32_t frame_bytes, uint32_t popped_bytes);
  // The same with the frame size patched later (patchFrameSize). Returns the patch position,
  // or kNoPatch for an ISA that frees the frame without knowing its size.
  static constexpr uint32_t kNoPatch = UINT32_MAX;
  uint32_t releaseFrameAndReturn(uint32_t popped_bytes);
  // The trampolines' frames, in terms every ISA has: a frame record (the caller's frame
  // pointer and the return address, at [fp] and [fp + 8]: push rbp; mov rbp, rsp after the
  // call's push), then every register the host's convention makes a callee preserve, in the
  // kHostCalleeSavedBytes below the frame pointer, and `then_reserve` bytes more of stack;
  // and the way back from `sp_below_fp` below the frame pointer: the registers restored, the
  // frame freed, a return. (x86-64 pushes and pops: the CPU hands a pop the value of its push
  // without a load.)
  void pushFrameRecord();
  void saveHostCalleeSaved(int32_t then_reserve);
  void restoreHostCalleeSavedAndReturn(int32_t sp_below_fp);
  void ret();
  // Branches to `overflow` when rsp is below the limit stored at [limits_reg + offset].
  void checkStackLimit(Reg limits_reg, int32_t limit_offset, Label overflow);

  // ---- interruption -------------------------------------------------------------------
  // Adds a straight-line run's fuel to the counter in `fuel`: the immediate is 0 here and
  // patched by patchFuel once the run's length is known; returns where it is. Its flags tell
  // branchIfFuelExhausted, right after, whether the counter went above zero.
  uint32_t addFuelPatchable(Reg fuel);
  // The counter between its register and [[limits_field] + fuel_offset] (the limits' address
  // read into the scratch register).
  void loadFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset);
  void storeFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset);
  void patchFuel(uint32_t patch_at, uint32_t fuel);
  // Removes the code from `offset` to the end when it is the last thing emitted and no label
  // was bound after it (an empty run's add); false, and nothing changes, otherwise.
  bool takeBackTail(uint32_t offset) {
    flags_end_ = kNoFlags;
    return a_.buffer().takeBackTail(offset);
  }
  void branchIfFuelExhausted(Label target);
  // Branches to `target` when the 32-bit flag at [[limits_field] + flag_offset] is not zero
  // (the limits' address read into the scratch register).
  void branchIfFlagSet(const Address& limits_field, int32_t flag_offset, Label target);

  // ---- moves --------------------------------------------------------------------------
  void move(Reg dst, Reg src, wasm::ValType type);
  void moveImm(Reg dst, wasm::ValType type, uint64_t bits);  // a constant into any register
  void load(Reg dst, const Address& addr, wasm::ValType type);
  void store(const Address& addr, Reg src, wasm::ValType type);
  // `src` to the 8 bytes at `addr` and 0 to the 8 after, with one 16-byte store (through
  // kScratchFp): for code whose stores outnumber its other instructions (AArch64: stp with
  // the zero register).
  void storeWordAndZero(const Address& addr, Reg src);
  void storeImm(const Address& addr, wasm::ValType type, uint64_t bits);
  void copySlot(const Address& dst, const Address& src, wasm::ValType type);
  // Exchanges two registers of a class (floats through the scratch): what a parallel move
  // needs to break a cycle.
  void swap(Reg a, Reg b, wasm::ValType type);
  // An i32 that came from C code: the C convention leaves the upper half of its register
  // undefined, Wisp's keeps it zero.
  void zeroExtendI32(Reg reg);
  void loadPtr(Reg dst, const Address& addr);
  void storePtr(const Address& addr, Reg src);
  void leaPtr(Reg dst, const Address& addr);
  // A word of this thread's initial-exec TLS at `offset` from the thread pointer.
  void loadThreadLocal(Reg dst, int32_t offset);
  void storeThreadLocal(int32_t offset, Reg src);
  void subThreadLocal(Reg dst, int32_t offset);  // dst -= the word at `offset`
  void branchCompareThreadLocal(Cond cond, Reg lhs, int32_t offset, Label target);
  // dst = the address of `label` (a code address of this buffer, e.g. a landing pad).
  void leaLabel(Reg dst, Label label);
  void addPtrImm(Reg dst, int32_t imm);
  void addPtr(Reg dst, Reg src);
  // dst += src in 64 bits, branching to `carry` when the unsigned sum wraps.
  void addPtrBranchIfCarry(Reg dst, Reg src, Label carry);
  void zeroSlots(int32_t first_offset, uint32_t bytes, Reg tmp);  // [rbp - first .. + bytes)

  // ---- SIMD: v128 in xmm registers ------------------------------------------------------
  // The lane-wise operations of one instruction (or a fixed short sequence) on two vectors:
  // dst = lhs op rhs, any of them the same register.
  // What an operation asks of the compiler beyond its operands: a destination that is neither
  // operand, and a vector register of its own.
  struct SimdNeeds {
    bool fresh_dst = false;
    bool temp = false;
  };
  static SimdNeeds simdNeeds(wasm::Opcode op);
  static bool simdBinopSupported(wasm::Opcode op);
  // The SSE instruction (an Assembler::kOp) of a binary or unary operation that is one
  // instruction, or 0; `swapped`: dst = rhs op lhs. For the encoder test.
  static uint32_t simdBinopEncoding(wasm::Opcode op, bool* swapped);
  static uint32_t simdUnopEncoding(wasm::Opcode op);
  void simdBinop(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Reg temp = Reg());
  // Whether simdBinopConstant does the operation (then with no temp and any dst), and whether
  // its operands commute.
  static bool simdBinopTakesConstant(wasm::Opcode op, bool* commutative);
  // dst = lhs op the constant lo:hi, which one instruction reads from the constant pool.
  void simdBinopConstant(wasm::Opcode op, Reg dst, Reg lhs, uint64_t lo, uint64_t hi);
  // The same for one vector: dst = op src.
  static bool simdUnopSupported(wasm::Opcode op);
  void simdUnop(wasm::Opcode op, Reg dst, Reg src, Reg temp = Reg());
  // Shifts by a general register's count (taken modulo the lane width); dst may be src.
  static bool simdShiftSupported(wasm::Opcode op);
  void simdShift(wasm::Opcode op, Reg dst, Reg src, Reg count, Reg temp = Reg());
  // The same by a constant count (taken modulo the lane width): the immediate forms.
  void simdShiftImm(wasm::Opcode op, Reg dst, Reg src, uint32_t count, Reg temp = Reg());
  // v128.bitselect: dst = (v1 & mask) | (v2 & ~mask), any registers the same.
  void simdBitselect(Reg dst, Reg v1, Reg v2, Reg mask);
  // relaxed madd/nmadd (a * b + c, c - a * b, rounded twice) and relaxed dot-add; dst is none
  // of the operands.
  void simdTernary(wasm::Opcode op, Reg dst, Reg a, Reg b, Reg c);
  // any_true, all_true, bitmask: a vector to an i32 in a general register.
  static bool simdToIntSupported(wasm::Opcode op);
  void simdToInt(wasm::Opcode op, Reg dst, Reg src);
  void v128Const(Reg dst, uint64_t lo, uint64_t hi);
  // i8x16.shuffle with its 16 constant lane indices; temp a vector register of its own.
  void simdShuffle(Reg dst, Reg lhs, Reg rhs, const uint8_t* lanes, Reg temp);
  // dst = src's bytes as `mask` picks them (0x80: zero), or-ed with the constant lo:hi (whose
  // bytes are zero where the mask picks); any registers.
  void simdShuffleOne(Reg dst, Reg src, const uint8_t* mask, uint64_t lo, uint64_t hi);
  // v128.loadN_lane / storeN_lane: one instruction, which is where an access faults.
  static uint32_t simdLaneBytes(wasm::Opcode op);
  void simdLoadLane(wasm::Opcode op, Reg vec, const Address& addr, uint8_t lane);
  void simdStoreLane(wasm::Opcode op, const Address& addr, Reg vec, uint8_t lane);
  // i8x16.splat ... f64x2.splat: `src` a general register for integers, an xmm for floats.
  void simdSplat(wasm::Opcode op, Reg dst, Reg src);
  // *.extract_lane: to a general register (integers) or an xmm (floats); dst may be src for
  // floats.
  void simdExtractLane(wasm::Opcode op, Reg dst, Reg src, uint8_t lane);
  // *.replace_lane: `vec` changes in place; `scalar` is a general register or an xmm.
  void simdReplaceLane(wasm::Opcode op, Reg vec, Reg scalar, uint8_t lane);

  // ---- wasm memory --------------------------------------------------------------------
  // A load or store opcode of linear memory (i32.load8_s, f64.store, ...).
  void loadMemory(wasm::Opcode op, Reg dst, const Address& addr);
  void storeMemory(wasm::Opcode op, const Address& addr, Reg src);

  // ---- integers -----------------------------------------------------------------------
  // add sub mul and or xor shl shr_s shr_u rotl rotr of i32 or i64; shift counts in rcx.
  void intBinop(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs);
  // Inline for its commonest case, an ALU operation in place (x & 255): one call per wasm
  // instruction fewer on the compiler's hottest path.
  void intBinopImm(wasm::Opcode op, Reg dst, Reg lhs, int32_t imm) {
    if (dst == lhs) {
      using enum wasm::Opcode;
      Alu alu;
      bool is64 = false;
      switch (op) {
        case I64Add: is64 = true; [[fallthrough]];
        case I32Add: alu = Alu::Add; break;
        case I64Sub: is64 = true; [[fallthrough]];
        case I32Sub: alu = Alu::Sub; break;
        case I64And: is64 = true; [[fallthrough]];
        case I32And: alu = Alu::And; break;
        case I64Or: is64 = true; [[fallthrough]];
        case I32Or: alu = Alu::Or; break;
        case I64Xor: is64 = true; [[fallthrough]];
        case I32Xor: alu = Alu::Xor; break;
        default: return intBinopImmOtherForms(op, dst, lhs, imm);
      }
      a_.alu(alu, Gp{dst.hwCode(), static_cast<uint8_t>(is64 ? 8 : 4)}, imm);
      return flagsFrom(dst, is64);
    }
    intBinopImmOtherForms(op, dst, lhs, imm);
  }
  // clz ctz popcnt eqz and the sign extensions. Without POPCNT, i64.popcnt needs `gp_tmp`
  // (intUnopNeedsTemp says when).
  void intUnop(wasm::Opcode op, Reg dst, Reg src, Reg gp_tmp = Reg());
  bool intUnopNeedsTemp(wasm::Opcode op) const {
    return op == wasm::Opcode::I64Popcnt && !features_.popcnt;
  }
  void compare(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs);
  void compareImm(wasm::Opcode op, Reg dst, Reg lhs, int32_t imm);
  // The comparison alone, leaving its outcome in the flags for a branch or setCond that
  // follows at once; returns the condition that means "true". eqz compares with zero.
  Cond compareToFlags(wasm::Opcode op, Reg lhs, Reg rhs);
  Cond compareToFlagsImm(wasm::Opcode op, Reg lhs, int32_t imm);
  Cond eqzToFlags(wasm::Opcode op, Reg value);
  void setCond(Cond cond, Reg dst);  // dst = cond ? 1 : 0, from the flags
  void branchOnCond(Cond cond, Label target);
  // div and rem: lhs in rax (kDivQuotientReg), rdx free, rhs elsewhere; the result lands in
  // `dst` (rax or rdx as the instruction leaves it, then moved). What is known of a constant
  // divisor spares its checks: an invalid label means the case cannot happen.
  void divRem(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Label div_by_zero, Label overflow,
              bool rhs_may_be_minus_one);

  // ---- floats -------------------------------------------------------------------------
  void floatBinop(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp);
  void floatUnop(wasm::Opcode op, Reg dst, Reg src);
  // Without SSE4.1, ceil, floor, trunc and nearest have no instruction: the compiler calls the
  // C function runtime::builtins::roundingBuiltin() names, with the value in the first float argument register.
  bool floatUnopNeedsCall(wasm::Opcode op) const;
  void floatCompare(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp);
  // lt, gt, le and ge alone into the flags (eq and ne need the parity flag as well, so they
  // have no single condition): returns the condition that means "true", false for NaN.
  static bool floatCompareHasCond(wasm::Opcode op);
  Cond floatCompareToFlags(wasm::Opcode op, Reg lhs, Reg rhs);

  // ---- conversions --------------------------------------------------------------------
  // Every conversion and reinterpretation; the trapping ones branch to the labels.
  void convert(wasm::Opcode op, Reg dst, Reg src, Reg gp_tmp, Label invalid, Label overflow);

  // ---- selection ----------------------------------------------------------------------
  // dst = cond != 0 ? if_true : if_false; dst may equal if_true.
  void select(wasm::ValType type, Reg dst, Reg cond, Reg if_true, Reg if_false);

  // ---- control ------------------------------------------------------------------------
  // A sequence emitted once and copied later (CodeBuffer::capture and replay).
  bool capture(uint32_t from, Label label, CodeSnippet& out) const {
    return a_.buffer().capture(from, label.id, out);
  }
  uint32_t replay(const CodeSnippet& snippet, Label label) {
    return a_.buffer().replay(snippet, label.id);
  }
  Label newLabel() { return a_.newLabel(); }
  void bind(Label label) {
    flags_end_ = kNoFlags;  // another path joins here, with flags of its own
    a_.bind(label);
  }
  void jump(Label label) { a_.jmp(label); }
  void branchIfZero(Reg value, wasm::ValType type, Label target);
  void branchIfNonZero(Reg value, wasm::ValType type, Label target);
  void branchCompareImm(Cond cond, Reg lhs, wasm::ValType type, int32_t imm, Label target);
  void branchCompare(Cond cond, Reg lhs, Reg rhs, wasm::ValType type, Label target);
  void branchCompareMem32(Cond cond, Reg lhs, const Address& rhs, Label target);
  void branchCompareMemImm32(Cond cond, const Address& lhs, int32_t imm, Label target);
  // The same with the immediate always 4 bytes; returns the immediate's code offset, for a
  // relocation that rewrites it.
  uint32_t branchCompareMemPatchableImm32(Cond cond, const Address& lhs, int32_t imm,
                                          Label target);
  void branchCompareMem64(Cond cond, Reg lhs, const Address& rhs, Label target);
  // A jump through a table of labels indexed by `index` (already known to be in range).
  void jumpTable(Reg index, const std::vector<Label>& targets);
  // An instruction that always traps (ud2); returns its code offset for the trap table.
  uint32_t trapInstruction();

  // ---- calls --------------------------------------------------------------------------
  // call rel32 with a zero displacement; returns the site for linking (linkRelative).
  uint32_t callRelative();
  // Points the call or jump at `site` (what callRelative or jumpRelative returned) of `code` at
  // the code offset `target` of the same buffer: how each ISA links its direct calls.
  static void linkRelative(uint8_t* code, uint32_t site, uint32_t target) {
    const auto displacement = static_cast<int32_t>(int64_t{target} - (int64_t{site} + 4));
    std::memcpy(code + site, &displacement, 4);
  }
  void jumpRegister(Reg target);
  void callRegister(Reg target);
  // Through the scratch register, the address always 8 bytes; returns the address's code
  // offset, for a relocation that rewrites it.
  uint32_t callAbsolute(const void* function);
  void adjustStack(int32_t bytes);          // rsp -= bytes (negative frees)

  // ---- tail calls ---------------------------------------------------------------------
  // jmp rel32 with a zero displacement; returns the site for linking (linkRelative).
  uint32_t jumpRelative();
  // Leaves the current function's frame as a tail call does: afterwards the stack is as the
  // caller's caller would have left it calling the callee. The callee's `outgoing_area` bytes
  // of stack parameters, staged at [sp, sp + outgoing_area), move to end where the current
  // function's `incoming_area` ends (where the stack results begin, which both functions
  // share); the return address goes right below them; the frame pointer is the caller's
  // again and the stack pointer points at the return address. Moves go through the scratch
  // register and `temps` (two registers); no other register changes, so the callee's
  // register arguments, its address and its vmctx may already be in place. See isa/abi.h for
  // why the area may grow or shrink.
  void replaceFrameForTailCall(uint32_t incoming_area, uint32_t outgoing_area,
                               std::span<const Reg, 2> temps);

 private:
  void intBinopImmOtherForms(wasm::Opcode op, Reg dst, Reg lhs, int32_t imm);
  void popFrameAndReturn(uint32_t popped_bytes);
  void floatMinMax(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs);
  void ucomi(bool is64, Reg a, Reg b);  // ucomisd or ucomiss
  void truncToInt(wasm::Opcode op, Reg dst, Reg src, Label invalid, Label overflow);
  void truncSat(wasm::Opcode op, Reg dst, Reg src);
  void convertU64ToFloat(bool to_f64, Reg dst, Reg src, Reg gp_tmp);
  void loadFpConstant(Reg dst, bool is_f64, uint64_t bits);
  void sseWithConstant(uint32_t form, Reg dst, uint64_t lo, uint64_t hi);

  void popcntWithoutInstruction(bool is64, Reg dst, Reg src, Reg gp_tmp);

  // A 16-byte constant of the pool (scalars use the low half; SSE needs 16-byte alignment
  // for a memory operand of andps/xorps). A full pool makes loadFpConstant fall back to an
  // immediate through the scratch register.
  Label poolConstant(uint64_t lo, uint64_t hi);
  struct PoolEntry {
    uint64_t lo, hi;
    uint32_t label;  // a Label's id: no initializer, so that the pool costs nothing to make
  };
  static constexpr uint32_t kPoolCapacity = 256;
  PoolEntry pool_[kPoolCapacity];  // the first pool_size_ are set
  uint32_t pool_size_ = 0;
  // Past kPoolScanned entries a lookup goes through a hash of the constants (open
  // addressing, 1 + the entry's index, 0 empty), made when the pool first grows that large:
  // a function of a few constants never pays for it, one of hundreds does not scan them.
  static constexpr uint32_t kPoolScanned = 16;
  static constexpr uint32_t kPoolSlots = 2 * kPoolCapacity;
  uint16_t pool_slots_[kPoolSlots];

  Assembler a_;
  // The last instruction emitted (it ends at flags_end_) set ZF and SF from flags_reg_'s value
  // at width flags_is64_: an eqz of that value right after needs no test.
  static constexpr uint32_t kNoFlags = UINT32_MAX;
  uint32_t flags_end_ = kNoFlags;
  Reg flags_reg_;
  bool flags_is64_ = false;
  void flagsFrom(Reg reg, bool is64) {
    flags_end_ = offset();
    flags_reg_ = reg;
    flags_is64_ = is64;
  }
  CpuFeatures features_;
  std::string unhandled_;
};

}  // namespace wisp::isa::x64
