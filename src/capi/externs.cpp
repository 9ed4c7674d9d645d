// Functions (calls and host functions), globals, tables, memories and externs.
#include <vector>

#include "capi/objects.h"

using namespace wisp::capi;

namespace {

// Why `type` cannot be called or implemented through wasm_val_t, or nullopt.
std::optional<std::string> unsupportedType(const wisp::FuncType& type) {
  for (const auto* types : {&type.params, &type.results})
    for (wisp::ValType t : *types)
      if (t == wisp::ValType::V128) return "the C API has no v128 values (type " + type.toString() + ")";
  return std::nullopt;
}

void releaseValues(std::vector<wasm_val_t>& values) {
  for (wasm_val_t& value : values) wasm_val_delete(&value);
}

// A host function's C callback, its environment and its finalizer. Copies of the C++ callback
// share one, so the finalizer runs once, when the store lets the function go.
struct HostCallback {
  HostCallback(const HostCallback&) = delete;
  HostCallback& operator=(const HostCallback&) = delete;
  HostCallback(wasm_store_t* store, wasm_func_callback_t plain,
               wasm_func_callback_with_env_t with_env, void* env, void (*finalizer)(void*))
      : store(store), plain(plain), with_env(with_env), env(env), finalizer(finalizer) {}
  ~HostCallback() {
    if (finalizer != nullptr) finalizer(env);
  }

  // Converts the arguments, calls, and converts the results back; a trap the callback returns
  // (or results of the wrong kinds) becomes the Error that ends the wasm call.
  wisp::Result<void> operator()(const wisp::FuncType& type, std::span<const wisp::Val> params,
                                std::span<wisp::Val> results) const {
    std::vector<wasm_val_t> args;
    args.reserve(params.size());
    for (const wisp::Val& param : params) args.push_back(toC(param, store));
    std::vector<wasm_val_t> outs;
    outs.reserve(results.size());
    for (const wisp::Val& result : results) outs.push_back(toC(result, store));
    const wasm_val_vec_t arg_vec{args.size(), args.data()};
    wasm_val_vec_t result_vec{outs.size(), outs.data()};

    wasm_trap_t* trap = plain != nullptr ? plain(&arg_vec, &result_vec)
                                         : with_env(env, &arg_vec, &result_vec);
    releaseValues(args);
    wisp::Result<void> outcome;
    if (trap != nullptr) {
      outcome = wisp::Error::fromTrap(trap->object->trap);
      wasm_trap_delete(trap);
    } else {
      for (size_t i = 0; i < results.size(); ++i) {
        std::string why;
        std::optional<wisp::Val> value = fromC(outs[i], store, &why);
        if (value && value->type() != type.results[i])
          why = std::string("expected ") + wisp::valTypeName(type.results[i]) + ", got " +
                wisp::valTypeName(value->type());
        if (!why.empty()) {
          outcome = wisp::Error(wisp::ErrorKind::Argument,
                                "host function result " + std::to_string(i) + ": " + why);
          break;
        }
        results[i] = *value;
      }
    }
    releaseValues(outs);
    return outcome;
  }

  wasm_store_t* store;
  wasm_func_callback_t plain;
  wasm_func_callback_with_env_t with_env;
  void* env;
  void (*finalizer)(void*);
};

wasm_func_t* newHostFunc(wasm_store_t* store, const wasm_functype_t* c_type,
                         std::shared_ptr<HostCallback> callback) {
  if (store == nullptr || c_type == nullptr) return nullptr;
  std::optional<wisp::FuncType> type = fromC(*c_type);
  if (!type || unsupportedType(*type)) return nullptr;
  wisp::Result<wisp::Func> func = wisp::Func::create(
      store->store, *type,
      [callback = std::move(callback), type = *type](std::span<const wisp::Val> params,
                                                     std::span<wisp::Val> results) {
        return (*callback)(type, params, results);
      });
  if (!func) return nullptr;
  return new wasm_func_t(store, *func);
}

template <typename T>
T* externAs(wasm_extern_t* item, RefKind kind) {
  return item != nullptr && item->kind == kind ? static_cast<T*>(item) : nullptr;
}

}  // namespace

extern "C" {

// ---- functions ----------------------------------------------------------------------------

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                           wasm_func_callback_t callback) {
  if (callback == nullptr) return nullptr;
  return newHostFunc(store, type,
                     std::make_shared<HostCallback>(store, callback, nullptr, nullptr, nullptr));
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env,
                                    void (*finalizer)(void*)) {
  // Made first, so the environment is finalized even when the function cannot be made.
  auto host = std::make_shared<HostCallback>(store, nullptr, callback, env, finalizer);
  if (callback == nullptr) return nullptr;
  return newHostFunc(store, type, std::move(host));
}

wasm_functype_t* wasm_func_type(const wasm_func_t* func) {
  return func != nullptr ? toC(func->func().type()) : nullptr;
}

size_t wasm_func_param_arity(const wasm_func_t* func) {
  return func != nullptr ? func->func().type().params.size() : 0;
}

size_t wasm_func_result_arity(const wasm_func_t* func) {
  return func != nullptr ? func->func().type().results.size() : 0;
}

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) {
  if (func == nullptr) return newTrap("wasm_func_call: no function");
  const wisp::FuncType type = func->func().type();
  if (std::optional<std::string> why = unsupportedType(type)) return newTrap("wasm_func_call: " + *why);
  const size_t arg_count = args != nullptr && args->data != nullptr ? args->size : 0;
  const size_t result_room = results != nullptr && results->data != nullptr ? results->size : 0;
  if (arg_count != type.params.size())
    return newTrap("wasm_func_call: " + std::to_string(type.params.size()) + " arguments " +
                   type.toString() + " expected, " + std::to_string(arg_count) + " given");
  if (result_room != type.results.size())
    return newTrap("wasm_func_call: room for " + std::to_string(type.results.size()) +
                   " results expected, " + std::to_string(result_room) + " given");
  std::vector<wisp::Val> values;
  values.reserve(arg_count);
  for (size_t i = 0; i < arg_count; ++i) {
    std::string why;
    std::optional<wisp::Val> value = fromC(args->data[i], func->store, &why);
    if (!value) return newTrap("wasm_func_call: argument " + std::to_string(i) + ": " + why);
    values.push_back(*value);
  }
  wisp::Result<std::vector<wisp::Val>> outcome = func->func().call(values);
  if (!outcome) return trapFromError(outcome.error());
  for (size_t i = 0; i < result_room; ++i) results->data[i] = toC((*outcome)[i], func->store);
  return nullptr;
}

// ---- globals ------------------------------------------------------------------------------

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* c_type,
                               const wasm_val_t* c_value) {
  if (store == nullptr || c_type == nullptr || c_value == nullptr) return nullptr;
  std::optional<wisp::GlobalType> type = fromC(*c_type);
  std::string why;
  std::optional<wisp::Val> value = fromC(*c_value, store, &why);
  if (!type || !value || value->type() != type->content) return nullptr;
  wisp::Result<wisp::Global> global = wisp::Global::create(store->store, *type, *value);
  if (!global) return nullptr;
  return new wasm_global_t(store, *global);
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) {
  if (global == nullptr) return nullptr;
  return static_cast<wasm_globaltype_t*>(toC(wisp::ExternType(global->global().type())));
}

void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) {
  if (out == nullptr) return;
  if (global == nullptr) {
    *out = wasm_val_t{};
    return;
  }
  *out = toC(global->global().get(), global->store);
}

void wasm_global_set(wasm_global_t* global, const wasm_val_t* c_value) {
  if (global == nullptr || c_value == nullptr) return;
  std::string why;
  std::optional<wisp::Val> value = fromC(*c_value, global->store, &why);
  if (value) (void)global->global().set(*value);  // refused: left unchanged
}

// ---- tables -------------------------------------------------------------------------------

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* c_type, wasm_ref_t* init) {
  if (store == nullptr || c_type == nullptr) return nullptr;
  std::optional<wisp::TableType> type = fromC(*c_type);
  if (!type) return nullptr;
  std::string why;
  std::optional<wisp::Val> value = refToVal(type->element, init, store, &why);
  if (!value) return nullptr;
  wisp::Result<wisp::Table> table = wisp::Table::create(store->store, *type, *value);
  if (!table) return nullptr;
  return new wasm_table_t(store, *table);
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) {
  if (table == nullptr) return nullptr;
  return static_cast<wasm_tabletype_t*>(toC(wisp::ExternType(table->table().type())));
}

wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index) {
  if (table == nullptr) return nullptr;
  wisp::Result<wisp::Val> value = table->table().get(index);
  return value ? valToRef(*value, table->store) : nullptr;
}

bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index, wasm_ref_t* ref) {
  if (table == nullptr || index >= table->table().size()) return false;
  std::string why;
  std::optional<wisp::Val> value = refToVal(table->table().type().element, ref, table->store, &why);
  return value && table->table().set(index, *value).ok();
}

wasm_table_size_t wasm_table_size(const wasm_table_t* table) {
  return table != nullptr ? table->table().size() : 0;
}

bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta, wasm_ref_t* init) {
  if (table == nullptr) return false;
  std::string why;
  std::optional<wisp::Val> value = refToVal(table->table().type().element, init, table->store, &why);
  return value && table->table().grow(delta, *value).ok();
}

// ---- memories -----------------------------------------------------------------------------

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (store == nullptr || type == nullptr) return nullptr;
  wisp::Result<wisp::Memory> memory =
      wisp::Memory::create(store->store, wisp::MemoryType{fromC(type->limits)});
  if (!memory) return nullptr;
  return new wasm_memory_t(store, *memory);
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) {
  if (memory == nullptr) return nullptr;
  return new wasm_memorytype_t(toC(memory->memory().type().limits));
}

byte_t* wasm_memory_data(wasm_memory_t* memory) {
  return memory != nullptr ? reinterpret_cast<byte_t*>(memory->memory().data()) : nullptr;
}

size_t wasm_memory_data_size(const wasm_memory_t* memory) {
  return memory != nullptr ? memory->memory().dataSize() : 0;
}

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) {
  return memory != nullptr ? static_cast<wasm_memory_pages_t>(memory->memory().pages()) : 0;
}

bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta) {
  return memory != nullptr && memory->memory().grow(delta).ok();
}

// ---- externs ------------------------------------------------------------------------------

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* item) {
  if (item == nullptr) return WASM_EXTERN_FUNC;
  switch (wisp::externKind(item->item)) {
    case wisp::ExternKind::Func: return WASM_EXTERN_FUNC;
    case wisp::ExternKind::Global: return WASM_EXTERN_GLOBAL;
    case wisp::ExternKind::Table: return WASM_EXTERN_TABLE;
    case wisp::ExternKind::Memory: return WASM_EXTERN_MEMORY;
    case wisp::ExternKind::Tag: break;  // never made: wasm_module_new refuses modules with tags
  }
  return WASM_EXTERN_FUNC;
}

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* item) {
  if (item == nullptr) return nullptr;
  struct TypeOf {
    wisp::ExternType operator()(const wisp::Func& f) const { return f.type(); }
    wisp::ExternType operator()(const wisp::Global& g) const { return g.type(); }
    wisp::ExternType operator()(const wisp::Table& t) const { return t.type(); }
    wisp::ExternType operator()(const wisp::Memory& m) const { return m.type(); }
    wisp::ExternType operator()(const wisp::Tag& t) const { return wisp::TagType{t.type()}; }
  };
  return toC(std::visit(TypeOf{}, item->item));
}

wasm_extern_t* wasm_func_as_extern(wasm_func_t* func) { return func; }
wasm_extern_t* wasm_global_as_extern(wasm_global_t* global) { return global; }
wasm_extern_t* wasm_table_as_extern(wasm_table_t* table) { return table; }
wasm_extern_t* wasm_memory_as_extern(wasm_memory_t* memory) { return memory; }
const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t* func) { return func; }
const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t* global) { return global; }
const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t* table) { return table; }
const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t* memory) { return memory; }

wasm_func_t* wasm_extern_as_func(wasm_extern_t* item) {
  return externAs<wasm_func_t>(item, RefKind::Func);
}
wasm_global_t* wasm_extern_as_global(wasm_extern_t* item) {
  return externAs<wasm_global_t>(item, RefKind::Global);
}
wasm_table_t* wasm_extern_as_table(wasm_extern_t* item) {
  return externAs<wasm_table_t>(item, RefKind::Table);
}
wasm_memory_t* wasm_extern_as_memory(wasm_extern_t* item) {
  return externAs<wasm_memory_t>(item, RefKind::Memory);
}
const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t* item) {
  return wasm_extern_as_func(const_cast<wasm_extern_t*>(item));
}
const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t* item) {
  return wasm_extern_as_global(const_cast<wasm_extern_t*>(item));
}
const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t* item) {
  return wasm_extern_as_table(const_cast<wasm_extern_t*>(item));
}
const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t* item) {
  return wasm_extern_as_memory(const_cast<wasm_extern_t*>(item));
}

}  // extern "C"
