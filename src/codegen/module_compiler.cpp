#include "codegen/module_compiler.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "codegen/function_compiler.h"
#include "wasm/function_validator.h"

namespace wisp::codegen {

namespace {

constexpr uint32_t kFunctionAlignment = 16;
// Below this much code a second thread costs more than it saves.
constexpr size_t kMinBytesPerThread = 64 * 1024;

wasm::Error resourceError(std::string message) {
  return wasm::Error{wasm::ErrorKind::Resource, std::move(message), 0, wasm::kNoFunction};
}

// Compiles the defined functions on `threads` threads; each takes the next function from a
// shared counter, with its own scratch state, so no lock is taken per function.
std::vector<std::optional<wasm::Error>> compileAll(const ModuleContext& context,
                                                   std::vector<CompiledFunction>& functions,
                                                   uint32_t threads) {
  const uint32_t first = context.module.imported_function_count;
  const auto count = static_cast<uint32_t>(functions.size());
  std::vector<std::optional<wasm::Error>> errors(count);
  std::atomic<uint32_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    CompilerScratch scratch;
    for (uint32_t i = next++; i < count && !failed; i = next++) {
      errors[i] = compileFunction(context, first + i, scratch, functions[i]);
      if (errors[i]) failed = true;
    }
  };
  std::vector<std::thread> pool;
  for (uint32_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  return errors;
}

uint32_t threadCount(const wasm::Module& module, const CompileOptions& options) {
  uint32_t threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  const size_t by_size = module.code_section_size / kMinBytesPerThread + 1;
  return static_cast<uint32_t>(std::clamp<size_t>(std::min<size_t>(threads, by_size), 1, 64));
}

}  // namespace

wasm::Result<std::unique_ptr<runtime::CompiledCode>> compileModule(
    const wasm::Module& module, std::span<const uint32_t> type_ids,
    const CompileOptions& options) {
  ModuleContext context(module, type_ids, options);
  const uint32_t first = module.imported_function_count;
  const auto count = static_cast<uint32_t>(module.functions.size()) - first;
  std::vector<CompiledFunction> functions(count);
  const auto errors = compileAll(context, functions, threadCount(module, options));
  for (uint32_t i = 0; i < count; ++i) {
    if (!errors[i]) continue;
    if (errors[i]->kind == wasm::ErrorKind::Invalid) {
      if (auto malformed = wasm::findMalformedBody(module, first + i)) return *malformed;
    }
    return *errors[i];
  }

  // Lay the functions out one after another, then link the direct calls.
  auto code = std::make_unique<runtime::CompiledCode>();
  code->function_offsets.resize(count);
  size_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    total = (total + kFunctionAlignment - 1) & ~size_t{kFunctionAlignment - 1};
    code->function_offsets[i] = static_cast<uint32_t>(total);
    total += functions[i].code.size();
  }
  auto memory = runtime::CodeMemory::allocate(total ? total : 1);
  if (!memory) return resourceError(memory.error().message);
  code->memory = std::move(memory.value());
  uint8_t* base = code->memory.writableBytes().data();
  for (uint32_t i = 0; i < count; ++i) {
    const CompiledFunction& f = functions[i];
    const uint32_t at = code->function_offsets[i];
    std::memcpy(base + at, f.code.data(), f.code.size());
    for (const CallSite& call : f.calls) {
      const uint32_t site = at + call.offset;
      const int64_t target = code->function_offsets[call.callee - first];
      const auto displacement = static_cast<int32_t>(target - (int64_t{site} + 4));
      std::memcpy(base + site, &displacement, 4);
    }
    code->info.addFunction({first + i, at, at + static_cast<uint32_t>(f.code.size()),
                            std::string(module.functionName(first + i))});
    for (runtime::TrapSite site : f.traps) {
      site.code_offset += at;
      code->info.addTrapSite(site);
    }
    for (runtime::AddressMapEntry entry : f.address_map) {
      entry.code_offset += at;
      code->info.addAddressMapEntry(entry);
    }
  }
  if (auto finished = code->info.finish(); !finished) return resourceError(finished.error().message);
  if (auto published = code->memory.publish(); !published)
    return resourceError(published.error().message);
  return code;
}

}  // namespace wisp::codegen
