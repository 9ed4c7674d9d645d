// A Store owns everything instances create and share: instances, memories, tables, globals,
// host functions and externref data, plus the runtime limits of the calls running in it.
// Handles (Func, Memory, Instance, ...) point into their store and are valid while it lives;
// moving the Store keeps them valid. One thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "wisp/engine.h"
#include "wisp/result.h"
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

  // Fuel (Config::consume_fuel): what calls into wasm may still consume; it carries over from
  // call to call. Both fail with an Argument error when the engine does not consume fuel.
  Result<void> setFuel(uint64_t fuel);
  Result<uint64_t> getFuel() const;

  // Epochs (Config::epoch_interruption): calls stop once the engine's epoch is `ticks` past
  // its value now. Until this is called the deadline is never reached.
  void setEpochDeadline(uint64_t ticks);
  // Called when the deadline is reached: returns how many ticks past the current epoch the
  // next deadline is (the call goes on), or nullopt (it traps with Interrupted). It runs on
  // the thread running wasm, between two wasm instructions, and must not call into wasm.
  // Without one, reaching the deadline traps.
  void setEpochDeadlineCallback(std::function<std::optional<uint64_t>()> callback);

 private:
  friend struct detail::Access;
  std::unique_ptr<detail::StoreState> state_;
};

}  // namespace wisp
