#include "runtime/linker.h"

namespace wisp::runtime {

std::string Linker::keyOf(std::string_view module, std::string_view name) {
  // Length-prefixed: names may contain any character, even NUL.
  std::string key = std::to_string(module.size());
  key += ':';
  key += module;
  key += name;
  return key;
}

Result<void> Linker::define(std::string_view module, std::string_view name, const Extern& item) {
  auto [it, inserted] = definitions_.try_emplace(keyOf(module, name), item);
  if (!inserted) {
    if (!allow_shadowing_)
      return Error{"duplicate definition: " + std::string(module) + "." + std::string(name)};
    it->second = item;
  }
  return {};
}

Result<void> Linker::defineInstance(std::string_view module, const Instance& instance) {
  for (const wasm::Export& e : instance.module().exports) {
    if (Result<void> defined = define(module, e.name, instance.exportOf(e)); !defined)
      return defined;
  }
  return {};
}

const Extern* Linker::find(std::string_view module, std::string_view name) const {
  auto it = definitions_.find(keyOf(module, name));
  return it == definitions_.end() ? nullptr : &it->second;
}

Result<std::vector<Extern>> Linker::resolve(const wasm::Module& module) const {
  std::vector<Extern> externs;
  externs.reserve(module.imports.size());
  for (const wasm::Import& import : module.imports) {
    const Extern* item = find(import.module, import.name);
    if (item == nullptr) {
      return Error{"unknown import: " + import.module + "." + import.name + " (" +
                   wasm::externKindName(import.kind) + ")"};
    }
    externs.push_back(*item);
  }
  return externs;
}

Instantiation Linker::instantiate(Store& store,
                                  std::shared_ptr<const CompiledModule> compiled) const {
  Result<std::vector<Extern>> imports = resolve(*compiled->module);
  if (!imports) return Instantiation::failed(Instantiation::Failure::Link, imports.error());
  return runtime::instantiate(store, std::move(compiled), *imports);
}

}  // namespace wisp::runtime
