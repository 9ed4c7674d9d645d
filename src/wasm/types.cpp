#include "wasm/types.h"

#include "wasm/features.h"

namespace wisp::wasm {

bool isValType(uint8_t byte) {
  switch (byte) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B: case 0x70: case 0x6F:
      return true;
    default:
      return false;
  }
}

bool isValType(uint8_t byte, const Features& features) {
  return isValType(byte) || (byte == static_cast<uint8_t>(ValType::ExnRef) && features.exceptions);
}

bool isRefType(uint8_t byte, const Features& features) {
  return byte == static_cast<uint8_t>(ValType::FuncRef) ||
         byte == static_cast<uint8_t>(ValType::ExternRef) ||
         (byte == static_cast<uint8_t>(ValType::ExnRef) && features.exceptions);
}

bool isRefType(ValType type) {
  return type == ValType::FuncRef || type == ValType::ExternRef || type == ValType::ExnRef;
}

bool isNumType(ValType type) {
  return type == ValType::I32 || type == ValType::I64 || type == ValType::F32 ||
         type == ValType::F64;
}

const char* valTypeName(ValType type) {
  switch (type) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::ExnRef: return "exnref";
    case ValType::Bottom: return "<unknown>";
  }
  return "<bad type>";
}

uint32_t valTypeSize(ValType type) {
  switch (type) {
    case ValType::I32: case ValType::F32: return 4;
    case ValType::V128: return 16;
    default: return 8;
  }
}

const char* externKindName(ExternKind kind) {
  switch (kind) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "<bad kind>";
}

std::string FuncType::toString() const {
  std::string out = "(";
  for (uint32_t i = 0; i < param_count; ++i) {
    if (i) out += ' ';
    out += valTypeName(types[i]);
  }
  out += ") -> (";
  for (size_t i = param_count; i < types.size(); ++i) {
    if (i != param_count) out += ' ';
    out += valTypeName(types[i]);
  }
  return out + ")";
}

}  // namespace wisp::wasm
