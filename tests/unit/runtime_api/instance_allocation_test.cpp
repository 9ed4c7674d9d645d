// Instance allocation (Config::allocation) and InstancePre. Memories and vmctx blocks are
// reused across stores in both strategies, so these tests look for anything that survives
// from one instance to the next: bytes written, grown pages still accessible, one module's
// data in another's memory. Then the pool's limits, and InstancePre with host functions of no
// store.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr int32_t kPage = 65536;

// A memory with data in two places, and access to any byte.
constexpr std::string_view kDataModule = R"(
  (module
    (memory (export "memory") 2)
    (data (i32.const 16) "hello")
    (data (i32.const 70000) "world")
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))
)";

// Another module's data where kDataModule has its own, and a larger initial size.
constexpr std::string_view kOtherDataModule = R"(
  (module
    (memory (export "memory") 3)
    (data (i32.const 18) "XY")
    (data (i32.const 140000) "far")
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))
)";

Config withAllocation(InstanceAllocation allocation, BoundsChecks checks = BoundsChecks::GuardRegion) {
  Config config;
  config.allocation = allocation;
  config.bounds_checks = checks;
  config.pooling.total_instances = 8;
  config.pooling.total_memories = 8;
  config.pooling.max_memory_pages = 16;
  return config;
}

Module compile(const Engine& engine, std::string_view wat) {
  Result<Module> module = Module::compile(engine, test::watToWasm(wat));
  if (!module.ok()) throw std::runtime_error(module.error().describe());
  return *module;
}

// One instance and typed views of its functions.
struct Running {
  Store store;
  Instance instance;
  TypedFunc<int32_t(int32_t)> load, grow;
  TypedFunc<void(int32_t, int32_t)> store_byte;
  TypedFunc<int32_t()> size;

  static std::optional<Running> start(const Engine& engine, const Module& module) {
    Store store(engine);
    Result<Instance> instance = Linker(engine).instantiate(store, module);
    if (!instance.ok()) {
      ADD_FAILURE() << instance.error().describe();
      return std::nullopt;
    }
    auto func = [&](const char* name) { return *instance->getFunc(name); };
    auto load = *func("load").typed<int32_t(int32_t)>(store);
    auto grow = *func("grow").typed<int32_t(int32_t)>(store);
    auto store_byte = *func("store").typed<void(int32_t, int32_t)>(store);
    auto size = *func("size").typed<int32_t()>(store);
    return Running{std::move(store), *instance, load, grow, store_byte, size};
  }
  int32_t at(int32_t address) const { return *load.call(address); }
  std::string text(int32_t address, int n) const {
    std::string out;
    for (int i = 0; i < n; ++i) out += static_cast<char>(at(address + i));
    return out;
  }
  bool loadTraps(int32_t address) const {
    Result<int32_t> loaded = load.call(address);
    return !loaded.ok() && loaded.error().trap &&
           loaded.error().trap->kind == TrapKind::MemoryOutOfBounds;
  }
};

class InstanceAllocationTest
    : public ::testing::TestWithParam<std::tuple<InstanceAllocation, BoundsChecks>> {
 protected:
  Engine engine_{withAllocation(std::get<0>(GetParam()), std::get<1>(GetParam()))};
};

// Writes everywhere, grows, and frees the store: the next instance, which gets the same
// memory back, sees only its data, zeros and its own size.
TEST_P(InstanceAllocationTest, NothingSurvivesIntoTheNextInstance) {
  const Module module = compile(engine_, kDataModule);
  for (int round = 0; round < 6; ++round) {
    std::optional<Running> run = Running::start(engine_, module);
    ASSERT_TRUE(run);
    EXPECT_EQ(run->size.call().value(), 2) << "round " << round;
    EXPECT_EQ(run->text(16, 5), "hello") << "round " << round;
    EXPECT_EQ(run->text(70000, 5), "world") << "round " << round;
    for (int32_t address : {0, 15, 21, 4095, 4096, 65535, 69999, 2 * kPage - 1})
      EXPECT_EQ(run->at(address), 0) << "round " << round << ", byte " << address;
    EXPECT_TRUE(run->loadTraps(2 * kPage)) << "round " << round;
    // Leave marks over the data, in untouched pages and in grown ones.
    for (int32_t address : {16, 17, 70000, 0, 4096, 65535, 2 * kPage - 1})
      ASSERT_TRUE(run->store_byte.call(address, 0x5a).ok());
    ASSERT_EQ(run->grow.call(2).value(), 2);
    ASSERT_TRUE(run->store_byte.call(3 * kPage + 5, 0x77).ok());
    ASSERT_TRUE(run->store_byte.call(4 * kPage - 1, 0x77).ok());
  }
}

// Instances of two modules with data in different places take turns with the reservations.
TEST_P(InstanceAllocationTest, ModulesTakingTurnsSeeOnlyTheirOwnData) {
  const Module first = compile(engine_, kDataModule);
  const Module second = compile(engine_, kOtherDataModule);
  for (int round = 0; round < 8; ++round) {
    const bool odd = round % 2 == 1;
    std::optional<Running> run = Running::start(engine_, odd ? second : first);
    ASSERT_TRUE(run);
    if (odd) {
      EXPECT_EQ(run->size.call().value(), 3);
      EXPECT_EQ(run->text(16, 5), std::string("\0\0XY\0", 5)) << "round " << round;
      EXPECT_EQ(run->text(70000, 5), std::string(5, '\0')) << "round " << round;
      EXPECT_EQ(run->text(140000, 3), "far") << "round " << round;
    } else {
      EXPECT_EQ(run->size.call().value(), 2);
      EXPECT_EQ(run->text(16, 5), "hello") << "round " << round;
      EXPECT_EQ(run->text(70000, 5), "world") << "round " << round;
      EXPECT_TRUE(run->loadTraps(140000)) << "round " << round;
    }
    ASSERT_TRUE(run->store_byte.call(18, 0x33).ok());
  }
}

// Two memories alive at once are different memories, each with its own data.
TEST_P(InstanceAllocationTest, LiveInstancesHaveTheirOwnMemories) {
  const Module module = compile(engine_, kDataModule);
  std::optional<Running> a = Running::start(engine_, module);
  std::optional<Running> b = Running::start(engine_, module);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->store_byte.call(16, 'J').ok());
  EXPECT_EQ(a->text(16, 5), "Jello");
  EXPECT_EQ(b->text(16, 5), "hello");
}

// The data segments of an instantiation that traps in an element segment are not applied:
// a function the trapping instance put into a shared table reads its memory.
TEST_P(InstanceAllocationTest, DataAfterATrappingElementSegmentIsNotApplied) {
  const Module exporter = compile(engine_, R"(
    (module
      (type $read (func (result i32)))
      (table (export "table") 2 funcref)
      (func (export "call0") (result i32) (call_indirect (type $read) (i32.const 0))))
  )");
  const Module importer = compile(engine_, R"(
    (module
      (import "env" "table" (table 1 funcref))
      (memory 1)
      (func $read (result i32) (i32.load8_u (i32.const 100)))
      (elem (i32.const 0) $read)
      (elem (i32.const 5) $read)
      (data (i32.const 100) "\2a"))
  )");
  for (int round = 0; round < 3; ++round) {
    Store store(engine_);
    Linker linker(engine_);
    Result<Instance> table_owner = linker.instantiate(store, exporter);
    ASSERT_TRUE(table_owner.ok());
    ASSERT_TRUE(linker.define("env", "table", *table_owner->getExport("table")).ok());
    Result<Instance> trapped = linker.instantiate(store, importer);
    ASSERT_FALSE(trapped.ok());
    ASSERT_TRUE(trapped.error().trap);
    EXPECT_EQ(trapped.error().trap->kind, TrapKind::TableOutOfBounds);
    auto call0 = *table_owner->getFunc("call0")->typed<int32_t()>(store);
    EXPECT_EQ(call0.call().value(), 0) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Strategies, InstanceAllocationTest,
    ::testing::Combine(::testing::Values(InstanceAllocation::OnDemand, InstanceAllocation::Pooling),
                       ::testing::Values(BoundsChecks::GuardRegion, BoundsChecks::Explicit)),
    [](const auto& info) {
      return std::string(std::get<0>(info.param) == InstanceAllocation::Pooling ? "Pooling"
                                                                                : "OnDemand") +
             (std::get<1>(info.param) == BoundsChecks::Explicit ? "Explicit" : "GuardRegion");
    });

// ---- the pool's limits ----------------------------------------------------------------------

std::string resourceError(const Result<Instance>& instance) {
  if (instance.ok()) return "(instantiated)";
  EXPECT_EQ(instance.error().kind, ErrorKind::Resource) << instance.error().describe();
  return instance.error().message;
}

TEST(PoolingLimits, InstancesPastTheLimitAreRefusedUntilOneIsFreed) {
  Config config = withAllocation(InstanceAllocation::Pooling);
  config.pooling.total_instances = 3;
  Engine engine(config);
  const Module module = compile(engine, "(module (func (export \"f\")))");
  std::vector<Store> stores;
  for (int i = 0; i < 3; ++i) {
    stores.emplace_back(engine);
    ASSERT_TRUE(Linker(engine).instantiate(stores.back(), module).ok());
  }
  Store extra(engine);
  EXPECT_EQ(resourceError(Linker(engine).instantiate(extra, module)),
            "the pooling allocator's 3 instance slots are all in use");
  stores.erase(stores.begin());
  EXPECT_TRUE(Linker(engine).instantiate(extra, module).ok());
}

TEST(PoolingLimits, MemoriesPastTheLimitAreRefused) {
  Config config = withAllocation(InstanceAllocation::Pooling);
  config.pooling.total_memories = 2;
  Engine engine(config);
  const Module module = compile(engine, kDataModule);
  Store store(engine);
  Linker linker(engine);
  ASSERT_TRUE(linker.instantiate(store, module).ok());
  ASSERT_TRUE(linker.instantiate(store, module).ok());
  EXPECT_EQ(resourceError(linker.instantiate(store, module)),
            "memory 0: the pooling allocator's 2 memory slots are all in use");
}

TEST(PoolingLimits, MemoriesAreLimitedToMaxMemoryPages) {
  Config config = withAllocation(InstanceAllocation::Pooling);
  config.pooling.max_memory_pages = 4;
  Engine engine(config);
  Store store(engine);
  EXPECT_EQ(resourceError(Linker(engine).instantiate(store, compile(engine, "(module (memory 5))"))),
            "memory 0: a memory of 5 pages exceeds the pooling allocator's limit of 4 pages per memory");
  const Module module = compile(engine, kDataModule);
  std::optional<Running> run = Running::start(engine, module);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->grow.call(3).value(), -1);
  EXPECT_EQ(run->grow.call(2).value(), 2);
  EXPECT_EQ(run->size.call().value(), 4);
}

// Pooled tables take slots of max_table_elements: a slot comes back null for the next store,
// growing stops at the slot, and the slots run out like instances do.
constexpr std::string_view kTableModule = R"(
  (module
    (table $t (export "table") 4 funcref)
    (func $f (export "f"))
    (func (export "fill") (table.fill $t (i32.const 0) (ref.func $f) (table.size $t)))
    (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
    (func (export "nulls") (result i32) (local $i i32) (local $n i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (table.size $t)))
          (local.set $n (i32.add (local.get $n) (ref.is_null (table.get $t (local.get $i)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $n)))
)";

TEST(PoolingLimits, TablesTakeSlotsThatComeBackNull) {
  Config config = withAllocation(InstanceAllocation::Pooling);
  config.pooling.total_tables = 2;
  config.pooling.max_table_elements = 600;  // more than a page of elements
  Engine engine(config);
  const Module module = compile(engine, kTableModule);
  for (int round = 0; round < 3; ++round) {
    Store store(engine);
    Result<Instance> instance = Linker(engine).instantiate(store, module);
    ASSERT_TRUE(instance.ok()) << instance.error().describe();
    auto grow = instance->getFunc("grow")->typed<int32_t(int32_t)>(store);
    auto nulls = instance->getFunc("nulls")->typed<int32_t()>(store);
    auto fill = instance->getFunc("fill")->typed<void()>(store);
    ASSERT_TRUE(grow.ok() && nulls.ok() && fill.ok());
    EXPECT_EQ(*nulls->call(), 4) << "round " << round;  // nothing left by the last store
    EXPECT_EQ(*grow->call(596), 4);
    EXPECT_EQ(*grow->call(1), -1);  // past the slot
    EXPECT_EQ(*nulls->call(), 600);
    ASSERT_TRUE(fill->call().ok());
    EXPECT_EQ(*nulls->call(), 0);
  }
  Store store(engine);
  Linker linker(engine);
  ASSERT_TRUE(linker.instantiate(store, module).ok());
  ASSERT_TRUE(linker.instantiate(store, module).ok());
  EXPECT_NE(resourceError(linker.instantiate(store, module)).find("2 table slots are all in use"),
            std::string::npos);
  Store other(engine);
  EXPECT_NE(resourceError(Linker(engine).instantiate(other, compile(engine, "(module (table 601 funcref))")))
                .find("exceeds the pooling allocator's 600 elements a table"),
            std::string::npos);
}

// ---- InstancePre ----------------------------------------------------------------------------

constexpr std::string_view kImportsModule = R"(
  (module
    (import "host" "add" (func $add (param i32 i32) (result i32)))
    (import "host" "log" (func $log (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\07")
    (func (export "run") (param i32) (result i32)
      (call $log (local.get 0))
      (call $add (local.get 0) (i32.load8_u (i32.const 0)))))
)";

TEST(InstancePre, InstantiatesInManyStoresWithHostFunctionsOfNoStore) {
  for (InstanceAllocation allocation : {InstanceAllocation::OnDemand, InstanceAllocation::Pooling}) {
    Engine engine(withAllocation(allocation));
    const Module module = compile(engine, kImportsModule);
    std::vector<int32_t> logged;
    Linker linker(engine);
    ASSERT_TRUE(linker.funcWrap("host", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
    ASSERT_TRUE(linker
                    .funcNew("host", "log", FuncType{{ValType::I32}, {}},
                             [&logged](std::span<const Val> params, std::span<Val>) {
                               logged.push_back(params[0].i32());
                             })
                    .ok());
    EXPECT_FALSE(linker.get("host", "add"));  // no store's extern
    Result<InstancePre> pre = linker.instantiatePre(module);
    ASSERT_TRUE(pre.ok()) << pre.error().describe();
    for (int32_t i = 0; i < 20; ++i) {
      Store store(engine);
      Result<Instance> instance = pre->instantiate(store);
      ASSERT_TRUE(instance.ok()) << instance.error().describe();
      auto run = *instance->getFunc("run")->typed<int32_t(int32_t)>(store);
      EXPECT_EQ(run.call(i).value(), i + 7);
    }
    EXPECT_EQ(logged.size(), 20u);
    EXPECT_EQ(logged.back(), 19);
  }
}

TEST(InstancePre, ImportsAreResolvedAndCheckedOnce) {
  Engine engine;
  const Module module = compile(engine, kImportsModule);
  Linker linker(engine);
  ASSERT_TRUE(linker.funcWrap("host", "add", [](int32_t a, int32_t b) { return a - b; }).ok());
  Result<InstancePre> missing = linker.instantiatePre(module);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Link);
  EXPECT_EQ(missing.error().message, "unknown import: host.log (func)");

  ASSERT_TRUE(linker.funcWrap("host", "log", [](int64_t) {}).ok());
  Result<InstancePre> mistyped = linker.instantiatePre(module);
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.error().message,
            "incompatible import type for host.log: expected (i32) -> (), found (i64) -> ()");
  EXPECT_EQ(linker.funcWrap("host", "log", [](int32_t) {}).error().message,
            "duplicate definition: host.log");

  linker.allowShadowing(true);
  ASSERT_TRUE(linker.funcWrap("host", "log", [](int32_t) {}).ok());
  Result<InstancePre> pre = linker.instantiatePre(module);
  ASSERT_TRUE(pre.ok()) << pre.error().describe();
  // Later definitions do not change what the InstancePre resolved.
  ASSERT_TRUE(linker.funcWrap("host", "add", [](int32_t a, int32_t b) { return a * b; }).ok());
  Store store(engine);
  Result<Instance> instance = pre->instantiate(store);
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(instance->getFunc("run")->typed<int32_t(int32_t)>(store)->call(10).value(), 3);
}

// An import defined with a store's extern ties the InstancePre to that store.
TEST(InstancePre, AnExternOfOneStoreIsRefusedInAnother) {
  Engine engine;
  const Module module = compile(engine, kImportsModule);
  Store owner(engine);
  Linker linker(engine);
  ASSERT_TRUE(linker.define("host", "add", *Func::wrap(owner, [](int32_t a, int32_t b) { return a + b; })).ok());
  ASSERT_TRUE(linker.funcWrap("host", "log", [](int32_t) {}).ok());
  Result<InstancePre> pre = linker.instantiatePre(module);
  ASSERT_TRUE(pre.ok());
  EXPECT_TRUE(pre->instantiate(owner).ok());
  Store other(engine);
  Result<Instance> refused = pre->instantiate(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::Link);
  EXPECT_EQ(refused.error().message, "import host.add belongs to another store");

  Engine another;
  Store foreign(another);
  EXPECT_EQ(pre->instantiate(foreign).error().kind, ErrorKind::Argument);
}

}  // namespace
}  // namespace wisp
