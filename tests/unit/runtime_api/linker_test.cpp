// Resolving imports: names, kinds, types, limits subtyping and the messages that explain them.
#include "runtime/linker.h"

#include <gtest/gtest.h>

#include "runtime_fixture.h"

namespace wisp::test {
namespace {

using runtime::Extern;
using runtime::Instantiation;
using wasm::ValType;

using LinkerTest = RuntimeTest;

std::string linkError(const Instantiation& result) {
  EXPECT_EQ(result.failure, Instantiation::Failure::Link);
  return result.error ? result.error->message : "";
}

TEST_F(LinkerTest, UnknownImport) {
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "f" (func))))")),
            "unknown import: env.f (func)");
}

TEST_F(LinkerTest, FunctionTypesMustBeEqual) {
  define("spectest", "print_i32", Extern::ofFunc(store_, hostFunction({ValType::I64}, {})));
  EXPECT_EQ(linkError(instantiate(R"((module (import "spectest" "print_i32" (func (param i32)))))")),
            "incompatible import type for spectest.print_i32: expected (i32) -> (), found (i64) -> ()");
}

TEST_F(LinkerTest, KindsMustMatch) {
  define("env", "g", Extern::ofGlobal(hostGlobal(ValType::I32, false, 0)));
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "g" (func))))")),
            "incompatible import type for env.g: expected a func, found a global");
}

TEST_F(LinkerTest, GlobalsMatchInTypeAndMutability) {
  define("env", "g", Extern::ofGlobal(hostGlobal(ValType::I32, false, 0)));
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "g" (global (mut i32)))))")),
            "incompatible import type for env.g: expected global (mut i32), found global i32");
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "g" (global i64))))")),
            "incompatible import type for env.g: expected global i64, found global i32");
  EXPECT_TRUE(instantiate(R"((module (import "env" "g" (global i32))))").ok());
}

TEST_F(LinkerTest, MemoryLimitsSubtyping) {
  define("env", "m12", Extern::ofMemory(hostMemory(1, 2)));
  define("env", "m1", Extern::ofMemory(hostMemory(1)));
  EXPECT_TRUE(instantiate(R"((module (import "env" "m12" (memory 1))))").ok());
  EXPECT_TRUE(instantiate(R"((module (import "env" "m12" (memory 0 2))))").ok());
  EXPECT_TRUE(instantiate(R"((module (import "env" "m12" (memory 1 3))))").ok());
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "m12" (memory 2))))")),
            "incompatible import type for env.m12: expected memory limits min 2, no max (pages), "
            "found min 1, max 2");
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "m12" (memory 1 1))))")),
            "incompatible import type for env.m12: expected memory limits min 1, max 1 (pages), "
            "found min 1, max 2");
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "m1" (memory 1 2))))")),
            "incompatible import type for env.m1: expected memory limits min 1, max 2 (pages), "
            "found min 1, no max");
}

TEST_F(LinkerTest, ImportedMemoryIsCheckedAtItsCurrentSize) {
  runtime::MemoryInstance* memory = hostMemory(1, 4);
  define("env", "m", Extern::ofMemory(memory));
  EXPECT_FALSE(instantiate(R"((module (import "env" "m" (memory 3))))").ok());
  ASSERT_EQ(memory->grow(2), 1);
  EXPECT_TRUE(instantiate(R"((module (import "env" "m" (memory 3))))").ok());
}

TEST_F(LinkerTest, TableElementTypeAndLimits) {
  define("env", "t", Extern::ofTable(hostTable(10, 20)));
  EXPECT_TRUE(instantiate(R"((module (import "env" "t" (table 10 funcref))))").ok());
  EXPECT_TRUE(instantiate(R"((module (import "env" "t" (table 5 25 funcref))))").ok());
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "t" (table 10 externref))))")),
            "incompatible import type for env.t: expected a table of externref, found a table of funcref");
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "t" (table 11 funcref))))")),
            "incompatible import type for env.t: expected table limits min 11, no max, found min 10, max 20");
  EXPECT_FALSE(instantiate(R"((module (import "env" "t" (table 10 15 funcref))))").ok());
}

TEST_F(LinkerTest, DuplicateDefinitionsUnlessShadowingIsAllowed) {
  define("env", "g", Extern::ofGlobal(hostGlobal(ValType::I32, false, 1)));
  runtime::Result<void> again = linker_.define("env", "g", Extern::ofGlobal(hostGlobal(ValType::I32, false, 2)));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "duplicate definition: env.g");
  linker_.setAllowShadowing(true);
  runtime::GlobalInstance* replacement = hostGlobal(ValType::I32, false, 3);
  EXPECT_TRUE(linker_.define("env", "g", Extern::ofGlobal(replacement)).ok());
  EXPECT_EQ(linker_.find("env", "g")->global(), replacement);
}

TEST_F(LinkerTest, DefineInstanceExportsEverything) {
  runtime::Instance& exporter = instantiateOk(R"(
    (module (memory (export "mem") 1) (global (export "g") i32 (i32.const 9)) (func (export "f")))
  )");
  ASSERT_TRUE(linker_.defineInstance("lib", exporter).ok());
  runtime::Instance& importer = instantiateOk(R"(
    (module (import "lib" "mem" (memory 1)) (import "lib" "g" (global i32)) (import "lib" "f" (func)))
  )");
  EXPECT_EQ(importer.memory(0), exporter.memory(0));
  EXPECT_EQ(importer.global(0), exporter.global(0));
  EXPECT_EQ(importer.function(0)->vmctx, exporter.vmctx());
}

TEST_F(LinkerTest, ExternsOfAnotherStoreAreRefused) {
  runtime::Store other(types_, runtime::BoundsCheckMode::GuardRegion,
                       runtime::InstanceAllocator::onDemand());
  wasm::GlobalType type{ValType::I32, false};
  define("env", "g", Extern::ofGlobal(other.createGlobal(type, runtime::ValRaw{})));
  EXPECT_EQ(linkError(instantiate(R"((module (import "env" "g" (global i32))))")),
            "import env.g belongs to another store");
}

}  // namespace
}  // namespace wisp::test
