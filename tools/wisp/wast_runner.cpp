#include "wast_runner.h"

#include <filesystem>

#include "file_bytes.h"
#include "spectest_host.h"

namespace wisp::cli {
namespace {

constexpr std::string_view kTextModuleReason = "text-form module: Wisp reads binaries";
constexpr std::string_view kSimdReason = "SIMD execution not yet compiled";

std::string stringField(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string expectedText(const nlohmann::json& command) { return stringField(command, "text"); }

bool isTextModule(const nlohmann::json& command) {
  auto module_type = command.find("module_type");
  return module_type != command.end() && *module_type == "text";
}

Features apiFeatures(const wasm::Features& f) {
  Features out;
  out.simd = f.simd;
  out.relaxed_simd = f.relaxed_simd;
  out.tail_call = f.tail_call;
  out.extended_const = f.extended_const;
  out.multi_memory = f.multi_memory;
  out.memory64 = f.memory64;
  out.threads = f.threads;
  out.exceptions = f.exceptions;
  return out;
}

std::string describeValues(const std::vector<Val>& values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) text += ' ';
    text += values[i].toString();
  }
  return text + ")";
}

// The spec's text is a prefix of Wisp's message ("out of bounds memory access"). The reference
// interpreter also names the element of some traps ("uninitialized element 2"), a detail Wisp's
// messages leave out: a trailing number the message lacks is accepted.
bool trapTextMatches(const std::string& expected, const std::string& message) {
  if (message.rfind(expected, 0) == 0) return true;
  if (expected.rfind(message, 0) != 0 || message.empty()) return false;
  const std::string rest = expected.substr(message.size());
  return rest.size() > 1 && rest[0] == ' ' &&
         rest.find_first_not_of("0123456789", 1) == std::string::npos;
}

}  // namespace

const WastRunner::HandlerEntry WastRunner::kHandlers[] = {
    {"module", &WastRunner::runModule},
    {"register", &WastRunner::runRegister},
    {"action", &WastRunner::runAction},
    {"assert_return", &WastRunner::runAssertReturn},
    {"assert_trap", &WastRunner::runAssertTrap},
    {"assert_exhaustion", &WastRunner::runAssertExhaustion},
    {"assert_exception", &WastRunner::runAssertException},
    {"assert_unlinkable", &WastRunner::runAssertUnlinkable},
    {"assert_uninstantiable", &WastRunner::runAssertUninstantiable},
    {"assert_malformed", &WastRunner::runAssertMalformed},
    {"assert_invalid", &WastRunner::runAssertInvalid},
};

namespace {
Config withFeatures(Config config, const Features& features) {
  config.features = features;
  return config;
}
}  // namespace

WastRunner::WastRunner(wasm::Features features, Config config)
    : engine_(withFeatures(config, apiFeatures(features))), features_(features) {}

void WastRunner::resetSession() {
  current_ = {};
  named_.clear();
  externrefs_.reset();
  linker_.reset();
  store_ = std::make_unique<Store>(engine_);
  // With --interruption-checks the code meters fuel: all there is, so only the checks are tested.
  if (engine_.config().consume_fuel) (void)store_->setFuel(UINT64_MAX);
  linker_ = std::make_unique<Linker>(engine_);
  // The spec interpreter's `register` may rebind a name.
  linker_->allowShadowing(true);
  externrefs_.emplace(*store_);
  session_error_.clear();
  if (Result<void> spectest = defineSpectest(*store_, *linker_); !spectest)
    session_error_ = "cannot set up the spectest module: " + spectest.error().describe();
}

std::vector<CommandResult> WastRunner::run(const WastScript& script) {
  script_ = &script;
  simd_script_ =
      std::filesystem::path(script.source_name).filename().string().rfind("simd_", 0) == 0;
  resetSession();
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
  // Frees the script's memories (each reserves several GiB of address space) before the next.
  current_ = {};
  named_.clear();
  externrefs_.reset();
  linker_.reset();
  store_.reset();
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
  return skipUnsupported(command);
}

// ---- modules --------------------------------------------------------------------------------

std::variant<Module, WastRunner::Outcome> WastRunner::compileModuleFile(const nlohmann::json& command) {
  if (!session_error_.empty()) return Outcome{Verdict::Failed, session_error_};
  if (isTextModule(command)) return Outcome{Verdict::Skipped, std::string(kTextModuleReason)};
  auto bytes = readModuleFile(command);
  if (auto* read_error = std::get_if<std::string>(&bytes)) return Outcome{Verdict::Failed, *read_error};
  Result<Module> module = Module::compile(engine_, std::get<std::vector<uint8_t>>(bytes));
  if (module.ok()) return std::move(*module);
  const Error& error = module.error();
  if (error.kind == ErrorKind::Compile && simd_script_)
    return Outcome{Verdict::Skipped, std::string(kSimdReason) + " (" + error.message + ")"};
  return Outcome{Verdict::Failed, "module rejected: " + error.describe()};
}

WastRunner::Outcome WastRunner::runModule(const nlohmann::json& command) {
  ModuleSlot slot;
  Outcome outcome{Verdict::Passed, ""};
  auto module = compileModuleFile(command);
  if (auto* failed = std::get_if<Outcome>(&module)) {
    outcome = *failed;
  } else {
    Result<Instance> instance = linker_->instantiate(*store_, std::get<Module>(module));
    if (instance.ok()) slot.instance = *instance;
    else outcome = {Verdict::Failed, "instantiation failed: " + instance.error().describe()};
  }
  if (!slot.instance) {
    slot.unavailable = outcome.reason;
    slot.skipped = outcome.verdict == Verdict::Skipped;
  }
  current_ = slot;
  const std::string name = stringField(command, "name");
  if (!name.empty()) named_[name] = slot;
  return outcome;
}

WastRunner::Outcome WastRunner::runRegister(const nlohmann::json& command) {
  const std::string name = stringField(command, "name");
  const std::string as = stringField(command, "as");
  ModuleSlot* slot = &current_;
  if (!name.empty()) {
    auto it = named_.find(name);
    if (it == named_.end()) return {Verdict::Failed, "register of unknown module " + name};
    slot = &it->second;
  }
  if (!slot->instance)
    return {slot->skipped ? Verdict::Skipped : Verdict::Failed,
            "the module to register is unavailable: " + slot->unavailable};
  // Later modules import from it under `as`.
  named_[as] = *slot;
  if (Result<void> defined = linker_->defineInstance(as, *slot->instance); !defined)
    return {Verdict::Failed, defined.error().describe()};
  return {Verdict::Passed, ""};
}

WastRunner::Outcome WastRunner::runAssertUnlinkable(const nlohmann::json& command) {
  auto module = compileModuleFile(command);
  if (auto* failed = std::get_if<Outcome>(&module)) return *failed;
  Result<Instance> instance = linker_->instantiate(*store_, std::get<Module>(module));
  const std::string expectation = "expected a link error (\"" + expectedText(command) + "\")";
  if (instance.ok()) return {Verdict::Failed, expectation + ", but the module instantiated"};
  if (instance.error().kind != ErrorKind::Link)
    return {Verdict::Failed, expectation + ", got: " + instance.error().describe()};
  return {Verdict::Passed, ""};
}

WastRunner::Outcome WastRunner::runAssertUninstantiable(const nlohmann::json& command) {
  auto module = compileModuleFile(command);
  if (auto* failed = std::get_if<Outcome>(&module)) return *failed;
  Result<Instance> instance = linker_->instantiate(*store_, std::get<Module>(module));
  if (instance.ok()) {
    return {Verdict::Failed,
            "expected a trap (\"" + expectedText(command) + "\"), but the module instantiated"};
  }
  Result<std::vector<Val>> result = std::move(instance.error());
  return expectTrap(command, result, std::nullopt);
}

WastRunner::Outcome WastRunner::runAssertMalformed(const nlohmann::json& command) {
  return expectRejection(command, wasm::ErrorKind::Malformed);
}

WastRunner::Outcome WastRunner::runAssertInvalid(const nlohmann::json& command) {
  return expectRejection(command, wasm::ErrorKind::Invalid);
}

WastRunner::Outcome WastRunner::skipUnsupported(const nlohmann::json& command) {
  return {Verdict::Skipped, "command type not supported by Wisp's runner: " + stringField(command, "type")};
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

// ---- actions --------------------------------------------------------------------------------

std::variant<Instance, WastRunner::Outcome> WastRunner::actionInstance(const nlohmann::json& action) {
  const std::string name = stringField(action, "module");
  const ModuleSlot* slot = &current_;
  if (!name.empty()) {
    auto it = named_.find(name);
    if (it == named_.end()) return Outcome{Verdict::Failed, "no module named " + name};
    slot = &it->second;
  }
  if (!slot->instance) {
    if (slot->skipped) return Outcome{Verdict::Skipped, slot->unavailable};
    return Outcome{Verdict::Failed, slot->unavailable.empty()
                                        ? std::string("no module to act on")
                                        : "the module is unavailable: " + slot->unavailable};
  }
  return *slot->instance;
}

WastRunner::ActionRun WastRunner::performAction(const nlohmann::json& command) {
  ActionRun run;
  const nlohmann::json& action = command.at("action");
  auto target = actionInstance(action);
  if (auto* outcome = std::get_if<Outcome>(&target)) {
    run.outcome = *outcome;
    return run;
  }
  const Instance& instance = std::get<Instance>(target);
  const std::string type = stringField(action, "type");
  const std::string field = stringField(action, "field");
  if (type == "get") {
    std::optional<Global> global = instance.getGlobal(field);
    if (!global) run.outcome = Outcome{Verdict::Failed, "no exported global \"" + field + "\""};
    else run.result = std::vector<Val>{global->get()};
    return run;
  }
  if (type != "invoke") {
    run.outcome = Outcome{Verdict::Skipped, "action type not supported: " + type};
    return run;
  }
  std::optional<Func> func = instance.getFunc(field);
  if (!func) {
    run.outcome = Outcome{Verdict::Failed, "no exported function \"" + field + "\""};
    return run;
  }
  std::vector<Val> args;
  for (const nlohmann::json& arg : action.value("args", nlohmann::json::array())) {
    auto value = parseValue(arg, *externrefs_);
    if (auto* error = std::get_if<std::string>(&value)) {
      run.outcome = Outcome{Verdict::Failed, *error};
      return run;
    }
    args.push_back(std::get<Val>(value));
  }
  run.result = func->call(args);
  return run;
}

WastRunner::Outcome WastRunner::runAction(const nlohmann::json& command) {
  ActionRun run = performAction(command);
  if (run.outcome) return *run.outcome;
  if (!run.result.ok()) return {Verdict::Failed, "the action failed: " + run.result.error().describe()};
  return {Verdict::Passed, ""};
}

WastRunner::Outcome WastRunner::runAssertReturn(const nlohmann::json& command) {
  ActionRun run = performAction(command);
  if (run.outcome) return *run.outcome;
  if (!run.result.ok()) return {Verdict::Failed, run.result.error().describe()};
  const std::vector<Val>& results = *run.result;
  nlohmann::json expected = command.value("expected", nlohmann::json::array());
  // relaxed-simd: wast2json writes a single result's alternatives as the command's "either".
  if (auto either = command.find("either"); either != command.end() && expected.empty())
    expected = nlohmann::json::array({{{"type", "either"}, {"values", *either}}});
  if (results.size() != expected.size()) {
    return {Verdict::Failed, "expected " + std::to_string(expected.size()) + " results, got " +
                                 describeValues(results)};
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (auto mismatch = valueMismatch(expected[i], results[i])) {
      std::string reason = "result " + std::to_string(i) + ": " + *mismatch;
      if (results.size() > 1) reason += " (all results: " + describeValues(results) + ")";
      return {Verdict::Failed, reason};
    }
  }
  return {Verdict::Passed, ""};
}

WastRunner::Outcome WastRunner::expectTrap(const nlohmann::json& command,
                                           const Result<std::vector<Val>>& result,
                                           std::optional<TrapKind> required_kind) {
  const std::string text = expectedText(command);
  if (result.ok())
    return {Verdict::Failed, "expected a trap (\"" + text + "\"), got " + describeValues(*result)};
  const Error& error = result.error();
  if (error.kind != ErrorKind::Trap || !error.trap)
    return {Verdict::Failed, "expected a trap (\"" + text + "\"), got: " + error.describe()};
  const Trap& trap = *error.trap;
  if (!trapTextMatches(text, trap.message) || (required_kind && trap.kind != *required_kind))
    return {Verdict::Failed, "expected the trap \"" + text + "\", got: " + trap.describe()};
  return {Verdict::Passed, ""};
}

WastRunner::Outcome WastRunner::runAssertTrap(const nlohmann::json& command) {
  // Older wast2json versions write a trapping instantiation as assert_trap with a module.
  if (!command.contains("action") && command.contains("filename")) return runAssertUninstantiable(command);
  ActionRun run = performAction(command);
  if (run.outcome) return *run.outcome;
  return expectTrap(command, run.result, std::nullopt);
}

WastRunner::Outcome WastRunner::runAssertExhaustion(const nlohmann::json& command) {
  ActionRun run = performAction(command);
  if (run.outcome) return *run.outcome;
  return expectTrap(command, run.result, TrapKind::StackOverflow);
}

// Exception handling: the action ends in a wasm exception that nothing caught.
WastRunner::Outcome WastRunner::runAssertException(const nlohmann::json& command) {
  ActionRun run = performAction(command);
  if (run.outcome) return *run.outcome;
  if (run.result.ok())
    return {Verdict::Failed, "expected an uncaught exception, got " + describeValues(*run.result)};
  const Error& error = run.result.error();
  if (error.kind != ErrorKind::Trap || !error.trap || error.trap->kind != TrapKind::UncaughtException ||
      !error.trap->exception)
    return {Verdict::Failed, "expected an uncaught exception, got: " + error.describe()};
  return {Verdict::Passed, ""};
}

}  // namespace wisp::cli
