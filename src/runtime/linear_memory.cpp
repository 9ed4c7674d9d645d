#include "runtime/linear_memory.h"

#include "runtime/instance_allocator.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace wisp::runtime {

namespace {

uint64_t osPageSize() {
  static const uint64_t page_size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page_size;
}

Result<void> checkConfig(const LinearMemoryConfig& config) {
  const uint32_t maximum = config.maximum_pages.value_or(LinearMemory::kMaxPages);
  if (maximum > LinearMemory::kMaxPages) {
    return Error{"linear memory: maximum of " + std::to_string(maximum) +
                 " pages exceeds the 32-bit limit of 65536 pages"};
  }
  if (config.initial_pages > maximum) {
    return Error{"linear memory: initial size of " + std::to_string(config.initial_pages) +
                 " pages exceeds the maximum of " + std::to_string(maximum) + " pages"};
  }
  if (config.bounds_check_mode == BoundsCheckMode::GuardRegion) {
    if (config.guard_bytes % osPageSize() != 0) {
      return Error{"linear memory: guard region of " + std::to_string(config.guard_bytes) +
                   " bytes is not a multiple of the page size " + std::to_string(osPageSize())};
    }
    if (config.guard_bytes > (uint64_t{1} << 40)) {
      return Error{"linear memory: guard region of " + std::to_string(config.guard_bytes) +
                   " bytes is larger than 1 TiB"};
    }
  }
  return {};
}

}  // namespace

Result<LinearMemory> LinearMemory::create(const LinearMemoryConfig& config) {
  if (auto checked = checkConfig(config); !checked) return checked.error();

  LinearMemory memory;
  memory.mode_ = config.bounds_check_mode;
  memory.maximum_pages_ = config.maximum_pages.value_or(kMaxPages);
  const uint64_t initial_bytes = uint64_t{config.initial_pages} * kPageSize;

  if (config.bounds_check_mode == BoundsCheckMode::GuardRegion) {
    const uint64_t reservation = kMaxByteLength + config.guard_bytes;
    void* base = mmap(nullptr, reservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
    if (base == MAP_FAILED) {
      return systemError("linear memory: reserving " + std::to_string(reservation) +
                             " bytes of address space (mmap)",
                         errno);
    }
    memory.base_ = static_cast<uint8_t*>(base);
    memory.reserved_bytes_ = reservation;
    memory.guard_bytes_ = config.guard_bytes;
    if (initial_bytes != 0 && mprotect(base, initial_bytes, PROT_READ | PROT_WRITE) != 0) {
      return systemError("linear memory: making the initial " + std::to_string(initial_bytes) +
                             " bytes read-write (mprotect)",
                         errno);  // `memory` unmaps the reservation
    }
  } else if (initial_bytes != 0) {
    void* base =
        mmap(nullptr, initial_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
      return systemError("linear memory: mapping " + std::to_string(initial_bytes) + " bytes (mmap)",
                         errno);
    }
    memory.base_ = static_cast<uint8_t*>(base);
    memory.reserved_bytes_ = initial_bytes;
  }
  memory.pages_ = config.initial_pages;
  return memory;
}

LinearMemory::LinearMemory(LinearMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      reserved_bytes_(std::exchange(other.reserved_bytes_, 0)),
      guard_bytes_(std::exchange(other.guard_bytes_, 0)),
      pages_(std::exchange(other.pages_, 0)),
      maximum_pages_(other.maximum_pages_),
      mode_(other.mode_),
      allocator_(std::exchange(other.allocator_, nullptr)),
      image_(std::move(other.image_)) {}

LinearMemory& LinearMemory::operator=(LinearMemory&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    reserved_bytes_ = std::exchange(other.reserved_bytes_, 0);
    guard_bytes_ = std::exchange(other.guard_bytes_, 0);
    pages_ = std::exchange(other.pages_, 0);
    maximum_pages_ = other.maximum_pages_;
    mode_ = other.mode_;
    allocator_ = std::exchange(other.allocator_, nullptr);
    image_ = std::move(other.image_);
  }
  return *this;
}

LinearMemory::~LinearMemory() { release(); }

void LinearMemory::release() {
  if (allocator_ != nullptr) std::exchange(allocator_, nullptr)->releaseMemory(*this);
  unmap();
}

void LinearMemory::unmap() {
  if (base_ != nullptr) munmap(base_, reserved_bytes_);
  base_ = nullptr;
  reserved_bytes_ = 0;
  pages_ = 0;
  image_.reset();
}

int64_t LinearMemory::grow(uint64_t delta_pages) {
  const uint32_t old_pages = pages_;
  if (delta_pages == 0) return old_pages;
  if (delta_pages > maximum_pages_ - old_pages) return -1;  // also covers > 65536 in total
  const auto new_pages = static_cast<uint32_t>(old_pages + delta_pages);
  const uint64_t old_bytes = uint64_t{old_pages} * kPageSize;
  const uint64_t new_bytes = uint64_t{new_pages} * kPageSize;

  if (mode_ == BoundsCheckMode::GuardRegion) {
    if (base_ == nullptr) return -1;  // a moved-from memory
    if (mprotect(base_ + old_bytes, new_bytes - old_bytes, PROT_READ | PROT_WRITE) != 0) return -1;
  } else {
    void* grown = base_ == nullptr
                      ? mmap(nullptr, new_bytes, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                      : mremap(base_, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (grown == MAP_FAILED) return -1;
    base_ = static_cast<uint8_t*>(grown);
    reserved_bytes_ = new_bytes;
  }
  pages_ = new_pages;
  return old_pages;
}

bool LinearMemory::ownsAddress(uintptr_t address) const {
  const auto begin = reinterpret_cast<uintptr_t>(base_);
  return base_ != nullptr && address >= begin && address - begin < reserved_bytes_;
}

}  // namespace wisp::runtime
