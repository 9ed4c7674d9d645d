#include <gtest/gtest.h>

#include "module_builder.h"
#include "wasm/module.h"

namespace wisp::wasm {
namespace {

using test::Bytes;
using test::moduleOf;
using test::section;

Result<std::unique_ptr<Module>> decode(const Bytes& bytes) { return decodeModule(bytes); }
// As WebAssembly 2.0 has it, before the 3.0 features on by default.
Result<std::unique_ptr<Module>> decode2(const Bytes& bytes) {
  return decodeModule(bytes, {.features = Features::webAssembly2()});
}

TEST(ModuleDecoder, DecodesTheEmptyModule) {
  auto result = decode(moduleOf({}));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_TRUE(result.value()->functions.empty());
}

TEST(ModuleDecoder, RejectsBadMagicAndVersion) {
  auto bad_magic = decode({0x00, 0x61, 0x73, 0x6E, 0x01, 0, 0, 0});
  ASSERT_FALSE(bad_magic.ok());
  EXPECT_EQ(bad_magic.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(bad_magic.error().message, "magic header not detected");
  auto bad_version = decode({0x00, 0x61, 0x73, 0x6D, 0x02, 0, 0, 0});
  ASSERT_FALSE(bad_version.ok());
  EXPECT_EQ(bad_version.error().message, "unknown binary version");
  EXPECT_EQ(bad_version.error().offset, 4u);
}

TEST(ModuleDecoder, DecodesTypesImportsExportsAndNames) {
  Bytes types{0x02, 0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D, 0x60, 0x00, 0x00};
  Bytes imports{0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00};
  Bytes functions{0x01, 0x01};
  Bytes exports{0x01, 0x03, 'r', 'u', 'n', 0x00, 0x01};
  Bytes code{0x01, 0x02, 0x00, 0x0B};
  // name section: function names {1: "run_it"}
  Bytes names{0x04, 'n', 'a', 'm', 'e', 0x01, 0x09, 0x01, 0x01, 0x06, 'r', 'u', 'n', '_', 'i', 't'};
  auto result = decode(moduleOf({section(1, types), section(2, imports), section(3, functions),
                                 section(7, exports), section(10, code), section(0, names)}));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const Module& m = *result.value();
  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0].toString(), "(i32 i64) -> (f32)");
  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(m.imported_function_count, 1u);
  EXPECT_TRUE(m.functions[0].imported);
  EXPECT_EQ(m.imports[0].module, "env");
  EXPECT_EQ(m.imports[0].name, "f");
  ASSERT_NE(m.findExport("run"), nullptr);
  EXPECT_EQ(m.findExport("run")->index, 1u);
  EXPECT_TRUE(m.functions[1].declared_ref);
  EXPECT_EQ(m.functionName(1), "run_it");
  EXPECT_EQ(m.functionName(0), "");
}

TEST(ModuleDecoder, MalformedNameSectionIsIgnored) {
  Bytes names{0x04, 'n', 'a', 'm', 'e', 0x01, 0x09, 0x05};  // subsection runs past the end
  auto result = decode(moduleOf({section(0, names)}));
  EXPECT_TRUE(result.ok());
}

TEST(ModuleDecoder, FunctionNamesSurviveTheSubsectionsAfterThem) {
  Bytes functions{0x02, 0x00, 0x00};
  Bytes code{0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B};
  Bytes types{0x01, 0x60, 0x00, 0x00};
  // Function names {0: "a", 1: "bc"}, then locals' names (skipped, unread: their bytes here
  // are not even a name map), then the same in a name map with a name that is not UTF-8,
  // which drops the section.
  Bytes names{0x04, 'n', 'a', 'm', 'e', 0x01, 0x08, 0x02, 0x00, 0x01, 'a', 0x01, 0x02, 'b', 'c',
              0x02, 0x03, 0xFF, 0xFF, 0xFF};
  auto result = decode(moduleOf({section(1, types), section(3, functions), section(10, code),
                                 section(0, names)}));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result.value()->functionName(0), "a");
  EXPECT_EQ(result.value()->functionName(1), "bc");

  Bytes bad{0x04, 'n', 'a', 'm', 'e', 0x01, 0x08, 0x02, 0x00, 0x01, 'a', 0x01, 0x02, 'b', 0xC0};
  auto dropped = decode(moduleOf({section(1, types), section(3, functions), section(10, code),
                                  section(0, bad)}));
  ASSERT_TRUE(dropped.ok()) << dropped.error().describe();
  EXPECT_EQ(dropped.value()->functionName(0), "");
  EXPECT_EQ(dropped.value()->functionName(1), "");
}

TEST(NameMap, NamesHandedOutStayPutWhenMoreAreAdded) {
  NameMap names;
  names.add(0, "first");
  const std::shared_ptr<const std::string> held = names.sharedText();
  const std::string_view first = names.name(*names.find(0));
  for (uint32_t i = 1; i < 1000; ++i) names.add(i, "a longer name, so that the text grows");
  EXPECT_EQ(first, "first");  // still readable: the held text did not move
  EXPECT_EQ(first.data(), held->data());
  EXPECT_EQ(names.name(*names.find(999)), "a longer name, so that the text grows");
  EXPECT_EQ(names.find(1000), nullptr);
}

TEST(ModuleDecoder, SectionsOutOfOrderAreMalformed) {
  Bytes types{0x00};
  auto result = decode(moduleOf({section(3, {0x00}), section(1, types)}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(result.error().offset, 11u);
}

TEST(ModuleDecoder, SectionSizeMismatchIsMalformed) {
  auto result = decode(moduleOf({section(1, {0x00, 0x00})}));  // one byte too many
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_NE(result.error().message.find("section size mismatch"), std::string::npos);
}

TEST(ModuleDecoder, FunctionWithoutCodeIsMalformed) {
  auto result = decode(moduleOf({section(1, {0x01, 0x60, 0x00, 0x00}), section(3, {0x01, 0x00})}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_NE(result.error().message.find("inconsistent lengths"), std::string::npos);
}

TEST(ModuleDecoder, HugeDeclaredCountsFailWithoutAllocating) {
  // 0xFFFFFFFF types declared in a 6-byte section.
  auto result = decode(moduleOf({section(1, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x60})}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
}

TEST(ModuleDecoder, MemoryLimitsAreValidated) {
  auto too_big = decode(moduleOf({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})}));  // 65537 pages
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().kind, ErrorKind::Invalid);
  auto min_over_max = decode(moduleOf({section(5, {0x01, 0x01, 0x02, 0x01})}));
  ASSERT_FALSE(min_over_max.ok());
  EXPECT_EQ(min_over_max.error().kind, ErrorKind::Invalid);
  auto two = decode2(moduleOf({section(5, {0x02, 0x00, 0x01, 0x00, 0x01})}));
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().message, "multiple memories");
  EXPECT_TRUE(decode(moduleOf({section(5, {0x02, 0x00, 0x01, 0x00, 0x01})})).ok());  // 3.0
}

TEST(ModuleDecoder, DuplicateExportNamesAreInvalid) {
  Bytes globals{0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B};
  Bytes exports{0x02, 0x01, 'g', 0x03, 0x00, 0x01, 'g', 0x03, 0x00};
  auto result = decode(moduleOf({section(6, globals), section(7, exports)}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Invalid);
  EXPECT_NE(result.error().message.find("duplicate export name"), std::string::npos);
}

TEST(ModuleDecoder, GlobalInitializersAreConstantAndTyped) {
  auto ok = decode(moduleOf({section(6, {0x01, 0x7E, 0x01, 0x42, 0x7F, 0x0B})}));
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ(ok.value()->globals[0].init.i64(), UINT64_MAX);
  EXPECT_TRUE(ok.value()->globals[0].type.is_mutable);
  auto mismatch = decode(moduleOf({section(6, {0x01, 0x7E, 0x00, 0x41, 0x00, 0x0B})}));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().kind, ErrorKind::Invalid);
  // i32.add is constant only with extended constants (3.0, on by default); i32.clz never.
  const Bytes add = moduleOf({section(6, {0x01, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B})});
  auto not_const = decode2(add);
  ASSERT_FALSE(not_const.ok());
  EXPECT_EQ(not_const.error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(decode(add).ok());
  auto never_const = decode(moduleOf({section(6, {0x01, 0x7F, 0x00, 0x41, 0x00, 0x67, 0x0B})}));
  ASSERT_FALSE(never_const.ok());
  EXPECT_EQ(never_const.error().kind, ErrorKind::Invalid);
}

TEST(ModuleDecoder, AllEightElementSegmentFormsDecode) {
  Bytes types{0x01, 0x60, 0x00, 0x00};
  Bytes functions{0x01, 0x00};
  Bytes tables{0x01, 0x70, 0x00, 0x0A};
  Bytes elements{0x08,
                 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,                    // 0: active, funcs
                 0x01, 0x00, 0x01, 0x00,                                // 1: passive, funcs
                 0x02, 0x00, 0x41, 0x01, 0x0B, 0x00, 0x01, 0x00,        // 2: table 0, funcs
                 0x03, 0x00, 0x01, 0x00,                                // 3: declarative
                 0x04, 0x41, 0x02, 0x0B, 0x01, 0xD2, 0x00, 0x0B,        // 4: active, exprs
                 0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B,                    // 5: passive, exprs
                 0x06, 0x00, 0x41, 0x03, 0x0B, 0x70, 0x01, 0xD2, 0x00, 0x0B,  // 6
                 0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B};                   // 7: declarative
  Bytes code{0x01, 0x02, 0x00, 0x0B};
  auto result = decode(moduleOf({section(1, types), section(3, functions), section(4, tables),
                                 section(9, elements), section(10, code)}));
  ASSERT_TRUE(result.ok()) << result.error().describe();
  const auto& segs = result.value()->elements;
  ASSERT_EQ(segs.size(), 8u);
  EXPECT_EQ(segs[1].mode, SegmentMode::Passive);
  EXPECT_EQ(segs[3].mode, SegmentMode::Declarative);
  EXPECT_EQ(segs[6].offset.i32(), 3u);
  EXPECT_EQ(segs[5].items[0].kind, ConstExpr::Kind::RefNull);
  EXPECT_TRUE(result.value()->functions[0].declared_ref);
}

TEST(ModuleDecoder, DataCountMustMatchTheDataSection) {
  Bytes memory{0x01, 0x00, 0x01};
  auto mismatch = decode(moduleOf({section(5, memory), section(12, {0x02}),
                                   section(11, {0x01, 0x01, 0x00})}));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().kind, ErrorKind::Malformed);
  auto ok = decode(moduleOf({section(5, memory), section(12, {0x01}),
                             section(11, {0x01, 0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i'})}));
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  const DataSegment& seg = ok.value()->data[0];
  EXPECT_EQ(seg.offset.i32(), 8u);
  EXPECT_EQ(seg.data_size, 2u);
  EXPECT_EQ(ok.value()->bytes[seg.data_offset], 'h');
}

TEST(ModuleDecoder, StartFunctionMustTakeAndReturnNothing) {
  Bytes types{0x01, 0x60, 0x01, 0x7F, 0x00};
  auto result = decode(moduleOf({section(1, types), section(3, {0x01, 0x00}), section(8, {0x00}),
                                 section(10, {0x01, 0x02, 0x00, 0x0B})}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Invalid);
  EXPECT_NE(result.error().message.find("start function"), std::string::npos);
}

TEST(ModuleDecoder, InvalidUtf8NameIsMalformed) {
  Bytes exports{0x01, 0x01, 0xFF, 0x00, 0x00};
  auto result = decode(moduleOf({section(7, exports)}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(result.error().message, "malformed UTF-8 encoding");
}

}  // namespace
}  // namespace wisp::wasm
