// Calls into wasm (dynamic and typed) and host functions (dynamic and typed).
#include <algorithm>
#include <cstddef>
#include <array>
#include <memory>
#include <new>
#include <type_traits>

#include "api/conversions.h"
#include "runtime/trap_handler.h"
#include "trampoline/trampolines.h"

namespace wisp {

static_assert(offsetof(runtime::VMHostFuncContext, host_data) == detail::kHostDataOffset,
              "detail::hostData reads the callable at this offset");
static_assert(offsetof(detail::WithStatus<detail::NativeV128>, status) ==
                      trampoline::kV128ResultStatusOffset &&
                  sizeof(detail::WithStatus<detail::NativeV128>) == trampoline::kV128ResultBytes,
              "the trampolines return a v128 result and its status through memory so laid out");

namespace {

// ---- dynamic host functions -----------------------------------------------------------------

struct DynamicHostState {
  detail::StoreState* store;
  wasm::FuncType type;
  Func::Callback callback;
};

static_assert(std::is_trivially_destructible_v<Val>, "ValSlots never destroys its Vals");

// Room for a call's Vals: on the stack for the usual few, on the heap beyond.
class ValSlots {
 public:
  explicit ValSlots(size_t count) {
    if (count > kInline) {
      heap_ = std::make_unique<Val[]>(count);
      data_ = heap_.get();
    } else {
      data_ = reinterpret_cast<Val*>(inline_);
    }
  }
  ValSlots(const ValSlots&) = delete;
  ValSlots& operator=(const ValSlots&) = delete;
  Val* data() { return data_; }

 private:
  static constexpr size_t kInline = 8;
  alignas(Val) unsigned char inline_[kInline * sizeof(Val)];
  std::unique_ptr<Val[]> heap_;
  Val* data_;
};

// Converts, calls and converts back, with no allocation for up to 8 parameters and results. A
// trap is recorded and reported as a status, so the wasm-to-array trampoline leaves the wasm
// frames once everything here has been destroyed.
uint64_t dynamicHostEntry(runtime::VMHostFuncContext* context, runtime::ValRaw* values) {
  auto& state = *static_cast<DynamicHostState*>(context->host_data);
  const wasm::FuncType& type = state.type;
  auto trapped = [](Trap&& trap) {
    detail::recordHostTrap(std::move(trap));
    return detail::kStatusTrapped;
  };
  const size_t param_count = type.param_count;
  const std::span<const wasm::ValType> result_types = type.results();
  ValSlots slots(param_count + result_types.size());
  Val* const params = slots.data();
  Val* const results = params + param_count;
  for (size_t i = 0; i < param_count; ++i)
    new (&params[i]) Val(detail::fromRaw(type.types[i], values[i], state.store));
  for (size_t i = 0; i < result_types.size(); ++i)
    new (&results[i]) Val(Val::zero(detail::fromWasm(result_types[i])));
  try {
    Result<void> outcome = state.callback(std::span<const Val>(params, param_count),
                                          std::span<Val>(results, result_types.size()));
    if (!outcome) return trapped(detail::trapFromError(std::move(outcome.error())));
  } catch (const std::exception& e) {
    return trapped(detail::trapFromException(e.what()));
  } catch (...) {
    return trapped(detail::trapFromException(nullptr));
  }
  for (size_t i = 0; i < result_types.size(); ++i) {
    if (auto mismatch = detail::valMismatch(results[i], result_types[i], state.store)) [[unlikely]] {
      Trap bad;
      bad.kind = TrapKind::HostError;
      bad.message = "host function result " + std::to_string(i) + ": " + *mismatch;
      return trapped(std::move(bad));
    }
    values[i] = detail::toRaw(results[i]);
  }
  return detail::kStatusReturned;
}

std::string describeTypes(std::span<const wasm::ValType> types) {
  std::string text = "(";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) text += ' ';
    text += wasm::valTypeName(types[i]);
  }
  return text + ")";
}

}  // namespace

// ---- traps from host code -------------------------------------------------------------------

namespace detail {

void recordHostTrap(Trap&& trap) { runtime::recordTrap(toRuntime(std::move(trap))); }

void unwindHostTrap() { runtime::resumeAtInnermostLandingPad(); }

Trap trapFromError(Error&& error) {
  if (error.trap) return std::move(*error.trap);
  Trap trap;
  trap.kind = TrapKind::HostError;
  trap.message = std::move(error.message);
  return trap;
}

Trap trapFromException(const char* what) {
  Trap trap;
  trap.kind = TrapKind::HostError;
  trap.message = what != nullptr ? std::string("host function threw: ") + what
                                 : "host function threw an exception";
  return trap;
}

Result<void> prepareThreadForCalls() {
  if (runtime::Result<void> prepared = runtime::prepareThread(); !prepared) {
    Trap trap;
    trap.kind = TrapKind::HostError;
    trap.message = prepared.error().message;
    return Error::fromTrap(std::move(trap));
  }
  return {};
}

Error trappedCallError() { return Error::fromTrap(fromRuntime(runtime::takeTrap())); }

void* funcRefVmctx(runtime::VMFuncRef* ref) { return ref->vmctx; }
void* funcRefCode(runtime::VMFuncRef* ref) { return ref->code; }

}  // namespace detail

void trap(std::string_view message) {
  runtime::Trap trap = runtime::makeTrap(runtime::TrapKind::HostError);
  trap.message = message;
  runtime::raiseTrap(std::move(trap));
}

// ---- Func -----------------------------------------------------------------------------------

Result<Func> Func::createDynamic(Store& store, const FuncType& type, Callback callback) {
  detail::StoreState& state = detail::Access::store(store);
  wasm::FuncType wasm_type = detail::toWasm(type);
  void* trampoline = state.engine().trampolines().wasmToArray(wasm_type);
  if (trampoline == nullptr)
    return detail::argumentError("no wasm-to-host trampoline for " + wasm_type.toString());
  auto* host_state = new DynamicHostState{&state, wasm_type, std::move(callback)};
  runtime::HostFunction* function = state.createHostFunction(
      std::move(wasm_type), trampoline, reinterpret_cast<void*>(&dynamicHostEntry), host_state,
      [](void* p) { delete static_cast<DynamicHostState*>(p); });
  return Func(&state, function->funcRef());
}

Result<Func> Func::createNative(Store& store, const FuncType& type, void* entry,
                                void* direct_entry, void* host_state,
                                void (*delete_state)(void*)) {
  detail::StoreState& state = detail::Access::store(store);
  wasm::FuncType wasm_type = detail::toWasm(type);
  trampoline::TrampolineCache& trampolines = state.engine().trampolines();
  // The jump when every parameter has a register: one call and return fewer per crossing.
  void* trampoline = trampolines.wasmToNativeDirect(wasm_type);
  void* callback = direct_entry;
  if (trampoline == nullptr) {
    trampoline = trampolines.wasmToNative(wasm_type);
    callback = entry;
  }
  if (trampoline == nullptr) {
    delete_state(host_state);
    return detail::argumentError("no wasm-to-native trampoline for " + wasm_type.toString());
  }
  runtime::HostFunction* function = state.createHostFunction(std::move(wasm_type), trampoline,
                                                             callback, host_state, delete_state);
  return Func(&state, function->funcRef());
}

FuncType Func::type() const {
  const wasm::FuncType* type = store_->types().lookup(ref_->type_id);
  return type != nullptr ? detail::fromWasm(*type) : FuncType{};
}

namespace {

// Why a dynamic call cannot be made, in the order the checks are documented; only called once
// the fast checks in Func::call failed, so some error is found.
[[gnu::noinline, gnu::cold]] Error dynamicCallError(const detail::DynamicEntry& callee,
                                                    detail::StoreState& store,
                                                    std::span<const Val> args,
                                                    std::span<Val> results) {
  if (callee.type == nullptr) return detail::argumentError("call of a function of unknown type");
  const wasm::FuncType& type = *callee.type;
  const std::span<const wasm::ValType> params = type.params();
  const std::span<const wasm::ValType> result_types = type.results();
  if (args.size() != params.size()) {
    return detail::argumentError("expected " + std::to_string(params.size()) + " arguments " +
                                 describeTypes(params) + ", got " + std::to_string(args.size()));
  }
  if (results.size() != result_types.size()) {
    return detail::argumentError("expected room for " + std::to_string(result_types.size()) +
                                 " results " + describeTypes(result_types) + ", got " +
                                 std::to_string(results.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (auto mismatch = detail::valMismatch(args[i], params[i], &store))
      return detail::argumentError("argument " + std::to_string(i) + ": " + *mismatch);
  }
  return detail::argumentError("no array-to-wasm trampoline for " + type.toString());
}

}  // namespace

namespace {

// A checked dynamic call's arguments in, the call, its results out, through `values` (room for
// the larger of the two counts): the same slots serve both ways.
Result<void> callThroughValues(trampoline::ArrayToWasmFn entry, const runtime::VMFuncRef& ref,
                               const wasm::ValType* result_types, detail::StoreState& store,
                               std::span<const Val> args, std::span<Val> results,
                               runtime::ValRaw* values) {
  for (size_t i = 0; i < args.size(); ++i) values[i] = detail::toRaw(args[i]);
  runtime::EntryStatus status = entry(ref.vmctx, ref.code, values);
  if (status == runtime::EntryStatus::ThreadNotReady) [[unlikely]] {
    if (Result<void> prepared = detail::prepareThreadForCalls(); !prepared) return prepared;
    status = entry(ref.vmctx, ref.code, values);
  }
  if (status != runtime::EntryStatus::Returned) [[unlikely]]
    return detail::trappedCallError();
  for (size_t i = 0; i < results.size(); ++i)
    results[i] = detail::fromRaw(result_types[i], values[i], &store);
  return {};
}

// The same with more values than a call keeps on its stack.
[[gnu::noinline]] Result<void> callThroughHeapValues(trampoline::ArrayToWasmFn entry,
                                                     const runtime::VMFuncRef& ref,
                                                     const wasm::ValType* result_types,
                                                     detail::StoreState& store,
                                                     std::span<const Val> args,
                                                     std::span<Val> results) {
  std::vector<runtime::ValRaw> values(std::max(args.size(), results.size()));
  return callThroughValues(entry, ref, result_types, store, args, results, values.data());
}

constexpr size_t kStackValues = 8;

}  // namespace

Result<void> Func::call(std::span<const Val> args, std::span<Val> results) const {
  detail::StoreState& store = *store_;
  // The callee's counts and types come from the store's table by type id (DynamicEntry), not
  // from its FuncType: fewer dependent loads before the call. Read in place, not copied (the
  // copy was four stores and four loads on a path of about forty instructions): what the way
  // back needs is read before the call, which may add entries to the table.
  const detail::DynamicEntry& callee = store.dynamicEntry(ref_->type_id);
  bool callable = callee.entry != nullptr && args.size() == callee.param_count &&
                  results.size() == callee.result_count;
  for (size_t i = 0; callable && i < args.size(); ++i)
    callable = detail::valFits(args[i], callee.types[i], &store);
  if (!callable) [[unlikely]]
    return dynamicCallError(callee, store, args, results);
  const wasm::ValType* result_types = callee.types + callee.param_count;
  // Most calls' values fit on the stack; the others' allocation stays out of this path, which
  // then keeps nothing to free.
  if (args.size() > kStackValues || results.size() > kStackValues) [[unlikely]]
    return callThroughHeapValues(callee.entry, *ref_, result_types, store, args, results);
  runtime::ValRaw values[kStackValues];
  return callThroughValues(callee.entry, *ref_, result_types, store, args, results, values);
}

Result<std::vector<Val>> Func::call(std::span<const Val> args) const {
  const size_t result_count = store_->dynamicEntry(ref_->type_id).result_count;
  std::vector<Val> results(result_count);
  if (Result<void> called = call(args, results); !called) return called.error();
  return results;
}

Result<void*> Func::typedEntry(Store& store, const FuncType& type) const {
  if (&detail::Access::store(store) != store_)
    return detail::argumentError("typed(): the function belongs to another store");
  const wasm::FuncType* actual = store_->types().lookup(ref_->type_id);
  const wasm::FuncType wanted = detail::toWasm(type);
  if (actual == nullptr || *actual != wanted) {
    return detail::argumentError("typed(): the function's type is " +
                                 (actual != nullptr ? actual->toString() : std::string("unknown")) +
                                 ", not " + wanted.toString());
  }
  void* entry = store_->nativeToWasm(ref_->type_id);
  if (entry == nullptr)
    return detail::argumentError("no native-to-wasm trampoline for " + wanted.toString());
  return entry;
}

}  // namespace wisp
