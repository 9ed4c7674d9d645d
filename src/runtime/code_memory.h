// Executable memory for one module's code, W^X: the mapping is read-write while the compiler
// copies code in and applies relocations, then publish() makes it read+execute for good.
// No moment exists at which it is both writable and executable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "runtime/result.h"

namespace wisp::runtime {

class CodeMemory {
 public:
  // A mapping this large is backed by huge pages where the kernel offers them on request
  // (transparent huge pages in "madvise" mode), and starts on a huge page boundary when placed
  // near the binary: a writer that makes it present in steps of kHugePageBytes gets whole huge
  // pages, with one fault or populate step where small pages took 512.
  static constexpr size_t kHugePageWorthy = size_t{4} << 20;
  static constexpr size_t kHugePageBytes = size_t{2} << 20;

  // Maps `size` bytes rounded up to whole pages, read-write and not executable, every page
  // present (the caller writes all of it).
  static Result<CodeMemory> allocate(size_t size);
  // The same, with no page made present up front: for writers on several threads, whose
  // writes fault the pages in at once rather than one thread populating all of them first.
  static Result<CodeMemory> allocateForParallelWriters(size_t size);
  // Reserves `size` bytes of address space, read-write, for a writer that does not know its
  // final size: no page is present until prepare() or a write makes it so. Huge pages from
  // kHugePageWorthy on.
  static Result<CodeMemory> reserve(size_t size);
  // Makes the first `size` bytes present and writable, moving the mapping if it must grow
  // (the contents move with it; nothing may point into it yet). Returns the mapping's start.
  Result<uint8_t*> prepare(size_t size);
  size_t presentBytes() const { return present_; }
  // Gives back the pages past the first `size` bytes (what a reserving writer did not use).
  void trim(size_t size);

  CodeMemory() = default;
  CodeMemory(CodeMemory&& other) noexcept;
  CodeMemory& operator=(CodeMemory&& other) noexcept;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // The whole mapping, writable until publish(); empty afterwards so stale spans are obvious.
  std::span<uint8_t> writableBytes();
  // Copies `bytes` to `offset`; fails when published or out of range.
  Result<void> write(size_t offset, std::span<const uint8_t> bytes);

  // Switches the mapping to read+execute (and flushes the instruction cache where needed).
  Result<void> publish();
  bool isPublished() const { return published_; }

  uintptr_t begin() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t end() const { return begin() + size_; }
  size_t size() const { return size_; }  // page-rounded
  bool contains(uintptr_t pc) const { return pc >= begin() && pc < end(); }

  // The code at `offset` as a function pointer; only meaningful once published.
  template <typename Fn>
  Fn* entry(size_t offset) const {
    return reinterpret_cast<Fn*>(begin() + offset);
  }

 private:
  CodeMemory(uint8_t* base, size_t size) : base_(base), size_(size) {}
  static Result<CodeMemory> map(size_t size, int flags, const char* verb);
  void release();

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t present_ = 0;  // of a reservation: the bytes prepare() made present
  bool published_ = false;
};

}  // namespace wisp::runtime
