#include "wasm/instruction_text.h"

#include <bit>
#include <charconv>

#include "wasm/binary_reader.h"
#include "wasm/opcodes.h"

namespace wisp::wasm {
namespace {

// Appends " " and the operand.
void operand(std::string& text, const std::string& value) {
  text += ' ';
  text += value;
}

std::string hex(uint64_t value) {
  char digits[16];
  char* end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
  std::string text = "0x";
  text.append(digits, end);
  return text;
}

// Shortest text that reads back to the same value; NaNs with their payload when it is not
// the canonical one, as in the text format ("nan:0x200000").
template <typename Float, typename Bits>
std::string floatText(Bits bits) {
  constexpr int kMantissaBits = sizeof(Float) == 4 ? 23 : 52;
  constexpr Bits kMantissa = (Bits{1} << kMantissaBits) - 1;
  const Float value = std::bit_cast<Float>(bits);
  const bool negative = bits >> (sizeof(Bits) * 8 - 1);
  std::string sign = negative ? "-" : "";
  if (value != value) {
    const Bits payload = bits & kMantissa;
    if (payload == Bits{1} << (kMantissaBits - 1)) return sign + "nan";
    return sign + "nan:" + hex(payload);
  }
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, error == std::errc() ? end : text);
}

const char* typeName(uint8_t byte) {
  const bool known = isValType(byte) || byte == static_cast<uint8_t>(ValType::ExnRef);
  return known ? valTypeName(static_cast<ValType>(byte)) : "?";
}

// "call 3 <name>": the name section's, or an import's module.field.
std::string functionReference(const Module& module, uint32_t index) {
  std::string text = std::to_string(index);
  if (index >= module.functions.size()) return text;
  const std::string_view name = module.functionName(index);
  if (!name.empty()) return text + " <" + std::string(name) + ">";
  for (const Import& import : module.imports)
    if (import.kind == ExternKind::Func && import.index == index)
      return text + " <" + import.module + "." + import.name + ">";
  return text;
}

class BodyPrinter {
 public:
  BodyPrinter(const Module& module, uint32_t function_index)
      : module_(module),
        function_(module.functions[function_index]),
        reader_(module.bytes.data() + function_.body_offset,
                module.bytes.data() + function_.body_offset + function_.body_size,
                function_.body_offset) {}

  BodyText print() {
    printLocals();
    uint32_t depth = 1;
    while (reader_.ok() && !reader_.atEnd()) {
      const auto offset = static_cast<uint32_t>(reader_.offset());
      Opcode op;
      if (!readOpcode(op)) break;
      const std::string text = instruction(op);
      if (!reader_.ok()) break;
      if (closesBlock(op)) depth = depth ? depth - 1 : 0;
      out_.lines.push_back({offset, depth, text});
      if (opensBlock(op)) ++depth;
    }
    if (!reader_.ok() && out_.error.empty()) {
      const Error& error = *reader_.error();
      out_.error = error.message + " at " + hex(error.offset);
    }
    return std::move(out_);
  }

 private:
  // Else, catch and catch_all close one part of a block and open the next.
  static bool closesBlock(Opcode op) {
    return op == Opcode::End || op == Opcode::Else || op == Opcode::Catch ||
           op == Opcode::CatchAll || op == Opcode::Delegate;
  }
  static bool opensBlock(Opcode op) {
    return op == Opcode::Block || op == Opcode::Loop || op == Opcode::If || op == Opcode::Else ||
           op == Opcode::Try || op == Opcode::Catch || op == Opcode::CatchAll ||
           op == Opcode::TryTable;
  }

  void printLocals() {
    std::string text = "entry";
    const uint32_t groups = reader_.u32();
    std::string types;
    for (uint32_t i = 0; i < groups && reader_.ok(); ++i) {
      const uint32_t count = reader_.u32();
      const char* type = typeName(reader_.u8());
      // Runs of many locals of a type are common (C compilers declare them in groups).
      if (count > 4) {
        types += std::string(" ") + type + " x" + std::to_string(count);
        continue;
      }
      for (uint32_t k = 0; k < count; ++k) types += std::string(" ") + type;
    }
    if (!types.empty()) text += " (local" + types + ")";
    out_.lines.push_back({function_.body_offset, 0, text});
  }

  bool readOpcode(Opcode& op) {
    const size_t at = reader_.offset();
    const uint8_t byte = reader_.u8();
    bool known;
    uint32_t code = byte;
    if (byte == kPrefixMisc || byte == kPrefixSimd) {
      code = reader_.u32();
      known = reader_.ok() && lookupPrefixedOpcode(byte, code, &op);
    } else {
      known = lookupOpcode(byte, &op);
    }
    if (reader_.ok() && !known) {
      const std::string prefix = byte == code ? "" : hex(byte) + " ";
      out_.error = "unknown opcode " + prefix + hex(code) + " at " + hex(at);
    }
    return reader_.ok() && known;
  }

  std::string instruction(Opcode op) {
    const OpcodeInfo& info = opcodeInfo(op);
    std::string text = info.name;
    auto index = [&] { operand(text, std::to_string(reader_.u32())); };
    switch (info.imm) {
      case Imm::None: break;
      case Imm::Block: text += blockType(); break;
      case Imm::Label:
      case Imm::Local:
      case Imm::Global:
      case Imm::Table:
      case Imm::Data:
      case Imm::Elem:
      case Imm::Tag: index(); break;
      case Imm::TryTable:
        text += blockType();  // before the clauses, which follow it in the binary
        text += catchClauses();
        break;
      case Imm::Lane: operand(text, std::to_string(reader_.u8())); break;
      case Imm::BrTable: {
        const uint32_t count = reader_.u32();
        // Each target takes a byte at least: a count beyond the body is no table.
        if (count > reader_.remaining()) reader_.unexpectedEnd();
        for (uint32_t i = 0; i <= count && reader_.ok(); ++i) index();
        break;
      }
      case Imm::Func: operand(text, functionReference(module_, reader_.u32())); break;
      case Imm::CallIndirect: {
        const uint32_t type = reader_.u32();
        const uint32_t table = reader_.u32();
        if (table != 0) operand(text, std::to_string(table));
        text += " (type ";
        text += std::to_string(type);
        text += ')';
        break;
      }
      case Imm::SelectTypes: {
        const uint32_t count = reader_.u32();
        if (count > reader_.remaining()) reader_.unexpectedEnd();
        text += " (result";
        for (uint32_t i = 0; i < count && reader_.ok(); ++i)
          text += std::string(" ") + typeName(reader_.u8());
        text += ")";
        break;
      }
      case Imm::MemArg: text += memArg(info); break;
      case Imm::MemArgLane:
        text += memArg(info);
        operand(text, std::to_string(reader_.u8()));
        break;
      case Imm::MemoryIndex: {
        const uint32_t memory = reader_.u32();  // a zero byte in 2.0, a u32 with multi-memory
        if (memory != 0) operand(text, std::to_string(memory));
        break;
      }
      case Imm::I32: operand(text, std::to_string(reader_.s32())); break;
      case Imm::I64: operand(text, std::to_string(reader_.s64())); break;
      case Imm::F32: operand(text, floatText<float>(reader_.fixedU32())); break;
      case Imm::F64: operand(text, floatText<double>(reader_.fixedU64())); break;
      case Imm::V128: {
        uint32_t lanes[4];
        reader_.bytes(lanes, sizeof lanes);
        text += " i32x4";
        for (uint32_t lane : lanes) operand(text, hex(lane));
        break;
      }
      case Imm::Shuffle: {
        uint8_t lanes[16];
        reader_.bytes(lanes, sizeof lanes);
        for (uint8_t lane : lanes) operand(text, std::to_string(lane));
        break;
      }
      case Imm::HeapType: {
        const uint8_t byte = reader_.u8();
        operand(text, byte == static_cast<uint8_t>(ValType::FuncRef)     ? "func"
                      : byte == static_cast<uint8_t>(ValType::ExternRef) ? "extern"
                      : byte == static_cast<uint8_t>(ValType::ExnRef)    ? "exn"
                                                                         : hex(byte));
        break;
      }
      case Imm::MemoryInit:
      case Imm::TableInit: {
        const uint32_t segment = reader_.u32();
        const uint32_t memory_or_table = reader_.u32();
        if (memory_or_table != 0) operand(text, std::to_string(memory_or_table));
        operand(text, std::to_string(segment));
        break;
      }
      case Imm::MemoryCopy:
      case Imm::TableCopy: {  // destination, source; both 0 go without saying
        const uint32_t dst = reader_.u32();
        const uint32_t src = reader_.u32();
        if (dst != 0 || src != 0) {
          operand(text, std::to_string(dst));
          operand(text, std::to_string(src));
        }
        break;
      }
    }
    return text;
  }

  std::string blockType() {
    const uint8_t byte = reader_.peekU8();
    if (byte == 0x40) {
      reader_.u8();
      return "";
    }
    if (isValType(byte, module_.features)) {
      reader_.u8();
      return std::string(" (result ") + typeName(byte) + ")";
    }
    return " (type " + std::to_string(reader_.s33()) + ")";
  }

  // " (catch 0 1) (catch_all_ref 2)": each clause's tag, if it has one, then its label.
  std::string catchClauses() {
    static constexpr const char* kNames[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
    const uint32_t count = reader_.u32();
    if (count > reader_.remaining()) reader_.unexpectedEnd();
    std::string text;
    for (uint32_t i = 0; i < count && reader_.ok(); ++i) {
      const uint8_t kind = reader_.u8();
      if (kind >= std::size(kNames)) {
        reader_.malformed("malformed catch clause");
        break;
      }
      text += std::string(" (") + kNames[kind];
      if (kind < 2) operand(text, std::to_string(reader_.u32()));  // the tag
      operand(text, std::to_string(reader_.u32()));                // the label
      text += ')';
    }
    return text;
  }

  // " offset=8 align=1", each only when it is not the default; a memory other than 0 first.
  std::string memArg(const OpcodeInfo& info) {
    uint32_t flags = reader_.u32();
    uint32_t memory = 0;
    if (module_.features.multi_memory && (flags & 0x40)) {
      memory = reader_.u32();
      flags &= ~0x40u;
    }
    const uint64_t offset = module_.features.memory64 ? reader_.u64() : reader_.u32();
    std::string text;
    if (memory != 0) operand(text, std::to_string(memory));
    if (offset != 0) operand(text, "offset=" + std::to_string(offset));
    if (flags != info.extra && flags < 64)
      operand(text, "align=" + std::to_string(uint64_t{1} << flags));
    return text;
  }

  const Module& module_;
  const Function& function_;
  BinaryReader reader_;
  BodyText out_;
};

}  // namespace

BodyText bodyText(const Module& module, uint32_t function_index) {
  return BodyPrinter(module, function_index).print();
}

}  // namespace wisp::wasm
