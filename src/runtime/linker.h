// Resolves a module's imports by (module name, item name) and instantiates it. Definitions are
// externs of a store; instantiating into a different store is refused per import.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/externs.h"
#include "runtime/instance.h"
#include "runtime/result.h"

namespace wisp::runtime {

class Linker {
 public:
  // When on, a later definition of the same name replaces the earlier one (the spec
  // interpreter's `register` behaves this way); when off, redefining is an error.
  void setAllowShadowing(bool allow) { allow_shadowing_ = allow; }

  // Fails with "duplicate definition: env.f" unless shadowing is allowed.
  Result<void> define(std::string_view module, std::string_view name, const Extern& item);
  // Defines every export of `instance` under `module`.
  Result<void> defineInstance(std::string_view module, const Instance& instance);

  const Extern* find(std::string_view module, std::string_view name) const;
  // Removes the definition, if any (for a shadowing definition made elsewhere).
  void erase(std::string_view module, std::string_view name) { definitions_.erase(keyOf(module, name)); }
  bool allowsShadowing() const { return allow_shadowing_; }
  // The key of a name in the definitions: unambiguous for any bytes in either part.
  static std::string keyOf(std::string_view module, std::string_view name);

  // One extern per import, in import order; the first missing one fails with
  // "unknown import: env.f (func)".
  Result<std::vector<Extern>> resolve(const wasm::Module& module) const;

  // resolve + runtime::instantiate (which checks kinds and types). Does not run the start
  // function.
  Instantiation instantiate(Store& store, std::shared_ptr<const CompiledModule> compiled) const;

 private:

  std::unordered_map<std::string, Extern> definitions_;
  bool allow_shadowing_ = false;
};

}  // namespace wisp::runtime
