// Instantiation: globals, segments in the spec's order, and what survives a trapping segment.
#include "runtime/instance.h"

#include <gtest/gtest.h>

#include <cstring>

#include "runtime_fixture.h"

namespace wisp::test {
namespace {

using runtime::Extern;
using runtime::Instantiation;
using runtime::TrapKind;

using InstanceTest = RuntimeTest;

TEST_F(InstanceTest, VmctxHoldsLimitsInstanceAndViews) {
  runtime::Instance& instance = instantiateOk(R"(
    (module (memory 1 3) (table 2 funcref) (global (mut i32) (i32.const 7)))
  )");
  auto* bytes = reinterpret_cast<uint8_t*>(instance.vmctx());
  void* limits;
  std::memcpy(&limits, bytes + runtime::VMOffsets::kLimitsOffset, 8);
  EXPECT_EQ(limits, &store_.limits());
  EXPECT_EQ(&runtime::Instance::fromVmctx(instance.vmctx()), &instance);

  const runtime::VMOffsets& offsets = instance.offsets();
  runtime::VMMemory* memory;
  std::memcpy(&memory, bytes + offsets.memory(0), 8);
  EXPECT_EQ(memory, instance.memory(0)->vm());
  EXPECT_EQ(memory->length, 65536u);
  runtime::VMTable* table;
  std::memcpy(&table, bytes + offsets.table(0), 8);
  EXPECT_EQ(table->size, 2u);
  runtime::VMGlobal* global;
  std::memcpy(&global, bytes + offsets.global(0), 8);
  EXPECT_EQ(global->value.i32, 7);
}

TEST_F(InstanceTest, GlobalsFromConstantsImportsAndReferences) {
  define("env", "base", Extern::ofGlobal(hostGlobal(wasm::ValType::I32, false, 40)));
  runtime::Instance& instance = instantiateOk(R"(
    (module
      (import "env" "base" (global $base i32))
      (global i32 (global.get $base))
      (global i64 (i64.const -5))
      (global f32 (f32.const 1.5))
      (global funcref (ref.func $f))
      (global externref (ref.null extern))
      (func $f))
  )");
  EXPECT_EQ(instance.global(1)->value().i32, 40);
  EXPECT_EQ(instance.global(2)->value().i64, -5);
  EXPECT_EQ(instance.global(3)->value().f32_bits, 0x3FC00000u);
  EXPECT_EQ(instance.global(4)->value().ref, instance.function(0));
  EXPECT_EQ(instance.global(5)->value().ref, nullptr);
}

TEST_F(InstanceTest, DefinedAndImportedFunctionEntries) {
  runtime::VMFuncRef* host = hostFunction({wasm::ValType::I32}, {});
  define("env", "f", Extern::ofFunc(store_, host));
  runtime::Instance& instance = instantiateOk(R"(
    (module (import "env" "f" (func (param i32)))
            (func (export "g") (result i32) (i32.const 1))
            (func (result i32) (i32.const 2)))
  )");
  EXPECT_EQ(instance.function(0)->code, host->code);
  EXPECT_EQ(instance.function(0)->vmctx, host->vmctx);
  EXPECT_EQ(instance.function(0)->type_id, host->type_id);
  EXPECT_EQ(instance.function(1)->vmctx, instance.vmctx());
  EXPECT_EQ(instance.function(1)->code, instance.compiled().code->functionEntry(0));
  EXPECT_NE(instance.function(1)->type_id, host->type_id);
  // Nothing can read the entry of a function that is neither exported nor referenced (calls
  // to it are direct), so instantiation leaves it empty.
  EXPECT_EQ(instance.function(2)->code, nullptr);
  EXPECT_EQ(instance.function(2)->vmctx, nullptr);
}

// Constant data segments inside the initial size become a copy-on-write image that the
// memory maps; anything decided only at instantiation (an offset from a global, an element
// segment that may trap before the data is written) leaves the segments to be copied.
TEST_F(InstanceTest, ConstantDataSegmentsBecomeAMemoryImage) {
  runtime::Instance& imaged = instantiateOk(R"(
    (module (memory 2) (data (i32.const 8) "hi") (data (i32.const 70000) "there")
            (data (i32.const 9) "o"))
  )");
  const runtime::MemoryImage* image = imaged.memory(0)->linearMemory().image();
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->offset(), 0u);
  EXPECT_EQ(image->length(), 73728u);  // through the OS page holding byte 70004
  EXPECT_EQ(std::memcmp(imaged.memory(0)->base() + 8, "ho", 2), 0);  // in order: "o" last
  EXPECT_EQ(std::memcmp(imaged.memory(0)->base() + 70000, "there", 5), 0);
  EXPECT_TRUE(imaged.dataSegment(0).empty());  // dropped all the same

  define("env", "at", Extern::ofGlobal(hostGlobal(wasm::ValType::I32, false, 100)));
  runtime::Instance& from_global = instantiateOk(R"(
    (module (import "env" "at" (global i32)) (memory 1) (data (global.get 0) "x"))
  )");
  EXPECT_EQ(from_global.memory(0)->linearMemory().image(), nullptr);
  EXPECT_EQ(from_global.memory(0)->base()[100], 'x');

  define("env", "zero", Extern::ofGlobal(hostGlobal(wasm::ValType::I32, false, 0)));
  runtime::Instance& element_may_trap = instantiateOk(R"(
    (module (import "env" "zero" (global i32)) (table 1 funcref) (memory 1) (func $f)
            (elem (global.get 0) $f) (data (i32.const 0) "y"))
  )");
  EXPECT_EQ(element_may_trap.memory(0)->linearMemory().image(), nullptr);
  EXPECT_EQ(element_may_trap.memory(0)->base()[0], 'y');
}

TEST_F(InstanceTest, ActiveSegmentsAreCopiedAndDroppedPassiveOnesKept) {
  runtime::Instance& instance = instantiateOk(R"(
    (module
      (memory 1)
      (table 4 funcref)
      (func $a) (func $b)
      (elem (i32.const 1) func $b $a)
      (elem $passive func $a)
      (elem declare func $b)
      (data (i32.const 8) "hi")
      (data $later "passive"))
  )");
  EXPECT_EQ(instance.table(0)->get(0), 0u);
  EXPECT_EQ(instance.table(0)->get(1), reinterpret_cast<uint64_t>(instance.function(1)));
  EXPECT_EQ(instance.table(0)->get(2), reinterpret_cast<uint64_t>(instance.function(0)));
  EXPECT_EQ(std::memcmp(instance.memory(0)->base() + 8, "hi", 2), 0);
  EXPECT_TRUE(instance.elementSegment(0).empty());  // active: dropped
  ASSERT_EQ(instance.elementSegment(1).size(), 1u);  // passive: kept
  EXPECT_TRUE(instance.elementSegment(2).empty());  // declarative: dropped
  EXPECT_TRUE(instance.dataSegment(0).empty());
  EXPECT_EQ(instance.dataSegment(1).size(), 7u);
}

TEST_F(InstanceTest, OutOfBoundsDataTrapsAndEarlierWritesStay) {
  runtime::MemoryInstance* memory = hostMemory(1);
  define("env", "memory", Extern::ofMemory(memory));
  Instantiation result = instantiate(R"(
    (module
      (import "env" "memory" (memory 1))
      (data (i32.const 0) "first")
      (data (i32.const 65535) "xx")
      (data (i32.const 10) "never"))
  )");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure, Instantiation::Failure::Trap);
  ASSERT_TRUE(result.trap.has_value());
  EXPECT_EQ(result.trap->kind, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(result.trap->message, "out of bounds memory access");
  EXPECT_EQ(std::memcmp(memory->base(), "first", 5), 0);
  EXPECT_EQ(memory->base()[65535], 0);  // no partial write of the failing segment
  EXPECT_EQ(memory->base()[10], 0);
}

TEST_F(InstanceTest, ElementSegmentsRunBeforeDataSegments) {
  runtime::MemoryInstance* memory = hostMemory(1);
  runtime::TableInstance* table = hostTable(2);
  define("env", "memory", Extern::ofMemory(memory));
  define("env", "table", Extern::ofTable(table));
  Instantiation result = instantiate(R"(
    (module
      (import "env" "memory" (memory 1))
      (import "env" "table" (table 2 funcref))
      (func $f)
      (data (i32.const 0) "data")
      (elem (i32.const 0) func $f)
      (elem (i32.const 2) func $f))
  )");
  ASSERT_EQ(result.failure, Instantiation::Failure::Trap);
  EXPECT_EQ(result.trap->kind, TrapKind::TableOutOfBounds);
  EXPECT_EQ(result.trap->message, "out of bounds table access");
  // The first element segment's write stays, and points into the failed instance, which the
  // store keeps alive.
  ASSERT_NE(result.instance, nullptr);
  EXPECT_EQ(table->get(0), reinterpret_cast<uint64_t>(result.instance->function(0)));
  EXPECT_EQ(memory->base()[0], 0);  // data segments never ran
}

TEST_F(InstanceTest, EmptySegmentAtTheEndIsInBoundsAndPastItTraps) {
  EXPECT_TRUE(instantiate("(module (memory 1) (data (i32.const 65536) \"\"))").ok());
  Instantiation past = instantiate("(module (memory 1) (data (i32.const 65537) \"\"))");
  EXPECT_EQ(past.failure, Instantiation::Failure::Trap);
  EXPECT_TRUE(instantiate("(module (table 1 funcref) (elem (i32.const 1)))").ok());
  Instantiation table_past = instantiate("(module (table 1 funcref) (elem (i32.const 2)))");
  EXPECT_EQ(table_past.failure, Instantiation::Failure::Trap);
}

TEST_F(InstanceTest, SegmentOffsetFromImportedGlobal) {
  define("env", "at", Extern::ofGlobal(hostGlobal(wasm::ValType::I32, false, 100)));
  runtime::Instance& instance = instantiateOk(R"(
    (module (import "env" "at" (global i32)) (memory 1) (data (global.get 0) "z"))
  )");
  EXPECT_EQ(instance.memory(0)->base()[100], 'z');
}

TEST_F(InstanceTest, ImportCountMismatchIsALinkFailure) {
  auto compiled = compile("(module (import \"env\" \"f\" (func)))");
  Instantiation result = runtime::instantiate(store_, compiled, {});
  EXPECT_EQ(result.failure, Instantiation::Failure::Link);
  EXPECT_EQ(result.error->message, "the module has 1 imports but 0 were provided");
}

}  // namespace
}  // namespace wisp::test

namespace wisp::test {
namespace {

using LazyInstanceTest = RuntimeTest;

// Active segments of function indices at constant offsets leave the lazy mark in their slots,
// and the functions only they name get no entry until a slot is read.
TEST_F(LazyInstanceTest, ConstantSegmentsOfFunctionsAreAppliedLazily) {
  runtime::Instance& instance = instantiateOk(R"(
    (module
      (table 4 funcref)
      (elem (i32.const 1) $f $g)
      (elem (i32.const 2) $h)
      (func $f) (func $g) (func $h (export "h")))
  )");
  const uint64_t* slots = instance.table(0)->elements();
  EXPECT_EQ(slots[0], 0u);
  EXPECT_EQ(slots[1], runtime::lazyElement());
  EXPECT_EQ(slots[2], runtime::lazyElement());  // $h, the later segment's
  EXPECT_EQ(slots[3], 0u);
  EXPECT_EQ(instance.compiled().exposed_functions, std::vector<uint32_t>{2});
  EXPECT_EQ(instance.function(0)->code, nullptr);
  EXPECT_EQ(instance.table(0)->get(1), reinterpret_cast<uint64_t>(instance.function(0)));
  EXPECT_NE(instance.function(0)->code, nullptr);
  EXPECT_EQ(instance.function(0)->vmctx, instance.vmctx());
  EXPECT_EQ(instance.table(0)->get(2), reinterpret_cast<uint64_t>(instance.function(2)));
  EXPECT_EQ(slots[1], reinterpret_cast<uint64_t>(instance.function(0)));
}

// Any segment that could trap, or one into an imported table, keeps the eager path.
TEST_F(LazyInstanceTest, OtherSegmentsAreAppliedEagerly) {
  define("env", "base", Extern::ofGlobal(hostGlobal(wasm::ValType::I32, false, 1)));
  runtime::Instance& offset = instantiateOk(R"(
    (module
      (import "env" "base" (global $base i32))
      (table 4 funcref)
      (elem (i32.const 0) $f)
      (elem (global.get $base) $g)
      (func $f) (func $g))
  )");
  EXPECT_EQ(offset.table(0)->elements()[0], reinterpret_cast<uint64_t>(offset.function(0)));
  EXPECT_EQ(offset.table(0)->elements()[1], reinterpret_cast<uint64_t>(offset.function(1)));
  // Into an imported table: its lazy slots, if any, would belong to its owner.
  wasm::TableType type;
  type.element = wasm::ValType::FuncRef;
  type.limits.min = 2;
  runtime::Result<runtime::TableInstance*> table = store_.createTable(type, uint64_t{0});
  ASSERT_TRUE(table.ok());
  define("env", "table", Extern::ofTable(*table));
  runtime::Instance& imported = instantiateOk(R"(
    (module
      (import "env" "table" (table 2 funcref))
      (elem (i32.const 1) $f)
      (func $f))
  )");
  EXPECT_EQ((*table)->elements()[1], reinterpret_cast<uint64_t>(imported.function(0)));
  EXPECT_EQ(imported.compiled().exposed_functions, std::vector<uint32_t>{0});
}

}  // namespace
}  // namespace wisp::test
