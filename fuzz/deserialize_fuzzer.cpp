// libFuzzer target: mutated serialized modules (what `wisp compile` writes) through
// Module::deserialize, as `wisp run app.cwisp` loads them.
//
// The first byte steers: bit 0 set makes the header's checksum right again after mutation (most
// mutations would otherwise stop at the checksum, and the checks behind it, of every count,
// offset and range in the tables, would go untested), bit 1 loads into an engine with explicit
// bounds checks (a settings mismatch for files compiled with the default). run.sh prepends 1
// to seeds written by `wisp compile` from the spec suite's modules.
//
// A loaded module's code is never run (mutated machine code may do anything: a serialized
// module is trusted like a shared library). What must hold: no crash or sanitizer report, every
// refusal is of kind Deserialize (or Resource, when memory is refused), and a module that
// loads serializes again and that file loads too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "wisp/wisp.h"

namespace {

constexpr size_t kHeaderSize = 32;
constexpr size_t kChecksumOffset = 24;

wisp::Engine& engineFor(uint8_t flags) {
  static wisp::Engine* engines[2] = {};
  const int key = (flags >> 1) & 1;
  if (engines[key] == nullptr) {
    wisp::Config config;
    config.compile_threads = 1;
    if (key) config.bounds_checks = wisp::BoundsChecks::Explicit;
    engines[key] = new wisp::Engine(config);
  }
  return *engines[key];
}

void expectOrdinaryRefusal(const wisp::Error& error, const char* what) {
  if (error.kind != wisp::ErrorKind::Deserialize && error.kind != wisp::ErrorKind::Resource) {
    std::fprintf(stderr, "deserialize_fuzzer: %s failed with an error of another kind: %s\n", what,
                 error.describe().c_str());
    std::abort();
  }
  volatile size_t length = error.describe().size();  // formatting is part of the user's path
  (void)length;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::vector<uint8_t> bytes(data + 1, data + size);
  if ((flags & 1) && bytes.size() >= kHeaderSize) {
    const uint64_t sum = XXH3_64bits(bytes.data() + kHeaderSize, bytes.size() - kHeaderSize);
    std::memcpy(bytes.data() + kChecksumOffset, &sum, 8);
  }
  wisp::Engine& engine = engineFor(flags);
  wisp::Result<wisp::Module> module = wisp::Module::deserialize(engine, bytes);
  if (!module) {
    expectOrdinaryRefusal(module.error(), "loading");
    return 0;
  }
  volatile size_t described = module->imports().size() + module->exports().size();
  (void)described;
  wisp::Result<std::vector<uint8_t>> again = module->serialize();
  if (!again) {
    std::fprintf(stderr, "deserialize_fuzzer: a loaded module does not serialize: %s\n",
                 again.error().describe().c_str());
    std::abort();
  }
  wisp::Result<wisp::Module> reloaded = wisp::Module::deserialize(engine, *again);
  if (!reloaded) {
    std::fprintf(stderr, "deserialize_fuzzer: a loaded module's own file does not load: %s\n",
                 reloaded.error().describe().c_str());
    std::abort();
  }
  return 0;
}
