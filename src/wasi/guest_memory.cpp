#include "wasi/guest_memory.h"

#include <climits>

namespace wisp::wasi {

Errno GuestMemory::readPath(uint32_t ptr, uint32_t length, std::string& out) const {
  if (!contains(ptr, length)) return Errno::Fault;
  const char* text = reinterpret_cast<const char*>(base_ + ptr);
  if (length != 0 && std::memchr(text, '\0', length) != nullptr) return Errno::Inval;
  out.assign(text, length);
  return Errno::Success;
}

Errno GuestMemory::readIovecs(uint32_t iovs_ptr, uint32_t iovs_count,
                              std::vector<struct iovec>& out) const {
  out.clear();
  if (!contains(iovs_ptr, static_cast<uint64_t>(iovs_count) * layout::kIovecSize))
    return Errno::Fault;
  const uint32_t taken = iovs_count < IOV_MAX ? iovs_count : IOV_MAX;
  out.reserve(taken);
  for (uint32_t i = 0; i < taken; ++i) {
    uint32_t buf = 0;
    uint32_t buf_len = 0;
    load(iovs_ptr + i * layout::kIovecSize, buf);
    load(iovs_ptr + i * layout::kIovecSize + 4, buf_len);
    if (!contains(buf, buf_len)) return Errno::Fault;
    out.push_back({base_ + buf, buf_len});
  }
  return Errno::Success;
}

}  // namespace wisp::wasi
