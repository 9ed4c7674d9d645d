// A module ready to instantiate: the decoded module, its machine code registered with the trap
// handler, and the engine-canonical id of each of its types. Shared (immutable) by every
// instance of the module, which keeps it alive.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/code_registry.h"
#include "runtime/compiled_code.h"
#include "runtime/memory_image.h"
#include "runtime/result.h"
#include "runtime/type_registry.h"
#include "wasm/module.h"

namespace wisp::runtime {

struct CompiledModule {
  std::unique_ptr<const wasm::Module> module;
  std::unique_ptr<const CompiledCode> code;  // published; may hold no code at all
  CodeRegistration registration;             // declared after `code`: unregistered first
  std::vector<uint32_t> type_ids;            // per module type index
  // The defined functions whose VMFuncRef anything can read as it is: those exported, named
  // by ref.func in code or a global's initializer, by an element segment that is not applied
  // lazily, and the start function. Compiled code calls the others directly, and the entries
  // of functions only in lazily applied segments are filled in when a table slot is first
  // read (Instance::lazyFunction), so instantiation fills in only these.
  std::vector<uint32_t> exposed_functions;
  // Per element segment whose items are all ref.func or ref.null: their function indices
  // (kNullItem for a null), compact for instantiation's loop; empty for other segments.
  static constexpr uint32_t kNullItem = UINT32_MAX;
  std::vector<std::vector<uint32_t>> element_functions;
  // Lazy table initialisation. A funcref table the module defines is initialised lazily when
  // no active element segment of the module can trap (constant offsets, in bounds of the
  // tables' minimum sizes) and every active segment into it holds only ref.func and ref.null:
  // its segments, applied in order here once, leave per slot (up to the last one they write)
  // a function index or kNullItem (lazy_table_contents), and the table starts as
  // lazy_table_images: lazyElement() for a function, 0 for a null. Empty for other tables.
  // lazy_segments marks the element segments this applies, which instantiation skips.
  std::vector<std::vector<uint32_t>> lazy_table_contents;
  std::vector<std::vector<uint64_t>> lazy_table_images;
  std::vector<bool> lazy_segments;

  // Checks that the pieces fit together and registers the code (unless it is empty) with the
  // trap handler's code registry.
  static Result<std::shared_ptr<const CompiledModule>> create(
      std::unique_ptr<const wasm::Module> module, std::unique_ptr<const CompiledCode> code,
      std::vector<uint32_t> type_ids);

  uint32_t functionTypeId(uint32_t function_index) const {
    return type_ids[module->functions[function_index].type_index];
  }

  // Per memory index, the copy-on-write image of its data segments, or null (see
  // MemoryImage). Built on first use; all null when an element segment could trap, since
  // then the data segments after it must not be seen.
  const std::vector<std::shared_ptr<const MemoryImage>>& memoryImages() const;

 private:
  void planLazyTables();       // lazy_table_contents, lazy_table_images, lazy_segments
  void findExposedFunctions();  // after planLazyTables

  mutable std::once_flag images_built_;
  mutable std::vector<std::shared_ptr<const MemoryImage>> memory_images_;
};

}  // namespace wisp::runtime
