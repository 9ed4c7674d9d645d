// Compiles every function of a decoded module into one block of executable memory: each body
// in one pass (FunctionCompiler: decode, validate, emit), on several threads, then the bodies
// are laid out and the direct calls linked.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <vector>

#include "isa/cpu_features.h"
#include "runtime/compiled_code.h"
#include "wasm/module.h"

namespace wisp::codegen {

struct CompileOptions {
  uint32_t threads = 0;  // 0: one per hardware thread
  // Check every memory access against the memory's length instead of relying on guard
  // pages (runtime::BoundsCheckMode::ExplicitChecks, whose base may move on grow).
  bool explicit_bounds_checks = false;
  // The optional instructions the code may use: the engine's, which are the CPU's unless the
  // configuration lowers them (CompileOptions alone defaults to the CPU's).
  isa::CpuFeatures cpu_features = isa::hostCpuFeatures();
  // Fuel metering and epoch checks (Config::consume_fuel, Config::epoch_interruption; the
  // protocol is in runtime/runtime_limits.h).
  bool consume_fuel = false;
  bool epoch_interruption = false;
  // Record an address map entry where the code of every instruction begins, not only where
  // backtraces need one (calls, memory accesses), for tools that show which code each
  // instruction became (`wisp explore`).
  bool address_map_every_instruction = false;
  // When set, each defined function's compile time (decode, validate, emit) goes here, by
  // defined index (resized to their count), for tools that show it (`wisp explore`).
  std::vector<std::chrono::nanoseconds>* function_compile_times = nullptr;
};

// `type_ids` gives the engine-canonical signature id of each of the module's types; compiled
// call_indirect compares against them as immediates. The bodies are validated here (decode
// the module with DecodeOptions::validate_functions off to validate them only once). Errors
// are malformed or invalid bodies, unsupported instructions (SIMD, for now) and refused
// resources; the one in the lowest-numbered function is reported.
wasm::Result<std::unique_ptr<runtime::CompiledCode>> compileModule(
    const wasm::Module& module, std::span<const uint32_t> type_ids,
    const CompileOptions& options = {});

}  // namespace wisp::codegen
