// A Store owns everything instances create and share: instances, memories, tables, globals,
// host functions and externref data, plus the runtime limits of the calls running in it.
// Handles (Func, Memory, Instance, ...) point into their store and are valid while it lives;
// moving the Store keeps them valid. One thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "wisp/engine.h"
#include "wisp/forward.h"

namespace wisp {

// Caps on what one store may hold, as Wasmtime's StoreLimits; an unset field is unlimited (the
// default). Past a per-object limit, memory.grow and table.grow return -1 and leave the object
// unchanged (Memory::grow and Table::grow fail with a Resource error). Instantiation, and
// Memory::create / Table::create, fail with a Resource error naming the limit and the numbers
// when an initial size exceeds a per-object limit or one more object would exceed a count:
// "instantiation: memory 0 of 2 pages (131072 bytes) exceeds the store's limit of 65536 bytes
// per memory". Counts are of the objects the store holds (imports create nothing; an instance
// whose start function trapped stays in the store and counts).
struct StoreLimits {
  std::optional<uint64_t> max_memory_bytes = std::nullopt;    // per memory; pages that fit whole count
  std::optional<uint64_t> max_table_elements = std::nullopt;  // per table
  std::optional<uint64_t> max_instances = std::nullopt;
  std::optional<uint64_t> max_memories = std::nullopt;
  std::optional<uint64_t> max_tables = std::nullopt;
};

class Store {
 public:
  explicit Store(const Engine& engine);
  Store(const Engine& engine, const StoreLimits& limits);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine engine() const;

  // Limits apply to what is created or grown from then on; objects that already exceed them
  // keep their size.
  void setLimits(const StoreLimits& limits);
  StoreLimits limits() const;

 private:
  friend struct detail::Access;
  std::unique_ptr<detail::StoreState> state_;
};

}  // namespace wisp
