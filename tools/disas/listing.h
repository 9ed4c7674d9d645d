// One block of machine code as text (golden files, `wisp explore`): an instruction a line, with
// its offset and bytes, and annotations that name what the bare numbers would hide (call
// targets, trap stubs, jump tables) and mask what varies from run to run (addresses of host
// functions).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "disassembler.h"

namespace wisp::disas {

struct ListingNotes {
  // Names the target of a direct call, or of a direct jump out of the listed code (a tail
  // call): an offset in the listed code, possibly outside it, as a two's complement wrap,
  // e.g. "func[1] <add>"; nullopt keeps capstone's number.
  std::function<std::optional<std::string>(uint64_t target)> call_target;
  // Names the host function a `movabs reg, imm64; call reg` pair calls, e.g. "memoryGrow";
  // nullopt (or no callback) shows it as "host function". Either way the address is masked, as
  // it varies from run to run; other 64-bit immediates are constants and stay.
  std::function<std::optional<std::string>(uint64_t address)> host_function;
  // Where this thread's entry state lies from the thread pointer (trampolines address it as
  // fs:[offset + field]): such operands show as fs:[<thread entry state> + field], with the
  // displacement masked, as the offset depends on the binary's TLS layout.
  std::optional<int32_t> thread_entry_state_offset;
  // Comments by instruction offset, printed after the instruction.
  std::map<uint64_t, std::vector<std::string>> comments;
};

// For ListingNotes::host_function: the name of the Wisp builtin at `address`, if one is there.
std::optional<std::string> builtinName(uint64_t address);

// One line of a listing: an instruction, or data in the code (padding, a jump table entry, a
// constant of the pool).
struct ListingLine {
  uint64_t offset = 0;
  uint32_t size = 0;
  std::string bytes;  // "48 8b 45 f8"; masked bytes are XX
  std::string text;   // "mov rax, qword ptr [rbp - 8]", "(padding)", ".long 8"
  std::vector<std::string> comments;
};

// The code as lines. A jump table (the code `lea reg, [rip + table]` ... `jmp reg`, then the
// table) is shown as padding and `.long` entries with their targets; the constant pool at the
// end as `.quad` entries.
std::vector<ListingLine> listLines(const Disassembler& disassembler,
                                   std::span<const uint8_t> code, const ListingNotes& notes);

// The lines as text: "   1a:  48 8b 45 f8     mov rax, qword ptr [rbp - 8]    ; comment", each
// ending in '\n'.
std::string listCode(const Disassembler& disassembler, std::span<const uint8_t> code,
                     const ListingNotes& notes);

}  // namespace wisp::disas
