#include "runtime/store.h"

#include <string>

#include "runtime/instance.h"

namespace wisp::runtime {

namespace {

// "1 page", "2 pages"
std::string count(uint64_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

Result<void> checkCount(size_t held, uint64_t more, const std::optional<uint64_t>& limit,
                        const char* singular, const char* plural) {
  if (!limit || more == 0 || (held <= *limit && more <= *limit - held)) return {};
  return Error{"the store holds " + count(held, singular, plural) + "; " + std::to_string(more) +
               " more would exceed its limit of " + count(*limit, singular, plural)};
}

}  // namespace

Store::Store(TypeRegistry& types, BoundsCheckMode bounds_check_mode,
             std::shared_ptr<InstanceAllocator> allocator)
    : allocator_(std::move(allocator)), types_(&types), bounds_check_mode_(bounds_check_mode) {}

Store::~Store() = default;

namespace {
uint64_t epochOf(const std::atomic<uint64_t>* counter) {
  return counter ? counter->load(std::memory_order_acquire) : 0;
}
}  // namespace

void Store::setEpochDeadline(uint64_t ticks) {
  const uint64_t now = epochOf(epoch_counter_);
  const uint64_t deadline = ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
  epoch_deadline_.store(deadline, std::memory_order_release);
  limits_.epoch_deadline_reached.store(0, std::memory_order_release);
  // An increment between the two stores above saw the old deadline: look again.
  noteEpoch(epochOf(epoch_counter_));
}

bool Store::extendEpochDeadline() {
  // Raised for a deadline since moved further (a race with setEpochDeadline): go on.
  if (epochOf(epoch_counter_) < epoch_deadline_.load(std::memory_order_acquire)) {
    limits_.epoch_deadline_reached.store(0, std::memory_order_release);
    noteEpoch(epochOf(epoch_counter_));
    return true;
  }
  if (!epoch_deadline_callback_) return false;
  const std::optional<uint64_t> ticks = epoch_deadline_callback_();
  if (!ticks) return false;
  setEpochDeadline(*ticks);
  return true;
}

bool Store::allowsMemoryPages(uint64_t pages) const {
  const std::optional<uint64_t>& limit = store_limits_.max_memory_bytes;
  return !limit || pages <= *limit / LinearMemory::kPageSize;  // no overflow for any u64 pages
}

bool Store::allowsTableElements(uint64_t elements) const {
  const std::optional<uint64_t>& limit = store_limits_.max_table_elements;
  return !limit || elements <= *limit;
}

Result<void> Store::checkMemorySize(uint64_t pages, std::string_view what) const {
  if (allowsMemoryPages(pages)) return {};
  return Error{std::string(what) + " of " + count(pages, "page", "pages") + " (" +
               std::to_string(pages * LinearMemory::kPageSize) + " bytes) exceeds the store's limit of " +
               std::to_string(*store_limits_.max_memory_bytes) + " bytes per memory"};
}

Result<void> Store::checkTableSize(uint64_t elements, std::string_view what) const {
  if (allowsTableElements(elements)) return {};
  return Error{std::string(what) + " of " + count(elements, "element", "elements") +
               " exceeds the store's limit of " + std::to_string(*store_limits_.max_table_elements) +
               " elements per table"};
}

Result<void> Store::checkRoomFor(uint64_t instances, uint64_t memories, uint64_t tables) const {
  if (auto room = checkCount(instances_.size(), instances, store_limits_.max_instances, "instance",
                             "instances");
      !room)
    return room;
  if (auto room = checkCount(memories_.size(), memories, store_limits_.max_memories, "memory",
                             "memories");
      !room)
    return room;
  return checkCount(tables_.size(), tables, store_limits_.max_tables, "table", "tables");
}

Result<MemoryInstance*> Store::createMemory(const wasm::MemoryType& type,
                                            std::shared_ptr<const MemoryImage> image) {
  if (auto room = checkRoomFor(0, 1, 0); !room) return room.error();
  if (auto fits = checkMemorySize(type.limits.min, "a memory"); !fits) return fits.error();
  Result<std::unique_ptr<MemoryInstance>> memory =
      MemoryInstance::create(*this, type, bounds_check_mode_, std::move(image));
  if (!memory) return memory.error();
  memories_.push_back(std::move(*memory));
  return memories_.back().get();
}

Result<TableInstance*> Store::createTable(const wasm::TableType& type, uint64_t init) {
  if (auto room = checkRoomFor(0, 0, 1); !room) return room.error();
  if (auto fits = checkTableSize(type.limits.min, "a table"); !fits) return fits.error();
  Result<std::unique_ptr<TableInstance>> table = TableInstance::create(*this, type, init);
  if (!table) return table.error();
  tables_.push_back(std::move(*table));
  return tables_.back().get();
}

Result<TableInstance*> Store::createTable(const wasm::TableType& type,
                                          std::span<const uint64_t> image) {
  if (auto room = checkRoomFor(0, 0, 1); !room) return room.error();
  if (auto fits = checkTableSize(type.limits.min, "a table"); !fits) return fits.error();
  Result<std::unique_ptr<TableInstance>> table = TableInstance::create(*this, type, image);
  if (!table) return table.error();
  tables_.push_back(std::move(*table));
  return tables_.back().get();
}

GlobalInstance* Store::createGlobal(const wasm::GlobalType& type, ValRaw value) {
  globals_.push_back(std::make_unique<GlobalInstance>(*this, type, value));
  return globals_.back().get();
}

HostFunction* Store::createHostFunction(wasm::FuncType type, void* trampoline, void* callback,
                                        void* state, HostFunction::StateDeleter delete_state) {
  const uint32_t type_id = types_->intern(type);
  host_functions_.push_back(std::make_unique<HostFunction>(
      *this, std::move(type), type_id, trampoline, callback, state, delete_state));
  return host_functions_.back().get();
}

ExternRefBox* Store::createExternRef(std::any value) {
  externrefs_.push_back(std::make_unique<ExternRefBox>(ExternRefBox{std::move(value)}));
  return externrefs_.back().get();
}

TagInstance* Store::createTag(wasm::FuncType type) {
  const uint32_t type_id = types_->intern(type);
  tags_.push_back(std::make_unique<TagInstance>(*this, std::move(type), type_id));
  return tags_.back().get();
}

ExceptionInstance* Store::createException(const TagInstance& tag, std::span<const ValRaw> payload) {
  exceptions_.push_back(std::make_unique<ExceptionInstance>(tag, payload));
  return exceptions_.back().get();
}

Instance* Store::adoptInstance(std::unique_ptr<Instance> instance) {
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

}  // namespace wisp::runtime
