#include "runtime/externs.h"

#include <algorithm>
#include <new>

#include "runtime/store.h"

namespace wisp::runtime {

const VMFuncRef kLazyFuncRef{nullptr, kLazyTypeId, 0, nullptr};

// ---- memories -------------------------------------------------------------------------------

MemoryInstance::MemoryInstance(Store& store, LinearMemory memory, const wasm::MemoryType& type)
    : memory_(std::move(memory)), declared_(type), store_(&store) {
  vm_.base = memory_.base();
  vm_.length = memory_.byteLength();
}

Result<std::unique_ptr<MemoryInstance>> MemoryInstance::create(Store& store,
                                                               const wasm::MemoryType& type,
                                                               BoundsCheckMode mode,
                                                               std::shared_ptr<const MemoryImage> image) {
  const wasm::Limits& limits = type.limits;
  // A 64-bit memory may declare up to 2^48 pages; Wisp reserves 4 GiB for either kind.
  if (limits.min > LinearMemory::kMaxPages)
    return Error{std::string(type.is64 ? "64-bit " : "") + "memory of " +
                 std::to_string(limits.min) + " pages exceeds Wisp's limit of 65536 pages (4 GiB)"};
  LinearMemoryConfig config;
  config.initial_pages = static_cast<uint32_t>(limits.min);
  if (limits.has_max)
    config.maximum_pages = static_cast<uint32_t>(std::min<uint64_t>(limits.max, LinearMemory::kMaxPages));
  config.bounds_check_mode = mode;
  Result<LinearMemory> memory = store.allocator().allocateMemory(config, std::move(image));
  if (!memory) return memory.error();
  return std::unique_ptr<MemoryInstance>(new MemoryInstance(store, std::move(*memory), type));
}

int64_t MemoryInstance::grow(uint64_t delta_pages) {
  // Growing by 0 changes nothing, so it reports the size even past a limit set afterwards.
  // A delta past the 4 GiB limit fails here, before the sum could wrap.
  if (delta_pages != 0 && (delta_pages > LinearMemory::kMaxPages ||
                           !store_->allowsMemoryPages(uint64_t{memory_.pages()} + delta_pages)))
    return -1;
  const int64_t old_pages = memory_.grow(delta_pages);
  vm_.base = memory_.base();  // moves only in explicit-check mode
  vm_.length = memory_.byteLength();
  return old_pages;
}

wasm::MemoryType MemoryInstance::currentType() const {
  wasm::MemoryType type = declared_;
  type.limits.min = memory_.pages();
  return type;
}

// ---- tables ---------------------------------------------------------------------------------

TableInstance::~TableInstance() {
  if (pooled_ != nullptr) store_->allocator().releaseTableSlot(pooled_, pooled_used_);
}

// With a pooling allocator the elements take a slot of its (no allocation, and a freed slot
// is reused); else a vector.
Result<void> TableInstance::allocate(uint64_t size) {
  if (size > kMaxElements)
    return Error{"table of " + std::to_string(size) + " elements exceeds the limit of " +
                 std::to_string(kMaxElements)};
  InstanceAllocator& allocator = store_->allocator();
  if (!allocator.isPooling()) {
    elements_.assign(size, 0);
    return {};
  }
  if (size > allocator.tableSlotElements())
    return Error{"table of " + std::to_string(size) + " elements exceeds the pooling allocator's " +
                 std::to_string(allocator.tableSlotElements()) + " elements a table"};
  Result<uint64_t*> slot = allocator.allocateTableSlot();
  if (!slot) return slot.error();
  pooled_ = *slot;
  pooled_used_ = size;
  vm_.size = static_cast<uint32_t>(size);
  return {};
}

Result<std::unique_ptr<TableInstance>> TableInstance::create(Store& store,
                                                             const wasm::TableType& type,
                                                             uint64_t init) {
  std::unique_ptr<TableInstance> table(new TableInstance(store, type));
  if (Result<void> allocated = table->allocate(type.limits.min); !allocated)
    return allocated.error();
  table->syncView();
  // A pooled slot and a new vector hold nulls already.
  if (init != 0) std::fill_n(table->vm_.elements, type.limits.min, init);
  return table;
}

Result<std::unique_ptr<TableInstance>> TableInstance::create(Store& store,
                                                             const wasm::TableType& type,
                                                             std::span<const uint64_t> image) {
  std::unique_ptr<TableInstance> table(new TableInstance(store, type));
  if (Result<void> allocated = table->allocate(type.limits.min); !allocated)
    return allocated.error();
  table->syncView();
  std::copy(image.begin(), image.end(), table->vm_.elements);
  return table;
}

void TableInstance::syncView() {
  if (pooled_ != nullptr) {
    vm_.elements = pooled_;  // vm_.size is kept by allocate and grow
    return;
  }
  vm_.elements = elements_.data();
  vm_.size = static_cast<uint32_t>(elements_.size());
}

int32_t TableInstance::grow(uint32_t delta, uint64_t init) {
  const uint64_t old_size = vm_.size;
  const uint64_t new_size = old_size + delta;
  const uint64_t maximum = declared_.limits.has_max ? declared_.limits.max : wasm::kMaxTableSize;
  if (new_size > maximum || new_size > kMaxElements) return -1;
  if (delta != 0 && !store_->allowsTableElements(new_size)) return -1;
  if (pooled_ != nullptr) {
    if (new_size > store_->allocator().tableSlotElements()) return -1;
    std::fill(pooled_ + old_size, pooled_ + new_size, init);
    pooled_used_ = std::max(pooled_used_, new_size);
    vm_.size = static_cast<uint32_t>(new_size);
    return static_cast<int32_t>(old_size);
  }
  // The one allocation a guest can ask for at will: refuse instead of aborting when it fails.
  try {
    elements_.resize(new_size, init);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  syncView();
  return static_cast<int32_t>(old_size);
}

wasm::TableType TableInstance::currentType() const {
  wasm::TableType type = declared_;
  type.limits.min = vm_.size;
  return type;
}

// ---- host functions -------------------------------------------------------------------------

HostFunction::HostFunction(Store& store, wasm::FuncType type, uint32_t type_id, void* trampoline,
                           void* callback, void* state, StateDeleter delete_state)
    : type_(std::move(type)), delete_state_(delete_state), store_(&store) {
  context_.limits = &store.limits();
  context_.callback = callback;
  context_.host_data = state;
  funcref_.code = trampoline;
  funcref_.type_id = type_id;
  funcref_.vmctx = reinterpret_cast<VMContext*>(&context_);
}

HostFunction::~HostFunction() {
  if (delete_state_ != nullptr && context_.host_data != nullptr) delete_state_(context_.host_data);
}

}  // namespace wisp::runtime
