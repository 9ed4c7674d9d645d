// Funcref tables initialised lazily: a module's active segments of function indices leave
// their slots holding the lazy mark at instantiation, and every reader (call_indirect,
// table.get, table.copy, the API's Table::get, another instance importing the table) gets the
// function the slot stands for, the same reference ref.func and the export give.
#include <gtest/gtest.h>

#include <stdexcept>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

class LazyTableTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};

  Module compile(std::string_view wat) {
    Result<Module> module = Module::compile(engine_, test::watToWasm(wat));
    if (!module.ok()) throw std::runtime_error(module.error().describe());
    return *module;
  }
  Instance instantiate(const Module& module) {
    Result<Instance> instance = linker_.instantiate(store_, module);
    if (!instance.ok()) throw std::runtime_error(instance.error().describe());
    return *instance;
  }
  Instance instantiate(std::string_view wat) { return instantiate(compile(wat)); }

  static int32_t callI32(const Instance& instance, std::string_view name, std::vector<Val> args) {
    Result<std::vector<Val>> results = instance.getFunc(name)->call(args);
    if (!results.ok()) throw std::runtime_error(results.error().describe());
    return (*results)[0].i32();
  }
  static std::string trapOf(const Instance& instance, std::string_view name, std::vector<Val> args) {
    Result<std::vector<Val>> results = instance.getFunc(name)->call(args);
    if (results.ok()) return "no trap";
    if (results.error().kind != ErrorKind::Trap) return "not a trap: " + results.error().describe();
    return results.error().trap->message;
  }
};

// Slots 1..4 hold $ten, $twenty, $thirty and $other (another type); 0 and 5 are null. Only
// $thirty is exported; no code names $ten or $twenty by ref.func.
constexpr std::string_view kLazy = R"(
  (module
    (type $r (func (result i32)))
    (table $t (export "table") 6 funcref)
    (elem (i32.const 1) $ten $twenty)
    (elem (i32.const 3) func $thirty $other)
    (func $ten (type $r) (i32.const 10))
    (func $twenty (type $r) (i32.const 20))
    (func $thirty (export "thirty") (type $r) (i32.const 30))
    (func $other (param i32) (result i32) (local.get 0))
    (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
    (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
    (func (export "set_null") (param i32) (table.set $t (local.get 0) (ref.null func)))
    (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $thirty) (local.get 0)))
    (func (export "ref_thirty") (result funcref) (ref.func $thirty))
    ;; Values in registers across a table.get that resolves a slot: they survive its call.
    (func (export "live") (param i32 i64 f64) (result i64)
      (local $x i64) (local $y f64)
      (local.set $x (i64.mul (local.get 1) (i64.const 3)))
      (local.set $y (f64.add (local.get 2) (f64.const 1)))
      (i64.add (local.get $x) (i64.const 7))
      (drop (table.get $t (local.get 0)))
      (i64.add (local.get $x))
      (i64.add (i64.trunc_f64_s (local.get $y)))))
)";

TEST_F(LazyTableTest, CallIndirectThroughLazySlots) {
  Instance instance = instantiate(kLazy);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{1})}), 10);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{2})}), 20);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{3})}), 30);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{1})}), 10);  // resolved now
  // A lazy slot of another type is a real mismatch; a null stays a null.
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{4})}), "indirect call type mismatch");
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{4})}), "indirect call type mismatch");
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{0})}), "uninitialized element");
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{5})}), "uninitialized element");
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{6})}), "undefined element");
}

TEST_F(LazyTableTest, TableGetGivesTheSameReferenceAsRefFuncAndTheExport) {
  Instance instance = instantiate(kLazy);
  Result<std::vector<Val>> got = instance.getFunc("get")->call({Val(int32_t{3})});
  ASSERT_TRUE(got.ok()) << got.error().describe();
  Result<std::vector<Val>> ref = instance.getFunc("ref_thirty")->call({});
  ASSERT_TRUE(ref.ok()) << ref.error().describe();
  EXPECT_EQ((*got)[0], (*ref)[0]);
  ASSERT_TRUE((*got)[0].funcref().has_value());
  EXPECT_EQ(*(*got)[0].funcref(), *instance.getFunc("thirty"));
  // A function no export or ref.func names: callable, and the same reference every time.
  Result<std::vector<Val>> ten = instance.getFunc("get")->call({Val(int32_t{1})});
  ASSERT_TRUE(ten.ok()) << ten.error().describe();
  Result<std::vector<Val>> again = instance.getFunc("get")->call({Val(int32_t{1})});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*ten)[0], (*again)[0]);
  Result<std::vector<Val>> result = (*ten)[0].funcref()->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 10);
  // Nulls read as nulls.
  Result<std::vector<Val>> null = instance.getFunc("get")->call({Val(int32_t{5})});
  ASSERT_TRUE(null.ok());
  EXPECT_TRUE((*null)[0].isNullRef());
}

TEST_F(LazyTableTest, RegistersSurviveTheSlowPathOfTableGet) {
  Instance instance = instantiate(kLazy);
  for (int32_t slot : {2, 2, 0}) {  // resolved, then already resolved, then a null
    Result<std::vector<Val>> result =
        instance.getFunc("live")->call({Val(slot), Val(int64_t{5}), Val(2.5)});
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ((*result)[0].i64(), 15 + 7 + 15 + 3) << slot;
  }
}

TEST_F(LazyTableTest, SetNullOverALazySlotTraps) {
  Instance instance = instantiate(kLazy);
  Result<std::vector<Val>> set = instance.getFunc("set_null")->call({Val(int32_t{2})});
  ASSERT_TRUE(set.ok()) << set.error().describe();
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{2})}), "uninitialized element");
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{1})}), 10);
}

TEST_F(LazyTableTest, GrowAfterLazyInitialisation) {
  Instance instance = instantiate(kLazy);
  EXPECT_EQ(callI32(instance, "grow", {Val(int32_t{100})}), 6);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{2})}), 20);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{105})}), 30);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{1})}), 10);
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{0})}), "uninitialized element");
  EXPECT_EQ(instance.getTable("table")->size(), 106u);
}

TEST_F(LazyTableTest, ApiTableGetResolvesALazySlot) {
  Instance instance = instantiate(kLazy);
  Table table = *instance.getTable("table");
  Result<Val> thirty = table.get(3);
  ASSERT_TRUE(thirty.ok()) << thirty.error().describe();
  ASSERT_TRUE(thirty->funcref().has_value());
  EXPECT_EQ(*thirty->funcref(), *instance.getFunc("thirty"));
  Result<Val> twenty = table.get(2);
  ASSERT_TRUE(twenty.ok());
  Result<std::vector<Val>> result = twenty->funcref()->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 20);
  EXPECT_TRUE(table.get(0)->isNullRef());
  // What the API resolved, wasm sees the same.
  Result<std::vector<Val>> got = instance.getFunc("get")->call({Val(int32_t{2})});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)[0], *twenty);
}

TEST_F(LazyTableTest, CopyFromALazyTable) {
  Instance instance = instantiate(R"(
    (module
      (type $r (func (result i32)))
      (table $lazy 4 funcref)
      (table $other 4 funcref)
      (elem (table $lazy) (i32.const 0) func $one $two $three)
      (func $one (type $r) (i32.const 1))
      (func $two (type $r) (i32.const 2))
      (func $three (type $r) (i32.const 3))
      (func (export "copy_across") (table.copy $other $lazy (i32.const 1) (i32.const 0) (i32.const 3)))
      (func (export "copy_within") (table.copy $lazy $lazy (i32.const 1) (i32.const 0) (i32.const 3)))
      (func (export "call_other") (param i32) (result i32) (call_indirect $other (type $r) (local.get 0)))
      (func (export "call_lazy") (param i32) (result i32) (call_indirect $lazy (type $r) (local.get 0))))
  )");
  ASSERT_TRUE(instance.getFunc("copy_across")->call({}).ok());
  EXPECT_EQ(callI32(instance, "call_other", {Val(int32_t{1})}), 1);
  EXPECT_EQ(callI32(instance, "call_other", {Val(int32_t{2})}), 2);
  EXPECT_EQ(callI32(instance, "call_other", {Val(int32_t{3})}), 3);
  // Overlapping, within the lazy table: every slot keeps its own function's meaning.
  ASSERT_TRUE(instance.getFunc("copy_within")->call({}).ok());
  EXPECT_EQ(callI32(instance, "call_lazy", {Val(int32_t{0})}), 1);
  EXPECT_EQ(callI32(instance, "call_lazy", {Val(int32_t{1})}), 1);
  EXPECT_EQ(callI32(instance, "call_lazy", {Val(int32_t{2})}), 2);
  EXPECT_EQ(callI32(instance, "call_lazy", {Val(int32_t{3})}), 3);
}

TEST_F(LazyTableTest, AnImportedLazyTableResolvesToItsOwnersFunctions) {
  Instance owner = instantiate(kLazy);
  ASSERT_TRUE(linker_.defineInstance("owner", owner).ok());
  // The importer has functions of its own at the same indices, returning other values.
  Instance user = instantiate(R"(
    (module
      (type $r (func (result i32)))
      (import "owner" "table" (table $t 6 funcref))
      (func $a (type $r) (i32.const -1))
      (func $b (type $r) (i32.const -2))
      (func $c (type $r) (i32.const -3))
      (elem declare func $a $b $c)
      (func (export "call") (param i32) (result i32) (call_indirect $t (type $r) (local.get 0)))
      (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0))))
  )");
  EXPECT_EQ(callI32(user, "call", {Val(int32_t{1})}), 10);
  EXPECT_EQ(callI32(user, "call", {Val(int32_t{3})}), 30);
  Result<std::vector<Val>> got = user.getFunc("get")->call({Val(int32_t{2})});
  ASSERT_TRUE(got.ok()) << got.error().describe();
  Result<std::vector<Val>> result = (*got)[0].funcref()->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 20);
  // The owner sees what the importer resolved, and the reference is the owner's.
  Result<std::vector<Val>> owned = owner.getFunc("get")->call({Val(int32_t{2})});
  ASSERT_TRUE(owned.ok());
  EXPECT_EQ((*owned)[0], (*got)[0]);
  Result<std::vector<Val>> thirty = user.getFunc("get")->call({Val(int32_t{3})});
  ASSERT_TRUE(thirty.ok());
  EXPECT_EQ(*(*thirty)[0].funcref(), *owner.getFunc("thirty"));
  EXPECT_EQ(trapOf(user, "call", {Val(int32_t{4})}), "indirect call type mismatch");
  EXPECT_EQ(trapOf(user, "call", {Val(int32_t{0})}), "uninitialized element");
}

TEST_F(LazyTableTest, SerializedModuleRoundTrip) {
  Module compiled = compile(kLazy);
  Result<std::vector<uint8_t>> bytes = compiled.serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  Result<Module> loaded = Module::deserialize(engine_, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  Instance instance = instantiate(*loaded);
  EXPECT_EQ(callI32(instance, "call", {Val(int32_t{2})}), 20);
  EXPECT_EQ(trapOf(instance, "call", {Val(int32_t{4})}), "indirect call type mismatch");
  // ref.func in the code still names a defined entry after loading.
  Result<std::vector<Val>> ref = instance.getFunc("ref_thirty")->call({});
  ASSERT_TRUE(ref.ok()) << ref.error().describe();
  Result<std::vector<Val>> got = instance.getFunc("get")->call({Val(int32_t{3})});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*ref)[0], (*got)[0]);
  Result<std::vector<Val>> result = (*ref)[0].funcref()->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 30);
}

// Instances of one module share nothing lazy: each resolves to its own functions.
TEST_F(LazyTableTest, TwoInstancesOfOneModule) {
  Module module = compile(kLazy);
  Instance first = instantiate(module);
  Instance second = instantiate(module);
  Result<std::vector<Val>> a = first.getFunc("get")->call({Val(int32_t{1})});
  Result<std::vector<Val>> b = second.getFunc("get")->call({Val(int32_t{1})});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)[0], (*b)[0]);
  EXPECT_EQ(callI32(second, "call", {Val(int32_t{1})}), 10);
}

}  // namespace
}  // namespace wisp
