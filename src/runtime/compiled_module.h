// A module ready to instantiate: the decoded module, its machine code registered with the trap
// handler, and the engine-canonical id of each of its types. Shared (immutable) by every
// instance of the module, which keeps it alive.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/code_registry.h"
#include "runtime/compiled_code.h"
#include "runtime/result.h"
#include "runtime/type_registry.h"
#include "wasm/module.h"

namespace wisp::runtime {

struct CompiledModule {
  std::unique_ptr<const wasm::Module> module;
  std::unique_ptr<const CompiledCode> code;  // published; may hold no code at all
  CodeRegistration registration;             // declared after `code`: unregistered first
  std::vector<uint32_t> type_ids;            // per module type index

  // Checks that the pieces fit together and registers the code (unless it is empty) with the
  // trap handler's code registry.
  static Result<std::shared_ptr<const CompiledModule>> create(
      std::unique_ptr<const wasm::Module> module, std::unique_ptr<const CompiledCode> code,
      std::vector<uint32_t> type_ids);

  uint32_t functionTypeId(uint32_t function_index) const {
    return type_ids[module->functions[function_index].type_index];
  }
};

}  // namespace wisp::runtime
