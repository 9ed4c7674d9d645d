// The AArch64 MacroAssembler: the same wasm-level operations as isa/x64/masm_x64.h (whose
// comments give the contract of each), over Wisp's AArch64 encoder (assembler_a64.h).
//
// Conventions as on x86-64: i32 values in general registers are zero-extended to 64 bits
// (every 32-bit instruction writes the full register); the scratch registers (x16, v31, and
// x17 which no Reg names) belong to the MacroAssembler. The frame is the same shape: the
// frame record {caller's fp, return address} at [fp], stack parameters from [fp + 16].
// SIMD is not yet on AArch64: its operations report themselves unhandled.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "isa/a64/assembler_a64.h"
#include "isa/a64/registers_a64.h"
#include "isa/code_buffer.h"
#include "isa/cpu_features.h"
#include "wasm/opcodes.h"
#include "wasm/types.h"

namespace wisp::isa::a64 {

struct Address {
  Reg base;
  Reg index;          // optional
  int32_t disp = 0;
  uint8_t shift = 0;  // the index is scaled by 1 << shift
};

inline Address frameSlot(int32_t offset) { return {x29, Reg(), -offset}; }  // [fp - offset]

// Conditions are AArch64's condition codes. The integer ones carry wasm's names; the float
// ones say what they mean after fcmp (false for NaN unless named otherwise).
enum class Cond : uint8_t {
  Eq = 0, Ne = 1, GeU = 2, LtU = 3, GtU = 8, LeU = 9, GeS = 10, LtS = 11, GtS = 12, LeS = 13,
  FloatLt = 4,         // mi
  FloatNotLt = 5,      // pl: not less, or unordered
};
inline Cond negate(Cond c) { return static_cast<Cond>(static_cast<uint8_t>(c) ^ 1); }
inline CondCode condCode(Cond c) { return static_cast<CondCode>(static_cast<uint8_t>(c)); }

class MacroAssembler {
 public:
  explicit MacroAssembler(CodeBuffer& code, const CpuFeatures& features = CpuFeatures())
      : a_(code), features_(features) {}

  const CpuFeatures& features() const { return features_; }
  const char* simdUnavailable() const { return "SIMD on AArch64"; }
  uint32_t offset() const { return static_cast<uint32_t>(a_.offset()); }
  const std::string& unhandled() const { return unhandled_; }
  bool hasError() const { return !unhandled_.empty(); }
  void unhandledOp(const char* method, wasm::Opcode op);
  bool finish();

  // ---- frame --------------------------------------------------------------------------
  uint32_t enterFrame();
  void patchFrameSize(uint32_t patch_at, uint32_t frame_size);
  void patchToNop(uint32_t from, uint32_t to);
  uint32_t resetStackPointerToFrame();
  void patchStackPointerReset(uint32_t patch_at, uint32_t frame_size);
  void freeFrameAndReturn(uint32_t frame_bytes, uint32_t popped_bytes);
  static constexpr uint32_t kNoPatch = UINT32_MAX;
  uint32_t releaseFrameAndReturn(uint32_t popped_bytes);
  void pushFrameRecord();
  void saveHostCalleeSaved(int32_t then_reserve);
  void restoreHostCalleeSavedAndReturn(int32_t sp_below_fp);
  void ret();
  void checkStackLimit(Reg limits_reg, int32_t limit_offset, Label overflow);

  // ---- interruption -------------------------------------------------------------------
  uint32_t addFuelPatchable(Reg fuel);
  void loadFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset);
  void storeFuel(Reg fuel, const Address& limits_field, int32_t fuel_offset);
  void patchFuel(uint32_t patch_at, uint32_t fuel);
  bool takeBackTail(uint32_t offset) { return a_.buffer().takeBackTail(offset); }
  void branchIfFuelExhausted(Label target);
  void branchIfFlagSet(const Address& limits_field, int32_t flag_offset, Label target);

  // ---- moves --------------------------------------------------------------------------
  void move(Reg dst, Reg src, wasm::ValType type);
  void moveImm(Reg dst, wasm::ValType type, uint64_t bits);  // a constant into any register
  void load(Reg dst, const Address& addr, wasm::ValType type);
  void store(const Address& addr, Reg src, wasm::ValType type);
  void storeWordAndZero(const Address& addr, Reg src);
  void storeImm(const Address& addr, wasm::ValType type, uint64_t bits);
  void copySlot(const Address& dst, const Address& src, wasm::ValType type);
  void swap(Reg a, Reg b, wasm::ValType type);
  void zeroExtendI32(Reg reg);
  void loadPtr(Reg dst, const Address& addr);
  void storePtr(const Address& addr, Reg src);
  void leaPtr(Reg dst, const Address& addr);
  void loadThreadLocal(Reg dst, int32_t offset);
  void storeThreadLocal(int32_t offset, Reg src);
  void subThreadLocal(Reg dst, int32_t offset);  // dst -= the word at `offset`
  void branchCompareThreadLocal(Cond cond, Reg lhs, int32_t offset, Label target);
  void leaLabel(Reg dst, Label label);
  void addPtrImm(Reg dst, int32_t imm);
  void addPtr(Reg dst, Reg src);
  void addPtrBranchIfCarry(Reg dst, Reg src, Label carry);
  void zeroSlots(int32_t first_offset, uint32_t bytes, Reg tmp);

  // ---- SIMD (not yet on AArch64) ------------------------------------------------------
  struct SimdNeeds {
    bool fresh_dst = false;
    bool temp = false;
  };
  static SimdNeeds simdNeeds(wasm::Opcode op);
  static bool simdBinopSupported(wasm::Opcode op);
  static uint32_t simdBinopEncoding(wasm::Opcode op, bool* swapped);
  static uint32_t simdUnopEncoding(wasm::Opcode op);
  void simdBinop(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Reg temp = Reg());
  static bool simdBinopTakesConstant(wasm::Opcode op, bool* commutative);
  void simdBinopConstant(wasm::Opcode op, Reg dst, Reg lhs, uint64_t lo, uint64_t hi);
  static bool simdUnopSupported(wasm::Opcode op);
  void simdUnop(wasm::Opcode op, Reg dst, Reg src, Reg temp = Reg());
  static bool simdShiftSupported(wasm::Opcode op);
  void simdShift(wasm::Opcode op, Reg dst, Reg src, Reg count, Reg temp = Reg());
  void simdShiftImm(wasm::Opcode op, Reg dst, Reg src, uint32_t count, Reg temp = Reg());
  void simdBitselect(Reg dst, Reg v1, Reg v2, Reg mask);
  void simdTernary(wasm::Opcode op, Reg dst, Reg a, Reg b, Reg c);
  static bool simdToIntSupported(wasm::Opcode op);
  void simdToInt(wasm::Opcode op, Reg dst, Reg src);
  void v128Const(Reg dst, uint64_t lo, uint64_t hi);
  void simdShuffle(Reg dst, Reg lhs, Reg rhs, const uint8_t* lanes, Reg temp);
  void simdShuffleOne(Reg dst, Reg src, const uint8_t* mask, uint64_t lo, uint64_t hi);
  static uint32_t simdLaneBytes(wasm::Opcode op);
  void simdLoadLane(wasm::Opcode op, Reg vec, const Address& addr, uint8_t lane);
  void simdStoreLane(wasm::Opcode op, const Address& addr, Reg vec, uint8_t lane);
  void simdSplat(wasm::Opcode op, Reg dst, Reg src);
  void simdExtractLane(wasm::Opcode op, Reg dst, Reg src, uint8_t lane);
  void simdReplaceLane(wasm::Opcode op, Reg vec, Reg scalar, uint8_t lane);

  // ---- wasm memory --------------------------------------------------------------------
  void loadMemory(wasm::Opcode op, Reg dst, const Address& addr);
  void storeMemory(wasm::Opcode op, const Address& addr, Reg src);

  // ---- integers -----------------------------------------------------------------------
  void intBinop(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs);
  void intBinopImm(wasm::Opcode op, Reg dst, Reg lhs, int32_t imm);
  void intUnop(wasm::Opcode op, Reg dst, Reg src, Reg gp_tmp = Reg());
  bool intUnopNeedsTemp(wasm::Opcode op) const { return false; }
  void compare(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs);
  void compareImm(wasm::Opcode op, Reg dst, Reg lhs, int32_t imm);
  Cond compareToFlags(wasm::Opcode op, Reg lhs, Reg rhs);
  Cond compareToFlagsImm(wasm::Opcode op, Reg lhs, int32_t imm);
  Cond eqzToFlags(wasm::Opcode op, Reg value);
  void setCond(Cond cond, Reg dst);  // dst = cond ? 1 : 0, from the flags
  void branchOnCond(Cond cond, Label target);
  void divRem(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Label div_by_zero, Label overflow,
              bool rhs_may_be_minus_one);

  // ---- floats -------------------------------------------------------------------------
  void floatBinop(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp);
  void floatUnop(wasm::Opcode op, Reg dst, Reg src);
  bool floatUnopNeedsCall(wasm::Opcode op) const;
  void floatCompare(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs, Reg gp_tmp);
  static bool floatCompareHasCond(wasm::Opcode op);
  Cond floatCompareToFlags(wasm::Opcode op, Reg lhs, Reg rhs);

  // ---- conversions --------------------------------------------------------------------
  void convert(wasm::Opcode op, Reg dst, Reg src, Reg gp_tmp, Label invalid, Label overflow);

  // ---- selection ----------------------------------------------------------------------
  void select(wasm::ValType type, Reg dst, Reg cond, Reg if_true, Reg if_false);

  // ---- control ------------------------------------------------------------------------
  bool capture(uint32_t from, Label label, CodeSnippet& out) const {
    return a_.buffer().capture(from, label.id, out);
  }
  uint32_t replay(const CodeSnippet& snippet, Label label) {
    return a_.buffer().replay(snippet, label.id);
  }
  Label newLabel() { return a_.newLabel(); }
  void bind(Label label) { a_.bind(label); }
  void jump(Label label) { a_.b(label); }
  void branchIfZero(Reg value, wasm::ValType type, Label target);
  void branchIfNonZero(Reg value, wasm::ValType type, Label target);
  void branchCompareImm(Cond cond, Reg lhs, wasm::ValType type, int32_t imm, Label target);
  void branchCompare(Cond cond, Reg lhs, Reg rhs, wasm::ValType type, Label target);
  void branchCompareMem32(Cond cond, Reg lhs, const Address& rhs, Label target);
  void branchCompareMemImm32(Cond cond, const Address& lhs, int32_t imm, Label target);
  uint32_t branchCompareMemPatchableImm32(Cond cond, const Address& lhs, int32_t imm,
                                          Label target);
  void branchCompareMem64(Cond cond, Reg lhs, const Address& rhs, Label target);
  void jumpTable(Reg index, const std::vector<Label>& targets);
  uint32_t trapInstruction();

  // ---- calls --------------------------------------------------------------------------
  uint32_t callRelative();
  static void linkRelative(uint8_t* code, uint32_t site, uint32_t target) {
    Assembler::patchDisplacement(code + site, static_cast<int32_t>(int64_t{target} - int64_t{site}));
  }
  void jumpRegister(Reg target);
  void callRegister(Reg target);
  uint32_t callAbsolute(const void* function);
  void adjustStack(int32_t bytes);

  // ---- tail calls ---------------------------------------------------------------------
  uint32_t jumpRelative();
  void replaceFrameForTailCall(uint32_t incoming_area, uint32_t outgoing_area,
                               std::span<const Reg, 2> temps);


 private:
  // A general register's hardware number; the stack pointer's code gives 31.
  static uint8_t g(Reg r) { return hw(r); }
  static uint8_t v(Reg r) { return hw(r); }
  void popFrameAndReturn(uint32_t popped_bytes);
  void patchImmediatePair(uint32_t patch_at, uint32_t value);
  // Materialises a constant into a general register by hardware number.
  void moveImmHw(uint8_t rd, bool is64, uint64_t value);
  // The address as [base + imm] for an access of 1 << scale bytes, or as [base + index]:
  // what does not fit goes through x17 (IP1). Returns the base's hardware number, and the
  // offset or index to use.
  struct Operand {
    uint8_t base;
    bool indexed;
    uint8_t index;
    IndexExtend extend;
    bool scaled;
    int32_t disp;
  };
  Operand operand(const Address& addr, uint32_t scale);
  void access(Assembler::LoadStore op, uint8_t rt, const Address& addr);
  void threadWord(Assembler::LoadStore op, uint8_t rt, int32_t offset);
  // rd = rn + imm (64 bits), any imm, through x17 when it needs more than add/sub immediates.
  void addImm64(uint8_t rd, uint8_t rn, int64_t imm);
  void compareImmHw(bool is64, uint8_t rn, int64_t imm);
  void floatMinMax(wasm::Opcode op, Reg dst, Reg lhs, Reg rhs);
  void truncToInt(wasm::Opcode op, Reg dst, Reg src, Label invalid, Label overflow);
  void unhandledSimd(const char* method, wasm::Opcode op);

  Assembler a_;
  CpuFeatures features_;
  std::string unhandled_;
};

}  // namespace wisp::isa::a64
