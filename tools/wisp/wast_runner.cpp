#include "wast_runner.h"

#include "file_bytes.h"

namespace wisp::cli {
namespace {

constexpr std::string_view kTextModuleReason = "text-form module: Wisp reads binaries";
constexpr std::string_view kNeedsExecutionReason = "needs execution (compiler not yet built)";

std::string expectedText(const nlohmann::json& command) {
  auto text = command.find("text");
  return text != command.end() && text->is_string() ? text->get<std::string>() : "";
}

bool isTextModule(const nlohmann::json& command) {
  auto module_type = command.find("module_type");
  return module_type != command.end() && *module_type == "text";
}

}  // namespace

const WastRunner::HandlerEntry WastRunner::kHandlers[] = {
    {"module", &WastRunner::runModule},
    {"assert_malformed", &WastRunner::runAssertMalformed},
    {"assert_invalid", &WastRunner::runAssertInvalid},
};

std::vector<CommandResult> WastRunner::run(const WastScript& script) {
  script_ = &script;
  current_module_.reset();
  std::vector<CommandResult> results;
  results.reserve(script.commands.size());
  for (const nlohmann::json& command : script.commands) {
    CommandResult result;
    result.file = script.source_name;
    if (command.is_object()) {
      auto line = command.find("line");
      if (line != command.end() && line->is_number_unsigned()) result.line = line->get<uint32_t>();
      auto type = command.find("type");
      if (type != command.end() && type->is_string()) result.type = type->get<std::string>();
    }
    Outcome outcome = runCommand(command, result.type);
    result.verdict = outcome.verdict;
    result.reason = std::move(outcome.reason);
    results.push_back(std::move(result));
  }
  script_ = nullptr;
  return results;
}

WastRunner::Outcome WastRunner::runCommand(const nlohmann::json& command, const std::string& type) {
  if (type.empty()) return {Verdict::Failed, "command without a \"type\" in the JSON"};
  for (const HandlerEntry& entry : kHandlers) {
    if (entry.type != type) continue;
    try {
      return (this->*entry.handler)(command);
    } catch (const nlohmann::json::exception& e) {
      // A field of the wrong JSON type: the input is at fault, not the module.
      return {Verdict::Failed, std::string("unexpected command shape in the JSON: ") + e.what()};
    }
  }
  return skipNeedsExecution(command);
}

WastRunner::Outcome WastRunner::runModule(const nlohmann::json& command) {
  current_module_.reset();
  auto bytes = readModuleFile(command);
  if (auto* read_error = std::get_if<std::string>(&bytes)) return {Verdict::Failed, *read_error};
  auto module = wasm::decodeModule(std::get<std::vector<uint8_t>>(bytes), {.features = features_});
  if (!module.ok()) return {Verdict::Failed, "module rejected: " + module.error().describe()};
  current_module_ = std::move(module.value());
  return {Verdict::Passed, ""};
}

WastRunner::Outcome WastRunner::runAssertMalformed(const nlohmann::json& command) {
  return expectRejection(command, wasm::ErrorKind::Malformed);
}

WastRunner::Outcome WastRunner::runAssertInvalid(const nlohmann::json& command) {
  return expectRejection(command, wasm::ErrorKind::Invalid);
}

WastRunner::Outcome WastRunner::skipNeedsExecution(const nlohmann::json&) {
  return {Verdict::Skipped, std::string(kNeedsExecutionReason)};
}

WastRunner::Outcome WastRunner::expectRejection(const nlohmann::json& command,
                                                wasm::ErrorKind expected) {
  if (isTextModule(command)) return {Verdict::Skipped, std::string(kTextModuleReason)};
  auto bytes = readModuleFile(command);
  if (auto* read_error = std::get_if<std::string>(&bytes)) return {Verdict::Failed, *read_error};

  std::string expectation =
      std::string("expected ") + wasm::errorKindName(expected) + " (\"" + expectedText(command) + "\")";
  auto module = wasm::decodeModule(std::get<std::vector<uint8_t>>(bytes), {.features = features_});
  if (module.ok()) return {Verdict::Failed, expectation + ", but the module was accepted"};
  const wasm::Error& error = module.error();
  if (error.kind != expected)
    return {Verdict::Failed, expectation + ", got: " + error.describe()};
  // The message itself is not compared: spec texts are hints, not identities.
  return {Verdict::Passed, ""};
}

std::variant<std::vector<uint8_t>, std::string> WastRunner::readModuleFile(
    const nlohmann::json& command) const {
  auto filename = command.find("filename");
  if (filename == command.end() || !filename->is_string())
    return std::string("command has no \"filename\" in the JSON");
  return readFileBytes(script_->module_dir / filename->get<std::string>());
}

}  // namespace wisp::cli
