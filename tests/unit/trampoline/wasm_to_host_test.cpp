// Wasm-to-host trampolines through the public API: wasm calls a host function with 0 to 20
// parameters of mixed types, through Func::wrap (typed: wasm-to-native) and Func::create
// (dynamic: wasm-to-array); the host sees every argument and wasm gets the host's results.
#include <gtest/gtest.h>

#include <optional>

#include "api_test_support.h"
#include "signatures.h"

namespace wisp::test {
namespace {

constexpr int64_t kHostResult = 0x0f1e2d3c4b5a6978;
constexpr int64_t kRelayMask = 0x5a5a5a5a5a5a5a5a;

// A typed host function that records its arguments.
template <typename... Ps>
struct RecordingHost {
  std::optional<std::tuple<Ps...>>* seen;
  int64_t operator()(Ps... params) const {
    seen->emplace(params...);
    return kHostResult;
  }
};

template <typename Signature>
class WasmToHostTest : public ::testing::Test {
 protected:
  using Params = typename Signature::Params;

  // "relay" passes its parameters to the host function and returns its result ^ kRelayMask.
  static std::string moduleText() {
    return std::apply(
        []<typename... Ts>(Ts...) {
          std::string args;
          for (size_t i = 0; i < sizeof...(Ts); ++i) args += " (local.get " + std::to_string(i) + ")";
          return "(module\n (import \"host\" \"sink\" (func $sink " + watParams<Ts...>() +
                 " (result i64)))\n (func (export \"relay\") " + watParams<Ts...>() +
                 " (result i64)\n  (i64.xor (call $sink" + args + ") (i64.const " +
                 std::to_string(kRelayMask) + "))))";
        },
        Params{});
  }

  // Calls "relay" dynamically and typed; both must return the host's result through wasm.
  void callRelay(Instance& instance, const Params& args) {
    Result<std::vector<Val>> dynamic = instance.getFunc("relay")->call(toVals(args));
    ASSERT_TRUE(dynamic.ok()) << dynamic.error().describe();
    EXPECT_EQ((*dynamic)[0].i64(), kHostResult ^ kRelayMask);

    using Fn = typename FunctionOf<int64_t, Params>::Type;
    auto relay = instance.getFunc("relay")->template typed<Fn>(store_);
    ASSERT_TRUE(relay.ok()) << relay.error().describe();
    Result<int64_t> typed = std::apply([&](auto... a) { return relay->call(a...); }, args);
    ASSERT_TRUE(typed.ok()) << typed.error().describe();
    EXPECT_EQ(*typed, kHostResult ^ kRelayMask);
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
};

TYPED_TEST_SUITE(WasmToHostTest, Signatures);

TYPED_TEST(WasmToHostTest, TypedHostFunctionSeesEveryArgument) {
  using Params = typename TestFixture::Params;
  std::optional<Params> seen;
  auto host = std::apply(
      [&]<typename... Ts>(Ts...) {
        return Func::wrap(this->store_, RecordingHost<Ts...>{&seen});
      },
      Params{});
  ASSERT_TRUE(host.ok()) << host.error().describe();
  ASSERT_TRUE(this->linker_.define("host", "sink", *host).ok());
  auto instance = instantiateWat(this->store_, this->linker_, this->moduleText());
  ASSERT_TRUE(instance);

  const Params args = argumentsFor<Params>();
  this->callRelay(*instance, args);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(toVals(*seen), toVals(args));  // Val equality compares the bits
}

TYPED_TEST(WasmToHostTest, DynamicHostFunctionSeesEveryArgument) {
  using Params = typename TestFixture::Params;
  const std::vector<Val> prototypes = toVals(Params{});
  FuncType type;
  for (const Val& v : prototypes) type.params.push_back(v.type());
  type.results = {ValType::I64};
  std::vector<std::vector<Val>> calls;
  auto host = Func::create(this->store_, type,
                           [&](std::span<const Val> params, std::span<Val> results) {
                             calls.emplace_back(params.begin(), params.end());
                             results[0] = Val(kHostResult);
                           });
  ASSERT_TRUE(host.ok()) << host.error().describe();
  ASSERT_TRUE(this->linker_.define("host", "sink", *host).ok());
  auto instance = instantiateWat(this->store_, this->linker_, this->moduleText());
  ASSERT_TRUE(instance);

  const Params args = argumentsFor<Params>();
  this->callRelay(*instance, args);
  ASSERT_EQ(calls.size(), 2u);  // the dynamic and the typed call of relay
  EXPECT_EQ(calls[0], toVals(args));
  EXPECT_EQ(calls[1], toVals(args));
}

// ---- results of every type --------------------------------------------------------------------

class HostResultsTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
};

TEST_F(HostResultsTest, TypedHostFunctionsReturnEveryType) {
  ASSERT_TRUE(linker_.define("host", "i32", *Func::wrap(store_, [](int32_t a, double b) -> int32_t {
    return a * 3 + static_cast<int32_t>(b);
  })).ok());
  ASSERT_TRUE(linker_.define("host", "i64", *Func::wrap(store_, [](float a, int64_t b) -> int64_t {
    return static_cast<int64_t>(a) - b;
  })).ok());
  ASSERT_TRUE(linker_.define("host", "f32", *Func::wrap(store_, [](int64_t a, float b) -> float {
    return static_cast<float>(a) * b;
  })).ok());
  ASSERT_TRUE(linker_.define("host", "f64", *Func::wrap(store_, [](double a, int32_t b) -> double {
    return a / b;
  })).ok());
  auto instance = instantiateWat(store_, linker_, R"(
    (module
      (import "host" "i32" (func $i32 (param i32 f64) (result i32)))
      (import "host" "i64" (func $i64 (param f32 i64) (result i64)))
      (import "host" "f32" (func $f32 (param i64 f32) (result f32)))
      (import "host" "f64" (func $f64 (param f64 i32) (result f64)))
      (func (export "i32") (result i32) (call $i32 (i32.const -5) (f64.const 2.75)))
      (func (export "i64") (result i64) (call $i64 (f32.const 1e9) (i64.const 0x7fffffff00000000)))
      (func (export "f32") (result f32) (call $f32 (i64.const 3) (f32.const 0.1)))
      (func (export "f64") (result f64) (call $f64 (f64.const 1) (i32.const 3))))
  )");
  ASSERT_TRUE(instance);
  EXPECT_EQ(*instance->getFunc("i32")->typed<int32_t()>(store_)->call(), -13);
  EXPECT_EQ(*instance->getFunc("i64")->typed<int64_t()>(store_)->call(),
            int64_t{1000000000} - 0x7fffffff00000000);
  EXPECT_EQ(*instance->getFunc("f32")->typed<float()>(store_)->call(), 3.0f * 0.1f);
  EXPECT_EQ(*instance->getFunc("f64")->typed<double()>(store_)->call(), 1.0 / 3);
}

TEST_F(HostResultsTest, DynamicHostFunctionReturnsManyResults) {
  // Four of each kind: more than the result registers of either class.
  FuncType type;
  type.params = {ValType::I32};
  for (int i = 0; i < 4; ++i)
    for (ValType t : {ValType::I32, ValType::I64, ValType::F32, ValType::F64}) type.results.push_back(t);
  std::vector<Val> returned;
  auto host = Func::create(store_, type, [&](std::span<const Val> params, std::span<Val> results) {
    const int32_t x = params[0].i32();
    for (size_t i = 0; i < results.size(); ++i) {
      const auto k = static_cast<int32_t>(i) + 1;
      switch (results[i].type()) {
        case ValType::I32: results[i] = Val(x * k); break;
        case ValType::I64: results[i] = Val((int64_t{x} << 33) + k); break;
        case ValType::F32: results[i] = Val(static_cast<float>(x) / static_cast<float>(k)); break;
        default: results[i] = Val(static_cast<double>(x) * k + 0.25); break;
      }
    }
    returned.assign(results.begin(), results.end());
  });
  ASSERT_TRUE(host.ok()) << host.error().describe();
  ASSERT_TRUE(linker_.define("host", "many", *host).ok());

  // Wasm receives all 16 results and checksums their bits (the last result is on top).
  std::string text = R"((module
    (import "host" "many" (func $many (param i32)
      (result i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)))
    (func (export "checksum") (param $x i32) (result i64)
      (local $acc i64) (local $weight i64) (local $f64 f64) (local $f32 f32) (local $i64 i64) (local $i32 i32)
      (local.set $weight (i64.const 1))
      (call $many (local.get $x)))";
  // Pops in reverse: result 15 (f64), 14 (f32), 13 (i64), 12 (i32), 11 (f64), ...
  for (int round = 0; round < 4; ++round) {
    text += R"(
      (local.set $f64) (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $weight) (i64.reinterpret_f64 (local.get $f64)))))
      (local.set $weight (i64.add (local.get $weight) (i64.const 1)))
      (local.set $f32) (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $weight) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $f32))))))
      (local.set $weight (i64.add (local.get $weight) (i64.const 1)))
      (local.set $i64) (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $weight) (local.get $i64))))
      (local.set $weight (i64.add (local.get $weight) (i64.const 1)))
      (local.set $i32) (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $weight) (i64.extend_i32_u (local.get $i32)))))
      (local.set $weight (i64.add (local.get $weight) (i64.const 1))))";
  }
  text += "\n      (local.get $acc)))";
  auto instance = instantiateWat(store_, linker_, text);
  ASSERT_TRUE(instance);

  for (int32_t x : {3, -1000, 0x12345}) {
    Result<std::vector<Val>> result = instance->getFunc("checksum")->call({Val(x)});
    ASSERT_TRUE(result.ok()) << result.error().describe();
    ASSERT_EQ(returned.size(), 16u);
    uint64_t acc = 0, weight = 1;
    for (size_t i = returned.size(); i-- > 0; ++weight) {
      const Val& v = returned[i];
      const uint64_t bits = v.type() == ValType::I32   ? static_cast<uint32_t>(v.i32())
                            : v.type() == ValType::F32 ? v.f32Bits()
                            : v.type() == ValType::I64 ? static_cast<uint64_t>(v.i64())
                                                       : v.f64Bits();
      acc += weight * bits;
    }
    EXPECT_EQ(static_cast<uint64_t>((*result)[0].i64()), acc) << "x = " << x;
  }
}

}  // namespace
}  // namespace wisp::test
