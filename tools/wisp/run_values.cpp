#include "run_values.h"

#include <bit>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>
#include <system_error>

namespace wisp::cli {
namespace {

// Splits off a leading sign; true when it was '-'.
bool takeSign(std::string_view& text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    const bool negative = text[0] == '-';
    text.remove_prefix(1);
    return negative;
  }
  return false;
}

bool takeHexPrefix(std::string_view& text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    return true;
  }
  return false;
}

// An integer of `bits` bits, in two's complement.
std::variant<uint64_t, std::string> parseInteger(std::string_view text, unsigned bits,
                                                 const char* type_name) {
  const bool negative = takeSign(text);
  const int base = takeHexPrefix(text) ? 16 : 10;
  uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (text.empty() || end != text.data() + text.size() || error == std::errc::invalid_argument)
    return std::string("not an integer (decimal or 0x-hex)");
  const uint64_t unsigned_max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t negative_max = uint64_t{1} << (bits - 1);
  if (error == std::errc::result_out_of_range || magnitude > (negative ? negative_max : unsigned_max))
    return std::string("out of range for ") + type_name;
  return negative ? (~magnitude + 1) & unsigned_max : magnitude;
}

template <typename Float, typename Bits>
std::variant<Float, std::string> parseFloat(std::string_view text) {
  constexpr int kMantissaBits = std::numeric_limits<Float>::digits - 1;
  constexpr Bits kSign = Bits{1} << (sizeof(Bits) * 8 - 1);
  constexpr Bits kQuietNan = std::bit_cast<Bits>(std::numeric_limits<Float>::quiet_NaN());
  const bool negative = takeSign(text);
  const Bits sign = negative ? kSign : 0;
  if (text == "inf" || text == "infinity")
    return std::bit_cast<Float>(std::bit_cast<Bits>(std::numeric_limits<Float>::infinity()) | sign);
  if (text == "nan") return std::bit_cast<Float>(kQuietNan | sign);
  if (text.starts_with("nan:")) {
    text.remove_prefix(4);
    if (!takeHexPrefix(text)) return std::string("a NaN payload is hex: nan:0x...");
    Bits payload = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), payload, 16);
    const Bits mantissa_mask = (Bits{1} << kMantissaBits) - 1;
    if (end != text.data() + text.size() || error != std::errc() || payload == 0 ||
        payload > mantissa_mask)
      return std::string("the NaN payload must be 1 to 0x") +
             (sizeof(Bits) == 4 ? "7fffff" : "fffffffffffff");
    const Bits exponent = std::bit_cast<Bits>(std::numeric_limits<Float>::infinity());
    return std::bit_cast<Float>(exponent | payload | sign);
  }
  if (!text.empty() && (text[0] == '-' || text[0] == '+'))
    return std::string("not a number (decimal, 0x-hex, inf or nan)");
  const bool hex = takeHexPrefix(text);
  Float value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value,
                                            hex ? std::chars_format::hex : std::chars_format::general);
  if (text.empty() || end != text.data() + text.size() || error == std::errc::invalid_argument)
    return std::string("not a number (decimal, 0x-hex, inf or nan)");
  if (error == std::errc::result_out_of_range)
    return std::string("out of range for ") + (sizeof(Bits) == 4 ? "f32" : "f64");
  return negative ? -value : value;
}

template <typename Float, typename Bits>
std::string formatFloat(Float value) {
  constexpr int kMantissaBits = std::numeric_limits<Float>::digits - 1;
  const Bits bits = std::bit_cast<Bits>(value);
  const bool negative = bits >> (sizeof(Bits) * 8 - 1);
  if (value != value) {
    const Bits payload = bits & ((Bits{1} << kMantissaBits) - 1);
    std::string text = negative ? "-nan" : "nan";
    if (payload != Bits{1} << (kMantissaBits - 1)) {  // not the canonical (quiet) NaN
      char hex[24];
      std::snprintf(hex, sizeof hex, ":0x%" PRIx64, static_cast<uint64_t>(payload));
      text += hex;
    }
    return text;
  }
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);  // shortest round trip
  return std::string(text, result.ptr);
}

// A v128 as the results print it: a lane shape and its lanes, in one argument separated by
// spaces or commas ("i32x4 1 2 3 4", "f32x4 1.5,-0,inf,nan", "i8x16 0 1 ... 15").
std::variant<Val, std::string> parseV128(std::string_view text) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find_first_of(" ,", at);
    const std::string_view word = text.substr(at, end == std::string_view::npos ? text.npos : end - at);
    if (!word.empty()) words.push_back(word);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  struct Shape {
    std::string_view name;
    unsigned lanes, bits;
    bool is_float;
  };
  static constexpr Shape kShapes[] = {{"i8x16", 16, 8, false}, {"i16x8", 8, 16, false},
                                      {"i32x4", 4, 32, false}, {"i64x2", 2, 64, false},
                                      {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true}};
  const Shape* shape = nullptr;
  for (const Shape& candidate : kShapes)
    if (!words.empty() && words[0] == candidate.name) shape = &candidate;
  if (shape == nullptr)
    return std::string("a v128 is a lane shape and its lanes, e.g. \"i32x4 1 2 3 4\" "
                       "(i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2)");
  if (words.size() != shape->lanes + 1)
    return std::string(shape->name) + " takes " + std::to_string(shape->lanes) + " lanes, got " +
           std::to_string(words.size() - 1);
  V128 value;
  for (unsigned lane = 0; lane < shape->lanes; ++lane) {
    const std::string_view word = words[lane + 1];
    uint64_t bits;
    if (shape->is_float && shape->bits == 32) {
      auto parsed = parseFloat<float, uint32_t>(word);
      if (auto* error = std::get_if<std::string>(&parsed)) return "lane " + std::to_string(lane) + ": " + *error;
      bits = std::bit_cast<uint32_t>(std::get<float>(parsed));
    } else if (shape->is_float) {
      auto parsed = parseFloat<double, uint64_t>(word);
      if (auto* error = std::get_if<std::string>(&parsed)) return "lane " + std::to_string(lane) + ": " + *error;
      bits = std::bit_cast<uint64_t>(std::get<double>(parsed));
    } else {
      auto parsed = parseInteger(word, shape->bits, shape->name.data());
      if (auto* error = std::get_if<std::string>(&parsed)) return "lane " + std::to_string(lane) + ": " + *error;
      bits = std::get<uint64_t>(parsed);
    }
    std::memcpy(value.bytes.data() + lane * (shape->bits / 8), &bits, shape->bits / 8);
  }
  return Val(value);
}

}  // namespace

std::variant<Val, std::string> parseArgument(std::string_view text, ValType type) {
  switch (type) {
    case ValType::I32: {
      auto bits = parseInteger(text, 32, "i32");
      if (auto* error = std::get_if<std::string>(&bits)) return *error;
      return Val(static_cast<int32_t>(static_cast<uint32_t>(std::get<uint64_t>(bits))));
    }
    case ValType::I64: {
      auto bits = parseInteger(text, 64, "i64");
      if (auto* error = std::get_if<std::string>(&bits)) return *error;
      return Val(static_cast<int64_t>(std::get<uint64_t>(bits)));
    }
    case ValType::F32: {
      auto value = parseFloat<float, uint32_t>(text);
      if (auto* error = std::get_if<std::string>(&value)) return *error;
      return Val(std::get<float>(value));
    }
    case ValType::F64: {
      auto value = parseFloat<double, uint64_t>(text);
      if (auto* error = std::get_if<std::string>(&value)) return *error;
      return Val(std::get<double>(value));
    }
    case ValType::V128: return parseV128(text);
    default:
      return std::string("parameters of type ") + valTypeName(type) +
             " cannot be given on the command line";
  }
}

std::variant<uint64_t, std::string> parseByteCount(std::string_view text) {
  const char* const kForm = "not a byte count: digits, optionally followed by K, M or G";
  uint64_t unit = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k': case 'K': unit = uint64_t{1} << 10; break;
      case 'm': case 'M': unit = uint64_t{1} << 20; break;
      case 'g': case 'G': unit = uint64_t{1} << 30; break;
      default: break;
    }
    if (unit != 1) text.remove_suffix(1);
  }
  uint64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  // from_chars takes no sign or spaces, but would accept a leading '-': digits only.
  if (text.empty() || text[0] < '0' || text[0] > '9' || end != text.data() + text.size())
    return std::string(kForm);
  if (error == std::errc::result_out_of_range || count > UINT64_MAX / unit)
    return std::string("too large for a byte count");
  return count * unit;
}

std::variant<uint64_t, std::string> parseDuration(std::string_view text) {
  const char* const kForm = "not a duration: a number followed by ms, s, m or h (e.g. 500ms, 2s)";
  struct Unit {
    std::string_view suffix;
    double nanoseconds;
  };
  // Longest suffixes first: "ms" before "s" and "m".
  constexpr Unit kUnits[] = {{"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double scale = 1e9;
  for (const Unit& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      scale = unit.nanoseconds;
      text.remove_suffix(unit.suffix.size());
      break;
    }
  }
  double amount = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (text.empty() || text[0] < '0' || text[0] > '9' || end != text.data() + text.size() ||
      error != std::errc())
    return std::string(kForm);
  const double nanoseconds = amount * scale;
  if (!(nanoseconds < 9e18)) return std::string("too long for a duration (the most is about 285 years)");
  return static_cast<uint64_t>(nanoseconds);
}

std::variant<uint64_t, std::string> parseCount(std::string_view text) {
  uint64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (text.empty() || text[0] < '0' || text[0] > '9' || end != text.data() + text.size())
    return std::string("not a count: decimal digits");
  if (error == std::errc::result_out_of_range) return std::string("too large (the most is 2^64-1)");
  return count;
}

std::string formatResult(const Val& value) {
  switch (value.type()) {
    case ValType::I32: return std::to_string(value.i32());
    case ValType::I64: return std::to_string(value.i64());
    case ValType::F32: return formatFloat<float, uint32_t>(value.f32());
    case ValType::F64: return formatFloat<double, uint64_t>(value.f64());
    case ValType::V128: {
      const V128 v = value.v128();
      std::string text = "i32x4";
      for (int lane = 0; lane < 4; ++lane) {
        uint32_t bits;
        std::memcpy(&bits, v.bytes.data() + 4 * lane, 4);
        char hex[16];
        std::snprintf(hex, sizeof hex, " 0x%08" PRIx32, bits);
        text += hex;
      }
      return text;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef:
      return std::string(valTypeName(value.type())) + (value.isNullRef() ? ":null" : "");
  }
  return value.toString();
}

}  // namespace wisp::cli
