#include "runtime/compiled_module.h"

namespace wisp::runtime {

Result<std::shared_ptr<const CompiledModule>> CompiledModule::create(
    std::unique_ptr<const wasm::Module> module, std::unique_ptr<const CompiledCode> code,
    std::vector<uint32_t> type_ids) {
  if (type_ids.size() != module->types.size())
    return Error{"compiled module: " + std::to_string(type_ids.size()) + " type ids for " +
                 std::to_string(module->types.size()) + " types"};
  const size_t defined = module->functions.size() - module->imported_function_count;
  if (code == nullptr || code->function_offsets.size() != defined)
    return Error{"compiled module: the code has no entry for each of the " +
                 std::to_string(defined) + " defined functions"};
  auto compiled = std::make_shared<CompiledModule>();
  if (code->memory.size() != 0) {
    Result<CodeRegistration> registration =
        CodeRegistration::create(code->memory.begin(), code->memory.end(), &code->info);
    if (!registration) return registration.error();
    compiled->registration = std::move(*registration);
  }
  compiled->module = std::move(module);
  compiled->code = std::move(code);
  compiled->type_ids = std::move(type_ids);
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

}  // namespace wisp::runtime
