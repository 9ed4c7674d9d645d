#include "wasm/function_validator.h"

namespace wisp::wasm {

std::optional<Error> validateFunction(const Module& module, uint32_t function_index,
                                      FunctionDecoderContext& context) {
  NullVisitor visitor;
  FunctionDecoder<NullVisitor> decoder(module, function_index, context, visitor);
  return decoder.decode();
}

std::optional<Error> validateFunctions(const Module& module) {
  FunctionDecoderContext context;
  for (uint32_t i = module.imported_function_count; i < module.functions.size(); ++i) {
    if (auto error = validateFunction(module, i, context)) return error;
  }
  return std::nullopt;
}

}  // namespace wisp::wasm
