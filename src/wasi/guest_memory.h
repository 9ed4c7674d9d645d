// Bounds-checked access to the guest's linear memory. Every pointer and length a WASI call
// receives is checked here before the host touches the bytes: a bad one is EFAULT for the
// guest, never a host crash. A view is made per call (memory.grow between calls may change
// the size, and in the explicit-bounds-check mode also the base).
#pragma once

#include <sys/uio.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "wasi/wasi_abi.h"

namespace wisp::wasi {

static_assert(std::endian::native == std::endian::little,
              "guest memory is little-endian; loads and stores copy bytes as they are");

class GuestMemory {
 public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  uint64_t size() const { return size_; }
  // True when [ptr, ptr + length) lies inside the memory (64-bit arithmetic: no wrap-around).
  bool contains(uint32_t ptr, uint64_t length) const {
    return static_cast<uint64_t>(ptr) + length <= size_;
  }
  // The bytes at [ptr, ptr + length), or null when any of them is outside the memory.
  uint8_t* bytes(uint32_t ptr, uint64_t length) const {
    return contains(ptr, length) ? base_ + ptr : nullptr;
  }

  // Little-endian scalars at any alignment (WASI structures are naturally aligned by a
  // well-behaved guest, but a hostile one gets no help from that).
  template <typename T>
  bool load(uint32_t ptr, T& out) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(ptr, sizeof(T))) return false;
    std::memcpy(&out, base_ + ptr, sizeof(T));
    return true;
  }
  template <typename T>
  bool store(uint32_t ptr, T value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!contains(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return true;
  }

  // A guest string of exactly `length` bytes (paths are not NUL-terminated in WASI). Fault when
  // out of bounds; Inval when it contains a NUL byte, which no host path may hold.
  Errno readPath(uint32_t ptr, uint32_t length, std::string& out) const;

  // The guest's iovec (or ciovec) array as host iovecs over guest memory, each buffer checked.
  // At most IOV_MAX are taken: reads and writes may be short, as POSIX allows.
  Errno readIovecs(uint32_t iovs_ptr, uint32_t iovs_count, std::vector<struct iovec>& out) const;

 private:
  uint8_t* base_;
  uint64_t size_;
};

}  // namespace wisp::wasi
