// A bounds-checked cursor over wasm bytes with LEB128 decoding.
//
// Errors do not unwind: the first error is recorded, the cursor jumps to the end and every
// later read returns zero. Loops therefore end on their own, and callers check ok() where a
// bad value would do harm (an index, a count used to reserve memory).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "wasm/error.h"

namespace wisp::wasm {

class BinaryReader {
 public:
  // `base` is the offset of `begin` within the whole module, for error positions.
  BinaryReader(const uint8_t* begin, const uint8_t* end, size_t base = 0)
      : begin_(begin), pos_(begin), end_(end), base_(base) {}

  bool ok() const { return !error_; }
  bool atEnd() const { return pos_ >= end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - pos_); }
  size_t offset() const { return base_ + static_cast<size_t>(pos_ - begin_); }  // in module
  size_t offsetOf(const uint8_t* p) const { return base_ + static_cast<size_t>(p - begin_); }
  const uint8_t* pos() const { return pos_; }
  const uint8_t* end() const { return end_; }
  const std::optional<Error>& error() const { return error_; }
  std::optional<Error>& error() { return error_; }

  void fail(ErrorKind kind, size_t at, std::string message) {
    if (error_) return;
    error_ = Error{kind, std::move(message), at, kNoFunction};
    pos_ = end_;
  }
  void malformed(std::string message) { fail(ErrorKind::Malformed, offset(), std::move(message)); }
  void malformedAt(size_t at, std::string message) {
    fail(ErrorKind::Malformed, at, std::move(message));
  }
  void invalidAt(size_t at, std::string message) { fail(ErrorKind::Invalid, at, std::move(message)); }

  uint8_t u8() {
    if (pos_ >= end_) return unexpectedEnd(), 0;
    return *pos_++;
  }
  // u8 where atEnd() was just false.
  uint8_t u8AfterAtEnd() { return *pos_++; }
  uint8_t peekU8() const { return pos_ < end_ ? *pos_ : 0; }

  uint32_t fixedU32() {
    if (remaining() < 4) return unexpectedEnd(), 0;
    uint32_t v;
    std::memcpy(&v, pos_, 4);
    pos_ += 4;
    return v;
  }
  uint64_t fixedU64() {
    if (remaining() < 8) return unexpectedEnd(), 0;
    uint64_t v;
    std::memcpy(&v, pos_, 8);
    pos_ += 8;
    return v;
  }
  // Copies n raw bytes (constants of f32, f64, v128, shuffle lanes).
  void bytes(void* out, size_t n) {
    if (remaining() < n) {
      std::memset(out, 0, n);
      return unexpectedEnd();
    }
    std::memcpy(out, pos_, n);
    pos_ += n;
  }
  void skip(size_t n) {
    if (remaining() < n) return unexpectedEnd();
    pos_ += n;
  }

  // Fast paths: one or two bytes, the common case for indices, counts and constants (two
  // bytes hold 14 bits, so neither "too long" nor "too large" can apply).
  __attribute__((always_inline)) uint32_t u32() {
    if (pos_ < end_ && *pos_ < 0x80) return *pos_++;
    if (remaining() >= 2 && pos_[1] < 0x80) {
      const uint32_t value = (pos_[0] & 0x7Fu) | (uint32_t{pos_[1]} << 7);
      pos_ += 2;
      return value;
    }
    return static_cast<uint32_t>(leb<uint64_t, 32, false>());
  }
  __attribute__((always_inline)) int32_t s32() {
    if (pos_ < end_ && *pos_ < 0x80) {
      const uint32_t bits = *pos_++;
      return static_cast<int32_t>(bits << 25) >> 25;  // sign-extends bit 6
    }
    if (remaining() >= 2 && pos_[1] < 0x80) {
      const uint32_t bits = (pos_[0] & 0x7Fu) | (uint32_t{pos_[1]} << 7);
      pos_ += 2;
      return static_cast<int32_t>(bits << 18) >> 18;  // sign-extends bit 13
    }
    return static_cast<int32_t>(leb<int64_t, 32, true>());
  }
  uint64_t u64() { return static_cast<uint64_t>(leb<uint64_t, 64, false>()); }
  int64_t s64() { return leb<int64_t, 64, true>(); }
  // The block type's signed 33-bit type index.
  int64_t s33() { return leb<int64_t, 33, true>(); }

  // A name: u32 length then UTF-8 bytes, validated.
  std::string name();
  std::string_view nameView();

  void unexpectedEnd() { malformed("unexpected end"); }

 private:
  // LEB128 of at most ceil(bits/7) bytes; the unused bits of the last byte must be zero
  // (unsigned) or a sign extension (signed), else "integer too large". Out of line, so that
  // the one-byte fast paths of u32() and s32() stay small enough to inline.
  template <typename T, unsigned Bits, bool Signed>
  __attribute__((noinline)) T leb() {
    constexpr unsigned kMaxBytes = (Bits + 6) / 7;
    const size_t start = offset();
    uint64_t result = 0;
    unsigned shift = 0;
    for (unsigned i = 0; i < kMaxBytes; ++i) {
      if (pos_ >= end_) return unexpectedEnd(), T{};
      const uint8_t byte = *pos_++;
      if (i == kMaxBytes - 1) {
        // Bits of the last byte beyond `Bits` must not carry information.
        constexpr unsigned kUsed = Bits - 7 * (kMaxBytes - 1);  // value bits in the last byte
        if (byte & 0x80) return malformedAt(start, "integer representation too long"), T{};
        if constexpr (Signed) {
          const uint8_t rest = byte & static_cast<uint8_t>(0x7F << (kUsed - 1)) & 0x7F;
          const uint8_t all = static_cast<uint8_t>(0x7F << (kUsed - 1)) & 0x7F;
          if (rest != 0 && rest != all) return malformedAt(start, "integer too large"), T{};
        } else {
          if (kUsed < 7 && (byte >> kUsed) != 0)
            return malformedAt(start, "integer too large"), T{};
        }
        result |= static_cast<uint64_t>(byte & 0x7F) << shift;
        shift += 7;
        break;
      }
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    if constexpr (Signed) {
      if (shift < 64 && (result >> (shift - 1)) & 1) result |= ~uint64_t{0} << shift;
      return static_cast<T>(result);
    } else {
      return static_cast<T>(result);
    }
  }

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  size_t base_;
  std::optional<Error> error_;
};

bool isValidUtf8(const uint8_t* data, size_t size);

}  // namespace wisp::wasm
