// Regression tests for what fuzzing and the hang check found (fuzz/run.sh; see fuzz/).
#include <gtest/gtest.h>

#include "module_builder.h"
#include "wasm/module.h"

namespace wisp::wasm {
namespace {

using test::appendU32;
using test::Bytes;
using test::moduleOf;
using test::section;

constexpr uint8_t I32 = 0x7F, I64 = 0x7E;

// A function type entry: 0x60, params, results.
Bytes funcType(const Bytes& params, const Bytes& results) {
  Bytes out{0x60};
  appendU32(out, static_cast<uint32_t>(params.size()));
  out.insert(out.end(), params.begin(), params.end());
  appendU32(out, static_cast<uint32_t>(results.size()));
  out.insert(out.end(), results.begin(), results.end());
  return out;
}

// A module with the given types and one function of type `function_type` with `body`.
Bytes moduleOfTypes(const std::vector<Bytes>& types, uint32_t function_type, const Bytes& body) {
  Bytes type_section;
  appendU32(type_section, static_cast<uint32_t>(types.size()));
  for (const Bytes& t : types) type_section.insert(type_section.end(), t.begin(), t.end());
  Bytes function_section{0x01};
  appendU32(function_section, function_type);
  Bytes code{0x01};
  appendU32(code, static_cast<uint32_t>(body.size()));
  code.insert(code.end(), body.begin(), body.end());
  return moduleOf({section(1, type_section), section(3, function_section), section(10, code)});
}

// Hang: a function returning 10000 values whose body is `unreachable` and a br_table of 10000
// targets took 1.3 s to validate (20 KB; checking each target popped and pushed every result,
// so the time grew with targets x results). Types are now bounded like the JS API's.
TEST(FuzzRegression, FunctionTypeWithTooManyResultsIsAnImplementationLimit) {
  Bytes body{0x00, 0x00, 0x0E};
  appendU32(body, 10000);
  body.insert(body.end(), 10000 + 1, 0x00);
  body.push_back(0x0B);
  auto result = decodeModule(moduleOfTypes({funcType({}, Bytes(10000, I32))}, 0, body));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Unsupported);
  EXPECT_EQ(result.error().message,
            "implementation limit: function type 0 has 10000 results, more than 1000");
  // The type: after the header (8), the section's id and two-byte size (3) and the count (1).
  EXPECT_EQ(result.error().offset, 12u);

  Bytes at_limit{0x00, 0x00, 0x0B};
  auto ok = decodeModule(moduleOfTypes({funcType({}, Bytes(kMaxFunctionResults, I32))}, 0, at_limit));
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
}

// Hang: blocks with 10000 params, each popping and pushing them all: 0.7 s for 29 KB.
TEST(FuzzRegression, FunctionTypeWithTooManyParamsIsAnImplementationLimit) {
  auto result = decodeModule(moduleOfTypes(
      {funcType(Bytes(kMaxFunctionParams + 1, I32), {}), funcType({}, {})}, 1, {0x00, 0x0B}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Unsupported);
  EXPECT_EQ(result.error().message,
            "implementation limit: function type 0 has 1001 params, more than 1000");
}

// At the limit the same shapes stay valid, and take one comparison per type and target.
TEST(FuzzRegression, BrTableToAWideLabelInUnreachableCode) {
  Bytes body{0x00, 0x00, 0x0E};
  appendU32(body, 30000);
  body.insert(body.end(), 30000 + 1, 0x00);
  body.push_back(0x0B);
  auto result = decodeModule(moduleOfTypes({funcType({}, Bytes(kMaxFunctionResults, I32))}, 0, body));
  EXPECT_TRUE(result.ok()) << result.error().describe();
}

// The fast paths fall back to the checking ones, so errors read as before.
TEST(FuzzRegression, BrTableTargetOfAnotherTypeIsStillATypeMismatch) {
  // block (result i64) block (result i32) i32.const 0 i32.const 0 br_table 0 1 0 end drop
  // i64.const 0 end drop: the target at depth 1 wants an i64.
  Bytes body{0x00, 0x02, I64, 0x02, I32, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x02, 0x00, 0x01,
             0x00, 0x0B, 0x1A, 0x42, 0x00, 0x0B, 0x1A, 0x0B};
  auto result = decodeModule(moduleOfTypes({funcType({}, {})}, 0, body));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(result.error().message, "type mismatch: expected i64, found i32");
}

TEST(FuzzRegression, BlockParamsInUnreachableCode) {
  const Bytes three_i32{I32, I32, I32};
  // unreachable, block (type 0: three i32 -> three i32) unreachable end, drop x3: the
  // params and results come from the polymorphic stack.
  Bytes valid{0x00, 0x00, 0x02, 0x00, 0x00, 0x0B, 0x1A, 0x1A, 0x1A, 0x0B};
  auto ok = decodeModule(moduleOfTypes({funcType(three_i32, three_i32), funcType({}, {})}, 1, valid));
  EXPECT_TRUE(ok.ok()) << ok.error().describe();
  // unreachable, i64.const 0, block (type 0): a known value of the wrong type is still wrong.
  Bytes invalid{0x00, 0x00, 0x42, 0x00, 0x02, 0x00, 0x0B, 0x1A, 0x1A, 0x1A, 0x0B};
  auto error = decodeModule(
      moduleOfTypes({funcType(three_i32, three_i32), funcType({}, {})}, 1, invalid));
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(error.error().message, "type mismatch: expected i32, found i64");
}

}  // namespace
}  // namespace wisp::wasm
