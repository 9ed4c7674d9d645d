// Exception handling in the API: tags, exceptions, and exnref values.
#include "api/conversions.h"
#include "runtime/externs.h"
#include "runtime/store.h"
#include "wisp/tag.h"

namespace wisp {

Result<Tag> Tag::create(Store& store, const FuncType& type) {
  if (!type.results.empty()) return detail::argumentError("a tag's type has no results");
  return Tag(detail::Access::store(store).createTag(detail::toWasm(type)));
}

FuncType Tag::type() const { return detail::fromWasm(tag_->type()); }

Result<Exception> Exception::create(Store& store, const Tag& tag, std::span<const Val> payload) {
  detail::StoreState& state = detail::Access::store(store);
  runtime::TagInstance* tag_instance = detail::Access::tag(tag);
  if (&tag_instance->store() != &state) return detail::argumentError("the tag belongs to another store");
  const std::span<const wasm::ValType> params = tag_instance->type().params();
  if (payload.size() != params.size()) {
    return detail::argumentError("the exception's payload has " + std::to_string(payload.size()) +
                                 " values, its tag " + std::to_string(params.size()));
  }
  std::vector<runtime::ValRaw> raw;
  raw.reserve(payload.size());
  for (size_t i = 0; i < payload.size(); ++i) {
    if (auto mismatch = detail::valMismatch(payload[i], params[i], &state))
      return detail::argumentError("exception payload value " + std::to_string(i) + ": " + *mismatch);
    raw.push_back(detail::toRaw(payload[i]));
  }
  return Exception(state.createException(*tag_instance, raw), &state);
}

Tag Exception::tag() const {
  return detail::Access::makeTag(const_cast<runtime::TagInstance*>(&exception_->tag()));
}

std::vector<Val> Exception::payload() const {
  const std::span<const wasm::ValType> params = exception_->tag().type().params();
  std::vector<Val> values;
  values.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i)
    values.push_back(detail::fromRaw(params[i], exception_->values[i], store_));
  return values;
}

Val::Val(const Exception& exception) : type_(ValType::ExnRef) {
  runtime::VMException* vm = &detail::Access::exception(exception)->vm;
  setBits(&vm, sizeof vm);
  store_ = detail::Access::store(exception);
}

std::optional<Exception> Val::exnref() const {
  auto* vm = bitsAs<runtime::VMException*>();
  if (type_ != ValType::ExnRef || vm == nullptr) return std::nullopt;
  return detail::Access::makeException(runtime::ExceptionInstance::fromVm(vm), store_);
}

Error Error::fromException(const Exception& exception) {
  Trap trap;
  trap.kind = TrapKind::UncaughtException;
  trap.message = "exception thrown by the host";
  trap.exception = exception;
  return fromTrap(std::move(trap));
}

}  // namespace wisp
