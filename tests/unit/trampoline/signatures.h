// The parameter lists the trampoline tests run through every kind of crossing: 0 to 20
// parameters of mixed types, and 20 of one type, so both register classes run out (6 general
// and 8 float argument registers) alone and together.
#pragma once

#include <cstdint>
#include <tuple>
#include <utility>

#include <gtest/gtest.h>

#include "api_test_support.h"

namespace wisp::test {

using ValueKinds = std::tuple<int32_t, int64_t, float, double>;

// N parameters whose types cycle through i32, i64, f32, f64 with the given stride and offset.
template <size_t N, size_t Stride, size_t Offset, typename = std::make_index_sequence<N>>
struct Mixed;
template <size_t N, size_t Stride, size_t Offset, size_t... I>
struct Mixed<N, Stride, Offset, std::index_sequence<I...>> {
  using Params = std::tuple<std::tuple_element_t<(I * Stride + Offset) % 4, ValueKinds>...>;
};

// R(Ps...) from R and std::tuple<Ps...>: the signature of a typed call.
template <typename R, typename Tuple>
struct FunctionOf;
template <typename R, typename... Ps>
struct FunctionOf<R, std::tuple<Ps...>> {
  using Type = R(Ps...);
};

using Signatures = ::testing::Types<
    Mixed<0, 1, 0>, Mixed<1, 1, 0>, Mixed<2, 1, 1>, Mixed<3, 1, 2>, Mixed<4, 1, 3>,
    Mixed<5, 1, 0>, Mixed<6, 1, 1>, Mixed<7, 1, 2>, Mixed<8, 1, 3>, Mixed<9, 1, 0>,
    Mixed<10, 1, 1>, Mixed<11, 1, 2>, Mixed<12, 1, 3>, Mixed<13, 1, 0>, Mixed<14, 1, 1>,
    Mixed<15, 1, 2>, Mixed<16, 1, 3>, Mixed<17, 1, 0>, Mixed<18, 1, 1>, Mixed<19, 1, 2>,
    Mixed<20, 1, 3>,
    Mixed<20, 4, 0>,   // 20 x i32: 14 on the stack
    Mixed<20, 4, 1>,   // 20 x i64
    Mixed<20, 4, 2>,   // 20 x f32: 12 on the stack
    Mixed<20, 4, 3>,   // 20 x f64
    Mixed<20, 3, 1>,   // another interleaving
    Mixed<13, 2, 0>,   // i32 and f32 only
    Mixed<11, 2, 1>>;  // i64 and f64 only

// The distinctive arguments for a parameter list (see distinctiveValue).
template <typename Params>
Params argumentsFor() {
  return std::apply([]<typename... Ts>(Ts...) { return distinctiveValues<Ts...>(); }, Params{});
}

}  // namespace wisp::test
