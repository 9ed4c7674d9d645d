// Tail calls (return_call, return_call_indirect) through the public API: mutual recursion ten
// million deep in constant stack with stack arguments, callees whose parameter areas and frames
// are larger or smaller than their callers', tail calls to host functions of every trampoline
// kind and out of the instance (the caller's pinned registers come back right), the traps of
// return_call_indirect, backtraces in which the tail-called frame replaces its caller, and fuel.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

Config tailCallConfig() {
  Config config;
  config.features.tail_call = true;
  return config;
}

class TailCallTest : public ::testing::Test {
 protected:
  Engine engine_{tailCallConfig()};
  Store store_{engine_};
  Linker linker_{engine_};

  Module compile(std::string_view wat) {
    Result<Module> module = Module::compile(engine_, test::watToWasm(wat, "--enable-tail-call"));
    // Throwing ends just this test (GoogleTest reports the exception).
    if (!module.ok()) throw std::runtime_error(module.error().describe());
    return *module;
  }
  Instance instantiate(std::string_view wat) {
    Result<Instance> instance = linker_.instantiate(store_, compile(wat));
    if (!instance.ok()) throw std::runtime_error(instance.error().describe());
    return *instance;
  }
};

std::string replaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// even and odd count `n` down to 0 in turn. Their parameters outnumber the six general
// argument registers: even's last two and odd's last three go on the stack, so the parameter
// areas (16 and 32 bytes) grow and shrink at every call, and odd's frame is larger (its
// locals). `f` counts the calls, `g` sums the n that even passes to odd as `h`, and a..e ride
// along in registers; the third result comes back on the stack.
constexpr std::string_view kEvenOdd = R"(
  (module
    (func $even (export "even")
      (param $n i64) (param $a i64) (param $b i64) (param $c i64) (param $d i64) (param $e i64)
      (param $f i64) (param $g i64)
      (result i64 i64 i64)
      (if (result i64 i64 i64) (i64.eqz (local.get $n))
        (then (local.get $f) (local.get $g)
              (i64.add (i64.add (i64.add (local.get $a) (local.get $b))
                                (i64.add (local.get $c) (local.get $d))) (local.get $e)))
        (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))
                (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e)
                (i64.add (local.get $f) (i64.const 1)) (local.get $g) (local.get $n)))))
    (func $odd
      (param $n i64) (param $a i64) (param $b i64) (param $c i64) (param $d i64) (param $e i64)
      (param $f i64) (param $g i64) (param $h i64)
      (result i64 i64 i64)
      (local $t0 i64) (local $t1 i64) (local $t2 f64) (local $t3 v128) (local $t4 i64)
      (local.set $t0 (i64.add (local.get $g) (local.get $h)))
      (local.set $t1 (i64.add (local.get $f) (i64.const 1)))
      (return_call $even (i64.sub (local.get $n) (i64.const 1))
        (local.get $a) (local.get $b) (local.get $c) (local.get $d) (local.get $e)
        (local.get $t1) (local.get $t0))))
)";

TEST_F(TailCallTest, TenMillionMutuallyRecursiveCallsRunInConstantStack) {
  Instance instance = instantiate(kEvenOdd);
  constexpr int64_t kCalls = 10'000'000;
  Result<std::vector<Val>> result = instance.getFunc("even")->call(
      {Val(kCalls), Val(int64_t{1}), Val(int64_t{2}), Val(int64_t{3}), Val(int64_t{4}),
       Val(int64_t{5}), Val(int64_t{0}), Val(int64_t{0})});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  ASSERT_EQ(result->size(), 3u);
  EXPECT_EQ((*result)[0].i64(), kCalls);
  // even passes n = kCalls, kCalls - 2, ..., 2.
  EXPECT_EQ((*result)[1].i64(), (kCalls / 2) * (kCalls / 2 + 1));
  EXPECT_EQ((*result)[2].i64(), 15);
}

// Without tail calls the same recursion exhausts the stack: the test above measures something.
TEST_F(TailCallTest, TheSameRecursionWithPlainCallsOverflows) {
  Instance instance = instantiate(replaceAll(std::string(kEvenOdd), "return_call", "call"));
  Result<std::vector<Val>> result = instance.getFunc("even")->call(
      {Val(int64_t{10'000'000}), Val(int64_t{1}), Val(int64_t{2}), Val(int64_t{3}),
       Val(int64_t{4}), Val(int64_t{5}), Val(int64_t{0}), Val(int64_t{0})});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().trap->kind, TrapKind::StackOverflow);
}

// A chain of tail calls whose parameter areas go from none to 96 bytes (i64, f64 and v128
// stack arguments), down to 32 and back to none, with frames of different sizes; the
// caller's own frame (values live across the call, its locals) is intact afterwards, and the
// results (three on the stack) land where it reserved them.
TEST_F(TailCallTest, CalleesWithLargerAndSmallerParameterAreasAndFrames) {
  WISP_SKIP_WITHOUT_SIMD();
  Instance instance = instantiate(R"(
    (module
      (type $results (func (result i64 i64 i64 i64 i64)))
      (func $start (export "start") (param $x i64) (result i64 i64 i64 i64 i64)
        (return_call $wide
          (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
          (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10)
          (f64.const 0.5) (f64.const 1.5) (f64.const 2.5) (f64.const 3.5) (f64.const 4.5)
          (f64.const 5.5) (f64.const 6.5) (f64.const 7.5) (f64.const 8.5) (f64.const 9.5)
          (v128.const i64x2 11 12) (v128.const i64x2 13 14) (v128.const i64x2 15 16)))
      ;; 10 i64 (4 on the stack), 10 f64 (2 on the stack), 3 v128 (all on the stack).
      (func $wide
        (param $i0 i64) (param $i1 i64) (param $i2 i64) (param $i3 i64) (param $i4 i64)
        (param $i5 i64) (param $i6 i64) (param $i7 i64) (param $i8 i64) (param $i9 i64)
        (param $f0 f64) (param $f1 f64) (param $f2 f64) (param $f3 f64) (param $f4 f64)
        (param $f5 f64) (param $f6 f64) (param $f7 f64) (param $f8 f64) (param $f9 f64)
        (param $v0 v128) (param $v1 v128) (param $v2 v128)
        (result i64 i64 i64 i64 i64)
        (return_call $narrow
          (i64.add (local.get $i0) (i64.add (local.get $i8) (local.get $i9)))
          (i64.add (local.get $i1) (local.get $i7)) (local.get $i2) (local.get $i3)
          (local.get $i4) (local.get $i5) (local.get $i6)
          (i64.trunc_f64_s (f64.add (local.get $f9) (local.get $f8)))
          (i64.add (i64x2.extract_lane 0 (local.get $v0)) (i64x2.extract_lane 1 (local.get $v2)))))
      ;; 9 i64: three on the stack; a large frame.
      (func $narrow
        (param $a i64) (param $b i64) (param $c i64) (param $d i64) (param $e i64) (param $f i64)
        (param $g i64) (param $h i64) (param $k i64)
        (result i64 i64 i64 i64 i64)
        (local $pad0 v128) (local $pad1 v128) (local $pad2 v128) (local $pad3 v128)
        (local $pad4 v128) (local $pad5 v128) (local $pad6 v128) (local $pad7 v128)
        (local.set $pad7 (v128.const i64x2 -1 -1))
        (return_call $none (i64.add (local.get $a) (local.get $b))
                           (i64.add (local.get $c) (local.get $d))
                           (i64.add (local.get $e) (local.get $f))
                           (i64.add (local.get $g) (local.get $h))
                           (i64.add (local.get $k)
                                    (i64x2.extract_lane 0 (local.get $pad7)))))
      (func $none (param i64 i64 i64 i64 i64) (result i64 i64 i64 i64 i64)
        (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4))
      (func (export "run") (param $x i64) (result i64)
        (local $keep i64) (local $r0 i64) (local $r1 i64) (local $r2 i64) (local $r3 i64)
        (local $r4 i64)
        (local.set $keep (i64.mul (local.get $x) (i64.const 1000)))
        ;; On the value stack across the call, in this frame's slots.
        (local.get $keep)
        (call $start (local.get $x))
        (local.set $r4) (local.set $r3) (local.set $r2) (local.set $r1) (local.set $r0)
        (i64.add (local.get $r0)
          (i64.add (i64.mul (local.get $r1) (i64.const 100))
            (i64.add (i64.mul (local.get $r2) (i64.const 10000))
              (i64.add (i64.mul (local.get $r3) (i64.const 1000000))
                       (i64.mul (local.get $r4) (i64.const 100000000))))))
        (i64.add)
        (i64.add (local.get $keep))))
  )");
  // $none gets (x + 9 + 10) + (2 + 8), 3 + 4, 5 + 6, 7 + trunc(9.5 + 8.5), 11 + 16 - 1.
  const int64_t x = 5;
  const int64_t r0 = x + 29, r1 = 7, r2 = 11, r3 = 25, r4 = 26;
  const int64_t expected =
      r0 + r1 * 100 + r2 * 10000 + r3 * 1000000 + r4 * 100000000 + 2 * 1000 * x;
  Result<std::vector<Val>> result = instance.getFunc("run")->call({Val(x)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i64(), expected);
  // From the host straight into the chain: the entry's outgoing area holds the stack results.
  Result<std::vector<Val>> direct = instance.getFunc("start")->call({Val(x)});
  ASSERT_TRUE(direct.ok()) << direct.error().describe();
  ASSERT_EQ(direct->size(), 5u);
  const int64_t results[] = {r0, r1, r2, r3, r4};
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ((*direct)[k].i64(), results[k]) << "result " << k;
}

// Tail calls to host functions, through each wasm-to-host trampoline: typed with stack
// arguments on both sides (wasm-to-native), typed with all in registers (the direct jump) and
// dynamic with stack arguments and results (wasm-to-array). The host function returns to the
// caller of the function that tail-called it, whose vmctx and memory base must come back:
// `check` reads its global and memory after each call.
TEST_F(TailCallTest, TailCallsToHostFunctions) {
  Result<Func> wide = Func::wrap(store_, [](int64_t a, int64_t b, int64_t c, int64_t d, int64_t e,
                                            int64_t f, int64_t g, int64_t h) -> int64_t {
    return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f + 1000000 * g +
           10000000 * h;
  });
  Result<Func> narrow = Func::wrap(store_, [](int32_t a, int32_t b) -> int32_t { return a * b; });
  FuncType many{{ValType::I64, ValType::I64, ValType::I64, ValType::I64, ValType::I64,
                 ValType::I64, ValType::I64, ValType::F64},
                {ValType::I64, ValType::I64, ValType::I64, ValType::F64}};
  Result<Func> dynamic = Func::create(store_, many, [](std::span<const Val> params,
                                                       std::span<Val> results) {
    results[0] = Val(params[0].i64() + params[6].i64());
    results[1] = Val(params[1].i64());
    results[2] = Val(params[5].i64());
    results[3] = Val(params[7].f64() * 2);
  });
  ASSERT_TRUE(wide.ok() && narrow.ok() && dynamic.ok());
  ASSERT_TRUE(linker_.define("host", "wide", *wide).ok());
  ASSERT_TRUE(linker_.define("host", "narrow", *narrow).ok());
  ASSERT_TRUE(linker_.define("host", "dynamic", *dynamic).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "wide" (func $wide (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
      (import "host" "narrow" (func $narrow (param i32 i32) (result i32)))
      (import "host" "dynamic" (func $dynamic (param i64 i64 i64 i64 i64 i64 i64 f64)
                                              (result i64 i64 i64 f64)))
      (memory 1)
      (global $mine (mut i64) (i64.const 0))
      (func $to_wide (param $x i64) (result i64)
        (return_call $wide (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4)
                           (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8)))
      (func $to_narrow (param $x i32) (result i32)
        (return_call $narrow (local.get $x) (i32.const 6)))
      (func $to_dynamic (param $x i64) (result i64 i64 i64 f64)
        (return_call $dynamic (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4)
                              (i64.const 5) (i64.const 6) (i64.const 7) (f64.const 1.25)))
      ;; Deep in a chain of tail calls, then to the host.
      (func $countdown (param $n i32) (result i32)
        (if (result i32) (local.get $n)
          (then (return_call $countdown (i32.sub (local.get $n) (i32.const 1))))
          (else (return_call $narrow (i32.const 7) (i32.const 8)))))
      (func $check
        (i64.ne (global.get $mine) (i64.const 77))
        (i64.ne (i64.load (i32.const 8)) (i64.const 99))
        (i32.or)
        (if (then unreachable)))
      (func (export "run") (result i64)
        (local $sum i64)
        (global.set $mine (i64.const 77))
        (i64.store (i32.const 8) (i64.const 99))
        (local.set $sum (call $to_wide (i64.const 1)))
        (call $check)
        (local.set $sum (i64.add (local.get $sum)
                                 (i64.extend_i32_u (call $to_narrow (i32.const 7)))))
        (call $check)
        (call $to_dynamic (i64.const 10))
        (i64.trunc_f64_s)
        (i64.add) (i64.add) (i64.add)
        (local.get $sum) (i64.add)
        (call $check)
        (i64.add (i64.extend_i32_u (call $countdown (i32.const 100000))))
        (call $check)))
  )");
  Result<std::vector<Val>> result = instance.getFunc("run")->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  // wide: 87654321; narrow: 42; dynamic: 17, 2, 6, 2.5; countdown: 56.
  EXPECT_EQ((*result)[0].i64(), 87654321 + 42 + 17 + 2 + 6 + 2 + 56);
}

// A host function that traps after a tail call: the backtrace starts with the caller of the
// function that made the tail call (which its callee replaced).
TEST_F(TailCallTest, HostTrapAfterATailCallShowsTheCallerOfTheTailCaller) {
  Result<Func> refuse = Func::wrap(store_, [](int32_t) -> Result<int32_t> {
    return Error{ErrorKind::Argument, "refused"};
  });
  ASSERT_TRUE(refuse.ok());
  ASSERT_TRUE(linker_.define("host", "refuse", *refuse).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "refuse" (func $refuse (param i32) (result i32)))
      (func $tail (export "tail") (param i32) (result i32) (return_call $refuse (local.get 0)))
      (func $outer (export "outer") (result i32) (i32.add (i32.const 1) (call $tail (i32.const 0)))))
  )");
  Result<std::vector<Val>> result = instance.getFunc("outer")->call({});
  ASSERT_FALSE(result.ok());
  const Trap& trap = *result.error().trap;
  EXPECT_EQ(trap.kind, TrapKind::HostError);
  EXPECT_EQ(trap.message, "refused");
  ASSERT_EQ(trap.backtrace.size(), 1u);
  EXPECT_EQ(trap.backtrace[0].function_name, "outer");
  // Called from the host, the tail caller leaves no wasm frame at all.
  Result<std::vector<Val>> from_host = instance.getFunc("tail")->call({Val(int32_t{0})});
  ASSERT_FALSE(from_host.ok());
  EXPECT_EQ(from_host.error().trap->message, "refused");
  EXPECT_TRUE(from_host.error().trap->backtrace.empty());
  // Both unwound cleanly: the store runs the next call as the first.
  EXPECT_EQ(instance.getFunc("outer")->call({}).error().trap->backtrace.size(), 1u);
}

// A trap in a tail-called function: its frame stands where its tail caller's stood.
TEST_F(TailCallTest, BacktraceShowsTheTailCalledFrameInPlaceOfItsCaller) {
  Instance instance = instantiate(R"(
    (module
      (func $inner (param i64 i64 i64 i64 i64 i64 i64 i64) (result i32) unreachable)
      (func $middle (result i32)
        (return_call $inner (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
                            (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8)))
      (func $outer (export "outer") (result i32) (i32.add (i32.const 1) (call $middle))))
  )");
  Result<std::vector<Val>> result = instance.getFunc("outer")->call({});
  ASSERT_FALSE(result.ok());
  const Trap& trap = *result.error().trap;
  EXPECT_EQ(trap.kind, TrapKind::Unreachable);
  ASSERT_EQ(trap.backtrace.size(), 2u);
  EXPECT_EQ(trap.backtrace[0].function_name, "inner");
  EXPECT_EQ(trap.backtrace[1].function_name, "outer");
}

// return_call_indirect: mutual recursion through the table (constant stack), then each of its
// checks trapping in the frame of the function that makes the call.
TEST_F(TailCallTest, IndirectTailCallsAndTheirTraps) {
  Instance instance = instantiate(R"(
    (module
      (type $step (func (param i32 i64 i64 i64 i64 i64 i64 i64) (result i64)))
      (type $other (func (param i32) (result i64)))
      (table 4 funcref)
      (elem (i32.const 0) $ping $pong $wrong)
      (func $ping (type $step)
        (if (result i64) (i32.eqz (local.get 0))
          (then (local.get 7))
          (else (return_call_indirect (type $step)
                  (i32.sub (local.get 0) (i32.const 1)) (local.get 1) (local.get 2)
                  (local.get 3) (local.get 4) (local.get 5) (local.get 6)
                  (i64.add (local.get 7) (i64.const 2))
                  (i32.const 1)))))
      (func $pong (type $step)
        (return_call_indirect (type $step)
          (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)
          (local.get 6) (i64.sub (local.get 7) (i64.const 1))
          (i32.const 0)))
      (func $wrong (type $other) (i64.const -1))
      (func (export "ping") (param i32) (result i64)
        (return_call_indirect (type $step)
          (local.get 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)
          (i64.const 0) (i64.const 0) (i32.const 0)))
      (func $dispatch (export "dispatch") (param $slot i32) (result i64)
        (return_call_indirect (type $step)
          (i32.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)
          (i64.const 0) (i64.const 0) (local.get $slot)))
      (func (export "outer") (param i32) (result i64)
        (i64.add (i64.const 1) (call $dispatch (local.get 0)))))
  )");
  Result<std::vector<Val>> pinged = instance.getFunc("ping")->call({Val(int32_t{1'000'000})});
  ASSERT_TRUE(pinged.ok()) << pinged.error().describe();
  EXPECT_EQ((*pinged)[0].i64(), 1'000'000);

  auto trapIn = [&](int32_t slot) {
    Result<std::vector<Val>> result = instance.getFunc("outer")->call({Val(slot)});
    if (result.ok()) throw std::runtime_error("no trap");
    return *result.error().trap;
  };
  const Trap mismatch = trapIn(2);
  EXPECT_EQ(mismatch.kind, TrapKind::IndirectCallTypeMismatch);
  ASSERT_EQ(mismatch.backtrace.size(), 2u);
  EXPECT_EQ(mismatch.backtrace[0].function_name, "dispatch");
  EXPECT_EQ(mismatch.backtrace[1].function_index, 5u);
  EXPECT_EQ(trapIn(3).kind, TrapKind::IndirectCallToNull);
  EXPECT_EQ(trapIn(4).kind, TrapKind::UndefinedElement);
}

// A tail call out of the instance, into a function of another module that uses its own
// memory and globals: the caller of the tail caller gets its own pinned registers back. So does
// a caller in the other direction, through return_call_indirect on an imported table.
TEST_F(TailCallTest, TailCallsOutOfTheInstanceGiveTheCallerItsInstanceBack) {
  Instance other = instantiate(R"(
    (module
      (memory 1)
      (global $base (mut i32) (i32.const 1000))
      (table (export "table") 1 funcref)
      (elem (i32.const 0) $seven)
      (func $seven (export "seven") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
        (i32.store (i32.const 0) (i32.const 5))
        (i32.add (global.get $base) (i32.add (local.get 0) (local.get 7)))))
  )");
  ASSERT_TRUE(linker_.defineInstance("other", other).ok());
  Instance instance = instantiate(R"(
    (module
      (import "other" "seven" (func $seven (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (import "other" "table" (table 1 funcref))
      (type $seven (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (memory 1)
      (global $mine (mut i32) (i32.const 42))
      (func $direct (param i32) (result i32)
        (return_call $seven (local.get 0) (i32.const 0) (i32.const 0) (i32.const 0)
                            (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 3)))
      (func $indirect (param i32) (result i32)
        (return_call_indirect (type $seven) (local.get 0) (i32.const 0) (i32.const 0)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 3) (i32.const 0)))
      (func (export "run") (result i32)
        (i32.store (i32.const 0) (i32.const 9))
        (i32.add (call $direct (i32.const 1))
                 (i32.add (global.get $mine) (i32.load (i32.const 0))))
        (i32.add (call $indirect (i32.const 2))
                 (i32.add (global.get $mine) (i32.load (i32.const 0))))
        (i32.add)))
  )");
  Result<std::vector<Val>> result = instance.getFunc("run")->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), (1004 + 42 + 9) + (1005 + 42 + 9));
}

// Endless mutual tail recursion under fuel metering: stopped by the fuel, not the stack.
TEST(TailCallFuelTest, EndlessTailRecursionRunsOutOfFuel) {
  Config config = tailCallConfig();
  config.consume_fuel = true;
  Engine engine(config);
  Store store(engine);
  Linker linker(engine);
  Result<Module> module = Module::compile(engine, test::watToWasm(R"(
    (module
      (func $a (export "a") (param i64 i64 i64 i64 i64 i64 i64 i64)
        (return_call $b (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                        (local.get 5) (local.get 6) (local.get 7) (i64.const 9)))
      (func $b (param i64 i64 i64 i64 i64 i64 i64 i64 i64)
        (return_call $a (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                        (local.get 5) (local.get 6) (local.get 7))))
  )", "--enable-tail-call"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<Instance> instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  ASSERT_TRUE(store.setFuel(50'000'000).ok());
  std::vector<Val> args(8, Val(int64_t{1}));
  Result<std::vector<Val>> result = instance->getFunc("a")->call(args);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().trap->kind, TrapKind::OutOfFuel);
  EXPECT_EQ(*store.getFuel(), 0u);
}

// On by default, as in WebAssembly 3.0; turned off, the opcodes are not WebAssembly.
TEST(TailCallFeatureTest, OnByDefaultAndOffWhenDisabled) {
  const std::vector<uint8_t> wasm = test::watToWasm(R"(
    (module (func $f (return_call $f)))
  )", "--enable-tail-call");
  EXPECT_TRUE(Module::compile(Engine(), wasm).ok());
  Config config;
  config.features.tail_call = false;
  Result<Module> module = Module::compile(Engine(config), wasm);
  ASSERT_FALSE(module.ok());
  EXPECT_NE(module.error().kind, ErrorKind::Compile);  // refused as input, not by the compiler
}

}  // namespace
}  // namespace wisp
