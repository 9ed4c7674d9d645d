// Catching traps: the one place where the host enters wasm and gets a Trap back instead of a
// crash.
//
//   std::optional<Trap> trap = catchTraps(limits, [&] { entry_trampoline(callee, args); });
//
// catchTraps pushes an activation on a per-thread list (entries nest: host -> wasm -> host ->
// wasm), records a jump point (sigsetjmp), runs the body and pops the activation. A trap ends
// the body early and lands back in the innermost catchTraps:
//  - a fault in registered wasm code (code_registry.h): the signal handler maps the faulting
//    PC to a trap kind (the trap site registered at that PC, e.g. a ud2; otherwise SIGSEGV or
//    SIGBUS means an out-of-bounds memory access, or stack overflow when the fault address is
//    at the end of the thread's stack; SIGFPE means an integer divide by zero or overflow),
//    walks the wasm frames, and jumps to the activation;
//  - raiseTrap(), called by host code (builtins, imports) running inside the body.
// A fault anywhere else is not ours: the previous handler runs (or the default action, which
// re-raises the fault and kills the process exactly as it would without Wisp). So is SIGILL in
// wasm code with no trap site registered: that is a compiler bug, and should crash loudly.
//
// Contract with compiled code and trampolines (see runtime_limits.h):
//  - The body should be a single call into wasm through a host-to-wasm trampoline that stores
//    the stack pointer at its call into RuntimeLimits::last_wasm_entry_sp; a wasm-to-host
//    trampoline stores last_wasm_exit_fp/pc. catchTraps saves these fields on entry, clears
//    them, and restores them on exit, so nested activations on the same limits each see their
//    own values and a backtrace can walk every activation's wasm frames.
//  - If limits.stack_limit is 0, the outermost catchTraps on the limits sets it from the
//    thread's stack (stack_bounds.h; only when running on that stack, not on a coroutine's)
//    and resets it to 0 on exit.
//  - Jumping out (siglongjmp) skips the destructors of everything between the trap and the
//    catchTraps: wasm frames have none, and host code that can trap (a builtin calling
//    raiseTrap) must not hold objects that own resources across the call.
// Signals are handled on a per-thread alternate stack (alternate_signal_stack.h), so a thread
// that overflowed its stack still reports the trap. x86-64 Linux only for now.
#pragma once

#include <optional>
#include <type_traits>

#include "runtime/result.h"
#include "runtime/runtime_limits.h"
#include "runtime/trap.h"

namespace wisp::runtime {

// Installs the handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE, once per process (thread-safe;
// later calls return the first result). catchTraps calls it, so calling it is optional.
Result<void> installTrapHandlers();

namespace detail {
std::optional<Trap> catchTrapsImpl(RuntimeLimits& limits, void (*body)(void*), void* context);
}  // namespace detail

// Runs `body`; returns the trap that ended it, or nullopt when it returned normally. If this
// thread cannot catch traps (handlers or the alternate stack could not be set up), the body
// does not run and the result is a HostError trap saying why.
template <typename Body>
std::optional<Trap> catchTraps(RuntimeLimits& limits, Body&& body) {
  static_assert(std::is_invocable_v<Body&>, "catchTraps runs body()");
  using BodyType = std::remove_reference_t<Body>;
  return detail::catchTrapsImpl(
      limits, [](void* context) { (*static_cast<BodyType*>(context))(); },
      const_cast<void*>(static_cast<const void*>(&body)));
}

// Ends the innermost catchTraps on this thread with a trap of `kind`; the backtrace starts at
// the wasm frame that last called out to the host (last_wasm_exit_fp/pc). For builtins and host
// functions called from compiled code. Outside any catchTraps it aborts with a message.
[[noreturn]] void raiseTrap(TrapKind kind);
// Re-raises an existing trap (e.g. one an inner catchTraps returned) to the innermost catchTraps,
// keeping its message and backtrace; an empty backtrace is captured as for raiseTrap(kind).
// Takes an rvalue: the caller's copy is never destroyed, so it must be moved-from.
[[noreturn]] void raiseTrap(Trap&& trap);

// True while the calling thread is inside catchTraps.
bool insideCatchTraps();

}  // namespace wisp::runtime
