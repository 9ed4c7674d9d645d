// AArch64 Linux: ucontext registers, the thread pointer, and the routines of
// trap_handler_machine.h in assembly.
#include <ucontext.h>

#include "runtime/trap_handler_machine.h"

#if !defined(__aarch64__) || !defined(__linux__)
#error "trap_handler_a64.cpp reads AArch64 Linux signal contexts"
#endif

namespace wisp::runtime::machine {

MachineState stateOf(const void* signal_context) {
  const mcontext_t& m = static_cast<const ucontext_t*>(signal_context)->uc_mcontext;
  return {static_cast<uintptr_t>(m.pc), static_cast<uintptr_t>(m.regs[29]),
          static_cast<uintptr_t>(m.sp)};
}

void resumeAtLandingPad(void* signal_context, uintptr_t pc, uintptr_t sp) {
  mcontext_t& m = static_cast<ucontext_t*>(signal_context)->uc_mcontext;
  m.pc = pc;
  m.sp = sp;
}

uintptr_t threadPointer() { return reinterpret_cast<uintptr_t>(__builtin_thread_pointer()); }

}  // namespace wisp::runtime::machine

// The offsets the assembly below hard-codes.
static_assert(wisp::runtime::EntryRecord::kSpOffset == 24);
static_assert(wisp::runtime::EntryRecord::kLandingPcOffset == 8);
static_assert(static_cast<int>(wisp::runtime::EntryStatus::Trapped) == 1);

// The frame: the frame record, x19-x28 above it, d8-d15 below (a trap skips the epilogues of
// the host frames it leaves, so the entry restores every register AAPCS64 makes callee-saved).
// The landing pad is entered with the stack pointer as at the call (the record's sp, 64 bytes
// below the frame pointer) and finds its frame pointer from it.
asm(R"(
  .text
  .p2align 4
  .globl wisp_enter_with_landing_pad
  .hidden wisp_enter_with_landing_pad
  .type wisp_enter_with_landing_pad, %function
wisp_enter_with_landing_pad:
  .cfi_startproc
  stp x29, x30, [sp, #-96]!
  .cfi_def_cfa_offset 96
  .cfi_offset x29, -96
  .cfi_offset x30, -88
  mov x29, sp
  .cfi_def_cfa x29, 96
  stp x19, x20, [sp, #16]
  stp x21, x22, [sp, #32]
  stp x23, x24, [sp, #48]
  stp x25, x26, [sp, #64]
  stp x27, x28, [sp, #80]
  .cfi_offset x19, -80
  .cfi_offset x20, -72
  .cfi_offset x21, -64
  .cfi_offset x22, -56
  .cfi_offset x23, -48
  .cfi_offset x24, -40
  .cfi_offset x25, -32
  .cfi_offset x26, -24
  .cfi_offset x27, -16
  .cfi_offset x28, -8
  sub sp, sp, #64
  stp d8, d9, [sp]
  stp d10, d11, [sp, #16]
  stp d12, d13, [sp, #32]
  stp d14, d15, [sp, #48]
  mov x3, sp
  str x3, [x0, #24]
  adr x3, .Lwisp_enter_landing
  str x3, [x0, #8]
  mov x0, x2
  blr x1
  mov x0, #0
.Lwisp_enter_leave:
  sub sp, x29, #64
  ldp d8, d9, [sp]
  ldp d10, d11, [sp, #16]
  ldp d12, d13, [sp, #32]
  ldp d14, d15, [sp, #48]
  mov sp, x29
  ldp x19, x20, [sp, #16]
  ldp x21, x22, [sp, #32]
  ldp x23, x24, [sp, #48]
  ldp x25, x26, [sp, #64]
  ldp x27, x28, [sp, #80]
  ldp x29, x30, [sp], #96
  ret
  .globl wisp_enter_landing
  .hidden wisp_enter_landing
wisp_enter_landing:
.Lwisp_enter_landing:
  add x29, sp, #64
  mov x0, #1
  b .Lwisp_enter_leave
  .cfi_endproc
  .size wisp_enter_with_landing_pad, .-wisp_enter_with_landing_pad

  .p2align 4
  .globl wisp_jump_to_landing_pad
  .hidden wisp_jump_to_landing_pad
  .type wisp_jump_to_landing_pad, %function
wisp_jump_to_landing_pad:
  .cfi_startproc
  mov sp, x1
  br x0
  .cfi_endproc
  .size wisp_jump_to_landing_pad, .-wisp_jump_to_landing_pad

  .p2align 4
  .globl wisp_resume_at_handler
  .hidden wisp_resume_at_handler
  .type wisp_resume_at_handler, %function
wisp_resume_at_handler:
  .cfi_startproc
  mov x16, x0
  mov x29, x1
  mov x0, x2
  br x16
  .cfi_endproc
  .size wisp_resume_at_handler, .-wisp_resume_at_handler
)");
