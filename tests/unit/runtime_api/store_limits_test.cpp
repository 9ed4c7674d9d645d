// StoreLimits: each limit on both paths. Growing from wasm code (memory.grow / table.grow in a
// compiled function, which calls the runtime's grow builtins) succeeds up to exactly the limit
// and returns -1 one step past it, leaving the object unchanged; the API's grow fails with a
// message naming the limit. Instantiation and Memory/Table::create refuse initial sizes and
// counts past the limits, with the numbers in the message, and create nothing when they do.
#include <gtest/gtest.h>

#include <cstring>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr uint64_t kPage = 65536;

Config configFor(BoundsChecks bounds_checks) {
  Config config;
  config.bounds_checks = bounds_checks;
  return config;
}

class StoreLimitsTest : public ::testing::Test {
 protected:
  Module compile(std::string_view wat) {
    Result<Module> module = Module::compile(engine_, test::watToWasm(wat));
    // Throwing ends just this test (GoogleTest reports the exception).
    if (!module.ok()) throw std::runtime_error(module.error().describe());
    return *module;
  }
  Instance instantiate(const Module& module) {
    Result<Instance> instance = linker_.instantiate(store_, module);
    if (!instance.ok()) throw std::runtime_error(instance.error().describe());
    return *instance;
  }
  // The instantiation's error, which must be a Resource error.
  std::string refusal(const Module& module) {
    Result<Instance> instance = linker_.instantiate(store_, module);
    if (instance.ok()) {
      ADD_FAILURE() << "instantiation succeeded; the store's limits should have refused it";
      return "";
    }
    EXPECT_EQ(instance.error().kind, ErrorKind::Resource) << instance.error().describe();
    return instance.error().message;
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
};

constexpr std::string_view kGrowingMemory = R"(
  (module
    (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))
)";

TEST_F(StoreLimitsTest, DefaultsAreUnlimited) {
  const StoreLimits limits = store_.limits();
  EXPECT_FALSE(limits.max_memory_bytes || limits.max_table_elements || limits.max_instances ||
               limits.max_memories || limits.max_tables);
  Instance instance = instantiate(compile(kGrowingMemory));
  auto grow = instance.getFunc("grow")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(grow.ok());
  EXPECT_EQ(*grow->call(1000), 1);
}

TEST_F(StoreLimitsTest, SetLimitsReadBack) {
  store_.setLimits({.max_memory_bytes = 3 * kPage, .max_instances = 7});
  EXPECT_EQ(store_.limits().max_memory_bytes, 3 * kPage);
  EXPECT_EQ(store_.limits().max_instances, 7u);
  EXPECT_FALSE(store_.limits().max_tables);
  Store limited(engine_, {.max_tables = 2});
  EXPECT_EQ(limited.limits().max_tables, 2u);
}

// memory.grow from compiled code, in both bounds-check modes (explicit checks remap the
// memory, guard regions change protections: the limit comes before either).
class MemoryGrowLimitTest : public ::testing::TestWithParam<BoundsChecks> {
 protected:
  Engine engine_{configFor(GetParam())};
  Store store_{engine_, {.max_memory_bytes = 3 * kPage}};
  Linker linker_{engine_};
};

TEST_P(MemoryGrowLimitTest, WasmGrowsToExactlyTheLimitAndGetsMinusOnePastIt) {
  Result<Module> module = Module::compile(engine_, test::watToWasm(kGrowingMemory));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<Instance> instance = linker_.instantiate(store_, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  auto grow = instance->getFunc("grow")->typed<int32_t(int32_t)>(store_);
  auto size = instance->getFunc("size")->typed<int32_t()>(store_);
  auto load = instance->getFunc("load")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(grow.ok() && size.ok() && load.ok());
  Memory memory = *instance->getMemory("mem");

  EXPECT_EQ(*grow->call(3), -1);  // 4 pages at once: past the limit
  EXPECT_EQ(*size->call(), 1);
  EXPECT_EQ(*grow->call(1), 1);
  EXPECT_EQ(*grow->call(1), 2);   // 3 pages: exactly the limit
  EXPECT_EQ(*size->call(), 3);
  memory.data()[3 * kPage - 1] = 0x5a;
  EXPECT_EQ(*grow->call(1), -1);  // 4 pages: one past it
  EXPECT_EQ(*grow->call(-1), -1);  // 4 GiB of pages: no overflow in the check
  EXPECT_EQ(*grow->call(0), 3);    // growing by nothing still reports the size
  EXPECT_EQ(*size->call(), 3);
  EXPECT_EQ(memory.dataSize(), 3 * kPage);
  EXPECT_EQ(*load->call(3 * kPage - 1), 0x5a);  // unchanged, still accessible
  Result<int32_t> past_end = load->call(3 * kPage);
  ASSERT_FALSE(past_end.ok());  // and not one byte more
  EXPECT_EQ(past_end.error().trap->kind, TrapKind::MemoryOutOfBounds);
}

INSTANTIATE_TEST_SUITE_P(BothBoundsChecks, MemoryGrowLimitTest,
                         ::testing::Values(BoundsChecks::GuardRegion, BoundsChecks::Explicit),
                         [](const ::testing::TestParamInfo<BoundsChecks>& info) {
                           return info.param == BoundsChecks::GuardRegion ? "GuardRegion"
                                                                          : "ExplicitChecks";
                         });

TEST_F(StoreLimitsTest, MemoryGrowThroughTheApiNamesTheLimit) {
  // Not a whole number of pages: only whole pages that fit count (2).
  store_.setLimits({.max_memory_bytes = 2 * kPage + 100});
  Memory memory = *instantiate(compile(kGrowingMemory)).getMemory("mem");
  Result<uint64_t> grown = memory.grow(1);
  ASSERT_TRUE(grown.ok()) << grown.error().describe();
  EXPECT_EQ(*grown, 1u);
  Result<uint64_t> refused = memory.grow(1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Resource);
  EXPECT_EQ(refused.error().message,
            "memory.grow by 1 pages from 2 failed: a memory of 3 pages (196608 bytes) exceeds "
            "the store's limit of 131172 bytes per memory");
  EXPECT_EQ(memory.pages(), 2u);
}

TEST_F(StoreLimitsTest, LimitSetLaterStopsFurtherGrowthOnly) {
  Instance instance = instantiate(compile(kGrowingMemory));
  auto grow = instance.getFunc("grow")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(grow.ok());
  EXPECT_EQ(*grow->call(2), 1);
  store_.setLimits({.max_memory_bytes = kPage});
  EXPECT_EQ(*grow->call(1), -1);
  EXPECT_EQ(*grow->call(0), 3);  // the memory keeps its 3 pages
  store_.setLimits({});
  EXPECT_EQ(*grow->call(1), 3);
}

TEST_F(StoreLimitsTest, InstantiationRefusesAMemoryLargerThanTheLimit) {
  store_.setLimits({.max_memory_bytes = kPage, .max_memories = 1});
  EXPECT_EQ(refusal(compile("(module (memory 2))")),
            "instantiation: memory 0 of 2 pages (131072 bytes) exceeds the store's limit of "
            "65536 bytes per memory");
  // The refusal created nothing: the store's one memory is still free, and a memory of exactly
  // the limit is fine.
  instantiate(compile("(module (memory 1 5))"));
}

TEST_F(StoreLimitsTest, HostMemoryRespectsTheLimits) {
  store_.setLimits({.max_memory_bytes = kPage, .max_memories = 1});
  Result<Memory> large = Memory::create(store_, MemoryType{{2, std::nullopt}});
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().kind, ErrorKind::Resource);
  EXPECT_EQ(large.error().message,
            "a memory of 2 pages (131072 bytes) exceeds the store's limit of 65536 bytes per memory");
  Result<Memory> fits = Memory::create(store_, MemoryType{{1, std::nullopt}});
  ASSERT_TRUE(fits.ok()) << fits.error().describe();
  EXPECT_FALSE(fits->grow(1).ok());
  Result<Memory> second = Memory::create(store_, MemoryType{{0, std::nullopt}});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message,
            "the store holds 1 memory; 1 more would exceed its limit of 1 memory");
}

TEST_F(StoreLimitsTest, MemoryCount) {
  store_.setLimits({.max_memories = 2});
  Module one_memory = compile("(module (memory (export \"mem\") 0))");
  Instance first = instantiate(one_memory);
  instantiate(one_memory);
  EXPECT_EQ(refusal(one_memory),
            "instantiation: the store holds 2 memories; 1 more would exceed its limit of 2 "
            "memories");
  // Importing a memory creates none.
  ASSERT_TRUE(linker_.define("env", "mem", *first.getMemory("mem")).ok());
  instantiate(compile("(module (import \"env\" \"mem\" (memory 0)))"));
  EXPECT_FALSE(Memory::create(store_, MemoryType{}).ok());
  // Another store has its own count.
  Store other(engine_, {.max_memories = 2});
  EXPECT_TRUE(linker_.instantiate(other, one_memory).ok());
}

constexpr std::string_view kGrowingTable = R"(
  (module
    (table (export "tab") 2 funcref)
    (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
    (func (export "size") (result i32) (table.size 0)))
)";

TEST_F(StoreLimitsTest, WasmTableGrowsToExactlyTheLimitAndGetsMinusOnePastIt) {
  store_.setLimits({.max_table_elements = 5});
  Instance instance = instantiate(compile(kGrowingTable));
  auto grow = instance.getFunc("grow")->typed<int32_t(int32_t)>(store_);
  auto size = instance.getFunc("size")->typed<int32_t()>(store_);
  ASSERT_TRUE(grow.ok() && size.ok());
  EXPECT_EQ(*grow->call(4), -1);
  EXPECT_EQ(*grow->call(3), 2);  // exactly 5
  EXPECT_EQ(*grow->call(1), -1);
  EXPECT_EQ(*grow->call(0), 5);
  EXPECT_EQ(*size->call(), 5);

  Table table = *instance.getTable("tab");
  Result<uint32_t> refused = table.grow(1, Val::nullFuncRef());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Resource);
  EXPECT_EQ(refused.error().message,
            "table.grow by 1 from 5 elements failed: a table of 6 elements exceeds the store's "
            "limit of 5 elements per table");
  EXPECT_EQ(table.size(), 5u);
}

TEST_F(StoreLimitsTest, InstantiationRefusesATableLargerThanTheLimit) {
  store_.setLimits({.max_table_elements = 5, .max_tables = 2});
  EXPECT_EQ(refusal(compile("(module (table 1 funcref) (table 6 externref))")),
            "instantiation: table 1 of 6 elements exceeds the store's limit of 5 elements per "
            "table");
  // Table 0 above was not created: two tables still fit.
  instantiate(compile("(module (table 5 funcref) (table 0 externref))"));
}

TEST_F(StoreLimitsTest, HostTableRespectsTheLimits) {
  store_.setLimits({.max_table_elements = 5, .max_tables = 1});
  Result<Table> large = Table::create(store_, TableType{ValType::FuncRef, {6, std::nullopt}},
                                      Val::nullFuncRef());
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().kind, ErrorKind::Resource);
  EXPECT_EQ(large.error().message, "a table of 6 elements exceeds the store's limit of 5 elements per table");
  Result<Table> fits = Table::create(store_, TableType{ValType::ExternRef, {5, std::nullopt}},
                                     Val::nullExternRef());
  ASSERT_TRUE(fits.ok()) << fits.error().describe();
  Result<Table> second = Table::create(store_, TableType{ValType::FuncRef, {0, std::nullopt}},
                                       Val::nullFuncRef());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message, "the store holds 1 table; 1 more would exceed its limit of 1 table");
}

TEST_F(StoreLimitsTest, TableCount) {
  store_.setLimits({.max_tables = 3});
  Module two_tables = compile("(module (table 0 funcref) (table 0 externref))");
  instantiate(two_tables);
  EXPECT_EQ(refusal(two_tables),
            "instantiation: the store holds 2 tables; 2 more would exceed its limit of 3 tables");
  instantiate(compile("(module (table 0 funcref))"));  // the third
}

TEST_F(StoreLimitsTest, InstanceCount) {
  store_.setLimits({.max_instances = 2});
  Module empty = compile("(module)");
  instantiate(empty);
  // An instance whose start function traps stays in the store, so it counts.
  Result<Instance> trapped =
      linker_.instantiate(store_, compile("(module (func $start unreachable) (start $start))"));
  ASSERT_FALSE(trapped.ok());
  EXPECT_EQ(trapped.error().kind, ErrorKind::Trap);
  EXPECT_EQ(refusal(empty),
            "instantiation: the store holds 2 instances; 1 more would exceed its limit of 2 "
            "instances");
  Result<Instance> created = Instance::create(store_, empty, {});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::Resource);
  store_.setLimits({.max_instances = 3});
  instantiate(empty);
}

TEST_F(StoreLimitsTest, LinkErrorsComeBeforeLimits) {
  store_.setLimits({.max_instances = 0});
  Result<Instance> instance =
      linker_.instantiate(store_, compile("(module (import \"env\" \"f\" (func)))"));
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, ErrorKind::Link);
  EXPECT_EQ(refusal(compile("(module)")),
            "instantiation: the store holds 0 instances; 1 more would exceed its limit of 0 "
            "instances");
}

}  // namespace
}  // namespace wisp
