// The types of WebAssembly 2.0: value, function, table, memory and global types.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wisp::wasm {

// Encoded as in the binary format, so decoding a value type is a byte check.
enum class ValType : uint8_t {
  Bottom = 0x00,  // the unknown type of a polymorphic (unreachable) stack
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
  ExnRef = 0x69,  // exception handling: a caught exception (null or not)
};

struct Features;

// The value types of WebAssembly 2.0 (exnref is not one).
bool isValType(uint8_t byte);
// The value types `features` allow: those of 2.0, and exnref with exceptions. (v128 without
// SIMD is the module decoder's to reject.)
bool isValType(uint8_t byte, const Features& features);
// The reference types `features` allow: funcref, externref, and exnref with exceptions.
bool isRefType(uint8_t byte, const Features& features);
bool isRefType(ValType type);
bool isNumType(ValType type);
const char* valTypeName(ValType type);
// Size of a value in bytes (references are pointers).
uint32_t valTypeSize(ValType type);

// Params and results stored in one array: [params..., results...].
struct FuncType {
  std::vector<ValType> types;
  uint32_t param_count = 0;

  std::span<const ValType> params() const { return {types.data(), param_count}; }
  std::span<const ValType> results() const {
    return {types.data() + param_count, types.size() - param_count};
  }
  bool operator==(const FuncType& other) const = default;
  std::string toString() const;  // "(i32 i64) -> (f32)"
};

struct Limits {
  uint64_t min = 0;
  uint64_t max = 0;
  bool has_max = false;
};

struct TableType {
  ValType element = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  bool is64 = false;  // memory64: addresses, sizes and offsets are i64
  ValType addressType() const { return is64 ? ValType::I64 : ValType::I32; }
};

struct GlobalType {
  ValType type = ValType::I32;
  bool is_mutable = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
const char* externKindName(ExternKind kind);

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint64_t kMaxMemoryPages = 65536;   // 4 GiB of 32-bit memory
inline constexpr uint64_t kMaxTableSize = UINT32_MAX;

// Implementation limits, the JS API's (and V8's). Validating a block, call or branch costs one
// step per param or result, so without a bound a small module could cost quadratic time.
inline constexpr uint32_t kMaxFunctionParams = 1000;
inline constexpr uint32_t kMaxFunctionResults = 1000;

}  // namespace wisp::wasm
