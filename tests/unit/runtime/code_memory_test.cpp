#include "runtime/code_memory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../death_test_style.h"

namespace wisp::runtime {
namespace {

// The machine code of a function returning `value` (below 256), for the host's ISA.
std::vector<uint8_t> returnConstant(uint8_t value) {
#if defined(__aarch64__)
  const uint32_t mov_w0 = 0x52800000u | (uint32_t{value} << 5);  // mov w0, #value
  return {static_cast<uint8_t>(mov_w0), static_cast<uint8_t>(mov_w0 >> 8),
          static_cast<uint8_t>(mov_w0 >> 16), static_cast<uint8_t>(mov_w0 >> 24),
          0xC0, 0x03, 0x5F, 0xD6};  // ret
#else
  return {0xB8, value, 0, 0, 0, 0xC3};  // mov eax, value; ret
#endif
}

// The permissions ("r-xp") of the /proc/self/maps entry containing `address`.
std::string permissionsAt(uintptr_t address) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long begin = 0, end = 0;
    char permissions[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &begin, &end, permissions) == 3 &&
        address >= begin && address < end) {
      return permissions;
    }
  }
  return "unmapped";
}

// Every mapping overlapping [begin, end) has the same permissions, none both writable and
// executable.
void expectNeverWritableAndExecutable(uintptr_t begin, uintptr_t end) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long from = 0, to = 0;
    char permissions[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &from, &to, permissions) != 3) continue;
    if (to <= begin || from >= end) continue;
    EXPECT_FALSE(permissions[1] == 'w' && permissions[2] == 'x') << line;
  }
}

TEST(CodeMemory, IsWritableThenExecutableNeverBoth) {
  Result<CodeMemory> memory = CodeMemory::allocate(100);
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_EQ(memory->size() % 4096, 0u);
  EXPECT_GE(memory->size(), 100u);
  EXPECT_EQ(permissionsAt(memory->begin()), "rw-p");
  expectNeverWritableAndExecutable(memory->begin(), memory->end());

  ASSERT_TRUE(memory->write(0, returnConstant(42)).ok());
  ASSERT_TRUE(memory->publish().ok());
  EXPECT_EQ(permissionsAt(memory->begin()), "r-xp");
  expectNeverWritableAndExecutable(memory->begin(), memory->end());
  EXPECT_TRUE(memory->writableBytes().empty());
  EXPECT_EQ(memory->entry<int()>(0)(), 42);
}

TEST(CodeMemory, ErrorsAreValues) {
  EXPECT_FALSE(CodeMemory::allocate(0).ok());
  Result<CodeMemory> huge = CodeMemory::allocate(SIZE_MAX - 10);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("too large"), std::string::npos) << huge.error().message;

  Result<CodeMemory> memory = CodeMemory::allocate(4096);
  ASSERT_TRUE(memory.ok());
  const uint8_t bytes[16] = {};
  Result<void> overflow = memory->write(4090, bytes);
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.error().message.find("exceeds"), std::string::npos);
  ASSERT_TRUE(memory->publish().ok());
  EXPECT_FALSE(memory->publish().ok());
  EXPECT_FALSE(memory->write(0, bytes).ok());
  EXPECT_FALSE(CodeMemory().publish().ok());
}

TEST(CodeMemory, MoveTransfersOwnershipAndDestructorUnmaps) {
  Result<CodeMemory> memory = CodeMemory::allocate(4096);
  ASSERT_TRUE(memory.ok());
  const uintptr_t begin = memory->begin();
  {
    CodeMemory moved = std::move(*memory);
    EXPECT_EQ(moved.begin(), begin);
    EXPECT_EQ(memory->size(), 0u);
    EXPECT_EQ(permissionsAt(begin), "rw-p");
  }
  EXPECT_EQ(permissionsAt(begin), "unmapped");
}

TEST(CodeMemory, AReservationGrowsKeepingItsContentsAndTrimsWhatWasNotUsed) {
  Result<CodeMemory> memory = CodeMemory::reserve(4096);
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_FALSE(CodeMemory::reserve(0).ok());
  Result<uint8_t*> first = memory->prepare(100);
  ASSERT_TRUE(first.ok()) << first.error().message;
  for (int i = 0; i < 4096; ++i) first.value()[i] = static_cast<uint8_t>(i * 7);
  // Past the reservation: the mapping grows (and may move), the bytes with it.
  Result<uint8_t*> grown = memory->prepare(64 * 4096 + 1);
  ASSERT_TRUE(grown.ok()) << grown.error().message;
  EXPECT_EQ(memory->size(), 65u * 4096);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(grown.value()), memory->begin());
  for (int i = 0; i < 4096; ++i) ASSERT_EQ(grown.value()[i], static_cast<uint8_t>(i * 7)) << i;
  grown.value()[64 * 4096] = 1;  // the last byte asked for is there
  EXPECT_EQ(permissionsAt(memory->begin() + 64 * 4096), "rw-p");
  // What was not used goes back; what was is kept and published as usual.
  const uintptr_t tail = memory->begin() + 2 * 4096;
  memory->trim(4097);
  EXPECT_EQ(memory->size(), 2u * 4096);
  EXPECT_EQ(permissionsAt(tail), "unmapped");
  ASSERT_TRUE(memory->write(4096, returnConstant(7)).ok());
  ASSERT_TRUE(memory->publish().ok());
  EXPECT_EQ(memory->entry<int()>(4096)(), 7);
  EXPECT_FALSE(memory->prepare(10).ok());  // never writable again
}

// Within a rel32 of this binary's code (see NearPlacement in code_memory.cpp), when the binary
// is mapped high enough to leave room below it, as a position-independent executable is.
bool nearThisBinary(uintptr_t address) {
  const auto here = reinterpret_cast<uintptr_t>(&permissionsAt);
  const uintptr_t distance = address > here ? address - here : here - address;
  return distance < (uintptr_t{1} << 31);
}

TEST(CodeMemory, LiesNearTheBinaryAndStaysNearAsItGrows) {
  if (reinterpret_cast<uintptr_t>(&permissionsAt) < (uintptr_t{4} << 30))
    GTEST_SKIP() << "the binary is mapped too low to leave room below it";
  Result<CodeMemory> small = CodeMemory::allocate(100);
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_TRUE(nearThisBinary(small->begin())) << std::hex << small->begin();
  Result<CodeMemory> reserved = CodeMemory::reserve(4096);
  ASSERT_TRUE(reserved.ok()) << reserved.error().message;
  EXPECT_TRUE(nearThisBinary(reserved->begin())) << std::hex << reserved->begin();
  // The small mapping was placed right above the reservation: it cannot grow in place.
  Result<uint8_t*> grown = reserved->prepare(256 * 4096);
  ASSERT_TRUE(grown.ok()) << grown.error().message;
  EXPECT_TRUE(nearThisBinary(reserved->begin())) << std::hex << reserved->begin();
}

TEST(CodeMemoryDeathTest, PublishedCodeIsNotWritable) {
  wisp::test::useThreadsafeDeathTests();
  EXPECT_DEATH(
      {
        Result<CodeMemory> memory = CodeMemory::allocate(4096);
        if (!memory.ok() || !memory->publish().ok()) return;
        *reinterpret_cast<volatile uint8_t*>(memory->begin()) = 0xC3;
      },
      "");
}

}  // namespace
}  // namespace wisp::runtime
