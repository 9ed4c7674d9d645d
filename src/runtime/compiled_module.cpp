#include "runtime/compiled_module.h"

#include <algorithm>

#include "runtime/vmcontext.h"

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
  compiled->planLazyTables();
  for (uint32_t f : compiled->code->ref_functions)
    if (f >= m.functions.size())
      return Error{"compiled module: the code names function " + std::to_string(f) + " of " +
                   std::to_string(m.functions.size())};
  compiled->findExposedFunctions();
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

void CompiledModule::planLazyTables() {
  const wasm::Module& m = *module;
  lazy_table_contents.resize(m.tables.size());
  lazy_table_images.resize(m.tables.size());
  lazy_segments.assign(m.elements.size(), false);
  if (elementSegmentsMayTrap(m)) return;
  std::vector<bool> lazy(m.tables.size(), false);
  for (uint32_t t = m.imported_table_count; t < m.tables.size(); ++t)
    lazy[t] = m.tables[t].type.element == wasm::ValType::FuncRef;
  std::vector<uint64_t> ends(m.tables.size(), 0);
  for (size_t s = 0; s < m.elements.size(); ++s) {
    const wasm::ElementSegment& segment = m.elements[s];
    if (segment.mode != wasm::SegmentMode::Active) continue;
    const uint32_t t = segment.table_index;
    if (!segment.items.empty() && element_functions[s].empty()) lazy[t] = false;
    // elementSegmentsMayTrap: the offset is a constant and offset + n fits the minimum.
    ends[t] = std::max<uint64_t>(ends[t], uint64_t{segment.offset.i32()} + segment.items.size());
  }
  for (size_t s = 0; s < m.elements.size(); ++s) {
    const wasm::ElementSegment& segment = m.elements[s];
    if (segment.mode != wasm::SegmentMode::Active || !lazy[segment.table_index]) continue;
    const uint32_t t = segment.table_index;
    std::vector<uint32_t>& contents = lazy_table_contents[t];
    if (contents.empty()) contents.assign(ends[t], kNullItem);
    std::copy(element_functions[s].begin(), element_functions[s].end(),
              contents.begin() + segment.offset.i32());
    lazy_segments[s] = true;
  }
  for (uint32_t t = 0; t < m.tables.size(); ++t) {
    const std::vector<uint32_t>& contents = lazy_table_contents[t];
    std::vector<uint64_t>& image = lazy_table_images[t];
    image.reserve(contents.size());
    for (uint32_t f : contents) image.push_back(f == kNullItem ? 0 : lazyElement());
  }
}

void CompiledModule::findExposedFunctions() {
  const wasm::Module& m = *module;
  std::vector<bool> read(m.functions.size(), false);
  for (const wasm::Export& e : m.exports)
    if (e.kind == wasm::ExternKind::Func) read[e.index] = true;
  if (m.start) read[*m.start] = true;
  for (const wasm::Global& g : m.globals)
    if (!g.imported && g.init.kind == wasm::ConstExpr::Kind::RefFunc) read[g.init.index] = true;
  for (size_t s = 0; s < m.elements.size(); ++s) {
    if (lazy_segments[s]) continue;
    for (const wasm::ConstExpr& item : m.elements[s].items)
      if (item.kind == wasm::ConstExpr::Kind::RefFunc) read[item.index] = true;
  }
  for (uint32_t f : code->ref_functions) read[f] = true;
  for (uint32_t i = m.imported_function_count; i < m.functions.size(); ++i)
    if (read[i]) exposed_functions.push_back(i);
}

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
