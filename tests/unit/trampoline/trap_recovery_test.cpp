// Traps as values, and life after them: a deep recursion, an out-of-bounds load and a division
// by zero each end their call with a Trap of the right kind and message and a wasm backtrace
// (function index, name from the name section, byte offset of the instruction), and the same
// process goes on running calls correctly, round after round, with the traps interleaved;
// with either kind of bounds checks.
#include <gtest/gtest.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "api_test_support.h"
#include "wasm/module.h"
#include "../death_test_style.h"

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

// ---- traps from host functions, and faults in host code --------------------------------------

// fail(x) calls a host function that traps (returns an Error); touch(x) calls one that returns
// x + 1 (and may fault in host code first); oob(a) loads from linear memory.
constexpr std::string_view kHostModule = R"(
(module
  (import "host" "fail" (func $fail (param i32) (result i32)))
  (import "host" "touch" (func $touch (param i32) (result i32)))
  (memory 1)
  (func (export "fail") (param $x i32) (result i32) (call $fail (local.get $x)))
  (func (export "touch") (param $x i32) (result i32) (call $touch (local.get $x)))
  (func (export "oob") (param $a i32) (result i32) (i32.load (local.get $a)))
)
)";

// A thing whose every instance must be destroyed: leaked host frames would show in ASan's leak
// check, at the end of the process.
struct Owned {
  std::unique_ptr<int> value = std::make_unique<int>(7);
};

// Traps of every way in a loop: a fault in wasm (typed and dynamic calls), a host function's
// Error, a host function's exception. Nothing may stay behind: under ASan the leak checker
// sees every allocation a trap could strand (trap messages, backtraces, host state).
TEST(TrapLoop, TenThousandTrapsLeakNothing) {
  Engine engine;
  Store store(engine);
  Linker linker(engine);
  Result<Func> fail = Func::wrap(store, [](int32_t x) -> Result<int32_t> {
    Owned owned;  // destroyed before the trap leaves: the host frame returns normally
    if (x % 2) throw std::runtime_error("thrown on purpose");
    return Error(ErrorKind::Argument, "failed on purpose " + std::to_string(*owned.value + x));
  });
  Result<Func> touch = Func::wrap(store, [](int32_t x) { return x + 1; });
  ASSERT_TRUE(fail.ok() && touch.ok());
  ASSERT_TRUE(linker.define("host", "fail", *fail).ok());
  ASSERT_TRUE(linker.define("host", "touch", *touch).ok());
  std::optional<Instance> instance = instantiateWat(store, linker, kHostModule);
  ASSERT_TRUE(instance);
  auto typed_oob = instance->getFunc("oob")->typed<int32_t(int32_t)>(store);
  auto typed_fail = instance->getFunc("fail")->typed<int32_t(int32_t)>(store);
  ASSERT_TRUE(typed_oob.ok() && typed_fail.ok());
  Func dynamic_oob = *instance->getFunc("oob");
  Func dynamic_fail = *instance->getFunc("fail");
  constexpr int kTraps = 10000;
  int traps = 0;
  for (int i = 0; i < kTraps; ++i) {
    Val out[1];
    Error error;
    switch (i % 4) {
      case 0: error = typed_oob->call(kPageSize).error(); break;
      case 1: error = dynamic_oob.call({Val(-8)}, out).error(); break;
      case 2: error = typed_fail->call(i).error(); break;   // even: an Error
      case 3: error = dynamic_fail.call({Val(i)}, out).error(); break;  // odd: an exception
    }
    ASSERT_EQ(error.kind, ErrorKind::Trap) << "call " << i << ": " << error.describe();
    const TrapKind expected = i % 4 < 2 ? TrapKind::MemoryOutOfBounds : TrapKind::HostError;
    ASSERT_EQ(error.trap->kind, expected) << "call " << i;
    ASSERT_EQ(error.trap->backtrace.size(), 1u) << error.trap->describe();
    ++traps;
  }
  EXPECT_EQ(traps, kTraps);
  auto touched = instance->getFunc("touch")->typed<int32_t(int32_t)>(store);
  ASSERT_TRUE(touched.ok());
  Result<int32_t> after = touched->call(41);
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ(*after, 42);
}

// A SIGSEGV in a host function called from wasm is the host's: the handler the host installed
// (before Wisp's) gets it, recovers with siglongjmp, and the wasm call goes on; wasm traps
// still work afterwards. The host's handler uses SA_NODEFER and a siglongjmp that keeps the
// mask, so this also checks that Wisp runs it with the mask its sigaction asked for (else
// SIGSEGV would stay blocked and the next fault kill the process). In a child process, so the
// handlers it installs stay there.
sigjmp_buf g_host_recovery;
volatile sig_atomic_t g_host_faults = 0;

void hostFaultHandler(int, siginfo_t*, void*) {
  g_host_faults = g_host_faults + 1;
  siglongjmp(g_host_recovery, 1);
}

int faultInHostFunctionsThenTrap() {
  struct sigaction action {};
  action.sa_sigaction = hostFaultHandler;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSEGV, &action, nullptr) != 0) return 10;
  Engine engine;  // installs Wisp's handlers, which chain to the host's
  Store store(engine);
  Linker linker(engine);
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  Result<Func> touch = Func::wrap(store, [page](int32_t x) -> int32_t {
    if (sigsetjmp(g_host_recovery, 0) == 0) {
      *static_cast<volatile int*>(page) = x;  // faults; the host's handler jumps back
      return -1;
    }
    return x + 1;
  });
  Result<Func> fail = Func::wrap(store, [](int32_t x) { return x; });
  if (!touch.ok() || !fail.ok()) return 11;
  if (!linker.define("host", "touch", *touch).ok() || !linker.define("host", "fail", *fail).ok())
    return 12;
  Result<Module> module = Module::compile(engine, watToWasm(kHostModule));
  if (!module.ok()) return 13;
  Result<Instance> instance = linker.instantiate(store, *module);
  if (!instance.ok()) return 14;
  auto touched = instance->getFunc("touch")->typed<int32_t(int32_t)>(store);
  auto oob = instance->getFunc("oob")->typed<int32_t(int32_t)>(store);
  if (!touched.ok() || !oob.ok()) return 15;
  for (int32_t round = 0; round < 3; ++round) {
    Result<int32_t> r = touched->call(round * 10);
    if (!r.ok() || *r != round * 10 + 1) return 20 + round;
    Result<int32_t> trapped = oob->call(kPageSize);
    if (trapped.ok() || !trapped.error().trap ||
        trapped.error().trap->kind != TrapKind::MemoryOutOfBounds)
      return 30 + round;
  }
  return g_host_faults == 3 ? 0 : 40;
}

TEST(HostSignalDeathTest, FaultInHostFunctionGoesToTheHostsHandler) {
  test::useThreadsafeDeathTests();
  EXPECT_EXIT(std::exit(faultInHostFunctionsThenTrap()), ::testing::ExitedWithCode(0), "");
}

INSTANTIATE_TEST_SUITE_P(BothBoundsChecks, TrapRecoveryTest,
                         ::testing::Values(BoundsChecks::GuardRegion, BoundsChecks::Explicit),
                         [](const ::testing::TestParamInfo<BoundsChecks>& info) {
                           return info.param == BoundsChecks::GuardRegion ? "GuardRegion"
                                                                          : "ExplicitChecks";
                         });

}  // namespace
}  // namespace wisp::test
