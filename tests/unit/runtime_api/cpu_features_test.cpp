// Config::cpu_features: an engine limited to baseline x86-64 (no POPCNT, LZCNT, TZCNT or
// SSE4.1) takes the fallback paths, and they compute exactly what the instructions do, bit for
// bit, on the values where the two differ most (zero, one bit, all bits, signs, halves, NaNs,
// ties and values too large to have a fraction).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "api/state.h"
#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr std::string_view kModule = R"(
  (module
    (func (export "clz32") (param i32) (result i32) (i32.clz (local.get 0)))
    (func (export "ctz32") (param i32) (result i32) (i32.ctz (local.get 0)))
    (func (export "popcnt32") (param i32) (result i32) (i32.popcnt (local.get 0)))
    (func (export "clz64") (param i64) (result i64) (i64.clz (local.get 0)))
    (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0)))
    (func (export "popcnt64") (param i64) (result i64) (i64.popcnt (local.get 0)))
    ;; popcnt with values live around it, so the temporary must not clobber them.
    (func (export "popcnt64_live") (param i64 i64) (result i64)
      (i64.add (i64.mul (local.get 1) (i64.const 3))
               (i64.add (i64.popcnt (local.get 0)) (i64.mul (local.get 1) (i64.const 5)))))
    (func (export "ceil32") (param f32) (result f32) (f32.ceil (local.get 0)))
    (func (export "floor32") (param f32) (result f32) (f32.floor (local.get 0)))
    (func (export "trunc32") (param f32) (result f32) (f32.trunc (local.get 0)))
    (func (export "nearest32") (param f32) (result f32) (f32.nearest (local.get 0)))
    (func (export "ceil64") (param f64) (result f64) (f64.ceil (local.get 0)))
    (func (export "floor64") (param f64) (result f64) (f64.floor (local.get 0)))
    (func (export "trunc64") (param f64) (result f64) (f64.trunc (local.get 0)))
    (func (export "nearest64") (param f64) (result f64) (f64.nearest (local.get 0)))
    ;; A rounding call with values live in registers across it.
    (func (export "floor_live") (param f64 i32) (result f64)
      (f64.add (f64.convert_i32_s (i32.mul (local.get 1) (i32.const 7)))
               (f64.floor (f64.mul (local.get 0) (f64.const 2))))))
)";

const uint64_t kInts[] = {0,
                          1,
                          2,
                          0x80000000,
                          0x7fffffff,
                          0xffffffff,
                          0x100000000,
                          0x8000000000000000,
                          0xffffffffffffffff,
                          0x0123456789abcdef,
                          0x00f0000000000f00};

const double kFloats[] = {0.0,   -0.0, 0.5,  -0.5,  1.5,   2.5,  -2.5,  0.49999999999999994,
                          1e300, -1e300, 4503599627370497.0, 8388609.0, 1.0 / 3, -7.75,
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::denorm_min()};

template <typename T>
auto bitsOf(T v) {
  if constexpr (sizeof(T) == 4) return std::bit_cast<uint32_t>(v);
  else return std::bit_cast<uint64_t>(v);
}

class CpuFeaturesTest : public ::testing::TestWithParam<bool> {
 protected:
  bool baseline() const { return GetParam(); }
};

TEST(CpuFeatures, TheEngineUsesNoMoreThanItIsAllowed) {
  Config config;
  config.cpu_features = CpuFeatures::baseline();
  EXPECT_EQ(Engine(config).cpuFeatures(), CpuFeatures::baseline());
  config.cpu_features = CpuFeatures{};
  config.cpu_features.lzcnt = false;
  EXPECT_FALSE(Engine(config).cpuFeatures().lzcnt);
}

// A CPU below what SIMD needs refuses an engine with SIMD on (the default), with the reason;
// SIMD off, or a CPU with SSE4.1, gets one. A lower level asked for on purpose is no refusal:
// SIMD modules then fail to compile, saying why.
TEST(CpuFeatures, EngineCreationRefusesACpuWithoutWhatSimdNeeds) {
  isa::CpuFeatures old_cpu = isa::CpuFeatures::all();
  old_cpu.sse41 = false;
  old_cpu.avx = false;
  Config config;
  if (!isa::kSimdNeedsSse41) {  // AArch64: no CPU lacks what its code needs
    EXPECT_FALSE(detail::cpuRefusal(config, old_cpu).has_value());
    return;
  }
  const std::optional<std::string> refusal = detail::cpuRefusal(config, old_cpu);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("SSE4.1"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("SIMD"), std::string::npos) << *refusal;
  EXPECT_FALSE(detail::cpuRefusal(config, isa::CpuFeatures::sse41Level()).has_value());
  config.features.simd = false;
  EXPECT_FALSE(detail::cpuRefusal(config, old_cpu).has_value());

  Config below;
  below.cpu_features = CpuFeatures::baseline();
  Result<Engine> engine = Engine::create(below);
  if (!isa::hostCpuFeatures().sse41) {  // a machine too old: refused, as above
    EXPECT_FALSE(engine.ok());
    return;
  }
  ASSERT_TRUE(engine.ok()) << engine.error().describe();
  Result<Module> simd = Module::compile(
      *engine, test::watToWasm("(module (func (result v128) (v128.const i64x2 1 2)))"));
  ASSERT_FALSE(simd.ok());
  EXPECT_EQ(simd.error().kind, ErrorKind::Compile);
  EXPECT_NE(simd.error().message.find("SSE4.1"), std::string::npos) << simd.error().message;
}

TEST_P(CpuFeaturesTest, BitCountsAndRoundingsMatchTheDefinitions) {
  Config config;
  if (baseline()) config.cpu_features = CpuFeatures::baseline();
  Engine engine(config);
  Store store(engine);
  Result<Module> module = Module::compile(engine, test::watToWasm(kModule));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<Instance> instance = Linker(engine).instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  auto call = [&](const char* name, std::vector<Val> args) {
    Result<std::vector<Val>> r = instance->getFunc(name)->call(args);
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().describe();
    return r.ok() ? (*r)[0] : Val(int32_t{-1});
  };

  for (uint64_t v : kInts) {
    const auto v32 = static_cast<uint32_t>(v);
    const Val a32(static_cast<int32_t>(v32));
    const Val a64(static_cast<int64_t>(v));
    EXPECT_EQ(call("clz32", {a32}).i32(), std::countl_zero(v32)) << v32;
    EXPECT_EQ(call("ctz32", {a32}).i32(), std::countr_zero(v32)) << v32;
    EXPECT_EQ(call("popcnt32", {a32}).i32(), std::popcount(v32)) << v32;
    EXPECT_EQ(call("clz64", {a64}).i64(), std::countl_zero(v)) << v;
    EXPECT_EQ(call("ctz64", {a64}).i64(), std::countr_zero(v)) << v;
    EXPECT_EQ(call("popcnt64", {a64}).i64(), std::popcount(v)) << v;
    EXPECT_EQ(call("popcnt64_live", {a64, Val(int64_t{11})}).i64(), std::popcount(v) + 88) << v;
  }

  for (double d : kFloats) {
    const auto f = static_cast<float>(d);
    EXPECT_EQ(bitsOf(call("ceil32", {Val(f)}).f32()), bitsOf(std::ceil(f))) << f;
    EXPECT_EQ(bitsOf(call("floor32", {Val(f)}).f32()), bitsOf(std::floor(f))) << f;
    EXPECT_EQ(bitsOf(call("trunc32", {Val(f)}).f32()), bitsOf(std::trunc(f))) << f;
    EXPECT_EQ(bitsOf(call("nearest32", {Val(f)}).f32()), bitsOf(std::nearbyint(f))) << f;
    EXPECT_EQ(bitsOf(call("ceil64", {Val(d)}).f64()), bitsOf(std::ceil(d))) << d;
    EXPECT_EQ(bitsOf(call("floor64", {Val(d)}).f64()), bitsOf(std::floor(d))) << d;
    EXPECT_EQ(bitsOf(call("trunc64", {Val(d)}).f64()), bitsOf(std::trunc(d))) << d;
    EXPECT_EQ(bitsOf(call("nearest64", {Val(d)}).f64()), bitsOf(std::nearbyint(d))) << d;
    EXPECT_EQ(call("floor_live", {Val(d), Val(int32_t{3})}).f64(), 21 + std::floor(d * 2)) << d;
  }

  // A signaling NaN comes back quiet (an arithmetic NaN), its payload otherwise kept.
  const double signaling = std::bit_cast<double>(uint64_t{0x7ff4000000000001});
  for (const char* name : {"ceil64", "floor64", "trunc64", "nearest64"}) {
    EXPECT_EQ(bitsOf(call(name, {Val(signaling)}).f64()), uint64_t{0x7ffc000000000001}) << name;
  }
  const float signaling32 = std::bit_cast<float>(uint32_t{0x7fa00001});
  for (const char* name : {"ceil32", "floor32", "trunc32", "nearest32"}) {
    EXPECT_EQ(bitsOf(call(name, {Val(signaling32)}).f32()), uint32_t{0x7fe00001}) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(HostAndBaseline, CpuFeaturesTest, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? std::string("Baseline") : std::string("Host");
                         });

}  // namespace
}  // namespace wisp
