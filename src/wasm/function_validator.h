// Validation of function bodies: the FunctionDecoder driven by a visitor that emits nothing.
#pragma once

#include <optional>

#include "wasm/error.h"
#include "wasm/function_decoder.h"
#include "wasm/module.h"

namespace wisp::wasm {

std::optional<Error> validateFunction(const Module& module, uint32_t function_index,
                                      FunctionDecoderContext& context);

// Validates every defined function's body; the first error wins.
std::optional<Error> validateFunctions(const Module& module);

}  // namespace wisp::wasm
