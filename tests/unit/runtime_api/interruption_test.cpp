// Fuel metering and epoch interruption (Config::consume_fuel, Config::epoch_interruption):
// exact accounting by the documented cost model, infinite loops and deep recursion stopped
// with their backtraces, an epoch advanced from another thread, a deadline callback that
// extends the deadline and then lets the call trap, and serialized code that keeps its checks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr std::string_view kLoops = R"(
  (module
    (import "env" "tick" (func $tick))
    ;; Six instructions an iteration (local.get, i32.const, i32.sub, local.set, local.get,
    ;; br_if): `n` iterations cost 6n, and nothing else here costs anything.
    (func (export "count_down") (param $n i32)
      (loop $again
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $again (local.get $n))))
    ;; local.get, local.get, i32.add = 3 (the block and end cost nothing).
    (func (export "add") (param i32 i32) (result i32)
      (block (result i32) (i32.add (local.get 0) (local.get 1))))
    (func $spin (export "spin") (loop $forever (br $forever)))
    ;; Recursion `depth` deep, then an endless loop at the bottom.
    (func $deep (export "deep") (param $depth i32)
      (if (local.get $depth)
        (then (call $deep (i32.sub (local.get $depth) (i32.const 1))))
        (else (call $spin))))
    ;; Recursion without end: each frame first calls the host.
    (func $recurse (export "recurse") (call $tick) (call $recurse))
    ;; Calls the host each iteration: the host advances the epoch.
    (func $tick_forever (export "tick_forever") (loop $forever (call $tick) (br $forever)))
    ;; Values live in registers across the loop header's checks.
    (func (export "sum_to") (param $n i32) (result i64) (local $sum i64) (local $i i32)
      (loop $again
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.le_u (local.get $i) (local.get $n))))
      (local.get $sum)))
)";

struct Fixture {
  explicit Fixture(Config config, std::function<void()> on_tick = {})
      : engine(config), store(engine), tick(std::move(on_tick)) {
    Result<Module> module = Module::compile(engine, test::watToWasm(kLoops));
    EXPECT_TRUE(module.ok()) << module.error().describe();
    if (!module) return;
    Linker linker(engine);
    EXPECT_TRUE(linker.define("env", "tick", *Func::wrap(store, [this] {
                                if (tick) tick();
                              })).ok());
    Result<Instance> made = linker.instantiate(store, *module);
    EXPECT_TRUE(made.ok()) << made.error().describe();
    if (made) instance = *made;
  }

  Result<std::vector<Val>> call(const char* name, std::vector<Val> args = {}) {
    return instance->getFunc(name)->call(args);
  }

  Engine engine;
  Store store;
  std::function<void()> tick;
  std::optional<Instance> instance;
};

Config fuelConfig() {
  Config config;
  config.consume_fuel = true;
  return config;
}

Config epochConfig() {
  Config config;
  config.epoch_interruption = true;
  return config;
}

// Another thread advances the engine's epoch while this one runs wasm.
std::thread incrementEpochSoon(Engine engine) {
  return std::thread([engine]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    engine.incrementEpoch();
  });
}

// The trap of a call that must have trapped with `kind`.
Trap trapOf(const Result<std::vector<Val>>& result, TrapKind kind) {
  EXPECT_FALSE(result.ok());
  if (result.ok() || !result.error().trap) return {};
  EXPECT_EQ(result.error().trap->kind, kind) << result.error().trap->describe();
  return *result.error().trap;
}

TEST(Fuel, IsChargedExactlyByTheCostModel) {
  Fixture f(fuelConfig());
  ASSERT_TRUE(f.store.setFuel(1000).ok());
  ASSERT_TRUE(f.call("count_down", {Val(100)}).ok());
  EXPECT_EQ(*f.store.getFuel(), 400u);
  Result<std::vector<Val>> sum = f.call("add", {Val(40), Val(2)});
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ((*sum)[0].i32(), 42);
  EXPECT_EQ(*f.store.getFuel(), 397u);

  // Exactly enough: the last iteration's check passes with nothing left.
  ASSERT_TRUE(f.store.setFuel(600).ok());
  ASSERT_TRUE(f.call("count_down", {Val(100)}).ok());
  EXPECT_EQ(*f.store.getFuel(), 0u);
  // One short: the hundredth iteration's check at the loop header traps.
  ASSERT_TRUE(f.store.setFuel(599).ok());
  const Trap trap = trapOf(f.call("count_down", {Val(100)}), TrapKind::OutOfFuel);
  EXPECT_EQ(trap.message, "all fuel consumed");
  EXPECT_EQ(*f.store.getFuel(), 0u);
}

TEST(Fuel, StopsAnInfiniteLoopAndDeepRecursion) {
  Fixture f(fuelConfig());
  ASSERT_TRUE(f.store.setFuel(100000).ok());
  Trap trap = trapOf(f.call("spin"), TrapKind::OutOfFuel);
  ASSERT_FALSE(trap.backtrace.empty());
  EXPECT_EQ(trap.backtrace[0].function_name, "spin");

  ASSERT_TRUE(f.store.setFuel(100000).ok());
  trap = trapOf(f.call("deep", {Val(500)}), TrapKind::OutOfFuel);
  ASSERT_GE(trap.backtrace.size(), 2u);
  EXPECT_EQ(trap.backtrace[0].function_name, "spin");
  EXPECT_EQ(trap.backtrace[1].function_name, "deep");

  // Recursion without a loop is stopped at function entries.
  ASSERT_TRUE(f.store.setFuel(5000).ok());
  trap = trapOf(f.call("recurse"), TrapKind::OutOfFuel);
  ASSERT_FALSE(trap.backtrace.empty());
  EXPECT_EQ(trap.backtrace[0].function_name, "recurse");

  // Fuel added again, the store runs as before.
  ASSERT_TRUE(f.store.setFuel(1000).ok());
  Result<std::vector<Val>> sum = f.call("sum_to", {Val(10)});
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i64(), 55);
}

TEST(Fuel, NeedsTheEngineToConsumeIt) {
  Engine engine;
  Store store(engine);
  EXPECT_EQ(store.setFuel(10).error().kind, ErrorKind::Argument);
  EXPECT_NE(store.getFuel().error().message.find("Config::consume_fuel"), std::string::npos);
}

TEST(Epochs, WithoutADeadlineNothingStops) {
  Fixture f(epochConfig());
  f.engine.incrementEpoch();
  Result<std::vector<Val>> sum = f.call("sum_to", {Val(100000)});
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i64(), int64_t{100000} * 100001 / 2);
}

TEST(Epochs, AnotherThreadInterruptsAnInfiniteLoop) {
  Fixture f(epochConfig());
  f.store.setEpochDeadline(1);
  std::thread timer = incrementEpochSoon(f.engine);
  const Trap trap = trapOf(f.call("spin"), TrapKind::Interrupted);
  timer.join();
  EXPECT_EQ(trap.message, "interrupt");
  ASSERT_FALSE(trap.backtrace.empty());
  EXPECT_EQ(trap.backtrace[0].function_name, "spin");
}

TEST(Epochs, InterruptDeepRecursionWithItsFrames) {
  Fixture f(epochConfig());
  f.store.setEpochDeadline(1);
  std::thread timer = incrementEpochSoon(f.engine);
  const Trap trap = trapOf(f.call("deep", {Val(300)}), TrapKind::Interrupted);
  timer.join();
  ASSERT_GE(trap.backtrace.size(), 2u);
  EXPECT_EQ(trap.backtrace[0].function_name, "spin");
  size_t deep_frames = 0;
  for (const Frame& frame : trap.backtrace) deep_frames += frame.function_name == "deep";
  EXPECT_TRUE(deep_frames == 301 || trap.backtrace_truncated) << deep_frames;
}

TEST(Epochs, ACallbackExtendsTheDeadlineTwiceThenLetsItTrap) {
  int ticks = 0;
  Fixture f(epochConfig());
  f.tick = [&] {
    ++ticks;
    f.engine.incrementEpoch();
  };
  int callbacks = 0;
  f.store.setEpochDeadline(1);
  f.store.setEpochDeadlineCallback([&]() -> std::optional<uint64_t> {
    ++callbacks;
    if (callbacks <= 2) return 1;  // one more tick
    return std::nullopt;
  });
  const Trap trap = trapOf(f.call("tick_forever"), TrapKind::Interrupted);
  EXPECT_EQ(callbacks, 3);
  EXPECT_EQ(ticks, 3);
  ASSERT_FALSE(trap.backtrace.empty());
  EXPECT_EQ(trap.backtrace[0].function_name, "tick_forever");

  // At function entries too, with the locals in registers kept across the callback.
  ticks = callbacks = 0;
  f.store.setEpochDeadline(1);
  const Trap recursion = trapOf(f.call("recurse"), TrapKind::Interrupted);
  EXPECT_EQ(callbacks, 3);
  EXPECT_EQ(ticks, 3);
  EXPECT_EQ(recursion.backtrace.size(), 4u);  // the fourth frame stopped at its entry

  // The callback keeps a loop going with its values intact.
  f.tick = nullptr;
  callbacks = 0;
  f.store.setEpochDeadline(0);  // reached at once: every check calls back
  f.store.setEpochDeadlineCallback([&]() -> std::optional<uint64_t> {
    ++callbacks;
    return 0;
  });
  Result<std::vector<Val>> sum = f.call("sum_to", {Val(1000)});
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i64(), 500500);
  EXPECT_EQ(callbacks, 1001 + 1);  // the loop header's 1001 and the function entry's
}

TEST(Interruption, SerializedCodeKeepsItsChecksAndNeedsTheSameSettings) {
  Config both;
  both.consume_fuel = both.epoch_interruption = true;
  Engine compiling(both);
  Result<Module> module = Module::compile(compiling, test::watToWasm(kLoops));
  ASSERT_TRUE(module.ok());
  Result<std::vector<uint8_t>> bytes = module->serialize();
  ASSERT_TRUE(bytes.ok());

  Engine plain;
  Result<Module> refused = Module::deserialize(plain, *bytes);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("compiled with fuel metering, this engine is without it"),
            std::string::npos)
      << refused.error().message;

  Engine loading(both);
  Result<Module> loaded = Module::deserialize(loading, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  Store store(loading);
  Linker linker(loading);
  ASSERT_TRUE(linker.define("env", "tick", *Func::wrap(store, [] {})).ok());
  Result<Instance> instance = linker.instantiate(store, *loaded);
  ASSERT_TRUE(instance.ok());
  ASSERT_TRUE(store.setFuel(599).ok());
  std::vector<Val> args{Val(100)};
  Result<std::vector<Val>> result = instance->getFunc("count_down")->call(args);
  trapOf(result, TrapKind::OutOfFuel);
  ASSERT_TRUE(store.setFuel(UINT64_MAX).ok());
  store.setEpochDeadline(1);
  std::thread timer = incrementEpochSoon(loading);
  std::vector<Val> none;
  trapOf(instance->getFunc("spin")->call(none), TrapKind::Interrupted);
  timer.join();
}

}  // namespace
}  // namespace wisp
