// Resolves imports by (module, name) and instantiates. A linker may serve several stores;
// each definition belongs to one, and instantiating into another store fails.
#pragma once

#include <memory>
#include <string_view>

#include "wisp/engine.h"
#include "wisp/extern.h"
#include "wisp/instance.h"
#include "wisp/module.h"
#include "wisp/result.h"
#include "wisp/store.h"

namespace wisp::runtime {
class Linker;
}

namespace wisp {

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
  std::optional<Extern> get(std::string_view module, std::string_view name) const;

  // Resolves the imports ("unknown import: env.f (func)", "incompatible import type for
  // env.f: expected (i32) -> (), found () -> ()" are Link errors), instantiates and runs the
  // start function (a trap there, or in segment initialization, is a Trap error).
  Result<Instance> instantiate(Store& store, const Module& module) const;

 private:
  std::shared_ptr<detail::EngineState> engine_;
  std::unique_ptr<runtime::Linker> linker_;
};

}  // namespace wisp
