// LoopScan: the look ahead at a loop's body finds the locals it reads and writes through the
// nesting of blocks, including exception handling's try (which opens a block and ends with
// `end` or `delegate`), and gives up (incomplete) on what it does not read.
#include <gtest/gtest.h>

#include <vector>

#include "codegen/loop_scan.h"

namespace wisp::codegen {
namespace {

constexpr uint8_t kEnd = 0x0B, kTry = 0x06, kCatch = 0x07, kCatchAll = 0x19, kDelegate = 0x18,
                  kThrow = 0x08, kLocalGet = 0x20, kLocalSet = 0x21, kDrop = 0x1A,
                  kTryTable = 0x1F, kVoid = 0x40;

LoopScan scanned(const std::vector<uint8_t>& body) {
  LoopScan scan;
  scan.scan(body.data(), body.data() + body.size(), 8, 1000);
  return scan;
}

TEST(LoopScan, SeesThroughTryCatchToTheLoopsEnd) {
  // try  local.get 1 throw 0  catch 0  local.set 2  catch_all  end  local.get 3 drop  end(loop)
  const LoopScan scan = scanned({kTry, kVoid, kLocalGet, 1, kThrow, 0, kCatch, 0, kLocalSet, 2,
                                 kCatchAll, kEnd, kLocalGet, 3, kDrop, kEnd});
  ASSERT_TRUE(scan.complete());
  EXPECT_EQ(scan.uses(1), 1u);
  EXPECT_TRUE(scan.written(2));
  EXPECT_EQ(scan.uses(3), 1u);  // after the try's end: the try's `end` did not end the loop
}

TEST(LoopScan, DelegateEndsItsTryNotTheLoop) {
  // try  local.get 1 drop  delegate 0  local.set 4 ... end(loop)
  const LoopScan scan = scanned({kTry, kVoid, kLocalGet, 1, kDrop, kDelegate, 0, kLocalGet, 5,
                                 kLocalSet, 4, kEnd});
  ASSERT_TRUE(scan.complete());
  EXPECT_EQ(scan.uses(1), 1u);
  EXPECT_TRUE(scan.written(4));
}

TEST(LoopScan, TryTableAndAStrayDelegateLeaveItIncomplete) {
  EXPECT_FALSE(scanned({kTryTable, kVoid, 0, kLocalGet, 1, kDrop, kEnd, kEnd}).complete());
  EXPECT_FALSE(scanned({kLocalGet, 1, kDrop, kDelegate, 0, kEnd}).complete());
}

}  // namespace
}  // namespace wisp::codegen
