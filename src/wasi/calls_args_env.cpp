// args_* and environ_*: both lay out a list of strings the same way, an array of pointers
// into a buffer of NUL-terminated strings.
#include <cstring>
#include <string>
#include <vector>

#include "wasi/calls.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

Errno listSizes(const std::vector<std::string>& list, const GuestMemory& memory, Ptr count_out,
                Ptr buf_size_out) {
  uint64_t buf_size = 0;
  for (const std::string& item : list) buf_size += item.size() + 1;
  if (buf_size > UINT32_MAX || list.size() > UINT32_MAX) return Errno::Overflow;
  if (!memory.contains(count_out, 4) || !memory.contains(buf_size_out, 4)) return Errno::Fault;
  memory.store<uint32_t>(count_out, static_cast<uint32_t>(list.size()));
  memory.store<uint32_t>(buf_size_out, static_cast<uint32_t>(buf_size));
  return Errno::Success;
}

Errno listGet(const std::vector<std::string>& list, const GuestMemory& memory, Ptr pointers,
              Ptr buf) {
  uint64_t buf_size = 0;
  for (const std::string& item : list) buf_size += item.size() + 1;
  if (!memory.contains(pointers, static_cast<uint64_t>(list.size()) * 4) ||
      !memory.contains(buf, buf_size))
    return Errno::Fault;
  uint32_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    memory.store<uint32_t>(pointers + static_cast<uint32_t>(i) * 4, at);
    uint8_t* bytes = memory.bytes(at, list[i].size() + 1);
    std::memcpy(bytes, list[i].c_str(), list[i].size() + 1);
    at += static_cast<uint32_t>(list[i].size() + 1);
  }
  return Errno::Success;
}

}  // namespace

Errno argsGet(WasiContext& wasi, const GuestMemory& memory, Ptr argv, Ptr argv_buf) {
  return listGet(wasi.config().args, memory, argv, argv_buf);
}

Errno argsSizesGet(WasiContext& wasi, const GuestMemory& memory, Ptr argc_out,
                   Ptr argv_buf_size_out) {
  return listSizes(wasi.config().args, memory, argc_out, argv_buf_size_out);
}

Errno environGet(WasiContext& wasi, const GuestMemory& memory, Ptr environ, Ptr environ_buf) {
  return listGet(wasi.config().env, memory, environ, environ_buf);
}

Errno environSizesGet(WasiContext& wasi, const GuestMemory& memory, Ptr count_out,
                      Ptr buf_size_out) {
  return listSizes(wasi.config().env, memory, count_out, buf_size_out);
}

}  // namespace wisp::wasi::calls
