// Tiny hand-assembled "wasm" functions for the runtime tests: asmjit emits them into a
// CodeMemory, a CodeInfo describes them (function ranges, trap sites, address map), and the code
// registry knows them, just as the compiler will arrange for real modules. For the host's ISA
// (x86-64 or AArch64): the operations below are written for both, so the tests are too.
//
// Conventions: every generated function keeps a frame record (push rbp; mov rbp, rsp, or stp
// x29, x30) and uses the host's C calling convention, so C++ can call it through the generated
// entry trampoline; "the arguments" and "the result" are that convention's first two integer
// parameters and its integer result.
#pragma once

#if defined(__aarch64__)
#include <asmjit/arm.h>
#include <asmjit/arm/a64assembler.h>
#else
#include <asmjit/x86.h>
#endif

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/code_info.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"
#include "runtime/runtime_limits.h"

namespace wisp::runtime::test {

// Published, registered code. Unregisters and unmaps on destruction.
struct LoadedCode {
  CodeInfo info;
  CodeMemory memory;
  CodeRegistration registration;
  std::unique_ptr<asmjit::CodeHolder> holder;  // kept for label offsets

  uintptr_t address(const asmjit::Label& label) const {
    return memory.begin() + holder->labelOffset(label);
  }
};

// entry(limits, target, arg0, arg1): stores rsp into the thread's innermost entry record (that
// of the catchTraps around the call) as the host-to-wasm trampolines do, then calls
// target(arg0, arg1). `limits` is not read.
using EntryFn = uint64_t(RuntimeLimits* limits, uintptr_t target, uint64_t arg0, uint64_t arg1);

#if defined(__aarch64__)
using HostAssembler = asmjit::a64::Assembler;
#else
using HostAssembler = asmjit::x86::Assembler;
#endif

class JitBuilder {
 public:
  JitBuilder();

  HostAssembler& as() { return assembler_; }
  asmjit::Label newLabel() { return assembler_.newLabel(); }
  uint32_t offset() const { return static_cast<uint32_t>(assembler_.offset()); }

  // Binds `label` and emits `push rbp; mov rbp, rsp`; the function runs until endFunction().
  void beginFunction(const asmjit::Label& label, uint32_t function_index, std::string name);
  // Emits `pop rbp; ret` (unless `emit_epilogue` is false) and closes the function's range.
  void endFunction(bool emit_epilogue = true);
  // The next instruction traps on purpose with `kind` for the wasm instruction at wasm_offset.
  void trapSite(TrapKind kind, uint32_t wasm_offset);
  // The code from here on belongs to the wasm instruction at wasm_offset.
  void wasmOffset(uint32_t wasm_offset);
  // `ud2` (udf on AArch64) registered as a trap site.
  void emitTrap(TrapKind kind, uint32_t wasm_offset);

  // ---- operations, for either ISA ----
  void nop();
  void call(const asmjit::Label& label);
  void returnConstant(uint32_t value);  // the result = value
  void addToResult(int32_t value);      // the result += value (after a call)
  // Moves the stack pointer down by `bytes` (a multiple of 16), as a frame with locals does.
  void reserveStack(uint32_t bytes);
  // The result = base[uint32(first argument) + second argument], the load as compiled code does
  // it, mapped to `wasm_offset`; with base nullptr, the result = *(uint8_t*)first argument.
  void loadByte(const uint8_t* base, uint32_t wasm_offset);
  // The prologue's stack check the compiler emits: to `overflow` when the stack pointer is
  // below `limits`' stack limit.
  void checkStack(const RuntimeLimits* limits, const asmjit::Label& overflow);
  // Returns from the function here (its frame record popped), ahead of endFunction().
  void returnNow();
  // Sends `signal` to this thread straight from the generated code (tgkill), so that it
  // arrives with the PC in it.
  void sendSignalToThisThread(int signal);
  // An illegal instruction that is no trap site (a compiler bug).
  void illegalInstruction();

  // The host-to-wasm entry trampoline (EntryFn); not a wasm function, not in the CodeInfo.
  void emitEntryTrampoline(const asmjit::Label& label);
  // A wasm-to-host trampoline: records its caller in the innermost entry (exit_fp/sp), as the
  // wasm-to-native trampolines do, then calls `host` with the same arguments.
  void emitExitTrampoline(const asmjit::Label& label, const void* host);

  // Finishes the CodeInfo, copies the code into CodeMemory, publishes and registers it.
  std::unique_ptr<LoadedCode> load();

 private:
  std::unique_ptr<asmjit::CodeHolder> holder_;
  HostAssembler assembler_;
  CodeInfo info_;
  FunctionCode current_;
  std::string current_name_;  // current_.name's text, until addFunction copies it
  bool in_function_ = false;
};

}  // namespace wisp::runtime::test
