// Decoding and validation of exception handling (Features::exceptions): the tag section, tag
// imports and exports, exnref, the legacy try/catch/delegate/rethrow, and WebAssembly 3.0's
// try_table and throw_ref. wabt 1.0.32 cannot write try_table, so the modules are built here
// byte by byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "module_builder.h"
#include "wasm/function_decoder.h"
#include "wasm/instruction_text.h"
#include "wasm/module.h"

namespace wisp::wasm {
namespace {

using test::appendU32;
using test::Bytes;
using test::moduleOf;
using test::section;

constexpr uint8_t I32 = 0x7F, EXNREF = 0x69, EMPTY = 0x40;
// Opcodes.
constexpr uint8_t BLOCK = 0x02, LOOP = 0x03, TRY = 0x06, CATCH = 0x07, THROW = 0x08,
                  RETHROW = 0x09, THROW_REF = 0x0A, END = 0x0B, BR = 0x0C, DELEGATE = 0x18,
                  CATCH_ALL = 0x19, DROP = 0x1A, TRY_TABLE = 0x1F, LOCAL_GET = 0x20,
                  I32_CONST = 0x41, UNREACHABLE = 0x00, REF_NULL = 0xD0;
// try_table's clause kinds.
constexpr uint8_t K_CATCH = 0, K_CATCH_REF = 1, K_CATCH_ALL = 2, K_CATCH_ALL_REF = 3;

Features withExceptions() {
  Features features;
  features.exceptions = true;
  return features;
}
Features withoutExceptions() {
  Features features;
  features.exceptions = false;
  return features;
}

Bytes funcType(const Bytes& params, const Bytes& results) {
  Bytes out{0x60};
  appendU32(out, static_cast<uint32_t>(params.size()));
  out.insert(out.end(), params.begin(), params.end());
  appendU32(out, static_cast<uint32_t>(results.size()));
  out.insert(out.end(), results.begin(), results.end());
  return out;
}

Bytes vec(const std::vector<Bytes>& items) {
  Bytes out;
  appendU32(out, static_cast<uint32_t>(items.size()));
  for (const Bytes& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

Bytes tagSection(const Bytes& type_indices) {
  std::vector<Bytes> tags;
  for (uint8_t type_index : type_indices) tags.push_back({0x00, type_index});
  return section(13, vec(tags));
}

// Types 0 and up, tags of the given type indices, and one function of type 0 with `body`
// (locals declarations included).
Bytes moduleWithTags(const std::vector<Bytes>& types, const Bytes& tag_types, const Bytes& body) {
  Bytes code;
  appendU32(code, static_cast<uint32_t>(body.size()));
  code.insert(code.end(), body.begin(), body.end());
  return moduleOf({section(1, vec(types)), section(3, {0x01, 0x00}), tagSection(tag_types),
                   section(10, vec({code}))});
}

std::optional<Error> validate(const Bytes& bytes, const Features& features = withExceptions()) {
  auto result = decodeModule(bytes, {.features = features});
  if (result.ok()) return std::nullopt;
  return result.error();
}

// The usual types of these tests: 0 is the function's, () -> (i32); tag 0 has type 1, (i32).
const std::vector<Bytes> kTypes = {funcType({}, {I32}), funcType({I32}, {})};

testing::AssertionResult isValid(const Bytes& bytes) {
  auto error = validate(bytes);
  if (!error) return testing::AssertionSuccess();
  return testing::AssertionFailure() << error->describe();
}

void expectError(const std::optional<Error>& error, ErrorKind kind, const std::string& text) {
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, kind) << error->describe();
  EXPECT_NE(error->message.find(text), std::string::npos) << error->describe();
}

// ---- try_table --------------------------------------------------------------------------

TEST(ExceptionHandling, TryTableCatchBranchesWithTheTagsPayload) {
  // block (result i32)  try_table (catch 0 0)  i32.const 1 throw 0  end  i32.const 0  end
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, BLOCK, I32, TRY_TABLE, EMPTY, 0x01, K_CATCH, 0x00, 0x00,
                               I32_CONST, 0x01, THROW, 0x00, END, I32_CONST, 0x00, END, END})));
}

TEST(ExceptionHandling, TryTableCatchRefAddsAnExnref) {
  // Type 2: () -> (i32 exnref).
  // block (type 2)  try_table (catch_ref 0 0)  i32.const 1 throw 0  end  unreachable  end  drop
  std::vector<Bytes> types = kTypes;
  types.push_back(funcType({}, {I32, EXNREF}));
  EXPECT_TRUE(isValid(moduleWithTags(types, {1},
                              {0x00, BLOCK, 0x02, TRY_TABLE, EMPTY, 0x01, K_CATCH_REF, 0x00, 0x00,
                               I32_CONST, 0x01, THROW, 0x00, END, UNREACHABLE, END, DROP, END})));
}

TEST(ExceptionHandling, TryTableCatchAllPassesNothing) {
  // block  try_table (catch_all 0)  i32.const 1 throw 0  end  end  i32.const 0
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, BLOCK, EMPTY, TRY_TABLE, EMPTY, 0x01, K_CATCH_ALL, 0x00,
                               I32_CONST, 0x01, THROW, 0x00, END, END, I32_CONST, 0x00, END})));
}

TEST(ExceptionHandling, TryTableCatchAllRefAndThrowRef) {
  // block (result exnref)  try_table (catch_all_ref 0)  end  unreachable  end  throw_ref
  // The function's i32 result comes from the stack throw_ref leaves polymorphic.
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, BLOCK, EXNREF, TRY_TABLE, EMPTY, 0x01, K_CATCH_ALL_REF, 0x00,
                               END, UNREACHABLE, END, THROW_REF, END})));
}

TEST(ExceptionHandling, TryTableWithSeveralClausesAndResults) {
  // block (result i32)  block  try_table (result i32) (catch 0 1) (catch_all 0)
  //   i32.const 5  end  br 1  end  i32.const 0  end
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, BLOCK, I32, BLOCK, EMPTY, TRY_TABLE, I32, 0x02, K_CATCH, 0x00,
                               0x01, K_CATCH_ALL, 0x00, I32_CONST, 0x05, END, BR, 0x01, END,
                               I32_CONST, 0x00, END, END})));
}

TEST(ExceptionHandling, NestedTryTableLabelsCountFromOutside) {
  // block (result i32)        ;; B
  //   block                   ;; I
  //     try_table (catch_all 0)                  ;; to I
  //       try_table (result i32) (catch 0 2)     ;; outside it: T1 0, I 1, B 2
  //         i32.const 7 throw 0
  //       end drop
  //     end
  //   end
  //   i32.const 0
  // end
  const Bytes nested = {0x00, BLOCK, I32, BLOCK, EMPTY, TRY_TABLE, EMPTY, 0x01, K_CATCH_ALL, 0x00,
                        TRY_TABLE, I32, 0x01, K_CATCH, 0x00, 0x02, I32_CONST, 0x07, THROW, 0x00,
                        END, DROP, END, END, I32_CONST, 0x00, END, END};
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1}, nested)));
  // Counted from inside the try_table, label 2 would be I, which takes nothing.
  Bytes wrong = nested;
  wrong[15] = 0x01;  // (catch 0 1): I, which takes no i32
  expectError(validate(moduleWithTags(kTypes, {1}, wrong)), ErrorKind::Invalid, "type mismatch");
}

TEST(ExceptionHandling, TryTableInUnreachableCodeStillChecksItsClauses) {
  // unreachable  try_table (catch 0 0) end: label 0 is the function's, () -> (i32); tag 0's
  // payload is i32: valid. With catch_all it would pass nothing to an i32 label.
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, UNREACHABLE, TRY_TABLE, EMPTY, 0x01, K_CATCH, 0x00, 0x00, END,
                               END})));
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, UNREACHABLE, TRY_TABLE, EMPTY, 0x01, K_CATCH_ALL,
                                       0x00, END, END})),
              ErrorKind::Invalid, "type mismatch");
}

TEST(ExceptionHandling, TryTableClauseLabelMustMatch) {
  // block  try_table (catch 0 0) end  end  i32.const 0: tag 0 passes an i32 to a block of none.
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, BLOCK, EMPTY, TRY_TABLE, EMPTY, 0x01, K_CATCH, 0x00,
                                       0x00, END, END, I32_CONST, 0x00, END})),
              ErrorKind::Invalid, "type mismatch: catch clause passes [i32] to label 0");
  // A loop's label takes its params: loop (result i32) takes none.
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, LOOP, I32, TRY_TABLE, EMPTY, 0x01, K_CATCH, 0x00,
                                       0x00, END, I32_CONST, 0x00, END, END})),
              ErrorKind::Invalid, "type mismatch");
}

TEST(ExceptionHandling, TryTableCatchRefNeedsALabelWithAnExnref) {
  // block (result i32)  try_table (catch_ref 0 0) ...: the label takes i32 but no exnref.
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, BLOCK, I32, TRY_TABLE, EMPTY, 0x01, K_CATCH_REF, 0x00,
                                       0x00, END, I32_CONST, 0x00, END, END})),
              ErrorKind::Invalid, "catch_ref clause passes [i32 exnref] to label 0, which takes [i32]");
  // catch_all_ref to a label of i32.
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, BLOCK, I32, TRY_TABLE, EMPTY, 0x01, K_CATCH_ALL_REF,
                                       0x00, END, I32_CONST, 0x00, END, END})),
              ErrorKind::Invalid, "type mismatch");
}

TEST(ExceptionHandling, TryTableUnknownTagLabelAndClauseKind) {
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY_TABLE, EMPTY, 0x01, K_CATCH, 0x01, 0x00, END,
                                       I32_CONST, 0x00, END})),
              ErrorKind::Invalid, "unknown tag 1");
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY_TABLE, EMPTY, 0x01, K_CATCH_ALL, 0x01, END,
                                       I32_CONST, 0x00, END})),
              ErrorKind::Invalid, "unknown label 1");
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY_TABLE, EMPTY, 0x01, 0x04, 0x00, END, I32_CONST,
                                       0x00, END})),
              ErrorKind::Malformed, "malformed catch clause");
}

TEST(ExceptionHandling, ThrowRefTakesAnExnref) {
  expectError(validate(moduleWithTags(kTypes, {1}, {0x00, I32_CONST, 0x00, THROW_REF, END})),
              ErrorKind::Invalid, "type mismatch: expected exnref, found i32");
  // ref.null exn  throw_ref
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1}, {0x00, REF_NULL, EXNREF, THROW_REF, END})));
}

TEST(ExceptionHandling, ThrowChecksTheTagsPayload) {
  expectError(validate(moduleWithTags(kTypes, {1}, {0x00, THROW, 0x00, END})),
              ErrorKind::Invalid, "type mismatch");
  expectError(validate(moduleWithTags(kTypes, {1}, {0x00, I32_CONST, 0x00, THROW, 0x01, END})),
              ErrorKind::Invalid, "unknown tag 1");
}

// ---- the legacy instructions ------------------------------------------------------------------

TEST(ExceptionHandling, LegacyTryCatchCatchAllRethrow) {
  // try (result i32)  i32.const 1  catch 0  (the payload i32)  catch_all  rethrow 0  end
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, TRY, I32, I32_CONST, 0x01, CATCH, 0x00, CATCH_ALL, RETHROW,
                               0x00, END, END})));
  // try  catch 0  block  rethrow 1  end  drop  end: the block's label is no catch, the try's is.
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, TRY, EMPTY, CATCH, 0x00, BLOCK, EMPTY, RETHROW, 0x01, END,
                               DROP, END, I32_CONST, 0x00, END})));
}

TEST(ExceptionHandling, LegacyCatchResultsMustMatch) {
  // try (result i32)  i32.const 1  catch 0  drop  end: the catch leaves nothing.
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY, I32, I32_CONST, 0x01, CATCH, 0x00, DROP, END,
                                       END})),
              ErrorKind::Invalid, "type mismatch");
}

TEST(ExceptionHandling, RethrowNeedsACatchLabel) {
  expectError(validate(moduleWithTags(kTypes, {1}, {0x00, RETHROW, 0x00, END})),
              ErrorKind::Invalid, "invalid rethrow label");
  // try  rethrow 0  delegate 0: the try's body is no catch.
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY, EMPTY, RETHROW, 0x00, DELEGATE, 0x00, I32_CONST,
                                       0x00, END})),
              ErrorKind::Invalid, "invalid rethrow label");
}

TEST(ExceptionHandling, DelegateLabelsCountFromOutsideTheTry) {
  // block  try  delegate 1  end: label 1 outside the try is the function's.
  EXPECT_TRUE(isValid(moduleWithTags(kTypes, {1},
                              {0x00, BLOCK, EMPTY, TRY, EMPTY, DELEGATE, 0x01, END, I32_CONST,
                               0x00, END})));
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY, EMPTY, DELEGATE, 0x01, I32_CONST, 0x00, END})),
              ErrorKind::Invalid, "unknown label 1");
}

TEST(ExceptionHandling, LegacyStructureOutOfPlaceIsMalformed) {
  expectError(validate(moduleWithTags(kTypes, {1}, {0x00, CATCH_ALL, END})),
              ErrorKind::Malformed, "catch_all without a matching try");
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, BLOCK, EMPTY, CATCH, 0x00, END, END})),
              ErrorKind::Malformed, "catch without a matching try");
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY, EMPTY, CATCH_ALL, CATCH, 0x00, END, END})),
              ErrorKind::Malformed, "catch after catch_all");
  expectError(validate(moduleWithTags(kTypes, {1},
                                      {0x00, TRY, EMPTY, CATCH_ALL, DELEGATE, 0x00, END})),
              ErrorKind::Malformed, "delegate without a matching try");
}

// ---- the feature off ---------------------------------------------------------------------------

TEST(ExceptionHandling, WithTheFeatureOffExnrefIsMalformed) {
  const Features off = Features::webAssembly2();
  // A local of exnref.
  auto local = validate(test::moduleWithFunction({}, {}, {0x01, 0x01, EXNREF, END}), off);
  expectError(local, ErrorKind::Malformed, "malformed value type");
  // A param of exnref.
  expectError(validate(test::moduleWithFunction({EXNREF}, {}, {0x00, END}), off),
              ErrorKind::Malformed, "malformed value type");
  // A block of exnref, and ref.null exn.
  // (A block type is a value type or a type index: 0x69 is neither, as before.)
  expectError(validate(test::moduleWithFunction({}, {}, {0x00, BLOCK, EXNREF, UNREACHABLE, END,
                                                         DROP, END}),
                       off),
              ErrorKind::Malformed, "malformed block type");
  expectError(validate(test::moduleWithFunction({}, {}, {0x00, REF_NULL, EXNREF, DROP, END}), off),
              ErrorKind::Malformed, "malformed reference type");
  // ...all of which the feature accepts.
  EXPECT_TRUE(isValid(test::moduleWithFunction({EXNREF}, {}, {0x01, 0x01, EXNREF, BLOCK, EXNREF,
                                                       LOCAL_GET, 0x01, END, DROP, REF_NULL, EXNREF,
                                                       DROP, END})));
}

TEST(ExceptionHandling, WithTheFeatureOffTheOpcodesAreIllegal) {
  const Features off = withoutExceptions();
  for (const Bytes& body : {Bytes{0x00, TRY, EMPTY, END, END}, Bytes{0x00, THROW_REF, END},
                            Bytes{0x00, CATCH_ALL, END},
                            Bytes{0x00, TRY_TABLE, EMPTY, 0x00, END, END}}) {
    expectError(validate(test::moduleWithFunction({}, {}, body), off), ErrorKind::Malformed,
                "illegal opcode");
  }
  // An invalid body before one with such an opcode: the malformed one still wins.
  const Bytes two_functions = moduleOf({
      section(1, vec({funcType({}, {})})), section(3, {0x02, 0x00, 0x00}),
      section(10, vec({{0x04, 0x00, I32_CONST, 0x00, END}, {0x03, 0x00, THROW_REF, END}}))});
  expectError(validate(two_functions, off), ErrorKind::Malformed, "illegal opcode");
}

// ---- the module: tags, imports, exports ---------------------------------------------------------

TEST(ExceptionHandling, DecodesTagSectionImportsAndExports) {
  // Types: 0 (i32) -> (), 1 () -> (). Import tag "m" "t" of type 0; define a tag of type 1;
  // export both.
  const Bytes imports = vec({{0x01, 'm', 0x01, 't', 0x04, 0x00, 0x00}});
  const Bytes exports = vec({{0x01, 'a', 0x04, 0x00}, {0x01, 'b', 0x04, 0x01}});
  const Bytes bytes = moduleOf({section(1, vec({funcType({I32}, {}), funcType({}, {})})),
                                section(2, imports), section(5, {0x01, 0x00, 0x01}),
                                tagSection({1}), section(6, {0x01, I32, 0x00, I32_CONST, 0x00, END}),
                                section(7, exports)});
  auto result = decodeModule(bytes, {.features = withExceptions()});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Module& m = *result.value();
  ASSERT_EQ(m.tags.size(), 2u);
  EXPECT_EQ(m.imported_tag_count, 1u);
  EXPECT_TRUE(m.tags[0].imported);
  EXPECT_FALSE(m.tags[1].imported);
  EXPECT_EQ(m.tagType(0).toString(), "(i32) -> ()");
  EXPECT_EQ(m.tags[1].type_index, 1u);
  ASSERT_EQ(m.imports.size(), 1u);
  EXPECT_EQ(m.imports[0].kind, ExternKind::Tag);
  EXPECT_EQ(m.imports[0].index, 0u);
  ASSERT_NE(m.findExport("b"), nullptr);
  EXPECT_EQ(m.findExport("b")->kind, ExternKind::Tag);
  EXPECT_EQ(m.findExport("b")->index, 1u);

  // Without the feature the tag section's id is unknown, and kind 4 is no import kind.
  expectError(validate(moduleOf({section(1, vec({funcType({}, {})})), tagSection({0})}),
                       withoutExceptions()),
              ErrorKind::Malformed, "malformed section id 13");
  expectError(validate(moduleOf({section(1, vec({funcType({}, {})})), section(2, imports)}),
                       withoutExceptions()),
              ErrorKind::Malformed, "malformed import kind");
}

TEST(ExceptionHandling, TagTypesAreChecked) {
  const Bytes types = section(1, vec({funcType({}, {I32})}));
  expectError(validate(moduleOf({types, tagSection({0})})), ErrorKind::Invalid,
              "non-empty tag result type");
  expectError(validate(moduleOf({types, tagSection({1})})), ErrorKind::Invalid, "unknown type 1");
  expectError(validate(moduleOf({types, section(13, {0x01, 0x01, 0x00})})), ErrorKind::Malformed,
              "malformed tag attribute");
  // The same checks for an import.
  expectError(validate(moduleOf({types, section(2, vec({{0x01, 'm', 0x01, 't', 0x04, 0x00, 0x00}}))})),
              ErrorKind::Invalid, "non-empty tag result type");
}

TEST(ExceptionHandling, TagSectionSitsBetweenMemoryAndGlobal) {
  const Bytes types = section(1, vec({funcType({}, {})}));
  const Bytes global = section(6, {0x01, I32, 0x00, I32_CONST, 0x00, END});
  const Bytes memory = section(5, {0x01, 0x00, 0x01});
  EXPECT_TRUE(isValid(moduleOf({types, memory, tagSection({0}), global})));
  expectError(validate(moduleOf({types, global, tagSection({0})})), ErrorKind::Malformed,
              "out of order");
  expectError(validate(moduleOf({types, tagSection({0}), memory})), ErrorKind::Malformed,
              "out of order");
}

TEST(ExceptionHandling, TagExportsAreCheckedLikeOthers) {
  const Bytes types = section(1, vec({funcType({}, {})}));
  expectError(validate(moduleOf({types, tagSection({0}), section(7, vec({{0x01, 'a', 0x04, 0x01}}))})),
              ErrorKind::Invalid, "unknown tag 1");
  expectError(validate(moduleOf({types, tagSection({0, 0}),
                                 section(7, vec({{0x01, 'a', 0x04, 0x00}, {0x01, 'a', 0x04, 0x01}}))})),
              ErrorKind::Invalid, "duplicate export name");
}

TEST(ExceptionHandling, ExnrefTablesAndGlobals) {
  // A table of exnref and a global of exnref initialised by ref.null exn.
  const Bytes bytes = moduleOf({section(1, vec({funcType({}, {})})),
                                section(4, {0x01, EXNREF, 0x00, 0x01}),
                                section(6, {0x01, EXNREF, 0x01, REF_NULL, EXNREF, END})});
  EXPECT_TRUE(isValid(bytes));
  expectError(validate(bytes, withoutExceptions()), ErrorKind::Malformed, "malformed reference type");
}

// ---- the hooks ---------------------------------------------------------------------------------

// Records the exception-handling hooks in order, as the compiler would see them.
struct HookRecorder : NullVisitor {
  std::vector<std::string> calls;
  void visitTry(const ControlFrame& frame, bool reachable) {
    calls.push_back("try " + std::to_string(frame.type.results.size()) + (reachable ? "" : " dead"));
  }
  void visitCatch(const ControlFrame& frame, uint32_t tag, bool reachable) {
    calls.push_back(std::string(frame.kind == Opcode::Catch ? "catch " : "? ") +
                    std::to_string(tag) + (reachable ? "" : " after-dead"));
  }
  void visitCatchAll(const ControlFrame& frame, bool reachable) {
    calls.push_back(std::string(frame.kind == Opcode::CatchAll ? "catch_all" : "?") +
                    (reachable ? "" : " after-dead"));
  }
  void visitDelegate(const ControlFrame& frame, uint32_t depth, bool) {
    calls.push_back(std::string(frame.kind == Opcode::Try ? "delegate " : "? ") +
                    std::to_string(depth));
  }
  void visitTryTable(const ControlFrame&, std::span<const CatchClause> clauses, bool) {
    std::string text = "try_table";
    for (const CatchClause& clause : clauses)
      text += " " + std::to_string(static_cast<int>(clause.kind)) + ":" +
              std::to_string(clause.tag) + ":" + std::to_string(clause.depth);
    calls.push_back(text);
  }
  void visitEnd(const ControlFrame&, bool) { calls.push_back("end"); }
  void visitThrow(uint32_t tag, const FuncType& type) {
    calls.push_back("throw " + std::to_string(tag) + " " + type.toString());
  }
  void visitRethrow(uint32_t depth) { calls.push_back("rethrow " + std::to_string(depth)); }
  void visitThrowRef() { calls.push_back("throw_ref"); }
};

std::vector<std::string> hooksOf(const Bytes& bytes) {
  auto module = decodeModule(bytes, {.features = withExceptions()});
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().describe());
  if (!module.ok()) return {};
  FunctionDecoderContext context;
  HookRecorder recorder;
  FunctionDecoder<HookRecorder> decoder(**module, 0, context, recorder);
  EXPECT_EQ(decoder.decode(), std::nullopt);
  return recorder.calls;
}

TEST(ExceptionHandling, HooksOfTheLegacyInstructions) {
  // try (result i32)  i32.const 1 throw 0  catch 0  catch_all  rethrow 0  end
  // block  try  delegate 1  end  drop
  EXPECT_EQ(hooksOf(moduleWithTags(kTypes, {1},
                                   {0x00, TRY, I32, I32_CONST, 0x01, THROW, 0x00, CATCH, 0x00,
                                    CATCH_ALL, RETHROW, 0x00, END, BLOCK, EMPTY, TRY, EMPTY,
                                    DELEGATE, 0x01, END, END})),
            (std::vector<std::string>{"try 1", "throw 0 (i32) -> ()", "catch 0 after-dead",
                                      "catch_all", "rethrow 0", "end", "try 0", "delegate 1", "end",
                                      "end"}));
}

TEST(ExceptionHandling, HooksOfTryTable) {
  // The clauses arrive as in the binary, their labels counted from outside the try_table:
  // block (result i32)  block (result exnref)  try_table (catch_all_ref 0) (catch 0 1)
  //   end  unreachable  end  throw_ref  end
  EXPECT_EQ(hooksOf(moduleWithTags(kTypes, {1},
                                   {0x00, BLOCK, I32, BLOCK, EXNREF, TRY_TABLE, EMPTY, 0x02,
                                    K_CATCH_ALL_REF, 0x00, K_CATCH, 0x00, 0x01, END, UNREACHABLE,
                                    END, THROW_REF, END, END})),
            (std::vector<std::string>{"try_table 3:0:0 0:0:1", "end", "end", "throw_ref", "end",
                                      "end"}));
}

TEST(ExceptionHandling, InstructionText) {
  // try_table (catch 0 0) (catch_all_ref 1)  throw_ref  end
  // try (result i32)  catch 0  catch_all  rethrow 0  end  try  delegate 0: text only, not
  // validated.
  const Bytes bytes = moduleWithTags(
      kTypes, {1},
      {0x00, TRY_TABLE, EMPTY, 0x02, K_CATCH, 0x00, 0x00, K_CATCH_ALL_REF, 0x01, THROW_REF, END,
       TRY, I32, CATCH, 0x00, CATCH_ALL, RETHROW, 0x00, END, TRY, EMPTY, DELEGATE, 0x00, END});
  auto module = decodeModule(bytes, {.features = withExceptions(), .validate_functions = false});
  ASSERT_TRUE(module.ok()) << module.error().describe();
  std::vector<std::string> lines;
  const BodyText text = bodyText(**module, 0);
  EXPECT_EQ(text.error, "");
  for (const InstructionText& line : text.lines)
    lines.push_back(std::to_string(line.depth) + " " + line.text);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "0 entry", "1 try_table (catch 0 0) (catch_all_ref 1)", "2 throw_ref",
                       "1 end", "1 try (result i32)", "1 catch 0", "1 catch_all", "2 rethrow 0",
                       "1 end", "1 try", "1 delegate 0", "0 end"}));
}

}  // namespace
}  // namespace wisp::wasm
