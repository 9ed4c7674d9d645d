// Runs the commands of one wast2json script in order, judging each.
//
// Each command type has one handler (see kHandlers in wast_runner.cpp); types without one
// are skipped as needing execution. Adding execution means adding handlers for
// assert_return, assert_trap, action, register, ... next to the existing ones.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "wasm/features.h"
#include "wasm/module.h"
#include "wast_result.h"
#include "wast_script.h"

namespace wisp::cli {

class WastRunner {
 public:
  explicit WastRunner(wasm::Features features) : features_(features) {}

  // One result per command, in script order.
  std::vector<CommandResult> run(const WastScript& script);

 private:
  struct Outcome {
    Verdict verdict;
    std::string reason;
  };
  using Handler = Outcome (WastRunner::*)(const nlohmann::json& command);
  struct HandlerEntry {
    std::string_view type;
    Handler handler;
  };
  static const HandlerEntry kHandlers[];

  Outcome runCommand(const nlohmann::json& command, const std::string& type);

  Outcome runModule(const nlohmann::json& command);
  Outcome runAssertMalformed(const nlohmann::json& command);
  Outcome runAssertInvalid(const nlohmann::json& command);
  Outcome skipNeedsExecution(const nlohmann::json& command);

  // A module file named by the command must be rejected with the `expected` kind.
  Outcome expectRejection(const nlohmann::json& command, wasm::ErrorKind expected);
  // The bytes of the module file the command names, or why they could not be read.
  std::variant<std::vector<uint8_t>, std::string> readModuleFile(const nlohmann::json& command) const;

  wasm::Features features_;
  const WastScript* script_ = nullptr;  // the script being run
  std::unique_ptr<wasm::Module> current_module_;  // the last `module` that decoded
};

}  // namespace wisp::cli
