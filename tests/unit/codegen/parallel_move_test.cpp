// ParallelMove against a simulated machine: registers and frame slots hold symbolic values;
// after emit() every destination must hold what its source held before, and nothing else
// may change except the scratch (which the emitter owns).
#include "codegen/parallel_move.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace wisp::codegen {
namespace {

using isa::Reg;
using wasm::ValType;

struct Machine {
  std::map<uint8_t, uint64_t> regs;  // by register code
  std::map<int32_t, uint64_t> slots;
  int steps = 0;
  int swaps = 0;

  uint64_t read(const MoveLocation& l) {
    if (l.isReg()) return regs[l.reg.code()];
    if (l.isSlot()) return slots[l.disp];
    return l.bits;
  }
  void move(Reg d, Reg s, ValType) { regs[d.code()] = regs[s.code()]; ++steps; }
  void load(Reg d, int32_t disp, ValType) { regs[d.code()] = slots[disp]; ++steps; }
  void store(int32_t disp, Reg s, ValType) { slots[disp] = regs[s.code()]; ++steps; }
  void copy(int32_t d, int32_t s, ValType) { slots[d] = slots[s]; ++steps; }
  void moveImm(Reg d, ValType, uint64_t bits) { regs[d.code()] = bits; ++steps; }
  void storeImm(int32_t d, ValType, uint64_t bits) { slots[d] = bits; ++steps; }
  void swap(Reg a, Reg b, ValType) {
    ASSERT_EQ(a.regClass(), b.regClass());
    std::swap(regs[a.code()], regs[b.code()]);
    ++steps;
    ++swaps;
  }
};

constexpr int32_t kTempSlot = -512;

struct Expected {
  MoveLocation dst;
  uint64_t value;
};

// Fills every register and slot the moves mention with distinct values, emits, and checks.
void runAndCheck(ParallelMove& pm, const std::vector<std::pair<MoveLocation, MoveLocation>>& moves,
                 Machine* out = nullptr) {
  Machine m;
  uint64_t next = 1000;
  for (uint8_t code = 0; code < 32; ++code) m.regs[code] = next++;
  for (int32_t disp = -256; disp <= 64; disp += 8) m.slots[disp] = next++;
  const Machine before = m;
  std::vector<Expected> expected;
  for (const auto& [dst, src] : moves) {
    expected.push_back({dst, m.read(src)});
    pm.add(dst, src, dst.isReg() && dst.reg.isFp() ? ValType::F64 : ValType::I64);
  }
  pm.emit(m, kTempSlot);
  EXPECT_TRUE(pm.empty());
  for (const Expected& e : expected) EXPECT_EQ(m.read(e.dst), e.value);
  // Locations that are no destination keep their values.
  for (uint8_t code = 0; code < 32; ++code) {
    bool is_dst = false;
    for (const Expected& e : expected) is_dst |= e.dst.isReg() && e.dst.reg.code() == code;
    if (!is_dst) EXPECT_EQ(m.regs[code], before.regs.at(code)) << "register " << int(code);
  }
  for (const auto& [disp, value] : before.slots) {
    if (disp == kTempSlot) continue;
    bool is_dst = false;
    for (const Expected& e : expected) is_dst |= e.dst.isSlot() && e.dst.disp == disp;
    if (!is_dst) EXPECT_EQ(m.slots[disp], value) << "slot " << disp;
  }
  if (out) *out = m;
}

MoveLocation R(uint8_t gp) { return MoveLocation::inReg(Reg::gp(gp)); }
MoveLocation X(uint8_t fp) { return MoveLocation::inReg(Reg::fp(fp)); }
MoveLocation S(int32_t disp) { return MoveLocation::inSlot(disp); }
MoveLocation C(uint64_t bits) { return MoveLocation::constant(bits); }

TEST(ParallelMove, IndependentMovesEmitOneStepEach) {
  ParallelMove pm;
  Machine m;
  runAndCheck(pm, {{R(0), R(1)}, {R(2), S(-8)}, {S(-16), R(3)}, {R(5), C(7)}, {S(-24), C(9)}},
              &m);
  EXPECT_EQ(m.steps, 5);
  EXPECT_EQ(m.swaps, 0);
}

TEST(ParallelMove, MoveOntoItselfIsDropped) {
  ParallelMove pm;
  pm.add(R(3), R(3), ValType::I64);
  pm.add(S(-8), S(-8), ValType::I64);
  EXPECT_TRUE(pm.empty());
}

TEST(ParallelMove, ChainRunsInDependencyOrder) {
  ParallelMove pm;
  Machine m;
  // r0 <- r1 <- r2 <- r3: r0 must be written first.
  runAndCheck(pm, {{R(2), R(3)}, {R(1), R(2)}, {R(0), R(1)}}, &m);
  EXPECT_EQ(m.steps, 3);
  EXPECT_EQ(m.swaps, 0);
}

TEST(ParallelMove, TwoCycleIsOneSwap) {
  ParallelMove pm;
  Machine m;
  runAndCheck(pm, {{R(0), R(1)}, {R(1), R(0)}}, &m);
  EXPECT_EQ(m.steps, 1);
  EXPECT_EQ(m.swaps, 1);
}

TEST(ParallelMove, ThreeCycleOfFloatRegisters) {
  ParallelMove pm;
  Machine m;
  runAndCheck(pm, {{X(0), X(1)}, {X(1), X(2)}, {X(2), X(0)}}, &m);
  EXPECT_EQ(m.swaps, 2);
}

TEST(ParallelMove, CycleWithDuplicateSourcesAndATail) {
  ParallelMove pm;
  // r0 and r1 swap; r0's old value also goes to r4 and a slot, r1's to r5.
  runAndCheck(pm, {{R(0), R(1)}, {R(1), R(0)}, {R(4), R(0)}, {S(-8), R(0)}, {R(5), R(1)}});
}

TEST(ParallelMove, CycleThroughAFrameSlot) {
  ParallelMove pm;
  Machine m;
  // r2 takes the slot's value while the slot takes r2's: r2 is parked in the temporary slot.
  runAndCheck(pm, {{R(2), S(-16)}, {S(-16), R(2)}}, &m);
  EXPECT_EQ(m.steps, 3);
}

TEST(ParallelMove, LongCycleThroughRegistersAndSlots) {
  ParallelMove pm;
  runAndCheck(pm, {{R(1), S(-8)}, {S(-8), R(2)}, {R(2), S(-16)}, {S(-16), R(1)}, {R(4), R(1)}});
}

TEST(ParallelMove, SlotSourcesAreReadBeforeTheyAreOverwritten) {
  ParallelMove pm;
  // Merge values sliding down the frame, one of them into a register.
  runAndCheck(pm, {{S(-8), S(-16)}, {S(-16), S(-24)}, {R(3), S(-24)}, {S(-24), R(0)}});
}

TEST(ParallelMove, ConstantsNeverBlock) {
  ParallelMove pm;
  runAndCheck(pm, {{R(0), C(1)}, {R(1), R(0)}, {S(-8), R(1)}, {R(2), C(0)}});
}

// Random parallel moves over a few registers of each class and a few slots, with duplicate
// sources and cycles: the simulated machine must end in the right state every time.
TEST(ParallelMove, RandomMovesReachTheirTargets) {
  std::mt19937 rng(12345);
  ParallelMove pm;
  for (int round = 0; round < 20000; ++round) {
    std::vector<MoveLocation> gp_places, fp_places;
    for (uint8_t r = 0; r < 5; ++r) gp_places.push_back(R(r));
    for (uint8_t r = 0; r < 4; ++r) fp_places.push_back(X(r));
    for (int32_t d = -8; d >= -40; d -= 8) gp_places.push_back(S(d));
    std::vector<std::pair<MoveLocation, MoveLocation>> moves;
    std::vector<MoveLocation> dsts = gp_places;
    std::shuffle(dsts.begin(), dsts.end(), rng);
    const size_t gp_moves = rng() % dsts.size();
    for (size_t k = 0; k < gp_moves; ++k) {
      MoveLocation src = gp_places[rng() % gp_places.size()];
      if (rng() % 8 == 0) src = C(rng() % 3);
      if (dsts[k].sameAs(src)) continue;
      // Slot-to-slot moves only ever go one way (merge values slide down the frame), so slots
      // alone never form a cycle: the class's precondition.
      if (dsts[k].isSlot() && src.isSlot() && src.disp > dsts[k].disp) continue;
      moves.push_back({dsts[k], src});
    }
    std::vector<MoveLocation> fp_dsts = fp_places;
    std::shuffle(fp_dsts.begin(), fp_dsts.end(), rng);
    const size_t fp_moves = rng() % fp_dsts.size();
    for (size_t k = 0; k < fp_moves; ++k) {
      const MoveLocation src = fp_places[rng() % fp_places.size()];
      if (fp_dsts[k].sameAs(src)) continue;
      moves.push_back({fp_dsts[k], src});
    }
    runAndCheck(pm, moves);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "round " << round;
      return;
    }
  }
}

}  // namespace
}  // namespace wisp::codegen
