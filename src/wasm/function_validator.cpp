#include "wasm/function_validator.h"

#include <algorithm>

#include "wasm/binary_reader.h"
#include "wasm/opcodes.h"

namespace wisp::wasm {
namespace {

// Reads a body for well-formedness only, without types. The spec decodes a whole module
// before validating it, so a malformed body must win over an invalid one found earlier in
// the walk; this is how Wisp checks that on the (rare) path where validation failed.
class BodySkimmer {
 public:
  BodySkimmer(const Module& module, uint32_t function_index)
      : module_(module),
        reader_(module.bytes.data() + module.functions[function_index].body_offset,
                module.bytes.data() + module.functions[function_index].body_offset +
                    module.functions[function_index].body_size,
                module.functions[function_index].body_offset) {}

  std::optional<Error> skim() {
    skimLocals();
    uint32_t depth = 1;
    while (reader_.ok() && depth > 0) {
      if (reader_.atEnd()) {
        reader_.malformed("unexpected end of function body: END opcode expected");
        break;
      }
      at_ = reader_.offset();
      const uint8_t byte = reader_.u8();
      Opcode op;
      if (byte == kPrefixMisc || byte == kPrefixSimd) {
        const uint32_t code = reader_.u32();
        if (reader_.ok() && (!lookupPrefixedOpcode(byte, code, &op) ||
                             (byte == kPrefixSimd &&
                              (!module_.features.simd || (code >= kFirstRelaxedSimdCode &&
                                                          !module_.features.relaxed_simd)))))
          reader_.malformedAt(at_, "illegal opcode");
      } else if (!lookupOpcode(byte, &op)) {
        reader_.malformedAt(at_, "illegal opcode");
      }
      if (!reader_.ok()) break;
      if ((op == Opcode::ReturnCall || op == Opcode::ReturnCallIndirect) &&
          !module_.features.tail_call)
        reader_.malformedAt(at_, "illegal opcode (tail calls need the tail-call feature, which is off)");
      if (isExceptionHandlingOpcode(op) && !module_.features.exceptions)
        reader_.malformedAt(at_, "illegal opcode");  // as before the feature existed
      // A delegate ends its try as an end would.
      if (op == Opcode::End || op == Opcode::Delegate) --depth;
      skimImmediate(op, depth);
    }
    if (reader_.ok() && !reader_.atEnd())
      reader_.malformed("section size mismatch: bytes after the function's final END");
    return reader_.error();
  }
 private:
  void skimLocals() {
    const uint32_t groups = reader_.u32();
    uint64_t total = 0;
    for (uint32_t g = 0; g < groups && reader_.ok(); ++g) {
      const size_t at = reader_.offset();
      total += reader_.u32();
      const uint8_t type = reader_.u8();
      if (!reader_.ok()) return;
      if (total > kMaxFunctionLocals) return reader_.malformedAt(at, "too many locals");
      if (!isValType(type, module_.features))
        return reader_.malformedAt(at, "malformed value type");
    }
  }

  void skimBlockType() {
    const uint8_t byte = reader_.peekU8();
    if (byte == 0x40 || isValType(byte, module_.features)) return reader_.skip(1);
    if (reader_.s33() < 0 && reader_.ok()) reader_.malformedAt(at_, "malformed block type");
  }

  void skimMemArg() {
    const uint32_t flags = reader_.u32();
    if (module_.features.multi_memory && (flags & 0x40)) reader_.u32();
    if (module_.features.memory64) reader_.u64();
    else reader_.u32();
  }

  void skimMemoryIndex() {
    if (module_.features.multi_memory) {
      reader_.u32();
    } else if (reader_.u8() != 0 && reader_.ok()) {
      reader_.malformedAt(at_, "zero byte expected");
    }
  }

  void skimImmediate(Opcode op, uint32_t& depth) {
    switch (opcodeInfo(op).imm) {
      case Imm::None: return;
      case Imm::Block:
        ++depth;
        return skimBlockType();
      case Imm::TryTable: {
        ++depth;
        skimBlockType();
        const uint32_t count = reader_.u32();
        if (count > reader_.remaining()) return reader_.unexpectedEnd();
        for (uint32_t i = 0; i < count && reader_.ok(); ++i) {
          const uint8_t kind = reader_.u8();
          if (!reader_.ok()) return;
          if (kind > 3) return reader_.malformedAt(at_, "malformed catch clause");
          if (kind < 2) reader_.u32();  // catch and catch_ref name a tag
          reader_.u32();                // the label
        }
        return;
      }
      case Imm::BrTable: {
        const uint32_t count = reader_.u32();
        if (count > reader_.remaining()) return reader_.unexpectedEnd();
        for (uint32_t i = 0; i <= count && reader_.ok(); ++i) reader_.u32();
        return;
      }
      case Imm::CallIndirect:
      case Imm::TableInit:
      case Imm::TableCopy:
        reader_.u32();
        reader_.u32();
        return;
      case Imm::SelectTypes: {
        const uint32_t count = reader_.u32();
        if (count > reader_.remaining()) return reader_.unexpectedEnd();
        for (uint32_t i = 0; i < count && reader_.ok(); ++i)
          if (!isValType(reader_.u8(), module_.features) && reader_.ok())
            reader_.malformedAt(at_, "malformed value type");
        return;
      }
      case Imm::Label: case Imm::Func: case Imm::Local: case Imm::Global: case Imm::Table:
      case Imm::Data: case Imm::Elem: case Imm::Tag:
        reader_.u32();
        return;
      case Imm::MemArg: return skimMemArg();
      case Imm::MemArgLane:
        skimMemArg();
        reader_.u8();
        return;
      case Imm::MemoryIndex: return skimMemoryIndex();
      case Imm::MemoryInit:
        reader_.u32();
        return skimMemoryIndex();
      case Imm::MemoryCopy:
        skimMemoryIndex();
        return skimMemoryIndex();
      case Imm::I32: reader_.s32(); return;
      case Imm::I64: reader_.s64(); return;
      case Imm::F32: reader_.skip(4); return;
      case Imm::F64: reader_.skip(8); return;
      case Imm::V128: case Imm::Shuffle: reader_.skip(16); return;
      case Imm::Lane: reader_.skip(1); return;
      case Imm::HeapType: {
        const uint8_t byte = reader_.u8();
        if (reader_.ok() && !isRefType(byte, module_.features))
          reader_.malformedAt(at_, "malformed reference type");
        return;
      }
    }
  }

  const Module& module_;
  BinaryReader reader_;
  size_t at_ = 0;
};

}  // namespace

std::optional<Error> validateFunction(const Module& module, uint32_t function_index,
                                      FunctionDecoderContext& context) {
  NullVisitor visitor;
  FunctionDecoder<NullVisitor> decoder(module, function_index, context, visitor);
  return decoder.decode();
}

std::optional<Error> findMalformedBody(const Module& module, uint32_t first_function) {
  const auto count = static_cast<uint32_t>(module.functions.size());
  for (uint32_t k = std::max(first_function, module.imported_function_count); k < count; ++k) {
    if (auto malformed = BodySkimmer(module, k).skim()) {
      malformed->function_index = k;
      return malformed;
    }
  }
  return std::nullopt;
}

std::optional<Error> validateFunctions(const Module& module) {
  FunctionDecoderContext context;
  const auto count = static_cast<uint32_t>(module.functions.size());
  for (uint32_t i = module.imported_function_count; i < count; ++i) {
    auto error = validateFunction(module, i, context);
    if (!error) continue;
    if (error->kind == ErrorKind::Invalid) {
      if (auto malformed = findMalformedBody(module, i)) return malformed;
    }
    return error;
  }
  return std::nullopt;
}

}  // namespace wisp::wasm
