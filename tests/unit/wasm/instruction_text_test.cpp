// bodyText: each instruction's text, offset in the module and nesting depth.
#include "wasm/instruction_text.h"

#include <gtest/gtest.h>

#include "module_builder.h"

namespace wisp::wasm {
namespace {

using test::Bytes;

std::unique_ptr<Module> decode(const Bytes& bytes) {
  auto module = decodeModule(bytes, {.features = {}, .validate_functions = false});
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().message);
  return module.ok() ? std::move(*module) : nullptr;
}

// The lines as "depth text" strings.
std::vector<std::string> linesOf(const BodyText& body) {
  std::vector<std::string> lines;
  for (const InstructionText& line : body.lines)
    lines.push_back(std::to_string(line.depth) + " " + line.text);
  return lines;
}

TEST(InstructionText, InstructionsWithImmediatesAndDepths) {
  const Bytes body = {
      0x01, 0x01, 0x7F,              // one local i32
      0x02, 0x40,                    // block
      0x20, 0x00,                    //   local.get 0
      0x0D, 0x00,                    //   br_if 0
      0x03, 0x7F,                    //   loop (result i32)
      0x41, 0x7B,                    //     i32.const -5
      0x0B,                          //   end
      0x1A,                          //   drop
      0x0B,                          // end
      0x20, 0x01,                    // local.get 1
      0x28, 0x00, 0x08,              // i32.load offset=8 align=1
      0x43, 0x00, 0x00, 0xC0, 0x3F,  // f32.const 1.5
      0x1A, 0x1A,                    // drop drop
      0x0E, 0x02, 0x00, 0x01, 0x00,  // br_table 0 1 0
      0x0B,
  };
  auto module = decode(test::moduleWithFunction({0x7F}, {}, body));
  ASSERT_TRUE(module);
  const BodyText text = bodyText(*module, 0);
  EXPECT_EQ(text.error, "");
  EXPECT_EQ(linesOf(text), (std::vector<std::string>{
                               "0 entry (local i32)", "1 block", "2 local.get 0", "2 br_if 0",
                               "2 loop (result i32)", "3 i32.const -5", "2 end", "2 drop",
                               "1 end", "1 local.get 1", "1 i32.load offset=8 align=1",
                               "1 f32.const 1.5", "1 drop", "1 drop", "1 br_table 0 1 0",
                               "0 end"}));
  const uint32_t body_offset = module->functions[0].body_offset;
  EXPECT_EQ(text.lines[0].offset, body_offset);
  EXPECT_EQ(text.lines[1].offset, body_offset + 3);  // after the locals' declaration
  EXPECT_EQ(text.lines[2].offset, body_offset + 5);
}

TEST(InstructionText, LongRunsOfLocalsAreCounted) {
  const Bytes body = {0x02, 0x0A, 0x7E, 0x02, 0x7C, 0x0B};  // 10 x i64, 2 x f64; end
  auto module = decode(test::moduleWithFunction({}, {}, body));
  ASSERT_TRUE(module);
  EXPECT_EQ(bodyText(*module, 0).lines[0].text, "entry (local i64 x10 f64 f64)");
}

TEST(InstructionText, CallsNameTheirTarget) {
  // Two functions of type () -> (); the second calls the first, which the name section names.
  const Bytes names = [] {
    Bytes payload = {0x04, 'n', 'a', 'm', 'e', 0x01};
    const Bytes map = {0x01, 0x00, 0x03, 'a', 'd', 'd'};
    test::appendU32(payload, static_cast<uint32_t>(map.size()));
    payload.insert(payload.end(), map.begin(), map.end());
    return test::section(0, payload);
  }();
  const Bytes bytes = test::moduleOf({
      test::section(1, {0x01, 0x60, 0x00, 0x00}),
      test::section(3, {0x02, 0x00, 0x00}),
      test::section(10, {0x02, 0x02, 0x00, 0x0B, 0x06, 0x00, 0x10, 0x00, 0x10, 0x01, 0x0B}),
      names,
  });
  auto module = decode(bytes);
  ASSERT_TRUE(module);
  EXPECT_EQ(linesOf(bodyText(*module, 1)),
            (std::vector<std::string>{"0 entry", "1 call 0 <add>", "1 call 1", "0 end"}));
}

TEST(InstructionText, FloatsAndPrefixedInstructions) {
  const Bytes body = {
      0x00,
      0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x7F,     // f64.const inf
      0x43, 0x01, 0x00, 0xC0, 0xFF,           // f32.const -nan:0x400001
      0x43, 0x00, 0x00, 0xC0, 0x7F,           // f32.const nan
      0xFC, 0x0B, 0x00,                       // memory.fill
      0xFC, 0x08, 0x03, 0x00,                 // memory.init 3
      0xFC, 0x02,                             // i32.trunc_sat_f64_s
      0xD0, 0x6F,                             // ref.null extern
      0x0B,
  };
  auto module = decode(test::moduleWithFunction({}, {}, body));
  ASSERT_TRUE(module);
  EXPECT_EQ(linesOf(bodyText(*module, 0)),
            (std::vector<std::string>{"0 entry", "1 f64.const inf", "1 f32.const -nan:0x400001",
                                      "1 f32.const nan", "1 memory.fill", "1 memory.init 3",
                                      "1 i32.trunc_sat_f64_s", "1 ref.null extern", "0 end"}));
}

TEST(InstructionText, UndecodableBytesEndTheText) {
  const Bytes body = {0x00, 0x01, 0xFF, 0x0B};  // nop, then no opcode
  auto module = decode(test::moduleWithFunction({}, {}, body));
  ASSERT_TRUE(module);
  const BodyText text = bodyText(*module, 0);
  EXPECT_EQ(linesOf(text), (std::vector<std::string>{"0 entry", "1 nop"}));
  EXPECT_NE(text.error.find("unknown opcode 0xff at 0x"), std::string::npos) << text.error;

  const Bytes truncated = {0x00, 0x41};  // i32.const without its value
  auto module2 = decode(test::moduleWithFunction({}, {}, truncated));
  ASSERT_TRUE(module2);
  const BodyText text2 = bodyText(*module2, 0);
  EXPECT_EQ(linesOf(text2), (std::vector<std::string>{"0 entry"}));
  EXPECT_NE(text2.error.find("unexpected end"), std::string::npos) << text2.error;
}

}  // namespace
}  // namespace wisp::wasm
