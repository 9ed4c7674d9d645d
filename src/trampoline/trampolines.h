// The crossings between host and guest (../shared/seed/trampoline.rs), generated per signature
// through the MacroAssembler and cached per engine:
//  - array-to-wasm: the host calls any wasm function with its arguments in an array of ValRaw;
//    the results come back in the same array:
//      EntryStatus trampoline(VMContext* callee_vmctx, void* callee_code, ValRaw* values)
//  - native-to-wasm: the host calls with the platform C convention and real parameter types,
//    and gets the status next to the result, as the C struct {R value; uint64_t status} (a bare
//    status for no result):
//      {R, status} trampoline(VMContext* callee_vmctx, void* callee_code, Params...)
//    With a v128 result that struct is too big for registers and comes back through memory
//    the caller provides, as the C convention has it (value, then status: kV128Result*).
//  - wasm-to-array: wasm calls a dynamic host function (VMHostFuncContext::callback is an
//    ArrayCallback).
//  - wasm-to-native: wasm calls a typed host function (callback takes
//    (VMHostFuncContext*, Params...) and returns {R, status}, or a bare status).
//  - wasm-to-native-direct: the same for a function whose native parameters all fit in
//    registers, as a jump to a callback that returns the bare R and, on a trap, resumes at the
//    innermost entry's landing pad itself (wisp::detail::NativeHostGlue::direct).
// Host-to-wasm trampolines are the entries that catch traps: they save the callee-saved
// registers, fill an EntryRecord in their frame (the chain's previous entry, landing pad) and
// make it the head of the thread's chain, putting the old head back on the way out. A trap
// resumes at the innermost entry's landing pad, which returns EntryStatus::Trapped (see
// runtime/trap_handler.h). Wasm-to-host ones record their wasm caller in the innermost entry
// (exit_fp/sp); when the host function returns a non-zero status (it recorded a trap), they jump to
// the innermost entry's landing pad.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "runtime/code_memory.h"
#include "runtime/profiling.h"
#include "runtime/runtime_limits.h"
#include "runtime/vmcontext.h"
#include "wasm/types.h"

namespace wisp::trampoline {

// The C struct {16-byte vector value; uint64_t status} a crossing with a v128 result returns
// through memory (wisp::detail::StatusReturn<NativeV128>).
inline constexpr int32_t kV128ResultStatusOffset = 16;
inline constexpr int32_t kV128ResultBytes = 32;

using ArrayToWasmFn = runtime::EntryStatus (*)(runtime::VMContext* callee_vmctx,
                                               void* callee_code, runtime::ValRaw* values);

class TrampolineCache {
 public:
  // `profiler`, when not null, learns of every trampoline made, as
  // "trampoline[KIND (PARAMS) -> (RESULTS)]" (e.g. "trampoline[array-to-wasm (i32) -> (i64)]").
  explicit TrampolineCache(runtime::ProfilingAgent* profiler = nullptr) : profiler_(profiler) {}

  ArrayToWasmFn arrayToWasm(const wasm::FuncType& type);
  void* nativeToWasm(const wasm::FuncType& type);
  void* wasmToArray(const wasm::FuncType& type);
  void* wasmToNative(const wasm::FuncType& type);
  // Null when some native parameter would go on the stack (or more than one result).
  void* wasmToNativeDirect(const wasm::FuncType& type);

  // The machine code of a trampoline this cache made, from its entry to its last instruction
  // (for disassembly); empty for any other address.
  std::span<const uint8_t> codeOf(const void* entry);

 private:
  enum class Kind : uint8_t { ArrayToWasm, NativeToWasm, WasmToArray, WasmToNative,
                              WasmToNativeDirect };
  void* get(Kind kind, const wasm::FuncType& type);

  runtime::ProfilingAgent* profiler_;
  std::mutex mutex_;
  std::unordered_map<std::string, void*> entries_;
  std::unordered_map<const void*, size_t> code_sizes_;  // by entry
  std::vector<runtime::CodeMemory> code_;
};

}  // namespace wisp::trampoline
