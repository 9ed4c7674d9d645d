// Functions: exported by instances or provided by the host.
//
//   Result<std::vector<Val>> r = func.call({Val(1), Val(int64_t{2})});       // dynamic
//   auto add = func.typed<int32_t(int32_t, int32_t)>(store);                  // typed: checked once
//   Result<int32_t> sum = add->call(1, 2);                                   // native convention
//   auto log = Func::wrap(store, [](int32_t x) { std::printf("%d\n", x); }); // typed host function
//   auto dyn = Func::create(store, type, [](std::span<const Val> args, std::span<Val> results) {...});
//
//   Val out[1];
//   Result<void> r = func.call({Val(1), Val(int64_t{2})}, out);             // dynamic, no allocation
//
// A call that traps returns an Error of kind Trap with the Trap (kind, message, backtrace).
// Host functions trap by returning an Error (a Result<T> instead of T), or by calling
// wisp::trap(), which leaves at once (see there). Exceptions thrown by a host function become
// HostError traps; they never unwind through wasm frames.
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "wisp/detail/native_abi.h"
#include "wisp/result.h"
#include "wisp/store.h"
#include "wisp/types.h"
#include "wisp/val.h"

namespace wisp {

template <typename Signature>
class TypedFunc;

class Func {
 public:
  // A dynamic host function's body: reads `params`, writes `results` (which arrive holding
  // zero values of the result types). Returning an Error traps.
  using Callback = std::function<Result<void>(std::span<const Val> params, std::span<Val> results)>;

  // A host function of any signature; `callback` returns void or Result<void>.
  template <typename F>
  static Result<Func> create(Store& store, const FuncType& type, F&& callback);
  // A typed host function from a C++ callable taking and returning int32_t, uint32_t, int64_t,
  // uint64_t, float, double or V128 (or void / Result<T> as the return): wasm calls it directly in
  // the platform C convention, with no Val conversions.
  template <typename F>
  static Result<Func> wrap(Store& store, F&& callable);

  FuncType type() const;

  // Checks the arguments against the signature (count, types, store) and calls.
  Result<std::vector<Val>> call(std::span<const Val> args) const;
  // The same, writing the results into `results`, which must have room for exactly as many as
  // the function returns: no allocation per call.
  Result<void> call(std::span<const Val> args, std::span<Val> results) const;
  Result<std::vector<Val>> call(std::initializer_list<Val> args) const {
    return call(std::span<const Val>(args.begin(), args.size()));
  }
  Result<void> call(std::initializer_list<Val> args, std::span<Val> results) const {
    return call(std::span<const Val>(args.begin(), args.size()), results);
  }

  // A typed view for fast calls, e.g. typed<int32_t(int32_t, int64_t)>(store); fails when the
  // signature differs from the function's or the function belongs to another store.
  template <typename Signature>
  Result<TypedFunc<Signature>> typed(Store& store) const;

  // The same function (same funcref).
  bool operator==(const Func& other) const { return ref_ == other.ref_; }

 private:
  friend struct detail::Access;
  friend class Val;
  template <typename Signature>
  friend class TypedFunc;
  Func(detail::StoreState* store, runtime::VMFuncRef* ref) : store_(store), ref_(ref) {}

  static Result<Func> createDynamic(Store& store, const FuncType& type, Callback callback);
  // `entry` returns a status (NativeHostGlue::entry); `direct_entry`, for the trampoline that
  // jumps to it when the type allows, unwinds by itself (NativeHostGlue::direct).
  static Result<Func> createNative(Store& store, const FuncType& type, void* entry,
                                   void* direct_entry, void* state, void (*delete_state)(void*));
  // The native-to-wasm trampoline for a typed call of this function as `type`, or an error.
  Result<void*> typedEntry(Store& store, const FuncType& type) const;

  detail::StoreState* store_;
  runtime::VMFuncRef* ref_;
};

// Ends the running host function with a HostError trap carrying `message`. It leaves at once,
// like longjmp: destructors of the host function's own locals do not run, so prefer returning
// an Error when the function holds resources. Only valid inside a host function called from
// wasm.
[[noreturn]] void trap(std::string_view message);

template <typename R, typename... Params>
class TypedFunc<R(Params...)> {
 public:
  static_assert(std::is_void_v<R> || detail::kIsNativeType<R>,
                "typed calls return void, an integer, float, double or V128");

  // Straight into the native-to-wasm trampoline: on success nothing but its status check.
  Result<R> call(Params... params) const {
    const Out out = invoke(params...);
    if (detail::statusOf<NativeR>(out) != detail::kStatusReturned) [[unlikely]]
      return callFailed(detail::statusOf<NativeR>(out), params...);
    if constexpr (std::is_void_v<R>) return {};
    else return detail::fromNative<R>(out.value);
  }

  Func func() const { return func_; }

 private:
  friend class Func;
  TypedFunc(Func func, void* entry, void* vmctx, void* code)
      : func_(func), store_(func.store_), entry_(entry), vmctx_(vmctx), code_(code) {}

  using NativeR = detail::NativeOf<R>;
  using Out = detail::StatusReturn<NativeR>;

  Out invoke(Params... params) const {
    using Entry = Out (*)(void* callee_vmctx, void* callee_code, detail::NativeOf<Params>...);
    return reinterpret_cast<Entry>(entry_)(vmctx_, code_, detail::toNative(params)...);
  }

  // A trap, or a thread that has not run wasm yet: prepared once, then the call runs again.
  [[gnu::noinline, gnu::cold]] Result<R> callFailed(uint64_t status, Params... params) const {
    if (status == detail::kStatusThreadNotReady) {
      if (Result<void> prepared = detail::prepareThreadForCalls(); !prepared)
        return prepared.error();
      const Out out = invoke(params...);
      status = detail::statusOf<NativeR>(out);
      if (status == detail::kStatusReturned) {
        if constexpr (std::is_void_v<R>) return {};
        else return detail::fromNative<R>(out.value);
      }
    }
    return detail::trappedCallError();
  }

  Func func_;
  detail::StoreState* store_;
  void* entry_;  // the native-to-wasm trampoline
  void* vmctx_;
  void* code_;
};

// ---- templates ------------------------------------------------------------------------------

namespace detail {
void* funcRefVmctx(runtime::VMFuncRef* ref);
void* funcRefCode(runtime::VMFuncRef* ref);
}  // namespace detail

template <typename F>
Result<Func> Func::create(Store& store, const FuncType& type, F&& callback) {
  using Return = std::invoke_result_t<F&, std::span<const Val>, std::span<Val>>;
  if constexpr (std::is_void_v<Return>) {
    return createDynamic(store, type,
                         [f = std::forward<F>(callback)](std::span<const Val> params,
                                                         std::span<Val> results) mutable {
                           f(params, results);
                           return Result<void>();
                         });
  } else {
    static_assert(std::is_same_v<Return, Result<void>>,
                  "a dynamic host function returns void or Result<void>");
    return createDynamic(store, type, Callback(std::forward<F>(callback)));
  }
}

template <typename F>
Result<Func> Func::wrap(Store& store, F&& callable) {
  using Callable = std::decay_t<F>;
  using Traits = detail::CallableTraits<Callable>;
  using Return = typename Traits::Return;
  using Value = typename detail::HostReturn<Return>::Value;
  return [&]<typename... Params>(std::tuple<Params...>*) {
    using Glue = detail::NativeHostGlue<Callable, Return, std::remove_cvref_t<Params>...>;
    const FuncType type = detail::nativeFuncType<Value, std::remove_cvref_t<Params>...>();
    auto* state = new Callable(std::forward<F>(callable));
    return createNative(store, type, reinterpret_cast<void*>(&Glue::entry),
                        reinterpret_cast<void*>(&Glue::direct), state,
                        [](void* p) { delete static_cast<Callable*>(p); });
  }(static_cast<typename Traits::Params*>(nullptr));
}

template <typename Signature>
Result<TypedFunc<Signature>> Func::typed(Store& store) const {
  using Traits = detail::CallableTraits<Signature>;
  return [&]<typename... Params>(std::tuple<Params...>*) -> Result<TypedFunc<Signature>> {
    const FuncType type = detail::nativeFuncType<typename Traits::Return, Params...>();
    Result<void*> entry = typedEntry(store, type);
    if (!entry) return entry.error();
    return TypedFunc<Signature>(*this, *entry, detail::funcRefVmctx(ref_), detail::funcRefCode(ref_));
  }(static_cast<typename Traits::Params*>(nullptr));
}

}  // namespace wisp
