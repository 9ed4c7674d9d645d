// Every access at the edges of the 32-bit address arithmetic, in both bounds-check modes: the
// constant offsets 0, 2^31-1 and 2^32-1 with indices 0, 2^31 and 2^32-1 and the last in-bounds
// and first out-of-bounds index, for every access size, with the index in a register and as a
// constant. An access that does not fit must trap and touch nothing.
//
// With explicit checks the memory is mapped with no guard region, so a wrong check would reach
// whatever the host maps next to it. The test maps sentinel pages of its own at every address
// such an access would reach (where nothing is mapped yet) and checks that they are untouched.
//
// The same runs on memory 1 of a module with two memories (multi-memory), whose base is not
// pinned in a register but loaded through the vmctx at each access. A trap there names the
// access exactly as memory 0's does.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr uint64_t kMemoryBytes = 65536;  // one page
constexpr uint8_t kSentinel = 0xA5;

struct Access {
  const char* name;  // the opcode
  uint32_t size;
  bool is_store;
  const char* value_type;
};

constexpr Access kAccesses[] = {
    {"i32.load8_u", 1, false, "i32"},  {"i32.load16_u", 2, false, "i32"},
    {"i32.load", 4, false, "i32"},     {"i64.load", 8, false, "i64"},
    {"i64.load32_s", 4, false, "i64"}, {"f32.load", 4, false, "f32"},
    {"f64.load", 8, false, "f64"},     {"i32.store8", 1, true, "i32"},
    {"i32.store16", 2, true, "i32"},   {"i32.store", 4, true, "i32"},
    {"i64.store", 8, true, "i64"},     {"i64.store32", 4, true, "i64"},
    {"f32.store", 4, true, "f32"},     {"f64.store", 8, true, "f64"},
};

constexpr uint64_t kOffsets[] = {0, 0x7fffffff, 0xffffffff};

std::vector<uint64_t> indicesFor(const Access& access) {
  return {0,          0x80000000, 0xffffffff, 0x80000101, 0x7fffffff,
          kMemoryBytes - access.size, kMemoryBytes - access.size + 1};
}

std::string constantOf(const char* type) { return std::string("(") + type + ".const 1)"; }

// One function per access and offset with the index as a parameter ("p<a>_<o>"), and one per
// access, offset and index with the index a constant ("c<a>_<o>_<i>"). The accesses are of
// the memory exported as "memory": memory 0, or memory 1 behind a memory 0 of its own.
std::string moduleText(uint32_t memory_index) {
  std::string wat = memory_index == 0
                        ? "(module (memory $m (export \"memory\") 1 1)\n"
                        : "(module (memory $other 1 1) (memory $m (export \"memory\") 1 1)\n";
  for (size_t a = 0; a < std::size(kAccesses); ++a) {
    const Access& access = kAccesses[a];
    for (size_t o = 0; o < std::size(kOffsets); ++o) {
      const std::string offset = " offset=" + std::to_string(kOffsets[o]);
      auto body = [&](const std::string& index) {
        const std::string instruction = std::string(access.name) + " $m" + offset;
        if (access.is_store)
          return "(" + instruction + " " + index + " " + constantOf(access.value_type) + ")";
        return "(" + instruction + " " + index + ")";
      };
      const std::string result =
          access.is_store ? "" : std::string(" (result ") + access.value_type + ")";
      wat += "(func (export \"p" + std::to_string(a) + "_" + std::to_string(o) +
             "\") (param i32)" + result + " " + body("(local.get 0)") + ")\n";
      const std::vector<uint64_t> indices = indicesFor(access);
      for (size_t i = 0; i < indices.size(); ++i) {
        wat += "(func (export \"c" + std::to_string(a) + "_" + std::to_string(o) + "_" +
               std::to_string(i) + "\")" + result + " " +
               body("(i32.const " + std::to_string(static_cast<int32_t>(indices[i])) + ")") +
               ")\n";
      }
    }
  }
  return wat + ")";
}

// Pages of the test's own, filled with kSentinel, wherever an escaped access could land and
// nothing else is mapped.
class Sentinels {
 public:
  ~Sentinels() {
    for (uint8_t* page : pages_) munmap(page, page_size_);
  }
  void placeAround(uintptr_t address) {
    const uintptr_t first = address & ~(page_size_ - 1);
    for (uintptr_t page = first; page <= first + page_size_; page += page_size_) {
      void* mapped = mmap(reinterpret_cast<void*>(page), page_size_, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (mapped == MAP_FAILED) continue;  // already in use (the memory itself, or the host)
      if (mapped != reinterpret_cast<void*>(page)) {  // a kernel without MAP_FIXED_NOREPLACE
        munmap(mapped, page_size_);
        continue;
      }
      std::memset(mapped, kSentinel, page_size_);
      pages_.push_back(static_cast<uint8_t*>(mapped));
    }
  }
  size_t count() const { return pages_.size(); }
  // The first sentinel page whose bytes changed, or nullptr.
  const uint8_t* firstChanged() const {
    for (uint8_t* page : pages_)
      for (size_t k = 0; k < page_size_; ++k)
        if (page[k] != kSentinel) return page;
    return nullptr;
  }

 private:
  uintptr_t page_size_ = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  std::vector<uint8_t*> pages_;
};

Config configFor(BoundsChecks mode) {
  Config config;
  config.bounds_checks = mode;
  config.features.multi_memory = true;
  return config;
}

std::vector<uint8_t> wasmOf(std::string_view wat) {
  return test::watToWasm(wat, "--enable-multi-memory");
}

struct BoundsChecksCase {
  BoundsChecks mode;
  uint32_t memory_index;
};

class BoundsChecksTest : public ::testing::TestWithParam<BoundsChecksCase> {};

TEST_P(BoundsChecksTest, EveryAccessAtTheAddressEdgesTrapsOrStaysInside) {
  Engine engine(configFor(GetParam().mode));
  Store store(engine);
  Result<Module> module = Module::compile(engine, wasmOf(moduleText(GetParam().memory_index)));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Linker linker(engine);
  Result<Instance> instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  Memory memory = *instance->getMemory("memory");
  const auto base = reinterpret_cast<uintptr_t>(memory.data());

  Sentinels sentinels;
  for (const Access& access : kAccesses)
    for (uint64_t offset : kOffsets)
      for (uint64_t index : indicesFor(access)) sentinels.placeAround(base + index + offset);
  if (GetParam().mode == BoundsChecks::Explicit) {
    // With no guard region most of these addresses are free: if none could be mapped, the
    // test would prove nothing.
    EXPECT_GT(sentinels.count(), 0u);
  }

  int checked = 0;
  for (size_t a = 0; a < std::size(kAccesses); ++a) {
    const Access& access = kAccesses[a];
    const std::vector<uint64_t> indices = indicesFor(access);
    for (size_t o = 0; o < std::size(kOffsets); ++o) {
      Func by_register = *instance->getFunc("p" + std::to_string(a) + "_" + std::to_string(o));
      for (size_t i = 0; i < indices.size(); ++i) {
        Func by_constant = *instance->getFunc("c" + std::to_string(a) + "_" + std::to_string(o) +
                                              "_" + std::to_string(i));
        const bool inside = indices[i] + kOffsets[o] + access.size <= kMemoryBytes;
        const std::string what = std::string(access.name) + " offset=" +
                                 std::to_string(kOffsets[o]) + " index=" +
                                 std::to_string(indices[i]);
        for (Func* func : {&by_register, &by_constant}) {
          std::vector<Val> args;
          if (func == &by_register) args.push_back(Val(static_cast<int32_t>(indices[i])));
          Result<std::vector<Val>> result = func->call(args);
          const char* form = func == &by_register ? " (index in a register)" : " (constant)";
          if (inside) {
            EXPECT_TRUE(result.ok()) << what << form << ": " << result.error().describe();
          } else {
            ASSERT_FALSE(result.ok()) << what << form << " did not trap";
            ASSERT_TRUE(result.error().trap.has_value()) << result.error().describe();
            EXPECT_EQ(result.error().trap->kind, TrapKind::MemoryOutOfBounds) << what << form;
          }
          ++checked;
        }
        ASSERT_EQ(sentinels.firstChanged(), nullptr) << what << " wrote outside the memory";
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(std::size(kAccesses) * std::size(kOffsets) * 7 * 2));
  // In-bounds stores landed inside the memory, where they belong.
  EXPECT_NE(memory.bytes()[kMemoryBytes - 1], 0);
}
INSTANTIATE_TEST_SUITE_P(
    BothModesAndMemories, BoundsChecksTest,
    ::testing::Values(BoundsChecksCase{BoundsChecks::GuardRegion, 0},
                      BoundsChecksCase{BoundsChecks::Explicit, 0},
                      BoundsChecksCase{BoundsChecks::GuardRegion, 1},
                      BoundsChecksCase{BoundsChecks::Explicit, 1}),
    [](const auto& info) {
      return std::string(info.param.mode == BoundsChecks::Explicit ? "Explicit" : "GuardRegion") +
             "Memory" + std::to_string(info.param.memory_index);
    });

// A trap in memory 1 is reported as one in memory 0: same kind and message, and the backtrace
// points at the access (the functions' bodies are alike, so their offsets are too).
class MemoryTrapTest : public ::testing::TestWithParam<BoundsChecks> {};

TEST_P(MemoryTrapTest, ATrapOfEitherMemoryNamesTheAccess) {
  Engine engine(configFor(GetParam()));
  Store store(engine);
  Result<Module> module = Module::compile(engine, wasmOf(R"(
    (module
      (memory $m0 1) (memory $m1 1)
      (func (export "load_m0") (param i32) (result i32)
        (i32.add (i32.const 1) (i32.load $m0 offset=4 (local.get 0))))
      (func (export "load_m1") (param i32) (result i32)
        (i32.add (i32.const 1) (i32.load $m1 offset=4 (local.get 0)))))
  )"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Linker linker(engine);
  Result<Instance> instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  std::vector<Trap> traps;
  for (const char* name : {"load_m0", "load_m1"}) {
    Result<std::vector<Val>> result = instance->getFunc(name)->call({Val(int32_t{65532})});
    ASSERT_FALSE(result.ok()) << name << " did not trap";
    ASSERT_TRUE(result.error().trap.has_value()) << result.error().describe();
    traps.push_back(*result.error().trap);
  }
  for (const Trap& trap : traps) {
    EXPECT_EQ(trap.kind, TrapKind::MemoryOutOfBounds);
    EXPECT_EQ(trap.message, "out of bounds memory access");
    ASSERT_FALSE(trap.backtrace.empty());
  }
  EXPECT_EQ(traps[0].backtrace[0].function_index, 0u);
  EXPECT_EQ(traps[1].backtrace[0].function_index, 1u);
  // Each body is: no locals, i32.const 1, local.get 0, then the load at byte 5 (memory 1's
  // index is part of the load's immediate, after the opcode).
  EXPECT_EQ(traps[0].backtrace[0].function_offset, 5u);
  EXPECT_EQ(traps[1].backtrace[0].function_offset, traps[0].backtrace[0].function_offset);
}

INSTANTIATE_TEST_SUITE_P(BothModes, MemoryTrapTest,
                         ::testing::Values(BoundsChecks::GuardRegion, BoundsChecks::Explicit),
                         [](const auto& info) {
                           return info.param == BoundsChecks::Explicit ? std::string("Explicit")
                                                                       : std::string("GuardRegion");
                         });

}  // namespace
}  // namespace wisp
