#include "runtime/linker.h"

#include "api/conversions.h"
#include "api/instantiation.h"

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

Result<void> Linker::define(std::string_view module, std::string_view name, const Extern& item) {
  if (runtime::Result<void> defined = linker_->define(module, name, detail::toRuntime(item)); !defined)
    return linkError(defined.error().message);
  return {};
}

Result<void> Linker::defineInstance(std::string_view module, const Instance& instance) {
  if (runtime::Result<void> defined = linker_->defineInstance(module, *detail::Access::instance(instance));
      !defined)
    return linkError(defined.error().message);
  return {};
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  const runtime::Extern* item = linker_->find(module, name);
  if (item == nullptr) return std::nullopt;
  return detail::fromRuntime(*item);
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  detail::StoreState& state = detail::Access::store(store);
  if (Result<void> same = detail::checkSameEngine(module, state); !same) return same.error();
  return detail::finishInstantiation(state,
                                     linker_->instantiate(state, detail::Access::compiled(module)));
}

}  // namespace wisp
