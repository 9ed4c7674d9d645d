// Linear memory: reservation, grow semantics (maximum, the 65536-page limit, failure), grown
// pages readable, writable and zero, and the bytes past the end faulting (checked through
// catchTraps with a generated load, as compiled code will hit them).
#include "runtime/linear_memory.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>

#include "jit_test_support.h"
#include "runtime/trap_handler.h"

namespace wisp::runtime {
namespace {

using namespace asmjit;
constexpr uint64_t kPage = LinearMemory::kPageSize;

// Loads a byte at `address` from wasm code, inside catchTraps: nullopt if it faulted
// (as MemoryOutOfBounds), else the byte.
class Prober {
 public:
  Prober() {
    test::JitBuilder builder;
    Label entry = builder.newLabel();
    probe_ = builder.newLabel();
    builder.emitEntryTrampoline(entry);
    builder.beginFunction(probe_, 0, "probe");
    builder.loadByte(nullptr, 0);
    builder.endFunction();
    code_ = builder.load();
    entry_ = reinterpret_cast<test::EntryFn*>(code_->address(entry));
  }

  std::optional<uint8_t> load(const uint8_t* address) {
    uint64_t value = 0;
    std::optional<Trap> trap = catchTraps(limits_, [&] {
      value = entry_(&limits_, code_->address(probe_), reinterpret_cast<uint64_t>(address), 0);
    });
    if (trap) {
      EXPECT_EQ(trap->kind, TrapKind::MemoryOutOfBounds);
      return std::nullopt;
    }
    return static_cast<uint8_t>(value);
  }

 private:
  RuntimeLimits limits_;
  std::unique_ptr<test::LoadedCode> code_;
  test::EntryFn* entry_ = nullptr;
  Label probe_;
};

TEST(LinearMemory, GuardRegionModeReservesEightGiB) {
  Result<LinearMemory> memory = LinearMemory::create({.initial_pages = 2, .maximum_pages = {}});
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_EQ(memory->pages(), 2u);
  EXPECT_EQ(memory->byteLength(), 2 * kPage);
  EXPECT_EQ(memory->maximumPages(), 65536u);
  EXPECT_EQ(memory->guardBytes(), 4ull << 30);
  EXPECT_FALSE(memory->offsetNeedsBoundsCheck(UINT32_MAX));
  const auto base = reinterpret_cast<uintptr_t>(memory->base());
  EXPECT_TRUE(memory->ownsAddress(base + (8ull << 30) - 1));
  EXPECT_FALSE(memory->ownsAddress(base + (8ull << 30)));
  for (uint64_t i = 0; i < memory->byteLength(); i += 4096) EXPECT_EQ(memory->base()[i], 0);
  memory->base()[2 * kPage - 1] = 0xAB;
}

TEST(LinearMemory, SmallerGuardNeedsChecksForLargeOffsets) {
  Result<LinearMemory> memory =
      LinearMemory::create({.initial_pages = 0, .maximum_pages = {}, .guard_bytes = 2ull << 30});
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_FALSE(memory->offsetNeedsBoundsCheck(2ull << 30));
  EXPECT_TRUE(memory->offsetNeedsBoundsCheck((2ull << 30) + 1));
}

TEST(LinearMemory, GrowRespectsTheDeclaredMaximum) {
  Prober prober;
  Result<LinearMemory> memory = LinearMemory::create({.initial_pages = 1, .maximum_pages = 3});
  ASSERT_TRUE(memory.ok());
  uint8_t* base = memory->base();
  EXPECT_EQ(prober.load(base + kPage), std::nullopt) << "past the end faults";

  EXPECT_EQ(memory->grow(0), 1);
  EXPECT_EQ(memory->grow(1), 1);
  EXPECT_EQ(memory->pages(), 2u);
  EXPECT_EQ(memory->base(), base) << "guard-region memories never move";
  EXPECT_EQ(prober.load(base + kPage), std::optional<uint8_t>(0));
  base[2 * kPage - 1] = 9;
  EXPECT_EQ(prober.load(base + 2 * kPage - 1), std::optional<uint8_t>(9));
  EXPECT_EQ(prober.load(base + 2 * kPage), std::nullopt);

  EXPECT_EQ(memory->grow(2), -1) << "past the maximum of 3";
  EXPECT_EQ(memory->pages(), 2u);
  EXPECT_EQ(memory->grow(1), 2);
  EXPECT_EQ(memory->grow(1), -1);
  EXPECT_EQ(memory->grow(UINT32_MAX), -1);
  EXPECT_EQ(memory->grow(0), 3);
  EXPECT_EQ(prober.load(base + 3 * kPage - 1), std::optional<uint8_t>(0));
  EXPECT_EQ(prober.load(base + 3 * kPage), std::nullopt);
  EXPECT_EQ(prober.load(base + (8ull << 30) - 1), std::nullopt) << "the end of the guard";
}

TEST(LinearMemory, GrowStopsAtFourGiB) {
  Result<LinearMemory> memory = LinearMemory::create({.initial_pages = 0, .maximum_pages = {}});
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->grow(65537), -1);
  EXPECT_EQ(memory->grow(65536), 0);  // address space only: untouched pages cost nothing
  EXPECT_EQ(memory->byteLength(), 4ull << 30);
  EXPECT_EQ(memory->grow(1), -1);
  EXPECT_EQ(memory->grow(0), 65536);
  memory->base()[(4ull << 30) - 1] = 1;
}

TEST(LinearMemory, InvalidConfigurationsAreErrors) {
  Result<LinearMemory> too_big = LinearMemory::create({.initial_pages = 2, .maximum_pages = 1});
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message,
            "linear memory: initial size of 2 pages exceeds the maximum of 1 pages");
  EXPECT_FALSE(LinearMemory::create({.initial_pages = 0, .maximum_pages = 65537}).ok());
  EXPECT_FALSE(LinearMemory::create({.initial_pages = 65537, .maximum_pages = {}}).ok());
  EXPECT_FALSE(LinearMemory::create({.initial_pages = 0, .maximum_pages = {}, .guard_bytes = 1000}).ok());
}

TEST(LinearMemory, ExplicitChecksModeMapsOnlyTheAccessibleBytes) {
  Prober prober;
  Result<LinearMemory> memory = LinearMemory::create(
      {.initial_pages = 0, .maximum_pages = 100, .bounds_check_mode = BoundsCheckMode::ExplicitChecks});
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  EXPECT_EQ(memory->byteLength(), 0u);
  EXPECT_EQ(memory->guardBytes(), 0u);
  EXPECT_TRUE(memory->offsetNeedsBoundsCheck(0));

  EXPECT_EQ(memory->grow(1), 0);
  ASSERT_NE(memory->base(), nullptr);
  std::memset(memory->base(), 0x5A, kPage);
  // Grow far enough that mremap probably has to move the mapping; the contents come along.
  EXPECT_EQ(memory->grow(63), 1);
  EXPECT_EQ(memory->byteLength(), 64 * kPage);
  EXPECT_EQ(memory->base()[0], 0x5A);
  EXPECT_EQ(memory->base()[kPage - 1], 0x5A);
  EXPECT_EQ(memory->base()[kPage], 0);
  EXPECT_EQ(memory->base()[64 * kPage - 1], 0);
  EXPECT_EQ(memory->grow(37), -1);
  EXPECT_EQ(memory->grow(36), 64);
  EXPECT_EQ(prober.load(memory->base() + 100 * kPage - 1), std::optional<uint8_t>(0));
}

TEST(LinearMemory, DestructionReleasesTheReservation) {
  uintptr_t base = 0;
  {
    Result<LinearMemory> memory = LinearMemory::create({.initial_pages = 1, .maximum_pages = {}});
    ASSERT_TRUE(memory.ok());
    base = reinterpret_cast<uintptr_t>(memory->base());
    LinearMemory moved = std::move(*memory);
    EXPECT_EQ(memory->base(), nullptr);
    EXPECT_EQ(memory->grow(1), -1);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(moved.base()), base);
  }
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) == 2) {
      EXPECT_FALSE(base >= begin && base < end) << line;
    }
  }
}

}  // namespace
}  // namespace wisp::runtime
