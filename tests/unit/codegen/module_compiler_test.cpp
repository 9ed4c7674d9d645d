// compileModule on several threads: the machine code, its layout and the CodeInfo must be the
// same whatever the thread count, and the error reported must be the first in function index
// order even when the threads meet a later one first (the largest functions are compiled
// first). The test modules are written here as binaries: a few large functions among many
// small ones, with direct calls, loads, divisions (trap stubs) and `unreachable`.
#include "codegen/module_compiler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "wasm/module.h"

namespace wisp::codegen {
namespace {

using Bytes = std::vector<uint8_t>;

void leb(Bytes& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(value ? byte | 0x80 : byte);
  } while (value);
}

void sleb(Bytes& out, int64_t value) {
  for (;;) {
    const uint8_t byte = value & 0x7f;
    value >>= 7;
    if ((value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40))) {
      out.push_back(byte);
      return;
    }
    out.push_back(byte | 0x80);
  }
}

void section(Bytes& module, uint8_t id, const Bytes& content) {
  module.push_back(id);
  leb(module, content.size());
  module.insert(module.end(), content.begin(), content.end());
}

// A body of type (i32 i32) -> i32 with two i32 locals, `statements` random statements long,
// then `tail` (by default: return local 2 + local 3).
Bytes randomBody(std::mt19937& rng, uint32_t statements, uint32_t function_count,
                 const Bytes* tail) {
  Bytes body = {1, 2, 0x7f};  // one group of locals: 2 x i32
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  for (uint32_t s = 0; s < statements; ++s) {
    const uint8_t a = pick(4), b = pick(4), d = 2 + pick(2);
    switch (pick(7)) {
      case 0:  // local d = local a + local b
        body.insert(body.end(), {0x20, a, 0x20, b, 0x6a, 0x21, d});
        break;
      case 1:  // local d = load(local a + offset)
        body.insert(body.end(), {0x20, a, 0x28, 2});
        leb(body, pick(64) * 4);
        body.insert(body.end(), {0x21, d});
        break;
      case 2:  // local d = local a / local b: divide-by-zero and overflow trap stubs
        body.insert(body.end(), {0x20, a, 0x20, b, 0x6d, 0x21, d});
        break;
      case 3:  // local d = call f(local a, local b), f anywhere in the module
        body.insert(body.end(), {0x20, a, 0x20, b, 0x10});
        leb(body, pick(function_count));
        body.insert(body.end(), {0x21, d});
        break;
      case 4:  // if (local a == const) unreachable
        body.insert(body.end(), {0x20, a, 0x41});
        sleb(body, static_cast<int32_t>(rng()));
        body.insert(body.end(), {0x46, 0x04, 0x40, 0x00, 0x0b});
        break;
      case 5:  // block: br_if out on local a, else local d = local d * const
        body.insert(body.end(), {0x02, 0x40, 0x20, a, 0x0d, 0, 0x20, d, 0x41});
        sleb(body, pick(1000));
        body.insert(body.end(), {0x6c, 0x21, d, 0x0b});
        break;
      default:  // local d = const
        body.insert(body.end(), {0x41});
        sleb(body, static_cast<int32_t>(rng()));
        body.insert(body.end(), {0x21, d});
        break;
    }
  }
  if (tail) body.insert(body.end(), tail->begin(), tail->end());
  else body.insert(body.end(), {0x20, 2, 0x20, 3, 0x6a, 0x0b});
  return body;
}

struct ModuleShape {
  uint32_t functions = 1500;
  std::vector<uint32_t> large;  // indices of the large functions
  uint32_t large_statements = 5000;
  // Function endings instead of the valid one, after the generated statements: code ending in
  // `end`. The function stays as large as it was.
  std::vector<std::pair<uint32_t, Bytes>> tails;
};

Bytes makeModule(const ModuleShape& shape) {
  std::mt19937 rng(42);
  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  section(module, 1, {1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f});  // type 0: (i32 i32) -> i32
  Bytes functions;
  leb(functions, shape.functions);
  for (uint32_t i = 0; i < shape.functions; ++i) functions.push_back(0);
  section(module, 3, functions);
  section(module, 5, {1, 0, 1});  // memory 0: one page
  Bytes code;
  leb(code, shape.functions);
  for (uint32_t i = 0; i < shape.functions; ++i) {
    const bool large = std::find(shape.large.begin(), shape.large.end(), i) != shape.large.end();
    const Bytes* tail = nullptr;
    for (const auto& [index, bytes] : shape.tails) {
      if (index == i) tail = &bytes;
    }
    const uint32_t statements = large ? shape.large_statements : 1 + rng() % 12;
    const Bytes body = randomBody(rng, statements, shape.functions, tail);
    leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  section(module, 10, code);
  // A name section, so the names in CodeInfo are compared too; every seventh function has none.
  Bytes names;
  leb(names, shape.functions - (shape.functions + 6) / 7);
  for (uint32_t i = 0; i < shape.functions; ++i) {
    if (i % 7 == 0) continue;
    const std::string name = "function_number_" + std::to_string(i);  // longer than SSO
    leb(names, i);
    leb(names, name.size());
    names.insert(names.end(), name.begin(), name.end());
  }
  Bytes custom = {4, 'n', 'a', 'm', 'e', 1};
  leb(custom, names.size());
  custom.insert(custom.end(), names.begin(), names.end());
  section(module, 0, custom);
  return module;
}

std::unique_ptr<wasm::Module> decode(const Bytes& bytes) {
  wasm::DecodeOptions options;
  options.validate_functions = false;  // the compiler validates
  auto module = wasm::decodeModule(bytes, options);
  EXPECT_TRUE(module.ok()) << module.error().describe();
  return module.ok() ? std::move(*module) : nullptr;
}

wasm::Result<std::unique_ptr<runtime::CompiledCode>> compile(const wasm::Module& module,
                                                             uint32_t threads) {
  std::vector<uint32_t> type_ids(module.types.size());
  std::iota(type_ids.begin(), type_ids.end(), 1u);
  CompileOptions options;
  options.threads = threads;
  // Below SSE4.1 the compiler refuses SIMD (kSimd), which these tests use as an error that
  // only compilation finds.
  options.cpu_features.sse41 = false;
  return compileModule(module, type_ids, options);
}

// Enough code section that four threads are used (the compiler starts one per 64 KiB).
constexpr size_t kFourThreadsBytes = 3 * 64 * 1024;

void expectSameCodeBytes(const runtime::CompiledCode& a, const runtime::CompiledCode& b) {
  ASSERT_EQ(a.memory.size(), b.memory.size());
  EXPECT_EQ(0, std::memcmp(reinterpret_cast<const void*>(a.memory.begin()),
                           reinterpret_cast<const void*>(b.memory.begin()), a.memory.size()));
}

void expectSameCode(const runtime::CompiledCode& a, const runtime::CompiledCode& b,
                    uint32_t threads) {
  SCOPED_TRACE("threads " + std::to_string(threads));
  EXPECT_EQ(a.function_offsets, b.function_offsets);
  expectSameCodeBytes(a, b);
  ASSERT_EQ(a.info.functions().size(), b.info.functions().size());
  for (size_t i = 0; i < a.info.functions().size(); ++i) {
    const runtime::FunctionCode& x = a.info.functions()[i];
    const runtime::FunctionCode& y = b.info.functions()[i];
    EXPECT_EQ(x.function_index, y.function_index);
    EXPECT_EQ(x.code_begin, y.code_begin);
    EXPECT_EQ(x.code_end, y.code_end);
    EXPECT_EQ(x.name, y.name);
  }
  ASSERT_EQ(a.info.trapSites().size(), b.info.trapSites().size());
  for (size_t i = 0; i < a.info.trapSites().size(); ++i) {
    EXPECT_EQ(a.info.trapSites()[i].code_offset, b.info.trapSites()[i].code_offset);
    EXPECT_EQ(a.info.trapSites()[i].kind, b.info.trapSites()[i].kind);
    EXPECT_EQ(a.info.trapSites()[i].wasm_offset, b.info.trapSites()[i].wasm_offset);
  }
  ASSERT_EQ(a.info.addressMap().size(), b.info.addressMap().size());
  for (size_t i = 0; i < a.info.addressMap().size(); ++i) {
    EXPECT_EQ(a.info.addressMap()[i].code_offset, b.info.addressMap()[i].code_offset);
    EXPECT_EQ(a.info.addressMap()[i].wasm_offset, b.info.addressMap()[i].wasm_offset);
  }
}

TEST(ModuleCompilerTest, CodeAndInfoDoNotDependOnThreadCount) {
  // Large functions early, in the middle and last: the last one is compiled first.
  ModuleShape shape;
  shape.large = {3, 700, 701, 1499};
  const auto module = decode(makeModule(shape));
  ASSERT_TRUE(module);
  ASSERT_GE(module->code_section_size, kFourThreadsBytes);
  auto reference = compile(*module, 1);
  ASSERT_TRUE(reference.ok()) << reference.error().describe();
  const runtime::CompiledCode& one = **reference;
  ASSERT_EQ(one.info.functions().size(), 1500u);
  EXPECT_TRUE(one.info.finished());
  EXPECT_GT(one.info.trapSites().size(), 1500u);
  for (uint32_t i = 0; i < 1500; ++i) {
    EXPECT_EQ(one.info.functions()[i].function_index, i);
    EXPECT_EQ(one.info.functions()[i].code_begin, one.function_offsets[i]);
    EXPECT_EQ(one.info.functions()[i].name, module->functionName(i));
    EXPECT_EQ(one.info.functions()[i].name.empty(), i % 7 == 0);
    EXPECT_EQ(one.function_offsets[i] % 16, 0u);
  }
  for (uint32_t threads : {2u, 3u, 4u, 2u, 4u}) {
    auto other = compile(*module, threads);
    ASSERT_TRUE(other.ok()) << other.error().describe();
    expectSameCode(one, **other, threads);
  }
}

void expectSameErrorOnEveryThreadCount(const ModuleShape& shape, wasm::ErrorKind kind,
                                       uint32_t function_index) {
  const auto module = decode(makeModule(shape));
  ASSERT_TRUE(module);
  ASSERT_GE(module->code_section_size, kFourThreadsBytes);
  auto reference = compile(*module, 1);
  ASSERT_FALSE(reference.ok());
  const wasm::Error& expected = reference.error();
  EXPECT_EQ(expected.kind, kind) << expected.describe();
  EXPECT_EQ(expected.function_index, function_index) << expected.describe();
  for (uint32_t threads : {2u, 3u, 4u, 2u, 4u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    auto other = compile(*module, threads);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().kind, expected.kind);
    EXPECT_EQ(other.error().function_index, expected.function_index);
    EXPECT_EQ(other.error().offset, expected.offset);
    EXPECT_EQ(other.error().message, expected.message);
  }
}

// On request, every function's compile time, on one thread and on several; the large
// functions take longer than the small ones.
TEST(ModuleCompilerTest, FunctionCompileTimesOnRequest) {
  ModuleShape shape;
  shape.large = {3, 700};
  const auto module = decode(makeModule(shape));
  ASSERT_TRUE(module);
  std::vector<uint32_t> type_ids(module->types.size());
  std::iota(type_ids.begin(), type_ids.end(), 1u);
  for (uint32_t threads : {1u, 4u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    std::vector<std::chrono::nanoseconds> times;
    CompileOptions options;
    options.threads = threads;
    options.function_compile_times = &times;
    auto compiled = compileModule(*module, type_ids, options);
    ASSERT_TRUE(compiled.ok()) << compiled.error().describe();
    ASSERT_EQ(times.size(), 1500u);
    for (std::chrono::nanoseconds time : times) EXPECT_GT(time.count(), 0);
    EXPECT_GT(times[700], times[701]);
  }
}

// On request, an address map entry where each instruction's code begins: more entries than
// the calls and memory accesses alone, the prologue's at each function's start (the body's
// offset), offsets increasing within a function, and the same code either way.
TEST(ModuleCompilerTest, AddressMapOfEveryInstructionOnRequest) {
  const auto module = decode(makeModule(ModuleShape{}));
  ASSERT_TRUE(module);
  std::vector<uint32_t> type_ids(module->types.size());
  std::iota(type_ids.begin(), type_ids.end(), 1u);
  auto sparse = compileModule(*module, type_ids, {});
  ASSERT_TRUE(sparse.ok()) << sparse.error().describe();
  CompileOptions options;
  options.address_map_every_instruction = true;
  auto full = compileModule(*module, type_ids, options);
  ASSERT_TRUE(full.ok()) << full.error().describe();
  expectSameCodeBytes(**sparse, **full);
  const runtime::CodeInfo& info = (*full)->info;
  EXPECT_GT(info.addressMap().size(), 2 * (*sparse)->info.addressMap().size());
  const auto& map = info.addressMap();
  for (const runtime::FunctionCode& f : info.functions()) {
    auto entry = std::lower_bound(map.begin(), map.end(), f.code_begin,
                                  [](const runtime::AddressMapEntry& e, uint32_t offset) {
                                    return e.code_offset < offset;
                                  });
    ASSERT_NE(entry, map.end());
    EXPECT_EQ(entry->code_offset, f.code_begin);
    EXPECT_EQ(entry->wasm_offset, module->functions[f.function_index].body_offset);
    for (++entry; entry != map.end() && entry->code_offset < f.code_end; ++entry)
      EXPECT_LT((entry - 1)->code_offset, entry->code_offset);
  }
}

// Endings for ModuleShape::tails.
const Bytes kInvalid = {0x42, 0x00, 0x0b};  // i64.const 0; end: an i64 where an i32 is due
const Bytes kMalformed = {0x20, 0x00, 0xff, 0x0b};  // local.get 0; (no opcode 0xff); end
// SIMD, which the compiler refuses at the CPU level compile() asks for.
const Bytes kSimd = {0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // v128.const
                     0x1a, 0x20, 0x02, 0x0b};  // drop; local.get 2; end

// The large functions are compiled first: their errors are met first, yet the error of a
// small function before them is the one reported.
TEST(ModuleCompilerTest, FirstErrorInIndexOrderWins) {
  ModuleShape shape;
  shape.large = {3, 700, 1499};
  shape.large_statements = 8000;
  // The large function 1499 does not compile (SIMD); the small function 40 is invalid.
  shape.tails = {{1499, kSimd}, {40, kInvalid}};
  expectSameErrorOnEveryThreadCount(shape, wasm::ErrorKind::Invalid, 40);
}

TEST(ModuleCompilerTest, LargeFunctionErrorIsReported) {
  ModuleShape shape;
  shape.large = {3, 700, 1499};
  shape.large_statements = 8000;
  shape.tails = {{1499, kSimd}};
  expectSameErrorOnEveryThreadCount(shape, wasm::ErrorKind::Unsupported, 1499);
}

// A malformed body after the first invalid one is reported instead (the spec decodes the
// whole module before validating it), whichever thread finds what first.
TEST(ModuleCompilerTest, MalformedBodyAfterInvalidOneWins) {
  ModuleShape shape;
  shape.large = {3, 700, 1499};
  shape.large_statements = 8000;
  shape.tails = {{40, kInvalid}, {1200, kMalformed}, {1499, kSimd}};
  expectSameErrorOnEveryThreadCount(shape, wasm::ErrorKind::Malformed, 1200);
}

}  // namespace
}  // namespace wisp::codegen
