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
  const wasm::Module& m = *compiled->module;
  for (uint32_t i = m.imported_function_count; i < m.functions.size(); ++i)
    if (m.functions[i].declared_ref || (m.start && *m.start == i)) compiled->exposed_functions.push_back(i);
  compiled->element_functions.resize(m.elements.size());
  for (size_t s = 0; s < m.elements.size(); ++s) {
    std::vector<uint32_t> indices;
    indices.reserve(m.elements[s].items.size());
    for (const wasm::ConstExpr& item : m.elements[s].items) {
      if (item.kind == wasm::ConstExpr::Kind::RefFunc) indices.push_back(item.index);
      else if (item.kind == wasm::ConstExpr::Kind::RefNull) indices.push_back(kNullItem);
      else break;
    }
    if (indices.size() == m.elements[s].items.size()) compiled->element_functions[s] = std::move(indices);
  }
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

namespace {

// Whether instantiating can trap in an element segment: only when one's offset is not a
// constant or its items may not fit the table's initial (for an import: declared minimum) size.
bool elementSegmentsMayTrap(const wasm::Module& module) {
  for (const wasm::ElementSegment& segment : module.elements) {
    if (segment.mode != wasm::SegmentMode::Active) continue;
    if (segment.offset.kind != wasm::ConstExpr::Kind::I32) return true;
    if (uint64_t{segment.offset.i32()} + segment.items.size() >
        module.tables[segment.table_index].type.limits.min)
      return true;
  }
  return false;
}

}  // namespace

const std::vector<std::shared_ptr<const MemoryImage>>& CompiledModule::memoryImages() const {
  std::call_once(images_built_, [this] {
    memory_images_.resize(module->memories.size());
    if (elementSegmentsMayTrap(*module)) return;
    for (uint32_t i = 0; i < module->memories.size(); ++i)
      memory_images_[i] = MemoryImage::build(*module, i);
  });
  return memory_images_;
}

}  // namespace wisp::runtime
