// The objects behind the C API's opaque types (include/wasm.h), over Wisp's C++ API.
//
// Every reference type derives from wasm_ref_t, and the four extern kinds from wasm_extern_t,
// so the as_ref / as_extern conversions are casts of the same object and ref_as_* checks the
// kind. A reference to a store-owned object is a small handle (the C++ API's handle plus its
// store); host info lives in the store, keyed by the object, so every handle of an object sees
// the same. Modules and traps are not store-owned: their handles share one object, which
// carries its host info and goes with the last handle.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "wasm.h"
#include "wisp/wisp.h"

namespace wisp::capi {

// A host pointer and what to call on it when it is replaced or its object goes.
class HostInfo {
 public:
  HostInfo() = default;
  HostInfo(const HostInfo&) = delete;
  HostInfo& operator=(const HostInfo&) = delete;
  ~HostInfo() { finalize(); }

  void* data() const { return data_; }
  void replace(void* data, void (*finalizer)(void*)) {
    finalize();
    data_ = data;
    finalizer_ = finalizer;
  }

 private:
  void finalize() {
    if (finalizer_ != nullptr) {
      void (*finalizer)(void*) = finalizer_;
      finalizer_ = nullptr;
      finalizer(data_);
    }
  }
  void* data_ = nullptr;
  void (*finalizer_)(void*) = nullptr;
};

enum class RefKind : uint8_t { Func, Global, Table, Memory, Instance, Foreign, Trap, Module };

// What a reference denotes: equal for references to the same object. Most objects are one
// pointer; a function is its code and context, because an instance that imports a function
// holds its own copy of the function's entry (a different address for the same function).
using Identity = std::pair<const void*, const void*>;

struct TrapObject {
  wisp::Trap trap;
  HostInfo host_info;
};

struct ModuleObject {
  explicit ModuleObject(wisp::Module module) : module(std::move(module)) {}
  wisp::Module module;
  HostInfo host_info;
};

}  // namespace wisp::capi

// ---- runtime environment ------------------------------------------------------------------

struct wasm_config_t {
  wisp::Config config;
};

struct wasm_engine_t {
  wisp::Engine engine;
};

struct wasm_store_t {
  explicit wasm_store_t(const wisp::Engine& engine) : store(engine) {}
  // Host info is finalized first (declared last), while the objects still exist; then the
  // store goes with its objects and host functions' environments.
  wisp::Store store;
  std::map<wisp::capi::Identity, wisp::capi::HostInfo> host_infos;
};

// ---- types --------------------------------------------------------------------------------

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t kind) : kind(kind) {}
  virtual ~wasm_externtype_t() = default;
  wasm_externkind_t kind;
};

struct wasm_functype_t final : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override;
  wasm_valtype_vec_t params{0, nullptr};
  wasm_valtype_vec_t results{0, nullptr};
};

struct wasm_globaltype_t final : wasm_externtype_t {
  wasm_globaltype_t(wasm_valkind_t content, wasm_mutability_t mutability)
      : wasm_externtype_t(WASM_EXTERN_GLOBAL), content{content}, mutability(mutability) {}
  wasm_valtype_t content;
  wasm_mutability_t mutability;
};

struct wasm_tabletype_t final : wasm_externtype_t {
  wasm_tabletype_t(wasm_valkind_t element, wasm_limits_t limits)
      : wasm_externtype_t(WASM_EXTERN_TABLE), element{element}, limits(limits) {}
  wasm_valtype_t element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t final : wasm_externtype_t {
  explicit wasm_memorytype_t(wasm_limits_t limits)
      : wasm_externtype_t(WASM_EXTERN_MEMORY), limits(limits) {}
  wasm_limits_t limits;
};

struct wasm_importtype_t {
  ~wasm_importtype_t();
  wasm_name_t module{0, nullptr};
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

struct wasm_exporttype_t {
  ~wasm_exporttype_t();
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

// ---- references ---------------------------------------------------------------------------

struct wasm_ref_t {
  explicit wasm_ref_t(wisp::capi::RefKind kind) : kind(kind) {}
  virtual ~wasm_ref_t() = default;
  // Another handle to the same object.
  virtual wasm_ref_t* copy() const = 0;
  // The object the handle denotes: equal for handles of the same object.
  virtual wisp::capi::Identity identity() const = 0;
  // The object's host info; find gives null when none was ever set.
  virtual const wisp::capi::HostInfo* findHostInfo() const = 0;
  virtual wisp::capi::HostInfo& hostInfo() = 0;

  const wisp::capi::RefKind kind;
};

// A reference to an object its store owns.
struct StoreRef : wasm_ref_t {
  StoreRef(wisp::capi::RefKind kind, wasm_store_t* store) : wasm_ref_t(kind), store(store) {}
  const wisp::capi::HostInfo* findHostInfo() const override {
    auto found = store->host_infos.find(identity());
    return found != store->host_infos.end() ? &found->second : nullptr;
  }
  wisp::capi::HostInfo& hostInfo() override { return store->host_infos[identity()]; }

  wasm_store_t* const store;
};

struct wasm_extern_t : StoreRef {
  wasm_extern_t(wasm_store_t* store, wisp::Extern item);
  wasm_ref_t* copy() const override;
  wisp::capi::Identity identity() const override;
  wisp::Extern item;
};

struct wasm_func_t final : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
  const wisp::Func& func() const { return std::get<wisp::Func>(item); }
};
struct wasm_global_t final : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
  const wisp::Global& global() const { return std::get<wisp::Global>(item); }
};
struct wasm_table_t final : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
  const wisp::Table& table() const { return std::get<wisp::Table>(item); }
};
struct wasm_memory_t final : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
  const wisp::Memory& memory() const { return std::get<wisp::Memory>(item); }
};

struct wasm_instance_t final : StoreRef {
  wasm_instance_t(wasm_store_t* store, wisp::Instance instance)
      : StoreRef(wisp::capi::RefKind::Instance, store), instance(std::move(instance)) {}
  wasm_ref_t* copy() const override { return new wasm_instance_t(store, instance); }
  wisp::capi::Identity identity() const override;
  wisp::Instance instance;
};

struct wasm_foreign_t final : StoreRef {
  wasm_foreign_t(wasm_store_t* store, wisp::ExternRef ref)
      : StoreRef(wisp::capi::RefKind::Foreign, store), ref(ref) {}
  wasm_ref_t* copy() const override { return new wasm_foreign_t(store, ref); }
  wisp::capi::Identity identity() const override;
  wisp::ExternRef ref;
};

struct wasm_trap_t final : wasm_ref_t {
  explicit wasm_trap_t(std::shared_ptr<wisp::capi::TrapObject> object)
      : wasm_ref_t(wisp::capi::RefKind::Trap), object(std::move(object)) {}
  wasm_ref_t* copy() const override { return new wasm_trap_t(object); }
  wisp::capi::Identity identity() const override { return {object.get(), nullptr}; }
  const wisp::capi::HostInfo* findHostInfo() const override { return &object->host_info; }
  wisp::capi::HostInfo& hostInfo() override { return object->host_info; }
  std::shared_ptr<wisp::capi::TrapObject> object;
};

struct wasm_module_t final : wasm_ref_t {
  explicit wasm_module_t(std::shared_ptr<wisp::capi::ModuleObject> object)
      : wasm_ref_t(wisp::capi::RefKind::Module), object(std::move(object)) {}
  wasm_ref_t* copy() const override { return new wasm_module_t(object); }
  wisp::capi::Identity identity() const override { return {object.get(), nullptr}; }
  const wisp::capi::HostInfo* findHostInfo() const override { return &object->host_info; }
  wisp::capi::HostInfo& hostInfo() override { return object->host_info; }
  const wisp::Module& module() const { return object->module; }
  std::shared_ptr<wisp::capi::ModuleObject> object;
};

struct wasm_shared_module_t {
  wisp::Module module;
};

struct wasm_frame_t {
  uint32_t func_index = 0;
  size_t func_offset = 0;
  size_t module_offset = 0;
};

// ---- conversions --------------------------------------------------------------------------

namespace wisp::capi {

// v128 has no kind in the C API; Wisp reports it as this one.
inline constexpr wasm_valkind_t kV128Kind = 4;

wasm_valkind_t kindOf(ValType type);
std::optional<ValType> valTypeOf(wasm_valkind_t kind);

wasm_limits_t toC(const Limits& limits);
Limits fromC(const wasm_limits_t& limits);

wasm_functype_t* toC(const FuncType& type);
wasm_externtype_t* toC(const ExternType& type);
// Nullopt for a type with a kind outside the enumeration.
std::optional<FuncType> fromC(const wasm_functype_t& type);
std::optional<GlobalType> fromC(const wasm_globaltype_t& type);
std::optional<TableType> fromC(const wasm_tabletype_t& type);

void setName(wasm_name_t* out, std::string_view text);

// A new handle for `item` of `store`.
wasm_extern_t* newExtern(wasm_store_t* store, const Extern& item);
wasm_trap_t* newTrap(Trap trap);
wasm_trap_t* newTrap(std::string message);
// The trap that ended a call, or one carrying the error's description.
wasm_trap_t* trapFromError(const Error& error);

// A reference as a value of `type` (a reference type) in `store`; nullopt (and `why`) when it
// cannot be one. Null is the null of the type.
std::optional<Val> refToVal(ValType type, const wasm_ref_t* ref, wasm_store_t* store,
                            std::string* why);
// A new handle for a reference value, or null for a null reference.
wasm_ref_t* valToRef(const Val& value, wasm_store_t* store);
std::optional<Val> fromC(const wasm_val_t& value, wasm_store_t* store, std::string* why);
wasm_val_t toC(const Val& value, wasm_store_t* store);

}  // namespace wisp::capi
