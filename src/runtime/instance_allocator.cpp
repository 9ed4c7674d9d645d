#include "runtime/instance_allocator.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace wisp::runtime {

namespace {

constexpr int kReservationFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

// Whether a block handed back is all zero, as releaseVmctx requires (checked in debug builds).
[[maybe_unused]] bool allZero(const uint8_t* block, uint32_t size) {
  for (uint32_t i = 0; i < size; ++i)
    if (block[i] != 0) return false;
  return true;
}

}  // namespace

std::shared_ptr<InstanceAllocator> InstanceAllocator::onDemand() {
  return std::shared_ptr<InstanceAllocator>(new InstanceAllocator(false, PoolingConfig{}));
}

std::shared_ptr<InstanceAllocator> InstanceAllocator::pooling(const PoolingConfig& config) {
  return std::shared_ptr<InstanceAllocator>(new InstanceAllocator(true, config));
}

InstanceAllocator::InstanceAllocator(bool pooling, const PoolingConfig& config)
    : pooling_(pooling), pool_config_(config) {}

InstanceAllocator::~InstanceAllocator() {
  for (const VmctxBlock& block : free_vmctx_) std::free(block.block);
  const size_t pool_bytes = reservationBytes() * pool_config_.total_memories;
  auto inPool = [&](const uint8_t* base) {
    return pool_region_ != nullptr && base >= pool_region_ && base < pool_region_ + pool_bytes;
  };
  // A pool slot lost in discard() is made up for by a reservation of its own, outside the pool.
  for (const Reservation& reservation : free_memories_)
    if (!inPool(reservation.base)) munmap(reservation.base, reservationBytes());
  if (pool_region_ != nullptr) munmap(pool_region_, pool_bytes);
  if (table_region_ != nullptr) munmap(table_region_, tableSlotBytes() * pool_config_.total_tables);
}

// ---- vmctx blocks -----------------------------------------------------------------------------

Result<uint8_t*> InstanceAllocator::allocateVmctx(uint32_t size) {
  {
    std::lock_guard lock(mutex_);
    if (pooling_ && live_instances_ >= pool_config_.total_instances)
      return Error{"the pooling allocator's " + std::to_string(pool_config_.total_instances) +
                   " instance slots are all in use"};
    ++live_instances_;
    for (size_t i = free_vmctx_.size(); i-- > 0;) {
      if (free_vmctx_[i].size != size) continue;
      uint8_t* block = free_vmctx_[i].block;
      free_vmctx_[i] = free_vmctx_.back();
      free_vmctx_.pop_back();
      return block;
    }
  }
  void* block = std::aligned_alloc(16, size);
  if (block == nullptr) {
    std::lock_guard lock(mutex_);
    --live_instances_;
    return Error{"out of memory for an instance's vmctx of " + std::to_string(size) + " bytes"};
  }
  std::memset(block, 0, size);
  return static_cast<uint8_t*>(block);
}

void InstanceAllocator::releaseVmctx(uint8_t* block, uint32_t size) {
  if (block == nullptr) return;
#ifndef NDEBUG
  if (!allZero(block, size)) std::abort();  // the instance left something behind
#endif
  {
    std::lock_guard lock(mutex_);
    --live_instances_;
    const size_t capacity = pooling_ ? pool_config_.total_instances : kCachedVmctxBlocks;
    if (size <= kLargestCachedVmctx && free_vmctx_.size() < capacity) {
      free_vmctx_.push_back({block, size});
      return;
    }
  }
  std::free(block);
}

// ---- table slots --------------------------------------------------------------------------------

uint64_t InstanceAllocator::tableSlotBytes() const {
  constexpr uint64_t kPage = 4096;
  return (uint64_t{pool_config_.max_table_elements} * sizeof(uint64_t) + kPage - 1) & ~(kPage - 1);
}

Result<uint64_t*> InstanceAllocator::allocateTableSlot() {
  std::lock_guard lock(mutex_);
  if (table_region_ == nullptr) {
    const uint64_t bytes = tableSlotBytes() * pool_config_.total_tables;
    // Backed only where written: untouched slots cost address space alone.
    void* region = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED)
      return systemError("pooling allocator: reserving " + std::to_string(bytes) +
                             " bytes for " + std::to_string(pool_config_.total_tables) +
                             " table slots (mmap)",
                         errno);
    table_region_ = static_cast<uint8_t*>(region);
    free_table_slots_.reserve(pool_config_.total_tables);
    for (uint32_t i = pool_config_.total_tables; i-- > 0;)  // the lowest addresses first
      free_table_slots_.push_back(reinterpret_cast<uint64_t*>(table_region_ + tableSlotBytes() * i));
  }
  if (free_table_slots_.empty())
    return Error{"the pooling allocator's " + std::to_string(pool_config_.total_tables) +
                 " table slots are all in use"};
  uint64_t* slot = free_table_slots_.back();
  free_table_slots_.pop_back();
  return slot;
}

void InstanceAllocator::releaseTableSlot(uint64_t* slot, uint64_t used) {
  // Back to null: a small table is cleared (cheaper than a system call), a big one's pages
  // are dropped, which makes them read as zero.
  constexpr uint64_t kPage = 4096, kClearedBytes = 64 * 1024;
  const uint64_t bytes = used * sizeof(uint64_t);
  const uint64_t pages = (bytes + kPage - 1) & ~(kPage - 1);
  if (bytes <= kClearedBytes || madvise(slot, pages, MADV_DONTNEED) != 0)
    std::memset(slot, 0, bytes);
  std::lock_guard lock(mutex_);
  free_table_slots_.push_back(slot);
}

// ---- memories -----------------------------------------------------------------------------------

Result<void> InstanceAllocator::reservePool() {
  const uint64_t bytes = reservationBytes() * pool_config_.total_memories;
  void* region = mmap(nullptr, bytes, PROT_NONE, kReservationFlags, -1, 0);
  if (region == MAP_FAILED)
    return systemError("pooling allocator: reserving " + std::to_string(bytes) +
                           " bytes of address space for " +
                           std::to_string(pool_config_.total_memories) + " memories (mmap)",
                       errno);
  pool_region_ = static_cast<uint8_t*>(region);
  free_memories_.reserve(pool_config_.total_memories);
  // Handed out from the back: the lowest addresses first.
  for (uint32_t i = pool_config_.total_memories; i-- > 0;)
    free_memories_.push_back({pool_region_ + reservationBytes() * i, 0, nullptr});
  return {};
}

// Makes exactly the first `accessible` bytes read-write and maps `image`, changing only what
// differs from the reservation's last use.
Result<void> InstanceAllocator::prepare(Reservation& reservation, uint64_t accessible,
                                        const std::shared_ptr<const MemoryImage>& image) {
  uint8_t* base = reservation.base;
  if (reservation.accessible > accessible) {
    if (mprotect(base + accessible, reservation.accessible - accessible, PROT_NONE) != 0)
      return systemError("linear memory: protecting a reused reservation (mprotect)", errno);
  } else if (reservation.accessible < accessible) {
    if (mprotect(base + reservation.accessible, accessible - reservation.accessible,
                 PROT_READ | PROT_WRITE) != 0)
      return systemError("linear memory: making the initial " + std::to_string(accessible) +
                             " bytes read-write (mprotect)",
                         errno);
  }
  reservation.accessible = accessible;
  if (reservation.image == image) return {};
  if (const MemoryImage* old = reservation.image.get()) {
    // Anonymous memory again where the old image was, with the protection around it.
    const uint64_t begin = old->offset(), end = old->offset() + old->length();
    const uint64_t split = std::clamp(accessible, begin, end);
    if (split > begin && mmap(base + begin, split - begin, PROT_READ | PROT_WRITE,
                              kReservationFlags | MAP_FIXED, -1, 0) == MAP_FAILED)
      return systemError("linear memory: unmapping a memory image (mmap)", errno);
    if (end > split &&
        mmap(base + split, end - split, PROT_NONE, kReservationFlags | MAP_FIXED, -1, 0) == MAP_FAILED)
      return systemError("linear memory: unmapping a memory image (mmap)", errno);
    reservation.image.reset();
  }
  if (image != nullptr) {
    if (mmap(base + image->offset(), image->length(), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_FIXED, image->fd(), 0) == MAP_FAILED)
      return systemError("linear memory: mapping the memory image (mmap)", errno);
    reservation.image = image;
  }
  return {};
}

Result<LinearMemory> InstanceAllocator::allocateMemory(const LinearMemoryConfig& requested,
                                                       std::shared_ptr<const MemoryImage> image) {
  LinearMemoryConfig config = requested;
  if (pooling_) {
    const uint32_t limit = pool_config_.max_memory_pages;
    if (config.initial_pages > limit)
      return Error{"a memory of " + std::to_string(config.initial_pages) +
                   " pages exceeds the pooling allocator's limit of " + std::to_string(limit) +
                   " pages per memory"};
    config.maximum_pages = std::min(config.maximum_pages.value_or(limit), limit);
  }
  const bool reusable = config.bounds_check_mode == BoundsCheckMode::GuardRegion &&
                        config.guard_bytes == kGuardBytes;
  if (!reusable) image.reset();  // only guard-region reservations stay mapped

  Reservation reservation;
  bool have_reservation = false;
  {
    std::lock_guard lock(mutex_);
    if (pooling_) {
      if (live_memories_ >= pool_config_.total_memories)
        return Error{"the pooling allocator's " + std::to_string(pool_config_.total_memories) +
                     " memory slots are all in use"};
      if (reusable && pool_region_ == nullptr)
        if (Result<void> reserved = reservePool(); !reserved) return reserved.error();
      ++live_memories_;
    }
    if (reusable && !free_memories_.empty()) {
      // Prefer the reservation that holds this image and size already, then one without an
      // image; looking at the last few only keeps this O(1).
      size_t chosen = free_memories_.size() - 1;
      const size_t first = free_memories_.size() > 8 ? free_memories_.size() - 8 : 0;
      const uint64_t accessible = uint64_t{config.initial_pages} * LinearMemory::kPageSize;
      for (size_t i = free_memories_.size(); i-- > first;) {
        const Reservation& candidate = free_memories_[i];
        if (candidate.image == image && candidate.accessible == accessible) {
          chosen = i;
          break;
        }
        if (candidate.image == image || candidate.image == nullptr) chosen = i;
      }
      reservation = std::move(free_memories_[chosen]);
      free_memories_[chosen] = std::move(free_memories_.back());
      free_memories_.pop_back();
      have_reservation = true;
    }
  }

  auto giveBack = [&] {
    if (!pooling_) return;
    std::lock_guard lock(mutex_);
    --live_memories_;
  };
  LinearMemory memory;
  if (!have_reservation) {
    Result<LinearMemory> made = LinearMemory::create(config);
    if (!made) {
      giveBack();
      return made.error();
    }
    memory = std::move(*made);
    if (!reusable) {
      if (pooling_) memory.allocator_ = this;  // to count it back
      return memory;
    }
    reservation = {memory.base_, memory.byteLength(), nullptr};
    memory.base_ = nullptr;  // held by `reservation` from here on
    memory.reserved_bytes_ = 0;
  }
  if (Result<void> prepared = prepare(reservation, uint64_t{config.initial_pages} * LinearMemory::kPageSize, image);
      !prepared) {
    discard(std::move(reservation));
    giveBack();
    return prepared.error();
  }
  memory.base_ = reservation.base;
  memory.reserved_bytes_ = reservationBytes();
  memory.guard_bytes_ = kGuardBytes;
  memory.pages_ = config.initial_pages;
  memory.maximum_pages_ = config.maximum_pages.value_or(LinearMemory::kMaxPages);
  memory.mode_ = BoundsCheckMode::GuardRegion;
  memory.image_ = std::move(reservation.image);
  memory.allocator_ = this;
  return memory;
}

// A reservation in an unknown state: back to the system, or, in the pool, to PROT_NONE
// anonymous memory as it began (or out of use, if even that fails).
void InstanceAllocator::discard(Reservation reservation) {
  if (!pooling_) {
    munmap(reservation.base, reservationBytes());
    return;
  }
  if (mmap(reservation.base, reservationBytes(), PROT_NONE, kReservationFlags | MAP_FIXED, -1, 0) ==
      MAP_FAILED)
    return;  // this slot is lost; the others still work
  std::lock_guard lock(mutex_);
  free_memories_.push_back({reservation.base, 0, nullptr});
}

void InstanceAllocator::releaseMemory(LinearMemory& memory) {
  if (memory.base_ == nullptr || memory.mode_ != BoundsCheckMode::GuardRegion ||
      memory.reserved_bytes_ != reservationBytes()) {
    // Not a reservation kept here (an explicit-check memory): unmapped by the caller.
    if (pooling_) {
      std::lock_guard lock(mutex_);
      --live_memories_;
    }
    return;
  }
  Reservation reservation{std::exchange(memory.base_, nullptr), memory.byteLength(),
                          std::move(memory.image_)};
  memory.reserved_bytes_ = 0;
  memory.pages_ = 0;
  // The reset: every byte the next user can read is zero, or the image's again.
  if (reservation.accessible != 0 &&
      madvise(reservation.base, reservation.accessible, MADV_DONTNEED) != 0) {
    discard(std::move(reservation));
    if (pooling_) {
      std::lock_guard lock(mutex_);
      --live_memories_;
    }
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (pooling_) --live_memories_;
    if (pooling_ || free_memories_.size() < kCachedMemories) {
      free_memories_.push_back(std::move(reservation));
      return;
    }
  }
  munmap(reservation.base, reservationBytes());
}

}  // namespace wisp::runtime
