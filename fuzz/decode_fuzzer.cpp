// libFuzzer target: arbitrary bytes into the decoder and validator.
//
// The first byte picks the features, so one corpus reaches the paths of every switch; the
// rest is the module. Byte 0 is WebAssembly 2.0 (the defaults), which is what run.sh
// prepends to the seeds from the spec suite. Any crash, sanitizer report, timeout or
// out-of-memory here is a decoder bug: every input must end in a Module or an Error.
#include <cstddef>
#include <cstdint>
#include <span>

#include "wasm/module.h"

namespace {

wisp::wasm::Features featuresFromByte(uint8_t flags) {
  wisp::wasm::Features features;  // the defaults: WebAssembly 2.0
  if (flags & 0x01) features.simd = !features.simd;
  if (flags & 0x02) features.relaxed_simd = true;
  if (flags & 0x04) features.tail_call = true;
  if (flags & 0x08) features.extended_const = true;
  if (flags & 0x10) features.multi_memory = true;
  if (flags & 0x20) features.memory64 = true;
  if (flags & 0x40) features.threads = true;
  if (flags & 0x80) features.exceptions = true;
  return features;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  wisp::wasm::DecodeOptions options;
  options.features = featuresFromByte(data[0]);
  options.validate_functions = true;
  auto result = wisp::wasm::decodeModule(std::span<const uint8_t>(data + 1, size - 1), options);
  if (!result.ok()) {
    // Formatting the error is part of the path a user sees.
    volatile size_t length = result.error().describe().size();
    (void)length;
    return 0;
  }
  // A decoded module must answer its accessors for every function.
  const wisp::wasm::Module& module = *result.value();
  size_t body_bytes = 0;
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    body_bytes += module.functionBody(i).size() + module.functionType(i).types.size();
    body_bytes += module.functionName(i).size();
  }
  volatile size_t sink = body_bytes;
  (void)sink;
  return 0;
}
