#include "runtime/type_registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wisp::runtime {
namespace {

using wasm::ValType;

wasm::FuncType funcType(std::vector<ValType> params, std::vector<ValType> results) {
  wasm::FuncType type;
  type.param_count = static_cast<uint32_t>(params.size());
  type.types = std::move(params);
  type.types.insert(type.types.end(), results.begin(), results.end());
  return type;
}

TEST(TypeRegistry, EqualTypesShareAnIdAndDifferentTypesDoNot) {
  TypeRegistry registry;
  const uint32_t a = registry.intern(funcType({ValType::I32}, {ValType::I64}));
  const uint32_t b = registry.intern(funcType({ValType::I32}, {ValType::I64}));
  const uint32_t c = registry.intern(funcType({ValType::I32, ValType::I64}, {}));
  // Same value types, split differently between params and results.
  const uint32_t d = registry.intern(funcType({}, {ValType::I32, ValType::I64}));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(c, d);
  EXPECT_NE(a, TypeRegistry::kInvalidId);
  EXPECT_NE(c, TypeRegistry::kInvalidId);
}

TEST(TypeRegistry, LookupGivesTheTypeBack) {
  TypeRegistry registry;
  const wasm::FuncType type = funcType({ValType::F32, ValType::ExternRef}, {ValType::FuncRef});
  const uint32_t id = registry.intern(type);
  ASSERT_NE(registry.lookup(id), nullptr);
  EXPECT_EQ(*registry.lookup(id), type);
  EXPECT_EQ(registry.lookup(TypeRegistry::kInvalidId), nullptr);
  EXPECT_EQ(registry.lookup(id + 100), nullptr);
}

TEST(TypeRegistry, ConcurrentInterningAgrees) {
  TypeRegistry registry;
  constexpr int kTypes = 64;
  std::vector<uint32_t> ids[2];
  auto work = [&](std::vector<uint32_t>& out) {
    for (int i = 0; i < kTypes; ++i) {
      std::vector<ValType> params(static_cast<size_t>(i % 8), ValType::I32);
      std::vector<ValType> results(static_cast<size_t>(i / 8), ValType::F64);
      out.push_back(registry.intern(funcType(params, results)));
    }
  };
  std::thread first(work, std::ref(ids[0]));
  std::thread second(work, std::ref(ids[1]));
  first.join();
  second.join();
  EXPECT_EQ(ids[0], ids[1]);
}

}  // namespace
}  // namespace wisp::runtime
