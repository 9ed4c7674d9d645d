#include "runtime/code_memory.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

namespace wisp::runtime {

namespace {

size_t pageSize() {
  static const size_t page_size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page_size;
}

// Code memory goes just below the binary that holds Wisp's own code (the builtins, and the host
// functions of an embedder that links Wisp in), where that address space is free. A branch
// whose target lies far from it costs more on some cores: with wasm code in the mmap area
// (0x7f...) calling through its exit to a host function in a PIE executable (0x55...), a
// wasm-to-host round took 2.5 ns on this project's AMD machine, and 1.7 ns with the code
// below the executable (V8 keeps its code near its builtins for the same reason). Only speed
// depends on it: where nothing near is free, the mapping goes wherever the kernel puts it.
class NearPlacement {
 public:
  NearPlacement() {
    Dl_info info{};
    const auto anchor = reinterpret_cast<const void*>(&pageSize);
    if (dladdr(anchor, &info) == 0 || info.dli_fbase == nullptr) return;
    const uint64_t base = reinterpret_cast<uintptr_t>(info.dli_fbase) & ~(page_ - 1);
    // Everything stays within a rel32 of the whole binary (up to kBinaryBytes of it).
    if (base < kGap + kWindow) return;
    top_ = base - kGap;
    floor_ = top_ - kWindow;
    cursor_ = top_;
  }

  // A mapping of `size` (page-rounded) bytes, read-write, with `flags`, in the window; null
  // when no free place was found in a few tries.
  void* map(size_t size, int flags) {
    if (top_ == 0 || size > kWindow / 4) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    bool wrapped = false;
    for (int attempt = 0; attempt < 8; ++attempt) {
      // Downwards from the last mapping; past the floor, again from the top, where mappings
      // freed since leave room.
      if (cursor_ < floor_ + size + page_) {
        if (wrapped) return nullptr;
        wrapped = true;
        cursor_ = top_;
      }
      // A large mapping starts on a huge page boundary, so that all of it can be huge pages.
      const uint64_t align = size >= CodeMemory::kHugePageWorthy ? CodeMemory::kHugePageBytes : page_;
      const uint64_t hint = (cursor_ - size) & ~(align - 1);
      void* base = mmap(reinterpret_cast<void*>(hint), size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | kNoReplace | flags, -1, 0);
      cursor_ = hint;
      if (base == reinterpret_cast<void*>(hint)) return base;
      // Taken (or, on a kernel without MAP_FIXED_NOREPLACE, mapped elsewhere): go below it.
      if (base != MAP_FAILED) munmap(base, size);
    }
    return nullptr;
  }

 private:
#ifdef MAP_FIXED_NOREPLACE
  static constexpr int kNoReplace = MAP_FIXED_NOREPLACE;
#else
  static constexpr int kNoReplace = 0;
#endif
  static constexpr uint64_t kGap = uint64_t{1} << 24;  // 16 MiB free below the binary
  static constexpr uint64_t kBinaryBytes = uint64_t{1} << 29;
  static constexpr uint64_t kWindow =
      (uint64_t{1} << 31) - kBinaryBytes - kGap - (uint64_t{1} << 20);

  // A hint must be page-aligned for MAP_FIXED_NOREPLACE (pages are 16 or 64 KiB on some
  // AArch64 kernels).
  const uint64_t page_ = pageSize();
  std::mutex mutex_;
  uint64_t top_ = 0, floor_ = 0, cursor_ = 0;
};

NearPlacement& nearPlacement() {
  static NearPlacement placement;
  return placement;
}

}  // namespace

// `size` rounded up to whole pages, or the error that it cannot be.
static Result<size_t> pageRounded(size_t size) {
  const size_t page = pageSize();
  if (size > SIZE_MAX - page) {
    return Error{"code memory: size " + std::to_string(size) + " is too large"};
  }
  return (size + page - 1) & ~(page - 1);
}

// A private read-write anonymous mapping of `size` bytes (page-rounded) with `flags` added.
Result<CodeMemory> CodeMemory::map(size_t size, int flags, const char* verb) {
  if (size == 0) return Error{std::string("code memory: cannot ") + verb + " 0 bytes"};
  auto rounded = pageRounded(size);
  if (!rounded) return rounded.error();
  void* base = nearPlacement().map(*rounded, flags);
  if (base == nullptr) {
    base = mmap(nullptr, *rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags,
                -1, 0);
  }
  if (base == MAP_FAILED) {
    return systemError("code memory: mmap of " + std::to_string(*rounded) + " bytes", errno);
  }
  return CodeMemory(static_cast<uint8_t*>(base), *rounded);
}

namespace {

// Megabytes of code (a serialized module's copied in at once, a compiler's output) fault in
// far faster as huge pages where the kernel offers them on request: on the small-function
// module, a one-thread compile spent 9.2% of its time in the kernel with small pages and under
// 4% with huge ones (perf record -e cpu-clock).
void adviseHugePages([[maybe_unused]] void* base, [[maybe_unused]] size_t size) {
#ifdef MADV_HUGEPAGE
  if (size >= CodeMemory::kHugePageWorthy) madvise(base, size, MADV_HUGEPAGE);
#endif
}

}  // namespace

Result<CodeMemory> CodeMemory::allocate(size_t size) {
#if defined(MADV_HUGEPAGE) && defined(MADV_POPULATE_WRITE)
  // Huge pages, populated in one call (an older kernel refuses it, and they fault in as
  // written); smaller sizes are populated as they are mapped.
  if (size >= kHugePageWorthy) {
    auto memory = allocateForParallelWriters(size);
    if (memory) madvise(memory->base_, memory->size_, MADV_POPULATE_WRITE);
    return memory;
  }
#endif
  return map(size, MAP_POPULATE, "allocate");
}

Result<CodeMemory> CodeMemory::allocateForParallelWriters(size_t size) {
  auto memory = map(size, 0, "allocate");
  if (!memory) return memory;
  adviseHugePages(memory->base_, memory->size_);
  memory->present_ = memory->size_;  // as good as present: every page is written
  return memory;
}

// MAP_NORESERVE: address space, not memory, until the pages are written.
Result<CodeMemory> CodeMemory::reserve(size_t size) {
  auto memory = map(size, MAP_NORESERVE, "reserve");
  if (memory) adviseHugePages(memory->base_, memory->size_);
  return memory;
}

Result<uint8_t*> CodeMemory::prepare(size_t size) {
  if (published_) return Error{"code memory: prepare after publish"};
  auto rounded_or = pageRounded(size);
  if (!rounded_or) return rounded_or.error();
  const size_t rounded = *rounded_or;
  if (rounded > size_) {
    void* moved = mremap(base_, size_, rounded, 0);  // in place, when the pages above are free
    if (moved == MAP_FAILED) {
      // Moved near the binary (see NearPlacement), replacing a placeholder mapped there; else
      // wherever the kernel puts it.
      void* near = nearPlacement().map(rounded, MAP_NORESERVE);
      if (near != nullptr) {
        moved = mremap(base_, size_, rounded, MREMAP_MAYMOVE | MREMAP_FIXED, near);
        if (moved == MAP_FAILED) munmap(near, rounded);
      }
    }
    if (moved == MAP_FAILED) moved = mremap(base_, size_, rounded, MREMAP_MAYMOVE);
    if (moved == MAP_FAILED) {
      return systemError("code memory: mremap to " + std::to_string(rounded) + " bytes", errno);
    }
    base_ = static_cast<uint8_t*>(moved);
    size_ = rounded;
  }
  if (rounded > present_) {
#ifdef MADV_POPULATE_WRITE
    // One call instead of a page fault per page (the writer fills them all); an older kernel
    // refuses it and the pages fault in as they are written.
    madvise(base_ + present_, rounded - present_, MADV_POPULATE_WRITE);
#endif
    present_ = rounded;
  }
  return base_;
}

void CodeMemory::trim(size_t size) {
  const size_t page = pageSize();
  const size_t keep = std::max(page, (size + page - 1) & ~(page - 1));
  if (keep >= size_) return;
  munmap(base_ + keep, size_ - keep);
  size_ = keep;
  present_ = std::min(present_, keep);
}

CodeMemory::CodeMemory(CodeMemory&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      present_(std::exchange(other.present_, 0)),
      published_(std::exchange(other.published_, false)) {}

CodeMemory& CodeMemory::operator=(CodeMemory&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    present_ = std::exchange(other.present_, 0);
    published_ = std::exchange(other.published_, false);
  }
  return *this;
}

CodeMemory::~CodeMemory() { release(); }

void CodeMemory::release() {
  // munmap of a mapping we own cannot fail in a way the destructor could act on.
  if (base_ != nullptr) munmap(base_, size_);
  base_ = nullptr;
  size_ = 0;
  present_ = 0;
  published_ = false;
}

std::span<uint8_t> CodeMemory::writableBytes() {
  if (published_) return {};
  return {base_, size_};
}

Result<void> CodeMemory::write(size_t offset, std::span<const uint8_t> bytes) {
  if (published_) return Error{"code memory: write after publish"};
  if (offset > size_ || bytes.size() > size_ - offset) {
    return Error{"code memory: write of " + std::to_string(bytes.size()) + " bytes at offset " +
                 std::to_string(offset) + " exceeds the mapping of " + std::to_string(size_) +
                 " bytes"};
  }
  if (!bytes.empty()) std::memcpy(base_ + offset, bytes.data(), bytes.size());
  return {};
}

Result<void> CodeMemory::publish() {
  if (base_ == nullptr) return Error{"code memory: publish of an empty mapping"};
  if (published_) return Error{"code memory: already published"};
  // One mprotect from read-write to read+execute: the pages are never writable and executable.
  if (mprotect(base_, size_, PROT_READ | PROT_EXEC) != 0) {
    return systemError("code memory: mprotect to read+execute of " + std::to_string(size_) +
                           " bytes",
                       errno);
  }
#if !defined(__x86_64__) && !defined(__i386__)
  // x86 keeps instruction and data caches coherent; other ISAs need an explicit flush.
  __builtin___clear_cache(reinterpret_cast<char*>(base_), reinterpret_cast<char*>(base_ + size_));
#endif
  published_ = true;
  return {};
}

}  // namespace wisp::runtime
