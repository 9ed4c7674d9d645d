// The WebAssembly types as the API presents them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wisp {

// Encoded as in the binary format.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
  ExnRef = 0x69,  // a caught exception (exception handling)
};

// A v128 value: its lanes in memory order (lane 0 first, each lane little-endian).
struct V128 {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const V128&) const = default;
};

const char* valTypeName(ValType type);  // "i32"
inline bool isRefType(ValType type) {
  return type == ValType::FuncRef || type == ValType::ExternRef || type == ValType::ExnRef;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  bool operator==(const FuncType&) const = default;
  std::string toString() const;  // "(i32 i64) -> (f32)"
};

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;

  bool operator==(const Limits&) const = default;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
  bool is64 = false;  // memory64: i64 addresses and sizes (Wisp holds at most 65536 pages)
  bool operator==(const MemoryType&) const = default;
};

struct TableType {
  ValType element = ValType::FuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

struct GlobalType {
  ValType content = ValType::I32;
  bool is_mutable = false;
  bool operator==(const GlobalType&) const = default;
};

// Exception handling: the type of a tag's payload (a function type without results).
struct TagType {
  FuncType type;
  bool operator==(const TagType&) const = default;
};

enum class ExternKind : uint8_t { Func, Table, Memory, Global, Tag };
const char* externKindName(ExternKind kind);  // "func"

using ExternType = std::variant<FuncType, TableType, MemoryType, GlobalType, TagType>;

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
  ExternKind kind() const { return static_cast<ExternKind>(type.index()); }
};

struct ExportType {
  std::string name;
  ExternType type;
  ExternKind kind() const { return static_cast<ExternKind>(type.index()); }
};

}  // namespace wisp
