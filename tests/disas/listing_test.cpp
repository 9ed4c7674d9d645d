#include "listing.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "runtime/builtins.h"

namespace wisp::disas {
namespace {

// The line that lists the code at `offset` ("   1c:  ...").
std::string lineAt(const std::string& listing, const std::string& offset) {
  const std::string prefix = std::string(5 - offset.size(), ' ') + offset + ":";
  for (size_t at = 0; at < listing.size();) {
    const size_t end = listing.find('\n', at);
    std::string line = listing.substr(at, end - at);
    if (line.starts_with(prefix)) return line;
    at = end + 1;
  }
  return "";
}

TEST(Listing, InstructionsWithOffsetsAndBytes) {
  const std::vector<uint8_t> code = {0x55, 0x48, 0x89, 0xe5, 0xc3};
  EXPECT_EQ(listCode(Disassembler(CodeIsa::X86_64), code, {}),
            "    0:  55                              push rbp\n"
            "    1:  48 89 e5                        mov rbp, rsp\n"
            "    4:  c3                              ret\n");
}

TEST(Listing, HostFunctionIsNamedAndItsAddressMasked) {
  // movabs r11, 0x1122334455667788; call r11
  const std::vector<uint8_t> code = {0x49, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44,
                                     0x33, 0x22, 0x11, 0x41, 0xff, 0xd3};
  ListingNotes notes;
  notes.host_function = [](uint64_t address) -> std::optional<std::string> {
    if (address == 0x1122334455667788) return "builtin";
    return std::nullopt;
  };
  const std::string listing = listCode(Disassembler(CodeIsa::X86_64), code, notes);
  EXPECT_EQ(lineAt(listing, "0"),
            "    0:  49 bb XX XX XX XX XX XX XX XX   movabs r11, <builtin>");
  EXPECT_EQ(listing.find("88"), std::string::npos) << listing;
  EXPECT_EQ(lineAt(listing, "a"), "    a:  41 ff d3                        call r11");
}

TEST(Listing, UnnamedHostFunctionIsStillMasked) {
  const std::vector<uint8_t> code = {0x49, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44,
                                     0x33, 0x22, 0x11, 0x41, 0xff, 0xd3};
  EXPECT_EQ(lineAt(listCode(Disassembler(CodeIsa::X86_64), code, {}), "0"),
            "    0:  49 bb XX XX XX XX XX XX XX XX   movabs r11, <host function>");
}

TEST(Listing, SixtyFourBitConstantsStay) {
  // movabs r11, 0x1122334455667788; movq xmm15, r11: a constant, not a call target.
  const std::vector<uint8_t> code = {0x49, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33,
                                     0x22, 0x11, 0x66, 0x4d, 0x0f, 0x6e, 0xfb};
  ListingNotes notes;
  notes.host_function = [](uint64_t) -> std::optional<std::string> { return "builtin"; };
  const std::string listing = listCode(Disassembler(CodeIsa::X86_64), code, notes);
  EXPECT_EQ(lineAt(listing, "0"),
            "    0:  49 bb 88 77 66 55 44 33 22 11   movabs r11, 0x1122334455667788");
}

TEST(Listing, DirectCallTargetsAreNamedAndCommentsAligned) {
  // call -5 (to itself, offset 0); ud2
  const std::vector<uint8_t> code = {0xe8, 0xfb, 0xff, 0xff, 0xff, 0x0f, 0x0b};
  ListingNotes notes;
  notes.call_target = [](uint64_t target) -> std::optional<std::string> {
    if (target == 0) return "func[0] <self>";
    return std::nullopt;
  };
  notes.comments[5] = {"trap: unreachable", "@0x2a"};
  const std::string listing = listCode(Disassembler(CodeIsa::X86_64), code, notes);
  EXPECT_EQ(lineAt(listing, "0"), "    0:  e8 fb ff ff ff                  call func[0] <self>");
  EXPECT_EQ(lineAt(listing, "5"),
            "    5:  0f 0b                           ud2                                     "
            "; trap: unreachable, @0x2a");
}

TEST(Listing, JumpTableIsListedAsData) {
  const std::vector<uint8_t> code = {
      0x90,                                      // 0: nop
      0x4c, 0x8d, 0x1d, 0x0c, 0x00, 0x00, 0x00,  // 1: lea r11, [rip + 12] -> 0x14
      0x49, 0x63, 0x04, 0x83,                    // 8: movsxd rax, dword ptr [r11 + rax*4]
      0x4c, 0x01, 0xd8,                          // c: add rax, r11
      0xff, 0xe0,                                // f: jmp rax
      0x00, 0x00, 0x00,                          // 11: padding
      0x08, 0x00, 0x00, 0x00,                    // 14: -> 0x1c
      0x09, 0x00, 0x00, 0x00,                    // 18: -> 0x1d
      0xc3,                                      // 1c: ret
      0xc3,                                      // 1d: ret
  };
  const std::string listing = listCode(Disassembler(CodeIsa::X86_64), code, {});
  EXPECT_EQ(lineAt(listing, "11"), "   11:  00 00 00                        (padding)");
  EXPECT_EQ(lineAt(listing, "14"),
            "   14:  08 00 00 00                     .long 8                                 ; -> 0x1c");
  EXPECT_EQ(lineAt(listing, "18"),
            "   18:  09 00 00 00                     .long 9                                 ; -> 0x1d");
  EXPECT_EQ(lineAt(listing, "1c"), "   1c:  c3                              ret");
  EXPECT_EQ(lineAt(listing, "1d"), "   1d:  c3                              ret");
}

// Every builtin has a name of its own, found by its address (a builtin added without one
// would show as "?").
TEST(Listing, EveryBuiltinIsNamedByItsAddress) {
  std::set<std::string> names;
  for (uint32_t i = 0; i < runtime::builtins::kBuiltinCount; ++i) {
    const auto builtin = static_cast<runtime::builtins::Builtin>(i);
    const auto name = builtinName(reinterpret_cast<uint64_t>(runtime::builtins::address(builtin)));
    ASSERT_TRUE(name) << i;
    EXPECT_NE(*name, "?") << i;
    names.insert(*name);
  }
  EXPECT_EQ(names.size(), runtime::builtins::kBuiltinCount);
}

TEST(Listing, UndecodableBytesAreShownOneByOne) {
  const std::vector<uint8_t> code = {0x06};  // push es: invalid in 64-bit mode
  EXPECT_EQ(listCode(Disassembler(CodeIsa::X86_64), code, {}), "    0:  06                              (not an instruction)\n");
}

}  // namespace
}  // namespace wisp::disas
