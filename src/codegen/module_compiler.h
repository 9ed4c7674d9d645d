// Compiles every function of a validated module into one block of executable memory:
// each body in one pass (FunctionCompiler), then the bodies laid out and direct calls linked.
#pragma once

#include <memory>
#include <span>

#include "runtime/compiled_code.h"
#include "runtime/result.h"
#include "wasm/module.h"

namespace wisp::codegen {

// `type_ids` gives the engine-canonical signature id of each of the module's types; compiled
// call_indirect compares against them as immediates.
runtime::Result<std::unique_ptr<runtime::CompiledCode>> compileModule(
    const wasm::Module& module, std::span<const uint32_t> type_ids);

}  // namespace wisp::codegen
