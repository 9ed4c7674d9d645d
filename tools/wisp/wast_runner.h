// Runs the commands of one wast2json script in order, judging each.
//
// Each command type has one handler (see kHandlers in wast_runner.cpp); types without one are
// skipped. Modules are compiled and instantiated in a store of their own per script, linked
// against the `spectest` host module and whatever earlier modules `register`ed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "wasm/features.h"
#include "wasm/module.h"
#include "wast_result.h"
#include "wast_script.h"
#include "wast_values.h"
#include "wisp/wisp.h"

namespace wisp::cli {

class WastRunner {
 public:
  // `config` sets everything but the features, which come from `features`.
  WastRunner(wasm::Features features, Config config);

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

  // A module of the script: its instance, or why there is none (`skipped`: for a reason that
  // is Wisp's current limit, so commands using it are skipped rather than failed).
  struct ModuleSlot {
    std::optional<Instance> instance;
    std::string unavailable;
    bool skipped = false;
  };
  // What an action (invoke or get) came to: results, a trap or error, or no verdict-worthy
  // run at all (`outcome` set: the command is judged by it directly).
  struct ActionRun {
    std::optional<Outcome> outcome;
    Result<std::vector<Val>> result = std::vector<Val>{};
  };

  Outcome runCommand(const nlohmann::json& command, const std::string& type);

  Outcome runModule(const nlohmann::json& command);
  Outcome runRegister(const nlohmann::json& command);
  Outcome runAction(const nlohmann::json& command);
  Outcome runAssertReturn(const nlohmann::json& command);
  Outcome runAssertTrap(const nlohmann::json& command);
  Outcome runAssertExhaustion(const nlohmann::json& command);
  Outcome runAssertException(const nlohmann::json& command);
  Outcome runAssertUnlinkable(const nlohmann::json& command);
  Outcome runAssertUninstantiable(const nlohmann::json& command);
  Outcome runAssertMalformed(const nlohmann::json& command);
  Outcome runAssertInvalid(const nlohmann::json& command);
  Outcome skipUnsupported(const nlohmann::json& command);

  // Starts a fresh store and linker (with spectest) for a script.
  void resetSession();
  // A module file named by the command must be rejected with the `expected` kind.
  Outcome expectRejection(const nlohmann::json& command, wasm::ErrorKind expected);
  // The bytes of the module file the command names, or why they could not be read.
  std::variant<std::vector<uint8_t>, std::string> readModuleFile(const nlohmann::json& command) const;
  // Compiles the command's module file; on failure, the outcome that judges the command.
  std::variant<Module, Outcome> compileModuleFile(const nlohmann::json& command);
  // The instance an action names (its "module" field, else the latest module).
  std::variant<Instance, Outcome> actionInstance(const nlohmann::json& action);
  ActionRun performAction(const nlohmann::json& command);
  // A trap whose message starts with the command's "text" passes.
  Outcome expectTrap(const nlohmann::json& command, const Result<std::vector<Val>>& result,
                     std::optional<TrapKind> required_kind);

  Engine engine_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Linker> linker_;
  std::optional<ScriptExternRefs> externrefs_;
  std::string session_error_;  // why the session could not be set up (spectest), if it could not
  ModuleSlot current_;
  std::unordered_map<std::string, ModuleSlot> named_;

  wasm::Features features_;
  const WastScript* script_ = nullptr;  // the script being run
  bool simd_script_ = false;            // a simd_*.wast file: unsupported SIMD compiles skip
};

}  // namespace wisp::cli
