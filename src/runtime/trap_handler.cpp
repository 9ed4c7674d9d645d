#include "runtime/trap_handler.h"

#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "runtime/alternate_signal_stack.h"
#include "runtime/backtrace.h"
#include "runtime/code_registry.h"
#include "runtime/stack_bounds.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "the trap handler reads x86-64 Linux signal contexts; port machineStateOf() first"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define WISP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WISP_ASAN 1
#endif
#endif
#if defined(WISP_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace wisp::runtime {

namespace {

constexpr int kHandledSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
constexpr size_t kHandledSignalCount = sizeof(kHandledSignals) / sizeof(kHandledSignals[0]);
// Deeper frames (runaway recursion) are dropped and the trap says so.
constexpr size_t kMaxBacktraceFrames = 1024;

struct sigaction g_previous_actions[kHandledSignalCount];

// One catchTraps on the stack. Lives in catchTrapsImpl's frame; the handler reaches it through
// t_innermost and only reads or writes plain fields.
struct Activation {
  sigjmp_buf jump_buffer;
  RuntimeLimits* limits = nullptr;
  Activation* previous = nullptr;  // the next older activation on this thread
  // catchTrapsImpl's frame: the wasm frames of this activation lie below it and above the
  // next newer activation's frame, which bounds the stack walk when entry SPs are missing.
  uintptr_t frame_address = 0;
  // The limits' fields at entry, restored at exit. For an older activation on the same limits
  // these are its wasm entry SP and exit FP/PC, which the stack walk needs.
  uintptr_t saved_stack_limit = 0;
  uintptr_t saved_entry_sp = 0;
  uintptr_t saved_exit_fp = 0;
  uintptr_t saved_exit_pc = 0;
  uintptr_t stack_low = 0;  // this thread's stack bottom (0 if unknown), for stack overflows

  // Filled by the handler or raiseTrap just before jumping here.
  TrapKind kind = TrapKind::Unreachable;
  uintptr_t trap_sp = 0;          // stack pointer at the trap
  RawBacktrace* backtrace = nullptr;  // the thread's buffer, cleared before each capture
  bool has_backtrace = false;
  std::optional<Trap> raised;     // set by raiseTrap(Trap&&) only
};

// Read by the signal handler: a plain pointer in initial-exec TLS, so the handler's access needs
// no lazy initialization and no allocation.
__attribute__((tls_model("initial-exec"))) thread_local Activation* t_innermost = nullptr;

// Everything else per thread, set up by the first catchTraps on the thread.
class ThreadTrapState {
 public:
  Result<void> prepare() {
    if (prepared_) return {};
    if (auto installed = alternate_stack_.ensureInstalled(); !installed) return installed;
    frames_ = std::make_unique<RawFrame[]>(kMaxBacktraceFrames);
    backtrace_.emplace(frames_.get(), kMaxBacktraceFrames);
    if (Result<StackBounds> bounds = currentThreadStackBounds()) {
      stack_low_ = bounds->low;
      stack_high_ = bounds->high;
      if (Result<uintptr_t> limit = computeStackLimit(*bounds)) {
        stack_limit_ = *limit;
      } else {
        // A small stack: keep half of what is left for the host rather than fail.
        const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
        stack_limit_ = bounds->low + (here - bounds->low) / 2;
      }
    }
    prepared_ = true;
    return {};
  }

  RawBacktrace* backtrace() { return &*backtrace_; }
  uintptr_t stackLow() const { return stack_low_; }
  // The limit for wasm entered at `sp`; 0 (none) when `sp` is not on the thread's own stack,
  // e.g. on a coroutine stack whose bounds only its owner knows.
  uintptr_t stackLimitFor(uintptr_t sp) const {
    return sp >= stack_low_ && sp < stack_high_ ? stack_limit_ : 0;
  }

 private:
  bool prepared_ = false;
  AlternateSignalStack alternate_stack_;
  std::unique_ptr<RawFrame[]> frames_;
  std::optional<RawBacktrace> backtrace_;
  uintptr_t stack_low_ = 0;  // 0, 0: unknown
  uintptr_t stack_high_ = 0;
  uintptr_t stack_limit_ = 0;
};

thread_local ThreadTrapState t_thread_state;

struct MachineState {
  uintptr_t pc;
  uintptr_t fp;
  uintptr_t sp;
};

MachineState machineStateOf(const ucontext_t& context) {
  const greg_t* registers = context.uc_mcontext.gregs;
  return {static_cast<uintptr_t>(registers[REG_RIP]), static_cast<uintptr_t>(registers[REG_RBP]),
          static_cast<uintptr_t>(registers[REG_RSP])};
}

inline uintptr_t currentStackPointer() {
  uintptr_t sp;
  asm volatile("mov %%rsp, %0" : "=r"(sp));
  return sp;
}

// The wasm entry SP and exit FP/PC of `activation`. They are in its limits while it is the
// newest activation on those limits; once a newer one on the same limits exists, that one's
// saved copy holds them (the closest such one to `activation`, which saved them last).
struct WasmState {
  uintptr_t entry_sp;
  uintptr_t exit_fp;
  uintptr_t exit_pc;
};

WasmState wasmStateOf(const Activation& activation, const Activation* innermost) noexcept {
  WasmState state{activation.limits->last_wasm_entry_sp, activation.limits->last_wasm_exit_fp,
                  activation.limits->last_wasm_exit_pc};
  for (const Activation* newer = innermost; newer != &activation; newer = newer->previous) {
    if (newer->limits == activation.limits) {
      state = {newer->saved_entry_sp, newer->saved_exit_fp, newer->saved_exit_pc};
    }
  }
  return state;
}

// Fills the innermost activation's backtrace with every activation's wasm frames, newest first.
// The newest stretch starts at (pc, fp); each older one at its activation's exit FP/PC.
void captureBacktrace(Activation& innermost, uintptr_t pc, bool pc_is_return_address,
                      uintptr_t fp, uintptr_t sp) noexcept {
  RawBacktrace& out = *innermost.backtrace;
  out.clear();
  innermost.has_backtrace = true;
  uintptr_t lower = sp;
  for (const Activation* activation = &innermost; activation != nullptr;
       activation = activation->previous) {
    const WasmState state = wasmStateOf(*activation, &innermost);
    if (activation != &innermost) {
      pc = state.exit_pc;
      fp = state.exit_fp;
      pc_is_return_address = true;
    }
    const uintptr_t upper = state.entry_sp != 0 ? state.entry_sp : activation->frame_address;
    if (pc != 0 && !captureWasmFrames(pc, pc_is_return_address, fp, lower, upper, out)) return;
    lower = activation->frame_address;
  }
}

bool looksLikeStackOverflow(uintptr_t fault_address, uintptr_t sp, uintptr_t stack_low) {
  constexpr uintptr_t kNearStackPointer = 64 * 1024;   // a push, call or frame store below rsp
  constexpr uintptr_t kGuardWindow = 1024 * 1024;      // glibc guard pages, Linux's stack gap
  if (fault_address + 4096 >= sp && fault_address < sp + kNearStackPointer) return true;
  return stack_low != 0 && fault_address < stack_low + 4096 && fault_address + kGuardWindow >= stack_low;
}

// The trap a fault at `state.pc` means, or nullopt if the fault is not a wasm trap.
std::optional<TrapKind> classifyFault(int signal, const siginfo_t& info, const MachineState& state,
                                      const Activation& activation) noexcept {
  if (info.si_code <= 0) return std::nullopt;  // sent by kill/raise/sigqueue, not a fault
  std::optional<RegisteredCode> code = lookupCode(state.pc);
  if (!code) return std::nullopt;
  const uint32_t offset = code->offsetOf(state.pc);
  if (const TrapSite* site = code->info->lookupTrap(offset)) return site->kind;
  // Trampolines share the module's code memory but are no wasm function: a fault there is a
  // host bug (e.g. a bad argument array), not a trap.
  if (code->info->lookupFunction(offset) == nullptr) return std::nullopt;
  switch (signal) {
    case SIGSEGV:
    case SIGBUS: {
      const auto address = reinterpret_cast<uintptr_t>(info.si_addr);
      return looksLikeStackOverflow(address, state.sp, activation.stack_low)
                 ? TrapKind::StackOverflow
                 : TrapKind::MemoryOutOfBounds;
    }
    case SIGFPE:
      // x86 raises #DE for both; Linux reports both as FPE_INTDIV, so code that relies on the
      // fault (rather than explicit checks) must register the idiv as a trap site.
      if (info.si_code == FPE_INTOVF) return TrapKind::IntegerOverflow;
      if (info.si_code == FPE_INTDIV) return TrapKind::IntegerDivideByZero;
      return std::nullopt;
    default:
      return std::nullopt;  // SIGILL without a trap site: a compiler bug
  }
}

void forwardToPreviousHandler(int signal, siginfo_t* info, void* context) {
  size_t slot = 0;
  while (slot < kHandledSignalCount && kHandledSignals[slot] != signal) ++slot;
  const struct sigaction& previous = g_previous_actions[slot];
  const bool sent = info->si_code <= 0;
  if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (!(previous.sa_flags & SA_SIGINFO) && previous.sa_handler != SIG_DFL &&
      previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  if (previous.sa_handler == SIG_IGN && sent) return;
  // Default action: restore it. Returning re-executes the faulting instruction, which now
  // kills the process (with a core dump) as it would have without Wisp; a sent signal is
  // raised again (SA_NODEFER: it is not blocked here, so it is delivered at once).
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal, &default_action, nullptr);
  if (sent) raise(signal);
}

void handleTrapSignal(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  Activation* activation = t_innermost;
  if (activation != nullptr) {
    const MachineState state = machineStateOf(*static_cast<const ucontext_t*>(context));
    if (std::optional<TrapKind> kind = classifyFault(signal, *info, state, *activation)) {
      activation->kind = *kind;
      activation->trap_sp = state.sp;
      captureBacktrace(*activation, state.pc, /*pc_is_return_address=*/false, state.fp, state.sp);
      errno = saved_errno;
      siglongjmp(activation->jump_buffer, 1);
    }
  }
  errno = saved_errno;
  forwardToPreviousHandler(signal, info, context);
}

Result<void> installHandlersOnce() {
  for (size_t i = 0; i < kHandledSignalCount; ++i) {
    // Read the previous action before replacing it, so a fault on another thread in between
    // never finds an unset "previous" entry.
    if (sigaction(kHandledSignals[i], nullptr, &g_previous_actions[i]) != 0) {
      return systemError("trap handler: sigaction query of signal " +
                             std::to_string(kHandledSignals[i]),
                         errno);
    }
    struct sigaction action {};
    action.sa_sigaction = handleTrapSignal;
    // SA_NODEFER: the handler leaves by siglongjmp without restoring the signal mask (sigsetjmp
    // with savemask 0 keeps catchTraps free of system calls), so the signal must not stay blocked.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (sigaction(kHandledSignals[i], &action, nullptr) != 0) {
      return systemError("trap handler: sigaction of signal " + std::to_string(kHandledSignals[i]),
                         errno);
    }
  }
  return {};
}

// Links the activation in on construction; unlinks it and restores the limits on destruction,
// whether the body returned, trapped, or threw.
class ActivationScope {
 public:
  ActivationScope(Activation& activation, RuntimeLimits& limits, ThreadTrapState& thread)
      : activation_(activation) {
    activation.limits = &limits;
    activation.previous = t_innermost;
    activation.saved_stack_limit = limits.stack_limit;
    activation.saved_entry_sp = limits.last_wasm_entry_sp;
    activation.saved_exit_fp = limits.last_wasm_exit_fp;
    activation.saved_exit_pc = limits.last_wasm_exit_pc;
    activation.stack_low = thread.stackLow();
    activation.backtrace = thread.backtrace();
    if (limits.stack_limit == 0) limits.stack_limit = thread.stackLimitFor(activation.frame_address);
    limits.last_wasm_entry_sp = 0;
    limits.last_wasm_exit_fp = 0;
    limits.last_wasm_exit_pc = 0;
    t_innermost = &activation;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  ~ActivationScope() {
    RuntimeLimits& limits = *activation_.limits;
    limits.stack_limit = activation_.saved_stack_limit;
    limits.last_wasm_entry_sp = activation_.saved_entry_sp;
    limits.last_wasm_exit_fp = activation_.saved_exit_fp;
    limits.last_wasm_exit_pc = activation_.saved_exit_pc;
    t_innermost = activation_.previous;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  ActivationScope(const ActivationScope&) = delete;
  ActivationScope& operator=(const ActivationScope&) = delete;

 private:
  Activation& activation_;
};

Trap trapOf(Activation& activation) {
  Trap trap;
  if (activation.raised) {
    trap = std::move(*activation.raised);
    activation.raised.reset();
  } else {
    trap = makeTrap(activation.kind);
  }
  if (trap.backtrace.empty() && activation.has_backtrace) {
    trap.backtrace = resolveBacktrace(*activation.backtrace);
    trap.backtrace_truncated = activation.backtrace->truncated();
  }
  return trap;
}

Trap hostErrorTrap(std::string message) {
  Trap trap = makeTrap(TrapKind::HostError);
  trap.message = std::move(message);
  return trap;
}

[[noreturn]] void jumpToInnermost(Activation& activation) {
  activation.trap_sp = currentStackPointer();
  siglongjmp(activation.jump_buffer, 1);
}

Activation& innermostOrAbort(const char* what) {
  Activation* activation = t_innermost;
  if (activation == nullptr) {
    std::fprintf(stderr, "wisp: %s outside catchTraps: nothing can catch the trap\n", what);
    std::abort();
  }
  return *activation;
}

// The backtrace of a trap raised by host code: wasm frames from the last exit to the host on.
void captureFromLastExit(Activation& activation) {
  const RuntimeLimits& limits = *activation.limits;
  captureBacktrace(activation, limits.last_wasm_exit_pc, /*pc_is_return_address=*/true,
                   limits.last_wasm_exit_fp, currentStackPointer());
}

}  // namespace

Result<void> installTrapHandlers() {
  static const Result<void> result = installHandlersOnce();
  return result;
}

bool insideCatchTraps() { return t_innermost != nullptr; }

namespace detail {

std::optional<Trap> catchTrapsImpl(RuntimeLimits& limits, void (*body)(void*), void* context) {
  if (Result<void> installed = installTrapHandlers(); !installed) {
    return hostErrorTrap("cannot catch traps: " + installed.error().message);
  }
  ThreadTrapState& thread = t_thread_state;
  if (Result<void> prepared = thread.prepare(); !prepared) {
    return hostErrorTrap("cannot catch traps on this thread: " + prepared.error().message);
  }

  Activation activation;
  activation.frame_address = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  ActivationScope scope(activation, limits, thread);
  // savemask 0: no sigprocmask system call per entry (see SA_NODEFER above).
  if (sigsetjmp(activation.jump_buffer, 0) == 0) {
    body(context);
    return std::nullopt;
  }
#if defined(WISP_ASAN)
  // The frames we jumped over may have left ASan redzones poisoned; ASan's own longjmp hook
  // cannot clear them when the jump starts on the alternate signal stack.
  const uintptr_t here = currentStackPointer();
  if (activation.trap_sp != 0 && activation.trap_sp < here) {
    __asan_unpoison_memory_region(reinterpret_cast<void*>(activation.trap_sp),
                                  here - activation.trap_sp);
  }
#endif
  return trapOf(activation);
}

}  // namespace detail

void raiseTrap(TrapKind kind) {
  Activation& activation = innermostOrAbort("raiseTrap");
  activation.kind = kind;
  captureFromLastExit(activation);
  jumpToInnermost(activation);
}

void raiseTrap(Trap&& trap) {
  Activation& activation = innermostOrAbort("raiseTrap");
  activation.kind = trap.kind;
  const bool needs_backtrace = trap.backtrace.empty();
  activation.raised = std::move(trap);
  if (needs_backtrace) captureFromLastExit(activation);
  jumpToInnermost(activation);
}

}  // namespace wisp::runtime
