#include "runtime/code_memory.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace wisp::runtime {
namespace {

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

  const uint8_t return_42[] = {0xB8, 42, 0, 0, 0, 0xC3};  // mov eax, 42; ret
  ASSERT_TRUE(memory->write(0, return_42).ok());
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

TEST(CodeMemoryDeathTest, PublishedCodeIsNotWritable) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
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
