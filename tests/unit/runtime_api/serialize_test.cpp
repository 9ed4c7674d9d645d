// Module::serialize and Module::deserialize: a loaded module runs exactly as the compiled one
// (values, traps and their backtraces, builtins, call_indirect's signature checks in an engine
// whose canonical type ids differ), and every kind of bad file is refused with an error saying
// what is wrong, never loaded half-way or crashing.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

constexpr std::string_view kModule = R"(
  (module
    (type $binary (func (param i32 i32) (result i32)))
    (type $unary (func (param i32) (result i32)))
    (memory 1 4)
    (table funcref (elem $add $sub $negate))
    (global $counter (mut i32) (i32.const 0))
    (data (i32.const 16) "wisp")
    (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
    (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))
    (func $negate (type $unary) (i32.sub (i32.const 0) (local.get 0)))
    ;; call_indirect's check compares canonical type ids, which the loader relocates.
    (func (export "apply") (param i32 i32 i32) (result i32)
      (call_indirect (type $binary) (local.get 1) (local.get 2) (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "floor") (param f64) (result f64) (f64.floor (local.get 0)))
    (func (export "count") (result i32)
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (global.get $counter))
    (func $divide (export "divide") (param i32 i32) (result i32)
      (i32.div_s (local.get 0) (local.get 1)))
    (func (export "divide_twice") (param i32 i32) (result i32)
      (call $divide (call $divide (local.get 0) (local.get 1)) (local.get 1)))
    (func (export "loop") (param i32) (result i32) (local i32)
      (block (loop
        (br_if 1 (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br 0)))
      (local.get 1)))
)";

// Registers other signatures first, so that this engine's canonical ids differ from those of an
// engine that saw kModule first.
constexpr std::string_view kOtherTypes = R"(
  (module
    (func (param f32 f32 f32) (result i64) (i64.const 0))
    (func (param i64) (drop (local.get 0)))
    (func (param i32 i32) (result i64) (i64.const 1))
    (func (param i32) (result i32) (i32.const 1)))
)";

struct Outcome {
  std::string text;  // the values, or the trap's describe()
  bool operator==(const Outcome&) const = default;
};

Outcome callExport(Instance& instance, const char* name, std::vector<Val> args) {
  Result<std::vector<Val>> results = instance.getFunc(name)->call(args);
  if (!results) {
    return {results.error().trap ? results.error().trap->describe() : results.error().describe()};
  }
  std::string text;
  for (const Val& v : *results) {
    text += v.type() == ValType::F64 ? std::to_string(v.f64()) : std::to_string(v.i32());
    text += " ";
  }
  return {text};
}

// Every export called on the same arguments, in the same order: the record of a run.
std::vector<Outcome> exercise(Store& store, const Module& module) {
  Result<Instance> instance = Linker(store.engine()).instantiate(store, module);
  EXPECT_TRUE(instance.ok()) << instance.error().describe();
  if (!instance) return {};
  Instance& i = *instance;
  return {
      callExport(i, "apply", {Val(0), Val(40), Val(2)}),
      callExport(i, "apply", {Val(1), Val(40), Val(2)}),
      callExport(i, "apply", {Val(2), Val(40), Val(2)}),  // $negate: signature mismatch
      callExport(i, "apply", {Val(3), Val(40), Val(2)}),  // out of the table
      callExport(i, "load", {Val(16)}),
      callExport(i, "grow", {Val(2)}),
      callExport(i, "size", {}),
      callExport(i, "grow", {Val(5)}),  // past the maximum: -1
      callExport(i, "load", {Val(3 * 65536 - 4)}),
      callExport(i, "load", {Val(3 * 65536)}),  // out of bounds
      callExport(i, "floor", {Val(-2.5)}),
      callExport(i, "count", {}),
      callExport(i, "count", {}),
      callExport(i, "divide", {Val(7), Val(2)}),
      callExport(i, "divide_twice", {Val(7), Val(0)}),  // a trap two frames deep
      callExport(i, "loop", {Val(100)}),
  };
}

std::vector<uint8_t> serialized(const Engine& engine, std::string_view wat) {
  Result<Module> module = Module::compile(engine, test::watToWasm(wat));
  EXPECT_TRUE(module.ok()) << module.error().describe();
  if (!module) return {};
  Result<std::vector<uint8_t>> bytes = module->serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.error().describe();
  return bytes ? *bytes : std::vector<uint8_t>{};
}

// The error deserialize gives `bytes` in `engine`, which must be one.
std::string refusal(const Engine& engine, const std::vector<uint8_t>& bytes) {
  Result<Module> module = Module::deserialize(engine, bytes);
  EXPECT_FALSE(module.ok());
  if (module) return "(loaded)";
  EXPECT_EQ(module.error().kind, ErrorKind::Deserialize);
  return module.error().describe();
}

// The header's checksum made right again after an edit of the contents, as a careless tool (or
// the fuzzer) would, so that the checks behind it are reached.
constexpr size_t kHeaderSize = 32;
void resum(std::vector<uint8_t>& bytes) {
  const uint64_t sum = XXH3_64bits(bytes.data() + kHeaderSize, bytes.size() - kHeaderSize);
  std::memcpy(bytes.data() + 24, &sum, 8);
}

// Where the machine code's u64 length is: past the version, the settings and the wasm binary
// (each a u64 length and its bytes, but the settings).
size_t codeLengthOffset(const std::vector<uint8_t>& bytes) {
  size_t at = kHeaderSize;
  uint64_t length = 0;
  std::memcpy(&length, bytes.data() + at, 8);
  at += 8 + length + 1 + 4 + 4;  // version; bounds checks, CPU features, wasm features
  std::memcpy(&length, bytes.data() + at, 8);
  return at + 8 + length;  // past the wasm binary
}

uint64_t codeSize(const std::vector<uint8_t>& bytes) {
  uint64_t length = 0;
  std::memcpy(&length, bytes.data() + codeLengthOffset(bytes), 8);
  return length;
}

size_t functionTableOffset(const std::vector<uint8_t>& bytes) {
  return codeLengthOffset(bytes) + 8 + codeSize(bytes);
}

TEST(Serialize, ALoadedModuleRunsAsTheCompiledOneInAnotherEngine) {
  for (const bool baseline : {false, true}) {
    SCOPED_TRACE(baseline ? "baseline CPU" : "host CPU");
    Config config;
    if (baseline) config.cpu_features = CpuFeatures::baseline();  // floor calls a builtin
    Engine compiling(config);
    Result<Module> module = Module::compile(compiling, test::watToWasm(kModule));
    ASSERT_TRUE(module.ok()) << module.error().describe();
    Store store(compiling);
    const std::vector<Outcome> expected = exercise(store, *module);
    ASSERT_EQ(expected.size(), 16u);
    EXPECT_EQ(expected[0].text, "42 ");
    EXPECT_NE(expected[2].text.find("indirect call type mismatch"), std::string::npos);
    EXPECT_NE(expected[14].text.find("divide"), std::string::npos) << expected[14].text;

    Result<std::vector<uint8_t>> bytes = module->serialize();
    ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
    EXPECT_TRUE(Module::isSerialized(*bytes));

    Engine loading(config);
    ASSERT_TRUE(Module::compile(loading, test::watToWasm(kOtherTypes)).ok());
    Result<Module> loaded = Module::deserialize(loading, *bytes);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    Store other(loading);
    EXPECT_EQ(exercise(other, *loaded), expected);
    EXPECT_EQ(loaded->exports().size(), module->exports().size());

    // Written again, the loaded module gives the same bytes.
    Result<std::vector<uint8_t>> again = loaded->serialize();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *bytes);
  }
}

TEST(Serialize, ModulesWithoutCodeRoundTrip) {
  Engine engine;
  struct Case {
    std::string_view wat;
    size_t imports, exports;
  };
  const Case cases[] = {{"(module)", 0, 0},
                        {R"((module (import "env" "f" (func)) (export "f" (func 0))))", 1, 1}};
  for (const Case& c : cases) {
    std::vector<uint8_t> bytes = serialized(engine, c.wat);
    Result<Module> loaded = Module::deserialize(engine, bytes);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->imports().size(), c.imports) << c.wat;
    EXPECT_EQ(loaded->exports().size(), c.exports) << c.wat;
  }
}

TEST(Serialize, WhatIsNotASerializedModuleIsRefused) {
  Engine engine;
  const std::vector<uint8_t> wasm = test::watToWasm(kModule);
  EXPECT_FALSE(Module::isSerialized(wasm));
  EXPECT_NE(refusal(engine, wasm).find("not a serialized Wisp module"), std::string::npos);
  EXPECT_NE(refusal(engine, {}).find("not a serialized Wisp module"), std::string::npos);
}

TEST(Serialize, EveryTruncationIsRefused) {
  Engine engine;
  const std::vector<uint8_t> bytes = serialized(engine, kModule);
  ASSERT_GT(bytes.size(), kHeaderSize);
  for (size_t size = 8; size < bytes.size(); ++size) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + size);
    const std::string error = refusal(engine, cut);
    EXPECT_NE(error.find("truncated"), std::string::npos) << size << ": " << error;
  }
}

TEST(Serialize, AChangedByteIsCaughtByTheChecksum) {
  Engine engine;
  const std::vector<uint8_t> bytes = serialized(engine, kModule);
  for (size_t at = kHeaderSize; at < bytes.size(); at += 7) {
    std::vector<uint8_t> changed = bytes;
    changed[at] ^= 0x10;
    EXPECT_NE(refusal(engine, changed).find("corrupted"), std::string::npos) << at;
  }
}

TEST(Serialize, AnotherFormatVersionOrIsaIsNamed) {
  Engine engine;
  const std::vector<uint8_t> bytes = serialized(engine, kModule);
  std::vector<uint8_t> format = bytes;
  format[8] = 9;
  EXPECT_NE(refusal(engine, format).find("format version 9"), std::string::npos);
  // The ISA word names the other of the two: 1 x86-64, 2 AArch64.
  std::vector<uint8_t> isa = bytes;
#if defined(__x86_64__)
  isa[12] = 2;
  const char* expected = "compiled for aarch64, this is x86-64";
#else
  isa[12] = 1;
  const char* expected = "compiled for x86-64, this is aarch64";
#endif
  EXPECT_NE(refusal(engine, isa).find(expected), std::string::npos) << refusal(engine, isa);
  isa[12] = 77;
  EXPECT_NE(refusal(engine, isa).find("unknown ISA 77"), std::string::npos);
}

TEST(Serialize, AnotherWispVersionIsRefused) {
  Engine engine;
  std::vector<uint8_t> bytes = serialized(engine, kModule);
  // The version string follows the header as a u64 length and its characters.
  uint64_t length = 0;
  std::memcpy(&length, bytes.data() + kHeaderSize, 8);
  ASSERT_GT(length, 0u);
  bytes[kHeaderSize + 8] = bytes[kHeaderSize + 8] == '9' ? '8' : '9';
  resum(bytes);
  EXPECT_NE(refusal(engine, bytes).find("made by Wisp 9"), std::string::npos)
      << refusal(engine, bytes);
}

TEST(Serialize, SettingsThatChangeCodeMustMatch) {
  Config explicit_checks;
  explicit_checks.bounds_checks = BoundsChecks::Explicit;
  Engine guarded, checked(explicit_checks);
  EXPECT_NE(refusal(checked, serialized(guarded, kModule))
                .find("compiled for guard-region memories, this engine uses explicit bounds checks"),
            std::string::npos);
  EXPECT_NE(refusal(guarded, serialized(checked, kModule))
                .find("compiled for explicit bounds checks, this engine uses guard-region memories"),
            std::string::npos);

  // Code for fewer CPU features runs where there are more, not the other way round.
  Config baseline_config;
  baseline_config.cpu_features = CpuFeatures::baseline();
  Engine baseline(baseline_config), host;
  EXPECT_TRUE(Module::deserialize(host, serialized(baseline, kModule)).ok());
  if (!(host.cpuFeatures() == CpuFeatures::baseline())) {
    EXPECT_NE(refusal(baseline, serialized(host, kModule))
                  .find("the code uses CPU features this engine does not"),
              std::string::npos);
  }

  // Likewise WebAssembly features: the binary was validated under the compiling engine's.
  Config fewer_features;
  fewer_features.features.tail_call = false;
  Engine fewer(fewer_features);
  EXPECT_TRUE(Module::deserialize(host, serialized(fewer, kModule)).ok());
  EXPECT_NE(refusal(fewer, serialized(host, kModule)).find("tail-call"), std::string::npos);
}

// A module with megabytes of machine code, built as a binary (text would take wat2wasm long):
// `functions` functions (i32) -> i32, each adding 1 to its parameter `adds` times; export "f0".
std::vector<uint8_t> largeModule(uint32_t functions, uint32_t adds) {
  auto leb = [](std::vector<uint8_t>& out, uint32_t v) {
    do {
      const uint8_t byte = v & 0x7f;
      v >>= 7;
      out.push_back(v ? byte | 0x80 : byte);
    } while (v);
  };
  auto section = [&](std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
    out.push_back(id);
    leb(out, static_cast<uint32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
  };
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  section(out, 1, {0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f});
  std::vector<uint8_t> function_section;
  leb(function_section, functions);
  function_section.insert(function_section.end(), functions, 0x00);
  section(out, 3, function_section);
  section(out, 7, {0x01, 0x02, 'f', '0', 0x00, 0x00});
  std::vector<uint8_t> body = {0x00};  // no locals
  for (uint32_t i = 0; i < adds; ++i) body.insert(body.end(), {0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00});
  body.insert(body.end(), {0x20, 0x00, 0x0b});
  std::vector<uint8_t> code;
  leb(code, functions);
  for (uint32_t f = 0; f < functions; ++f) {
    leb(code, static_cast<uint32_t>(body.size()));
    code.insert(code.end(), body.begin(), body.end());
  }
  section(out, 10, code);
  return out;
}

// Megabytes are loaded with the checksum, the decoding and the copy on several threads: the
// same module comes out, and a corrupted file is still reported as corrupted, wherever the
// damage is.
TEST(Serialize, ALargeModuleLoadsAndItsDamageIsFound) {
  Engine engine;
  Result<Module> module = Module::compile(engine, largeModule(400, 2000));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<std::vector<uint8_t>> bytes = module->serialize();
  ASSERT_TRUE(bytes.ok());
  // Over the threshold of every parallel step: more than a megabyte of machine code.
  EXPECT_GT(codeSize(*bytes), uint64_t{1} << 20);

  Engine other;
  Result<Module> loaded = Module::deserialize(other, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  Store store(other);
  Result<Instance> instance = Linker(other).instantiate(store, *loaded);
  ASSERT_TRUE(instance.ok());
  std::vector<Val> args{Val(40)};
  Result<std::vector<Val>> result = instance->getFunc("f0")->call(args);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].i32(), 2040);

  // In the machine code, and in the function table (which the reading also refuses).
  std::vector<uint8_t> in_code = *bytes;
  in_code[in_code.size() / 2] ^= 0x01;
  EXPECT_NE(refusal(other, in_code).find("corrupted"), std::string::npos);
  std::vector<uint8_t> in_table = *bytes;
  in_table[functionTableOffset(in_table) + 4 + 4] ^= 0xff;  // the first function's end
  EXPECT_NE(refusal(other, in_table).find("corrupted"), std::string::npos)
      << refusal(other, in_table);
}

// Found by fuzz/deserialize_fuzzer: a function table whose last function ends before the code
// does loaded, and its module then serialized to a file it refused (trap sites past the code).
TEST(Serialize, CodeBeyondTheLastFunctionIsRefused) {
  Engine engine;
  std::vector<uint8_t> bytes = serialized(engine, kModule);
  const size_t table = functionTableOffset(bytes);
  uint32_t count = 0;
  std::memcpy(&count, bytes.data() + table, 4);
  ASSERT_GT(count, 0u);
  const size_t last_end = table + 4 + (count - 1) * 8 + 4;
  uint32_t end = 0;
  std::memcpy(&end, bytes.data() + last_end, 4);
  --end;
  std::memcpy(bytes.data() + last_end, &end, 4);
  resum(bytes);
  EXPECT_NE(refusal(engine, bytes).find("the functions' code ends at byte " + std::to_string(end)),
            std::string::npos)
      << refusal(engine, bytes);
}

// With the checksum made right, edits reach the structural checks: each is refused or (when it
// lands somewhere harmless, such as inside the machine code) loads, never crashes. Nothing
// loaded this way is run.
TEST(Serialize, EditedContentsWithAValidChecksumNeverCrashTheLoader) {
  Engine engine;
  const std::vector<uint8_t> bytes = serialized(engine, kModule);
  size_t refused = 0;
  for (size_t at = kHeaderSize; at < bytes.size(); ++at) {
    for (const uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::vector<uint8_t> changed = bytes;
      changed[at] ^= flip;
      resum(changed);
      Result<Module> module = Module::deserialize(engine, changed);
      if (!module) {
        EXPECT_EQ(module.error().kind, ErrorKind::Deserialize) << at;
        EXPECT_FALSE(module.error().message.empty());
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 0u);
  // A table cut short, its header made consistent: the loader says where it ran out.
  auto cutBy = [&](size_t n) {
    std::vector<uint8_t> cut = bytes;
    cut.resize(cut.size() - n);
    const uint64_t payload_size = cut.size() - kHeaderSize;
    std::memcpy(cut.data() + 16, &payload_size, 8);
    resum(cut);
    return refusal(engine, cut);
  };
  // kModule names no function by ref.func: the last table is its count of 0.
  EXPECT_NE(cutBy(4).find("truncated in the functions named by ref.func"), std::string::npos)
      << cutBy(4);
  // That count and the count of exception handlers (none): the handler table runs out.
  EXPECT_NE(cutBy(8).find("truncated in the exception handlers"), std::string::npos) << cutBy(8);
  // Both counts and the last relocation's target.
  EXPECT_NE(cutBy(12).find("truncated in the relocations"), std::string::npos) << cutBy(12);
}

}  // namespace
}  // namespace wisp
