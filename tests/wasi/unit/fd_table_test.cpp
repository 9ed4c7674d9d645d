// The descriptor table: lowest free numbers, rights checks, close and renumber; and the rights
// an entry gets from its host descriptor's type and access mode.
#include "wasi/fd_table.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace wisp::wasi {
namespace {

std::unique_ptr<FdEntry> entryFor(const char* path, int flags, Rights max_base = right::kAll) {
  std::unique_ptr<FdEntry> entry;
  EXPECT_EQ(makeFdEntry(UniqueFd(open(path, flags | O_CLOEXEC)), max_base, right::kAll, entry),
            Errno::Success);
  return entry;
}

TEST(FdTableTest, NumbersAreTheLowestFree) {
  FdTable table;
  EXPECT_EQ(table.insert(entryFor("/dev/null", O_RDONLY)), 0u);
  EXPECT_EQ(table.insert(entryFor("/dev/null", O_RDONLY)), 1u);
  EXPECT_EQ(table.insert(entryFor("/dev/null", O_RDONLY)), 2u);
  EXPECT_EQ(table.close(1), Errno::Success);
  EXPECT_EQ(table.insert(entryFor("/dev/null", O_RDONLY)), 1u);
  EXPECT_EQ(table.close(7), Errno::BadF);
  EXPECT_EQ(table.close(1), Errno::Success);
  EXPECT_EQ(table.close(1), Errno::BadF);
}

TEST(FdTableTest, LookupChecksRights) {
  FdTable table;
  const uint32_t fd = table.insert(entryFor("/dev/null", O_RDONLY));
  FdEntry* entry = nullptr;
  EXPECT_EQ(table.lookup(fd, right::kFdRead, entry), Errno::Success);
  EXPECT_EQ(table.lookup(fd, right::kFdWrite, entry), Errno::NotCapable);  // opened read-only
  EXPECT_EQ(table.lookup(fd, right::kFdSeek, entry), Errno::NotCapable);   // a character device
  EXPECT_EQ(table.lookup(fd + 1, 0, entry), Errno::BadF);
  EXPECT_EQ(table.lookup(UINT32_MAX, 0, entry), Errno::BadF);
}

TEST(FdTableTest, RightsFollowTheTypeAndTheLimit) {
  auto directory = entryFor("/tmp", O_RDONLY | O_DIRECTORY);
  EXPECT_EQ(directory->type, FileType::Directory);
  EXPECT_TRUE(directory->base & right::kPathOpen);
  EXPECT_FALSE(directory->base & right::kFdWrite);
  EXPECT_TRUE(directory->inheriting & right::kFdWrite);

  auto limited = entryFor("/dev/null", O_RDWR, right::kFdRead);
  EXPECT_EQ(limited->base, right::kFdRead);
  EXPECT_EQ(limited->inheriting, 0u);
}

TEST(FdTableTest, RenumberMovesAndCloses) {
  FdTable table;
  const uint32_t a = table.insert(entryFor("/dev/null", O_RDONLY));
  const uint32_t b = table.insert(entryFor("/tmp", O_RDONLY | O_DIRECTORY));
  EXPECT_EQ(table.renumber(b, a), Errno::Success);
  FdEntry* entry = nullptr;
  ASSERT_EQ(table.lookup(a, 0, entry), Errno::Success);
  EXPECT_EQ(entry->type, FileType::Directory);
  EXPECT_EQ(table.lookup(b, 0, entry), Errno::BadF);
  EXPECT_EQ(table.renumber(a, 9), Errno::BadF);  // the target must be open
  EXPECT_EQ(table.renumber(9, a), Errno::BadF);
  EXPECT_EQ(table.renumber(a, a), Errno::Success);
}

}  // namespace
}  // namespace wisp::wasi
