#include "runtime/code_info.h"

#include <gtest/gtest.h>

#include "runtime/code_registry.h"
#include "runtime/runtime_limits.h"

namespace wisp::runtime {
namespace {

CodeInfo twoFunctions() {
  CodeInfo info;
  // Added out of order on purpose: finish() sorts.
  info.addFunction({7, 100, 200, "second"});
  info.addFunction({3, 0, 100, "first"});
  info.addTrapSite({150, TrapKind::IntegerDivideByZero, 0x95});
  info.addTrapSite({10, TrapKind::Unreachable, 0x11});
  info.addAddressMapEntry({120, 0x90});
  info.addAddressMapEntry({0, 0x10});
  info.addAddressMapEntry({100, 0x80});
  return info;
}

TEST(CodeInfo, LookupsFindFunctionsTrapSitesAndWasmOffsets) {
  CodeInfo info = twoFunctions();
  ASSERT_TRUE(info.finish().ok());

  ASSERT_NE(info.lookupFunction(0), nullptr);
  EXPECT_EQ(info.lookupFunction(0)->function_index, 3u);
  EXPECT_EQ(info.lookupFunction(99)->name, "first");
  EXPECT_EQ(info.lookupFunction(100)->function_index, 7u);
  EXPECT_EQ(info.lookupFunction(200), nullptr);

  ASSERT_NE(info.lookupTrap(150), nullptr);
  EXPECT_EQ(info.lookupTrap(150)->kind, TrapKind::IntegerDivideByZero);
  EXPECT_EQ(info.lookupTrap(151), nullptr);
  EXPECT_EQ(info.lookupTrap(10)->wasm_offset, 0x11u);

  EXPECT_EQ(info.lookupFrame(5)->wasm_offset, 0x10u);
  EXPECT_EQ(info.lookupFrame(110)->function_index, 7u);
  EXPECT_EQ(info.lookupFrame(110)->wasm_offset, 0x80u);
  EXPECT_EQ(info.lookupFrame(199)->wasm_offset, 0x90u);
  EXPECT_FALSE(info.lookupFrame(250).has_value());
}

TEST(CodeInfo, AddressMapEntriesDoNotLeakIntoTheNextFunction) {
  CodeInfo info;
  info.addFunction({0, 0, 50, ""});
  info.addFunction({1, 50, 60, ""});
  info.addAddressMapEntry({10, 0x22});
  ASSERT_TRUE(info.finish().ok());
  EXPECT_EQ(info.lookupFrame(55)->wasm_offset, kUnknownWasmOffset);
}

TEST(CodeInfo, FinishRejectsOverlapsAndDuplicates) {
  CodeInfo overlapping;
  overlapping.addFunction({0, 0, 100, ""});
  overlapping.addFunction({1, 99, 120, ""});
  Result<void> result = overlapping.finish();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "code info: the code of functions 0 and 1 overlaps at offset 99");

  CodeInfo empty_range;
  empty_range.addFunction({4, 10, 10, ""});
  EXPECT_FALSE(empty_range.finish().ok());

  CodeInfo duplicate_sites;
  duplicate_sites.addTrapSite({8, TrapKind::Unreachable, 0});
  duplicate_sites.addTrapSite({8, TrapKind::IntegerOverflow, 0});
  EXPECT_FALSE(duplicate_sites.finish().ok());
}

TEST(CodeInfo, AssignTakesWholeTablesLikeTheAddCalls) {
  CodeInfo added = twoFunctions();
  ASSERT_TRUE(added.finish().ok());
  CodeInfo assigned;
  assigned.addFunction({9, 500, 600, "replaced"});
  // Out of order, like twoFunctions(): finish() sorts. The names point into text the CodeInfo
  // keeps alive.
  auto names = std::make_shared<const std::string>("firstsecond");
  const std::string_view text = *names;
  assigned.assign({{7, 100, 200, text.substr(5)}, {3, 0, 100, text.substr(0, 5)}},
                  {{150, TrapKind::IntegerDivideByZero, 0x95}, {10, TrapKind::Unreachable, 0x11}},
                  {{120, 0x90}, {0, 0x10}, {100, 0x80}}, std::move(names));
  EXPECT_FALSE(assigned.finished());
  ASSERT_TRUE(assigned.finish().ok());
  ASSERT_EQ(assigned.functions().size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(assigned.functions()[i].function_index, added.functions()[i].function_index);
    EXPECT_EQ(assigned.functions()[i].name, added.functions()[i].name);
  }
  ASSERT_EQ(assigned.trapSites().size(), 2u);
  EXPECT_EQ(assigned.trapSites()[0].code_offset, 10u);
  ASSERT_EQ(assigned.addressMap().size(), 3u);
  EXPECT_EQ(assigned.lookupFrame(110)->wasm_offset, 0x80u);
  EXPECT_EQ(assigned.lookupFunction(550), nullptr);

  CodeInfo overlapping;
  overlapping.assign({{0, 0, 100, ""}, {1, 99, 120, ""}}, {}, {}, nullptr);
  EXPECT_FALSE(overlapping.finish().ok());
}

TEST(CodeInfo, AddedFunctionsKeepTheirOwnNames) {
  CodeInfo info;
  for (uint32_t i = 0; i < 100; ++i) {
    std::string name = "function number " + std::to_string(i);  // gone after the call
    info.addFunction({i, i * 10, i * 10 + 10, name});
  }
  CodeInfo moved = std::move(info);
  ASSERT_TRUE(moved.finish().ok());
  EXPECT_EQ(moved.lookupFunction(5)->name, "function number 0");
  EXPECT_EQ(moved.lookupFunction(995)->name, "function number 99");
}

TEST(CodeRegistry, MapsAddressesToRegisteredCode) {
  CodeInfo info = twoFunctions();
  ASSERT_TRUE(info.finish().ok());
  // Two ranges with a gap between them: [a, a + 256) and [b, b + 64).
  alignas(16) static char code[512];
  const auto a = reinterpret_cast<uintptr_t>(code);
  const auto b = a + 320;

  EXPECT_FALSE(lookupCode(a).has_value());
  {
    Result<CodeRegistration> first = CodeRegistration::create(a, a + 256, &info);
    ASSERT_TRUE(first.ok()) << first.error().message;
    Result<CodeRegistration> second = CodeRegistration::create(b, b + 64, &info);
    ASSERT_TRUE(second.ok());

    std::optional<RegisteredCode> found = lookupCode(a + 150);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->begin, a);
    EXPECT_EQ(found->info, &info);
    EXPECT_EQ(found->offsetOf(a + 150), 150u);
    EXPECT_EQ(lookupTrapSite(a + 150)->kind, TrapKind::IntegerDivideByZero);
    EXPECT_EQ(lookupTrapSite(a + 149), nullptr);
    EXPECT_EQ(lookupFunctionCode(a + 220), nullptr) << "inside the code, outside any function";
    EXPECT_EQ(lookupCode(b + 63)->begin, b);
    EXPECT_FALSE(lookupCode(b + 64).has_value());
    EXPECT_FALSE(lookupCode(a + 256).has_value());

    Result<void> overlap = registerCode(a + 10, a + 20, &info);
    ASSERT_FALSE(overlap.ok());
    EXPECT_NE(overlap.error().message.find("overlaps"), std::string::npos);
    EXPECT_FALSE(registerCode(a, a, &info).ok());
    EXPECT_FALSE(registerCode(a, a + 1, nullptr).ok());
    CodeInfo unfinished;
    EXPECT_FALSE(registerCode(0x1000, 0x2000, &unfinished).ok());
  }
  EXPECT_FALSE(lookupCode(a + 150).has_value());
  EXPECT_FALSE(lookupCode(b).has_value());
  EXPECT_FALSE(unregisterCode(a));
}

TEST(RuntimeLimits, OffsetsAreTheAbi) {
  EXPECT_EQ(RuntimeLimits::kStackLimitOffset, 0u);
  EXPECT_EQ(RuntimeLimits::kFuelOffset, 32u);
  EXPECT_EQ(RuntimeLimits::kEpochDeadlineReachedOffset, 40u);
  RuntimeLimits limits;
  EXPECT_EQ(limits.stack_limit, 0u);
  EXPECT_EQ(limits.epoch_deadline_reached.load(), 0u);
}

TEST(Trap, MessagesMatchTheSpecTestSuite) {
  EXPECT_EQ(trapMessage(TrapKind::Unreachable), "unreachable");
  EXPECT_EQ(trapMessage(TrapKind::IntegerDivideByZero), "integer divide by zero");
  EXPECT_EQ(trapMessage(TrapKind::IntegerOverflow), "integer overflow");
  EXPECT_EQ(trapMessage(TrapKind::InvalidConversionToInteger), "invalid conversion to integer");
  EXPECT_EQ(trapMessage(TrapKind::MemoryOutOfBounds), "out of bounds memory access");
  EXPECT_EQ(trapMessage(TrapKind::TableOutOfBounds), "out of bounds table access");
  EXPECT_EQ(trapMessage(TrapKind::UndefinedElement), "undefined element");
  EXPECT_EQ(trapMessage(TrapKind::IndirectCallToNull), "uninitialized element");
  EXPECT_EQ(trapMessage(TrapKind::IndirectCallTypeMismatch), "indirect call type mismatch");
  EXPECT_EQ(trapMessage(TrapKind::StackOverflow), "call stack exhausted");
  EXPECT_EQ(trapMessage(TrapKind::UnalignedAtomic), "unaligned atomic");
  for (uint8_t kind = 0; kind < kTrapKindCount; ++kind) {
    EXPECT_NE(trapKindName(static_cast<TrapKind>(kind)), "Unknown");
    EXPECT_NE(trapMessage(static_cast<TrapKind>(kind)), "unknown trap");
  }
}

TEST(Trap, DescribeListsTheBacktrace) {
  Trap trap = makeTrap(TrapKind::MemoryOutOfBounds);
  trap.backtrace = {{3, "load", 0x1a2}, {0, "", kUnknownWasmOffset}};
  EXPECT_EQ(trap.describe(),
            "wasm trap: out of bounds memory access\n"
            "  0: func[3] <load> @ 0x1a2\n"
            "  1: func[0]");
}

}  // namespace
}  // namespace wisp::runtime
