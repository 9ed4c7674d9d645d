// Values on the `wisp run` command line: arguments parsed by the type of the parameter they
// are for, and results printed so that they read back to the same value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "wisp/val.h"

namespace wisp::cli {

// i32/i64: decimal or 0x-hex, optionally negative, signed or unsigned range ("4294967295" and
// "-1" are the same i32). f32/f64: decimal or 0x-hex floats, "inf", "-inf", "nan", "-nan",
// "nan:0xPAYLOAD". On failure, why (e.g. "out of range for i32").
std::variant<Val, std::string> parseArgument(std::string_view text, ValType type);

// A size in bytes for --max-memory: decimal digits, optionally followed by K, M or G (either
// case; 1024, 1024^2, 1024^3 bytes). On failure, why.
std::variant<uint64_t, std::string> parseByteCount(std::string_view text);

// A duration for --timeout: a decimal number (fractions allowed) followed by ms, s, m or h, or
// alone for seconds; in nanoseconds. On failure, why.
std::variant<uint64_t, std::string> parseDuration(std::string_view text);

// A count for --fuel: decimal digits. On failure, why.
std::variant<uint64_t, std::string> parseCount(std::string_view text);

// i32/i64 in signed decimal; f32/f64 in the shortest decimal that reads back to the same bits
// ("0.1", "1e+10", "-inf", "nan", "nan:0x200000" for a non-canonical NaN); v128 as four i32
// lanes in hex; references as "funcref:null" or "funcref".
std::string formatResult(const Val& value);

}  // namespace wisp::cli
