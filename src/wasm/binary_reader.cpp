#include "wasm/binary_reader.h"

#include <cstring>

namespace wisp::wasm {

namespace {

// Whether all `size` bytes are below 0x80, without a loop over bytes: names are mostly ASCII
// and mostly shorter than 16 bytes, where a byte loop's exit mispredicts once per name.
bool isAscii(const uint8_t* data, size_t size) {
  constexpr uint64_t kHigh8 = 0x8080808080808080ull;
  uint64_t word, last;
  if (size >= 8) {
    uint64_t any = 0;
    for (size_t i = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, data + i, 8);
      any |= word;
    }
    std::memcpy(&last, data + size - 8, 8);  // overlaps the words above when not a multiple
    return ((any | last) & kHigh8) == 0;
  }
  if (size >= 4) {
    uint32_t first4, last4;
    std::memcpy(&first4, data, 4);
    std::memcpy(&last4, data + size - 4, 4);
    return ((first4 | last4) & 0x80808080u) == 0;
  }
  uint32_t any = 0;
  for (size_t i = 0; i < size; ++i) any |= data[i];
  return any < 0x80;
}

}  // namespace

bool isValidUtf8(const uint8_t* data, size_t size) {
  if (isAscii(data, size)) return true;
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
