// Conversions between the API's types and values and the runtime's.
#pragma once

#include <cstring>
#include <optional>
#include <string>

#include "api/state.h"
#include "runtime/trap.h"
#include "wasm/features.h"
#include "wasm/types.h"

namespace wisp::detail {

wasm::Features toWasm(const Features& features);
inline wasm::ValType toWasm(ValType type) { return static_cast<wasm::ValType>(type); }
inline ValType fromWasm(wasm::ValType type) { return static_cast<ValType>(type); }
wasm::FuncType toWasm(const FuncType& type);
FuncType fromWasm(const wasm::FuncType& type);
wasm::Limits toWasm(const Limits& limits);
Limits fromWasm(const wasm::Limits& limits);
inline wasm::MemoryType toWasm(const MemoryType& t) { return {toWasm(t.limits), t.is64}; }
inline MemoryType fromWasm(const wasm::MemoryType& t) { return {fromWasm(t.limits), t.is64}; }
inline wasm::TableType toWasm(const TableType& t) { return {toWasm(t.element), toWasm(t.limits)}; }
inline TableType fromWasm(const wasm::TableType& t) { return {fromWasm(t.element), fromWasm(t.limits)}; }
inline wasm::GlobalType toWasm(const GlobalType& t) { return {toWasm(t.content), t.is_mutable}; }
inline GlobalType fromWasm(const wasm::GlobalType& t) { return {fromWasm(t.type), t.is_mutable}; }

inline runtime::ValRaw toRaw(const Val& value) {
  runtime::ValRaw raw;
  std::memcpy(&raw, Access::bits(value), sizeof raw);
  return raw;
}
inline Val fromRaw(wasm::ValType type, const runtime::ValRaw& raw, StoreState* store) {
  uint8_t bits[16] = {};
  // Only the bytes of the value's own size (wasm::valTypeSize): the rest of a slot may hold
  // stale data.
  switch (type) {
    case wasm::ValType::I32: case wasm::ValType::F32: std::memcpy(bits, &raw, 4); break;
    case wasm::ValType::V128: std::memcpy(bits, &raw, 16); break;
    default: std::memcpy(bits, &raw, 8); break;
  }
  return Access::makeVal(fromWasm(type), bits, store);
}
// Whether `value` can stand where a `expected` is wanted in `store`: valMismatch says why not.
inline bool valFits(const Val& value, wasm::ValType expected, const StoreState* store) {
  return toWasm(value.type()) == expected &&
         (value.type() != ValType::FuncRef || value.isNullRef() || Access::store(value) == store);
}
// Why `value` cannot stand where a `expected` is wanted in `store` ("expected i32, got f64"),
// or nullopt when it can.
std::optional<std::string> valMismatch(const Val& value, wasm::ValType expected,
                                       const StoreState* store);

Trap fromRuntime(runtime::Trap&& trap);
runtime::Trap toRuntime(Trap&& trap);

Extern fromRuntime(const runtime::Extern& item);
runtime::Extern toRuntime(const Extern& item);

Error argumentError(std::string message);

}  // namespace wisp::detail
