// catchTraps end to end: generated code traps (ud2 at a trap site, a load past the end of a
// linear memory, stack overflow, idiv by zero), the handler turns the fault into a Trap with a
// backtrace, and the process keeps working. Nested activations, raiseTrap from host code, and
// faults that are not ours (which must still crash).
#include "runtime/trap_handler.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "jit_test_support.h"
#include "runtime/linear_memory.h"
#include "../death_test_style.h"

namespace wisp::runtime {
namespace {

using namespace asmjit;
using test::EntryFn;
using test::JitBuilder;
using test::LoadedCode;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

// Calls `target(arg0, arg1)` through the entry trampoline inside catchTraps.
struct Caller {
  RuntimeLimits* limits;
  EntryFn* entry;

  std::optional<Trap> run(uintptr_t target, uint64_t arg0 = 0, uint64_t arg1 = 0,
                          uint64_t* result = nullptr) const {
    return catchTraps(*limits, [&] {
      const uint64_t value = entry(limits, target, arg0, arg1);
      if (result != nullptr) *result = value;
    });
  }
};

class TrapHandlerTest : public ::testing::Test {
 protected:
  // Emits the entry trampoline plus whatever `emit` adds, and loads it.
  template <typename Emit>
  void load(Emit&& emit) {
    JitBuilder builder;
    Label entry = builder.newLabel();
    builder.emitEntryTrampoline(entry);
    emit(builder);
    code_ = builder.load();
    ASSERT_NE(code_, nullptr);
    caller_ = Caller{&limits_, reinterpret_cast<EntryFn*>(code_->address(entry))};
  }
  uintptr_t address(const Label& label) const { return code_->address(label); }

  RuntimeLimits limits_;
  std::unique_ptr<LoadedCode> code_;
  Caller caller_{};
};

// A function returning 42, to show the process still works after a trap.
void emitReturn42(JitBuilder& b, const Label& label, uint32_t index) {
  b.beginFunction(label, index, "forty_two");
  b.returnConstant(42);
  b.endFunction();
}

TEST_F(TrapHandlerTest, UnreachableAtTrapSiteGivesOneFrameBacktrace) {
  Label trapping, answer;
  load([&](JitBuilder& b) {
    trapping = b.newLabel();
    answer = b.newLabel();
    b.beginFunction(trapping, 0, "boom");
    b.wasmOffset(0x10);
    b.nop();
    b.emitTrap(TrapKind::Unreachable, 0x12);
    b.endFunction(/*emit_epilogue=*/false);
    emitReturn42(b, answer, 1);
  });

  std::optional<Trap> trap = caller_.run(address(trapping));
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::Unreachable);
  EXPECT_EQ(trap->message, "unreachable");
  ASSERT_EQ(trap->backtrace.size(), 1u) << trap->describe();
  EXPECT_EQ(trap->backtrace[0], (Frame{0, "boom", 0x12}));
  EXPECT_FALSE(trap->backtrace_truncated);
  EXPECT_FALSE(insideCatchTraps());

  uint64_t result = 0;
  EXPECT_FALSE(caller_.run(address(answer), 0, 0, &result).has_value());
  EXPECT_EQ(result, 42u);
}

TEST_F(TrapHandlerTest, LoadPastTheEndOfLinearMemoryIsOutOfBounds) {
  Result<LinearMemory> memory = LinearMemory::create({.initial_pages = 1, .maximum_pages = {}});
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  memory->base()[100] = 7;

  Label load_fn, answer;
  load([&](JitBuilder& b) {
    load_fn = b.newLabel();
    answer = b.newLabel();
    // load(index, offset): u8 at base + zero-extended index + offset, as compiled code does it.
    b.beginFunction(load_fn, 0, "load");
    b.loadByte(memory->base(), 0x20);
    b.endFunction();
    emitReturn42(b, answer, 1);
  });

  uint64_t value = 0;
  EXPECT_FALSE(caller_.run(address(load_fn), 100, 0, &value).has_value());
  EXPECT_EQ(value, 7u);

  const uint64_t out_of_bounds[][2] = {
      {65536, 0},                    // first byte past the end
      {65535, 1},                    // index in bounds, offset past it
      {0xFFFFFFFF, 0},               // the largest i32 index
      {0xFFFFFFFF, 0xFFFFFFFF},      // the largest effective address: base + 2^33 - 2
      {0x80000000, 0x7FFFFFFF},
  };
  for (const auto& [index, offset] : out_of_bounds) {
    std::optional<Trap> trap = caller_.run(address(load_fn), index, offset);
    ASSERT_TRUE(trap.has_value()) << index << "+" << offset;
    EXPECT_EQ(trap->kind, TrapKind::MemoryOutOfBounds);
    EXPECT_EQ(trap->message, "out of bounds memory access");
    ASSERT_EQ(trap->backtrace.size(), 1u);
    EXPECT_EQ(trap->backtrace[0], (Frame{0, "load", 0x20}));
  }

  for (int i = 0; i < 5; ++i) {
    uint64_t result = 0;
    EXPECT_FALSE(caller_.run(address(answer), 0, 0, &result).has_value());
    EXPECT_EQ(result, 42u);
  }
}

TEST_F(TrapHandlerTest, ManyTrapsInARowLeaveTheThreadUsable) {
  Label trapping, answer;
  load([&](JitBuilder& b) {
    trapping = b.newLabel();
    answer = b.newLabel();
    b.beginFunction(trapping, 0, "boom");
    b.emitTrap(TrapKind::IntegerOverflow, 3);
    b.endFunction(false);
    emitReturn42(b, answer, 1);
  });
  for (int i = 0; i < 2000; ++i) {
    std::optional<Trap> trap = caller_.run(address(trapping));
    ASSERT_TRUE(trap.has_value());
    ASSERT_EQ(trap->kind, TrapKind::IntegerOverflow);
  }
  uint64_t result = 0;
  EXPECT_FALSE(caller_.run(address(answer), 0, 0, &result).has_value());
  EXPECT_EQ(result, 42u);
  EXPECT_FALSE(insideCatchTraps()) << "every entry left the thread's chain";
}

TEST_F(TrapHandlerTest, BacktraceOfThreeNestedFunctionsIsInnermostFirst) {
  Label f0, f1, f2;
  load([&](JitBuilder& b) {
    f0 = b.newLabel();
    f1 = b.newLabel();
    f2 = b.newLabel();
    b.beginFunction(f0, 0, "outer");
    b.wasmOffset(0x31);
    b.call(f1);
    b.endFunction();
    b.beginFunction(f1, 1, "middle");
    b.wasmOffset(0x40);
    b.nop();
    b.wasmOffset(0x41);
    b.call(f2);
    b.wasmOffset(0x42);
    b.nop();
    b.endFunction();
    b.beginFunction(f2, 2, "inner");
    b.reserveStack(32);  // a frame with locals must not confuse the walk
    b.emitTrap(TrapKind::Unreachable, 0x52);
    b.endFunction(false);
  });

  std::optional<Trap> trap = caller_.run(address(f0));
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::Unreachable);
  const std::vector<Frame> expected = {{2, "inner", 0x52}, {1, "middle", 0x41}, {0, "outer", 0x31}};
  EXPECT_EQ(trap->backtrace, expected) << trap->describe();
}

TEST_F(TrapHandlerTest, FaultWithoutTrapSiteInWasmCodeMapsSignals) {
#if defined(__aarch64__)
  GTEST_SKIP() << "AArch64's division does not fault: compiled code checks the divisor";
#else
  Label divide;
  load([&](JitBuilder& b) {
    divide = b.newLabel();
    b.beginFunction(divide, 0, "div");
    b.as().mov(x86::rax, x86::rdi);
    b.as().cqo();
    b.wasmOffset(0x70);
    b.as().idiv(x86::rsi);
    b.endFunction();
  });
  uint64_t result = 0;
  EXPECT_FALSE(caller_.run(address(divide), 84, 2, &result).has_value());
  EXPECT_EQ(result, 42u);
  std::optional<Trap> trap = caller_.run(address(divide), 1, 0);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(trap->message, "integer divide by zero");
  ASSERT_EQ(trap->backtrace.size(), 1u);
  EXPECT_EQ(trap->backtrace[0].wasm_offset, 0x70u);
#endif
}

// Recursion with the prologue stack check the compiler will emit.
TEST_F(TrapHandlerTest, StackCheckInPrologueTrapsWithStackOverflow) {
  Label recurse, overflow;
  load([&](JitBuilder& b) {
    recurse = b.newLabel();
    overflow = b.newLabel();
    b.beginFunction(recurse, 5, "recurse");
    b.checkStack(&limits_, overflow);
    b.wasmOffset(0x60);
    b.call(recurse);
    b.returnNow();
    b.as().bind(overflow);
    b.emitTrap(TrapKind::StackOverflow, 0x5f);
    b.endFunction(false);
  });

  // A limit of our own: catchTraps keeps a non-zero one.
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  limits_.stack_limit = here - 256 * 1024;
  std::optional<Trap> trap = caller_.run(address(recurse));
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::StackOverflow);
  EXPECT_EQ(trap->message, "call stack exhausted");
  ASSERT_FALSE(trap->backtrace.empty());
  EXPECT_EQ(trap->backtrace[0], (Frame{5, "recurse", 0x5f}));
  EXPECT_EQ(trap->backtrace[1], (Frame{5, "recurse", 0x60}));
  EXPECT_TRUE(trap->backtrace_truncated);  // ~16k frames, more than the buffer holds
  EXPECT_EQ(limits_.stack_limit, here - 256 * 1024);

  // With no limit set, catchTraps derives one from the thread's stack, and leaves it for the
  // next entry.
  limits_.stack_limit = 0;
  trap = caller_.run(address(recurse));
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::StackOverflow);
  EXPECT_NE(limits_.stack_limit, 0u);
  EXPECT_LT(limits_.stack_limit, here);
  EXPECT_EQ(limits_.stack_limit_from_thread, RuntimeLimits::kThreadsLimit);
}

TEST_F(TrapHandlerTest, StackLimitIsTheThreadsAndStaysForTheNextEntry) {
  uintptr_t seen = 0;
  EXPECT_FALSE(catchTraps(limits_, [&] { seen = limits_.stack_limit; }).has_value());
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  EXPECT_NE(seen, 0u);
  EXPECT_LT(seen, here);
  EXPECT_EQ(limits_.stack_limit, seen);

  // Another thread's entry takes its own stack's limit.
  uintptr_t seen_there = 0, there = 0;
  std::thread([&] {
    EXPECT_FALSE(catchTraps(limits_, [&] {
      seen_there = limits_.stack_limit;
      there = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    }).has_value());
  }).join();
  EXPECT_NE(seen_there, 0u);
  EXPECT_NE(seen_there, seen);
  EXPECT_LT(seen_there, there);

  // And back here, ours again.
  EXPECT_FALSE(catchTraps(limits_, [&] { seen = limits_.stack_limit; }).has_value());
  EXPECT_LT(seen, here);
  EXPECT_GT(here - seen, 0u);
  EXPECT_NE(seen, seen_there);
}

// On a stack that is not the thread's (a coroutine's), an entry runs with no limit and puts
// back what it found; an entry on the thread's stack inside it puts the "none" back too.
struct OtherStackRun {
  RuntimeLimits* limits;
  ucontext_t thread_context, coroutine_context;
  uintptr_t seen_on_coroutine = 1, seen_on_thread_inside = 0, seen_after_inner = 1;
};
OtherStackRun* g_other_stack = nullptr;

void runOnOtherStack() {
  OtherStackRun& run = *g_other_stack;
  EXPECT_FALSE(catchTraps(*run.limits, [&] {
    run.seen_on_coroutine = run.limits->stack_limit;
    swapcontext(&run.coroutine_context, &run.thread_context);  // the thread's stack, inside
    run.seen_after_inner = run.limits->stack_limit;
  }).has_value());
}

TEST_F(TrapHandlerTest, EntryOnAnotherStackRunsWithNoLimitAndPutsBackTheThreads) {
  EXPECT_FALSE(catchTraps(limits_, [] {}).has_value());
  const uintptr_t threads = limits_.stack_limit;
  ASSERT_NE(threads, 0u);

  OtherStackRun run{};
  run.limits = &limits_;
  g_other_stack = &run;
  std::vector<char> stack(256 * 1024);
  getcontext(&run.coroutine_context);
  run.coroutine_context.uc_stack.ss_sp = stack.data();
  run.coroutine_context.uc_stack.ss_size = stack.size();
  run.coroutine_context.uc_link = &run.thread_context;
  makecontext(&run.coroutine_context, runOnOtherStack, 0);
  swapcontext(&run.thread_context, &run.coroutine_context);
  // Back on the thread's stack while the coroutine's entry runs.
  EXPECT_FALSE(catchTraps(limits_, [&] { run.seen_on_thread_inside = limits_.stack_limit; })
                   .has_value());
  swapcontext(&run.thread_context, &run.coroutine_context);  // the coroutine finishes
  g_other_stack = nullptr;

  EXPECT_EQ(run.seen_on_coroutine, 0u);
  EXPECT_EQ(run.seen_on_thread_inside, threads);
  EXPECT_EQ(run.seen_after_inner, 0u);
  EXPECT_EQ(limits_.stack_limit, threads);
  EXPECT_FALSE(insideCatchTraps());
}

// Recursion without a stack check runs into the guard page: the handler, on its alternate
// stack, still reports a StackOverflow.
struct GuardPageRun {
  RuntimeLimits* limits;
  EntryFn* entry;
  uintptr_t target;
  std::optional<Trap> trap;
};

void* runUntilGuardPage(void* argument) {
  auto* run = static_cast<GuardPageRun*>(argument);
  run->trap = Caller{run->limits, run->entry}.run(run->target);
  return nullptr;
}

TEST_F(TrapHandlerTest, GuardPageHitInWasmCodeIsStackOverflow) {
  Label recurse;
  load([&](JitBuilder& b) {
    recurse = b.newLabel();
    b.beginFunction(recurse, 3, "unchecked");
    b.wasmOffset(0x90);
    b.call(recurse);
    b.endFunction();
  });
  GuardPageRun run{&limits_, caller_.entry, address(recurse), std::nullopt};
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 512 * 1024);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attributes, runUntilGuardPage, &run), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);

  ASSERT_TRUE(run.trap.has_value());
  EXPECT_EQ(run.trap->kind, TrapKind::StackOverflow) << run.trap->describe();
  ASSERT_FALSE(run.trap->backtrace.empty());
  EXPECT_EQ(run.trap->backtrace[0].function_index, 3u);
}

// --- Nested activations: wasm A calls the host through an exit trampoline; the host enters
// wasm B, which traps, in a catchTraps of its own.

enum class InnerTrapHandling { Swallow, ReRaise, RaiseNewTrap };

struct NestedScenario {
  Caller caller;
  Caller inner_caller;  // the same limits as `caller`, or another store's
  uintptr_t inner_target = 0;
  InnerTrapHandling handling = InnerTrapHandling::Swallow;
  std::optional<Trap> inner_trap;  // what the inner catchTraps returned
  bool outer_exit_state_restored = false;
};
NestedScenario* g_nested = nullptr;

// Called from generated code (through the exit trampoline) with no arguments.
uint64_t hostEntersWasmAgain() {
  NestedScenario& scenario = *g_nested;
  const EntryRecord* outer = innermostEntry();
  const uintptr_t outer_exit_fp = outer != nullptr ? outer->exit_fp : 0;
  const uintptr_t outer_exit_sp = outer != nullptr ? outer->exit_sp : 0;
  std::optional<Trap> trap = scenario.inner_caller.run(scenario.inner_target);
  scenario.outer_exit_state_restored = outer_exit_sp != 0 && innermostEntry() == outer &&
                                       outer->exit_fp == outer_exit_fp &&
                                       outer->exit_sp == outer_exit_sp;
  switch (scenario.handling) {
    case InnerTrapHandling::Swallow:
      scenario.inner_trap = std::move(trap);
      break;
    case InnerTrapHandling::ReRaise:
      if (trap) raiseTrap(std::move(*trap));  // moved-from: nothing left to leak
      break;
    case InnerTrapHandling::RaiseNewTrap:
      trap.reset();  // raiseTrap skips this frame's destructors
      raiseTrap(TrapKind::TableOutOfBounds);
  }
  return 1000;
}

class NestedActivationTest : public TrapHandlerTest {
 protected:
  void SetUp() override {
    load([&](JitBuilder& b) {
      outer_ = b.newLabel();
      inner_ = b.newLabel();
      Label to_host = b.newLabel();
      b.emitExitTrampoline(to_host, reinterpret_cast<const void*>(&hostEntersWasmAgain));
      // outer: return host() + 7
      b.beginFunction(outer_, 0, "outer");
      b.wasmOffset(0x30);
      b.call(to_host);
      b.wasmOffset(0x35);
      b.addToResult(7);
      b.endFunction();
      b.beginFunction(inner_, 1, "inner");
      b.emitTrap(TrapKind::Unreachable, 0x44);
      b.endFunction(false);
    });
    scenario_.caller = caller_;
    scenario_.inner_caller = caller_;
    scenario_.inner_target = address(inner_);
    g_nested = &scenario_;
  }
  void TearDown() override { g_nested = nullptr; }

  Label outer_, inner_;
  NestedScenario scenario_;
};

const std::vector<Frame> kInnerTrapBacktrace = {{1, "inner", 0x44}, {0, "outer", 0x30}};

TEST_F(NestedActivationTest, InnerTrapGoesToInnerEntryAndOuterCallFinishes) {
  scenario_.handling = InnerTrapHandling::Swallow;
  uint64_t result = 0;
  std::optional<Trap> outer_trap = caller_.run(address(outer_), 0, 0, &result);
  EXPECT_FALSE(outer_trap.has_value()) << outer_trap->describe();
  EXPECT_EQ(result, 1007u);
  ASSERT_TRUE(scenario_.inner_trap.has_value());
  EXPECT_EQ(scenario_.inner_trap->kind, TrapKind::Unreachable);
  // The backtrace crosses the host frames: inner wasm, then outer wasm at its call to the host.
  EXPECT_EQ(scenario_.inner_trap->backtrace, kInnerTrapBacktrace)
      << scenario_.inner_trap->describe();
  EXPECT_TRUE(scenario_.outer_exit_state_restored);
  EXPECT_FALSE(insideCatchTraps());
}

TEST_F(NestedActivationTest, InnerActivationOnOtherLimitsStillWalksTheOuterFrames) {
  RuntimeLimits other_store_limits;
  scenario_.inner_caller = Caller{&other_store_limits, caller_.entry};
  scenario_.handling = InnerTrapHandling::Swallow;
  uint64_t result = 0;
  EXPECT_FALSE(caller_.run(address(outer_), 0, 0, &result).has_value());
  EXPECT_EQ(result, 1007u);
  ASSERT_TRUE(scenario_.inner_trap.has_value());
  EXPECT_EQ(scenario_.inner_trap->backtrace, kInnerTrapBacktrace)
      << scenario_.inner_trap->describe();
  EXPECT_FALSE(insideCatchTraps());
}

TEST_F(NestedActivationTest, HostReRaisesInnerTrapToOuterEntry) {
  scenario_.handling = InnerTrapHandling::ReRaise;
  std::optional<Trap> trap = caller_.run(address(outer_));
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::Unreachable);
  EXPECT_EQ(trap->backtrace, kInnerTrapBacktrace) << trap->describe();
  EXPECT_FALSE(insideCatchTraps());

  scenario_.handling = InnerTrapHandling::Swallow;  // and everything still works
  uint64_t result = 0;
  EXPECT_FALSE(caller_.run(address(outer_), 0, 0, &result).has_value());
  EXPECT_EQ(result, 1007u);
}

TEST_F(NestedActivationTest, RaiseTrapFromHostCodeStartsAtTheLastExit) {
  scenario_.handling = InnerTrapHandling::RaiseNewTrap;
  std::optional<Trap> trap = caller_.run(address(outer_));
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::TableOutOfBounds);
  EXPECT_EQ(trap->message, "out of bounds table access");
  EXPECT_EQ(trap->backtrace, (std::vector<Frame>{{0, "outer", 0x30}})) << trap->describe();
}

TEST(RaiseTrap, FromPlainHostBodyHasNoWasmFrames) {
  RuntimeLimits limits;
  std::optional<Trap> trap = catchTraps(limits, [] { raiseTrap(TrapKind::OutOfFuel); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::OutOfFuel);
  EXPECT_TRUE(trap->backtrace.empty());

  Trap custom = makeTrap(TrapKind::HostError);
  custom.message = "host function failed: file not found";
  trap = catchTraps(limits, [&] { raiseTrap(std::move(custom)); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->kind, TrapKind::HostError);
  EXPECT_EQ(trap->message, "host function failed: file not found");
}

// Traps on several threads at once, while another thread registers and unregisters code.
TEST_F(TrapHandlerTest, ConcurrentTrapsOnSeveralThreads) {
  Label trapping;
  load([&](JitBuilder& b) {
    trapping = b.newLabel();
    b.beginFunction(trapping, 0, "boom");
    b.emitTrap(TrapKind::Unreachable, 1);
    b.endFunction(false);
  });
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    CodeInfo info;
    info.addFunction({0, 0, 16, "churn"});
    ASSERT_TRUE(info.finish().ok());
    static char fake_code[64];
    while (!stop.load()) {
      auto begin = reinterpret_cast<uintptr_t>(fake_code);
      ASSERT_TRUE(registerCode(begin, begin + sizeof fake_code, &info).ok());
      ASSERT_TRUE(unregisterCode(begin));
    }
  });
  std::vector<std::thread> threads;
  std::atomic<int> traps{0};
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      RuntimeLimits limits;
      Caller caller{&limits, caller_.entry};
      for (int i = 0; i < 300; ++i) {
        std::optional<Trap> trap = caller.run(address(trapping));
        if (trap && trap->kind == TrapKind::Unreachable && trap->backtrace.size() == 1) ++traps;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  stop = true;
  churn.join();
  EXPECT_EQ(traps.load(), 900);
}

// --- Faults that are not ours still crash.

void faultInHostCode() {
  // A PROT_NONE page rather than a null pointer, so UBSan does not intercept the store first.
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *static_cast<volatile int*>(page) = 1;
}

// How a fault that is not ours must end the process: killed by the original signal through the
// default action, or, under ASan, by ASan's handler (which we chain to) reporting and exiting.
std::function<bool(int)> diedOf(int signal_number) {
  return [signal_number](int status) {
    if (WIFSIGNALED(status)) return WTERMSIG(status) == signal_number;
    return kAsan && WIFEXITED(status) && WEXITSTATUS(status) != 0;
  };
}
#define EXPECT_DIES_WITH_SIGNAL(statement, signal_number) \
  EXPECT_EXIT(statement, diedOf(signal_number), "")

TEST(TrapHandlerDeathTest, FaultOutsideWasmCodeIsNotSwallowed) {
  wisp::test::useThreadsafeDeathTests();
  ASSERT_TRUE(installTrapHandlers().ok());
  EXPECT_DIES_WITH_SIGNAL(faultInHostCode(), SIGSEGV);
}

TEST(TrapHandlerDeathTest, FaultInHostCodeInsideCatchTrapsIsNotSwallowed) {
  wisp::test::useThreadsafeDeathTests();
  EXPECT_DIES_WITH_SIGNAL(
      {
        RuntimeLimits limits;
        catchTraps(limits, [] { faultInHostCode(); });
      },
      SIGSEGV);
}

// A SIGBUS sent to the thread while it runs wasm code (tgkill straight from generated code, so
// the signal arrives with the PC in wasm) is no fault: it must keep its default action.
TEST_F(TrapHandlerTest, SentSignalInWasmCodeIsNotMistakenForATrap) {
  wisp::test::useThreadsafeDeathTests();
  EXPECT_DIES_WITH_SIGNAL(
      {
        Label send;
        load([&](JitBuilder& b) {
          send = b.newLabel();
          b.beginFunction(send, 0, "send_signal");
          b.sendSignalToThisThread(SIGBUS);
          b.endFunction();
        });
        caller_.run(address(send));
      },
      SIGBUS);
}

TEST_F(TrapHandlerTest, IllegalInstructionWithoutTrapSiteCrashes) {
  wisp::test::useThreadsafeDeathTests();
  Label buggy;
  load([&](JitBuilder& b) {
    buggy = b.newLabel();
    b.beginFunction(buggy, 0, "compiler_bug");
    b.illegalInstruction();  // no trap site registered
    b.endFunction(false);
  });
  EXPECT_DIES_WITH_SIGNAL(caller_.run(address(buggy)), SIGILL);
}

}  // namespace
}  // namespace wisp::runtime
