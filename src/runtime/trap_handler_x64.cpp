// x86-64 Linux: ucontext registers, the thread pointer, and the two routines of
// trap_handler_machine.h in assembly.
#include <ucontext.h>

#include "isa/masm.h"
#include "runtime/trap_handler_machine.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "trap_handler_x64.cpp reads x86-64 Linux signal contexts"
#endif

namespace wisp::runtime::machine {

MachineState stateOf(const void* signal_context) {
  const greg_t* registers = static_cast<const ucontext_t*>(signal_context)->uc_mcontext.gregs;
  return {static_cast<uintptr_t>(registers[REG_RIP]), static_cast<uintptr_t>(registers[REG_RBP]),
          static_cast<uintptr_t>(registers[REG_RSP])};
}

void resumeAtLandingPad(void* signal_context, uintptr_t pc, uintptr_t sp) {
  greg_t* registers = static_cast<ucontext_t*>(signal_context)->uc_mcontext.gregs;
  registers[REG_RIP] = static_cast<greg_t>(pc);
  registers[REG_RSP] = static_cast<greg_t>(sp);
}

uintptr_t threadPointer() { return reinterpret_cast<uintptr_t>(__builtin_thread_pointer()); }

}  // namespace wisp::runtime::machine

// The offsets the assembly below hard-codes.
static_assert(wisp::runtime::EntryRecord::kSpOffset == 24);
static_assert(wisp::runtime::EntryRecord::kLandingPcOffset == 8);  // wisp_enter_with_landing_pad
static_assert(static_cast<int>(wisp::runtime::EntryStatus::Trapped) == 1);
// wisp_resume_at_handler hands the exception over in rax, System V's return register (a
// cross-target build's compiler has another ISA's roles: nothing to check then).
#if defined(WISP_TARGET_X86_64)
static_assert(wisp::isa::target::kCaughtExceptionGp ==
              wisp::isa::target::kHostConvention.gp_results[0]);
#endif

// The frame is the trampolines' (rbp, then rbx, r12-r15), with CFI so that debuggers and C++
// exceptions thrown by the body unwind through it. The landing pad is entered with the stack
// pointer as at the call (the record's sp) and finds its frame pointer from it, 48 bytes up.
asm(R"(
  .text
  .p2align 4
  .globl wisp_enter_with_landing_pad
  .hidden wisp_enter_with_landing_pad
  .type wisp_enter_with_landing_pad, @function
wisp_enter_with_landing_pad:
  .cfi_startproc
  push %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  mov %rsp, %rbp
  .cfi_def_cfa_register %rbp
  push %rbx
  .cfi_offset %rbx, -24
  push %r12
  .cfi_offset %r12, -32
  push %r13
  .cfi_offset %r13, -40
  push %r14
  .cfi_offset %r14, -48
  push %r15
  .cfi_offset %r15, -56
  sub $8, %rsp
  mov %rsp, 24(%rdi)
  lea .Lwisp_enter_landing(%rip), %rax
  mov %rax, 8(%rdi)
  mov %rdx, %rdi
  call *%rsi
  xor %eax, %eax
.Lwisp_enter_leave:
  lea -40(%rbp), %rsp
  pop %r15
  pop %r14
  pop %r13
  pop %r12
  pop %rbx
  pop %rbp
  .cfi_def_cfa %rsp, 8
  ret
  .globl wisp_enter_landing
  .hidden wisp_enter_landing
wisp_enter_landing:
.Lwisp_enter_landing:
  .cfi_def_cfa %rsp, 64
  lea 48(%rsp), %rbp
  .cfi_def_cfa %rbp, 16
  mov $1, %eax
  jmp .Lwisp_enter_leave
  .cfi_endproc
  .size wisp_enter_with_landing_pad, .-wisp_enter_with_landing_pad

  .p2align 4
  .globl wisp_jump_to_landing_pad
  .hidden wisp_jump_to_landing_pad
  .type wisp_jump_to_landing_pad, @function
wisp_jump_to_landing_pad:
  .cfi_startproc
  mov %rsi, %rsp
  jmp *%rdi
  .cfi_endproc
  .size wisp_jump_to_landing_pad, .-wisp_jump_to_landing_pad

  .p2align 4
  .globl wisp_resume_at_handler
  .hidden wisp_resume_at_handler
  .type wisp_resume_at_handler, @function
wisp_resume_at_handler:
  .cfi_startproc
  mov %rsi, %rbp
  mov %rdx, %rax
  jmp *%rdi
  .cfi_endproc
  .size wisp_resume_at_handler, .-wisp_resume_at_handler
)");
