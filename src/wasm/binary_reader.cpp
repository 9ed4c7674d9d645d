#include "wasm/binary_reader.h"

#include <cstring>

namespace wisp::wasm {

bool isValidUtf8(const uint8_t* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    // Names are mostly ASCII: eight bytes at a time while no high bit is set.
    uint64_t eight;
    if (size - i >= 8 && (std::memcpy(&eight, data + i, 8), (eight & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
    const uint8_t b = data[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t code;
    uint32_t min;
    if ((b & 0xE0) == 0xC0) {
      length = 2, code = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3, code = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4, code = b & 0x07, min = 0x10000;
    } else {
      return false;  // a continuation byte or 0xF8..0xFF as a lead byte
    }
    if (size - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      const uint8_t c = data[i + k];
      if ((c & 0xC0) != 0x80) return false;
      code = (code << 6) | (c & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string_view BinaryReader::nameView() {
  const uint32_t length = u32();
  if (!ok()) return {};
  if (length > remaining()) {
    malformed("length out of bounds");
    return {};
  }
  const size_t at = offset();
  std::string_view view(reinterpret_cast<const char*>(pos_), length);
  pos_ += length;
  if (!isValidUtf8(reinterpret_cast<const uint8_t*>(view.data()), view.size())) {
    malformedAt(at, "malformed UTF-8 encoding");
    return {};
  }
  return view;
}

std::string BinaryReader::name() { return std::string(nameView()); }

}  // namespace wisp::wasm
