#include "runtime/linker.h"

#include "api/conversions.h"
#include "api/instantiation.h"
#include "runtime/import_check.h"

namespace wisp {

Linker::Linker(const Engine& engine)
    : engine_(detail::Access::engine(engine)), linker_(std::make_unique<runtime::Linker>()) {}
Linker::~Linker() = default;
Linker::Linker(Linker&&) noexcept = default;
Linker& Linker::operator=(Linker&&) noexcept = default;

void Linker::allowShadowing(bool allow) { linker_->setAllowShadowing(allow); }

static Error linkError(std::string message) {
  Error error;
  error.kind = ErrorKind::Link;
  error.message = std::move(message);
  return error;
}

static Error duplicate(std::string_view module, std::string_view name) {
  return linkError("duplicate definition: " + std::string(module) + "." + std::string(name));
}

Result<void> Linker::define(std::string_view module, std::string_view name, const Extern& item) {
  const std::string key = runtime::Linker::keyOf(module, name);
  if (hosts_.contains(key)) {
    if (!linker_->allowsShadowing()) return duplicate(module, name);
    hosts_.erase(key);
  }
  if (runtime::Result<void> defined = linker_->define(module, name, detail::toRuntime(item)); !defined)
    return linkError(defined.error().message);
  return {};
}

Result<void> Linker::defineInstance(std::string_view module, const Instance& instance) {
  for (const wasm::Export& e : detail::Access::instance(instance)->module().exports) {
    if (Result<void> defined = define(module, e.name, *instance.getExport(e.name)); !defined)
      return defined;
  }
  return {};
}

Result<void> Linker::defineHost(std::string_view module, std::string_view name, FuncType type,
                                std::function<Result<Func>(Store&)> make) {
  if (linker_->find(module, name) != nullptr) {
    if (!linker_->allowsShadowing()) return duplicate(module, name);
    linker_->erase(module, name);
  }
  auto definition = std::make_shared<const detail::HostDefinition>(
      detail::HostDefinition{std::move(type), std::move(make)});
  auto [it, inserted] = hosts_.try_emplace(runtime::Linker::keyOf(module, name), definition);
  if (!inserted) {
    if (!linker_->allowsShadowing()) return duplicate(module, name);
    it->second = std::move(definition);
  }
  return {};
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  const runtime::Extern* item = linker_->find(module, name);
  if (item == nullptr) return std::nullopt;
  return detail::fromRuntime(*item);
}

Result<std::vector<detail::ImportSource>> Linker::resolve(const Module& module) const {
  const runtime::CompiledModule& compiled = *detail::Access::compiled(module);
  const wasm::Module& m = *compiled.module;
  std::vector<detail::ImportSource> sources;
  sources.reserve(m.imports.size());
  for (const wasm::Import& import : m.imports) {
    if (const runtime::Extern* item = linker_->find(import.module, import.name)) {
      // Checked against its own store here; against the instantiating store's later.
      if (runtime::Result<void> fits =
              runtime::checkImport(m, compiled.type_ids, import, *item, *item->store);
          !fits)
        return linkError(fits.error().message);
      sources.push_back({detail::fromRuntime(*item), nullptr});
      continue;
    }
    auto host = hosts_.find(runtime::Linker::keyOf(import.module, import.name));
    if (host == hosts_.end())
      return linkError("unknown import: " + import.module + "." + import.name + " (" +
                       wasm::externKindName(import.kind) + ")");
    const std::string name = import.module + "." + import.name;
    if (import.kind != wasm::ExternKind::Func)
      return linkError("incompatible import type for " + name + ": expected a " +
                       wasm::externKindName(import.kind) + ", found a func");
    const wasm::FuncType& expected = m.types[m.functions[import.index].type_index];
    const wasm::FuncType found = detail::toWasm(host->second->type);
    if (!(found == expected))
      return linkError("incompatible import type for " + name + ": expected " +
                       expected.toString() + ", found " + found.toString());
    sources.push_back({std::nullopt, host->second});
  }
  return sources;
}

namespace detail {

// Makes the host definitions in `store`, then instantiates.
static Result<Instance> instantiateFrom(Store& store, const Module& module,
                                        std::span<const ImportSource> sources) {
  StoreState& state = Access::store(store);
  if (Result<void> same = checkSameEngine(module, state); !same) return same.error();
  std::vector<runtime::Extern> externs;
  externs.reserve(sources.size());
  for (const ImportSource& source : sources) {
    if (source.item) {
      externs.push_back(toRuntime(*source.item));
      continue;
    }
    Result<Func> made = source.host->make(store);
    if (!made) return std::move(made.error());
    externs.push_back(toRuntime(Extern(*made)));
  }
  return finishInstantiation(state, runtime::instantiate(state, Access::compiled(module), externs));
}

}  // namespace detail

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  if (Result<void> same = detail::checkSameEngine(module, detail::Access::store(store)); !same)
    return same.error();
  Result<std::vector<detail::ImportSource>> sources = resolve(module);
  if (!sources) return std::move(sources.error());
  return detail::instantiateFrom(store, module, *sources);
}

Result<InstancePre> Linker::instantiatePre(const Module& module) const {
  if (detail::Access::engineOf(module) != engine_.get())
    return detail::argumentError("the module was compiled by another engine than the linker's");
  Result<std::vector<detail::ImportSource>> sources = resolve(module);
  if (!sources) return std::move(sources.error());
  return InstancePre(module, std::make_shared<const std::vector<detail::ImportSource>>(
                                 std::move(*sources)));
}

Result<Instance> InstancePre::instantiate(Store& store) const {
  return detail::instantiateFrom(store, module_, *imports_);
}

}  // namespace wisp
