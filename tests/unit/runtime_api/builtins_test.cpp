// The builtins compiled code calls for bulk memory and table instructions, called directly on
// an instance's vmctx.
#include "runtime/builtins.h"

#include <gtest/gtest.h>

#include <cstring>

#include "runtime_fixture.h"

namespace wisp::test {
namespace {

namespace builtins = runtime::builtins;
using runtime::TrapKind;

constexpr builtins::Status kOk = 0;
constexpr builtins::Status statusOf(TrapKind kind) { return 1 + static_cast<builtins::Status>(kind); }
constexpr builtins::Status kMemoryOob = statusOf(TrapKind::MemoryOutOfBounds);
constexpr builtins::Status kTableOob = statusOf(TrapKind::TableOutOfBounds);

class BuiltinsTest : public RuntimeTest {
 protected:
  void SetUp() override {
    instance_ = &instantiateOk(R"(
      (module
        (memory 1 2)
        (table 4 8 funcref)
        (table $refs 3 externref)
        (func $a) (func $b) (func $c)
        (elem $passive func $a $b $c)
        (data $bytes "abcdef"))
    )");
    vmctx_ = instance_->vmctx();
    memory_ = instance_->memory(0)->base();
  }
  uint64_t funcref(uint32_t index) { return reinterpret_cast<uint64_t>(instance_->function(index)); }

  runtime::Instance* instance_ = nullptr;
  runtime::VMContext* vmctx_ = nullptr;
  uint8_t* memory_ = nullptr;
};

TEST_F(BuiltinsTest, MemoryFillChecksTheWholeRangeFirst) {
  EXPECT_EQ(builtins::memoryFill(vmctx_, 0, 65530, 0x1AB, 6), kOk);
  EXPECT_EQ(memory_[65530], 0xAB);  // the value is truncated to a byte
  EXPECT_EQ(memory_[65535], 0xAB);
  EXPECT_EQ(builtins::memoryFill(vmctx_, 0, 65531, 7, 6), kMemoryOob);
  EXPECT_EQ(memory_[65531], 0xAB);  // nothing written by the trapping fill
  EXPECT_EQ(builtins::memoryFill(vmctx_, 0, 65536, 7, 0), kOk);  // empty, at the end
  EXPECT_EQ(builtins::memoryFill(vmctx_, 0, 65537, 7, 0), kMemoryOob);
  // 64-bit arithmetic: dst + n does not wrap around.
  EXPECT_EQ(builtins::memoryFill(vmctx_, 0, 0xFFFFFFFF, 7, 2), kMemoryOob);
}

TEST_F(BuiltinsTest, MemoryCopyOverlapsLikeMemmove) {
  std::memcpy(memory_, "0123456789", 10);
  EXPECT_EQ(builtins::memoryCopy(vmctx_, 0, 0, 2, 0, 5), kOk);  // forward overlap
  EXPECT_EQ(std::memcmp(memory_, "0101234789", 10), 0);
  std::memcpy(memory_, "0123456789", 10);
  EXPECT_EQ(builtins::memoryCopy(vmctx_, 0, 0, 0, 2, 5), kOk);  // backward overlap
  EXPECT_EQ(std::memcmp(memory_, "2345656789", 10), 0);
  EXPECT_EQ(builtins::memoryCopy(vmctx_, 0, 0, 65535, 0, 2), kMemoryOob);
  EXPECT_EQ(builtins::memoryCopy(vmctx_, 0, 0, 0, 65535, 2), kMemoryOob);
  EXPECT_EQ(builtins::memoryCopy(vmctx_, 0, 0, 65536, 65536, 0), kOk);
  EXPECT_EQ(builtins::memoryCopy(vmctx_, 0, 0, 65537, 0, 0), kMemoryOob);
}

TEST_F(BuiltinsTest, MemoryInitAndDataDrop) {
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 10, 2, 3), kOk);
  EXPECT_EQ(std::memcmp(memory_ + 10, "cde", 3), 0);
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 0, 4, 3), kMemoryOob);  // past the segment
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 65534, 0, 3), kMemoryOob);  // past the memory
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 0, 6, 0), kOk);  // empty, at the segment's end
  builtins::dataDrop(vmctx_, 0);
  builtins::dataDrop(vmctx_, 0);  // dropping twice is fine
  // A dropped segment is empty: only n = 0 at source 0 and an in-bounds destination succeeds.
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 65536, 0, 0), kOk);
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 0, 1, 0), kMemoryOob);
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 65537, 0, 0), kMemoryOob);
  EXPECT_EQ(builtins::memoryInit(vmctx_, 0, 0, 0, 0, 1), kMemoryOob);
}

TEST_F(BuiltinsTest, MemoryGrowUpToTheMaximum) {
  EXPECT_EQ(builtins::memoryGrow(vmctx_, 0, 0), 1);
  EXPECT_EQ(builtins::memoryGrow(vmctx_, 0, 1), 1);
  EXPECT_EQ(instance_->memory(0)->vm()->length, 2u * 65536);
  memory_[2 * 65536 - 1] = 1;  // the new page is accessible
  EXPECT_EQ(builtins::memoryGrow(vmctx_, 0, 1), -1);  // declared maximum 2
}

TEST_F(BuiltinsTest, MemoryWithoutMaximumStopsAt65536Pages) {
  runtime::Instance& unbounded = instantiateOk("(module (memory 1))");
  EXPECT_EQ(builtins::memoryGrow(unbounded.vmctx(), 0, 65536), -1);
  EXPECT_EQ(builtins::memoryGrow(unbounded.vmctx(), 0, 0xFFFFFFFF), -1);
  EXPECT_EQ(builtins::memoryGrow(unbounded.vmctx(), 0, 65535), 1);
  EXPECT_EQ(unbounded.memory(0)->byteLength(), 65536ull * 65536);
}

TEST_F(BuiltinsTest, TableGrowKeepsTheViewInSync) {
  runtime::TableInstance& table = *instance_->table(0);
  EXPECT_EQ(builtins::tableGrow(vmctx_, 0, funcref(1), 3), 4);
  EXPECT_EQ(table.vm()->size, 7u);
  EXPECT_EQ(table.vm()->elements[6], funcref(1));
  EXPECT_EQ(table.vm()->elements[4], funcref(1));
  EXPECT_EQ(table.vm()->elements[3], 0u);  // old elements keep their values
  EXPECT_EQ(builtins::tableGrow(vmctx_, 0, 0, 2), -1);  // maximum 8
  EXPECT_EQ(builtins::tableGrow(vmctx_, 0, 0, 1), 7);
  EXPECT_EQ(builtins::tableGrow(vmctx_, 1, 0, 0xFFFFFFFF), -1);  // no maximum, still refused
  EXPECT_EQ(instance_->table(1)->size(), 3u);
}

TEST_F(BuiltinsTest, TableFill) {
  EXPECT_EQ(builtins::tableFill(vmctx_, 0, 1, funcref(2), 3), kOk);
  EXPECT_EQ(instance_->table(0)->get(0), 0u);
  EXPECT_EQ(instance_->table(0)->get(3), funcref(2));
  EXPECT_EQ(builtins::tableFill(vmctx_, 0, 2, 0, 3), kTableOob);
  EXPECT_EQ(instance_->table(0)->get(2), funcref(2));  // unchanged
  EXPECT_EQ(builtins::tableFill(vmctx_, 0, 4, 0, 0), kOk);
  EXPECT_EQ(builtins::tableFill(vmctx_, 0, 5, 0, 0), kTableOob);
}

TEST_F(BuiltinsTest, TableInitCopyAndElemDrop) {
  EXPECT_EQ(builtins::tableInit(vmctx_, 0, 0, 1, 0, 3), kOk);
  EXPECT_EQ(instance_->table(0)->get(1), funcref(0));
  EXPECT_EQ(instance_->table(0)->get(3), funcref(2));
  EXPECT_EQ(builtins::tableInit(vmctx_, 0, 0, 0, 1, 3), kTableOob);
  // Overlapping copy in both directions: [_, a, b, c] -> [a, b, c, c] -> [a, a, b, c]
  EXPECT_EQ(builtins::tableCopy(vmctx_, 0, 0, 0, 1, 3), kOk);
  EXPECT_EQ(instance_->table(0)->get(0), funcref(0));
  EXPECT_EQ(instance_->table(0)->get(2), funcref(2));
  EXPECT_EQ(builtins::tableCopy(vmctx_, 0, 0, 1, 0, 3), kOk);
  EXPECT_EQ(instance_->table(0)->get(1), funcref(0));
  EXPECT_EQ(instance_->table(0)->get(3), funcref(2));
  EXPECT_EQ(builtins::tableCopy(vmctx_, 0, 0, 2, 0, 3), kTableOob);
  EXPECT_EQ(builtins::tableCopy(vmctx_, 0, 0, 4, 4, 0), kOk);
  builtins::elemDrop(vmctx_, 0);
  EXPECT_EQ(builtins::tableInit(vmctx_, 0, 0, 4, 0, 0), kOk);
  EXPECT_EQ(builtins::tableInit(vmctx_, 0, 0, 0, 0, 1), kTableOob);
  EXPECT_EQ(builtins::tableInit(vmctx_, 0, 0, 5, 0, 0), kTableOob);
}

}  // namespace
}  // namespace wisp::test
