#include "listing.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "runtime/builtins.h"

namespace wisp::disas {
namespace {

constexpr size_t kBytesColumn = 32;  // ten bytes (a movabs) and a gap
constexpr size_t kTextColumn = 40;

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%" PRIx64, value);
  return text;
}

std::string byteText(std::span<const uint8_t> bytes, size_t mask_from = 0, size_t mask_size = 0) {
  std::string text;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i) text += ' ';
    if (i >= mask_from && i < mask_from + mask_size) {
      text += "XX";  // varies from run to run
    } else {
      char pair[3];
      std::snprintf(pair, sizeof pair, "%02x", bytes[i]);
      text += pair;
    }
  }
  return text;
}

void padTo(std::string& line, size_t column) {
  if (line.size() < column) line.append(column - line.size(), ' ');
  else line += ' ';
}

void appendLine(std::vector<ListingLine>& out, uint64_t offset, uint32_t size, std::string bytes,
                std::string text, std::vector<std::string> comments = {}) {
  out.push_back({offset, size, std::move(bytes), std::move(text), std::move(comments)});
}

std::string formatLine(const ListingLine& listed) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%5" PRIx64 ":  ", listed.offset);
  std::string line = prefix + listed.bytes;
  padTo(line, std::strlen(prefix) + kBytesColumn);
  line += listed.text;
  if (!listed.comments.empty()) {
    padTo(line, std::strlen(prefix) + kBytesColumn + kTextColumn);
    line += ';';
    for (size_t i = 0; i < listed.comments.size(); ++i)
      line += (i ? ", " : " ") + listed.comments[i];
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + '\n';
}

int32_t readInt32(std::span<const uint8_t> code, uint64_t at) {
  int32_t value;
  std::memcpy(&value, code.data() + at, 4);
  return value;
}

// Lists the padding before the table at `table` and its entries: int32 deltas from the table
// start to code of this block. The entry count is not in the code, so the table ends at the
// first entry that is no delta into the block, or where the code of a target begins.
uint64_t listJumpTable(std::span<const uint8_t> code, uint64_t at, uint64_t table,
                       std::vector<ListingLine>& out) {
  if (table > at) {
    appendLine(out, at, static_cast<uint32_t>(table - at), byteText(code.subspan(at, table - at)),
               "(padding)");
    at = table;
  }
  uint64_t limit = code.size();
  while (at + 4 <= limit) {
    const int64_t delta = readInt32(code, at);
    const int64_t target = static_cast<int64_t>(table) + delta;
    if (target < 0 || static_cast<uint64_t>(target) >= code.size()) break;
    if (static_cast<uint64_t>(target) > table) limit = std::min<uint64_t>(limit, target);
    appendLine(out, at, 4, byteText(code.subspan(at, 4)), ".long " + std::to_string(delta),
               {"-> " + hex(static_cast<uint64_t>(target))});
    at += 4;
  }
  return at;
}

std::string destinationOf(const Instruction& insn) {
  return insn.operands.substr(0, insn.operands.find(','));
}

// True for the `movabs reg, address` of `movabs reg, address; call reg`.
bool callsThroughRegister(const Disassembler& disassembler, std::span<const uint8_t> code,
                          const Instruction& movabs) {
  std::optional<Instruction> next = disassembler.decodeAt(code, movabs.end());
  return next && next->is_call && !next->direct_target && next->operands == destinationOf(movabs);
}

}  // namespace

std::optional<std::string> builtinName(uint64_t address) {
  for (uint32_t i = 0; i < runtime::builtins::kBuiltinCount; ++i) {
    const auto builtin = static_cast<runtime::builtins::Builtin>(i);
    if (reinterpret_cast<uint64_t>(runtime::builtins::address(builtin)) == address)
      return runtime::builtins::name(builtin);
  }
  return std::nullopt;
}

std::vector<ListingLine> listLines(const Disassembler& disassembler,
                                   std::span<const uint8_t> code, const ListingNotes& notes) {
  std::vector<ListingLine> out;
  constexpr uint64_t kNoTable = UINT64_MAX;
  uint64_t pending_table = kNoTable;  // from `lea reg, [rip + table]`
  // The constant pool closes the code: it begins at the lowest address that an instruction
  // other than a jump table's lea reads (every such instruction comes before it).
  uint64_t data_start = code.size();
  // AArch64's literals inside the code (`ldr reg, literal` reads them): offset -> size.
  std::map<uint64_t, uint8_t> literals;
  bool after_thread_pointer = false;
  uint64_t at = 0;
  while (at < code.size()) {
    if (auto literal = literals.find(at); literal != literals.end() && at + literal->second <= code.size()) {
      const uint8_t size = literal->second;
      uint64_t value = 0;
      std::memcpy(&value, code.data() + at, size);
      // An address of this process (a builtin's), masked as movabs's immediate is on x86-64.
      std::optional<std::string> name;
      if (size == 8) {
        if (notes.host_function) name = notes.host_function(value);
        if (!name) name = "host function";
      }
      if (name) {
        appendLine(out, at, size, byteText(code.subspan(at, size), 0, size), ".quad <" + *name + ">");
      } else {
        appendLine(out, at, size, byteText(code.subspan(at, size)),
                   (size == 8 ? ".quad " : ".word ") + hex(value));
      }
      at += size;
      continue;
    }
    if (at >= data_start) {
      const size_t size = std::min<size_t>(8, code.size() - at);
      uint64_t value = 0;
      std::memcpy(&value, code.data() + at, size);
      appendLine(out, at, static_cast<uint32_t>(size), byteText(code.subspan(at, size)),
                 ".quad " + hex(value));
      at += size;
      continue;
    }
    std::optional<Instruction> insn = disassembler.decodeAt(code, at);
    if (insn && insn->end() > data_start) insn.reset();  // alignment before the pool
    if (!insn && at < data_start && data_start < code.size()) {
      appendLine(out, at, static_cast<uint32_t>(data_start - at),
                 byteText(code.subspan(at, data_start - at)), "(padding)");
      at = data_start;
      continue;
    }
    if (!insn) {
      appendLine(out, at, 1, byteText(code.subspan(at, 1)), "(not an instruction)");
      ++at;
      continue;
    }
    std::string mnemonic = insn->mnemonic, operands = insn->operands;
    size_t mask_from = 0, mask_size = 0;
    // A direct jump out of the listed code is a tail call: its target is named as a call's.
    const bool leaves_code = insn->direct_target && *insn->direct_target >= code.size();
    if ((insn->is_call || leaves_code) && insn->direct_target && notes.call_target) {
      if (auto name = notes.call_target(*insn->direct_target)) operands = *name;
    }
    if (insn->imm64 && callsThroughRegister(disassembler, code, *insn)) {
      std::optional<std::string> name;
      if (notes.host_function) name = notes.host_function(*insn->imm64);
      operands = destinationOf(*insn) + ", <" + name.value_or("host function") + ">";
      mask_from = insn->imm_offset;
      mask_size = insn->imm_size;
    }
    // mov r64, fs:[disp32] / mov fs:[disp32], r64: 64 REX 8B/89 ModRM SIB disp32.
    if (notes.thread_entry_state_offset && insn->bytes.size() == 9 && insn->bytes[0] == 0x64) {
      const int32_t disp = readInt32(insn->bytes, 5);
      const size_t open = operands.find("fs:[");
      const size_t close = operands.find(']', open);
      if (open != std::string::npos && close != std::string::npos) {
        const int64_t field = int64_t{disp} - *notes.thread_entry_state_offset;
        operands = operands.substr(0, open) + "fs:[<thread entry state> + " +
                   hex(static_cast<uint64_t>(field)) + "]" + operands.substr(close + 1);
        mask_from = 5;
        mask_size = 4;
      }
    }
    // AArch64: an access [x17, #imm] right after `mrs x17, tpidr_el0` is a field of the
    // thread's entry state; its offset varies with the binary, so it is named and masked, and
    // the scaled and unscaled forms (ldr, ldur) listed as one: which one the offset fits
    // depends on where the binary's TLS lies (below the thread pointer on an x86-64 host).
    if (notes.thread_entry_state_offset && after_thread_pointer) {
      const size_t open = operands.find("[x17, #");
      const size_t close = operands.find(']', open);
      if (open != std::string::npos && close != std::string::npos) {
        const int64_t disp = std::strtoll(operands.c_str() + open + 7, nullptr, 0);
        const int64_t field = disp - *notes.thread_entry_state_offset;
        operands = operands.substr(0, open) + "[x17, <thread entry state> + " +
                   hex(static_cast<uint64_t>(field)) + "]" + operands.substr(close + 1);
        mask_from = 0;
        mask_size = 4;
        if (mnemonic == "ldur") mnemonic = "ldr";
        if (mnemonic == "stur") mnemonic = "str";
      }
    }
    after_thread_pointer = insn->mnemonic == "mrs" && insn->operands.starts_with("x17, tpidr_el0");
    if (insn->literal_target && *insn->literal_target < code.size())
      literals[*insn->literal_target] = insn->literal_size;
    if (insn->rip_target && *insn->rip_target < code.size()) {
      if (insn->mnemonic == "lea") pending_table = *insn->rip_target;
      else data_start = std::min(data_start, *insn->rip_target);
    }

    auto comments = notes.comments.find(at);
    appendLine(out, at, static_cast<uint32_t>(insn->bytes.size()),
               byteText(insn->bytes, mask_from, mask_size),
               operands.empty() ? mnemonic : mnemonic + ' ' + operands,
               comments == notes.comments.end() ? std::vector<std::string>{} : comments->second);
    at = insn->end();
    if (insn->is_indirect_jump && pending_table != kNoTable && pending_table >= at) {
      at = listJumpTable(code, at, pending_table, out);
      pending_table = kNoTable;
    }
  }
  return out;
}

std::string listCode(const Disassembler& disassembler, std::span<const uint8_t> code,
                     const ListingNotes& notes) {
  std::string text;
  for (const ListingLine& line : listLines(disassembler, code, notes)) text += formatLine(line);
  return text;
}

}  // namespace wisp::disas
