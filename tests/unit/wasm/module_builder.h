// Builds small binary modules byte by byte for decoder and validator tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace wisp::test {

using Bytes = std::vector<uint8_t>;

inline void appendU32(Bytes& out, uint32_t value) {
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value) byte |= 0x80;
    out.push_back(byte);
  } while (value);
}

inline Bytes section(uint8_t id, const Bytes& payload) {
  Bytes out{id};
  appendU32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

inline Bytes moduleOf(std::initializer_list<Bytes> sections) {
  Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A module with one type `params -> results`, one function of that type and the given body
// (locals declarations included), plus optional extra sections placed after the code.
inline Bytes moduleWithFunction(const Bytes& params, const Bytes& results, const Bytes& body) {
  Bytes type{0x01, 0x60};
  appendU32(type, static_cast<uint32_t>(params.size()));
  type.insert(type.end(), params.begin(), params.end());
  appendU32(type, static_cast<uint32_t>(results.size()));
  type.insert(type.end(), results.begin(), results.end());
  Bytes code{0x01};
  appendU32(code, static_cast<uint32_t>(body.size()));
  code.insert(code.end(), body.begin(), body.end());
  return moduleOf({section(1, type), section(3, {0x01, 0x00}), section(10, code)});
}

}  // namespace wisp::test
