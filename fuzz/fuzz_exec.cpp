// wisp-fuzz-exec: runs modules made by binaryen's translate-to-fuzz (`wasm-opt -ttf`) the way
// `wasm-opt --fuzz-exec-before` does, through Wisp's public API, and prints the same events in
// the same format, so that fuzz/diff.sh can compare Wisp with binaryen's interpreter and V8:
//
//   [fuzz-exec] calling NAME                    before each exported function is called
//   [LoggingExternalInterface logging V...]     each call of a fuzzing-support log import
//   [fuzz-exec] note result: NAME => V          an export's result; (V1, V2) for several
//   [trap MESSAGE]                              a trap; the next export is called all the same
//
// As binaryen does: every exported function is called in export order with zero arguments;
// `hangLimitInitializer` (which resets the hang-limit global) is called before each export;
// an i64 is logged as its low and high halves, each a signed i32; exports that return nothing
// print no result line; a trap while instantiating ends the module.
//
//   wisp-fuzz-exec [--bounds-checks=guard|explicit] [--batch] FILE.wasm...
//
// With --batch each module's events are framed by `### module FILE` and `### end FILE`, with
// stdout flushed after the opening line, so a driver that runs many modules in one process can
// tell which module a crash or a hang happened in. Exit status: 0 when every module could be run
// (traps included), 1 when one could not be read, compiled, linked or instantiated, 2 for a
// usage error.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "wisp/wisp.h"

namespace {

constexpr std::string_view kUsage =
    "usage: wisp-fuzz-exec [--bounds-checks=guard|explicit] [--batch] FILE.wasm...\n";

void emit(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

std::string formatDouble(double value) {
  if (value == 0 && std::signbit(value)) return "-0";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  // Integers below 2^53 print exactly; anything else in the shortest scientific form that reads
  // back the same, which never looks like an i64 to the comparison in diff.py.
  const bool small_integer = std::fabs(value) < 0x1p53 && value == std::trunc(value);
  auto end = small_integer ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed).ptr
                           : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific).ptr;
  return std::string(buffer, end);
}

// binaryen's form of a NaN: its sign and payload (the mantissa bits), e.g. "-nan:0x400000".
std::string formatNaN(bool negative, uint64_t payload) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%snan:0x%llx", negative ? "-" : "",
                static_cast<unsigned long long>(payload));
  return buffer;
}

std::string formatValue(const wisp::Val& value) {
  switch (value.type()) {
    case wisp::ValType::I32: return std::to_string(value.i32());
    case wisp::ValType::I64: return std::to_string(value.i64());
    case wisp::ValType::F32:
      if (std::isnan(value.f32()))
        return formatNaN(value.f32Bits() >> 31, value.f32Bits() & 0x7fffff);
      return formatDouble(value.f32());  // exact: every float is a double
    case wisp::ValType::F64:
      if (std::isnan(value.f64()))
        return formatNaN(value.f64Bits() >> 63, value.f64Bits() & 0xfffffffffffffull);
      return formatDouble(value.f64());
    case wisp::ValType::FuncRef: return "funcref";  // binaryen prints a reference's type only
    case wisp::ValType::ExternRef: return "externref";
    case wisp::ValType::ExnRef: return "exnref";
    case wisp::ValType::V128: {  // as binaryen prints one: four i32 lanes in hex
      const wisp::V128 v = value.v128();
      std::string out = "i32x4";
      for (int lane = 0; lane < 4; ++lane) {
        uint32_t bits;
        std::memcpy(&bits, v.bytes.data() + 4 * lane, 4);
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, " 0x%08x", bits);
        out += buffer;
      }
      return out;
    }
  }
  return "?";
}

// binaryen logs an i64 as two i32s (low, high) so that JS hosts can print the same.
std::string formatLogged(const wisp::Val& value) {
  if (value.type() != wisp::ValType::I64) return formatValue(value);
  const uint64_t bits = static_cast<uint64_t>(value.i64());
  return std::to_string(static_cast<int32_t>(bits)) + " " +
         std::to_string(static_cast<int32_t>(bits >> 32));
}

std::optional<std::vector<uint8_t>> readFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return std::nullopt;
  return bytes;
}

std::string trapMessage(const wisp::Error& error) {
  return error.trap ? error.trap->message : error.describe();
}

// The fuzzing-support imports: every `log-*` function prints its arguments. Any other import is
// one this harness cannot provide, and says so.
wisp::Result<std::vector<wisp::Extern>> makeImports(wisp::Store& store, const wisp::Module& module) {
  std::vector<wisp::Extern> imports;
  for (const wisp::ImportType& import : module.imports()) {
    const auto* type = std::get_if<wisp::FuncType>(&import.type);
    if (import.module != "fuzzing-support" || !import.name.starts_with("log-") || !type ||
        !type->results.empty()) {
      return wisp::Error(wisp::ErrorKind::Link, "wisp-fuzz-exec provides no import " + import.module +
                                                    "." + import.name + " (" +
                                                    wisp::externKindName(import.kind()) + ")");
    }
    auto log = wisp::Func::create(store, *type, [](std::span<const wisp::Val> params, std::span<wisp::Val>) {
      std::string line = "[LoggingExternalInterface logging";
      for (const wisp::Val& param : params) {
        line += ' ';
        line += formatLogged(param);
      }
      line += "]\n";
      emit(line);
    });
    if (!log) return log.error();
    imports.push_back(*log);
  }
  return imports;
}

// False when the module could not be run at all (unreadable, rejected, not linkable).
bool runModule(const wisp::Engine& engine, const char* path) {
  std::optional<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes) {
    emit(std::string("[wisp error] cannot read ") + path + ": " + std::strerror(errno) + "\n");
    return false;
  }
  wisp::Result<wisp::Module> module = wisp::Module::compile(engine, *bytes);
  if (!module) {
    emit("[wisp error] compile: " + module.error().describe() + "\n");
    return false;
  }
  wisp::Store store(engine);
  wisp::Result<std::vector<wisp::Extern>> imports = makeImports(store, *module);
  if (!imports) {
    emit("[wisp error] link: " + imports.error().describe() + "\n");
    return false;
  }
  wisp::Result<wisp::Instance> instance = wisp::Instance::create(store, *module, *imports);
  if (!instance) {
    if (instance.error().kind == wisp::ErrorKind::Trap)
      emit("[trap " + trapMessage(instance.error()) + "]\n");
    else
      emit("[wisp error] instantiate: " + instance.error().describe() + "\n");
    return instance.error().kind == wisp::ErrorKind::Trap;  // a trap is an outcome like any other
  }
  std::optional<wisp::Func> hang_limit_initializer = instance->getFunc("hangLimitInitializer");
  for (const auto& [name, item] : instance->exports()) {
    const wisp::Func* func = std::get_if<wisp::Func>(&item);
    if (!func) continue;
    emit("[fuzz-exec] calling " + name + "\n");
    if (hang_limit_initializer) {
      auto reset = hang_limit_initializer->call({});
      if (!reset) {
        emit("[wisp error] hangLimitInitializer: " + reset.error().describe() + "\n");
        continue;
      }
    }
    const wisp::FuncType type = func->type();
    std::vector<wisp::Val> args;
    for (wisp::ValType param : type.params) args.push_back(wisp::Val::zero(param));
    wisp::Result<std::vector<wisp::Val>> results = func->call(args);
    if (!results) {
      if (results.error().kind == wisp::ErrorKind::Trap)
        emit("[trap " + trapMessage(results.error()) + "]\n");
      else
        emit("[wisp error] call " + name + ": " + results.error().describe() + "\n");
      continue;
    }
    if (results->empty()) continue;
    std::string line = "[fuzz-exec] note result: " + name + " => ";
    if (results->size() == 1) {
      line += formatValue(results->front());
    } else {
      line += "(";
      for (size_t i = 0; i < results->size(); ++i) {
        if (i) line += ", ";
        line += formatValue((*results)[i]);
      }
      line += ")";
    }
    emit(line + "\n");
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // The driver starts each harness in a session of its own (to kill a hung one whole); if the
  // driver itself is killed (wasm-reduce's time limit), a harness stuck in a module's infinite
  // loop must not outlive it.
  const pid_t driver = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != driver) return 1;  // the driver died before the line above
  wisp::Config config;
  config.compile_threads = 1;  // the driver runs processes in parallel itself
  bool batch = false;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--bounds-checks=guard") {
      config.bounds_checks = wisp::BoundsChecks::GuardRegion;
    } else if (arg == "--bounds-checks=explicit") {
      config.bounds_checks = wisp::BoundsChecks::Explicit;
    } else if (arg == "--batch") {
      batch = true;
    } else if (arg == "--help" || arg == "-h") {
      emit(kUsage);
      return 0;
    } else if (arg.starts_with("-")) {
      std::fprintf(stderr, "wisp-fuzz-exec: unknown option '%s' (--bounds-checks takes guard or explicit)\n%s",
                   argv[i], kUsage.data());
      return 2;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "wisp-fuzz-exec: no module given\n%s", kUsage.data());
    return 2;
  }

  static char buffer[1 << 16];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  wisp::Engine engine(config);
  bool all_ran = true;
  for (const char* path : files) {
    if (batch) {
      emit(std::string("### module ") + path + "\n");
      std::fflush(stdout);
    }
    all_ran = runModule(engine, path) && all_ran;
    if (batch) emit(std::string("### end ") + path + "\n");
  }
  std::fflush(stdout);
  return all_ran ? 0 : 1;
}
