// Traps as values, and life after them: a deep recursion, an out-of-bounds load and a division
// by zero each end their call with a Trap of the right kind and message and a wasm backtrace
// (function index, name from the name section, byte offset of the instruction), and the same
// process goes on running calls correctly, round after round, with the traps interleaved;
// with either kind of bounds checks.
#include <gtest/gtest.h>

#include "api_test_support.h"
#include "wasm/module.h"

namespace wisp::test {
namespace {

// Function indices: $recurse 0, $load 1, $load_via 2, $divide 3, $store 4, $sum_to 5.
constexpr std::string_view kModule = R"(
(module
  (memory 1)
  (func $recurse (export "recurse") (param $depth i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $depth) (i32.const 1))) (i32.const 1)))
  (func $load (export "load") (param $address i32) (result i32)
    (i32.load offset=8 (local.get $address)))
  (func $load_via (export "load_via") (param $address i32) (result i32)
    (i32.add (call $load (local.get $address)) (i32.const 0x11)))
  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_u (local.get $a) (local.get $b)))
  (func $store (export "store") (param $address i32) (param $value i32)
    (i32.store offset=8 (local.get $address) (local.get $value)))
  (func $sum_to (export "sum_to") (param $n i32) (result i64) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
)";

constexpr uint32_t kRecurse = 0, kLoad = 1, kLoadVia = 2, kDivide = 3;
constexpr int32_t kPageSize = 65536;

// Out-of-bounds accesses fault on a guard page, or fail an explicit check: both are traps with
// the same kind, message and backtrace.
class TrapRecoveryTest : public ::testing::TestWithParam<BoundsChecks> {
 protected:
  void SetUp() override {
    bytes_ = watToWasm(kModule);
    ASSERT_FALSE(bytes_.empty());
    auto module = Module::compile(engine_, bytes_);
    ASSERT_TRUE(module.ok()) << module.error().describe();
    auto instance = linker_.instantiate(store_, *module);
    ASSERT_TRUE(instance.ok()) << instance.error().describe();
    instance_ = *instance;

    // Where the instructions are in the binary, found by their encodings, independently of
    // the runtime's address map.
    call_recurse_at_ = findUnique(bytes_, {0x6a, 0x10, 0x00}) + 1;           // i32.add; call 0
    load_at_ = findUnique(bytes_, {0x20, 0x00, 0x28, 0x02, 0x08}) + 2;      // i32.load offset=8
    call_load_at_ = findUnique(bytes_, {0x20, 0x00, 0x10, 0x01}) + 2;       // call 1
    divide_at_ = findUnique(bytes_, {0x20, 0x00, 0x20, 0x01, 0x6e}) + 4;    // i32.div_u
    auto decoded = wasm::decodeModule(bytes_);
    ASSERT_TRUE(decoded.ok());
    for (const wasm::Function& f : (*decoded)->functions)
      bodies_.push_back({f.body_offset, f.body_offset + f.body_size});
  }

  Result<std::vector<Val>> call(const char* name, std::initializer_list<Val> args) {
    return instance_->getFunc(name)->call(args);
  }

  void expectFrame(const Trap& trap, size_t i, uint32_t function, const char* name,
                   std::optional<size_t> offset) {
    ASSERT_LT(i, trap.backtrace.size()) << trap.describe();
    const Frame& frame = trap.backtrace[i];
    EXPECT_EQ(frame.function_index, function) << "frame " << i << "\n" << trap.describe();
    EXPECT_EQ(frame.function_name, name) << "frame " << i;
    if (offset) {
      EXPECT_EQ(frame.wasm_offset, *offset) << "frame " << i << "\n" << trap.describe();
    } else {  // somewhere in the function's body
      EXPECT_GE(frame.wasm_offset, bodies_[function].first) << "frame " << i;
      EXPECT_LT(frame.wasm_offset, bodies_[function].second) << "frame " << i;
    }
  }

  void expectStackOverflow() {
    std::optional<Trap> trap = trapOf(call("recurse", {Val(0)}));
    ASSERT_TRUE(trap);
    EXPECT_EQ(trap->kind, TrapKind::StackOverflow);
    EXPECT_EQ(trap->message, "call stack exhausted");
    // Thousands of $recurse frames (possibly truncated): the innermost trapped in its
    // prologue's stack check, every other one is at its call.
    ASSERT_GT(trap->backtrace.size(), 100u);
    expectFrame(*trap, 0, kRecurse, "recurse", std::nullopt);
    for (size_t i = 1; i < trap->backtrace.size(); i += 97)
      expectFrame(*trap, i, kRecurse, "recurse", call_recurse_at_);
    EXPECT_NE(trap->describe().find("func[0] <recurse>"), std::string::npos);
  }

  void expectOutOfBounds(int32_t address) {
    std::optional<Trap> trap = trapOf(call("load_via", {Val(address)}));
    ASSERT_TRUE(trap);
    EXPECT_EQ(trap->kind, TrapKind::MemoryOutOfBounds);
    EXPECT_EQ(trap->message, "out of bounds memory access");
    ASSERT_EQ(trap->backtrace.size(), 2u) << trap->describe();
    expectFrame(*trap, 0, kLoad, "load", load_at_);
    expectFrame(*trap, 1, kLoadVia, "load_via", call_load_at_);
  }

  void expectDivideByZero(int32_t dividend) {
    std::optional<Trap> trap = trapOf(call("divide", {Val(dividend), Val(0)}));
    ASSERT_TRUE(trap);
    EXPECT_EQ(trap->kind, TrapKind::IntegerDivideByZero);
    EXPECT_EQ(trap->message, "integer divide by zero");
    ASSERT_EQ(trap->backtrace.size(), 1u) << trap->describe();
    expectFrame(*trap, 0, kDivide, "divide", divide_at_);
    char where[32];
    std::snprintf(where, sizeof where, "@ 0x%zx", divide_at_);
    EXPECT_NE(trap->describe().find(where), std::string::npos) << trap->describe();
  }

  // Calls that must work, with memory written in earlier rounds still there.
  void expectWorkingCalls(int round) {
    auto stored = call("store", {Val(round * 4), Val(round * 1000 + 7)});
    ASSERT_TRUE(stored.ok()) << stored.error().describe();
    for (int earlier = 0; earlier <= round; ++earlier) {
      auto loaded = call("load_via", {Val(earlier * 4)});
      ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
      EXPECT_EQ((*loaded)[0].i32(), earlier * 1000 + 7 + 0x11) << "round " << round;
    }
    auto divided = call("divide", {Val(-1), Val(round + 2)});  // unsigned: 0xffffffff / n
    ASSERT_TRUE(divided.ok()) << divided.error().describe();
    EXPECT_EQ(static_cast<uint32_t>((*divided)[0].i32()), 0xffffffffu / (round + 2));
    auto sum = call("sum_to", {Val(1000 + round)});
    ASSERT_TRUE(sum.ok()) << sum.error().describe();
    const int64_t n = 1000 + round;
    EXPECT_EQ((*sum)[0].i64(), n * (n + 1) / 2);
    // The last in-bounds word loads fine: the bounds are exact.
    auto last_word = call("load", {Val(kPageSize - 12)});
    ASSERT_TRUE(last_word.ok()) << last_word.error().describe();
  }

  static Config configFor(BoundsChecks bounds_checks) {
    Config config;
    config.bounds_checks = bounds_checks;
    return config;
  }

  Engine engine_{configFor(GetParam())};
  Store store_{engine_};
  Linker linker_{engine_};
  std::vector<uint8_t> bytes_;
  std::optional<Instance> instance_;
  std::vector<std::pair<size_t, size_t>> bodies_;  // by function index
  size_t call_recurse_at_ = 0, load_at_ = 0, call_load_at_ = 0, divide_at_ = 0;
};

TEST_P(TrapRecoveryTest, DeepRecursionIsAStackOverflowTrap) { expectStackOverflow(); }

TEST_P(TrapRecoveryTest, OutOfBoundsLoadIsAMemoryTrap) {
  expectOutOfBounds(kPageSize - 11);  // the last byte of the word is one past the end
  expectOutOfBounds(-1);              // 4 GiB - 1, deep in the guard region
}

TEST_P(TrapRecoveryTest, DivisionByZeroIsAnArithmeticTrap) { expectDivideByZero(42); }

TEST_P(TrapRecoveryTest, TrapsInterleavedWithWorkingCallsRoundAfterRound) {
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    expectWorkingCalls(round);
    switch (round % 3) {  // a different order each round
      case 0: expectStackOverflow(); expectOutOfBounds(kPageSize); expectDivideByZero(round); break;
      case 1: expectDivideByZero(round); expectStackOverflow(); expectOutOfBounds(kPageSize - 11); break;
      case 2: expectOutOfBounds(-4); expectDivideByZero(round); expectStackOverflow(); break;
    }
    expectWorkingCalls(round);
  }
}

TEST_P(TrapRecoveryTest, TypedCallsTrapAndRecoverToo) {
  auto divide = instance_->getFunc("divide")->typed<int32_t(int32_t, int32_t)>(store_);
  auto recurse = instance_->getFunc("recurse")->typed<int32_t(int32_t)>(store_);
  auto load = instance_->getFunc("load_via")->typed<int32_t(int32_t)>(store_);
  ASSERT_TRUE(divide.ok() && recurse.ok() && load.ok());
  for (int round = 0; round < 3; ++round) {
    std::optional<Trap> overflow = trapOf(recurse->call(0));
    ASSERT_TRUE(overflow);
    EXPECT_EQ(overflow->kind, TrapKind::StackOverflow);
    std::optional<Trap> zero = trapOf(divide->call(1, 0));
    ASSERT_TRUE(zero);
    EXPECT_EQ(zero->kind, TrapKind::IntegerDivideByZero);
    ASSERT_EQ(zero->backtrace.size(), 1u);
    EXPECT_EQ(zero->backtrace[0].wasm_offset, divide_at_);
    std::optional<Trap> bounds = trapOf(load->call(kPageSize));
    ASSERT_TRUE(bounds);
    EXPECT_EQ(bounds->kind, TrapKind::MemoryOutOfBounds);
    Result<int32_t> quotient = divide->call(100, 7);
    ASSERT_TRUE(quotient.ok()) << quotient.error().describe();
    EXPECT_EQ(*quotient, 14);
    Result<int32_t> loaded = load->call(0);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(*loaded, 0x11);
  }
}

INSTANTIATE_TEST_SUITE_P(BothBoundsChecks, TrapRecoveryTest,
                         ::testing::Values(BoundsChecks::GuardRegion, BoundsChecks::Explicit),
                         [](const ::testing::TestParamInfo<BoundsChecks>& info) {
                           return info.param == BoundsChecks::GuardRegion ? "GuardRegion"
                                                                          : "ExplicitChecks";
                         });

}  // namespace
}  // namespace wisp::test
