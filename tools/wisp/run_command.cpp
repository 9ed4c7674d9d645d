#include "run_command.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <variant>

#include <CLI/CLI.hpp>

#include "command_error.h"
#include "engine_options.h"
#include "file_bytes.h"
#include "run_values.h"
#include "wasi/wasi_abi.h"
#include "wisp/wisp.h"

namespace wisp::cli {
namespace {

// --timeout: advances the engine's epoch once, `after` from now, unless the run ends first.
class EpochTimer {
 public:
  EpochTimer(Engine engine, std::chrono::nanoseconds after)
      : thread_([this, engine, after]() mutable {
          std::unique_lock lock(mutex_);
          if (!ended_changed_.wait_for(lock, after, [this] { return ended_; }))
            engine.incrementEpoch();
        }) {}
  ~EpochTimer() {
    {
      std::lock_guard lock(mutex_);
      ended_ = true;
    }
    ended_changed_.notify_one();
    thread_.join();
  }
  EpochTimer(const EpochTimer&) = delete;
  EpochTimer& operator=(const EpochTimer&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable ended_changed_;
  bool ended_ = false;
  std::thread thread_;  // last: it starts once the members it uses exist
};

constexpr const char* kDefaultExport = "_start";
// A WASI reactor's initializer, called before the function --invoke names.
constexpr const char* kReactorInitializer = "_initialize";

template <typename... Args>
int fail(int code, const char* format, Args... args) {
  return commandError(code, "run", format, args...);
}

int failWithError(const RunOptions& options, const Error& error) {
  if (error.kind == ErrorKind::Trap && error.trap) {
    return fail(kRunTrapped, "%s", error.trap->describe().c_str());
  }
  return fail(kRunModuleError, "%s: %s", options.file.c_str(), error.describe().c_str());
}

// "a, b, c" of the exported functions, or "none".
std::string exportedFunctions(const Module& module) {
  std::string names;
  for (const ExportType& e : module.exports()) {
    if (e.kind() != ExternKind::Func) continue;
    if (!names.empty()) names += ", ";
    names += e.name;
  }
  return names.empty() ? "none" : names;
}

std::string describeImportType(const ImportType& import) {
  if (import.kind() == ExternKind::Func) return "func " + std::get<FuncType>(import.type).toString();
  return externKindName(import.kind());
}

std::string paramList(const FuncType& type) {
  std::string text = "(";
  for (size_t i = 0; i < type.params.size(); ++i) {
    if (i) text += ' ';
    text += valTypeName(type.params[i]);
  }
  return text + ")";
}

constexpr const char* kRunHelp = R"(
Options come before FILE; everything after FILE is passed on as it is (negative numbers, -inf
and -nan included). A WASI command (a module importing wasi_snapshot_preview1 and exporting
_start) gets them as argv[1...]; argv[0] is FILE's name. With --invoke, they are the
function's arguments, parsed by its parameter types: i32 and i64 in decimal or 0x-hex (signed
or unsigned range), f32 and f64 in decimal or 0x-hex, inf, -inf, nan, nan:0xPAYLOAD. Each
result is printed on its own line; floats in the shortest form that reads back to the same
value.

WASI: the module sees only the directories given with --dir (HOST::GUEST names HOST as GUEST
inside; paths cannot leave them) and only the variables given with --env.

--max-memory BYTES caps each memory of the module at BYTES (a number of bytes, or with a K, M
or G suffix for 1024, 1024^2, 1024^3; whole 64 KiB pages that fit count): memory.grow past it
returns -1 (a C program's malloc fails), and a module whose memory starts larger cannot be
instantiated.

--profile=perfmap appends the address, size and name of every compiled function (and
trampoline) to /tmp/perf-PID.map, where perf report finds them. --profile=jitdump writes
jit-PID.dump (in $WISP_JITDUMP_DIR, else the current directory) with the code itself, for
`perf record -k mono` followed by `perf inject --jit`. Names come from the name section, or
are wasm[N]. A profile that cannot be written is reported on stderr and the run goes on.

--fuel N lets the call run N instructions (nop, block, loop, else and end are free): past
them, it traps with "all fuel consumed" at the next function entry or loop header.
--timeout DURATION (500ms, 2s, 1.5m, 1h; a bare number is seconds) interrupts it once that
much time has passed (instantiation included), at the next function entry or loop header:
it traps with "interrupt". Both change the compiled code: a module from `wisp compile` runs
with --fuel only if compiled with --consume-fuel, with --timeout only if compiled with
--epoch-interruption (and then only with them).

Exit status:
  0    the function returned (a WASI program: it exited with status 0)
  N    a WASI program's own exit status (from main or exit())
  1    FILE cannot be read, compiled or instantiated (e.g. it imports something wisp run does
       not provide, or its memory starts larger than --max-memory)
  2    usage error: no such export, wrong number of arguments, an argument that does not
       parse as its parameter's type, a --dir or --env that cannot be used, or a
       --max-memory, --fuel or --timeout that does not parse
  134  the call trapped; the trap and its wasm backtrace are printed to stderr
)";

}  // namespace

CLI::App* addRunSubcommand(CLI::App& app, RunOptions& options) {
  CLI::App* run = app.add_subcommand(
      "run", "Compile and instantiate a .wasm module, call a function (default: _start), print "
             "its results");
  run->add_option_function<std::string>(
         "--invoke", [&options](const std::string& name) { options.invoke = name; },
         "The exported function to call (instead of _start)")
      ->type_name("NAME");
  addWasiOptions(*run, options.wasi);
  run->add_option_function<std::string>(
         "--max-memory", [&options](const std::string& bytes) { options.max_memory = bytes; },
         "The largest size of each memory, in bytes (K, M, G: 1024, 1024^2, 1024^3); "
         "memory.grow past it returns -1")
      ->type_name("BYTES");
  run->add_option_function<std::string>(
         "--profile",
         [&options](const std::string& strategy) {
           options.profile = strategy == "perfmap"   ? ProfilingStrategy::PerfMap
                             : strategy == "jitdump" ? ProfilingStrategy::JitDump
                                                     : ProfilingStrategy::None;
         },
         "Tell perf about the compiled code: perfmap (/tmp/perf-PID.map) or jitdump "
         "(jit-PID.dump, for perf inject --jit); none is the default")
      ->check(CLI::IsMember({"none", "perfmap", "jitdump"}))
      ->type_name("STRATEGY");
  run->add_option_function<std::string>(
         "--fuel", [&options](const std::string& count) { options.fuel = count; },
         "Instructions the call may run before it traps (\"all fuel consumed\")")
      ->type_name("N");
  run->add_option_function<std::string>(
         "--timeout", [&options](const std::string& duration) { options.timeout = duration; },
         "Interrupt the call after this long (500ms, 2s, 1m; it traps with \"interrupt\")")
      ->type_name("DURATION");
  addBoundsChecksOption(*run, options.bounds_checks,
                        "; a module from `wisp compile` must have been compiled for the same");
  addFeatureOptions(*run, options.features);
  run->add_option("FILE", options.file,
                  "A .wasm binary (or a module `wisp compile` wrote), followed by the program's or the "
                  "function's ARGS...")
      ->required();
  // Everything after FILE is an argument, even when it looks like an option ("-inf"); a
  // positional ARGS option would take only some of them, out of order.
  run->prefix_command();
  run->final_callback([run, &options] { options.args = run->remaining(); });
  run->footer(kRunHelp);
  return run;
}

int runRun(const RunOptions& options) {
  StoreLimits limits;
  if (options.max_memory) {
    auto bytes_allowed = parseByteCount(*options.max_memory);
    if (auto* why = std::get_if<std::string>(&bytes_allowed))
      return fail(kRunUsageError, "--max-memory `%s`: %s", options.max_memory->c_str(), why->c_str());
    limits.max_memory_bytes = std::get<uint64_t>(bytes_allowed);
  }
  std::optional<uint64_t> fuel, timeout_ns;
  if (options.fuel) {
    auto parsed = parseCount(*options.fuel);
    if (auto* why = std::get_if<std::string>(&parsed))
      return fail(kRunUsageError, "--fuel `%s`: %s", options.fuel->c_str(), why->c_str());
    fuel = std::get<uint64_t>(parsed);
  }
  if (options.timeout) {
    auto parsed = parseDuration(*options.timeout);
    if (auto* why = std::get_if<std::string>(&parsed))
      return fail(kRunUsageError, "--timeout `%s`: %s", options.timeout->c_str(), why->c_str());
    timeout_ns = std::get<uint64_t>(parsed);
  }
  auto bytes = readFileBytes(options.file);
  if (auto* message = std::get_if<std::string>(&bytes))
    return fail(kRunModuleError, "%s", message->c_str());

  Config config;
  config.profiler = options.profile;
  config.bounds_checks = options.bounds_checks;
  config.features = options.features;
  config.consume_fuel = fuel.has_value();
  config.epoch_interruption = timeout_ns.has_value();
  Result<Engine> created = Engine::create(config);
  if (!created) return fail(kRunModuleError, "%s", created.error().message.c_str());
  Engine engine = *created;
  Store store(engine, limits);
  if (fuel) (void)store.setFuel(*fuel);
  // The deadline is the timer's one tick; the timer starts before instantiation, which runs
  // the start function.
  std::optional<EpochTimer> timer;
  if (timeout_ns) {
    store.setEpochDeadline(1);
    timer.emplace(engine, std::chrono::nanoseconds(*timeout_ns));
  }
  // A file `wisp compile` wrote is loaded without compiling; anything else is a .wasm binary.
  const std::vector<uint8_t>& file_bytes = std::get<std::vector<uint8_t>>(bytes);
  Result<Module> module = Module::isSerialized(file_bytes)
                              ? Module::deserialize(engine, file_bytes)
                              : Module::compile(engine, file_bytes);
  if (!module) return failWithError(options, module.error());

  // The host imports a module may use: WASI, when it asks for it. A WASI command run through
  // `_start` gets ARGS as its argv; with --invoke they belong to the function instead. An
  // import nothing defines is reported by name before instantiating.
  Linker linker(engine);
  const bool runs_start = !options.invoke;
  std::shared_ptr<wasi::WasiContext> wasi;
  if (importsWasi(*module)) {
    auto context = makeWasiContext(options.wasi, options.file,
                                   runs_start ? options.args : std::vector<std::string>{});
    if (auto* why = std::get_if<std::string>(&context))
      return fail(kRunUsageError, "%s", why->c_str());
    wasi = std::get<std::shared_ptr<wasi::WasiContext>>(std::move(context));
    if (Result<void> defined = wasi::defineImports(wasi, linker, store); !defined)
      return failWithError(options, defined.error());
  } else if (!options.wasi.dirs.empty() || !options.wasi.env.empty()) {
    std::fprintf(stderr, "wisp run: note: %s does not import WASI, so --dir and --env do nothing\n",
                 options.file.c_str());
  }
  for (const ImportType& import : module->imports()) {
    if (linker.get(import.module, import.name)) continue;
    return fail(kRunModuleError,
                "%s imports %s.%s (%s), which wisp run does not provide (it provides the "
                "WASI preview1 functions, module %s)",
                options.file.c_str(), import.module.c_str(), import.name.c_str(),
                describeImportType(import).c_str(), wasi::kModuleName);
  }
  Result<Instance> instance = linker.instantiate(store, *module);
  if (!instance) return failWithError(options, instance.error());
  if (wasi) wasi->bindMemory(instance->getMemory("memory"));
  // A WASI program's proc_exit ends the call with a trap; the context knows the status.
  auto failOrExit = [&](const Error& error) {
    if (wasi && wasi->exitCode()) {
      std::fflush(stdout);
      return static_cast<int>(*wasi->exitCode());
    }
    return failWithError(options, error);
  };

  if (runs_start && !options.args.empty() && !wasi) {
    return fail(kRunUsageError,
                "%s is not a WASI program, so its `%s` takes no arguments; to pass arguments "
                "to a function, name it with --invoke NAME",
                options.file.c_str(), kDefaultExport);
  }
  if (runs_start && wasi && !instance->getExport(kDefaultExport)) {
    return fail(kRunUsageError,
                "%s is not a WASI command: it has no `%s` export (a WASI reactor exports "
                "functions to call with --invoke NAME; exported functions: %s)",
                options.file.c_str(), kDefaultExport, exportedFunctions(*module).c_str());
  }
  if (!runs_start && wasi) {
    if (std::optional<Func> initialize = instance->getFunc(kReactorInitializer)) {
      Result<std::vector<Val>> initialized = initialize->call({});
      if (!initialized) return failOrExit(initialized.error());
    }
  }
  const std::string name = options.invoke.value_or(kDefaultExport);
  std::optional<Extern> exported = instance->getExport(name);
  if (!exported) {
    if (!options.invoke) {
      return fail(kRunUsageError,
                  "%s has no `%s` export to run; choose a function with --invoke NAME "
                  "(exported functions: %s)",
                  options.file.c_str(), kDefaultExport, exportedFunctions(*module).c_str());
    }
    return fail(kRunUsageError, "%s has no export named `%s` (exported functions: %s)",
                options.file.c_str(), name.c_str(), exportedFunctions(*module).c_str());
  }
  if (externKind(*exported) != ExternKind::Func) {
    return fail(kRunUsageError, "the export `%s` is a %s, not a function", name.c_str(),
                externKindName(externKind(*exported)));
  }
  const Func& func = std::get<Func>(*exported);
  const FuncType type = func.type();

  const std::vector<std::string> no_args;  // a WASI command's ARGS went to its argv
  const std::vector<std::string>& call_args = runs_start && wasi ? no_args : options.args;
  if (call_args.size() != type.params.size()) {
    return fail(kRunUsageError, "`%s` takes %zu argument%s %s, got %zu", name.c_str(),
                type.params.size(), type.params.size() == 1 ? "" : "s",
                paramList(type).c_str(), call_args.size());
  }
  std::vector<Val> args;
  for (size_t i = 0; i < call_args.size(); ++i) {
    auto parsed = parseArgument(call_args[i], type.params[i]);
    if (auto* why = std::get_if<std::string>(&parsed)) {
      return fail(kRunUsageError, "argument %zu of `%s` (%s): `%s`: %s", i + 1, name.c_str(),
                  valTypeName(type.params[i]), call_args[i].c_str(), why->c_str());
    }
    args.push_back(std::get<Val>(parsed));
  }

  Result<std::vector<Val>> results = func.call(args);
  if (!results) return failOrExit(results.error());
  for (const Val& result : *results) std::printf("%s\n", formatResult(result).c_str());
  return 0;
}

}  // namespace wisp::cli
