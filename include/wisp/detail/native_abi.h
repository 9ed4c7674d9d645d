// How C++ types map to wasm value types for typed calls (Func::typed) and typed host functions
// (Func::wrap), and the glue that lets compiled code call a C++ callable directly in the
// platform C convention. Internal: include wisp/func.h instead.
#pragma once

#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "wisp/forward.h"
#include "wisp/result.h"
#include "wisp/types.h"

namespace wisp::detail {

template <typename T>
struct NativeType {
  static constexpr bool kSupported = false;
};
template <> struct NativeType<int32_t> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::I32; };
template <> struct NativeType<uint32_t> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::I32; };
template <> struct NativeType<int64_t> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::I64; };
template <> struct NativeType<uint64_t> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::I64; };
template <> struct NativeType<float> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::F32; };
template <> struct NativeType<double> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::F64; };
template <> struct NativeType<V128> { static constexpr bool kSupported = true; static constexpr ValType kType = ValType::V128; };

template <typename T>
inline constexpr bool kIsNativeType = NativeType<std::remove_cvref_t<T>>::kSupported;

// How a value crosses a native call. A v128 goes as a 16-byte vector, which the C conventions
// pass and return in one vector register (System V: an xmm register; AAPCS64: a q register),
// where V128, a struct of bytes, would go in two general registers.
typedef uint64_t NativeV128 __attribute__((vector_size(16)));
template <typename T>
struct Crossing {
  using Native = T;
  static T toNative(T value) { return value; }
  static T fromNative(T value) { return value; }
};
template <>
struct Crossing<void> {
  using Native = void;
};
template <>
struct Crossing<V128> {
  using Native = NativeV128;
  static NativeV128 toNative(const V128& value) {
    NativeV128 native;
    std::memcpy(&native, value.bytes.data(), sizeof native);
    return native;
  }
  static V128 fromNative(NativeV128 native) {
    V128 value;
    std::memcpy(value.bytes.data(), &native, sizeof native);
    return value;
  }
};
template <typename T>
using NativeOf = typename Crossing<std::remove_cvref_t<T>>::Native;
template <typename T>
NativeOf<T> toNative(const T& value) { return Crossing<std::remove_cvref_t<T>>::toNative(value); }
template <typename T>
std::remove_cvref_t<T> fromNative(NativeOf<T> native) {
  return Crossing<std::remove_cvref_t<T>>::fromNative(native);
}

// The wasm results of a C++ return type: void is none, a native type is one.
template <typename R>
void appendResultType(std::vector<ValType>& results) {
  if constexpr (!std::is_void_v<R>) {
    static_assert(kIsNativeType<R>, "typed functions return void, an integer, float, double or V128");
    results.push_back(NativeType<R>::kType);
  }
}

template <typename R, typename... Params>
FuncType nativeFuncType() {
  static_assert((kIsNativeType<Params> && ...),
                "typed function parameters are int32_t, uint32_t, int64_t, uint64_t, float, double or V128");
  FuncType type;
  type.params = {NativeType<std::remove_cvref_t<Params>>::kType...};
  appendResultType<R>(type.results);
  return type;
}

// What a host callable may return: a value, void, or a Result of either (its Error becomes a
// trap: Error::trap if set, else a HostError trap with the error's message).
template <typename R>
struct HostReturn {
  using Value = R;
  static constexpr bool kFallible = false;
};
template <typename T>
struct HostReturn<Result<T>> {
  using Value = T;
  static constexpr bool kFallible = true;
};

// The parameter and return types of a callable: lambdas, function objects, function pointers.
template <typename F>
struct CallableTraits : CallableTraits<decltype(&std::remove_cvref_t<F>::operator())> {};
template <typename R, typename... Args>
struct CallableTraits<R (*)(Args...)> {
  using Return = R;
  using Params = std::tuple<Args...>;
};
template <typename R, typename... Args>
struct CallableTraits<R(Args...)> : CallableTraits<R (*)(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableTraits<R (C::*)(Args...) const> : CallableTraits<R (*)(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableTraits<R (C::*)(Args...)> : CallableTraits<R (*)(Args...)> {};

// VMHostFuncContext::host_data, the stored callable. The offset is checked against the
// runtime's layout by a static_assert in the library.
inline constexpr size_t kHostDataOffset = 16;
inline void* hostData(runtime::VMHostFuncContext* context) {
  void* data;
  std::memcpy(&data, reinterpret_cast<char*>(context) + kHostDataOffset, sizeof data);
  return data;
}

// ---- crossing statuses ------------------------------------------------------------------------
//
// A host-to-wasm entry and a typed host function return a status word next to their result,
// as this struct: System V returns it in registers (the status in the general register the
// result does not take), so the success path costs one register move. With a v128 result the
// struct is too big for registers and goes through memory the caller provides, as the
// convention says. The values are runtime::EntryStatus's.
inline constexpr uint64_t kStatusReturned = 0;
inline constexpr uint64_t kStatusTrapped = 1;
inline constexpr uint64_t kStatusThreadNotReady = 2;

template <typename R>
struct WithStatus {
  R value;
  uint64_t status;
};
template <typename R>
using StatusReturn = std::conditional_t<std::is_void_v<R>, uint64_t, WithStatus<R>>;

template <typename R>
uint64_t statusOf(const StatusReturn<R>& out) {
  if constexpr (std::is_void_v<R>) return out;
  else return out.status;
}

// Hands `trap` to the innermost call into wasm, for a host function about to return
// kStatusTrapped to its trampoline.
void recordHostTrap(Trap&& trap);
Trap trapFromError(Error&& error);
Trap trapFromException(const char* what);

// Leaves the wasm frames of the innermost call into wasm after a host function recorded a trap
// (recordHostTrap): resumes at that call's landing pad. Never returns.
[[noreturn]] void unwindHostTrap();

// What NativeHostGlue::direct returns for a value: a 32-bit integer widened with zeros (the C
// convention leaves the upper half of its register undefined, Wisp's keeps it zero).
template <typename V>
constexpr bool isWord32() {
  if constexpr (std::is_integral_v<V>) return sizeof(V) == 4;
  else return false;
}
template <typename V>
using DirectReturn = std::conditional_t<isWord32<V>(), uint64_t, NativeOf<V>>;

// Compiled code calls `entry` through the wasm-to-native trampoline. A trap (an Error returned,
// an exception thrown) is recorded and reported as a status, so the trampoline leaves the wasm
// frames only after every host frame has returned normally.
template <typename F, typename R, typename... Params>
struct NativeHostGlue {
  using Value = typename HostReturn<R>::Value;
  using Out = StatusReturn<NativeOf<Value>>;

  static Out trapped(Trap&& trap) {
    recordHostTrap(std::move(trap));
    if constexpr (std::is_void_v<Value>) return kStatusTrapped;
    else return Out{NativeOf<Value>{}, kStatusTrapped};
  }

  static Out entry(runtime::VMHostFuncContext* context, NativeOf<Params>... params) {
    F& callable = *static_cast<F*>(hostData(context));
    try {
      if constexpr (HostReturn<R>::kFallible) {
        R result = callable(fromNative<Params>(params)...);
        if (!result.ok()) return trapped(trapFromError(std::move(result.error())));
        if constexpr (std::is_void_v<Value>) return kStatusReturned;
        else return Out{toNative(*result), kStatusReturned};
      } else if constexpr (std::is_void_v<Value>) {
        callable(fromNative<Params>(params)...);
        return kStatusReturned;
      } else {
        return Out{toNative(callable(fromNative<Params>(params)...)), kStatusReturned};
      }
    } catch (const std::exception& e) {
      return trapped(trapFromException(e.what()));
    } catch (...) {
      return trapped(trapFromException(nullptr));
    }
  }

  // The same for the wasm-to-native-direct trampoline, which jumps here so that this returns
  // to wasm itself: the bare value, or on a trap the unwind, once `entry` has returned and
  // everything of the call is destroyed.
  static DirectReturn<Value> direct(runtime::VMHostFuncContext* context,
                                    NativeOf<Params>... params) {
    const Out out = entry(context, params...);
    if (statusOf<NativeOf<Value>>(out) != kStatusReturned) [[unlikely]] unwindHostTrap();
    if constexpr (std::is_void_v<Value>) {
      return;
    } else if constexpr (std::is_integral_v<Value> && sizeof(Value) == 4) {
      return static_cast<uint32_t>(out.value);
    } else {
      return out.value;
    }
  }
};

// The slow paths of a typed call, out of line: prepares the thread (an error if it cannot run
// wasm), and takes the trap that ended a call.
Result<void> prepareThreadForCalls();
Error trappedCallError();

}  // namespace wisp::detail
