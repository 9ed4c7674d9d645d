#include "api/conversions.h"
#include "api/instantiation.h"
#include "runtime/linker.h"

namespace wisp {

namespace detail {

Result<void> checkSameEngine(const Module& module, StoreState& store) {
  if (Access::engineOf(module) != &store.engine())
    return argumentError("the module was compiled by another engine than the store's");
  return {};
}

Result<Instance> finishInstantiation(StoreState& store, runtime::Instantiation outcome) {
  if (outcome.error) {
    Error error;
    error.kind = outcome.failure == runtime::Instantiation::Failure::Link ? ErrorKind::Link
                                                                          : ErrorKind::Resource;
    error.message = std::move(outcome.error->message);
    return error;
  }
  if (outcome.trap) return Error::fromTrap(fromRuntime(std::move(*outcome.trap)));
  runtime::Instance& instance = *outcome.instance;
  const wasm::Module& module = instance.module();
  if (module.start) {
    Func start = Access::makeFunc(&store, instance.function(*module.start));
    Result<std::vector<Val>> ran = start.call(std::span<const Val>());
    if (!ran) return std::move(ran.error());
  }
  return Access::makeInstance(&store, &instance);
}

}  // namespace detail

Result<Instance> Instance::create(Store& store, const Module& module,
                                  std::span<const Extern> imports) {
  detail::StoreState& state = detail::Access::store(store);
  if (Result<void> same = detail::checkSameEngine(module, state); !same) return same.error();
  std::vector<runtime::Extern> externs;
  externs.reserve(imports.size());
  for (const Extern& item : imports) externs.push_back(detail::toRuntime(item));
  return detail::finishInstantiation(
      state, runtime::instantiate(state, detail::Access::compiled(module), externs));
}

std::optional<Extern> Instance::getExport(std::string_view name) const {
  std::optional<runtime::Extern> item = instance_->findExport(name);
  if (!item) return std::nullopt;
  return detail::fromRuntime(*item);
}

template <typename T>
static std::optional<T> exportAs(const Instance& instance, std::string_view name) {
  std::optional<Extern> item = instance.getExport(name);
  if (!item || !std::holds_alternative<T>(*item)) return std::nullopt;
  return std::get<T>(*item);
}

std::optional<Func> Instance::getFunc(std::string_view name) const { return exportAs<Func>(*this, name); }
std::optional<Memory> Instance::getMemory(std::string_view name) const { return exportAs<Memory>(*this, name); }
std::optional<Table> Instance::getTable(std::string_view name) const { return exportAs<Table>(*this, name); }
std::optional<Global> Instance::getGlobal(std::string_view name) const { return exportAs<Global>(*this, name); }

std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  std::vector<std::pair<std::string, Extern>> out;
  for (const wasm::Export& e : instance_->module().exports)
    out.emplace_back(e.name, detail::fromRuntime(instance_->exportOf(e)));
  return out;
}

}  // namespace wisp
