#include "codegen/module_compiler.h"

#include <cstring>

#include "codegen/function_compiler.h"

namespace wisp::codegen {

namespace {
constexpr uint32_t kFunctionAlignment = 16;
}

runtime::Result<std::unique_ptr<runtime::CompiledCode>> compileModule(
    const wasm::Module& module, std::span<const uint32_t> type_ids) {
  ModuleContext context(module, type_ids);
  CompilerScratch scratch;
  const uint32_t first = module.imported_function_count;
  const auto count = static_cast<uint32_t>(module.functions.size()) - first;
  std::vector<CompiledFunction> functions(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (auto error = compileFunction(context, first + i, scratch, functions[i]))
      return runtime::Error{error->describe()};
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
  if (!memory) return memory.error();
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
    const std::string_view name = module.functionName(first + i);
    code->info.addFunction({first + i, at, at + static_cast<uint32_t>(f.code.size()),
                            std::string(name)});
    for (runtime::TrapSite site : f.traps) {
      site.code_offset += at;
      code->info.addTrapSite(site);
    }
    for (runtime::AddressMapEntry entry : f.address_map) {
      entry.code_offset += at;
      code->info.addAddressMapEntry(entry);
    }
  }
  if (auto finished = code->info.finish(); !finished) return finished.error();
  if (auto published = code->memory.publish(); !published) return published.error();
  return code;
}

}  // namespace wisp::codegen
