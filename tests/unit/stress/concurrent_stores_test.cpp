// Several threads, each with its own Stores, share one Engine for a while (WISP_STRESS_SECONDS
// per bounds-check mode, default 5; WISP_STRESS_THREADS threads, default 4). Round after round
// each thread makes a new Store, takes a module (the Module all threads share, or one it
// compiles itself: from the same bytes, or from bytes with its own salt in a data segment),
// instantiates it with a host function of its own, and in a shuffled order traps in every way
// (out-of-bounds load, stack overflow, integer division by zero, a host function returning an
// error) and makes calls that must work. Every trap must be this thread's own: the right kind,
// message and wasm backtrace (function, name, byte offset of the instruction), and the host's
// message names the thread and round; every working call must see this thread's memory and
// salt. Threads record what went wrong instead of asserting (GoogleTest's assertions are not
// meant for worker threads); the test reports it per thread.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../trampoline/api_test_support.h"

namespace wisp::test {
namespace {

using Clock = std::chrono::steady_clock;

// Function indices: the import $check 0, $recurse 1, $load 2, $load_via 3, $divide 4, $store 5,
// $ask_host 6, $salt 7, $sum_to 8.
constexpr std::string_view kModule = R"(
(module
  (import "host" "check" (func $check (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; The salt, at address 0: fresh copies of the binary get another one here.
  (data (i32.const 0) "\5a\17\c0\de")
  (func $recurse (export "recurse") (param $depth i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $depth) (i32.const 1))) (i32.const 1)))
  (func $load (export "load") (param $address i32) (result i32)
    (i32.load offset=8 (local.get $address)))
  (func $load_via (export "load_via") (param $address i32) (result i32)
    (i32.add (call $load (local.get $address)) (call $salt)))
  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func $store (export "store") (param $address i32) (param $value i32)
    (i32.store offset=8 (local.get $address) (local.get $value)))
  (func $ask_host (export "ask_host") (param $x i32) (result i32)
    (i32.add (call $check (local.get $x)) (call $salt)))
  (func $salt (export "salt") (result i32) (i32.load (i32.const 0)))
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

constexpr uint32_t kRecurse = 1, kLoad = 2, kLoadVia = 3, kDivide = 4, kAskHost = 6;
constexpr int32_t kPageSize = 65536;
const std::vector<uint8_t> kSaltMarker = {0x5a, 0x17, 0xc0, 0xde};
constexpr int32_t kSharedSalt = static_cast<int32_t>(0xdec0175au);  // the marker, little-endian

// What every thread reads but none writes: the binary, where its instructions are, and the
// Module compiled once for all.
struct SharedModule {
  std::vector<uint8_t> bytes;
  size_t salt_at = 0;
  size_t call_recurse_at = 0, load_at = 0, call_load_at = 0, divide_at = 0, call_check_at = 0;
  std::optional<Module> module;
};

enum class Step { OutOfBounds, StackOverflow, DivideByZero, HostError, Working };
const char* stepName(Step step) {
  switch (step) {
    case Step::OutOfBounds: return "out-of-bounds load";
    case Step::StackOverflow: return "stack overflow";
    case Step::DivideByZero: return "division by zero";
    case Step::HostError: return "host error";
    case Step::Working: return "working calls";
  }
  return "?";
}

// What one thread did, and what went wrong there, in words.
struct ThreadReport {
  static constexpr size_t kMaxProblems = 10;
  uint64_t rounds = 0;
  uint64_t fresh_modules = 0;
  uint64_t working_calls = 0;
  std::array<uint64_t, 4> traps{};  // by Step, the trapping ones
  std::vector<std::string> problems;
};

class ThreadWork {
 public:
  ThreadWork(const Engine& engine, const SharedModule& shared, int thread, ThreadReport& report)
      : engine_(engine), shared_(shared), thread_(thread), report_(report),
        random_(static_cast<uint32_t>(thread) * 7919u + 17u) {}

  void run(Clock::time_point deadline) {
    for (uint32_t round = 0; Clock::now() < deadline && report_.problems.empty(); ++round) {
      round_ = round;
      runRound();
      ++report_.rounds;
    }
  }

 private:
  // `describe` runs only on failure, so checks cost nothing when they pass.
  template <typename Describe>
  bool expect(bool ok, Describe&& describe) {
    if (ok) return true;
    if (report_.problems.size() < ThreadReport::kMaxProblems) {
      report_.problems.push_back("thread " + std::to_string(thread_) + ", round " +
                                 std::to_string(round_) + ", " + stepName(step_) + ": " +
                                 std::string(describe()));
    }
    return false;
  }

  template <typename T>
  std::optional<Trap> trapOf(Result<T>&& result) {
    if (!expect(!result.ok(), [] { return "the call returned; a trap was expected"; })) return std::nullopt;
    Error& error = result.error();
    if (!expect(error.kind == ErrorKind::Trap && error.trap.has_value(),
                [&] { return "not a trap: " + error.describe(); }))
      return std::nullopt;
    return std::move(error.trap);
  }

  bool expectKind(const Trap& trap, TrapKind kind, std::string_view message) {
    return expect(trap.kind == kind && trap.message == message, [&] {
      return "expected a trap \"" + std::string(message) + "\", got " + trap.describe();
    });
  }

  bool expectFrame(const Trap& trap, size_t i, uint32_t function, const char* name, size_t offset) {
    if (!expect(i < trap.backtrace.size(), [&] { return "no frame " + std::to_string(i) + " in " + trap.describe(); }))
      return false;
    const Frame& frame = trap.backtrace[i];
    return expect(frame.function_index == function && frame.function_name == name &&
                      frame.wasm_offset == offset,
                  [&] {
                    return "frame " + std::to_string(i) + " should be func[" +
                           std::to_string(function) + "] <" + name + "> @ " +
                           std::to_string(offset) + "; " + trap.describe();
                  });
  }

  template <typename T>
  bool expectResult(const Result<T>& result, const T& expected, const char* call) {
    if (!expect(result.ok(), [&] { return std::string(call) + " failed: " + result.error().describe(); }))
      return false;
    return expect(*result == expected, [&] { return std::string(call) + " gave an unexpected result"; });
  }

  Result<int32_t> callI32(const char* name, std::initializer_list<Val> args) {
    Result<std::vector<Val>> results = instance_->getFunc(name)->call(args);
    if (!results) return results.error();
    return (*results)[0].i32();
  }

  void runRound() {
    Store store(engine_);
    Linker linker(engine_);
    const std::thread::id owner = std::this_thread::get_id();
    bool called_on_another_thread = false;
    Result<Func> check = Func::wrap(store, [&, owner](int32_t x) -> Result<int32_t> {
      if (std::this_thread::get_id() != owner) called_on_another_thread = true;
      if (x < 0) return Error{ErrorKind::Argument, refusalOf(x)};
      return x * 10 + thread_;
    });
    if (!expect(check.ok(), [&] { return check.error().describe(); })) return;
    if (!expect(linker.define("host", "check", *check).ok(), [] { return "define failed"; })) return;

    // Half the rounds instantiate the shared Module; the others compile their own, as often
    // from the unchanged bytes as from bytes with this thread's and round's salt.
    std::optional<Module> module;
    salt_ = kSharedSalt;
    if (round_ % 2 == 0) {
      module = shared_.module;
    } else {
      std::vector<uint8_t> bytes = shared_.bytes;
      if (round_ % 4 == 3) {
        salt_ = static_cast<int32_t>((static_cast<uint32_t>(thread_) << 24) | round_);
        std::memcpy(bytes.data() + shared_.salt_at, &salt_, sizeof salt_);
      }
      Result<Module> compiled = Module::compile(engine_, bytes);
      if (!expect(compiled.ok(), [&] { return compiled.error().describe(); })) return;
      module = *compiled;
      ++report_.fresh_modules;
    }
    Result<Instance> instance = linker.instantiate(store, *module);
    if (!expect(instance.ok(), [&] { return instance.error().describe(); })) return;
    instance_ = *instance;
    store_ = &store;
    stored_.clear();

    std::vector<Step> steps = {Step::OutOfBounds, Step::StackOverflow, Step::DivideByZero,
                               Step::HostError,   Step::Working,       Step::Working,
                               Step::Working,     Step::OutOfBounds,   Step::DivideByZero,
                               Step::HostError};
    std::shuffle(steps.begin(), steps.end(), random_);
    for (Step step : steps) {
      step_ = step;
      switch (step) {
        case Step::OutOfBounds: outOfBounds(); break;
        case Step::StackOverflow: stackOverflow(); break;
        case Step::DivideByZero: divideByZero(); break;
        case Step::HostError: hostError(); break;
        case Step::Working: workingCalls(); break;
      }
      if (!report_.problems.empty()) break;
    }
    expect(!called_on_another_thread, [] { return "the host function ran on another thread"; });
    instance_.reset();
    store_ = nullptr;
  }

  std::string refusalOf(int32_t x) const {
    return "thread " + std::to_string(thread_) + " round " + std::to_string(round_) +
           " refuses " + std::to_string(x);
  }

  void outOfBounds() {
    static constexpr int32_t kAddresses[] = {kPageSize - 11, kPageSize - 8, -1, -8};
    const int32_t address = kAddresses[random_() % std::size(kAddresses)];
    std::optional<Trap> trap = trapOf(instance_->getFunc("load_via")->call({Val(address)}));
    if (!trap || !expectKind(*trap, TrapKind::MemoryOutOfBounds, "out of bounds memory access"))
      return;
    expect(trap->backtrace.size() == 2, [&] { return "expected 2 frames: " + trap->describe(); });
    expectFrame(*trap, 0, kLoad, "load", shared_.load_at);
    expectFrame(*trap, 1, kLoadVia, "load_via", shared_.call_load_at);
    ++report_.traps[static_cast<size_t>(Step::OutOfBounds)];
  }

  void stackOverflow() {
    auto recurse = instance_->getFunc("recurse")->typed<int32_t(int32_t)>(*store_);
    if (!expect(recurse.ok(), [&] { return recurse.error().describe(); })) return;
    std::optional<Trap> trap = trapOf(recurse->call(0));
    if (!trap || !expectKind(*trap, TrapKind::StackOverflow, "call stack exhausted")) return;
    // Thousands of $recurse frames (perhaps truncated): the innermost in its prologue's stack
    // check, every other one at its call.
    if (!expect(trap->backtrace.size() > 100, [&] { return "only " + std::to_string(trap->backtrace.size()) + " frames"; }))
      return;
    const Frame& innermost = trap->backtrace[0];
    expect(innermost.function_index == kRecurse && innermost.function_name == "recurse",
           [&] { return "the innermost frame is not $recurse: " + trap->describe(); });
    for (size_t i = 1; i < trap->backtrace.size(); i += 211)
      expectFrame(*trap, i, kRecurse, "recurse", shared_.call_recurse_at);
    ++report_.traps[static_cast<size_t>(Step::StackOverflow)];
  }

  void divideByZero() {
    const int32_t dividend = static_cast<int32_t>(random_());
    std::optional<Trap> trap;
    if (random_() % 2 == 0) {
      trap = trapOf(instance_->getFunc("divide")->call({Val(dividend), Val(0)}));
    } else {
      auto divide = instance_->getFunc("divide")->typed<int32_t(int32_t, int32_t)>(*store_);
      if (!expect(divide.ok(), [&] { return divide.error().describe(); })) return;
      trap = trapOf(divide->call(dividend, 0));
    }
    if (!trap || !expectKind(*trap, TrapKind::IntegerDivideByZero, "integer divide by zero"))
      return;
    expect(trap->backtrace.size() == 1, [&] { return "expected 1 frame: " + trap->describe(); });
    expectFrame(*trap, 0, kDivide, "divide", shared_.divide_at);
    ++report_.traps[static_cast<size_t>(Step::DivideByZero)];
  }

  void hostError() {
    const int32_t x = -static_cast<int32_t>(random_() % 100000) - 1;
    std::optional<Trap> trap = trapOf(callI32("ask_host", {Val(x)}));
    if (!trap || !expectKind(*trap, TrapKind::HostError, refusalOf(x))) return;
    // The backtrace starts at the wasm function that called the host.
    expectFrame(*trap, 0, kAskHost, "ask_host", shared_.call_check_at);
    ++report_.traps[static_cast<size_t>(Step::HostError)];
  }

  // Calls that must work, with this round's earlier stores still in this store's memory.
  void workingCalls() {
    const int32_t address = static_cast<int32_t>(stored_.size()) * 4;
    const int32_t value = static_cast<int32_t>(random_());
    if (!expect(instance_->getFunc("store")->call({Val(address), Val(value)}).ok(),
                [] { return "store failed"; }))
      return;
    stored_.push_back(value);
    uint8_t* memory = instance_->getMemory("memory")->data();
    for (size_t i = 0; i < stored_.size(); ++i) {
      int32_t in_memory;
      std::memcpy(&in_memory, memory + 8 + 4 * i, sizeof in_memory);
      expect(in_memory == stored_[i], [&] { return "the memory lost word " + std::to_string(i); });
      const int32_t expected = static_cast<int32_t>(static_cast<uint32_t>(stored_[i]) + static_cast<uint32_t>(salt_));
      expectResult(callI32("load_via", {Val(static_cast<int32_t>(4 * i))}), expected, "load_via");
    }
    expectResult(callI32("salt", {}), salt_, "salt");
    const int32_t x = static_cast<int32_t>(random_() % 1000);
    expectResult(callI32("ask_host", {Val(x)}),
                 static_cast<int32_t>(static_cast<uint32_t>(x * 10 + thread_) + static_cast<uint32_t>(salt_)),
                 "ask_host");
    auto divide = instance_->getFunc("divide")->typed<int32_t(int32_t, int32_t)>(*store_);
    if (expect(divide.ok(), [&] { return divide.error().describe(); })) {
      const int32_t a = static_cast<int32_t>(random_()), b = static_cast<int32_t>(random_() % 1000) + 1;
      expectResult(divide->call(a, b), a / b, "divide");
    }
    const int64_t n = 1000 + thread_ * 100 + static_cast<int64_t>(round_ % 100);
    Result<std::vector<Val>> sum = instance_->getFunc("sum_to")->call({Val(static_cast<int32_t>(n))});
    if (expect(sum.ok(), [&] { return "sum_to failed: " + sum.error().describe(); }))
      expect((*sum)[0].i64() == n * (n + 1) / 2, [] { return "sum_to gave a wrong sum"; });
    report_.working_calls += stored_.size() + 4;
  }

  const Engine& engine_;
  const SharedModule& shared_;
  const int thread_;
  ThreadReport& report_;
  std::mt19937 random_;
  uint32_t round_ = 0;
  Step step_ = Step::Working;
  Store* store_ = nullptr;
  std::optional<Instance> instance_;
  int32_t salt_ = kSharedSalt;
  std::vector<int32_t> stored_;  // this round's words, at 8 + 4 * i
};

// A positive number from the environment, or `fallback` when unset; a bad value fails the test
// (which then stops before running any thread).
double settingFromEnvironment(const char* name, double fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (*end != '\0' || !(value > 0)) {
    ADD_FAILURE() << name << "=" << text << " is not a positive number";
    return fallback;
  }
  return value;
}

class ConcurrentStoresTest : public ::testing::TestWithParam<BoundsChecks> {};

TEST_P(ConcurrentStoresTest, ThreadsSeeOnlyTheirOwnTrapsAndResults) {
  const double seconds = settingFromEnvironment("WISP_STRESS_SECONDS", 5);
  const int thread_count = static_cast<int>(settingFromEnvironment("WISP_STRESS_THREADS", 4));
  Config config;
  config.bounds_checks = GetParam();
  const Engine engine(config);

  SharedModule shared;
  shared.bytes = watToWasm(kModule);
  ASSERT_FALSE(shared.bytes.empty());
  // Where the instructions are, found by their encodings, independently of the runtime.
  shared.salt_at = findUnique(shared.bytes, kSaltMarker);
  shared.call_recurse_at = findUnique(shared.bytes, {0x41, 0x01, 0x6a, 0x10, 0x01}) + 3;  // call 1
  shared.load_at = findUnique(shared.bytes, {0x20, 0x00, 0x28, 0x02, 0x08}) + 2;  // i32.load offset=8
  shared.call_load_at = findUnique(shared.bytes, {0x20, 0x00, 0x10, 0x02}) + 2;   // call 2
  shared.divide_at = findUnique(shared.bytes, {0x20, 0x00, 0x20, 0x01, 0x6d}) + 4;  // i32.div_s
  shared.call_check_at = findUnique(shared.bytes, {0x20, 0x00, 0x10, 0x00}) + 2;  // call 0
  ASSERT_FALSE(HasFailure());
  Result<Module> module = Module::compile(engine, shared.bytes);
  ASSERT_TRUE(module.ok()) << module.error().describe();
  shared.module = *module;

  std::vector<ThreadReport> reports(thread_count);
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] { ThreadWork(engine, shared, t, reports[t]).run(deadline); });
  }
  for (std::thread& thread : threads) thread.join();

  for (int t = 0; t < thread_count; ++t) {
    const ThreadReport& report = reports[t];
    for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
    EXPECT_GE(report.rounds, 1u) << "thread " << t << " finished no round";
    for (size_t kind = 0; kind < report.traps.size(); ++kind) {
      EXPECT_GE(report.traps[kind], report.rounds)
          << "thread " << t << " saw too few traps of step " << stepName(static_cast<Step>(kind));
    }
    std::printf("thread %d: %llu rounds, %llu own modules compiled, %llu working calls, traps: "
                "%llu out of bounds, %llu stack overflow, %llu divide by zero, %llu host\n",
                t, static_cast<unsigned long long>(report.rounds),
                static_cast<unsigned long long>(report.fresh_modules),
                static_cast<unsigned long long>(report.working_calls),
                static_cast<unsigned long long>(report.traps[0]),
                static_cast<unsigned long long>(report.traps[1]),
                static_cast<unsigned long long>(report.traps[2]),
                static_cast<unsigned long long>(report.traps[3]));
  }
}

INSTANTIATE_TEST_SUITE_P(BothBoundsChecks, ConcurrentStoresTest,
                         ::testing::Values(BoundsChecks::GuardRegion, BoundsChecks::Explicit),
                         [](const ::testing::TestParamInfo<BoundsChecks>& info) {
                           return info.param == BoundsChecks::GuardRegion ? "GuardRegion"
                                                                          : "ExplicitChecks";
                         });

}  // namespace
}  // namespace wisp::test
