// What the trap handler needs from the machine: the registers of an interrupted context, how to
// resume it elsewhere, the thread pointer, and two small routines that no C++ can express (an
// entry for any host body, and the jump to a landing pad). One implementation per ISA and OS:
// trap_handler_x64.cpp is x86-64 Linux's, trap_handler_a64.cpp AArch64 Linux's.
#pragma once

#include <cstdint>

#include "runtime/runtime_limits.h"

namespace wisp::runtime::machine {

struct MachineState {
  uintptr_t pc;
  uintptr_t fp;
  uintptr_t sp;
};

// The interrupted registers of a signal's context (the handler's third argument).
MachineState stateOf(const void* signal_context);
// Makes the signal's context resume at `pc` with the stack pointer `sp` (an entry's landing pad,
// see landingStackPointer): when the handler returns, the thread continues there.
void resumeAtLandingPad(void* signal_context, uintptr_t pc, uintptr_t sp);

uintptr_t threadPointer();

#if defined(__x86_64__)
inline uintptr_t currentStackPointer() {
  uintptr_t sp;
  asm volatile("mov %%rsp, %0" : "=r"(sp));
  return sp;
}
#elif defined(__aarch64__)
inline uintptr_t currentStackPointer() {
  uintptr_t sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  return sp;
}
#endif

}  // namespace wisp::runtime::machine

extern "C" {
// Saves the callee-saved registers, records its stack pointer and landing pad in `entry`, and
// calls body(context): EntryStatus::Returned when the body returned, Trapped when a trap
// resumed at the landing pad. The caller links and unlinks the entry.
wisp::runtime::EntryStatus wisp_enter_with_landing_pad(wisp::runtime::EntryRecord* entry,
                                                       void (*body)(void*), void* context);
// Resumes at an entry's landing pad `pc` with the stack pointer `sp` (the pad finds its frame
// pointer); never returns.
[[noreturn]] void wisp_jump_to_landing_pad(uintptr_t pc, uintptr_t sp);
// The landing pad of wisp_enter_with_landing_pad, the one entry that resumes with the stack
// pointer it recorded (EntryRecord::sp).
void wisp_enter_landing();
// Resumes at a wasm landing pad of exception handling: `pc`, with the catching frame's `fp`
// and the exception in isa::target::kCaughtExceptionGp. The stack pointer stays below the
// frame; the landing pad puts it back from the frame pointer. Never returns.
[[noreturn]] void wisp_resume_at_handler(uintptr_t pc, uintptr_t fp, void* exception);
}
