// A store and helpers for runtime-level tests: instantiate text modules with stub code.
#pragma once

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/store.h"
#include "test_modules.h"

namespace wisp::test {

class RuntimeTest : public ::testing::Test {
 protected:
  runtime::TypeRegistry types_;
  runtime::Store store_{types_, runtime::BoundsCheckMode::GuardRegion,
                        runtime::InstanceAllocator::onDemand()};
  runtime::Linker linker_;

  std::shared_ptr<const runtime::CompiledModule> compile(std::string_view wat) {
    return compileWithStubCode(watToWasm(wat), types_);
  }
  runtime::Instantiation instantiate(std::string_view wat) {
    auto compiled = compile(wat);
    if (compiled == nullptr) return {};
    return linker_.instantiate(store_, compiled);
  }
  // Instantiates and expects success.
  runtime::Instance& instantiateOk(std::string_view wat) {
    runtime::Instantiation result = instantiate(wat);
    EXPECT_TRUE(result.ok()) << (result.error ? result.error->message
                                 : result.trap ? result.trap->message : "no instance");
    return *result.instance;
  }

  runtime::MemoryInstance* hostMemory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    wasm::MemoryType type;
    type.limits = {min, max.value_or(0), max.has_value()};
    return *store_.createMemory(type);
  }
  runtime::TableInstance* hostTable(uint64_t min, std::optional<uint64_t> max = std::nullopt,
                                    wasm::ValType element = wasm::ValType::FuncRef) {
    wasm::TableType type;
    type.element = element;
    type.limits = {min, max.value_or(0), max.has_value()};
    return *store_.createTable(type, 0);
  }
  runtime::GlobalInstance* hostGlobal(wasm::ValType type, bool is_mutable, int64_t value) {
    runtime::ValRaw raw{};
    raw.i64 = value;
    return store_.createGlobal({type, is_mutable}, raw);
  }
  // A host function with no trampoline: enough for linking checks, not for calls.
  runtime::VMFuncRef* hostFunction(std::vector<wasm::ValType> params,
                                   std::vector<wasm::ValType> results) {
    wasm::FuncType type;
    type.param_count = static_cast<uint32_t>(params.size());
    type.types = std::move(params);
    type.types.insert(type.types.end(), results.begin(), results.end());
    return store_.createHostFunction(type, nullptr, nullptr, nullptr, nullptr)->funcRef();
  }
  void define(std::string_view module, std::string_view name, const runtime::Extern& item) {
    ASSERT_TRUE(linker_.define(module, name, item).ok());
  }
};

}  // namespace wisp::test
