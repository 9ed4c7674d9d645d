#include "codegen/loop_scan.h"

#include <array>

#include "wasm/opcodes.h"

namespace wisp::codegen {

using wasm::Imm;
using wasm::Opcode;

namespace {

// A cursor that fails (and then reads zeros) instead of running past the end.
struct Cursor {
  const uint8_t* pos;
  const uint8_t* end;
  bool ok = true;

  uint8_t byte() {
    if (pos >= end) {
      ok = false;
      return 0;
    }
    return *pos++;
  }
  uint64_t leb() {
    if (pos < end && *pos < 0x80) return *pos++;  // most immediates are one byte
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      const uint8_t b = byte();
      value |= static_cast<uint64_t>(b & 0x7F) << (shift < 64 ? shift : 63);
      if (!(b & 0x80)) return value;
    }
    ok = false;
    return 0;
  }
  void skip(size_t n) {
    if (static_cast<size_t>(end - pos) < n) {
      ok = false;
      pos = end;
      return;
    }
    pos += n;
  }
  void memArg() {
    const uint64_t flags = leb();
    if (flags & 0x40) leb();  // a memory index
    leb();                    // the offset
  }
};

}  // namespace

namespace {

// How the scan steps over a one-byte opcode, from a table built once (most instructions
// take the first two rows).
enum class Step : uint8_t {
  None, OneLeb, TwoLebs, LocalRead, LocalWrite, Open, End, Delegate, MemArg, Skip4, Skip8,
  BrTable, SelectTypes, Prefixed, Stop,
};

Step stepOf(const wasm::OpcodeInfo& info, Opcode op) {
  switch (op) {
    case Opcode::Block: case Opcode::Loop: case Opcode::If: case Opcode::Try: return Step::Open;
    case Opcode::End: return Step::End;
    case Opcode::Delegate: return Step::Delegate;  // ends a try, as `end` would
    case Opcode::TryTable: return Step::Stop;      // its clauses are not worth reading here
    case Opcode::LocalGet: return Step::LocalRead;
    case Opcode::LocalSet: case Opcode::LocalTee: return Step::LocalWrite;
    default: break;
  }
  switch (info.imm) {
    case Imm::None: return Step::None;
    case Imm::Block: case Imm::HeapType: case Imm::Label: case Imm::Func: case Imm::Local:
    case Imm::Global: case Imm::Table: case Imm::MemoryIndex: case Imm::I32: case Imm::I64:
    case Imm::Data: case Imm::Elem: case Imm::Tag:
      return Step::OneLeb;
    case Imm::CallIndirect: case Imm::MemoryInit: case Imm::MemoryCopy: case Imm::TableInit:
    case Imm::TableCopy:
      return Step::TwoLebs;
    case Imm::MemArg: return Step::MemArg;
    case Imm::F32: return Step::Skip4;
    case Imm::F64: return Step::Skip8;
    case Imm::BrTable: return Step::BrTable;
    case Imm::SelectTypes: return Step::SelectTypes;
    default: return Step::Stop;  // no one-byte opcode has the others
  }
}

const std::array<Step, 256>& oneByteSteps() {
  static const std::array<Step, 256> steps = [] {
    std::array<Step, 256> table;
    for (int b = 0; b < 256; ++b) {
      Opcode op;
      if (b == wasm::kPrefixMisc || b == wasm::kPrefixSimd) table[b] = Step::Prefixed;
      else if (!wasm::lookupOpcode(static_cast<uint8_t>(b), &op)) table[b] = Step::Stop;
      else table[b] = stepOf(wasm::opcodeInfo(op), op);
    }
    return table;
  }();
  return steps;
}

}  // namespace

void LoopScan::scan(const uint8_t* pos, const uint8_t* end, uint32_t local_count,
                    uint32_t max_instructions) {
  for (uint32_t local : touched_) marks_[local] = 0;
  touched_.clear();
  if (marks_.size() < local_count) marks_.resize(local_count, 0);
  complete_ = false;
  local_count_ = local_count;
  const std::array<Step, 256>& steps = oneByteSteps();
  Cursor c{pos, end};
  uint32_t depth = 0;
  for (uint32_t count = 0; count < max_instructions && c.ok; ++count) {
    const uint8_t b = c.byte();
    if (!c.ok) return;
    Step step = steps[b];
    if (step == Step::Prefixed) {
      const uint64_t code = c.leb();
      Opcode op;
      if (!c.ok || code > UINT32_MAX ||
          !wasm::lookupPrefixedOpcode(b, static_cast<uint32_t>(code), &op)) {
        return;
      }
      const wasm::OpcodeInfo& info = wasm::opcodeInfo(op);
      switch (info.imm) {
        case Imm::V128: case Imm::Shuffle: c.skip(16); continue;
        case Imm::Lane: c.byte(); continue;
        case Imm::MemArgLane: c.memArg(); c.byte(); continue;
        default: step = stepOf(info, op); break;
      }
    }
    switch (step) {
      case Step::None: break;
      case Step::OneLeb: c.leb(); break;
      case Step::TwoLebs: c.leb(); c.leb(); break;
      case Step::LocalRead: note(static_cast<uint32_t>(c.leb()), false); break;
      case Step::LocalWrite: note(static_cast<uint32_t>(c.leb()), true); break;
      case Step::Open: c.leb(); ++depth; break;
      case Step::End:
        if (depth == 0) {
          complete_ = true;
          begin_ = pos;
          end_ = c.pos;
          return;
        }
        --depth;
        break;
      case Step::Delegate:
        if (depth == 0) return;  // no try to end: malformed, validation will say so
        c.leb();
        --depth;
        break;
      case Step::MemArg: c.memArg(); break;
      case Step::Skip4: c.skip(4); break;
      case Step::Skip8: c.skip(8); break;
      case Step::BrTable: {
        const uint64_t n = c.leb();
        for (uint64_t k = 0; k <= n && c.ok; ++k) c.leb();
        break;
      }
      case Step::SelectTypes: {
        const uint64_t n = c.leb();
        for (uint64_t k = 0; k < n && c.ok; ++k) c.leb();
        break;
      }
      case Step::Prefixed: case Step::Stop: return;
    }
  }
}

}  // namespace wisp::codegen
