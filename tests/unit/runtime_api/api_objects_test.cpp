// The public API without running wasm code: modules, errors, memories, tables, globals,
// values and linking.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};

  Module compile(std::string_view wat) {
    Result<Module> module = Module::compile(engine_, test::watToWasm(wat));
    EXPECT_TRUE(module.ok()) << module.error().describe();
    return *module;
  }
};

TEST_F(ApiTest, MalformedAndInvalidModulesSayWhatAndWhere) {
  const std::vector<uint8_t> not_wasm = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
  Result<Module> malformed = Module::compile(engine_, not_wasm);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(malformed.error().offset, 4u);

  // (func (result i32) (i64.const 0)): a type mismatch inside function 0's body.
  const std::vector<uint8_t> invalid = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01,
      0x7F, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0B};
  Result<Module> bad = Module::compile(engine_, invalid);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(bad.error().function_index, 0u);
  EXPECT_NE(bad.error().offset, Error::kNoOffset);
  EXPECT_NE(bad.error().describe().find("invalid module at byte 0x"), std::string::npos)
      << bad.error().describe();
  EXPECT_FALSE(Module::validate(engine_, invalid).ok());
}

TEST_F(ApiTest, ModuleImportsAndExportsWithTypes) {
  Module module = compile(R"(
    (module
      (import "env" "mem" (memory 1 2))
      (import "env" "g" (global (mut f64)))
      (table (export "t") 3 externref)
      (global (export "answer") i32 (i32.const 42)))
  )");
  std::vector<ImportType> imports = module.imports();
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].kind(), ExternKind::Memory);
  EXPECT_EQ(std::get<MemoryType>(imports[0].type), (MemoryType{{1, 2}}));
  EXPECT_EQ(std::get<GlobalType>(imports[1].type), (GlobalType{ValType::F64, true}));
  std::vector<ExportType> exports = module.exports();
  ASSERT_EQ(exports.size(), 2u);
  EXPECT_EQ(exports[0].name, "t");
  EXPECT_EQ(std::get<TableType>(exports[0].type), (TableType{ValType::ExternRef, {3, std::nullopt}}));
}

TEST_F(ApiTest, ExportedGlobalsMemoriesAndTables) {
  Module module = compile(R"(
    (module
      (memory (export "mem") 1 3)
      (data (i32.const 4) "wisp")
      (table (export "tab") 2 funcref)
      (global (export "const") i64 (i64.const -7))
      (global (export "var") (mut f32) (f32.const 2.5)))
  )");
  Result<Instance> instance = linker_.instantiate(store_, module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();

  Memory memory = *instance->getMemory("mem");
  EXPECT_EQ(memory.pages(), 1u);
  EXPECT_EQ(memory.dataSize(), 65536u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.data()) + 4, 4), "wisp");
  Result<uint64_t> grown = memory.grow(2);
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(*grown, 1u);
  EXPECT_EQ(memory.type(), (MemoryType{{3, 3}}));
  Result<uint64_t> too_far = memory.grow(1);
  ASSERT_FALSE(too_far.ok());
  EXPECT_EQ(too_far.error().kind, ErrorKind::Resource);

  Global constant = *instance->getGlobal("const");
  EXPECT_EQ(constant.get().i64(), -7);
  Result<void> set_constant = constant.set(Val(int64_t{1}));
  ASSERT_FALSE(set_constant.ok());
  EXPECT_EQ(set_constant.error().message, "cannot set an immutable global");
  Global variable = *instance->getGlobal("var");
  EXPECT_EQ(variable.get().f32(), 2.5f);
  EXPECT_TRUE(variable.set(Val(0.25f)).ok());
  EXPECT_EQ(variable.get().f32(), 0.25f);
  Result<void> wrong_type = variable.set(Val(0.25));
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().message, "global value: expected f32, got f64");

  Table table = *instance->getTable("tab");
  EXPECT_EQ(table.size(), 2u);
  EXPECT_TRUE(table.get(0)->isNullRef());
  EXPECT_FALSE(table.get(2).ok());
  EXPECT_FALSE(instance->getFunc("mem").has_value());  // wrong kind
  EXPECT_FALSE(instance->getExport("nothing").has_value());
  EXPECT_EQ(instance->exports().size(), 4u);
}

TEST_F(ApiTest, HostMemoryTableAndGlobalAreImportable) {
  Result<Memory> memory = Memory::create(store_, {{1, 2}});
  Result<Table> table = Table::create(store_, {ValType::ExternRef, {2, std::nullopt}}, Val::nullExternRef());
  Result<Global> global = Global::create(store_, {ValType::I32, false}, Val(int32_t{16}));
  ASSERT_TRUE(memory.ok() && table.ok() && global.ok());
  ExternRef data = ExternRef::create(store_, std::string("hello"));
  ASSERT_TRUE(table->set(1, Val(data)).ok());
  ASSERT_TRUE(linker_.define("host", "mem", *memory).ok());
  ASSERT_TRUE(linker_.define("host", "tab", *table).ok());
  ASSERT_TRUE(linker_.define("host", "at", *global).ok());
  Module module = compile(R"(
    (module
      (import "host" "mem" (memory 1))
      (import "host" "tab" (table 1 externref))
      (import "host" "at" (global i32))
      (data (global.get 0) "!")
      (export "tab" (table 0)))
  )");
  Result<Instance> instance = linker_.instantiate(store_, module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  EXPECT_EQ(memory->data()[16], '!');
  Val element = *instance->getTable("tab")->get(1);
  ASSERT_TRUE(element.externref().has_value());
  EXPECT_EQ(*element.externref(), data);
  EXPECT_EQ(std::any_cast<std::string>(element.externref()->data()), "hello");
}

// memory64: a MemoryType says whether the memory is 64-bit, an export keeps it, and a 64-bit
// memory imports only where a 64-bit one is asked for (and a 32-bit one likewise).
TEST(ApiMemory64, MemoryTypesSaySixtyFourBitAndImportsMatchIt) {
  Config config;
  config.features.memory64 = true;
  Engine engine(config);
  Store store(engine);
  Linker linker(engine);
  Result<Module> exporter = Module::compile(
      engine, test::watToWasm("(module (memory (export \"wide\") i64 1 3))", "--enable-memory64"));
  ASSERT_TRUE(exporter.ok()) << exporter.error().describe();
  Result<Instance> instance = linker.instantiate(store, *exporter);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  Memory wide = *instance->getMemory("wide");
  EXPECT_EQ(wide.type(), (MemoryType{{1, 3}, true}));
  Result<uint64_t> grown = wide.grow(1);
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(*grown, 1u);
  EXPECT_EQ(wide.pages(), 2u);
  EXPECT_FALSE(wide.grow(uint64_t{1} << 40).ok());

  Result<Memory> host_wide = Memory::create(store, {{1, 2}, true});
  ASSERT_TRUE(host_wide.ok()) << host_wide.error().describe();
  EXPECT_TRUE(host_wide->type().is64);
  Result<Memory> host_narrow = Memory::create(store, {{1, 2}});
  ASSERT_TRUE(host_narrow.ok());
  ASSERT_TRUE(linker.define("host", "wide", *host_wide).ok());
  ASSERT_TRUE(linker.define("host", "narrow", *host_narrow).ok());
  auto importer = [&](const char* name, const char* type) {
    const std::string wat = std::string("(module (import \"host\" \"") + name +
                            "\" (memory " + type + ")))";
    Result<Module> module = Module::compile(engine, test::watToWasm(wat, "--enable-memory64"));
    EXPECT_TRUE(module.ok()) << module.error().describe();
    return linker.instantiate(store, *module);
  };
  EXPECT_TRUE(importer("wide", "i64 1").ok());
  EXPECT_TRUE(importer("narrow", "1").ok());
  EXPECT_FALSE(importer("wide", "1").ok());
  EXPECT_FALSE(importer("narrow", "i64 1").ok());
}

TEST_F(ApiTest, TableGrowAndTypeChecks) {
  Result<Table> table = Table::create(store_, {ValType::FuncRef, {1, 3}}, Val::nullFuncRef());
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table->grow(2, Val::nullFuncRef()), 1u);
  EXPECT_FALSE(table->grow(1, Val::nullFuncRef()).ok());
  Result<void> wrong = table->set(0, Val::nullExternRef());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "table element: expected funcref, got externref");
  EXPECT_FALSE(Table::create(store_, {ValType::I32, {1, std::nullopt}}, Val(int32_t{0})).ok());
  EXPECT_FALSE(Memory::create(store_, {{2, 1}}).ok());
  EXPECT_FALSE(Memory::create(store_, {{65537, std::nullopt}}).ok());
}

TEST_F(ApiTest, LinkErrorsAreNamedAndKinded) {
  Module module = compile(R"((module (import "spectest" "print_i32" (func (param i32)))))");
  Result<Instance> missing = linker_.instantiate(store_, module);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Link);
  EXPECT_EQ(missing.error().message, "unknown import: spectest.print_i32 (func)");

  Result<Global> global = Global::create(store_, {ValType::I32, false}, Val(int32_t{0}));
  ASSERT_TRUE(linker_.define("spectest", "print_i32", *global).ok());
  Result<Instance> wrong_kind = linker_.instantiate(store_, module);
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().message,
            "incompatible import type for spectest.print_i32: expected a func, found a global");
  Result<void> again = linker_.define("spectest", "print_i32", *global);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Link);
}

TEST_F(ApiTest, UninstantiableModulesFailWithTheTrap) {
  Module module = compile(R"((module (memory 1) (data (i32.const 65536) "x")))");
  Result<Instance> instance = linker_.instantiate(store_, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, ErrorKind::Trap);
  ASSERT_TRUE(instance.error().trap.has_value());
  EXPECT_EQ(instance.error().trap->kind, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(instance.error().trap->message, "out of bounds memory access");
}

TEST_F(ApiTest, ObjectsOfAnotherStoreOrEngineAreRefused) {
  Store other(engine_);
  Result<Global> foreign = Global::create(other, {ValType::I32, false}, Val(int32_t{0}));
  ASSERT_TRUE(linker_.define("env", "g", *foreign).ok());
  Module module = compile(R"((module (import "env" "g" (global i32))))");
  Result<Instance> instance = linker_.instantiate(store_, module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().message, "import env.g belongs to another store");

  Engine second_engine;
  Store second_store(second_engine);
  Result<Instance> cross = Instance::create(second_store, compile("(module)"), {});
  ASSERT_FALSE(cross.ok());
  EXPECT_EQ(cross.error().kind, ErrorKind::Argument);
}

TEST_F(ApiTest, ValuesKeepTheirBits) {
  const uint32_t nan_bits = 0x7FA00001;
  Val nan = Val::f32FromBits(nan_bits);
  EXPECT_EQ(nan.type(), ValType::F32);
  EXPECT_EQ(nan.f32Bits(), nan_bits);
  EXPECT_TRUE(std::isnan(nan.f32()));
  EXPECT_EQ(Val::f64FromBits(0x8000000000000000).f64Bits(), 0x8000000000000000u);
  EXPECT_NE(Val(0.0), Val(-0.0));
  EXPECT_EQ(Val(int32_t{-1}).i32(), -1);
  EXPECT_EQ(Val(int32_t{5}).toString(), "i32:5");
  EXPECT_EQ(Val::nullFuncRef().toString(), "funcref:null");
  EXPECT_FALSE(Val::nullFuncRef().funcref().has_value());
  V128 v;
  v.bytes[0] = 1;
  v.bytes[15] = 0xFF;
  EXPECT_EQ(Val(v).v128(), v);
  EXPECT_EQ(Val(v).toString(), "v128:0xff000000000000000000000000000001");
}

// v128 across the embedding API both ways: a dynamic call with v128 arguments and result, into
// wasm that calls a host function taking and returning v128 (lane-wise work on both sides).
TEST_F(ApiTest, V128CrossesCallsBothWays) {
  WISP_SKIP_WITHOUT_SIMD();
  auto lanes = [](std::initializer_list<uint32_t> words) {
    V128 v;
    size_t at = 0;
    for (uint32_t w : words) std::memcpy(v.bytes.data() + 4 * at++, &w, 4);
    return v;
  };
  auto word = [](const V128& v, int lane) {
    uint32_t w;
    std::memcpy(&w, v.bytes.data() + 4 * lane, 4);
    return w;
  };
  FuncType host_type{{ValType::V128, ValType::I32}, {ValType::V128}};
  Result<Func> host = Func::create(store_, host_type, [&](std::span<const Val> params, std::span<Val> results) {
    V128 v = params[0].v128();
    for (int lane = 0; lane < 4; ++lane) {  // each lane times the i32
      const uint32_t w = word(v, lane) * static_cast<uint32_t>(params[1].i32());
      std::memcpy(v.bytes.data() + 4 * lane, &w, 4);
    }
    results[0] = Val(v);
  });
  ASSERT_TRUE(host.ok()) << host.error().describe();
  ASSERT_TRUE(linker_.define("host", "scale", *host).ok());
  Module module = compile(R"(
    (module
      (import "host" "scale" (func $scale (param v128 i32) (result v128)))
      (func (export "f") (param $a v128) (param $b v128) (result v128)
        (i32x4.add (call $scale (local.get $a) (i32.const 3)) (local.get $b))))
  )");
  Result<Instance> instance = linker_.instantiate(store_, module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  std::optional<Func> f = instance->getFunc("f");
  ASSERT_TRUE(f.has_value());
  const Val args[] = {Val(lanes({1, 2, 0x80000000u, 7})), Val(lanes({10, 20, 30, 40}))};
  Val results[1];
  ASSERT_TRUE(f->call(args, results).ok());
  ASSERT_EQ(results[0].type(), ValType::V128);
  const V128 out = results[0].v128();
  EXPECT_EQ(word(out, 0), 13u);
  EXPECT_EQ(word(out, 1), 26u);
  EXPECT_EQ(word(out, 2), 0x80000000u * 3u + 30u);
  EXPECT_EQ(word(out, 3), 61u);
}

TEST_F(ApiTest, InstanceCreateWithOrderedImports) {
  Result<Global> global = Global::create(store_, {ValType::I32, true}, Val(int32_t{3}));
  Module module = compile(R"((module (import "a" "b" (global (mut i32))) (export "g" (global 0))))");
  Extern imports[] = {*global};
  Result<Instance> instance = Instance::create(store_, module, imports);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  EXPECT_EQ(*instance->getGlobal("g"), *global);  // the same global, not a copy
}

}  // namespace
}  // namespace wisp
