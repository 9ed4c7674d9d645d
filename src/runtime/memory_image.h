// A copy-on-write image of a memory's initial contents: the bytes its active data segments
// write at instantiation, in a memfd. Instantiation maps the image privately over the start of
// the memory instead of copying the segments, so no page is written (or even touched) until
// the program reads it; resetting the memory for reuse (madvise DONTNEED) brings the image's
// bytes back by itself. Built only when the result is certain before instantiation: every
// active segment of the memory has a constant offset and fits inside the initial size (so none
// can trap), and the memory is defined by the module.
#pragma once

#include <cstdint>
#include <memory>

#include "wasm/module.h"

namespace wisp::runtime {

class MemoryImage {
 public:
  // Null when the memory's segments do not qualify (see above), when they write nothing, or
  // when the system has no memfd; instantiation then copies the segments.
  static std::shared_ptr<const MemoryImage> build(const wasm::Module& module, uint32_t memory_index);

  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  int fd() const { return fd_; }
  // Where the image starts in the memory, and how long it is: multiples of the OS page size.
  uint64_t offset() const { return offset_; }
  uint64_t length() const { return length_; }

 private:
  MemoryImage(int fd, uint64_t offset, uint64_t length) : fd_(fd), offset_(offset), length_(length) {}

  int fd_;
  uint64_t offset_;
  uint64_t length_;
};

}  // namespace wisp::runtime
