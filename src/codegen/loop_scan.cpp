#include "codegen/loop_scan.h"

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

void LoopScan::note(uint32_t local, bool write) {
  if (local >= uses_.size()) return;  // invalid: validation will say so
  if (uses_[local] == 0 && !written_[local]) touched_.push_back(local);
  ++uses_[local];
  if (write) written_[local] = 1;
}

void LoopScan::scan(const uint8_t* pos, const uint8_t* end, uint32_t local_count,
                    uint32_t max_instructions) {
  for (uint32_t local : touched_) {
    uses_[local] = 0;
    written_[local] = 0;
  }
  touched_.clear();
  if (uses_.size() < local_count) {
    uses_.resize(local_count, 0);
    written_.resize(local_count, 0);
  }
  complete_ = false;
  Cursor c{pos, end};
  uint32_t depth = 0;
  for (uint32_t count = 0; count < max_instructions && c.ok; ++count) {
    const uint8_t b = c.byte();
    if (!c.ok) return;
    Opcode op;
    if (b == wasm::kPrefixMisc || b == wasm::kPrefixSimd) {
      const uint64_t code = c.leb();
      if (!c.ok || code > UINT32_MAX ||
          !wasm::lookupPrefixedOpcode(b, static_cast<uint32_t>(code), &op)) {
        return;
      }
    } else if (!wasm::lookupOpcode(b, &op)) {
      return;
    }
    switch (op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If: ++depth; break;
      case Opcode::End:
        if (depth == 0) {
          complete_ = true;
          return;
        }
        --depth;
        break;
      case Opcode::LocalGet: note(static_cast<uint32_t>(c.leb()), false); continue;
      case Opcode::LocalSet: case Opcode::LocalTee:
        note(static_cast<uint32_t>(c.leb()), true);
        continue;
      default: break;
    }
    switch (wasm::opcodeInfo(op).imm) {
      case Imm::None: break;
      case Imm::Block: case Imm::HeapType: c.leb(); break;
      case Imm::Label: case Imm::Func: case Imm::Local: case Imm::Global: case Imm::Table:
      case Imm::MemoryIndex: case Imm::I32: case Imm::I64: case Imm::Data: case Imm::Elem:
        c.leb();
        break;
      case Imm::BrTable: {
        const uint64_t n = c.leb();
        for (uint64_t k = 0; k <= n && c.ok; ++k) c.leb();
        break;
      }
      case Imm::CallIndirect: case Imm::MemoryInit: case Imm::MemoryCopy:
      case Imm::TableInit: case Imm::TableCopy:
        c.leb();
        c.leb();
        break;
      case Imm::SelectTypes: {
        const uint64_t n = c.leb();
        for (uint64_t k = 0; k < n && c.ok; ++k) c.leb();
        break;
      }
      case Imm::MemArg: c.memArg(); break;
      case Imm::MemArgLane: c.memArg(); c.byte(); break;
      case Imm::F32: c.skip(4); break;
      case Imm::F64: c.skip(8); break;
      case Imm::V128: case Imm::Shuffle: c.skip(16); break;
      case Imm::Lane: c.byte(); break;
    }
  }
}

}  // namespace wisp::codegen
