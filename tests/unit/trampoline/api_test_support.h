// Shared by the trampoline and trap tests: modules from WebAssembly text (wat2wasm at test
// time, with the name section), instantiation through the public API, and the values the
// signature tests send: distinctive per type and position, compared bit for bit.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "wisp/wisp.h"

namespace wisp::test {

// The binary of `wat` with its name section; fails the current test (and returns empty)
// when wat2wasm is missing or rejects the text.
std::vector<uint8_t> watToWasm(std::string_view wat);

// Compiles `wat` and instantiates it with `linker`; fails the test and returns nullopt when
// any step fails.
std::optional<Instance> instantiateWat(Store& store, Linker& linker, std::string_view wat);

// The offset of the first occurrence of `pattern` in `bytes` (that it occurs exactly once is
// checked), for locating an instruction in a binary independently of the runtime.
size_t findUnique(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& pattern);

// ---- the C++ value types of typed calls -----------------------------------------------------

template <typename T> struct WasmType;
template <> struct WasmType<int32_t> { static constexpr const char* kName = "i32"; };
template <> struct WasmType<int64_t> { static constexpr const char* kName = "i64"; };
template <> struct WasmType<float> { static constexpr const char* kName = "f32"; };
template <> struct WasmType<double> { static constexpr const char* kName = "f64"; };

// A value nobody would pass by accident, different for each position, with bits that catch
// truncation (high halves set), sign mix-ups and f32/f64 confusion (fractions f32 can't hold
// exactly as f64 and vice versa).
template <typename T>
T distinctiveValue(size_t position) {
  const auto k = static_cast<int64_t>(position) + 1;
  if constexpr (std::is_same_v<T, int32_t>) return static_cast<int32_t>(-1000003 * k) ^ 0x40000000;
  if constexpr (std::is_same_v<T, int64_t>) return static_cast<int64_t>(0x0102030405060708ull * k) | (int64_t{1} << 62);
  if constexpr (std::is_same_v<T, float>) return static_cast<float>(k) * 1.25f + 0.1f;
  if constexpr (std::is_same_v<T, double>) return -static_cast<double>(k) * 3.14159265358979 - 1e-9;
}

// The value's bits, zero-extended: what the wasm checksum mixes in.
template <typename T>
uint64_t bitsOf(T value) {
  if constexpr (sizeof(T) == 4) return std::bit_cast<uint32_t>(value);
  else return std::bit_cast<uint64_t>(value);
}

// Order-sensitive, so swapped arguments change it (wrapping arithmetic, like i64 in wasm).
inline uint64_t mixChecksum(uint64_t acc, uint64_t bits) { return acc * 31 + bits; }

// The wat instructions that push the bits of local `index` of type T as an i64.
template <typename T>
std::string watBitsOfLocal(size_t index) {
  const std::string get = "(local.get " + std::to_string(index) + ")";
  if constexpr (std::is_same_v<T, int32_t>) return "(i64.extend_i32_u " + get + ")";
  if constexpr (std::is_same_v<T, int64_t>) return get;
  if constexpr (std::is_same_v<T, float>) return "(i64.extend_i32_u (i32.reinterpret_f32 " + get + "))";
  if constexpr (std::is_same_v<T, double>) return "(i64.reinterpret_f64 " + get + ")";
}

// The wat function body that checksums its parameters (types Ts...) into an i64, matching
// mixChecksum over bitsOf.
template <typename... Ts>
std::string watChecksumBody() {
  std::string body = "(local.set $acc (i64.const 0))\n";
  size_t index = 0;
  ((body += "(local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) " +
            watBitsOfLocal<Ts>(index++) + "))\n"),
   ...);
  return body + "(local.get $acc)";
}

template <typename... Ts>
std::string watParams() {
  std::string text;
  ((text += std::string(" ") + WasmType<Ts>::kName), ...);
  return text.empty() ? "" : "(param" + text + ")";
}

template <typename... Ts>
uint64_t expectedChecksum(const std::tuple<Ts...>& values) {
  uint64_t acc = 0;
  std::apply([&](const Ts&... v) { ((acc = mixChecksum(acc, bitsOf(v))), ...); }, values);
  return acc;
}

template <typename... Ts, size_t... I>
std::tuple<Ts...> distinctiveValuesAt(std::index_sequence<I...>) {
  return std::tuple<Ts...>{distinctiveValue<Ts>(I)...};
}
template <typename... Ts>
std::tuple<Ts...> distinctiveValues() {
  return distinctiveValuesAt<Ts...>(std::index_sequence_for<Ts...>{});
}

template <typename... Ts>
std::vector<Val> toVals(const std::tuple<Ts...>& values) {
  return std::apply([](const Ts&... v) { return std::vector<Val>{Val(v)...}; }, values);
}

// The Trap of a failed call, or a test failure.
template <typename T>
std::optional<Trap> trapOf(const Result<T>& result) {
  if (result.ok()) {
    ADD_FAILURE() << "the call succeeded; a trap was expected";
    return std::nullopt;
  }
  if (result.error().kind != ErrorKind::Trap || !result.error().trap) {
    ADD_FAILURE() << "not a trap: " << result.error().describe();
    return std::nullopt;
  }
  return *result.error().trap;
}

}  // namespace wisp::test
