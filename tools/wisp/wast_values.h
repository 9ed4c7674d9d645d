// Values in wast2json commands: arguments become wisp::Vals, expected results are patterns
// matched against what a call returned (exact bits, nan:canonical / nan:arithmetic, lane-wise
// v128, null and non-null references, ref.extern N, "either" alternatives).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "wisp/wisp.h"

namespace wisp::cli {

// `ref.extern N` of a script, as ExternRefs of one store: the same N is the same reference.
class ScriptExternRefs {
 public:
  explicit ScriptExternRefs(Store& store) : store_(&store) {}
  ExternRef get(uint64_t number);
  // The N an ExternRef was made for, if it came from here.
  static std::optional<uint64_t> numberOf(const ExternRef& ref);

 private:
  Store* store_;
  std::map<uint64_t, ExternRef> refs_;
};

// An argument value, or why it cannot be read.
std::variant<Val, std::string> parseValue(const nlohmann::json& value, ScriptExternRefs& externs);

// Why `actual` does not match the `expected` pattern, or nullopt when it does.
std::optional<std::string> valueMismatch(const nlohmann::json& expected, const Val& actual);

}  // namespace wisp::cli
