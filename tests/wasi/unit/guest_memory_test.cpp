// Bounds checks on guest memory: nothing at or past the end, no wrap-around at 4 GiB.
#include "wasi/guest_memory.h"

#include <gtest/gtest.h>

namespace wisp::wasi {
namespace {

TEST(GuestMemoryTest, ContainsChecksTheWholeRange) {
  uint8_t bytes[64] = {};
  GuestMemory memory(bytes, sizeof bytes);
  EXPECT_TRUE(memory.contains(0, 64));
  EXPECT_TRUE(memory.contains(64, 0));
  EXPECT_FALSE(memory.contains(64, 1));
  EXPECT_FALSE(memory.contains(60, 8));
  EXPECT_FALSE(memory.contains(0xffffffffu, 2));  // would wrap in 32-bit arithmetic
  EXPECT_FALSE(memory.contains(1, UINT32_MAX));
}

TEST(GuestMemoryTest, LoadsAndStoresAreUnalignedLittleEndian) {
  uint8_t bytes[16] = {};
  GuestMemory memory(bytes, sizeof bytes);
  ASSERT_TRUE(memory.store<uint32_t>(3, 0x11223344));
  EXPECT_EQ(bytes[3], 0x44);
  EXPECT_EQ(bytes[6], 0x11);
  uint32_t value = 0;
  ASSERT_TRUE(memory.load(3, value));
  EXPECT_EQ(value, 0x11223344u);
  EXPECT_FALSE(memory.store<uint64_t>(9, 1));
  EXPECT_FALSE(memory.load(13, value));
}

TEST(GuestMemoryTest, PathsAreCheckedForBoundsAndNulBytes) {
  uint8_t bytes[16] = {'a', '/', 'b', 0, 'c'};
  GuestMemory memory(bytes, sizeof bytes);
  std::string path;
  EXPECT_EQ(memory.readPath(0, 3, path), Errno::Success);
  EXPECT_EQ(path, "a/b");
  EXPECT_EQ(memory.readPath(0, 5, path), Errno::Inval);
  EXPECT_EQ(memory.readPath(10, 7, path), Errno::Fault);
  EXPECT_EQ(memory.readPath(16, 0, path), Errno::Success);
  EXPECT_EQ(path, "");
}

TEST(GuestMemoryTest, IovecsAreCheckedOneByOne) {
  alignas(8) uint8_t bytes[64] = {};
  GuestMemory memory(bytes, sizeof bytes);
  auto put = [&](uint32_t at, uint32_t buf, uint32_t len) {
    memory.store(at, buf);
    memory.store(at + 4, len);
  };
  put(0, 32, 16);
  put(8, 48, 16);
  std::vector<struct iovec> out;
  ASSERT_EQ(memory.readIovecs(0, 2, out), Errno::Success);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].iov_base, bytes + 48);
  EXPECT_EQ(out[1].iov_len, 16u);
  put(8, 48, 17);  // one byte past the end
  EXPECT_EQ(memory.readIovecs(0, 2, out), Errno::Fault);
  EXPECT_EQ(memory.readIovecs(60, 1, out), Errno::Fault);          // the array itself
  EXPECT_EQ(memory.readIovecs(0, 0x20000000, out), Errno::Fault);  // count * 8 past the end
  EXPECT_EQ(memory.readIovecs(64, 0, out), Errno::Success);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace wisp::wasi
