#include "wast_values.h"

#include <charconv>
#include <cstring>

namespace wisp::cli {
namespace {

struct LaneShape {
  size_t bytes;  // per lane
  bool is_float;
};

std::optional<LaneShape> laneShape(const std::string& lane_type) {
  if (lane_type == "i8") return LaneShape{1, false};
  if (lane_type == "i16") return LaneShape{2, false};
  if (lane_type == "i32") return LaneShape{4, false};
  if (lane_type == "i64") return LaneShape{8, false};
  if (lane_type == "f32") return LaneShape{4, true};
  if (lane_type == "f64") return LaneShape{8, true};
  return std::nullopt;
}

// wast2json writes integers and float bits as unsigned decimal; accept a sign too.
std::optional<uint64_t> parseBits(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (text[0] == '-') {
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return static_cast<uint64_t>(value);
  }
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<ValType> valTypeNamed(const std::string& name) {
  if (name == "i32") return ValType::I32;
  if (name == "i64") return ValType::I64;
  if (name == "f32") return ValType::F32;
  if (name == "f64") return ValType::F64;
  if (name == "v128") return ValType::V128;
  if (name == "funcref") return ValType::FuncRef;
  if (name == "externref") return ValType::ExternRef;
  return std::nullopt;
}

std::string stringField(const nlohmann::json& value, const char* field) {
  auto it = value.find(field);
  return it != value.end() && it->is_string() ? it->get<std::string>() : "";
}

// NaN patterns: canonical is exactly the quiet NaN with no payload (either sign); arithmetic
// is any quiet NaN.
bool matchesFloatPattern(const std::string& pattern, uint64_t bits, size_t bytes,
                         std::optional<uint64_t> exact) {
  const uint64_t sign_mask = bytes == 4 ? 0x80000000ull : 0x8000000000000000ull;
  const uint64_t quiet_nan = bytes == 4 ? 0x7FC00000ull : 0x7FF8000000000000ull;
  if (pattern == "nan:canonical") return (bits & ~sign_mask) == quiet_nan;
  if (pattern == "nan:arithmetic") return (bits & quiet_nan) == quiet_nan;
  return exact && *exact == bits;
}

std::string describeLanes(const V128& value, const LaneShape& shape) {
  std::string text = "[";
  for (size_t offset = 0; offset < 16; offset += shape.bytes) {
    uint64_t lane = 0;
    std::memcpy(&lane, value.bytes.data() + offset, shape.bytes);
    if (offset) text += ' ';
    text += std::to_string(lane);
  }
  return text + "]";
}

std::optional<std::string> v128Mismatch(const nlohmann::json& expected, const Val& actual) {
  const std::string lane_type = stringField(expected, "lane_type");
  std::optional<LaneShape> shape = laneShape(lane_type);
  auto lanes = expected.find("value");
  if (!shape || lanes == expected.end() || !lanes->is_array() ||
      lanes->size() != 16 / shape->bytes)
    return "unreadable v128 expectation " + expected.dump();
  const V128 value = actual.v128();
  for (size_t i = 0; i < lanes->size(); ++i) {
    uint64_t lane = 0;
    std::memcpy(&lane, value.bytes.data() + i * shape->bytes, shape->bytes);
    const std::string pattern = (*lanes)[i].get<std::string>();
    std::optional<uint64_t> exact = parseBits(pattern);
    if (exact && shape->bytes < 8) *exact &= (uint64_t{1} << (8 * shape->bytes)) - 1;
    const bool ok = shape->is_float ? matchesFloatPattern(pattern, lane, shape->bytes, exact)
                                    : exact && *exact == lane;
    if (!ok)
      return "lane " + std::to_string(i) + " of " + lane_type + "x" + std::to_string(lanes->size()) +
             " " + describeLanes(value, *shape) + " does not match " + pattern;
  }
  return std::nullopt;
}

}  // namespace

ExternRef ScriptExternRefs::get(uint64_t number) {
  auto it = refs_.find(number);
  if (it == refs_.end()) it = refs_.emplace(number, ExternRef::create(*store_, number)).first;
  return it->second;
}

std::optional<uint64_t> ScriptExternRefs::numberOf(const ExternRef& ref) {
  if (const uint64_t* number = std::any_cast<uint64_t>(&ref.data())) return *number;
  return std::nullopt;
}

std::variant<Val, std::string> parseValue(const nlohmann::json& value, ScriptExternRefs& externs) {
  const std::string type_name = stringField(value, "type");
  std::optional<ValType> type = valTypeNamed(type_name);
  if (!type) return "unsupported value type \"" + type_name + "\"";
  if (*type == ValType::V128) {
    std::optional<LaneShape> shape = laneShape(stringField(value, "lane_type"));
    auto lanes = value.find("value");
    if (!shape || lanes == value.end() || !lanes->is_array() || lanes->size() != 16 / shape->bytes)
      return "unreadable v128 value " + value.dump();
    V128 v128;
    for (size_t i = 0; i < lanes->size(); ++i) {
      std::optional<uint64_t> lane = parseBits((*lanes)[i].get<std::string>());
      if (!lane) return "unreadable v128 lane in " + value.dump();
      std::memcpy(v128.bytes.data() + i * shape->bytes, &*lane, shape->bytes);
    }
    return Val(v128);
  }
  const std::string text = stringField(value, "value");
  if (*type == ValType::FuncRef) {
    if (text == "null") return Val::nullFuncRef();
    return "a funcref argument other than null: " + value.dump();
  }
  if (*type == ValType::ExternRef) {
    if (text == "null") return Val::nullExternRef();
    std::optional<uint64_t> number = parseBits(text);
    if (!number) return "unreadable externref " + value.dump();
    return Val(externs.get(*number));
  }
  std::optional<uint64_t> bits = parseBits(text);
  if (!bits) return "unreadable " + type_name + " value " + value.dump();
  switch (*type) {
    case ValType::I32: return Val(static_cast<int32_t>(static_cast<uint32_t>(*bits)));
    case ValType::I64: return Val(static_cast<int64_t>(*bits));
    case ValType::F32: return Val::f32FromBits(static_cast<uint32_t>(*bits));
    case ValType::F64: return Val::f64FromBits(*bits);
    default: break;
  }
  return "unsupported value " + value.dump();
}

std::optional<std::string> valueMismatch(const nlohmann::json& expected, const Val& actual) {
  const std::string type_name = stringField(expected, "type");
  if (type_name == "either") {
    auto alternatives = expected.find("values");
    if (alternatives == expected.end() || !alternatives->is_array())
      return "unreadable \"either\" expectation " + expected.dump();
    for (const nlohmann::json& alternative : *alternatives)
      if (!valueMismatch(alternative, actual)) return std::nullopt;
    return "expected one of " + alternatives->dump() + ", got " + actual.toString();
  }
  std::optional<ValType> type = valTypeNamed(type_name);
  if (!type) return "unsupported expected type \"" + type_name + "\"";
  if (actual.type() != *type)
    return "expected a " + type_name + ", got " + actual.toString();
  if (*type == ValType::V128) return v128Mismatch(expected, actual);

  auto value = expected.find("value");
  const bool any_value = value == expected.end();  // (ref.func) / (ref.extern): any non-null
  const std::string text = any_value ? "" : stringField(expected, "value");
  auto mismatch = [&] { return "expected " + type_name + ":" + (any_value ? "<non-null>" : text) + ", got " + actual.toString(); };

  switch (*type) {
    case ValType::FuncRef:
      if (text == "null") return actual.isNullRef() ? std::nullopt : std::optional(mismatch());
      // (ref.func): any non-null funcref; wast2json writes it without a value or as "0".
      return actual.isNullRef() ? std::optional(mismatch()) : std::nullopt;
    case ValType::ExternRef: {
      if (any_value) return actual.isNullRef() ? std::optional(mismatch()) : std::nullopt;
      if (text == "null") return actual.isNullRef() ? std::nullopt : std::optional(mismatch());
      std::optional<uint64_t> number = parseBits(text);
      std::optional<ExternRef> ref = actual.externref();
      if (number && ref && ScriptExternRefs::numberOf(*ref) == number) return std::nullopt;
      if (ref && ScriptExternRefs::numberOf(*ref))
        return "expected externref:" + text + ", got externref:" + std::to_string(*ScriptExternRefs::numberOf(*ref));
      return mismatch();
    }
    case ValType::F32:
      return matchesFloatPattern(text, actual.f32Bits(), 4, parseBits(text)) ? std::nullopt
                                                                            : std::optional(mismatch());
    case ValType::F64:
      return matchesFloatPattern(text, actual.f64Bits(), 8, parseBits(text)) ? std::nullopt
                                                                            : std::optional(mismatch());
    case ValType::I32: {
      std::optional<uint64_t> bits = parseBits(text);
      return bits && static_cast<uint32_t>(*bits) == static_cast<uint32_t>(actual.i32())
                 ? std::nullopt
                 : std::optional(mismatch());
    }
    case ValType::I64: {
      std::optional<uint64_t> bits = parseBits(text);
      return bits && *bits == static_cast<uint64_t>(actual.i64()) ? std::nullopt
                                                                  : std::optional(mismatch());
    }
    default: break;
  }
  return mismatch();
}

}  // namespace wisp::cli
