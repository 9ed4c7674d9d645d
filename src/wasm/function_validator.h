// Validation of function bodies: the FunctionDecoder driven by a visitor that emits nothing.
#pragma once

#include <optional>

#include "wasm/error.h"
#include "wasm/function_decoder.h"
#include "wasm/module.h"

namespace wisp::wasm {

std::optional<Error> validateFunction(const Module& module, uint32_t function_index,
                                      FunctionDecoderContext& context);

// The first malformed body from `first_function` on, if any. The spec decodes the whole module
// before validating it, so after a type error this decides which error to report.
std::optional<Error> findMalformedBody(const Module& module, uint32_t first_function);

// Validates every defined function's body; the first error wins.
std::optional<Error> validateFunctions(const Module& module);

}  // namespace wisp::wasm
