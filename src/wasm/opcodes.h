// Opcode enum and table, generated from opcodes.def (the single source of truth).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wasm/types.h"

namespace wisp::wasm {

enum class Opcode : uint16_t {
#define WISP_OP(name, text, prefix, code, imm, sig, extra) name,
#include "wasm/opcodes.def"
#undef WISP_OP
};

inline constexpr uint16_t kOpcodeCount = 0
#define WISP_OP(name, text, prefix, code, imm, sig, extra) +1
#include "wasm/opcodes.def"
#undef WISP_OP
    ;

inline constexpr uint8_t kPrefixMisc = 0xFC;
inline constexpr uint8_t kPrefixSimd = 0xFD;
// SIMD codes from here on are relaxed SIMD's, decoded only with Features::relaxed_simd.
inline constexpr uint32_t kFirstRelaxedSimdCode = 0x100;

// The form of an instruction's immediate.
enum class Imm : uint8_t {
  None, Block, Label, BrTable, Func, CallIndirect, SelectTypes, Local, Global, Table,
  MemArg, MemoryIndex, I32, I64, F32, F64, V128, Shuffle, Lane, MemArgLane, HeapType,
  Data, Elem, MemoryInit, MemoryCopy, TableInit, TableCopy,
  Tag,       // a tag index (catch, throw)
  TryTable,  // a block type, then a vector of catch clauses
};

// Operand signatures for instructions typed by the table: S_<result>_<params>.
enum class Sig : uint8_t {
  Special,
  S_i_x, S_l_x, S_f_x, S_d_x, S_v_x,
  S_i_i, S_i_ii, S_i_l, S_i_ll, S_i_f, S_i_ff, S_i_d, S_i_dd, S_i_v,
  S_l_i, S_l_l, S_l_ll, S_l_f, S_l_d, S_l_v,
  S_f_i, S_f_l, S_f_f, S_f_ff, S_f_d, S_f_v,
  S_d_i, S_d_l, S_d_f, S_d_d, S_d_dd, S_d_v,
  S_v_i, S_v_l, S_v_f, S_v_d, S_v_v, S_v_vv, S_v_vvv, S_v_vi, S_v_vl, S_v_vf, S_v_vd, S_v_iv,
  S_x_ii, S_x_il, S_x_if, S_x_id, S_x_iv,
};

struct OperandSig {
  ValType params[3];
  uint8_t param_count;
  ValType result;  // Bottom when there is none
  // The params as the top four entries of a type stack read as one little-endian word (the
  // last param in the highest byte), and the bytes of that word they fill: the decoder checks
  // an instruction's operands with one compare.
  uint32_t top_word = packTop(params, param_count);
  uint32_t top_mask = param_count == 0 ? 0u : ~0u << (8 * (4 - param_count));

  static constexpr uint32_t packTop(const ValType* types, uint8_t count) {
    uint32_t word = 0;
    for (uint8_t i = 0; i < count; ++i)
      word |= uint32_t{static_cast<uint8_t>(types[i])} << (8 * (4 - count + i));
    return word;
  }
  bool has_result() const { return result != ValType::Bottom; }
  std::span<const ValType> paramSpan() const { return {params, param_count}; }
};

struct OpcodeInfo {
  const char* name;
  uint8_t prefix;
  uint32_t code;
  Imm imm;
  Sig sig;
  uint8_t extra;  // log2 natural alignment (memory ops) or lane count (lane ops)
};

// The tables behind the accessors below, defined in opcodes.cpp. Declared here so that the
// accessors inline: the function decoder calls them for every instruction.
namespace detail {
inline constexpr uint16_t kUnknownOpcode = 0xFFFF;
inline constexpr size_t kMiscCodes = 32;
inline constexpr size_t kSimdCodes = 0x200;
extern const OpcodeInfo kOpcodeTable[kOpcodeCount];
extern const OperandSig kOperandSigs[];
// Opcode index by encoding, kUnknownOpcode where none.
extern const std::array<uint16_t, 256> kCoreOpcodes;
extern const std::array<uint16_t, kMiscCodes> kMiscOpcodes;
extern const std::array<uint16_t, kSimdCodes> kSimdOpcodes;
// By one-byte encoding: the Sig of an instruction typed by the table alone with no immediate
// (i32.add, f64.lt, ...), Special for every other byte.
extern const std::array<Sig, 256> kSimpleCoreSigs;
}  // namespace detail

inline const OpcodeInfo& opcodeInfo(Opcode op) {
  return detail::kOpcodeTable[static_cast<uint16_t>(op)];
}
inline const OperandSig& operandSig(Sig sig) {
  return detail::kOperandSigs[static_cast<uint8_t>(sig)];
}
inline const char* opcodeName(Opcode op) { return opcodeInfo(op).name; }

// The opcodes of exception handling, illegal without Features::exceptions.
inline bool isExceptionHandlingOpcode(Opcode op) {
  switch (op) {
    case Opcode::Try: case Opcode::Catch: case Opcode::Throw: case Opcode::Rethrow:
    case Opcode::ThrowRef: case Opcode::Delegate: case Opcode::CatchAll: case Opcode::TryTable:
      return true;
    default:
      return false;
  }
}

// Maps an encoding to its opcode; false for an unknown encoding.
inline bool lookupOpcode(uint8_t byte, Opcode* out) {  // one-byte opcodes
  const uint16_t index = detail::kCoreOpcodes[byte];
  if (index == detail::kUnknownOpcode) return false;
  *out = static_cast<Opcode>(index);
  return true;
}
// The operand signature of a one-byte instruction the table types alone, with no immediate;
// Sig::Special for any other byte. Decoders check this first: it is most instructions.
inline Sig simpleCoreSig(uint8_t byte) { return detail::kSimpleCoreSigs[byte]; }
inline Opcode coreOpcode(uint8_t byte) { return static_cast<Opcode>(detail::kCoreOpcodes[byte]); }

inline bool lookupPrefixedOpcode(uint8_t prefix, uint32_t code, Opcode* out) {  // 0xFC and 0xFD
  uint16_t index = detail::kUnknownOpcode;
  if (prefix == kPrefixMisc && code < detail::kMiscCodes) index = detail::kMiscOpcodes[code];
  if (prefix == kPrefixSimd && code < detail::kSimdCodes) index = detail::kSimdOpcodes[code];
  if (index == detail::kUnknownOpcode) return false;
  *out = static_cast<Opcode>(index);
  return true;
}

}  // namespace wisp::wasm
