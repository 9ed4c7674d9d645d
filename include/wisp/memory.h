// A linear memory: exported by an instance or created by the host.
#pragma once

#include <cstdint>
#include <span>

#include "wisp/result.h"
#include "wisp/store.h"
#include "wisp/types.h"

namespace wisp {

class Memory {
 public:
  static Result<Memory> create(Store& store, const MemoryType& type);

  // The accessible bytes. In the default guard-region mode the base never moves; with
  // BoundsChecks::Explicit it may move when the memory grows.
  uint8_t* data() const;
  size_t dataSize() const;
  std::span<uint8_t> bytes() const { return {data(), dataSize()}; }
  uint64_t pages() const;  // the size in 64 KiB pages
  // The old size in pages; fails past the maximum or when the system refuses memory.
  Result<uint64_t> grow(uint64_t delta_pages) const;
  MemoryType type() const;  // the current size as minimum

  bool operator==(const Memory&) const = default;

 private:
  friend struct detail::Access;
  explicit Memory(runtime::MemoryInstance* memory) : memory_(memory) {}
  runtime::MemoryInstance* memory_;
};

}  // namespace wisp
