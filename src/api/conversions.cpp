#include "api/conversions.h"

#include <cstring>

namespace wisp::detail {

static_assert(static_cast<uint8_t>(TrapKind::HostError) ==
                  static_cast<uint8_t>(runtime::TrapKind::HostError),
              "wisp::TrapKind mirrors runtime::TrapKind");
static_assert(static_cast<uint8_t>(TrapKind::MemoryOutOfBounds) ==
              static_cast<uint8_t>(runtime::TrapKind::MemoryOutOfBounds));
static_assert(static_cast<uint8_t>(TrapKind::StackOverflow) ==
              static_cast<uint8_t>(runtime::TrapKind::StackOverflow));
static_assert(static_cast<uint8_t>(ValType::ExternRef) ==
              static_cast<uint8_t>(wasm::ValType::ExternRef));
static_assert(static_cast<uint8_t>(ValType::ExnRef) == static_cast<uint8_t>(wasm::ValType::ExnRef));
static_assert(static_cast<uint8_t>(TrapKind::NullExceptionReference) + 1 == runtime::kTrapKindCount);
static_assert(static_cast<uint8_t>(ExternKind::Tag) == static_cast<uint8_t>(wasm::ExternKind::Tag));

wasm::FuncType toWasm(const FuncType& type) {
  wasm::FuncType out;
  out.types.reserve(type.params.size() + type.results.size());
  for (ValType t : type.params) out.types.push_back(toWasm(t));
  for (ValType t : type.results) out.types.push_back(toWasm(t));
  out.param_count = static_cast<uint32_t>(type.params.size());
  return out;
}

FuncType fromWasm(const wasm::FuncType& type) {
  FuncType out;
  for (wasm::ValType t : type.params()) out.params.push_back(fromWasm(t));
  for (wasm::ValType t : type.results()) out.results.push_back(fromWasm(t));
  return out;
}

wasm::Features toWasm(const Features& f) {
  wasm::Features out;
  out.simd = f.simd;
  out.relaxed_simd = f.relaxed_simd;
  out.tail_call = f.tail_call;
  out.extended_const = f.extended_const;
  out.multi_memory = f.multi_memory;
  out.memory64 = f.memory64;
  out.threads = f.threads;
  out.exceptions = f.exceptions;
  return out;
}

wasm::Limits toWasm(const Limits& limits) {
  return {limits.min, limits.max.value_or(0), limits.max.has_value()};
}

Limits fromWasm(const wasm::Limits& limits) {
  Limits out;
  out.min = limits.min;
  if (limits.has_max) out.max = limits.max;
  return out;
}

std::optional<std::string> valMismatch(const Val& value, wasm::ValType expected,
                                       const StoreState* store) {
  if (toWasm(value.type()) != expected)
    return std::string("expected ") + wasm::valTypeName(expected) + ", got " +
           valTypeName(value.type());
  if (value.type() == ValType::FuncRef && !value.isNullRef() && Access::store(value) != store)
    return std::string("the funcref belongs to another store");
  return std::nullopt;
}

Trap fromRuntime(runtime::Trap&& trap) {
  Trap out;
  out.kind = static_cast<TrapKind>(trap.kind);
  out.message = std::move(trap.message);
  out.backtrace.reserve(trap.backtrace.size());
  for (runtime::Frame& frame : trap.backtrace)
    out.backtrace.push_back({frame.function_index, std::move(frame.function_name), frame.wasm_offset,
                             frame.function_offset});
  out.backtrace_truncated = trap.backtrace_truncated;
  if (trap.exception != nullptr) {
    auto* exception = runtime::ExceptionInstance::fromVm(static_cast<runtime::VMException*>(trap.exception));
    out.exception = Access::makeException(exception, storeStateOf(&exception->tag().store()));
  }
  return out;
}

runtime::Trap toRuntime(Trap&& trap) {
  // Takes the frames over so that nothing of `trap` owns memory afterwards: the caller may
  // leave by longjmp without destroying it.
  std::vector<Frame> frames = std::move(trap.backtrace);
  runtime::Trap out;
  out.kind = static_cast<runtime::TrapKind>(trap.kind);
  out.message = std::move(trap.message);
  for (Frame& frame : frames)
    out.backtrace.push_back({frame.function_index, std::move(frame.function_name), frame.wasm_offset,
                             frame.function_offset});
  out.backtrace_truncated = trap.backtrace_truncated;
  if (trap.exception) out.exception = &Access::exception(*trap.exception)->vm;
  trap.exception.reset();
  return out;
}

Extern fromRuntime(const runtime::Extern& item) {
  switch (item.kind) {
    case wasm::ExternKind::Func: return Access::makeFunc(storeStateOf(item.store), item.func());
    case wasm::ExternKind::Table: return Access::makeTable(item.table());
    case wasm::ExternKind::Memory: return Access::makeMemory(item.memory());
    case wasm::ExternKind::Global: return Access::makeGlobal(item.global());
    case wasm::ExternKind::Tag: return Access::makeTag(item.tag());
  }
  return Access::makeFunc(storeStateOf(item.store), item.func());
}

runtime::Extern toRuntime(const Extern& item) {
  return std::visit(
      [](const auto& x) -> runtime::Extern {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Func>) return runtime::Extern::ofFunc(*Access::store(x), Access::ref(x));
        else if constexpr (std::is_same_v<T, Table>) return runtime::Extern::ofTable(Access::table(x));
        else if constexpr (std::is_same_v<T, Memory>) return runtime::Extern::ofMemory(Access::memory(x));
        else if constexpr (std::is_same_v<T, Global>) return runtime::Extern::ofGlobal(Access::global(x));
        else return runtime::Extern::ofTag(Access::tag(x));
      },
      item);
}

Error argumentError(std::string message) {
  Error error;
  error.kind = ErrorKind::Argument;
  error.message = std::move(message);
  return error;
}

}  // namespace wisp::detail
