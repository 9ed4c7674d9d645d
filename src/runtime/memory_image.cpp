#include "runtime/memory_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "runtime/linear_memory.h"

namespace wisp::runtime {

namespace {

uint64_t osPageSize() {
  static const uint64_t page_size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page_size;
}

bool writeAll(int fd, const uint8_t* data, uint64_t size) {
  while (size != 0) {
    const ssize_t written = write(fd, data, std::min<uint64_t>(size, 1u << 30));
    if (written <= 0) return false;
    data += written;
    size -= static_cast<uint64_t>(written);
  }
  return true;
}

uint64_t constantOffset(const wasm::ConstExpr& offset) {
  return offset.kind == wasm::ConstExpr::Kind::I64 ? offset.i64() : uint64_t{offset.i32()};
}

}  // namespace

std::shared_ptr<const MemoryImage> MemoryImage::build(const wasm::Module& module,
                                                      uint32_t memory_index) {
  if (memory_index < module.imported_memory_count || memory_index >= module.memories.size())
    return nullptr;
  const uint64_t initial_bytes = module.memories[memory_index].type.limits.min * LinearMemory::kPageSize;
  uint64_t begin = UINT64_MAX, end = 0;
  for (const wasm::DataSegment& segment : module.data) {
    if (segment.mode != wasm::SegmentMode::Active || segment.memory_index != memory_index) continue;
    // An i64 offset is a 64-bit memory's; anything else is known only later.
    if (segment.offset.kind != wasm::ConstExpr::Kind::I32 &&
        segment.offset.kind != wasm::ConstExpr::Kind::I64)
      return nullptr;
    const uint64_t at = constantOffset(segment.offset);
    if (at > initial_bytes || segment.data_size > initial_bytes - at)
      return nullptr;  // instantiation traps
    if (segment.data_size == 0) continue;
    begin = std::min(begin, at);
    end = std::max(end, at + segment.data_size);
  }
  if (end == 0) return nullptr;
  const uint64_t page = osPageSize();
  begin &= ~(page - 1);
  end = (end + page - 1) & ~(page - 1);

  // The segments applied in order, as instantiation would: later ones overwrite earlier ones.
  std::vector<uint8_t> bytes(end - begin);
  for (const wasm::DataSegment& segment : module.data) {
    if (segment.mode != wasm::SegmentMode::Active || segment.memory_index != memory_index) continue;
    if (segment.data_size != 0)
      std::memcpy(bytes.data() + (constantOffset(segment.offset) - begin),
                  module.bytes.data() + segment.data_offset, segment.data_size);
  }
  const int fd = memfd_create("wisp-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return nullptr;
  // Sealed once written: every instance maps these bytes, and nothing may change them.
  if (!writeAll(fd, bytes.data(), bytes.size()) ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    close(fd);
    return nullptr;
  }
  return std::shared_ptr<const MemoryImage>(new MemoryImage(fd, begin, end - begin));
}

MemoryImage::~MemoryImage() { close(fd_); }

}  // namespace wisp::runtime
