// Host-to-wasm trampolines through the public API: every parameter arrives and every result
// comes back, with 0 to 20 parameters of mixed types (more than the 6 general and 8 float
// argument registers), through Func::call (array-to-wasm) and typed<>() (native-to-wasm).
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "api_test_support.h"
#include "signatures.h"

namespace wisp::test {
namespace {

template <typename Signature>
class HostToWasmTest : public ::testing::Test {
 protected:
  using Params = typename Signature::Params;

  // "checksum" mixes every parameter's bits; "last" returns the last parameter.
  static std::string moduleText() {
    return std::apply(
        []<typename... Ts>(Ts...) {
          std::string text = "(module\n (func (export \"checksum\") " + watParams<Ts...>() +
                             " (result i64) (local $acc i64)\n" + watChecksumBody<Ts...>() + ")\n";
          if constexpr (sizeof...(Ts) > 0) {
            using Last = std::tuple_element_t<sizeof...(Ts) - 1, std::tuple<Ts...>>;
            text += " (func (export \"last\") " + watParams<Ts...>() + " (result " +
                    WasmType<Last>::kName + ") (local.get " + std::to_string(sizeof...(Ts) - 1) +
                    "))\n";
          }
          return text + ")";
        },
        Params{});
  }

  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
};

TYPED_TEST_SUITE(HostToWasmTest, Signatures);

TYPED_TEST(HostToWasmTest, EveryParameterArrivesThroughFuncCall) {
  auto instance = instantiateWat(this->store_, this->linker_, this->moduleText());
  ASSERT_TRUE(instance);
  const auto args = argumentsFor<typename TestFixture::Params>();
  Result<std::vector<Val>> results = instance->getFunc("checksum")->call(toVals(args));
  ASSERT_TRUE(results.ok()) << results.error().describe();
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(static_cast<uint64_t>((*results)[0].i64()), expectedChecksum(args));
}

TYPED_TEST(HostToWasmTest, EveryParameterArrivesThroughTypedCall) {
  auto instance = instantiateWat(this->store_, this->linker_, this->moduleText());
  ASSERT_TRUE(instance);
  using Fn = typename FunctionOf<int64_t, typename TestFixture::Params>::Type;
  auto checksum = instance->getFunc("checksum")->template typed<Fn>(this->store_);
  ASSERT_TRUE(checksum.ok()) << checksum.error().describe();
  const auto args = argumentsFor<typename TestFixture::Params>();
  Result<int64_t> result = std::apply([&](auto... a) { return checksum->call(a...); }, args);
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(static_cast<uint64_t>(*result), expectedChecksum(args));
}

TYPED_TEST(HostToWasmTest, LastParameterComesBackAsTheResult) {
  using Params = typename TestFixture::Params;
  if constexpr (std::tuple_size_v<Params> > 0) {
    auto instance = instantiateWat(this->store_, this->linker_, this->moduleText());
    ASSERT_TRUE(instance);
    using Last = std::tuple_element_t<std::tuple_size_v<Params> - 1, Params>;
    const auto args = argumentsFor<Params>();
    const Last expected = std::get<std::tuple_size_v<Params> - 1>(args);

    Result<std::vector<Val>> dynamic = instance->getFunc("last")->call(toVals(args));
    ASSERT_TRUE(dynamic.ok()) << dynamic.error().describe();
    EXPECT_EQ((*dynamic)[0], Val(expected));

    using Fn = typename FunctionOf<Last, Params>::Type;
    auto last = instance->getFunc("last")->template typed<Fn>(this->store_);
    ASSERT_TRUE(last.ok()) << last.error().describe();
    Result<Last> typed = std::apply([&](auto... a) { return last->call(a...); }, args);
    ASSERT_TRUE(typed.ok()) << typed.error().describe();
    EXPECT_EQ(bitsOf(*typed), bitsOf(expected));
  }
}

// ---- several results ------------------------------------------------------------------------

// Four of each kind: two of each class fit the result registers, the rest go on the stack.
constexpr std::string_view kManyResults = R"(
(module
  (func $many (export "many") (param $x i32)
        (result i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)
    (i32.add (local.get $x) (i32.const 1))
    (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 0x100000001))
    (f32.mul (f32.convert_i32_s (local.get $x)) (f32.const 0.5))
    (f64.div (f64.convert_i32_s (local.get $x)) (f64.const 3))
    (i32.sub (i32.const 0) (local.get $x))
    (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 40))
    (f32.neg (f32.convert_i32_s (local.get $x)))
    (f64.sqrt (f64.convert_i32_u (local.get $x)))
    (i32.xor (local.get $x) (i32.const 0x55555555))
    (i64.const -7)
    (f32.const 1e10)
    (f64.const -0.0)
    (i32.mul (local.get $x) (local.get $x))
    (i64.extend_i32_s (local.get $x))
    (f32.const -1.5)
    (f64.const 6.02214076e23))

  ;; A wasm caller of $many: the stack results arrive in wasm too.
  (func (export "sum_of_many") (param $x i32) (result f64)
    (local $i32s i32) (local $i64s i64) (local $f32s f32) (local $f64s f64)
    (call $many (local.get $x))
    ;; The results in reverse: the last on top.
    (local.set $f64s (f64.add (local.get $f64s)))
    (local.set $f32s (f32.add (local.get $f32s)))
    (local.set $i64s (i64.add (local.get $i64s)))
    (local.set $i32s (i32.add (local.get $i32s)))
    (local.set $f64s (f64.add (local.get $f64s)))
    (local.set $f32s (f32.add (local.get $f32s)))
    (local.set $i64s (i64.add (local.get $i64s)))
    (local.set $i32s (i32.add (local.get $i32s)))
    (local.set $f64s (f64.add (local.get $f64s)))
    (local.set $f32s (f32.add (local.get $f32s)))
    (local.set $i64s (i64.add (local.get $i64s)))
    (local.set $i32s (i32.add (local.get $i32s)))
    (local.set $f64s (f64.add (local.get $f64s)))
    (local.set $f32s (f32.add (local.get $f32s)))
    (local.set $i64s (i64.add (local.get $i64s)))
    (local.set $i32s (i32.add (local.get $i32s)))
    (f64.add (f64.add (f64.convert_i32_s (local.get $i32s)) (f64.convert_i64_s (local.get $i64s)))
             (f64.add (f64.promote_f32 (local.get $f32s)) (local.get $f64s))))
)
)";

std::vector<Val> expectedMany(int32_t x) {
  return {Val(x + 1),
          Val(static_cast<int64_t>(x) * 0x100000001),
          Val(static_cast<float>(x) * 0.5f),
          Val(static_cast<double>(x) / 3),
          Val(-x),
          Val(static_cast<int64_t>(static_cast<uint64_t>(static_cast<uint32_t>(x)) << 40)),
          Val(-static_cast<float>(x)),
          Val(std::sqrt(static_cast<double>(static_cast<uint32_t>(x)))),
          Val(x ^ 0x55555555),
          Val(int64_t{-7}),
          Val(1e10f),
          Val(-0.0),
          Val(x * x),
          Val(static_cast<int64_t>(x)),
          Val(-1.5f),
          Val(6.02214076e23)};
}

class ManyResultsTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
};

TEST_F(ManyResultsTest, EveryResultComesBackThroughFuncCall) {
  auto instance = instantiateWat(store_, linker_, kManyResults);
  ASSERT_TRUE(instance);
  for (int32_t x : {0, 1, 12345, -77}) {
    Result<std::vector<Val>> results = instance->getFunc("many")->call({Val(x)});
    ASSERT_TRUE(results.ok()) << results.error().describe();
    const std::vector<Val> expected = expectedMany(x);
    ASSERT_EQ(results->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ((*results)[i], expected[i]) << "result " << i << " for x = " << x << ": "
                                            << (*results)[i].toString() << " instead of "
                                            << expected[i].toString();
  }
}

TEST_F(ManyResultsTest, EveryResultArrivesInAWasmCaller) {
  auto instance = instantiateWat(store_, linker_, kManyResults);
  ASSERT_TRUE(instance);
  for (int32_t x : {0, 1, 12345, -77}) {
    const std::vector<Val> many = expectedMany(x);
    int32_t i32s = 0;
    int64_t i64s = 0;
    float f32s = 0;
    double f64s = 0;
    for (size_t i = many.size(); i-- > 0;) {  // the order sum_of_many adds them in
      switch (many[i].type()) {
        case ValType::I32: i32s = static_cast<int32_t>(static_cast<uint32_t>(many[i].i32()) + static_cast<uint32_t>(i32s)); break;
        case ValType::I64: i64s = static_cast<int64_t>(static_cast<uint64_t>(many[i].i64()) + static_cast<uint64_t>(i64s)); break;
        case ValType::F32: f32s = many[i].f32() + f32s; break;
        case ValType::F64: f64s = many[i].f64() + f64s; break;
        default: break;
      }
    }
    const double expected = (static_cast<double>(i32s) + static_cast<double>(i64s)) +
                            (static_cast<double>(f32s) + f64s);
    Result<std::vector<Val>> result = instance->getFunc("sum_of_many")->call({Val(x)});
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ((*result)[0].f64(), expected) << "x = " << x;
  }
}

// ---- float bits ------------------------------------------------------------------------------

// Signalling and negative NaNs with payloads, -0 and subnormals pass every crossing unchanged:
// the trampolines move floats, they never convert them.
class FloatBitsTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};
};

TEST_F(FloatBitsTest, PayloadsSignsAndSubnormalsKeepTheirBits) {
  ASSERT_TRUE(linker_.define("host", "f32", *Func::wrap(store_, [](float x) { return x; })).ok());
  ASSERT_TRUE(linker_.define("host", "f64", *Func::wrap(store_, [](double x) { return x; })).ok());
  auto instance = instantiateWat(store_, linker_, R"(
    (module
      (import "host" "f32" (func $host_f32 (param f32) (result f32)))
      (import "host" "f64" (func $host_f64 (param f64) (result f64)))
      (func (export "f32") (param f32) (result f32) (call $host_f32 (local.get 0)))
      (func (export "f64") (param f64) (result f64) (call $host_f64 (local.get 0))))
  )");
  ASSERT_TRUE(instance);
  auto f32 = instance->getFunc("f32")->typed<float(float)>(store_);
  auto f64 = instance->getFunc("f64")->typed<double(double)>(store_);
  ASSERT_TRUE(f32.ok() && f64.ok());

  for (uint32_t bits : {0x7fa00001u, 0xffc00123u, 0x80000000u, 0x00000001u, 0xff800000u}) {
    const Val arg = Val::f32FromBits(bits);
    Result<std::vector<Val>> dynamic = instance->getFunc("f32")->call({arg});
    ASSERT_TRUE(dynamic.ok()) << dynamic.error().describe();
    EXPECT_EQ((*dynamic)[0].f32Bits(), bits) << std::hex << bits;
    Result<float> typed = f32->call(std::bit_cast<float>(bits));
    ASSERT_TRUE(typed.ok()) << typed.error().describe();
    EXPECT_EQ(std::bit_cast<uint32_t>(*typed), bits) << std::hex << bits;
  }
  for (uint64_t bits : {0x7ff0000000000001ull, 0xfff8000000000abcull, 0x8000000000000000ull,
                        0x0000000000000001ull, 0xfff0000000000000ull}) {
    const Val arg = Val::f64FromBits(bits);
    Result<std::vector<Val>> dynamic = instance->getFunc("f64")->call({arg});
    ASSERT_TRUE(dynamic.ok()) << dynamic.error().describe();
    EXPECT_EQ((*dynamic)[0].f64Bits(), bits) << std::hex << bits;
    Result<double> typed = f64->call(std::bit_cast<double>(bits));
    ASSERT_TRUE(typed.ok()) << typed.error().describe();
    EXPECT_EQ(std::bit_cast<uint64_t>(*typed), bits) << std::hex << bits;
  }
}

}  // namespace
}  // namespace wisp::test
