#include "runtime/const_expr.h"

#include <cstdio>
#include <cstring>

#include "wasm/binary_reader.h"

namespace wisp::runtime {
namespace {

ValRaw zeroValue() {
  ValRaw value;
  std::memset(&value, 0, sizeof value);
  return value;
}

Result<ValRaw> globalValue(uint32_t index, const ConstExprContext& context) {
  if (index >= context.globals.size() || context.globals[index] == nullptr)
    return Error{"constant expression reads global " + std::to_string(index) +
                 " before it is initialized"};
  return context.globals[index]->value();
}

ValRaw funcRefValue(uint32_t index, const ConstExprContext& context) {
  ValRaw value = zeroValue();
  value.ref = context.functions + index;
  return value;
}

// Extended-const: a short stack machine over the expression's bytes.
Result<ValRaw> evaluateSequence(const wasm::ConstExpr& expr, const ConstExprContext& context) {
  const std::vector<uint8_t>& bytes = context.module->bytes;
  if (uint64_t{expr.offset} + expr.size > bytes.size())
    return Error{"constant expression lies outside the module bytes"};
  wasm::BinaryReader reader(bytes.data() + expr.offset, bytes.data() + expr.offset + expr.size,
                            expr.offset);
  ValRaw stack[16];
  size_t depth = 0;
  auto push = [&](ValRaw v) -> bool {
    if (depth == std::size(stack)) return false;
    stack[depth++] = v;
    return true;
  };
  while (reader.ok() && !reader.atEnd()) {
    const size_t at = reader.offset();
    const uint8_t opcode = reader.u8();
    ValRaw value = zeroValue();
    bool pushes = true;
    switch (opcode) {
      case 0x0B:  // end
        if (depth != 1) return Error{"constant expression leaves " + std::to_string(depth) + " values"};
        return stack[0];
      case 0x41: value.i32 = reader.s32(); break;
      case 0x42: value.i64 = reader.s64(); break;
      case 0x43: value.f32_bits = reader.fixedU32(); break;
      case 0x44: value.f64_bits = reader.fixedU64(); break;
      case 0x23: {
        Result<ValRaw> global = globalValue(reader.u32(), context);
        if (!global) return global.error();
        value = *global;
        break;
      }
      case 0xD0: reader.u8(); break;  // ref.null t
      case 0xD2: value = funcRefValue(reader.u32(), context); break;
      case 0xFD:
        if (reader.u32() != 0x0C) return Error{"constant expression: unexpected SIMD opcode"};
        reader.bytes(value.v128, 16);
        break;
      case 0x6A: case 0x6B: case 0x6C: case 0x7C: case 0x7D: case 0x7E: {
        if (depth < 2) return Error{"constant expression: operand stack underflow"};
        const ValRaw rhs = stack[--depth];
        ValRaw& lhs = stack[depth - 1];
        // Unsigned arithmetic: wraps as wasm does, without signed-overflow UB.
        const auto l32 = static_cast<uint32_t>(lhs.i32), r32 = static_cast<uint32_t>(rhs.i32);
        const auto l64 = static_cast<uint64_t>(lhs.i64), r64 = static_cast<uint64_t>(rhs.i64);
        switch (opcode) {
          case 0x6A: lhs.i32 = static_cast<int32_t>(l32 + r32); break;
          case 0x6B: lhs.i32 = static_cast<int32_t>(l32 - r32); break;
          case 0x6C: lhs.i32 = static_cast<int32_t>(l32 * r32); break;
          case 0x7C: lhs.i64 = static_cast<int64_t>(l64 + r64); break;
          case 0x7D: lhs.i64 = static_cast<int64_t>(l64 - r64); break;
          case 0x7E: lhs.i64 = static_cast<int64_t>(l64 * r64); break;
        }
        pushes = false;
        break;
      }
      default: {
        char text[64];
        std::snprintf(text, sizeof text, "constant expression: opcode 0x%02x at byte 0x%zx", opcode, at);
        return Error{text};
      }
    }
    if (pushes && !push(value)) return Error{"constant expression too deep"};
  }
  if (!reader.ok()) return Error{"constant expression: " + reader.error()->describe()};
  return Error{"constant expression without end"};
}

}  // namespace

Result<ValRaw> evaluateConstExpr(const wasm::ConstExpr& expr, const ConstExprContext& context) {
  ValRaw value = zeroValue();
  switch (expr.kind) {
    case wasm::ConstExpr::Kind::I32:
    case wasm::ConstExpr::Kind::F32:
      std::memcpy(&value, expr.bits.data(), 4);
      return value;
    case wasm::ConstExpr::Kind::I64:
    case wasm::ConstExpr::Kind::F64:
      std::memcpy(&value, expr.bits.data(), 8);
      return value;
    case wasm::ConstExpr::Kind::V128:
      std::memcpy(&value, expr.bits.data(), 16);
      return value;
    case wasm::ConstExpr::Kind::RefNull:
      return value;
    case wasm::ConstExpr::Kind::RefFunc:
      return funcRefValue(expr.index, context);
    case wasm::ConstExpr::Kind::GlobalGet:
      return globalValue(expr.index, context);
    case wasm::ConstExpr::Kind::Sequence:
      return evaluateSequence(expr, context);
  }
  return Error{"constant expression of unknown kind"};
}

}  // namespace wisp::runtime
