#include "api/conversions.h"
#include "runtime/compiled_module.h"
#include "wasm/module.h"
#if WISP_HAVE_CODEGEN
#include "codegen/module_compiler.h"
#endif

namespace wisp {
namespace {

#if WISP_HAVE_CODEGEN
constexpr bool kHaveCompiler = true;
#else
constexpr bool kHaveCompiler = false;
#endif

Error fromDecodeError(const wasm::Error& e) {
  Error error;
  switch (e.kind) {
    case wasm::ErrorKind::Malformed: error.kind = ErrorKind::Malformed; break;
    case wasm::ErrorKind::Invalid: error.kind = ErrorKind::Invalid; break;
    case wasm::ErrorKind::Unsupported: error.kind = ErrorKind::Compile; break;
    case wasm::ErrorKind::Resource: error.kind = ErrorKind::Resource; break;
  }
  error.message = e.message;
  error.offset = e.offset;
  error.function_index = e.function_index;
  return error;
}

Error compileError(std::string message) {
  Error error;
  error.kind = ErrorKind::Compile;
  error.message = std::move(message);
  return error;
}

ExternType externTypeOf(const wasm::Module& module, wasm::ExternKind kind, uint32_t index) {
  switch (kind) {
    case wasm::ExternKind::Func: return detail::fromWasm(module.functionType(index));
    case wasm::ExternKind::Table: return detail::fromWasm(module.tables[index].type);
    case wasm::ExternKind::Memory: return detail::fromWasm(module.memories[index].type);
    case wasm::ExternKind::Global: return detail::fromWasm(module.globals[index].type);
    case wasm::ExternKind::Tag: return TagType{detail::fromWasm(module.tagType(index))};
  }
  return FuncType{};
}

}  // namespace

Result<void> Module::validate(const Engine& engine, std::span<const uint8_t> bytes) {
  auto decoded = wasm::decodeModule(bytes, {.features = detail::toWasm(engine.config().features)});
  if (!decoded) return fromDecodeError(decoded.error());
  return {};
}

Result<Module> Module::compile(const Engine& engine, std::span<const uint8_t> bytes) {
  const std::shared_ptr<detail::EngineState>& state = detail::Access::engine(engine);
  // The compiler validates each body in the same pass that compiles it; when there is no
  // compiler, the decoder validates them.
  auto decoded = wasm::decodeModule(bytes, {.features = detail::toWasm(state->config().features),
                                            .validate_functions = !kHaveCompiler});
  if (!decoded) return fromDecodeError(decoded.error());
  std::unique_ptr<wasm::Module> module = std::move(*decoded);

  std::vector<uint32_t> type_ids;
  type_ids.reserve(module->types.size());
  for (const wasm::FuncType& type : module->types) type_ids.push_back(state->types().intern(type));

  std::unique_ptr<runtime::CompiledCode> code;
  if (module->functions.size() == module->imported_function_count) {
    code = std::make_unique<runtime::CompiledCode>();  // nothing to compile
  } else {
#if WISP_HAVE_CODEGEN
    const Config& config = state->config();
    codegen::CompileOptions options;
    options.threads = config.compile_threads;
    options.explicit_bounds_checks = config.bounds_checks == BoundsChecks::Explicit;
    options.cpu_features = state->cpuFeatures();
    options.consume_fuel = config.consume_fuel;
    options.epoch_interruption = config.epoch_interruption;
    auto compiled_code = codegen::compileModule(*module, type_ids, options);
    if (!compiled_code) return fromDecodeError(compiled_code.error());
    code = std::move(*compiled_code);
#else
    return compileError("this build of Wisp has no compiler (wisp_codegen is missing)");
#endif
  }
  auto compiled =
      runtime::CompiledModule::create(std::move(module), std::move(code), std::move(type_ids));
  if (!compiled) return compileError(compiled.error().message);
  // The code is published and registered: at its final address, so a profiler may learn of it.
  if (runtime::ProfilingAgent* profiler = state->profiler())
    profiler->codeLoaded(runtime::moduleSymbols(*(*compiled)->module, *(*compiled)->code));
  return detail::Access::makeModule(state, std::move(*compiled));
}

std::vector<ImportType> Module::imports() const {
  const wasm::Module& module = *compiled_->module;
  std::vector<ImportType> out;
  out.reserve(module.imports.size());
  for (const wasm::Import& i : module.imports)
    out.push_back({i.module, i.name, externTypeOf(module, i.kind, i.index)});
  return out;
}

std::vector<ExportType> Module::exports() const {
  const wasm::Module& module = *compiled_->module;
  std::vector<ExportType> out;
  out.reserve(module.exports.size());
  for (const wasm::Export& e : module.exports)
    out.push_back({e.name, externTypeOf(module, e.kind, e.index)});
  return out;
}

std::string Module::name() const { return compiled_->module->module_name; }

}  // namespace wisp
