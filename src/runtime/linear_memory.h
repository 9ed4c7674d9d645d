// A WebAssembly linear memory, 32- or 64-bit. Both kinds reserve the same way and hold at
// most 65536 pages (4 GiB): a 64-bit memory differs only in its index type, and compiled code
// checks each of its accesses explicitly in both modes (compile_memory.cpp), so a 64-bit index
// never reaches the guard region.
//
// Guard-region mode (the default): the memory reserves 4 GiB of address space for the largest
// possible memory plus a guard region behind it, all PROT_NONE and MAP_NORESERVE, and only the
// first byteLength() bytes are read-write. Compiled code computes
//     base + zero-extended i32 index + u32 constant offset
// and accesses up to 16 bytes there without a bounds check: an out-of-bounds access touches a
// PROT_NONE page, faults, and the trap handler turns the fault into MemoryOutOfBounds.
// For that, every effective start address must fall inside the reservation:
//     index + offset <= (2^32 - 1) + offset <= 4 GiB + guardBytes() - 1, i.e. offset <= guardBytes().
// An access that starts inside the reservation but would end beyond it still faults on its
// first byte, which lies past byteLength() and so in a PROT_NONE page (x86 faults before any
// byte of a page-straddling access is written).
// The default guard is 4 GiB, so no u32 offset ever needs a check (8 GiB reserved, as Wasmtime's
// static memories with a 4 GiB guard). A smaller guard (DESIGN.md's 2 GiB) saves address space;
// then the compiler must bounds-check any access whose constant offset exceeds guardBytes():
// offsetNeedsBoundsCheck() says which.
//
// Explicit-check mode, for hosts that cannot reserve address space: exactly byteLength() bytes
// are mapped, grow() uses mremap and MAY MOVE THE BASE, and compiled code checks every access
// against byteLength(). Code must reload base() after anything that can grow the memory.
//
// Not thread-safe: a memory belongs to one store. (Shared memories will need a fixed base.)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "runtime/result.h"

namespace wisp::runtime {

class InstanceAllocator;
class MemoryImage;

enum class BoundsCheckMode : uint8_t {
  GuardRegion,     // reserve 4 GiB + guard; out-of-bounds accesses fault
  ExplicitChecks,  // map only the accessible bytes; compiled code checks every access
};

struct LinearMemoryConfig {
  uint32_t initial_pages = 0;
  std::optional<uint32_t> maximum_pages;  // the module's declared maximum, if any
  BoundsCheckMode bounds_check_mode = BoundsCheckMode::GuardRegion;
  uint64_t guard_bytes = 4ull << 30;  // GuardRegion only; a multiple of the OS page size
};

class LinearMemory {
 public:
  static constexpr uint64_t kPageSize = 64 * 1024;
  static constexpr uint32_t kMaxPages = 65536;  // 4 GiB: the 32-bit index space
  static constexpr uint64_t kMaxByteLength = uint64_t{kMaxPages} * kPageSize;

  static Result<LinearMemory> create(const LinearMemoryConfig& config);

  LinearMemory() = default;
  LinearMemory(LinearMemory&& other) noexcept;
  LinearMemory& operator=(LinearMemory&& other) noexcept;
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;
  ~LinearMemory();

  // memory.grow: the old size in pages, or -1 when the new size would exceed the maximum
  // (declared or 65536 pages) or the system refuses the memory. Grown pages read as zero.
  int64_t grow(uint64_t delta_pages);

  uint8_t* base() const { return base_; }
  uint64_t byteLength() const { return uint64_t{pages_} * kPageSize; }
  uint32_t pages() const { return pages_; }
  uint32_t maximumPages() const { return maximum_pages_; }  // declared maximum or 65536
  BoundsCheckMode boundsCheckMode() const { return mode_; }

  // The PROT_NONE bytes behind the largest possible memory (0 in ExplicitChecks mode).
  uint64_t guardBytes() const { return mode_ == BoundsCheckMode::GuardRegion ? guard_bytes_ : 0; }
  // True when an access with this constant offset must be bounds-checked by compiled code.
  bool offsetNeedsBoundsCheck(uint64_t offset) const {
    return mode_ == BoundsCheckMode::ExplicitChecks || offset > guard_bytes_;
  }
  // The memory image mapped at the start, if any (see InstanceAllocator).
  const MemoryImage* image() const { return image_.get(); }
  // Whether `address` lies in the address range this memory owns (its whole reservation).
  bool ownsAddress(uintptr_t address) const;

 private:
  friend class InstanceAllocator;
  void release();
  void unmap();

  uint8_t* base_ = nullptr;
  uint64_t reserved_bytes_ = 0;  // the mapping's size: reservation, or byteLength() when explicit
  uint64_t guard_bytes_ = 0;
  uint32_t pages_ = 0;
  uint32_t maximum_pages_ = kMaxPages;
  BoundsCheckMode mode_ = BoundsCheckMode::GuardRegion;
  // Set when the memory came from an allocator, which takes it back; `image_` is the memory
  // image mapped at its start, if any.
  InstanceAllocator* allocator_ = nullptr;
  std::shared_ptr<const MemoryImage> image_;
};

}  // namespace wisp::runtime
