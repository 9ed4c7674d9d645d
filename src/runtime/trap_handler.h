// Catching traps: how a call from the host into wasm comes back with a Trap instead of a crash.
//
// Every entry into wasm catches traps. The host-to-wasm trampolines (trampoline/trampolines.h)
// are the entries the API uses; catchTraps() below is one for any host body (runtime code and
// tests). An entry
//  - fills an EntryRecord in its own frame (its stack pointer, frame pointer and landing pad)
//    and makes it the head of this thread's chain (ThreadEntryState::innermost, read through
//    the thread pointer);
//  - on the way out, by return or by trap, puts the previous head back.
// No setjmp, nothing per call in C++, and nothing saved in the store's RuntimeLimits: what is
// particular to an activation is in its record, so nesting needs no saving of shared state.
// A trap ends the innermost entry, which returns EntryStatus::Trapped; takeTrap() then gives the
// Trap (kind, message, wasm backtrace), recorded before the landing:
//  - a fault in registered wasm code (code_registry.h): the signal handler maps the faulting
//    PC to a trap kind (the trap site registered at that PC, e.g. a ud2; otherwise SIGSEGV or
//    SIGBUS means an out-of-bounds memory access, or stack overflow when the fault address is
//    at the end of the thread's stack; SIGFPE means an integer divide by zero or overflow),
//    walks the wasm frames, records the trap, rewrites the interrupted context to the landing
//    pad (pc, sp, fp of the innermost entry's record) and returns: the kernel restores the signal mask
//    and leaves the alternate signal stack as it does for any handler;
//  - a host function called from wasm records the trap (recordTrap) and returns a non-zero
//    status to its wasm-to-host trampoline, which jumps to the landing pad: the host's own
//    frames have all returned, so their destructors ran;
//  - raiseTrap(), for host code that must leave at once (wisp::trap()): records the trap and
//    resumes at the landing pad directly, skipping the frames in between without running their
//    destructors (as longjmp would, though nothing was saved for it at the entry).
// A fault anywhere else is not ours: the previous handler runs, with the signal mask it asked
// for (or the default action, which re-raises the fault and kills the process exactly as it
// would without Wisp). So is SIGILL in wasm code with no trap site registered: that is a
// compiler bug, and should crash loudly.
//
// Preparation, once: installTrapHandlers() per process (each Engine asks at creation), and
// prepareThread() per thread (alternate signal stack, stack bounds, backtrace buffer). An entry
// on a thread not prepared yet runs nothing and returns EntryStatus::ThreadNotReady; the caller
// prepares the thread and calls again.
//
// Stack limit: unless the embedder set one, an entry on the thread's stack makes
// limits.stack_limit the thread's (stack_bounds.h), where it stays for the next entry from the
// same thread and stack, which only reads it; an entry on another stack (a coroutine's) runs
// with none and puts back what it found (see RuntimeLimits::stack_limit). Signals are handled
// on a per-thread alternate stack (alternate_signal_stack.h),
// so a thread that overflowed its stack still reports the trap. x86-64 Linux only for now.
#pragma once

#include <optional>
#include <type_traits>

#include "runtime/result.h"
#include "runtime/runtime_limits.h"
#include "runtime/trap.h"

namespace wisp::runtime {

// Installs the handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE, once per process (thread-safe;
// later calls return the first result).
Result<void> installTrapHandlers();

// Makes the calling thread able to run wasm: the handlers, an alternate signal stack, its
// stack bounds and backtrace buffer. Cheap after the first call on a thread.
Result<void> prepareThread();

// The offset of this thread's ThreadEntryState from the thread pointer: the same on every
// thread (initial-exec TLS), so the trampolines address it as a constant.
int32_t threadEntryStateOffset();

// The trap that ended the innermost entry with EntryStatus::Trapped, exactly once per trap.
Trap takeTrap();

// For host code called from wasm that is about to return a trapped status to its wasm-to-host
// trampoline: records the trap for takeTrap(), with a backtrace from the wasm frame that last
// called out to the host (EntryRecord::exit_fp/sp). A trap that already has a backtrace (one an
// inner entry returned, passed on) keeps it.
void recordTrap(Trap&& trap);

namespace detail {
std::optional<Trap> catchTrapsImpl(RuntimeLimits& limits, void (*body)(void*), void* context);
}  // namespace detail

// Runs `body` as an entry on `limits`; returns the trap that ended it, or nullopt when it
// returned normally. If this thread cannot catch traps (handlers or the alternate stack could
// not be set up), the body does not run and the result is a HostError trap saying why.
template <typename Body>
std::optional<Trap> catchTraps(RuntimeLimits& limits, Body&& body) {
  static_assert(std::is_invocable_v<Body&>, "catchTraps runs body()");
  using BodyType = std::remove_reference_t<Body>;
  return detail::catchTrapsImpl(
      limits, [](void* context) { (*static_cast<BodyType*>(context))(); },
      const_cast<void*>(static_cast<const void*>(&body)));
}

// Ends the innermost entry on this thread with a trap of `kind` at once; the backtrace starts
// at the wasm frame that last called out to the host (EntryRecord::exit_fp/sp). Outside any entry
// it aborts with a message.
[[noreturn]] void raiseTrap(TrapKind kind);
// Raises an existing trap (e.g. one an inner entry returned), keeping its message and
// backtrace; an empty backtrace is captured as for raiseTrap(kind). Takes an rvalue: the
// caller's copy is never destroyed, so it must be moved-from.
[[noreturn]] void raiseTrap(Trap&& trap);

// For host code called from wasm that recorded a trap (recordTrap) and returns no status: ends
// the innermost entry with it at once, as the wasm-to-host trampolines do on a trapped status
// (they call this). A recorded UncaughtException trap is an exception the host function
// throws: it is thrown on from the wasm frame that called the host (throwWasmException).
// Every host frame in between must own nothing (they are not unwound).
[[noreturn]] void resumeAtInnermostLandingPad();

// Exception handling. Throws `exception` (a VMException of the store) from the wasm frame with
// frame pointer `fp` whose call returned to `pc`: resumes at the landing pad of the innermost
// handler among this activation's wasm frames (CodeInfo::lookupHandler of each return address
// up the frame chain), else ends the innermost entry with an UncaughtException trap carrying
// the exception and a backtrace from the throw. The frames in between must own nothing.
[[noreturn]] void throwWasmException(void* exception, uintptr_t pc, uintptr_t fp);

// True while the calling thread is inside an entry into wasm (or catchTraps).
bool insideCatchTraps();
// The calling thread's innermost entry, or null outside any.
const EntryRecord* innermostEntry();

}  // namespace wisp::runtime
