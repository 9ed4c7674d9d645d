#include "explore_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <span>
#include <variant>

#include <CLI/CLI.hpp>

#include "api/conversions.h"
#include "codegen/module_compiler.h"
#include "explore_page.h"
#include "command_error.h"
#include "engine_options.h"
#include "file_bytes.h"
#include "runtime/type_registry.h"
#include "wasm/module.h"

namespace wisp::cli {
namespace {

template <typename... Args>
int fail(int code, const char* format, Args... args) {
  return commandError(code, "explore", format, args...);
}

constexpr const char* kExploreHelp = R"(
The page is one HTML file with everything inline (no network): open it in any browser. On the
left, the defined functions with their index, name (from the name section), wasm body size,
machine code size and compile time; filter them by name or index, sort them by a column.
Selecting one shows its wasm instructions beside its x86-64 code. Click a wasm instruction to
highlight the machine code generated for it; click a machine instruction to highlight the wasm
instruction it came from (the compiler's address map). Offsets are in hex: wasm ones from the
start of the module, machine code ones from the start of the function.

The module is compiled as `wisp run` compiles it (by default with this CPU's optional
instructions and guard-page bounds checks; --cpu-features and --bounds-checks choose others),
on one thread, so that each function's compile time is its own.

Exit status:
  0  the page was written
  1  FILE cannot be read, or is not a module Wisp compiles (malformed, invalid, unsupported)
  2  usage error (e.g. no -o)
  3  the page cannot be written
)";

}  // namespace

CLI::App* addExploreSubcommand(CLI::App& app, ExploreOptions& options) {
  CLI::App* explore = app.add_subcommand(
      "explore", "Write an HTML page showing each function's wasm beside its machine code");
  explore->add_option("FILE", options.file, "A .wasm binary")->required();
  explore->add_option("-o,--output", options.output, "The HTML page to write")
      ->required()
      ->type_name("PAGE.html");
  addBoundsChecksOption(*explore, options.bounds_checks, "");
  addFeatureOptions(*explore, options.features);
  addCpuFeaturesOption(*explore, options.cpu_level,
                       "host (the default: the optional instructions this CPU has), sse4.1 (SSE4.1 and POPCNT, no AVX: SIMD's SSE forms) or baseline "
                       "(SSE2 only, as the oldest x86-64)");
  explore->footer(kExploreHelp);
  return explore;
}

int runExplore(const ExploreOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto bytes = readFileBytes(options.file);
  if (auto* message = std::get_if<std::string>(&bytes))
    return fail(kExploreModuleError, "%s", message->c_str());

  // The compiler validates the bodies (as Module::compile has it).
  auto decoded = wasm::decodeModule(std::get<std::vector<uint8_t>>(bytes),
                                    {.features = detail::toWasm(options.features),
                                     .validate_functions = false});
  if (!decoded)
    return fail(kExploreModuleError, "%s: %s", options.file.c_str(),
                decoded.error().describe().c_str());
  const wasm::Module& module = **decoded;

  runtime::TypeRegistry types;
  std::vector<uint32_t> type_ids;
  for (const wasm::FuncType& type : module.types) type_ids.push_back(types.intern(type));
  std::vector<std::chrono::nanoseconds> compile_times;
  auto code = std::make_unique<runtime::CompiledCode>();  // nothing to compile: no code
  if (module.functions.size() > module.imported_function_count) {
    codegen::CompileOptions compile_options;
    compile_options.threads = 1;
    compile_options.address_map_every_instruction = true;
    compile_options.explicit_bounds_checks = options.bounds_checks == BoundsChecks::Explicit;
    if (options.cpu_level == "baseline") compile_options.cpu_features = isa::CpuFeatures{};
    if (options.cpu_level == "sse4.1")
      compile_options.cpu_features = compile_options.cpu_features & isa::CpuFeatures::sse41Level();
    compile_options.function_compile_times = &compile_times;
    auto compiled = codegen::compileModule(module, type_ids, compile_options);
    if (!compiled)
      return fail(kExploreModuleError, "%s: %s", options.file.c_str(),
                  compiled.error().describe().c_str());
    code = std::move(*compiled);
  }

  const std::string file_name = std::filesystem::path(options.file).filename().string();
  const std::string page = renderExplorePage({file_name, module, *code, compile_times});
  const std::span<const uint8_t> page_bytes(reinterpret_cast<const uint8_t*>(page.data()),
                                            page.size());
  if (std::string why = writeFileAtomically(options.output, page_bytes); !why.empty())
    return fail(kExploreOutputError, "%s", why.c_str());

  std::chrono::nanoseconds compiling{};
  for (std::chrono::nanoseconds time : compile_times) compiling += time;
  size_t machine_code = 0;
  for (const runtime::FunctionCode& f : code->info.functions()) machine_code += f.code_end - f.code_begin;
  const auto total = std::chrono::steady_clock::now() - start;
  std::printf("%s: %zu functions (%u bytes of code section, %zu bytes of machine code, "
              "compiled in %.1f ms); %.1f KiB written in %.2f s\n",
              options.output.c_str(), code->info.functions().size(), module.code_section_size,
              machine_code,
              std::chrono::duration<double, std::milli>(compiling).count(), page.size() / 1024.0,
              std::chrono::duration<double>(total).count());
  return 0;
}

}  // namespace wisp::cli
