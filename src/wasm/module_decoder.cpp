// Placeholder until the decoder lands.
#include "wasm/module.h"
namespace wisp::wasm {
Result<std::unique_ptr<Module>> decodeModule(std::span<const uint8_t>, const DecodeOptions&) {
  return Error{ErrorKind::Malformed, "decoder not written yet", 0, kNoFunction};
}
}  // namespace wisp::wasm
