#include "wasm/binary_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace wisp::wasm {
namespace {

BinaryReader readerOf(const std::vector<uint8_t>& bytes) {
  return BinaryReader(bytes.data(), bytes.data() + bytes.size());
}

TEST(BinaryReader, DecodesUnsignedLeb128) {
  std::vector<uint8_t> bytes{0xE5, 0x8E, 0x26, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  BinaryReader r = readerOf(bytes);
  EXPECT_EQ(r.u32(), 624485u);
  EXPECT_EQ(r.u32(), 127u);
  EXPECT_EQ(r.u32(), 0xFFFFFFFFu);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.atEnd());
}

TEST(BinaryReader, AcceptsPaddedLebWithinFiveBytes) {
  std::vector<uint8_t> bytes{0x80, 0x80, 0x80, 0x80, 0x00};
  BinaryReader r = readerOf(bytes);
  EXPECT_EQ(r.u32(), 0u);
  EXPECT_TRUE(r.ok());
}

TEST(BinaryReader, RejectsOverlongU32) {
  std::vector<uint8_t> bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  BinaryReader r = readerOf(bytes);
  r.u32();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error()->kind, ErrorKind::Malformed);
  EXPECT_NE(r.error()->message.find("too long"), std::string::npos);
}

TEST(BinaryReader, RejectsU32WithHighBitsInLastByte) {
  std::vector<uint8_t> bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  BinaryReader r = readerOf(bytes);
  r.u32();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error()->message.find("integer too large"), std::string::npos);
}

TEST(BinaryReader, DecodesSignedLeb128) {
  std::vector<uint8_t> bytes{0x7F, 0x80, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0x07,
                             0x80, 0x80, 0x80, 0x80, 0x78};
  BinaryReader r = readerOf(bytes);
  EXPECT_EQ(r.s32(), -1);
  EXPECT_EQ(r.s32(), -128);
  EXPECT_EQ(r.s32(), INT32_MAX);
  EXPECT_EQ(r.s32(), INT32_MIN);
  EXPECT_TRUE(r.ok());
}

TEST(BinaryReader, RejectsS32WhoseUnusedBitsAreNotASignExtension) {
  // 0x70 sets the unused bits but not the sign bit of a 5-byte s32.
  std::vector<uint8_t> bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x70};
  BinaryReader r = readerOf(bytes);
  r.s32();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error()->message.find("integer too large"), std::string::npos);
}

TEST(BinaryReader, DecodesS64Extremes) {
  std::vector<uint8_t> min{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
  BinaryReader r = readerOf(min);
  EXPECT_EQ(r.s64(), INT64_MIN);
  EXPECT_TRUE(r.ok());
  std::vector<uint8_t> bad{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  BinaryReader r2 = readerOf(bad);
  r2.s64();
  EXPECT_FALSE(r2.ok());
}

TEST(BinaryReader, TruncationIsUnexpectedEndAtTheRightOffset) {
  std::vector<uint8_t> bytes{0x01, 0x80};
  BinaryReader r(bytes.data(), bytes.data() + bytes.size(), 100);
  EXPECT_EQ(r.u8(), 1);
  r.u32();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error()->message, "unexpected end");
  EXPECT_EQ(r.error()->offset, 102u);
  // Later reads return zero rather than reading past the end.
  EXPECT_EQ(r.u8(), 0);
  EXPECT_EQ(r.error()->offset, 102u);
}

TEST(BinaryReader, ValidatesUtf8) {
  auto valid = [](std::vector<uint8_t> s) { return isValidUtf8(s.data(), s.size()); };
  EXPECT_TRUE(valid({'a', 'b'}));
  EXPECT_TRUE(valid({0xC3, 0xA9}));                // é
  EXPECT_TRUE(valid({0xF0, 0x9F, 0x98, 0x80}));    // U+1F600
  EXPECT_FALSE(valid({0xC0, 0x80}));               // overlong NUL
  EXPECT_FALSE(valid({0xED, 0xA0, 0x80}));         // surrogate
  EXPECT_FALSE(valid({0xF4, 0x90, 0x80, 0x80}));   // above U+10FFFF
  EXPECT_FALSE(valid({0x80}));                     // lone continuation
  EXPECT_FALSE(valid({0xE2, 0x82}));               // truncated
  // Past the eight-byte ASCII path: a bad byte at every position of a longer name, and a good
  // multi-byte character straddling an eight-byte boundary.
  // Every length of the ASCII check's cases (a byte loop, two overlapping halves, words and
  // an overlapping last word), with one bad byte at every position.
  for (size_t length = 0; length <= 24; ++length) {
    EXPECT_TRUE(valid(std::vector<uint8_t>(length, 'x'))) << length;
    for (size_t at = 0; at < length; ++at) {
      std::vector<uint8_t> name(length, 'x');
      name[at] = 0xFF;
      EXPECT_FALSE(valid(name)) << length << " " << at;
    }
  }
  for (size_t at = 0; at < 20; ++at) {
    std::vector<uint8_t> name(20, 'x');
    name[at] = 0xFF;
    EXPECT_FALSE(valid(name)) << at;
    name[at] = 0xC3;
    if (at + 1 < name.size()) {
      name[at + 1] = 0xA9;
      EXPECT_TRUE(valid(name)) << at;
    } else {
      EXPECT_FALSE(valid(name)) << at;  // truncated at the end
    }
  }
}

}  // namespace
}  // namespace wisp::wasm
