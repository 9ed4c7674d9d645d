// Test modules from WebAssembly text, converted with wat2wasm at test time, and a stand-in for
// the compiler so the runtime can be tested without it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "runtime/compiled_module.h"
#include "runtime/type_registry.h"

// SIMD, v128 values crossing between host and wasm included, is not yet on AArch64: a test
// of it skips there, saying so.
#if defined(__aarch64__)
#define WISP_SKIP_WITHOUT_SIMD() GTEST_SKIP() << "SIMD is not yet on AArch64"
#else
#define WISP_SKIP_WITHOUT_SIMD() static_cast<void>(0)
#endif

namespace wisp::test {

// The binary of `wat`; fails the current test (and returns empty) when wat2wasm is missing or
// rejects the text.
std::vector<uint8_t> watToWasm(std::string_view wat);
// The same with wat2wasm's feature flags, e.g. "--enable-tail-call".
std::vector<uint8_t> watToWasm(std::string_view wat, std::string_view wat2wasm_flags);
bool haveWat2Wasm();

// Decodes `bytes` and gives every defined function the same stub body (`ret`), so instances
// can be created and their tables, memories and globals inspected without the real compiler.
// Calling a function of such a module is meaningless.
std::shared_ptr<const runtime::CompiledModule> compileWithStubCode(const std::vector<uint8_t>& bytes,
                                                                   runtime::TypeRegistry& types);

}  // namespace wisp::test
