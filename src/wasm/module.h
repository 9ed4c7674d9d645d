// A decoded and validated module: the index spaces, segments and names of a .wasm binary.
// Function bodies stay as byte ranges into `bytes`; the compiler decodes them in one pass.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/features.h"
#include "wasm/result.h"
#include "wasm/types.h"

namespace wisp::wasm {

// A constant expression. WebAssembly 2.0 allows exactly one instruction before `end`,
// which is decoded here; longer expressions (extended-const) keep only their byte range.
struct ConstExpr {
  enum class Kind : uint8_t { I32, I64, F32, F64, V128, RefNull, RefFunc, GlobalGet, Sequence };
  Kind kind = Kind::I32;
  ValType type = ValType::I32;  // the type the expression produces
  uint32_t index = 0;           // function for RefFunc, global for GlobalGet
  std::array<uint8_t, 16> bits{};  // little-endian value bits of a constant
  uint32_t offset = 0;          // byte range of the expression, `end` included
  uint32_t size = 0;

  uint32_t i32() const;
  uint64_t i64() const;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // index in the index space of `kind`
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct Function {
  uint32_t type_index = 0;
  bool imported = false;
  // Declared by an element segment, export or global initializer: `ref.func` may name it.
  bool declared_ref = false;
  uint32_t body_offset = 0;  // the body (locals and code) in Module::bytes; 0 for imports
  uint32_t body_size = 0;
};

struct Table {
  TableType type;
  bool imported = false;
};

struct Memory {
  MemoryType type;
  bool imported = false;
};

// An exception tag (exception handling): the type of its payload, a function type with no
// results.
struct Tag {
  uint32_t type_index = 0;
  bool imported = false;
};

struct Global {
  GlobalType type;
  bool imported = false;
  ConstExpr init;  // for defined globals
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElementSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType type = ValType::FuncRef;
  uint32_t table_index = 0;
  ConstExpr offset;  // for active segments
  std::vector<ConstExpr> items;  // each a ref.func, ref.null or global.get
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // never Declarative
  uint32_t memory_index = 0;
  ConstExpr offset;
  uint32_t data_offset = 0;  // bytes in Module::bytes
  uint32_t data_size = 0;
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0;  // payload after the name
  uint32_t size = 0;
};

// Names by index, their text in one string: a module of 70,000 named functions decodes them
// with no allocation per name, and compiled code refers to the same text (sharedText) for its
// backtraces instead of copying every name.
class NameMap {
 public:
  struct Entry {
    uint32_t index;
    uint32_t offset, size;  // in the text
  };

  // Appends a name after the last one; `index` must be above the last index.
  void add(uint32_t index, std::string_view name);
  void reserve(size_t entries, size_t text_bytes);
  // The name of `index`, or null when it has none.
  const Entry* find(uint32_t index) const;
  std::string_view name(const Entry& entry) const {
    return std::string_view(*text_).substr(entry.offset, entry.size);
  }
  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  // What name() views point into, for whoever keeps such views beyond the module.
  std::shared_ptr<const std::string> sharedText() const { return text_; }

 private:
  std::vector<Entry> entries_;  // sorted by index, unique
  std::shared_ptr<std::string> text_ = std::make_shared<std::string>();
};

struct Module {
  std::vector<uint8_t> bytes;
  Features features;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  // Index spaces, imports first.
  std::vector<Function> functions;
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Tag> tags;
  uint32_t imported_function_count = 0;
  uint32_t imported_table_count = 0;
  uint32_t imported_memory_count = 0;
  uint32_t imported_global_count = 0;
  uint32_t imported_tag_count = 0;

  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElementSegment> elements;
  std::vector<DataSegment> data;
  std::optional<uint32_t> data_count;

  uint32_t code_section_offset = 0;  // the code section's payload, for throughput figures
  uint32_t code_section_size = 0;

  std::vector<CustomSection> custom_sections;
  // From the "name" custom section; a malformed name section is ignored, as the spec asks.
  std::string module_name;
  NameMap function_names;

  const FuncType& tagType(uint32_t tag_index) const { return types[tags[tag_index].type_index]; }
  const FuncType& functionType(uint32_t function_index) const {
    return types[functions[function_index].type_index];
  }
  std::span<const uint8_t> functionBody(uint32_t function_index) const {
    const Function& f = functions[function_index];
    return {bytes.data() + f.body_offset, f.body_size};
  }
  const Export* findExport(std::string_view name) const;
  // "name" from the name section, or "" when it has none.
  std::string_view functionName(uint32_t function_index) const;
};

struct DecodeOptions {
  Features features;
  // Validate every function body while decoding. Off only for tools that validate later.
  bool validate_functions = true;
};

// Decodes and validates a whole module. The bytes are copied into the Module.
Result<std::unique_ptr<Module>> decodeModule(std::span<const uint8_t> bytes,
                                             const DecodeOptions& options = {});

}  // namespace wisp::wasm
