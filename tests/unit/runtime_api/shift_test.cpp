// Shifts and rotates by constant counts of every kind (in and out of the width, negative, and
// i64 counts that do not fit in 32 bits), against the spec's definition computed here: only the
// count modulo the width matters. Each operation is compiled with the count a constant, the
// count a parameter, and both operands constants (folded by the compiler).
#include <gtest/gtest.h>

#include <bit>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr const char* kOps[] = {"shl", "shr_s", "shr_u", "rotl", "rotr"};

constexpr uint64_t kCounts[] = {0,          1,          31,         32,
                                33,         63,         64,         65,
                                0x7fffffff, 0x80000000, 0xffffffff, 0x100000001,
                                0x8000000000000001, 0xffffffffffffffc1, ~uint64_t{0}};

constexpr uint64_t kValues[] = {0xfffffffffffffff8, 1, 0x8000000000000000, 0x0123456789abcdef,
                                0x80000001};

uint64_t reference(const std::string& op, bool is64, uint64_t value, uint64_t count) {
  if (is64) {
    const unsigned n = count & 63;
    if (op == "shl") return value << n;
    if (op == "shr_s") return static_cast<uint64_t>(static_cast<int64_t>(value) >> n);
    if (op == "shr_u") return value >> n;
    if (op == "rotl") return std::rotl(value, static_cast<int>(n));
    return std::rotr(value, static_cast<int>(n));
  }
  const auto v = static_cast<uint32_t>(value);
  const unsigned n = count & 31;
  uint32_t r;
  if (op == "shl") r = v << n;
  else if (op == "shr_s") r = static_cast<uint32_t>(static_cast<int32_t>(v) >> n);
  else if (op == "shr_u") r = v >> n;
  else if (op == "rotl") r = std::rotl(v, static_cast<int>(n));
  else r = std::rotr(v, static_cast<int>(n));
  return r;
}

std::string constant(bool is64, uint64_t bits) {
  return is64 ? "(i64.const " + std::to_string(static_cast<int64_t>(bits)) + ")"
              : "(i32.const " + std::to_string(static_cast<int32_t>(bits)) + ")";
}

// Exports "k<op>_<width>_<count>" (count constant), "d<op>_<width>" (count a parameter) and
// "f<op>_<width>_<count>_<value>" (both constant).
std::string moduleText() {
  std::string wat = "(module\n";
  for (size_t o = 0; o < std::size(kOps); ++o) {
    for (bool is64 : {false, true}) {
      const std::string t = is64 ? "i64" : "i32";
      const std::string op = t + "." + kOps[o];
      const std::string suffix = std::to_string(o) + "_" + t;
      wat += "(func (export \"d" + suffix + "\") (param " + t + " " + t + ") (result " + t +
             ") (" + op + " (local.get 0) (local.get 1)))\n";
      for (size_t c = 0; c < std::size(kCounts); ++c) {
        const std::string count = constant(is64, kCounts[c]);
        wat += "(func (export \"k" + suffix + "_" + std::to_string(c) + "\") (param " + t +
               ") (result " + t + ") (" + op + " (local.get 0) " + count + "))\n";
        for (size_t v = 0; v < std::size(kValues); ++v) {
          wat += "(func (export \"f" + suffix + "_" + std::to_string(c) + "_" +
                 std::to_string(v) + "\") (result " + t + ") (" + op + " " +
                 constant(is64, kValues[v]) + " " + count + "))\n";
        }
      }
    }
  }
  return wat + ")";
}

uint64_t bitsOf(const Val& val, bool is64) {
  return is64 ? static_cast<uint64_t>(val.i64()) : static_cast<uint32_t>(val.i32());
}

Val valOf(uint64_t bits, bool is64) {
  return is64 ? Val(static_cast<int64_t>(bits)) : Val(static_cast<int32_t>(bits));
}

TEST(ShiftTest, EveryConstantCountIsTakenModuloTheWidth) {
  Engine engine;
  Store store(engine);
  Result<Module> module = Module::compile(engine, test::watToWasm(moduleText()));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<Instance> instance = Linker(engine).instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();

  for (size_t o = 0; o < std::size(kOps); ++o) {
    for (bool is64 : {false, true}) {
      const std::string suffix = std::to_string(o) + "_" + (is64 ? "i64" : "i32");
      Func dynamic = *instance->getFunc("d" + suffix);
      for (size_t c = 0; c < std::size(kCounts); ++c) {
        Func by_constant = *instance->getFunc("k" + suffix + "_" + std::to_string(c));
        for (size_t v = 0; v < std::size(kValues); ++v) {
          const uint64_t expected = reference(kOps[o], is64, kValues[v], kCounts[c]);
          const std::string what = std::string(is64 ? "i64." : "i32.") + kOps[o] + " of " +
                                   std::to_string(kValues[v]) + " by " +
                                   std::to_string(kCounts[c]);
          auto k = by_constant.call({valOf(kValues[v], is64)});
          ASSERT_TRUE(k.ok()) << k.error().describe();
          EXPECT_EQ(bitsOf((*k)[0], is64), expected) << what << " (constant count)";
          auto d = dynamic.call({valOf(kValues[v], is64), valOf(kCounts[c], is64)});
          ASSERT_TRUE(d.ok()) << d.error().describe();
          EXPECT_EQ(bitsOf((*d)[0], is64), expected) << what << " (count in a register)";
          Func folded = *instance->getFunc("f" + suffix + "_" + std::to_string(c) + "_" +
                                           std::to_string(v));
          auto f = folded.call({});
          ASSERT_TRUE(f.ok()) << f.error().describe();
          EXPECT_EQ(bitsOf((*f)[0], is64), expected) << what << " (both constant)";
        }
      }
    }
  }
}

}  // namespace
}  // namespace wisp
