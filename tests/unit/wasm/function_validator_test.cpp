#include <gtest/gtest.h>

#include "module_builder.h"
#include "wasm/function_decoder.h"
#include "wasm/module.h"

namespace wisp::wasm {
namespace {

using test::Bytes;
using test::moduleWithFunction;

constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, V128 = 0x7B;

std::optional<Error> validate(const Bytes& params, const Bytes& results, const Bytes& body) {
  auto result = decodeModule(moduleWithFunction(params, results, body));
  if (result.ok()) return std::nullopt;
  return result.error();
}

TEST(FunctionValidator, AcceptsArithmeticOnParams) {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  EXPECT_EQ(validate({I32, I32}, {I32}, {0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}), std::nullopt);
}

TEST(FunctionValidator, TypeMismatchNamesFunctionAndInstructionOffset) {
  // i64.const 1, i32.const 2, i32.add: the add is ill-typed.
  auto error = validate({}, {I32}, {0x00, 0x42, 0x01, 0x41, 0x02, 0x6A, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
  EXPECT_EQ(error->function_index, 0u);
  // The body starts at byte 23 (header 8, type section 7, function 4, code 2+1+1).
  EXPECT_EQ(error->offset, 23u + 5u);
  EXPECT_NE(error->message.find("type mismatch"), std::string::npos);
  EXPECT_NE(error->describe().find("function 0"), std::string::npos);
}

TEST(FunctionValidator, ValuesLeftAtEndAreATypeMismatch) {
  auto error = validate({}, {}, {0x00, 0x41, 0x01, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
}

TEST(FunctionValidator, UnreachableCodeIsPolymorphic) {
  // unreachable, i32.add, drop: operands come from the polymorphic stack.
  EXPECT_EQ(validate({}, {I64}, {0x00, 0x00, 0x6A, 0x1A, 0x42, 0x00, 0x0B}), std::nullopt);
  // ...but a known wrong type is still wrong: unreachable, i64.const 0, i32.add.
  auto error = validate({}, {}, {0x00, 0x00, 0x42, 0x00, 0x6A, 0x1A, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
}

TEST(FunctionValidator, BlocksWithParamsAndResults) {
  // block (result i32) i32.const 1 end;
  // i32.const 1 if (result i32) i32.const 2 else i32.const 3 end; add
  EXPECT_EQ(validate({}, {I32}, {0x00, 0x02, I32, 0x41, 0x01, 0x0B, 0x41, 0x01, 0x04, I32, 0x41,
                                 0x02, 0x05, 0x41, 0x03, 0x0B, 0x6A, 0x0B}),
            std::nullopt);
  // if (result i32) without else is a type mismatch.
  auto error = validate({}, {I32}, {0x00, 0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x0B, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
}

TEST(FunctionValidator, BrTableTargetsMustAgreeInArity) {
  // block (result i32) block  i32.const 0 i32.const 0 br_table 0 1  end ... end
  auto error = validate({}, {I32}, {0x00, 0x02, I32, 0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E,
                                    0x01, 0x00, 0x01, 0x0B, 0x41, 0x00, 0x0B, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
}

TEST(FunctionValidator, UnknownLabelAndLocal) {
  auto label = validate({}, {}, {0x00, 0x0C, 0x01, 0x0B});
  ASSERT_TRUE(label);
  EXPECT_NE(label->message.find("unknown label"), std::string::npos);
  auto local = validate({I32}, {}, {0x00, 0x20, 0x01, 0x1A, 0x0B});
  ASSERT_TRUE(local);
  EXPECT_NE(local->message.find("unknown local"), std::string::npos);
}

TEST(FunctionValidator, DeclaredLocalsAreTyped) {
  // (local i64 i64) local.get 1 drop
  EXPECT_EQ(validate({}, {}, {0x01, 0x02, I64, 0x20, 0x01, 0x1A, 0x0B}), std::nullopt);
  auto error = validate({}, {I32}, {0x01, 0x01, F32, 0x20, 0x00, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
}

TEST(FunctionValidator, TooManyLocalsIsMalformedWithoutAllocating) {
  auto error = validate({}, {}, {0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, I32, 0xFF, 0xFF, 0xFF, 0xFF,
                                 0x0F, I32, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Malformed);
  EXPECT_EQ(error->message, "too many locals");
}

TEST(FunctionValidator, IllegalOpcodeAndMissingEndAreMalformed) {
  auto illegal = validate({}, {}, {0x00, 0x27, 0x0B});  // 0x27: no instruction
  ASSERT_TRUE(illegal);
  EXPECT_EQ(illegal->kind, ErrorKind::Malformed);
  EXPECT_EQ(illegal->message, "illegal opcode");
  auto missing_end = validate({}, {}, {0x00, 0x01});
  ASSERT_TRUE(missing_end);
  EXPECT_EQ(missing_end->kind, ErrorKind::Malformed);
  auto trailing = validate({}, {}, {0x00, 0x0B, 0x01});
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->kind, ErrorKind::Malformed);
}

TEST(FunctionValidator, UntypedSelectRejectsReferences) {
  // ref.null func, ref.null func, i32.const 1, select
  auto error = validate({}, {}, {0x00, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1B, 0x1A, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
  // select (result funcref) is fine.
  EXPECT_EQ(validate({}, {}, {0x00, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1C, 0x01, 0x70, 0x1A,
                              0x0B}),
            std::nullopt);
}

TEST(FunctionValidator, RefFuncNeedsADeclaration) {
  auto error = validate({}, {}, {0x00, 0xD2, 0x00, 0x1A, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
  EXPECT_NE(error->message.find("undeclared function reference"), std::string::npos);
}

TEST(FunctionValidator, MemoryInstructionsNeedAMemory) {
  auto error = validate({}, {I32}, {0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
  EXPECT_NE(error->message.find("unknown memory"), std::string::npos);
}

TEST(FunctionValidator, SimdIsTyped) {
  // v128.const 0..0, v128.const 0..0, i32x4.add, i32x4.extract_lane 3
  Bytes body{0x00, 0xFD, 0x0C};
  body.insert(body.end(), 16, 0);
  body.insert(body.end(), {0xFD, 0x0C});
  body.insert(body.end(), 16, 0);
  body.insert(body.end(), {0xFD, 0xAE, 0x01, 0xFD, 0x1B, 0x03, 0x0B});
  EXPECT_EQ(validate({}, {I32}, body), std::nullopt);
  // Lane 4 of an i32x4 does not exist.
  body[body.size() - 2] = 4;
  auto error = validate({}, {I32}, body);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
  EXPECT_NE(error->message.find("lane"), std::string::npos);
  (void)V128;
}

TEST(FunctionValidator, DeepNestingNeitherCrashesNorRecurses) {
  Bytes nested{0x00};
  for (int i = 0; i < 100000; ++i) nested.insert(nested.end(), {0x02, 0x40});
  for (int i = 0; i < 100000; ++i) nested.push_back(0x0B);
  nested.push_back(0x0B);
  EXPECT_EQ(validate({}, {}, nested), std::nullopt);
  Bytes unclosed{0x00};
  for (int i = 0; i < 100000; ++i) unclosed.insert(unclosed.end(), {0x02, 0x40});
  auto truncated = validate({}, {}, unclosed);
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->kind, ErrorKind::Malformed);
}

// A visitor sees the instructions of reachable code, in order.
struct RecordingVisitor : NullVisitor {
  std::vector<std::string> events;
  void visitI32Const(int32_t v) { events.push_back("i32.const " + std::to_string(v)); }
  void visitNumeric(Opcode op) { events.push_back(opcodeName(op)); }
  void visitBlock(const ControlFrame&, bool reachable) {
    events.push_back(reachable ? "block" : "block (unreachable)");
  }
  void visitEnd(const ControlFrame&, bool) { events.push_back("end"); }
  void visitUnreachable() { events.push_back("unreachable"); }
};

TEST(FunctionDecoder, VisitorSeesReachableInstructionsOnly) {
  Bytes bytes = moduleWithFunction({}, {I32}, {0x00, 0x41, 0x07, 0x41, 0x02, 0x6C, 0x02, 0x40,
                                               0x00, 0x41, 0x05, 0x1A, 0x0B, 0x0B});
  auto module = decodeModule(bytes);
  ASSERT_TRUE(module.ok()) << module.error().describe();
  FunctionDecoderContext context;
  RecordingVisitor visitor;
  FunctionDecoder<RecordingVisitor> decoder(*module.value(), 0, context, visitor);
  ASSERT_EQ(decoder.decode(), std::nullopt);
  std::vector<std::string> expected{"i32.const 7", "i32.const 2", "i32.mul", "block",
                                    "unreachable", "end",         "end"};
  EXPECT_EQ(visitor.events, expected);
}

}  // namespace
}  // namespace wisp::wasm

namespace wisp::wasm {
namespace {

TEST(FunctionValidator, MalformedBodyWinsOverAnEarlierTypeError) {
  // A type error (i64.const where i32 is needed) followed by an illegal opcode: the spec
  // decodes before it validates, so the module is malformed.
  auto error = validate({}, {}, {0x00, 0x42, 0x00, 0x45, 0x1A, 0xFF, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Malformed);
  EXPECT_EQ(error->message, "illegal opcode");
}

TEST(FunctionValidator, BrTableInUnreachableCodeKeepsUnknownTypes) {
  // block (result f64) block (result f32) unreachable br_table 0 1 1 (i32.const 1) end drop
  // f64.const 0 end drop: targets of different types meet on the polymorphic stack.
  Bytes body{0x00, 0x02, 0x7C, 0x02, 0x7D, 0x00, 0x41, 0x01, 0x0E, 0x02, 0x00, 0x01, 0x01,
             0x0B, 0x1A, 0x44};
  body.insert(body.end(), 8, 0);
  body.insert(body.end(), {0x0B, 0x1A, 0x0B});
  EXPECT_EQ(validate({}, {}, body), std::nullopt);
}

TEST(FunctionValidator, MemoryInitWithoutDataCountSection) {
  // No data segments at all: the index is unknown (invalid). With a data section but no data
  // count section, the decoder could not check it: malformed.
  using test::moduleOf;
  using test::section;
  Bytes types = section(1, {0x01, 0x60, 0x00, 0x00});
  Bytes functions = section(3, {0x01, 0x00});
  Bytes memory = section(5, {0x01, 0x00, 0x01});
  Bytes code = section(10, {0x01, 0x0C, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08,
                            0x00, 0x00, 0x0B});
  auto no_data = decodeModule(moduleOf({types, functions, memory, code}));
  ASSERT_FALSE(no_data.ok());
  EXPECT_EQ(no_data.error().kind, ErrorKind::Invalid);
  auto with_data = decodeModule(moduleOf({types, functions, memory, code,
                                          section(11, {0x01, 0x01, 0x00})}));
  ASSERT_FALSE(with_data.ok());
  EXPECT_EQ(with_data.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(with_data.error().message, "data count section required");
}

TEST(FunctionValidator, OperandStackGrowsPastItsFirstStorage) {
  // 1000 x i32.const 0, then 999 x i32.add: far more values than the first 64 slots.
  Bytes body{0x00};
  for (int i = 0; i < 1000; ++i) body.insert(body.end(), {0x41, 0x00});
  body.insert(body.end(), 999, 0x6A);
  body.push_back(0x0B);
  EXPECT_EQ(validate({}, {I32}, body), std::nullopt);
}

TEST(FunctionValidator, OperandsBelowTheBlockAreOutOfReach) {
  // i32.const 1, i32.const 2, block i32.add drop end, drop, drop: inside the block, the two
  // values below its height cannot be the add's operands.
  auto error = validate({}, {}, {0x00, 0x41, 0x01, 0x41, 0x02, 0x02, 0x40, 0x6A, 0x1A, 0x0B,
                                 0x1A, 0x1A, 0x0B});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::Invalid);
  EXPECT_EQ(error->message, "type mismatch: expected a value but the stack is empty");
}

}  // namespace
}  // namespace wisp::wasm
