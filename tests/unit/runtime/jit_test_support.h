// Tiny hand-assembled "wasm" functions for the runtime tests: asmjit emits them into a
// CodeMemory, a CodeInfo describes them (function ranges, trap sites, address map), and the code
// registry knows them, just as the compiler will arrange for real modules.
//
// Conventions: every generated function keeps a frame pointer (push rbp; mov rbp, rsp) and uses
// the SysV calling convention, so C++ can call it through the generated entry trampoline.
#pragma once

#include <asmjit/x86.h>

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

class JitBuilder {
 public:
  JitBuilder();

  asmjit::x86::Assembler& as() { return assembler_; }
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
  // `ud2` registered as a trap site.
  void emitTrap(TrapKind kind, uint32_t wasm_offset);

  // The host-to-wasm entry trampoline (EntryFn); not a wasm function, not in the CodeInfo.
  void emitEntryTrampoline(const asmjit::Label& label);
  // A wasm-to-host trampoline: records its caller in the innermost entry (exit_fp/sp), as the
  // wasm-to-native trampolines do, then calls `host` with the same arguments.
  void emitExitTrampoline(const asmjit::Label& label, const void* host);

  // Finishes the CodeInfo, copies the code into CodeMemory, publishes and registers it.
  std::unique_ptr<LoadedCode> load();

 private:
  std::unique_ptr<asmjit::CodeHolder> holder_;
  asmjit::x86::Assembler assembler_;
  CodeInfo info_;
  FunctionCode current_;
  std::string current_name_;  // current_.name's text, until addFunction copies it
  bool in_function_ = false;
};

}  // namespace wisp::runtime::test
