#include "runtime/trap_handler.h"

#include <pthread.h>
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
#include "runtime/externs.h"
#include "runtime/stack_bounds.h"
#include "runtime/trap_handler_machine.h"

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

using machine::currentStackPointer;
using machine::MachineState;

constexpr int kHandledSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
constexpr size_t kHandledSignalCount = sizeof(kHandledSignals) / sizeof(kHandledSignals[0]);
// Deeper frames (runaway recursion) are dropped and the trap says so.
constexpr size_t kMaxBacktraceFrames = 1024;

struct sigaction g_previous_actions[kHandledSignalCount];

// Read by the trampolines through the thread pointer and by the signal handler: plain data in
// initial-exec TLS, so neither needs lazy initialization or allocation to reach it.
__attribute__((tls_model("initial-exec"))) constinit thread_local ThreadEntryState t_entry{};

// The trap on its way from where it happened to takeTrap(), written by the handler (so plain
// data too) and by host code.
struct TrapRecord {
  TrapKind kind = TrapKind::Unreachable;
  bool has_backtrace = false;
  uintptr_t trap_sp = 0;               // the stack pointer at the trap, for ASan
  RawBacktrace* backtrace = nullptr;   // the thread's buffer, cleared before each capture
};
__attribute__((tls_model("initial-exec"))) constinit thread_local TrapRecord t_trap{};

// Everything else per thread, set up by prepareThread().
class ThreadTrapState {
 public:
  Result<void> prepare() {
    if (prepared_) return {};
    if (auto installed = alternate_stack_.ensureInstalled(); !installed) return installed;
    frames_ = std::make_unique<RawFrame[]>(kMaxBacktraceFrames);
    backtrace_.emplace(frames_.get(), kMaxBacktraceFrames);
    t_trap.backtrace = &*backtrace_;
    if (Result<StackBounds> bounds = currentThreadStackBounds()) {
      t_entry.stack_low = bounds->low;
      if (Result<uintptr_t> limit = computeStackLimit(*bounds)) {
        t_entry.stack_limit = *limit;
      } else {
        // A small stack: keep half of what is left for the host rather than fail.
        const uintptr_t here = currentStackPointer();
        t_entry.stack_limit = bounds->low + (here - bounds->low) / 2;
      }
      // Last: a non-zero size tells the entries the thread is ready (see ThreadEntryState).
      std::atomic_signal_fence(std::memory_order_seq_cst);
      t_entry.stack_size = bounds->high - bounds->low;
    }
    prepared_ = true;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_entry.ready = 1;
    return {};
  }
  ~ThreadTrapState() {
    t_entry.ready = 0;
    t_entry.stack_size = 0;
    t_trap.backtrace = nullptr;
  }

  // Set by recordTrap and raiseTrap(Trap&&): a trap with a message of its own.
  std::optional<Trap> raised;

 private:
  bool prepared_ = false;
  AlternateSignalStack alternate_stack_;
  std::unique_ptr<RawFrame[]> frames_;
  std::optional<RawBacktrace> backtrace_;
};

thread_local ThreadTrapState t_thread_state;

// The wasm frame that called out to the host last in `entry`'s activation: its frame pointer
// and pc (the return address the call out pushed, in place while that host code runs).
struct WasmExit {
  uintptr_t fp = 0;
  uintptr_t pc = 0;
};

// The stack pointer an entry's landing pad resumes with: the one catchTraps' entry recorded,
// or, for a trampoline's, the place right below its record (EntryRecord::sp).
uintptr_t landingStackPointer(const EntryRecord& entry) noexcept {
  if (entry.landing_pc == reinterpret_cast<uintptr_t>(&wisp_enter_landing)) return entry.sp;
  return reinterpret_cast<uintptr_t>(&entry) - kLandingSpBelowEntryRecord;
}

[[noreturn]] void jumpToLandingPad(const EntryRecord& entry) {
  wisp_jump_to_landing_pad(entry.landing_pc, landingStackPointer(entry));
}

WasmExit exitOf(const EntryRecord& entry) noexcept {
  if (entry.exit_sp == 0) return {};
  return {entry.exit_fp, *reinterpret_cast<const uintptr_t*>(entry.exit_sp)};
}

// Fills the thread's backtrace with every activation's wasm frames, newest first. The newest
// stretch starts at (pc, fp); each older one at its activation's exit. Each activation's frames
// lie below its entry's record and above the next newer entry's.
void captureBacktrace(const EntryRecord& innermost, uintptr_t pc, bool pc_is_return_address,
                      uintptr_t fp, uintptr_t sp) noexcept {
  if (t_trap.backtrace == nullptr) return;
  RawBacktrace& out = *t_trap.backtrace;
  out.clear();
  t_trap.has_backtrace = true;
  uintptr_t lower = sp;
  for (const EntryRecord* entry = &innermost; entry != nullptr; entry = entry->previous) {
    if (entry != &innermost) {
      const WasmExit exit = exitOf(*entry);
      pc = exit.pc;
      fp = exit.fp;
      pc_is_return_address = true;
    }
    const auto record_address = reinterpret_cast<uintptr_t>(entry);
    const uintptr_t upper = record_address;
    if (pc != 0 && !captureWasmFrames(pc, pc_is_return_address, fp, lower, upper, out)) return;
    lower = record_address;
  }
}

bool looksLikeStackOverflow(uintptr_t fault_address, uintptr_t sp, uintptr_t stack_low) {
  constexpr uintptr_t kNearStackPointer = 64 * 1024;   // a push, call or frame store below rsp
  constexpr uintptr_t kGuardWindow = 1024 * 1024;      // glibc guard pages, Linux's stack gap
  if (fault_address + 4096 >= sp && fault_address < sp + kNearStackPointer) return true;
  return stack_low != 0 && fault_address < stack_low + 4096 && fault_address + kGuardWindow >= stack_low;
}

// The trap a fault at `state.pc` means, or nullopt if the fault is not a wasm trap.
std::optional<TrapKind> classifyFault(int signal, const siginfo_t& info,
                                      const MachineState& state) noexcept {
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
      return looksLikeStackOverflow(address, state.sp, t_entry.stack_low)
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
  const bool has_handler = (previous.sa_flags & SA_SIGINFO)
                               ? previous.sa_sigaction != nullptr
                               : previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN;
  if (has_handler) {
    // Run it with the mask its own sigaction would have given it (the kernel applied ours), so a
    // handler installed with SA_NODEFER that leaves by siglongjmp does not leave the signal
    // blocked.
    sigset_t mask = static_cast<const ucontext_t*>(context)->uc_sigmask;
    for (int s = 1; s < NSIG; ++s) {
      if (sigismember(&previous.sa_mask, s) == 1) sigaddset(&mask, s);
    }
    if (!(previous.sa_flags & SA_NODEFER)) sigaddset(&mask, signal);
    pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    if (previous.sa_flags & SA_SIGINFO) previous.sa_sigaction(signal, info, context);
    else previous.sa_handler(signal);
    return;
  }
  if (previous.sa_handler == SIG_IGN && sent) return;
  // Default action: restore it. Returning re-executes the faulting instruction, which now
  // kills the process (with a core dump) as it would have without Wisp; a sent signal is
  // raised again, and delivered when the handler returns and the mask is restored.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(signal, &default_action, nullptr);
  if (sent) raise(signal);
}

void handleTrapSignal(int signal, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  const EntryRecord* innermost = t_entry.innermost;
  if (innermost != nullptr) {
    const MachineState state = machine::stateOf(context);
    if (std::optional<TrapKind> kind = classifyFault(signal, *info, state)) {
      t_trap.kind = *kind;
      t_trap.trap_sp = state.sp;
      captureBacktrace(*innermost, state.pc, /*pc_is_return_address=*/false, state.fp, state.sp);
      // Returning resumes at the landing pad: the kernel puts back the signal mask of the
      // interrupted code and, the stack pointer being off the alternate stack, leaves it.
      machine::resumeAtLandingPad(context, innermost->landing_pc, landingStackPointer(*innermost));
      errno = saved_errno;
      return;
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
    // The handler returns (to the landing pad or to the fault), so the kernel's own mask
    // handling is right: no SA_NODEFER.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    if (sigaction(kHandledSignals[i], &action, nullptr) != 0) {
      return systemError("trap handler: sigaction of signal " + std::to_string(kHandledSignals[i]),
                         errno);
    }
  }
  return {};
}

// The stack limit for an entry at `sp` on `limits` (see RuntimeLimits::stack_limit); what the
// host-to-wasm trampolines do in their code.
void enterStackLimit(RuntimeLimits& limits, EntryRecord& record, uintptr_t sp) {
  record.restores_stack_limit = nullptr;
  const auto save = [&] {
    record.restores_stack_limit = &limits;
    record.saved_stack_limit = limits.stack_limit;
    record.saved_stack_limit_from_thread = limits.stack_limit_from_thread;
  };
  if (limits.stack_limit_from_thread == RuntimeLimits::kEmbedders && limits.stack_limit != 0)
    return;
  if (sp - t_entry.stack_low < t_entry.stack_size) {
    if (limits.stack_limit_from_thread == RuntimeLimits::kNoLimitOnOtherStack) save();
    limits.stack_limit = t_entry.stack_limit;
    limits.stack_limit_from_thread = RuntimeLimits::kThreadsLimit;
    return;
  }
  save();
  limits.stack_limit = 0;
  limits.stack_limit_from_thread = RuntimeLimits::kNoLimitOnOtherStack;
}

void leaveStackLimit(const EntryRecord& record) {
  if (RuntimeLimits* limits = record.restores_stack_limit) {
    limits->stack_limit = record.saved_stack_limit;
    limits->stack_limit_from_thread = record.saved_stack_limit_from_thread;
  }
}

// Links `record` as the innermost entry (its sp and landing pad are the assembly's to
// fill) with the stack limit set, and undoes what is the entry's own whether the body
// returned, trapped, or threw.
class EntryScope {
 public:
  EntryScope(EntryRecord& record, RuntimeLimits& limits) : record_(record) {
    record.previous = t_entry.innermost;
    record.sp = 0;
    record.landing_pc = 0;
    // A body of host code has no wasm exit yet: a backtrace taken in it has no newest stretch.
    record.exit_fp = 0;
    record.exit_sp = 0;
    enterStackLimit(limits, record, currentStackPointer());
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_entry.innermost = &record;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  ~EntryScope() {
    leaveStackLimit(record_);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_entry.innermost = record_.previous;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  EntryScope(const EntryScope&) = delete;
  EntryScope& operator=(const EntryScope&) = delete;

 private:
  EntryRecord& record_;
};

Trap hostErrorTrap(std::string message) {
  Trap trap = makeTrap(TrapKind::HostError);
  trap.message = std::move(message);
  return trap;
}

const EntryRecord& innermostOrAbort(const char* what) {
  const EntryRecord* innermost = t_entry.innermost;
  if (innermost == nullptr) {
    std::fprintf(stderr, "wisp: %s outside any call into wasm: nothing can catch the trap\n", what);
    std::abort();
  }
  return *innermost;
}

// The backtrace of a trap raised by host code: wasm frames from the last exit to the host on.
void captureFromLastExit(const EntryRecord& innermost) {
  const WasmExit exit = exitOf(innermost);
  captureBacktrace(innermost, exit.pc, /*pc_is_return_address=*/true, exit.fp,
                   currentStackPointer());
}

void recordFromHost(const EntryRecord& innermost, Trap&& trap) {
  t_trap.kind = trap.kind;
  t_trap.has_backtrace = false;
  t_trap.trap_sp = currentStackPointer();
  const bool needs_backtrace = trap.backtrace.empty();
  t_thread_state.raised = std::move(trap);
  if (needs_backtrace) captureFromLastExit(innermost);
}

}  // namespace

Result<void> installTrapHandlers() {
  static const Result<void> result = installHandlersOnce();
  return result;
}

Result<void> prepareThread() {
  if (t_entry.ready) return {};
  if (Result<void> installed = installTrapHandlers(); !installed) {
    return Error{"cannot catch traps: " + installed.error().message};
  }
  if (Result<void> prepared = t_thread_state.prepare(); !prepared) {
    return Error{"cannot catch traps on this thread: " + prepared.error().message};
  }
  return {};
}

int32_t threadEntryStateOffset() {
  static const int32_t offset = [] {
    const auto delta = static_cast<intptr_t>(reinterpret_cast<uintptr_t>(&t_entry) -
                                             machine::threadPointer());
    if (delta < INT32_MIN || delta > INT32_MAX) {
      std::fprintf(stderr, "wisp: the thread entry state is out of reach of the thread pointer\n");
      std::abort();
    }
    return static_cast<int32_t>(delta);
  }();
  return offset;
}

bool insideCatchTraps() { return t_entry.innermost != nullptr; }
const EntryRecord* innermostEntry() { return t_entry.innermost; }

Trap takeTrap() {
#if defined(WISP_ASAN)
  // The frames the landing skipped may have left ASan redzones poisoned; ASan cannot know that
  // they are gone.
  const uintptr_t here = currentStackPointer();
  if (t_trap.trap_sp != 0 && t_trap.trap_sp < here) {
    __asan_unpoison_memory_region(reinterpret_cast<void*>(t_trap.trap_sp), here - t_trap.trap_sp);
  }
#endif
  ThreadTrapState& thread = t_thread_state;
  Trap trap;
  if (thread.raised) {
    trap = std::move(*thread.raised);
    thread.raised.reset();
  } else {
    trap = makeTrap(t_trap.kind);
  }
  if (trap.backtrace.empty() && t_trap.has_backtrace && t_trap.backtrace != nullptr) {
    trap.backtrace = resolveBacktrace(*t_trap.backtrace);
    trap.backtrace_truncated = t_trap.backtrace->truncated();
  }
  t_trap.has_backtrace = false;
  t_trap.trap_sp = 0;
  return trap;
}

void recordTrap(Trap&& trap) { recordFromHost(innermostOrAbort("recordTrap"), std::move(trap)); }

namespace detail {

std::optional<Trap> catchTrapsImpl(RuntimeLimits& limits, void (*body)(void*), void* context) {
  if (Result<void> prepared = prepareThread(); !prepared) {
    return hostErrorTrap(prepared.error().message);
  }
  EntryStatus status;
  {
    EntryRecord record;
    EntryScope scope(record, limits);
    status = wisp_enter_with_landing_pad(&record, body, context);
  }
  if (status == EntryStatus::Returned) return std::nullopt;
  return takeTrap();
}

}  // namespace detail

void raiseTrap(TrapKind kind) {
  const EntryRecord& innermost = innermostOrAbort("raiseTrap");
  t_trap.kind = kind;
  t_trap.trap_sp = currentStackPointer();
  t_thread_state.raised.reset();
  captureFromLastExit(innermost);
  jumpToLandingPad(innermost);
}

void resumeAtInnermostLandingPad() {
  const EntryRecord& innermost = innermostOrAbort("resumeAtInnermostLandingPad");
  std::optional<Trap>& raised = t_thread_state.raised;
  if (raised && raised->kind == TrapKind::UncaughtException && raised->exception != nullptr) {
    void* exception = raised->exception;
    raised.reset();
    t_trap.has_backtrace = false;
    const WasmExit exit = exitOf(innermost);
    throwWasmException(exception, exit.pc, exit.fp);
  }
  jumpToLandingPad(innermost);
}

void throwWasmException(void* exception, uintptr_t pc, uintptr_t fp) {
  const EntryRecord& innermost = innermostOrAbort("throwing an exception");
  const uintptr_t sp = currentStackPointer();
  const uintptr_t upper = reinterpret_cast<uintptr_t>(&innermost);
  // Up the frame-pointer chain while it stays in this activation's wasm frames (the rules of
  // captureWasmFrames: increasing, aligned, below the entry).
  uintptr_t frame_pc = pc;
  uintptr_t frame_fp = fp;
  while (frame_pc != 0 && lookupFunctionCode(frame_pc - 1) != nullptr) {
    const std::optional<RegisteredCode> code = lookupCode(frame_pc - 1);
    if (const std::optional<uint32_t> landing = code->info->lookupHandler(code->offsetOf(frame_pc))) {
#if defined(WISP_ASAN)
      // The host frames skipped (this one's included) may leave redzones poisoned.
      __asan_unpoison_memory_region(reinterpret_cast<void*>(sp), frame_fp - sp);
#endif
      wisp_resume_at_handler(code->begin + *landing, frame_fp, exception);
    }
    if (frame_fp < sp || frame_fp + 16 > upper || (frame_fp & 7) != 0) break;
    const auto* record = reinterpret_cast<const uintptr_t*>(frame_fp);
    if (record[0] <= frame_fp) break;
    frame_pc = record[1];
    frame_fp = record[0];
  }
  {
    Trap trap = makeTrap(TrapKind::UncaughtException);
    const TagInstance& tag = *static_cast<VMException*>(exception)->tag;
    trap.message = "uncaught exception: tag " + tag.name() + " " + tag.type().toString();
    trap.exception = exception;
    t_trap.kind = TrapKind::UncaughtException;
    t_trap.trap_sp = sp;
    t_thread_state.raised = std::move(trap);
  }
  captureBacktrace(innermost, pc, /*pc_is_return_address=*/true, fp, sp);
  jumpToLandingPad(innermost);
}

void raiseTrap(Trap&& trap) {
  const EntryRecord& innermost = innermostOrAbort("raiseTrap");
  recordFromHost(innermost, std::move(trap));
  jumpToLandingPad(innermost);
}

}  // namespace wisp::runtime
