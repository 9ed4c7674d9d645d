// The public API calling compiled code: dynamic and typed calls, host functions of both
// kinds, traps with backtraces, the start function, and the builtins behind bulk instructions.
// Needs the compiler and the trampolines.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

class ApiCallTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};

  Instance instantiate(std::string_view wat) {
    Result<Module> module = Module::compile(engine_, test::watToWasm(wat));
    // Throwing ends just this test (GoogleTest reports the exception).
    if (!module.ok()) throw std::runtime_error(module.error().describe());
    Result<Instance> instance = linker_.instantiate(store_, *module);
    if (!instance.ok()) throw std::runtime_error(instance.error().describe());
    return *instance;
  }
};

constexpr std::string_view kArithmetic = R"(
  (module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "mix") (param i32 i64 f32 f64) (result f64)
      (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
               (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))))
    (func (export "pair") (param i64) (result i64 i32)
      (local.get 0) (i32.wrap_i64 (local.get 0)))
    (func (export "nothing")))
)";

TEST_F(ApiCallTest, DynamicCall) {
  Instance instance = instantiate(kArithmetic);
  Func add = *instance.getFunc("add");
  EXPECT_EQ(add.type(), (FuncType{{ValType::I32, ValType::I32}, {ValType::I32}}));
  Result<std::vector<Val>> sum = add.call({Val(int32_t{40}), Val(int32_t{2})});
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  ASSERT_EQ(sum->size(), 1u);
  EXPECT_EQ((*sum)[0].i32(), 42);

  Result<std::vector<Val>> mixed =
      instance.getFunc("mix")->call({Val(int32_t{1}), Val(int64_t{2}), Val(0.5f), Val(0.25)});
  ASSERT_TRUE(mixed.ok()) << mixed.error().describe();
  EXPECT_EQ((*mixed)[0].f64(), 3.75);

  Result<std::vector<Val>> pair = instance.getFunc("pair")->call({Val(int64_t{0x100000007})});
  ASSERT_TRUE(pair.ok()) << pair.error().describe();
  ASSERT_EQ(pair->size(), 2u);
  EXPECT_EQ((*pair)[0].i64(), 0x100000007);
  EXPECT_EQ((*pair)[1].i32(), 7);

  EXPECT_TRUE(instance.getFunc("nothing")->call({}).ok());
}

// More values than Func::call keeps on its stack (8), either way: ten arguments, and twelve
// results from three.
TEST_F(ApiCallTest, DynamicCallWithManyValues) {
  Instance instance = instantiate(R"(
    (module
      (func (export "sum10") (param i32 i64 i32 i64 i32 i64 i32 i64 f64 i32) (result i64)
        (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1))
        (i64.add (i64.extend_i32_u (local.get 2)) (local.get 3)) (i64.add)
        (i64.add (i64.extend_i32_u (local.get 4)) (local.get 5)) (i64.add)
        (i64.add (i64.extend_i32_u (local.get 6)) (local.get 7)) (i64.add)
        (i64.add (i64.trunc_f64_s (local.get 8)) (i64.extend_i32_u (local.get 9))) (i64.add))
      (func (export "spread") (param i32 i64 f64)
        (result i32 i64 f64 i32 i64 f64 i32 i64 f64 i32 i64 f64)
        (local.get 0) (local.get 1) (local.get 2)
        (i32.add (local.get 0) (i32.const 1)) (i64.add (local.get 1) (i64.const 1))
        (f64.add (local.get 2) (f64.const 1))
        (i32.add (local.get 0) (i32.const 2)) (i64.add (local.get 1) (i64.const 2))
        (f64.add (local.get 2) (f64.const 2))
        (i32.add (local.get 0) (i32.const 3)) (i64.add (local.get 1) (i64.const 3))
        (f64.add (local.get 2) (f64.const 3))))
  )");
  std::vector<Val> args;
  for (int i = 0; i < 8; ++i)
    args.push_back(i % 2 == 0 ? Val(int32_t{i + 1}) : Val(int64_t{(i + 1) * 100}));
  args.push_back(Val(1000.0));
  args.push_back(Val(int32_t{10000}));
  Result<std::vector<Val>> sum = instance.getFunc("sum10")->call(args);
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i64(), 1 + 200 + 3 + 400 + 5 + 600 + 7 + 800 + 1000 + 10000);

  Result<std::vector<Val>> spread =
      instance.getFunc("spread")->call({Val(int32_t{7}), Val(int64_t{70}), Val(0.5)});
  ASSERT_TRUE(spread.ok()) << spread.error().describe();
  ASSERT_EQ(spread->size(), 12u);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ((*spread)[3 * k].i32(), 7 + k) << k;
    EXPECT_EQ((*spread)[3 * k + 1].i64(), 70 + k) << k;
    EXPECT_EQ((*spread)[3 * k + 2].f64(), 0.5 + k) << k;
  }
}

TEST_F(ApiCallTest, DynamicCallChecksArguments) {
  Func add = *instantiate(kArithmetic).getFunc("add");
  Result<std::vector<Val>> too_few = add.call({Val(int32_t{1})});
  ASSERT_FALSE(too_few.ok());
  EXPECT_EQ(too_few.error().kind, ErrorKind::Argument);
  EXPECT_EQ(too_few.error().message, "expected 2 arguments (i32 i32), got 1");
  Result<std::vector<Val>> wrong = add.call({Val(int32_t{1}), Val(1.0)});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "argument 1: expected i32, got f64");
}

TEST_F(ApiCallTest, TypedCall) {
  Instance instance = instantiate(kArithmetic);
  Result<TypedFunc<int32_t(int32_t, int32_t)>> add =
      instance.getFunc("add")->typed<int32_t(int32_t, int32_t)>(store_);
  ASSERT_TRUE(add.ok()) << add.error().describe();
  Result<int32_t> sum = add->call(-5, 3);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, -2);

  auto mix = instance.getFunc("mix")->typed<double(int32_t, int64_t, float, double)>(store_);
  ASSERT_TRUE(mix.ok()) << mix.error().describe();
  EXPECT_EQ(*mix->call(1, 2, 0.5f, 0.25), 3.75);

  auto nothing = instance.getFunc("nothing")->typed<void()>(store_);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->call().ok());

  auto wrong = instance.getFunc("add")->typed<int64_t(int32_t, int32_t)>(store_);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "typed(): the function's type is (i32 i32) -> (i32), not (i32 i32) -> (i64)");
  Store other(engine_);
  EXPECT_FALSE(instance.getFunc("add")->typed<int32_t(int32_t, int32_t)>(other).ok());
}

V128 i32Lanes(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  V128 v;
  const uint32_t words[] = {a, b, c, d};
  std::memcpy(v.bytes.data(), words, 16);
  return v;
}

// v128 goes in vector registers, on the stack past the eighth, and comes back through memory
// with its status; a trap still comes back as one.
TEST_F(ApiCallTest, TypedCallCarriesV128) {
  WISP_SKIP_WITHOUT_SIMD();
  Instance instance = instantiate(R"(
    (module
      (func (export "scale") (param v128 i32) (result v128)
        (i32x4.mul (local.get 0) (i32x4.splat (local.get 1))))
      (func (export "sum10") (param v128 v128 v128 v128 v128 v128 v128 v128 i64 v128 v128) (result v128)
        (i32x4.add (i32x4.add (i32x4.add (local.get 0) (local.get 1)) (i32x4.add (local.get 2) (local.get 3)))
          (i32x4.add (i32x4.add (i32x4.add (local.get 4) (local.get 5)) (i32x4.add (local.get 6) (local.get 7)))
            (i32x4.add (i32x4.add (local.get 9) (i32x4.splat (i32.wrap_i64 (local.get 8))))
                       (i32x4.mul (local.get 10) (i32x4.splat (i32.const 1000)))))))
      (func (export "lane") (param i32 v128) (result i32)
        (i32.add (local.get 0) (i32x4.extract_lane 2 (local.get 1))))
      (func (export "trap") (param v128) (result v128) unreachable))
  )");
  auto scale = instance.getFunc("scale")->typed<V128(V128, int32_t)>(store_);
  ASSERT_TRUE(scale.ok()) << scale.error().describe();
  Result<V128> scaled = scale->call(i32Lanes(1, 2, 3, 0x80000001u), 3);
  ASSERT_TRUE(scaled.ok()) << scaled.error().describe();
  EXPECT_EQ(*scaled, i32Lanes(3, 6, 9, 0x80000003u));

  auto sum10 = instance.getFunc("sum10")->typed<V128(V128, V128, V128, V128, V128, V128, V128, V128,
                                                     int64_t, V128, V128)>(store_);
  ASSERT_TRUE(sum10.ok()) << sum10.error().describe();
  std::vector<V128> v;
  for (uint32_t k = 0; k < 10; ++k) v.push_back(i32Lanes(k, 10 * k, 100 * k, 1u << k));
  Result<V128> sum = sum10->call(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], 5, v[8], v[9]);
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  // Lanes of v[0..8] summed, plus 5, plus v[9] times 1000.
  EXPECT_EQ(*sum, i32Lanes(36 + 5 + 9000, 360 + 5 + 90000, 3600 + 5 + 900000, 511 + 5 + 512000));

  auto lane = instance.getFunc("lane")->typed<int32_t(int32_t, V128)>(store_);
  ASSERT_TRUE(lane.ok()) << lane.error().describe();
  EXPECT_EQ(*lane->call(1, i32Lanes(0, 0, 41, 0)), 42);

  auto trap = instance.getFunc("trap")->typed<V128(V128)>(store_);
  ASSERT_TRUE(trap.ok());
  Result<V128> trapped = trap->call(V128{});
  ASSERT_FALSE(trapped.ok());
  EXPECT_EQ(trapped.error().trap->kind, TrapKind::Unreachable);
  EXPECT_EQ(*scale->call(i32Lanes(1, 1, 1, 1), 7), i32Lanes(7, 7, 7, 7));  // usable after a trap
}

// A typed host function taking and returning v128, reached by a jump (all in registers) and
// through the frame-making trampoline (parameters past the registers), and trapping.
TEST_F(ApiCallTest, TypedHostFunctionsCarryV128) {
  WISP_SKIP_WITHOUT_SIMD();
  Result<Func> swap = Func::wrap(store_, [](V128 v, int32_t k) {
    V128 out;
    for (int i = 0; i < 16; ++i) out.bytes[i] = static_cast<uint8_t>(v.bytes[15 - i] + k);
    return out;
  });
  Result<Func> many = Func::wrap(store_, [](int64_t a, int64_t b, int64_t c, int64_t d, int64_t e,
                                            int64_t f, int64_t g, V128 x, V128 y) -> Result<V128> {
    if (a < 0) return Error{ErrorKind::Argument, "negative"};
    V128 out = x;
    uint32_t words[4];
    std::memcpy(words, y.bytes.data(), 16);
    words[0] += static_cast<uint32_t>(a + b + c + d + e + f + g);
    std::memcpy(out.bytes.data() + 8, words, 8);
    return out;
  });
  ASSERT_TRUE(swap.ok() && many.ok());
  ASSERT_TRUE(linker_.define("host", "swap", *swap).ok());
  ASSERT_TRUE(linker_.define("host", "many", *many).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "swap" (func $swap (param v128 i32) (result v128)))
      (import "host" "many" (func $many (param i64 i64 i64 i64 i64 i64 i64 v128 v128) (result v128)))
      (func (export "swap") (param v128) (result v128) (call $swap (local.get 0) (i32.const 1)))
      (func (export "many") (param i64 v128 v128) (result v128)
        (call $many (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
                    (i64.const 5) (i64.const 6) (local.get 1) (local.get 2))))
  )");
  V128 bytes;
  for (int i = 0; i < 16; ++i) bytes.bytes[i] = static_cast<uint8_t>(i);
  auto call_swap = instance.getFunc("swap")->typed<V128(V128)>(store_);
  ASSERT_TRUE(call_swap.ok());
  Result<V128> swapped = call_swap->call(bytes);
  ASSERT_TRUE(swapped.ok()) << swapped.error().describe();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(swapped->bytes[i], 16 - i) << "byte " << i;

  auto call_many = instance.getFunc("many")->typed<V128(int64_t, V128, V128)>(store_);
  ASSERT_TRUE(call_many.ok());
  Result<V128> combined = call_many->call(10, i32Lanes(1, 2, 3, 4), i32Lanes(100, 200, 300, 400));
  ASSERT_TRUE(combined.ok()) << combined.error().describe();
  EXPECT_EQ(*combined, i32Lanes(1, 2, 100 + 31, 200));
  Result<V128> refused = call_many->call(-1, V128{}, V128{});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().trap->message, "negative");
}

TEST_F(ApiCallTest, TrapsComeBackWithKindMessageAndBacktrace) {
  Instance instance = instantiate(R"(
    (module
      (func $inner (export "inner") unreachable)
      (func $outer (export "outer") (call $inner))
      (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
      (memory 1)
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
  )");
  Result<std::vector<Val>> trapped = instance.getFunc("outer")->call({});
  ASSERT_FALSE(trapped.ok());
  EXPECT_EQ(trapped.error().kind, ErrorKind::Trap);
  const Trap& trap = *trapped.error().trap;
  EXPECT_EQ(trap.kind, TrapKind::Unreachable);
  EXPECT_EQ(trap.message, "unreachable");
  ASSERT_GE(trap.backtrace.size(), 2u);
  EXPECT_EQ(trap.backtrace[0].function_index, 0u);
  EXPECT_EQ(trap.backtrace[0].function_name, "inner");
  EXPECT_EQ(trap.backtrace[1].function_index, 1u);

  auto div = instance.getFunc("div")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(div.ok());
  Result<int32_t> by_zero = div->call(0);
  ASSERT_FALSE(by_zero.ok());
  EXPECT_EQ(by_zero.error().trap->kind, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(*div->call(1), 1);  // the store is usable after a trap

  Result<std::vector<Val>> oob = instance.getFunc("load")->call({Val(int32_t{65535})});
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().trap->message, "out of bounds memory access");
}

TEST_F(ApiCallTest, StackOverflowIsATrap) {
  Instance instance = instantiate(R"((module (func $f (export "f") (call $f))))");
  Result<std::vector<Val>> result = instance.getFunc("f")->call({});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().trap->kind, TrapKind::StackOverflow);
  EXPECT_EQ(result.error().trap->message, "call stack exhausted");
}

TEST_F(ApiCallTest, TypedHostFunctions) {
  int64_t seen = 0;
  Result<Func> record = Func::wrap(store_, [&seen](int32_t a, int64_t b, float c, double d) -> int64_t {
    seen = a + b + static_cast<int64_t>(c) + static_cast<int64_t>(d);
    return seen * 2;
  });
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_EQ(record->type(),
            (FuncType{{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {ValType::I64}}));
  ASSERT_TRUE(linker_.define("host", "record", *record).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "record" (func $record (param i32 i64 f32 f64) (result i64)))
      (func (export "run") (result i64)
        (call $record (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))))
  )");
  Result<std::vector<Val>> result = instance.getFunc("run")->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(seen, 10);
  EXPECT_EQ((*result)[0].i64(), 20);

  // The host function called from the host directly, both ways.
  EXPECT_EQ((*record->call({Val(int32_t{1}), Val(int64_t{1}), Val(1.0f), Val(1.0)}))[0].i64(), 8);
  auto typed = record->typed<int64_t(int32_t, int64_t, float, double)>(store_);
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed->call(0, 0, 0.0f, 5.0), 10);
}

TEST_F(ApiCallTest, DynamicHostFunctionsWithSeveralResults) {
  FuncType type{{ValType::I32, ValType::F64}, {ValType::F64, ValType::I32}};
  Result<Func> swap = Func::create(store_, type, [](std::span<const Val> params, std::span<Val> results) {
    results[0] = Val(params[1].f64());
    results[1] = Val(params[0].i32());
  });
  ASSERT_TRUE(swap.ok()) << swap.error().describe();
  ASSERT_TRUE(linker_.define("host", "swap", *swap).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "swap" (func $swap (param i32 f64) (result f64 i32)))
      (func (export "run") (result i32) (local i32)
        (call $swap (i32.const 7) (f64.const 1.5))
        (local.set 0)
        (drop)
        (local.get 0)))
  )");
  Result<std::vector<Val>> result = instance.getFunc("run")->call({});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 7);
}

TEST_F(ApiCallTest, HostFunctionsTrapByReturningAnError) {
  Result<Func> checked = Func::wrap(store_, [](int32_t x) -> Result<int32_t> {
    if (x < 0) return Error{ErrorKind::Argument, "negative input " + std::to_string(x)};
    return x * 10;
  });
  Result<Func> throws = Func::wrap(store_, [](int32_t) -> int32_t { throw std::runtime_error("boom"); });
  Result<Func> raises = Func::wrap(store_, [](int32_t) -> int32_t { wisp::trap("raised by the host"); });
  FuncType unary{{ValType::I32}, {ValType::I32}};
  Result<Func> dynamic = Func::create(store_, unary, [](std::span<const Val>, std::span<Val>) -> Result<void> {
    return Error{ErrorKind::Argument, "dynamic refusal"};
  });
  ASSERT_TRUE(checked.ok() && throws.ok() && raises.ok() && dynamic.ok());
  ASSERT_TRUE(linker_.define("host", "checked", *checked).ok());
  ASSERT_TRUE(linker_.define("host", "throws", *throws).ok());
  ASSERT_TRUE(linker_.define("host", "raises", *raises).ok());
  ASSERT_TRUE(linker_.define("host", "dynamic", *dynamic).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "checked" (func $checked (param i32) (result i32)))
      (import "host" "throws" (func $throws (param i32) (result i32)))
      (import "host" "raises" (func $raises (param i32) (result i32)))
      (import "host" "dynamic" (func $dynamic (param i32) (result i32)))
      (func (export "checked") (param i32) (result i32) (call $checked (local.get 0)))
      (func (export "throws") (result i32) (call $throws (i32.const 0)))
      (func (export "raises") (result i32) (call $raises (i32.const 0)))
      (func (export "dynamic") (result i32) (call $dynamic (i32.const 0))))
  )");
  auto checked_call = instance.getFunc("checked")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(checked_call.ok());
  EXPECT_EQ(*checked_call->call(4), 40);
  Result<int32_t> refused = checked_call->call(-1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().trap->kind, TrapKind::HostError);
  EXPECT_EQ(refused.error().trap->message, "negative input -1");
  // The backtrace starts at the wasm function that called the host.
  ASSERT_FALSE(refused.error().trap->backtrace.empty());
  EXPECT_EQ(refused.error().trap->backtrace[0].function_index, 4u);

  EXPECT_EQ(instance.getFunc("throws")->call({}).error().trap->message, "host function threw: boom");
  EXPECT_EQ(instance.getFunc("raises")->call({}).error().trap->message, "raised by the host");
  EXPECT_EQ(instance.getFunc("dynamic")->call({}).error().trap->message, "dynamic refusal");
}

TEST_F(ApiCallTest, HostFunctionsMayCallBackIntoWasm) {
  std::optional<Func> callback;
  Result<Func> reenter = Func::wrap(store_, [&](int32_t x) -> int32_t {
    return (*callback->call({Val(x)}))[0].i32() + 1;
  });
  ASSERT_TRUE(reenter.ok());
  ASSERT_TRUE(linker_.define("host", "reenter", *reenter).ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "reenter" (func $reenter (param i32) (result i32)))
      (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "run") (param i32) (result i32) (call $reenter (local.get 0))))
  )");
  callback = instance.getFunc("double");
  EXPECT_EQ((*instance.getFunc("run")->call({Val(int32_t{20})}))[0].i32(), 41);
}

TEST_F(ApiCallTest, StartFunctionRunsAndItsTrapFailsInstantiation) {
  Instance instance = instantiate(R"(
    (module (global (export "g") (mut i32) (i32.const 0))
            (func $start (global.set 0 (i32.const 5))) (start $start))
  )");
  EXPECT_EQ(instance.getGlobal("g")->get().i32(), 5);

  Result<Module> trapping = Module::compile(engine_, test::watToWasm(R"(
    (module (func $start unreachable) (start $start))
  )"));
  ASSERT_TRUE(trapping.ok());
  Result<Instance> failed = linker_.instantiate(store_, *trapping);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::Trap);
  EXPECT_EQ(failed.error().trap->kind, TrapKind::Unreachable);
}

TEST_F(ApiCallTest, CallIndirectAcrossInstancesAndFuncrefsFromTables) {
  Instance exporter = instantiate(R"(
    (module
      (table (export "table") 2 funcref)
      (func $seven (result i32) (i32.const 7))
      (elem (i32.const 0) $seven)
      (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))
  )");
  ASSERT_TRUE(linker_.defineInstance("lib", exporter).ok());
  Instance importer = instantiate(R"(
    (module
      (import "lib" "table" (table 2 funcref))
      (func $eight (result i32) (i32.const 8))
      (func $wrong (param i32))
      (elem (i32.const 1) $eight))
  )");
  (void)importer;
  Func call = *exporter.getFunc("call");
  EXPECT_EQ((*call.call({Val(int32_t{0})}))[0].i32(), 7);
  EXPECT_EQ((*call.call({Val(int32_t{1})}))[0].i32(), 8);  // callee in another instance
  EXPECT_EQ(call.call({Val(int32_t{2})}).error().trap->kind, TrapKind::UndefinedElement);

  Table table = *exporter.getTable("table");
  std::optional<Func> eight = table.get(1)->funcref();
  ASSERT_TRUE(eight.has_value());
  EXPECT_EQ((*eight->call({}))[0].i32(), 8);
  ASSERT_TRUE(table.set(1, Val::nullFuncRef()).ok());
  EXPECT_EQ(call.call({Val(int32_t{1})}).error().trap->kind, TrapKind::IndirectCallToNull);
}

TEST_F(ApiCallTest, BulkInstructionsThroughTheBuiltins) {
  Instance instance = instantiate(R"(
    (module
      (memory (export "memory") 1 4)
      (data $d "hello")
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
      (func (export "drop") (data.drop $d))
      (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))
  )");
  Memory memory = *instance.getMemory("memory");
  auto init = instance.getFunc("init")->typed<void(int32_t, int32_t, int32_t)>(store_);
  auto copy = instance.getFunc("copy")->typed<void(int32_t, int32_t, int32_t)>(store_);
  auto fill = instance.getFunc("fill")->typed<void(int32_t, int32_t, int32_t)>(store_);
  auto grow = instance.getFunc("grow")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(init.ok() && copy.ok() && fill.ok() && grow.ok());

  ASSERT_TRUE(init->call(10, 0, 5).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.data()) + 10, 5), "hello");
  ASSERT_TRUE(copy->call(12, 10, 5).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.data()) + 10, 7), "hehello");
  ASSERT_TRUE(fill->call(0, 'x', 2).ok());
  EXPECT_EQ(memory.data()[1], 'x');
  EXPECT_EQ(init->call(65535, 0, 2).error().trap->kind, TrapKind::MemoryOutOfBounds);
  ASSERT_TRUE(instance.getFunc("drop")->call({}).ok());
  EXPECT_TRUE(init->call(0, 0, 0).ok());
  EXPECT_EQ(init->call(0, 0, 1).error().trap->kind, TrapKind::MemoryOutOfBounds);

  EXPECT_EQ(*grow->call(2), 1);
  EXPECT_EQ(memory.pages(), 3u);
  EXPECT_EQ(*grow->call(2), -1);
  ASSERT_TRUE(fill->call(3 * 65536 - 1, 1, 1).ok());  // the grown memory is accessible
}

}  // namespace
}  // namespace wisp
