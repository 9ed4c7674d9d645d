// Where instances get their vmctx blocks and linear memories, engine-wide and thread-safe.
//
// Creating a memory costs a 4 GiB + guard reservation (mmap), a mprotect and, at the end, a
// munmap that tears down page tables: tens of microseconds, far more than the rest of an
// instantiation. So freed blocks and reservations are kept and reused:
//   - a reservation is reset when its memory is freed (madvise DONTNEED of what was
//     accessible: anonymous pages read as zero again, pages of a memory image revert to the
//     image), and keeps its read-write prefix and its image mapped, so the next memory of the
//     same size and image needs no system call at all (a module's instances prefer the
//     reservation its image is in);
//   - a vmctx block comes back with every byte zero (the instance clears what it wrote), so
//     it is not cleared again.
// Two strategies share this:
//   - OnDemand (the default): memories are mapped when asked for; a few freed reservations
//     and blocks are kept (kCachedMemories, kCachedVmctxBlocks), the rest is returned to the
//     system.
//   - Pooling: `total_memories` reservations made once, in one region, and a budget of
//     `total_instances` live instances; past either, instantiation fails with a Resource
//     error. Memories are limited to `max_memory_pages`. Tables' elements live in
//     `total_tables` slots of `max_table_elements` (one more region, read-write and lazily
//     backed; a freed slot's written pages are dropped, so it reads as null again). Nothing
//     is unmapped before the engine goes.
// Only guard-region memories are kept; explicit-check memories (which move when they grow)
// are mapped and unmapped as before, and count against the pool's memories.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/linear_memory.h"
#include "runtime/memory_image.h"
#include "runtime/result.h"

namespace wisp::runtime {

struct PoolingConfig {
  uint32_t total_instances = 1000;
  uint32_t total_memories = 1000;
  uint32_t max_memory_pages = 16384;  // 1 GiB
  uint32_t total_tables = 1000;
  uint32_t max_table_elements = 20000;
};

class InstanceAllocator {
 public:
  static constexpr size_t kCachedMemories = 4;
  static constexpr size_t kCachedVmctxBlocks = 16;
  static constexpr uint32_t kLargestCachedVmctx = 1u << 20;

  static std::shared_ptr<InstanceAllocator> onDemand();
  static std::shared_ptr<InstanceAllocator> pooling(const PoolingConfig& config);
  ~InstanceAllocator();
  InstanceAllocator(const InstanceAllocator&) = delete;
  InstanceAllocator& operator=(const InstanceAllocator&) = delete;

  bool isPooling() const { return pooling_; }

  // A zeroed, 16-aligned block of `size` bytes, or a Resource error naming the pool's limit.
  Result<uint8_t*> allocateVmctx(uint32_t size);
  // `block` must be all zero again.
  void releaseVmctx(uint8_t* block, uint32_t size);

  // Pooling: a table slot of tableSlotElements() elements, all null (zero), or a Resource
  // error when every slot is in use. `used` is how many elements were ever written.
  Result<uint64_t*> allocateTableSlot();
  void releaseTableSlot(uint64_t* slot, uint64_t used);
  uint32_t tableSlotElements() const { return pool_config_.max_table_elements; }

  // A memory as LinearMemory::create would make it, with `image` (if any) mapped at its
  // offset; `image` must lie inside the initial size.
  Result<LinearMemory> allocateMemory(const LinearMemoryConfig& config,
                                      std::shared_ptr<const MemoryImage> image);

 private:
  friend class LinearMemory;
  struct Reservation {
    uint8_t* base = nullptr;
    uint64_t accessible = 0;  // read-write prefix, in bytes
    std::shared_ptr<const MemoryImage> image;
  };
  struct VmctxBlock {
    uint8_t* block;
    uint32_t size;
  };

  explicit InstanceAllocator(bool pooling, const PoolingConfig& config);
  // Called by LinearMemory when a memory that came from here is destroyed.
  void releaseMemory(LinearMemory& memory);
  Result<void> reservePool();
  Result<void> prepare(Reservation& reservation, uint64_t accessible,
                       const std::shared_ptr<const MemoryImage>& image);
  void discard(Reservation reservation);
  static uint64_t reservationBytes() { return LinearMemory::kMaxByteLength + kGuardBytes; }
  uint64_t tableSlotBytes() const;

  static constexpr uint64_t kGuardBytes = LinearMemoryConfig{}.guard_bytes;

  const bool pooling_;
  const PoolingConfig pool_config_;
  std::mutex mutex_;
  std::vector<Reservation> free_memories_;
  std::vector<VmctxBlock> free_vmctx_;
  uint8_t* pool_region_ = nullptr;  // Pooling: total_memories reservations, reserved on first use
  uint8_t* table_region_ = nullptr;  // Pooling: total_tables slots, mapped on first use
  std::vector<uint64_t*> free_table_slots_;
  uint32_t live_instances_ = 0;
  uint32_t live_memories_ = 0;  // Pooling only
};

}  // namespace wisp::runtime
