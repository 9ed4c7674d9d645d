// Decodes the sections of a module and validates everything outside function bodies;
// bodies are validated afterwards so that a malformed later section is reported as such.
#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <unordered_set>

#include "wasm/binary_reader.h"
#include "wasm/function_validator.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

namespace wisp::wasm {

uint32_t ConstExpr::i32() const {
  uint32_t v;
  std::memcpy(&v, bits.data(), 4);
  return v;
}

uint64_t ConstExpr::i64() const {
  uint64_t v;
  std::memcpy(&v, bits.data(), 8);
  return v;
}

void NameMap::add(uint32_t index, std::string_view name) {
  // Views handed out (sharedText) must not move: a text someone else holds is copied first.
  if (text_.use_count() > 1) text_ = std::make_shared<std::string>(*text_);
  entries_.push_back({index, static_cast<uint32_t>(text_->size()), static_cast<uint32_t>(name.size())});
  text_->append(name);
}

void NameMap::reserve(size_t entries, size_t text_bytes) {
  entries_.reserve(entries);
  text_->reserve(text_bytes);
}

const NameMap::Entry* NameMap::find(uint32_t index) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), index,
                             [](const Entry& e, uint32_t i) { return e.index < i; });
  return it != entries_.end() && it->index == index ? &*it : nullptr;
}

const Export* Module::findExport(std::string_view name) const {
  for (const Export& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

std::string_view Module::functionName(uint32_t function_index) const {
  const NameMap::Entry* entry = function_names.find(function_index);
  return entry ? function_names.name(*entry) : std::string_view();
}

namespace {

enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5, kGlobal = 6,
  kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11, kDataCount = 12,
  kTag = 13,  // exception handling
};

// Position of each known section in the required order: the data count sits before code,
// the tags between memories and globals.
int sectionOrder(uint8_t id) {
  static constexpr int kOrder[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};
  return kOrder[id];
}

class ModuleDecoder {
 public:
  ModuleDecoder(std::span<const uint8_t> bytes, const DecodeOptions& options)
      : module_(std::make_unique<Module>()),
        options_(options),
        reader_(nullptr, nullptr) {
    module_->bytes.assign(bytes.begin(), bytes.end());
    module_->features = options.features;
    reader_ = BinaryReader(module_->bytes.data(), module_->bytes.data() + module_->bytes.size());
  }

  Result<std::unique_ptr<Module>> decode() {
    decodeHeader();
    int last_order = 0;
    while (ok() && !reader_.atEnd()) {
      const size_t section_start = reader_.offset();
      const uint8_t id = reader_.u8();
      const uint32_t size = reader_.u32();
      if (!ok()) break;
      if (id > kDataCount && !(id == kTag && options_.features.exceptions)) {
        // The spec's text first (its tests match on it), then why, when Wisp knows.
        reader_.malformedAt(section_start,
                            "malformed section id " + std::to_string(id) +
                                (id == kTag ? " (the tag section needs the exceptions feature, "
                                              "which is off)"
                                            : ""));
        break;
      }
      if (size > reader_.remaining()) {
        reader_.malformedAt(section_start, "length out of bounds: section size " +
                                               std::to_string(size) + " runs past the end");
        break;
      }
      if (id != kCustom) {
        if (sectionOrder(id) <= last_order) {
          reader_.malformedAt(section_start, "unexpected content after last section: section " +
                                                 std::to_string(id) + " is out of order");
          break;
        }
        last_order = sectionOrder(id);
      }
      BinaryReader section(reader_.pos(), reader_.pos() + size, reader_.offset());
      reader_.skip(size);
      decodeSection(id, section);
      if (!section.ok()) {
        reader_.error() = section.error();
        break;
      }
      if (!section.atEnd()) {
        reader_.malformedAt(section.offset(), "section size mismatch");
        break;
      }
    }
    if (ok()) finish();
    if (ok() && options_.validate_functions) {
      if (auto error = validateFunctions(*module_)) return *error;
    }
    if (!ok()) return *reader_.error();
    return std::move(module_);
  }

 private:
  bool ok() const { return reader_.ok(); }

  void invalid(BinaryReader& r, size_t at, const char* format, ...)
      __attribute__((format(printf, 4, 5))) {
    char message[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    r.invalidAt(at, message);
  }

  void decodeHeader() {
    if (reader_.remaining() < 4) return reader_.malformed("unexpected end: magic header not detected");
    if (reader_.fixedU32() != 0x6D736100) return reader_.malformedAt(0, "magic header not detected");
    if (reader_.remaining() < 4) return reader_.malformed("unexpected end: unknown binary version");
    if (reader_.fixedU32() != 1) return reader_.malformedAt(4, "unknown binary version");
  }

  // A declared count of items each at least `min_item_bytes` long that cannot fit is
  // malformed; checking first keeps hostile counts from reserving memory.
  uint32_t readCount(BinaryReader& r, size_t min_item_bytes = 1) {
    const uint32_t count = r.u32();
    if (r.ok() && static_cast<uint64_t>(count) * min_item_bytes > r.remaining()) {
      r.unexpectedEnd();
      return 0;
    }
    return count;
  }

  void decodeSection(uint8_t id, BinaryReader& r) {
    switch (id) {
      case kCustom: return decodeCustomSection(r);
      case kType: return decodeTypeSection(r);
      case kImport: return decodeImportSection(r);
      case kFunction: return decodeFunctionSection(r);
      case kTable: return decodeTableSection(r);
      case kMemory: return decodeMemorySection(r);
      case kGlobal: return decodeGlobalSection(r);
      case kExport: return decodeExportSection(r);
      case kStart: return decodeStartSection(r);
      case kElement: return decodeElementSection(r);
      case kCode: return decodeCodeSection(r);
      case kData: return decodeDataSection(r);
      case kDataCount:
        module_->data_count = r.u32();
        return;
      case kTag: return decodeTagSection(r);
    }
  }

  // ---- types -----------------------------------------------------------------------------
  ValType readValType(BinaryReader& r) {
    const size_t at = r.offset();
    const uint8_t byte = r.u8();
    if (!r.ok()) return ValType::I32;
    if (!isValType(byte, options_.features) || (byte == 0x7B && !options_.features.simd)) {
      r.malformedAt(at, "malformed value type");
      return ValType::I32;
    }
    return static_cast<ValType>(byte);
  }

  ValType readRefType(BinaryReader& r) {
    const size_t at = r.offset();
    const uint8_t byte = r.u8();
    if (r.ok() && !isRefType(byte, options_.features)) r.malformedAt(at, "malformed reference type");
    return static_cast<ValType>(byte);
  }

  void decodeTypeSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 3);
    module_->types.reserve(count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t at = r.offset();
      if (r.u8() != 0x60 && r.ok()) return r.malformedAt(at, "malformed function type: expected 0x60");
      FuncType type;
      const uint32_t params = readCount(r);
      checkTypeLimit(r, at, i, params, kMaxFunctionParams, "params");
      for (uint32_t p = 0; p < params && r.ok(); ++p) type.types.push_back(readValType(r));
      type.param_count = params;
      const uint32_t results = readCount(r);
      checkTypeLimit(r, at, i, results, kMaxFunctionResults, "results");
      for (uint32_t p = 0; p < results && r.ok(); ++p) type.types.push_back(readValType(r));
      module_->types.push_back(std::move(type));
    }
  }

  void checkTypeLimit(BinaryReader& r, size_t at, uint32_t type_index, uint32_t count,
                      uint32_t limit, const char* what) {
    if (!r.ok() || count <= limit) return;
    char message[128];
    std::snprintf(message, sizeof message,
                  "implementation limit: function type %u has %u %s, more than %u", type_index,
                  count, what, limit);
    r.fail(ErrorKind::Unsupported, at, message);
  }

  // `is64`, for a memory only: set from the memory64 flag.
  Limits readLimits(BinaryReader& r, bool is_memory, bool* is64_out = nullptr) {
    Limits limits;
    const size_t at = r.offset();
    const uint8_t flags = r.u8();
    if (!r.ok()) return limits;
    const bool is64 = is_memory && options_.features.memory64 && (flags & 0x04);
    if (is64_out != nullptr) *is64_out = is64;
    const uint8_t allowed = is_memory && options_.features.memory64 ? 0x05 : 0x01;
    if ((flags & ~allowed) != 0) {
      if (flags & 0x02 && is_memory && options_.features.threads) {
        // shared memories: accepted by the threads proposal only
      } else {
        r.malformedAt(at, "malformed limits flags: integer too large");
        return limits;
      }
    }
    limits.min = is64 ? r.u64() : r.u32();
    limits.has_max = flags & 0x01;
    if (limits.has_max) limits.max = is64 ? r.u64() : r.u32();
    return limits;
  }

  void checkMemoryType(BinaryReader& r, size_t at, const MemoryType& type) {
    // A 64-bit memory may span 2^64 bytes, 2^48 pages.
    const uint64_t max_pages = type.is64 ? (uint64_t{1} << 48) : kMaxMemoryPages;
    const char* too_large = type.is64 ? "memory size must be at most 2^48 pages (2^64 bytes)"
                                      : "memory size must be at most 65536 pages (4GiB)";
    if (type.limits.min > max_pages) return invalid(r, at, "%s", too_large);
    if (type.limits.has_max && type.limits.max > max_pages) return invalid(r, at, "%s", too_large);
    if (type.limits.has_max && type.limits.max < type.limits.min)
      return invalid(r, at, "size minimum must not be greater than maximum");
  }

  void checkTableType(BinaryReader& r, size_t at, const TableType& type) {
    if (type.limits.has_max && type.limits.max < type.limits.min)
      invalid(r, at, "size minimum must not be greater than maximum");
  }

  void addMemory(BinaryReader& r, size_t at, const MemoryType& type, bool imported) {
    checkMemoryType(r, at, type);
    if (!options_.features.multi_memory && !module_->memories.empty())
      return invalid(r, at, "multiple memories");
    module_->memories.push_back({type, imported});
  }

  // ---- imports and definitions -------------------------------------------------------------
  void decodeImportSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 4);
    module_->imports.reserve(count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      Import import;
      import.module = r.name();
      import.name = r.name();
      const size_t at = r.offset();
      const uint8_t kind = r.u8();
      if (!r.ok()) return;
      switch (kind) {
        case 0: {
          const uint32_t type_index = r.u32();
          if (!r.ok()) return;
          if (type_index >= module_->types.size())
            return invalid(r, at, "unknown type %u", type_index);
          import.index = static_cast<uint32_t>(module_->functions.size());
          Function f;
          f.type_index = type_index;
          f.imported = true;
          module_->functions.push_back(f);
          module_->imported_function_count++;
          break;
        }
        case 1: {
          TableType type;
          type.element = readRefType(r);
          type.limits = readLimits(r, false);
          if (!r.ok()) return;
          checkTableType(r, at, type);
          import.index = static_cast<uint32_t>(module_->tables.size());
          module_->tables.push_back({type, true});
          module_->imported_table_count++;
          break;
        }
        case 2: {
          MemoryType type;
          type.limits = readLimits(r, true, &type.is64);
          if (!r.ok()) return;
          import.index = static_cast<uint32_t>(module_->memories.size());
          addMemory(r, at, type, true);
          module_->imported_memory_count++;
          break;
        }
        case 3: {
          Global global;
          global.type = readGlobalType(r);
          global.imported = true;
          import.index = static_cast<uint32_t>(module_->globals.size());
          module_->globals.push_back(global);
          module_->imported_global_count++;
          break;
        }
        case 4: {
          if (!options_.features.exceptions) return r.malformedAt(at, "malformed import kind");
          Tag tag = readTagType(r, at);
          if (!r.ok()) return;
          tag.imported = true;
          import.index = static_cast<uint32_t>(module_->tags.size());
          module_->tags.push_back(tag);
          module_->imported_tag_count++;
          break;
        }
        default:
          return r.malformedAt(at, "malformed import kind");
      }
      import.kind = static_cast<ExternKind>(kind);
      module_->imports.push_back(std::move(import));
    }
  }

  GlobalType readGlobalType(BinaryReader& r) {
    GlobalType type;
    type.type = readValType(r);
    const size_t at = r.offset();
    const uint8_t mut = r.u8();
    if (r.ok() && mut > 1) r.malformedAt(at, "malformed mutability");
    type.is_mutable = mut == 1;
    return type;
  }

  void decodeFunctionSection(BinaryReader& r) {
    const uint32_t count = readCount(r);
    declared_function_count_ = count;
    module_->functions.reserve(module_->functions.size() + count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t at = r.offset();
      const uint32_t type_index = r.u32();
      if (!r.ok()) return;
      if (type_index >= module_->types.size()) return invalid(r, at, "unknown type %u", type_index);
      Function f;
      f.type_index = type_index;
      module_->functions.push_back(f);
    }
  }

  void decodeTableSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 3);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t at = r.offset();
      TableType type;
      type.element = readRefType(r);
      type.limits = readLimits(r, false);
      if (!r.ok()) return;
      checkTableType(r, at, type);
      module_->tables.push_back({type, false});
    }
  }

  void decodeMemorySection(BinaryReader& r) {
    const uint32_t count = readCount(r, 2);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t at = r.offset();
      MemoryType type;
      type.limits = readLimits(r, true, &type.is64);
      if (!r.ok()) return;
      addMemory(r, at, type, false);
    }
  }

  // Exception handling: a tag's type is an attribute byte (0, an exception) and the index of
  // a function type with no results, whose params are the payload.
  Tag readTagType(BinaryReader& r, size_t at) {
    Tag tag;
    const size_t attribute_at = r.offset();
    const uint8_t attribute = r.u8();
    if (r.ok() && attribute != 0) {
      r.malformedAt(attribute_at, "malformed tag attribute");
      return tag;
    }
    tag.type_index = r.u32();
    if (!r.ok()) return tag;
    if (tag.type_index >= module_->types.size()) {
      invalid(r, at, "unknown type %u", tag.type_index);
    } else if (!module_->types[tag.type_index].results().empty()) {
      invalid(r, at, "non-empty tag result type: type %u is %s", tag.type_index,
              module_->types[tag.type_index].toString().c_str());
    }
    return tag;
  }

  void decodeTagSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 2);
    module_->tags.reserve(module_->tags.size() + count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t at = r.offset();
      const Tag tag = readTagType(r, at);
      if (!r.ok()) return;
      module_->tags.push_back(tag);
    }
  }

  void decodeGlobalSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 3);
    module_->globals.reserve(module_->globals.size() + count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      Global global;
      global.type = readGlobalType(r);
      if (!r.ok()) return;
      global.init = readConstExpr(r, global.type.type, module_->imported_global_count);
      module_->globals.push_back(global);
    }
  }

  // ---- constant expressions ---------------------------------------------------------------
  // WebAssembly 2.0: constant expressions see only the imported globals.
  ConstExpr readConstExpr(BinaryReader& r, ValType expected, uint32_t visible_globals) {
    ConstExpr expr;
    expr.offset = static_cast<uint32_t>(r.offset());
    ValType stack[16];
    uint32_t depth = 0;
    uint32_t instructions = 0;
    auto push = [&](ValType t) {
      if (depth < std::size(stack)) stack[depth] = t;
      ++depth;
    };
    while (r.ok()) {
      const size_t at = r.offset();
      const uint8_t byte = r.u8();
      if (!r.ok()) break;
      if (byte == 0x0B) break;  // end
      ++instructions;
      switch (byte) {
        case 0x41: expr.kind = ConstExpr::Kind::I32; {
            const uint32_t v = static_cast<uint32_t>(r.s32());
            std::memcpy(expr.bits.data(), &v, 4);
          }
          push(ValType::I32);
          break;
        case 0x42: expr.kind = ConstExpr::Kind::I64; {
            const uint64_t v = static_cast<uint64_t>(r.s64());
            std::memcpy(expr.bits.data(), &v, 8);
          }
          push(ValType::I64);
          break;
        case 0x43: expr.kind = ConstExpr::Kind::F32; r.bytes(expr.bits.data(), 4); push(ValType::F32); break;
        case 0x44: expr.kind = ConstExpr::Kind::F64; r.bytes(expr.bits.data(), 8); push(ValType::F64); break;
        case 0xD0: expr.kind = ConstExpr::Kind::RefNull; push(readRefType(r)); break;
        case 0xD2: {
          expr.kind = ConstExpr::Kind::RefFunc;
          expr.index = r.u32();
          if (!r.ok()) break;
          if (expr.index >= module_->functions.size())
            return invalid(r, at, "unknown function %u", expr.index), expr;
          module_->functions[expr.index].declared_ref = true;
          push(ValType::FuncRef);
          break;
        }
        case 0x23: {
          expr.kind = ConstExpr::Kind::GlobalGet;
          expr.index = r.u32();
          if (!r.ok()) break;
          if (expr.index >= visible_globals)
            return invalid(r, at, "unknown global %u", expr.index), expr;
          const GlobalType& type = module_->globals[expr.index].type;
          if (type.is_mutable)
            return invalid(r, at, "constant expression required: global %u is mutable", expr.index), expr;
          push(type.type);
          break;
        }
        case 0xFD: {
          const uint32_t code = r.u32();
          if (r.ok() && code == 0x0C && options_.features.simd) {
            expr.kind = ConstExpr::Kind::V128;
            r.bytes(expr.bits.data(), 16);
            push(ValType::V128);
            break;
          }
          if (r.ok()) return invalid(r, at, "constant expression required"), expr;
          break;
        }
        case 0x6A: case 0x6B: case 0x6C:  // i32.add, i32.sub, i32.mul
        case 0x7C: case 0x7D: case 0x7E: {  // i64.add, i64.sub, i64.mul
          if (!options_.features.extended_const)
            return invalid(r, at, "constant expression required"), expr;
          const ValType t = byte < 0x70 ? ValType::I32 : ValType::I64;
          if (depth < 2 || stack[depth - 1] != t || stack[depth - 2] != t)
            return invalid(r, at, "type mismatch in constant expression"), expr;
          depth -= 1;
          break;
        }
        default: {
          Opcode op;
          // An instruction, but not a constant one; exception handling's opcodes are no
          // instructions at all without the feature.
          const bool known = lookupOpcode(byte, &op) &&
                             (options_.features.exceptions || !isExceptionHandlingOpcode(op));
          if (known || byte == 0xFC) return invalid(r, at, "constant expression required"), expr;
          return r.malformedAt(at, "illegal opcode"), expr;
        }
      }
      if (depth > std::size(stack)) return invalid(r, at, "type mismatch: constant expression too deep"), expr;
    }
    if (!r.ok()) return expr;
    expr.size = static_cast<uint32_t>(r.offset() - expr.offset);
    if (instructions > 1) expr.kind = ConstExpr::Kind::Sequence;
    if (depth != 1 || stack[0] != expected) {
      invalid(r, expr.offset, "type mismatch: constant expression must produce one %s",
              valTypeName(expected));
      return expr;
    }
    expr.type = expected;
    return expr;
  }

  // ---- exports and start ----------------------------------------------------------------------
  void decodeExportSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 3);
    module_->exports.reserve(count);
    std::unordered_set<std::string_view> names;
    names.reserve(count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      Export e;
      e.name = r.name();
      const size_t at = r.offset();
      const uint8_t kind = r.u8();
      e.index = r.u32();
      if (!r.ok()) return;
      size_t limit = 0;
      switch (kind) {
        case 0: limit = module_->functions.size(); break;
        case 1: limit = module_->tables.size(); break;
        case 2: limit = module_->memories.size(); break;
        case 3: limit = module_->globals.size(); break;
        case 4:
          if (!options_.features.exceptions) return r.malformedAt(at, "malformed export kind");
          limit = module_->tags.size();
          break;
        default: return r.malformedAt(at, "malformed export kind");
      }
      e.kind = static_cast<ExternKind>(kind);
      if (e.index >= limit)
        return invalid(r, at, "unknown %s %u", externKindName(e.kind), e.index);
      if (e.kind == ExternKind::Func) module_->functions[e.index].declared_ref = true;
      module_->exports.push_back(std::move(e));
    }
    for (const Export& e : module_->exports) {
      if (!names.insert(e.name).second)
        return invalid(r, r.offset(), "duplicate export name \"%s\"", e.name.c_str());
    }
  }

  void decodeStartSection(BinaryReader& r) {
    const size_t at = r.offset();
    const uint32_t index = r.u32();
    if (!r.ok()) return;
    if (index >= module_->functions.size()) return invalid(r, at, "unknown function %u", index);
    const FuncType& type = module_->functionType(index);
    if (!type.types.empty())
      return invalid(r, at, "start function %u must have type () -> (), not %s", index,
                     type.toString().c_str());
    module_->start = index;
  }

  // ---- element segments --------------------------------------------------------------------
  void decodeElementSection(BinaryReader& r) {
    const uint32_t count = readCount(r, 2);
    module_->elements.reserve(count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t at = r.offset();
      const uint32_t flags = r.u32();
      if (!r.ok()) return;
      if (flags > 7) return r.malformedAt(at, "malformed elements segment kind");
      ElementSegment segment;
      const bool passive_or_declarative = flags & 0x01;
      const bool explicit_table = flags & 0x02;
      const bool uses_exprs = flags & 0x04;
      if (passive_or_declarative) {
        segment.mode = explicit_table ? SegmentMode::Declarative : SegmentMode::Passive;
      } else {
        segment.mode = SegmentMode::Active;
        if (explicit_table) {
          const size_t table_at = r.offset();
          segment.table_index = r.u32();
          if (!r.ok()) return;
          if (segment.table_index >= module_->tables.size())
            return invalid(r, table_at, "unknown table %u", segment.table_index);
        } else if (module_->tables.empty()) {
          return invalid(r, at, "unknown table 0");
        }
        segment.offset = readConstExpr(r, ValType::I32, module_->imported_global_count);
        if (!r.ok()) return;
      }
      // Forms with an explicit element kind or type: all but 0 and 4.
      if (flags & 0x03) {
        if (uses_exprs) {
          segment.type = readRefType(r);
        } else {
          const size_t kind_at = r.offset();
          if (r.u8() != 0x00 && r.ok()) return r.malformedAt(kind_at, "malformed element kind");
          segment.type = ValType::FuncRef;
        }
      }
      if (!r.ok()) return;
      if (segment.mode == SegmentMode::Active &&
          module_->tables[segment.table_index].type.element != segment.type)
        return invalid(r, at, "type mismatch: %s segment for a table of %s",
                       valTypeName(segment.type),
                       valTypeName(module_->tables[segment.table_index].type.element));
      const uint32_t items = readCount(r);
      segment.items.reserve(items);
      for (uint32_t k = 0; k < items && r.ok(); ++k) {
        if (uses_exprs) {
          segment.items.push_back(readConstExpr(r, segment.type, module_->imported_global_count));
        } else {
          const size_t item_at = r.offset();
          const uint32_t function = r.u32();
          if (!r.ok()) return;
          if (function >= module_->functions.size())
            return invalid(r, item_at, "unknown function %u", function);
          module_->functions[function].declared_ref = true;
          // Made in place: a ConstExpr built on the stack field by field and then copied was
          // read back with wider loads than its stores, a stall per item (a millisecond for
          // a table of 70,000 functions).
          ConstExpr& item = segment.items.emplace_back();
          item.offset = static_cast<uint32_t>(item_at);
          item.kind = ConstExpr::Kind::RefFunc;
          item.type = ValType::FuncRef;
          item.index = function;
        }
      }
      module_->elements.push_back(std::move(segment));
    }
  }

  // ---- code and data ------------------------------------------------------------------------
  void decodeCodeSection(BinaryReader& r) {
    const size_t at = r.offset();
    const uint32_t count = readCount(r);
    if (!r.ok()) return;
    if (count != declared_function_count_)
      return r.malformedAt(at, "function and code section have inconsistent lengths");
    module_->code_section_offset = static_cast<uint32_t>(at);
    module_->code_section_size = static_cast<uint32_t>(r.remaining() + (r.offset() - at));
    seen_code_section_ = true;
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t size_at = r.offset();
      const uint32_t size = r.u32();
      if (!r.ok()) return;
      if (size > r.remaining()) return r.malformedAt(size_at, "length out of bounds: function body");
      if (size == 0) return r.malformedAt(size_at, "unexpected end: empty function body");
      Function& f = module_->functions[module_->imported_function_count + i];
      f.body_offset = static_cast<uint32_t>(r.offset());
      f.body_size = size;
      r.skip(size);
    }
  }

  void decodeDataSection(BinaryReader& r) {
    const size_t at = r.offset();
    const uint32_t count = readCount(r, 2);
    if (!r.ok()) return;
    if (module_->data_count && *module_->data_count != count)
      return r.malformedAt(at, "data count and data section have inconsistent lengths");
    seen_data_section_ = true;
    module_->data.reserve(count);
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const size_t seg_at = r.offset();
      const uint32_t flags = r.u32();
      if (!r.ok()) return;
      DataSegment segment;
      if (flags == 1) {
        segment.mode = SegmentMode::Passive;
      } else if (flags == 0 || flags == 2) {
        segment.mode = SegmentMode::Active;
        if (flags == 2) segment.memory_index = r.u32();
        if (!r.ok()) return;
        if (segment.memory_index >= module_->memories.size())
          return invalid(r, seg_at, "unknown memory %u", segment.memory_index);
        const ValType index_type = module_->memories[segment.memory_index].type.addressType();
        segment.offset = readConstExpr(r, index_type, module_->imported_global_count);
      } else {
        return r.malformedAt(seg_at, "malformed data segment kind");
      }
      const uint32_t size = r.u32();
      if (!r.ok()) return;
      if (size > r.remaining()) return r.malformedAt(seg_at, "unexpected end of section or function: data segment");
      segment.data_offset = static_cast<uint32_t>(r.offset());
      segment.data_size = size;
      r.skip(size);
      module_->data.push_back(segment);
    }
  }

  // ---- custom sections and names ------------------------------------------------------------
  void decodeCustomSection(BinaryReader& r) {
    CustomSection custom;
    custom.name = r.name();
    if (!r.ok()) return;
    custom.offset = static_cast<uint32_t>(r.offset());
    custom.size = static_cast<uint32_t>(r.remaining());
    if (custom.name == "name") decodeNameSection(r);
    r.skip(r.remaining());
    module_->custom_sections.push_back(std::move(custom));
  }

  // The name section is advisory: a malformed one is dropped without failing the module.
  // Only the module's and the functions' names are read (backtraces, profilers); the other
  // subsections (locals' names, most of the section in a module built with debug names) are
  // skipped unread, since nothing in Wisp shows them.
  void decodeNameSection(BinaryReader r) {
    std::string module_name;
    NameMap function_names;
    while (r.ok() && !r.atEnd()) {
      const uint8_t id = r.u8();
      const uint32_t size = r.u32();
      if (!r.ok() || size > r.remaining()) return;
      BinaryReader sub(r.pos(), r.pos() + size, r.offset());
      r.skip(size);
      if (id == 0) {
        module_name = sub.name();
      } else if (id == 1) {
        if (!readNameMap(sub, function_names)) return;
      }
      if (!sub.ok()) return;
    }
    if (!r.ok()) return;
    module_->module_name = std::move(module_name);
    module_->function_names = std::move(function_names);
  }

  bool readNameMap(BinaryReader& r, NameMap& map) {
    const uint32_t count = readCount(r, 2);
    map.reserve(count, r.remaining());  // the names' bytes are at most the subsection's
    for (uint32_t i = 0; i < count && r.ok(); ++i) {
      const uint32_t index = r.u32();
      const std::string_view name = r.nameView();
      if (!map.empty() && map.entries().back().index >= index) return false;
      map.add(index, name);
    }
    return r.ok();
  }

  // ---- whole-module checks -------------------------------------------------------------------
  void finish() {
    if (!seen_code_section_ && declared_function_count_ != 0)
      return reader_.malformedAt(reader_.offset(),
                                 "function and code section have inconsistent lengths");
    if (!seen_data_section_ && module_->data_count && *module_->data_count != 0)
      return reader_.malformedAt(reader_.offset(),
                                 "data count and data section have inconsistent lengths");
  }

  std::unique_ptr<Module> module_;
  DecodeOptions options_;
  BinaryReader reader_;
  uint32_t declared_function_count_ = 0;
  bool seen_code_section_ = false;
  bool seen_data_section_ = false;
};

}  // namespace

Result<std::unique_ptr<Module>> decodeModule(std::span<const uint8_t> bytes,
                                             const DecodeOptions& options) {
  return ModuleDecoder(bytes, options).decode();
}

}  // namespace wisp::wasm
