// Configuration, engines, stores, modules and instances.
#include <algorithm>
#include <cstdio>
#include <span>

#include "api/state.h"
#include "capi/objects.h"

using namespace wisp::capi;

namespace {

std::span<const uint8_t> bytesOf(const wasm_byte_vec_t& binary) {
  return {reinterpret_cast<const uint8_t*>(binary.data), binary.data != nullptr ? binary.size : 0};
}

wasm_module_t* newModule(wisp::Module module) {
  return new wasm_module_t(std::make_shared<ModuleObject>(std::move(module)));
}

}  // namespace

extern "C" {

// ---- configuration, engine, store ---------------------------------------------------------

wasm_config_t* wasm_config_new(void) { return new wasm_config_t; }
void wasm_config_delete(wasm_config_t* config) { delete config; }

namespace {
// Null when this machine cannot run an engine so configured (wisp::Engine::create says why,
// on stderr: the C API has no error out of engine creation).
wasm_engine_t* createEngine(const wisp::Config& config) {
  wisp::Result<wisp::Engine> engine = wisp::Engine::create(config);
  if (!engine) {
    std::fprintf(stderr, "wisp: %s\n", engine.error().message.c_str());
    return nullptr;
  }
  return new wasm_engine_t{*engine};
}
}  // namespace

wasm_engine_t* wasm_engine_new(void) { return createEngine(wisp::Config{}); }

wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  if (config == nullptr) return wasm_engine_new();
  wasm_engine_t* engine = createEngine(config->config);
  delete config;  // owned by the call, either way
  return engine;
}

void wasm_engine_delete(wasm_engine_t* engine) { delete engine; }

wasm_store_t* wasm_store_new(wasm_engine_t* engine) {
  return engine != nullptr ? new wasm_store_t(engine->engine) : nullptr;
}

void wasm_store_delete(wasm_store_t* store) { delete store; }

// ---- modules ------------------------------------------------------------------------------

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (store == nullptr || binary == nullptr) return nullptr;
  wisp::Result<wisp::Module> module = wisp::Module::compile(store->store.engine(), bytesOf(*binary));
  if (!module) return nullptr;
  // wasm.h has no tags: a module that imports or exports one cannot be described to C.
  auto isTag = [](const auto& item) { return item.type.index() == 4; };
  const std::vector<wisp::ImportType> imports = module->imports();
  const std::vector<wisp::ExportType> exports = module->exports();
  if (std::any_of(imports.begin(), imports.end(), isTag) ||
      std::any_of(exports.begin(), exports.end(), isTag)) {
    std::fprintf(stderr, "wasm_module_new: the module imports or exports an exception tag, "
                         "which the C API (wasm.h) cannot express\n");
    return nullptr;
  }
  return newModule(std::move(*module));
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (store == nullptr || binary == nullptr) return false;
  return wisp::Module::validate(store->store.engine(), bytesOf(*binary)).ok();
}

void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out) {
  if (out == nullptr) return;
  if (module == nullptr) {
    wasm_importtype_vec_new_empty(out);
    return;
  }
  const std::vector<wisp::ImportType> imports = module->module().imports();
  wasm_importtype_vec_new_uninitialized(out, imports.size());
  for (size_t i = 0; i < out->size; ++i) {
    auto* import = new wasm_importtype_t;
    setName(&import->module, imports[i].module);
    setName(&import->name, imports[i].name);
    import->type = toC(imports[i].type);
    out->data[i] = import;
  }
}

void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out) {
  if (out == nullptr) return;
  if (module == nullptr) {
    wasm_exporttype_vec_new_empty(out);
    return;
  }
  const std::vector<wisp::ExportType> exports = module->module().exports();
  wasm_exporttype_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < out->size; ++i) {
    auto* export_type = new wasm_exporttype_t;
    setName(&export_type->name, exports[i].name);
    export_type->type = toC(exports[i].type);
    out->data[i] = export_type;
  }
}

// The header has no way to report why: a module that cannot be written gives an empty vector,
// a file that cannot be loaded (corrupted, truncated, another version, ISA or engine setting)
// gives NULL. Module::serialize/deserialize say which in C++.
void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) {
  if (out == nullptr) return;
  wisp::Result<std::vector<uint8_t>> bytes =
      module != nullptr ? module->module().serialize() : std::vector<uint8_t>{};
  if (!bytes || bytes->empty()) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  wasm_byte_vec_new(out, bytes->size(), reinterpret_cast<const wasm_byte_t*>(bytes->data()));
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* serialized) {
  if (store == nullptr || serialized == nullptr) return nullptr;
  wisp::Result<wisp::Module> module =
      wisp::Module::deserialize(store->store.engine(), bytesOf(*serialized));
  if (!module) return nullptr;
  return newModule(std::move(*module));
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* module) {
  return module != nullptr ? new wasm_shared_module_t{module->module()} : nullptr;
}

wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared) {
  if (store == nullptr || shared == nullptr) return nullptr;
  // A module belongs to its engine; another engine's store cannot instantiate it.
  const wisp::Engine engine = store->store.engine();
  if (wisp::detail::Access::engineOf(shared->module) != wisp::detail::Access::engine(engine).get())
    return nullptr;
  return newModule(shared->module);
}

void wasm_shared_module_delete(wasm_shared_module_t* shared) { delete shared; }

// ---- instances ----------------------------------------------------------------------------

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                   const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  const auto fail = [trap](wasm_trap_t* why) -> wasm_instance_t* {
    if (trap != nullptr) *trap = why;
    else wasm_trap_delete(why);
    return nullptr;
  };
  if (trap != nullptr) *trap = nullptr;
  if (store == nullptr) return fail(newTrap("wasm_instance_new: no store"));
  if (module == nullptr) return fail(newTrap("wasm_instance_new: no module"));
  std::vector<wisp::Extern> items;
  const size_t count = imports != nullptr && imports->data != nullptr ? imports->size : 0;
  for (size_t i = 0; i < count; ++i) {
    const wasm_extern_t* item = imports->data[i];
    if (item == nullptr)
      return fail(newTrap("wasm_instance_new: import " + std::to_string(i) + " is null"));
    if (item->store != store)
      return fail(newTrap("wasm_instance_new: import " + std::to_string(i) +
                          " belongs to another store"));
    items.push_back(item->item);
  }
  const size_t expected = module->module().imports().size();
  if (items.size() != expected)
    return fail(newTrap("wasm_instance_new: the module has " + std::to_string(expected) +
                        " imports, " + std::to_string(items.size()) + " given"));
  wisp::Result<wisp::Instance> instance = wisp::Instance::create(store->store, module->module(), items);
  if (!instance) return fail(trapFromError(instance.error()));
  return new wasm_instance_t(store, std::move(*instance));
}

void wasm_instance_exports(const wasm_instance_t* instance, wasm_extern_vec_t* out) {
  if (out == nullptr) return;
  if (instance == nullptr) {
    wasm_extern_vec_new_empty(out);
    return;
  }
  const auto exports = instance->instance.exports();
  wasm_extern_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = newExtern(instance->store, exports[i].second);
}

}  // extern "C"
