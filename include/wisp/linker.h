// Resolves imports by (module, name) and instantiates. A linker may serve several stores:
// an extern defined with define() belongs to its store, and instantiating into another
// store fails; a host function defined with funcWrap() or funcNew() belongs to none, and is
// made anew in the store of each instantiation. An InstancePre resolves and checks the
// imports once, for hosts that instantiate one module many times (a store per request).
#pragma once

#include <functional>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>
#include <string_view>

#include "wisp/engine.h"
#include "wisp/extern.h"
#include "wisp/func.h"
#include "wisp/instance.h"
#include "wisp/module.h"
#include "wisp/result.h"
#include "wisp/store.h"

namespace wisp::runtime {
class Linker;
}

namespace wisp {

namespace detail {
// A host function of no store: its type, and how to make it in a store.
struct HostDefinition {
  FuncType type;
  std::function<Result<Func>(Store&)> make;
};
// Where one import comes from: a store's extern, or a host definition.
struct ImportSource {
  std::optional<Extern> item;
  std::shared_ptr<const HostDefinition> host;
};
}  // namespace detail

class InstancePre;

class Linker {
 public:
  explicit Linker(const Engine& engine);
  ~Linker();
  Linker(Linker&&) noexcept;
  Linker& operator=(Linker&&) noexcept;

  // When on, a later definition of a name replaces the earlier one; otherwise it is an error.
  void allowShadowing(bool allow);

  Result<void> define(std::string_view module, std::string_view name, const Extern& item);
  // Defines every export of `instance` under the module name `module`.
  Result<void> defineInstance(std::string_view module, const Instance& instance);
  // A host function of no store, as Wasmtime's Linker::func_wrap: `callable` as Func::wrap
  // takes it, copied into each store that instantiates with it.
  template <typename F>
  Result<void> funcWrap(std::string_view module, std::string_view name, F&& callable);
  // The same for a dynamic host function, as Func::create.
  template <typename F>
  Result<void> funcNew(std::string_view module, std::string_view name, const FuncType& type,
                       F&& callback);

  // The extern defined by define() or defineInstance(); nullopt for host functions of no
  // store (funcWrap, funcNew) and for names not defined.
  std::optional<Extern> get(std::string_view module, std::string_view name) const;

  // Resolves the imports ("unknown import: env.f (func)", "incompatible import type for
  // env.f: expected (i32) -> (), found () -> ()" are Link errors), instantiates and runs the
  // start function (a trap there, or in segment initialization, is a Trap error).
  Result<Instance> instantiate(Store& store, const Module& module) const;
  // Resolves and type-checks the imports now, for InstancePre::instantiate to skip. Later
  // changes to the linker do not affect it.
  Result<InstancePre> instantiatePre(const Module& module) const;

 private:
  Result<void> defineHost(std::string_view module, std::string_view name, FuncType type,
                          std::function<Result<Func>(Store&)> make);
  Result<std::vector<detail::ImportSource>> resolve(const Module& module) const;

  std::shared_ptr<detail::EngineState> engine_;
  std::unique_ptr<runtime::Linker> linker_;
  // Host functions of no store, by the runtime linker's key.
  std::unordered_map<std::string, std::shared_ptr<const detail::HostDefinition>> hosts_;
};

// A module with its imports resolved and checked, as Wasmtime's InstancePre: instantiate()
// makes the linker's host functions in the given store and instantiates without looking any
// name up again (what remains of the checks is a compare or two per import). Cheap to copy.
class InstancePre {
 public:
  // Fails with an Argument error for a store of another engine, and with a Link error when an
  // import defined with a store's extern is used with another store.
  Result<Instance> instantiate(Store& store) const;
  const Module& module() const { return module_; }

 private:
  friend class Linker;
  InstancePre(Module module, std::shared_ptr<const std::vector<detail::ImportSource>> imports)
      : module_(std::move(module)), imports_(std::move(imports)) {}

  Module module_;
  std::shared_ptr<const std::vector<detail::ImportSource>> imports_;
};

template <typename F>
Result<void> Linker::funcWrap(std::string_view module, std::string_view name, F&& callable) {
  using Callable = std::decay_t<F>;
  using Traits = detail::CallableTraits<Callable>;
  using Value = typename detail::HostReturn<typename Traits::Return>::Value;
  FuncType type = []<typename... Params>(std::tuple<Params...>*) {
    return detail::nativeFuncType<Value, std::remove_cvref_t<Params>...>();
  }(static_cast<typename Traits::Params*>(nullptr));
  return defineHost(module, name, std::move(type),
                    [f = Callable(std::forward<F>(callable))](Store& store) {
                      return Func::wrap(store, f);
                    });
}

template <typename F>
Result<void> Linker::funcNew(std::string_view module, std::string_view name, const FuncType& type,
                             F&& callback) {
  return defineHost(module, name, type,
                    [type, f = std::decay_t<F>(std::forward<F>(callback))](Store& store) {
                      return Func::create(store, type, f);
                    });
}

}  // namespace wisp
