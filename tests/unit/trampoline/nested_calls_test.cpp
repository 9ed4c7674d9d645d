// Nested entries: the host calls wasm, which calls a host function, which calls wasm again,
// which traps. The trap ends the innermost call only (its Result carries the trap); what the
// host function does next decides the outer call: returning normally lets it complete,
// returning the error propagates the trap. Either way every frame in between is unwound, so
// later calls, traps and backtraces are exactly as if nothing had happened.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "api_test_support.h"

namespace wisp::test {
namespace {

// outer(x) = reenter(x) + 1000, through the host. inner(0) hits unreachable, inner(1) divides
// by zero, inner(x) = 100 / (x - 1) otherwise.
constexpr std::string_view kModule = R"(
(module
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (func $outer (export "outer") (param $x i32) (result i32)
    (i32.add (call $reenter (local.get $x)) (i32.const 1000)))
  (func $inner (export "inner") (param $x i32) (result i32)
    (if (i32.eqz (local.get $x)) (then unreachable))
    (i32.div_s (i32.const 100) (i32.sub (local.get $x) (i32.const 1))))
)
)";

constexpr int32_t kRecoveredValue = 7;
constexpr int32_t kReenterOuter = 100;  // reenter(x >= 100) calls outer(x - 100) instead
constexpr int32_t kHostTraps = 50;      // reenter(50) traps in the host function itself
constexpr const char* kHostTrapMessage = "the host function gave up";

enum class HostKind { Typed, Dynamic };          // Func::wrap or Func::create
enum class CallKind { Dynamic, Typed };          // Func::call or typed<>()
enum class OnInnerTrap { Recover, Propagate };  // return kRecoveredValue or the error
enum class HostTrap { ByError, ByTrapCall };     // return an Error or call wisp::trap()

struct NestingCase {
  HostKind host;
  CallKind call;
};

class NestedCallsTest : public ::testing::TestWithParam<NestingCase> {
 protected:
  void SetUp() override {
    Result<Func> host = GetParam().host == HostKind::Typed
        ? Func::wrap(store_, [this](int32_t x) -> Result<int32_t> { return reenter(x); })
        : Func::create(store_, FuncType{{ValType::I32}, {ValType::I32}},
                       [this](std::span<const Val> params, std::span<Val> results) -> Result<void> {
                         Result<int32_t> r = reenter(params[0].i32());
                         if (!r) return r.error();
                         results[0] = Val(*r);
                         return {};
                       });
    ASSERT_TRUE(host.ok()) << host.error().describe();
    ASSERT_TRUE(linker_.define("host", "reenter", *host).ok());
    instance_ = instantiateWat(store_, linker_, kModule);
    ASSERT_TRUE(instance_);
  }

  // The body of the host function: calls back into wasm and reacts to a trap there.
  Result<int32_t> reenter(int32_t x) {
    ++host_calls_;
    if (x == kHostTraps) {
      if (host_trap_ == HostTrap::ByTrapCall) wisp::trap(kHostTrapMessage);
      return Error(ErrorKind::Argument, kHostTrapMessage);
    }
    Result<int32_t> r = x >= kReenterOuter ? call("outer", x - kReenterOuter) : call("inner", x);
    if (r.ok()) return r;
    inner_errors_.push_back(r.error());
    if (on_inner_trap_ == OnInnerTrap::Recover) return kRecoveredValue;
    return r.error();
  }

  Result<int32_t> call(const char* name, int32_t x) {
    Func func = *instance_->getFunc(name);
    if (GetParam().call == CallKind::Typed) {
      auto typed = func.typed<int32_t(int32_t)>(store_);
      if (!typed) return typed.error();
      return typed->call(x);
    }
    Result<std::vector<Val>> results = func.call({Val(x)});
    if (!results) return results.error();
    return (*results)[0].i32();
  }

  // A call that needs no trap, checked: unwinding left nothing behind.
  void expectCleanCalls() {
    Result<int32_t> inner = call("inner", 5);
    ASSERT_TRUE(inner.ok()) << inner.error().describe();
    EXPECT_EQ(*inner, 25);
    Result<int32_t> outer = call("outer", 3);
    ASSERT_TRUE(outer.ok()) << outer.error().describe();
    EXPECT_EQ(*outer, 1050);
    // A direct trap has exactly the one wasm frame: no stale frames of earlier activations.
    Result<int32_t> trapped = call("inner", 0);
    std::optional<Trap> trap = trapOf(trapped);
    ASSERT_TRUE(trap);
    EXPECT_EQ(trap->kind, TrapKind::Unreachable);
    ASSERT_EQ(trap->backtrace.size(), 1u) << trap->describe();
    EXPECT_EQ(trap->backtrace[0].function_name, "inner");
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
  std::optional<Instance> instance_;
  OnInnerTrap on_inner_trap_ = OnInnerTrap::Recover;
  HostTrap host_trap_ = HostTrap::ByError;
  int host_calls_ = 0;
  std::vector<Error> inner_errors_;
};

TEST_P(NestedCallsTest, InnerTrapReachesTheHostFunctionThatRecovers) {
  on_inner_trap_ = OnInnerTrap::Recover;
  Result<int32_t> outer = call("outer", 0);
  ASSERT_TRUE(outer.ok()) << outer.error().describe();
  EXPECT_EQ(*outer, kRecoveredValue + 1000);
  EXPECT_EQ(host_calls_, 1);
  ASSERT_EQ(inner_errors_.size(), 1u);
  ASSERT_EQ(inner_errors_[0].kind, ErrorKind::Trap) << inner_errors_[0].describe();
  const Trap& trap = *inner_errors_[0].trap;
  EXPECT_EQ(trap.kind, TrapKind::Unreachable);
  EXPECT_EQ(trap.message, "unreachable");
  ASSERT_FALSE(trap.backtrace.empty());
  EXPECT_EQ(trap.backtrace[0].function_name, "inner");
  expectCleanCalls();
}

TEST_P(NestedCallsTest, PropagatedTrapFailsTheOuterCall) {
  on_inner_trap_ = OnInnerTrap::Propagate;
  Result<int32_t> outer = call("outer", 1);
  std::optional<Trap> trap = trapOf(outer);
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->kind, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(trap->message, "integer divide by zero");
  ASSERT_FALSE(trap->backtrace.empty()) << trap->describe();
  EXPECT_EQ(trap->backtrace[0].function_name, "inner") << trap->describe();
  ASSERT_EQ(inner_errors_.size(), 1u);
  EXPECT_EQ(inner_errors_[0].trap->kind, TrapKind::IntegerDivideByZero);
  expectCleanCalls();
}

TEST_P(NestedCallsTest, ThreeLevelsDeepTheMiddleHostRecovers) {
  // outer(100) -> host -> outer(0) -> host -> inner(0) traps; the innermost host recovers.
  on_inner_trap_ = OnInnerTrap::Recover;
  Result<int32_t> result = call("outer", kReenterOuter);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(*result, kRecoveredValue + 1000 + 1000);
  EXPECT_EQ(host_calls_, 2);
  ASSERT_EQ(inner_errors_.size(), 1u);
  expectCleanCalls();
}

TEST_P(NestedCallsTest, ThreeLevelsDeepTheTrapPropagatesToTheTop) {
  on_inner_trap_ = OnInnerTrap::Propagate;
  Result<int32_t> result = call("outer", kReenterOuter + 1);
  std::optional<Trap> trap = trapOf(result);
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->kind, TrapKind::IntegerDivideByZero);
  // Each host function saw the error on its way up: the inner call's, then the middle one's.
  ASSERT_EQ(inner_errors_.size(), 2u);
  for (const Error& e : inner_errors_) EXPECT_EQ(e.trap->kind, TrapKind::IntegerDivideByZero);
  expectCleanCalls();
}

// outer(250) -> host -> outer(150) -> host -> outer(50) -> host, which traps: the trap ends the
// third activation only. The host function that entered it sees the trap and recovers, and the
// two outer activations finish normally.
TEST_P(NestedCallsTest, HostTrapThreeActivationsDeepEndsOnlyItsOwnActivation) {
  on_inner_trap_ = OnInnerTrap::Recover;
  std::vector<HostTrap> ways = {HostTrap::ByError};
  // wisp::trap() skips the destructors of the frames it leaves: only the typed host function's
  // glue holds nothing that would leak.
  if (GetParam().host == HostKind::Typed) ways.push_back(HostTrap::ByTrapCall);
  for (HostTrap way : ways) {
    SCOPED_TRACE(way == HostTrap::ByError ? "Error returned" : "wisp::trap()");
    host_trap_ = way;
    host_calls_ = 0;
    inner_errors_.clear();
    Result<int32_t> result = call("outer", 2 * kReenterOuter + kHostTraps);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ(*result, kRecoveredValue + 1000 + 1000);
    EXPECT_EQ(host_calls_, 3);
    ASSERT_EQ(inner_errors_.size(), 1u);
    ASSERT_EQ(inner_errors_[0].kind, ErrorKind::Trap) << inner_errors_[0].describe();
    const Trap& trap = *inner_errors_[0].trap;
    EXPECT_EQ(trap.kind, TrapKind::HostError);
    EXPECT_EQ(trap.message, kHostTrapMessage);
    // The backtrace starts at the wasm frame that called the trapping host function and goes
    // on through the two older activations, each at its call to the host.
    ASSERT_EQ(trap.backtrace.size(), 3u) << trap.describe();
    for (const Frame& frame : trap.backtrace) EXPECT_EQ(frame.function_name, "outer");
    expectCleanCalls();
  }
}

TEST_P(NestedCallsTest, ManyRoundsLeaveNothingBehind) {
  // A leaked frame, activation or stale limits field would grow or corrupt the stack here.
  for (int round = 0; round < 2000; ++round) {
    on_inner_trap_ = round % 2 ? OnInnerTrap::Propagate : OnInnerTrap::Recover;
    const int32_t x = (round % 3 == 0 ? kReenterOuter : 0) + round % 2;
    Result<int32_t> result = call("outer", x);
    if (on_inner_trap_ == OnInnerTrap::Recover) {
      ASSERT_TRUE(result.ok()) << "round " << round << ": " << result.error().describe();
    } else {
      std::optional<Trap> trap = trapOf(result);
      ASSERT_TRUE(trap) << "round " << round;
      ASSERT_EQ(trap->kind, TrapKind::IntegerDivideByZero) << "round " << round;
    }
  }
  expectCleanCalls();
}

// ---- recursion through the host ----------------------------------------------------------------

// dive(d) = host_dive(d + 1) + 1 and host_dive calls dive again: wasm and host frames alternate
// until the stack limit ends it with a trap in some deep wasm prologue. Thousands of nested
// activations then unwind, each host function seeing the error on the way.
class RecursionThroughHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = Func::wrap(store_, [this](int32_t depth) -> Result<int32_t> {
      deepest_ = std::max(deepest_, depth);
      Result<int32_t> r = dive_->call(depth);
      if (r.ok()) return r;
      ++errors_seen_;
      if (depth == recover_at_depth_) return kRecoveredValue;
      return r.error();
    });
    ASSERT_TRUE(host.ok()) << host.error().describe();
    ASSERT_TRUE(linker_.define("host", "dive", *host).ok());
    auto instance = instantiateWat(store_, linker_, R"(
      (module
        (import "host" "dive" (func $host_dive (param i32) (result i32)))
        (func $dive (export "dive") (param $depth i32) (result i32)
          (i32.add (call $host_dive (i32.add (local.get $depth) (i32.const 1))) (i32.const 1))))
    )");
    ASSERT_TRUE(instance);
    auto dive = instance->getFunc("dive")->typed<int32_t(int32_t)>(store_);
    ASSERT_TRUE(dive.ok());
    dive_ = *dive;
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
  std::optional<TypedFunc<int32_t(int32_t)>> dive_;
  int32_t deepest_ = 0;
  int32_t errors_seen_ = 0;
  int32_t recover_at_depth_ = -1;
};

TEST_F(RecursionThroughHostTest, StackOverflowPropagatesThroughEveryLevel) {
  for (int round = 0; round < 3; ++round) {
    deepest_ = errors_seen_ = 0;
    std::optional<Trap> trap = trapOf(dive_->call(0));
    ASSERT_TRUE(trap);
    EXPECT_EQ(trap->kind, TrapKind::StackOverflow) << trap->describe();
    EXPECT_GT(deepest_, 100);
    EXPECT_EQ(errors_seen_, deepest_);  // every host level saw it
  }
}

TEST_F(RecursionThroughHostTest, StackOverflowRecoveredNearTheTop) {
  recover_at_depth_ = 2;  // host_dive(2) returns kRecoveredValue: dive(1) and dive(0) add 1 each
  for (int round = 0; round < 3; ++round) {
    deepest_ = errors_seen_ = 0;
    Result<int32_t> result = dive_->call(0);
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ(*result, kRecoveredValue + 2);
    EXPECT_EQ(errors_seen_, deepest_ - 1);  // levels 2..deepest
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllCrossings, NestedCallsTest,
    ::testing::Values(NestingCase{HostKind::Typed, CallKind::Dynamic},
                      NestingCase{HostKind::Typed, CallKind::Typed},
                      NestingCase{HostKind::Dynamic, CallKind::Dynamic},
                      NestingCase{HostKind::Dynamic, CallKind::Typed}),
    [](const ::testing::TestParamInfo<NestingCase>& info) {
      return std::string(info.param.host == HostKind::Typed ? "WrappedHost" : "CreatedHost") +
             (info.param.call == CallKind::Typed ? "TypedCalls" : "DynamicCalls");
    });

}  // namespace
}  // namespace wisp::test
