#include "runtime/import_check.h"

#include "runtime/store.h"

namespace wisp::runtime {
namespace {

// The spec's limits subtyping: the provided extern's current size is at least the declared
// minimum, and if a maximum is declared the extern has one no larger.
bool limitsMatch(const wasm::Limits& provided, const wasm::Limits& declared) {
  if (provided.min < declared.min) return false;
  if (!declared.has_max) return true;
  return provided.has_max && provided.max <= declared.max;
}

std::string describeGlobalType(const wasm::GlobalType& type) {
  std::string text = wasm::valTypeName(type.type);
  return type.is_mutable ? "(mut " + text + ")" : text;
}

}  // namespace

std::string describeLimits(const wasm::Limits& limits) {
  std::string text = "min " + std::to_string(limits.min);
  text += limits.has_max ? ", max " + std::to_string(limits.max) : ", no max";
  return text;
}

Result<void> checkImport(const wasm::Module& module, std::span<const uint32_t> type_ids,
                         const wasm::Import& import, const Extern& provided, const Store& store) {
  const std::string name = import.module + "." + import.name;
  if (provided.kind != import.kind) {
    return Error{"incompatible import type for " + name + ": expected a " +
                 wasm::externKindName(import.kind) + ", found a " +
                 wasm::externKindName(provided.kind)};
  }
  if (provided.store != &store)
    return Error{"import " + name + " belongs to another store"};
  auto mismatch = [&](const std::string& expected, const std::string& found) {
    return Error{"incompatible import type for " + name + ": expected " + expected + ", found " +
                 found};
  };
  switch (import.kind) {
    case wasm::ExternKind::Func: {
      const uint32_t type_index = module.functions[import.index].type_index;
      const uint32_t expected_id = type_ids[type_index];
      if (provided.func()->type_id == expected_id) return {};
      const wasm::FuncType* found = provided.store->types().lookup(provided.func()->type_id);
      return mismatch(module.types[type_index].toString(),
                      found != nullptr ? found->toString() : "a function of unknown type");
    }
    case wasm::ExternKind::Table: {
      const wasm::TableType& expected = module.tables[import.index].type;
      const wasm::TableType found = provided.table()->currentType();
      if (found.element != expected.element) {
        return mismatch(std::string("a table of ") + wasm::valTypeName(expected.element),
                        std::string("a table of ") + wasm::valTypeName(found.element));
      }
      if (!limitsMatch(found.limits, expected.limits))
        return mismatch("table limits " + describeLimits(expected.limits),
                        describeLimits(found.limits));
      return {};
    }
    case wasm::ExternKind::Memory: {
      const wasm::MemoryType& expected = module.memories[import.index].type;
      const wasm::MemoryType found = provided.memory()->currentType();
      if (found.is64 != expected.is64)
        return mismatch(expected.is64 ? "a 64-bit memory" : "a 32-bit memory",
                        found.is64 ? "a 64-bit memory" : "a 32-bit memory");
      if (!limitsMatch(found.limits, expected.limits))
        return mismatch("memory limits " + describeLimits(expected.limits) + " (pages)",
                        describeLimits(found.limits));
      return {};
    }
    case wasm::ExternKind::Global: {
      const wasm::GlobalType& expected = module.globals[import.index].type;
      const wasm::GlobalType& found = provided.global()->type();
      if (found.type != expected.type || found.is_mutable != expected.is_mutable)
        return mismatch("global " + describeGlobalType(expected),
                        "global " + describeGlobalType(found));
      return {};
    }
    case wasm::ExternKind::Tag: {
      const uint32_t type_index = module.tags[import.index].type_index;
      if (provided.tag()->typeId() == type_ids[type_index]) return {};
      return mismatch("tag " + module.types[type_index].toString(),
                      "tag " + provided.tag()->type().toString());
    }
  }
  return Error{"import " + name + " of unknown kind"};
}

}  // namespace wisp::runtime
