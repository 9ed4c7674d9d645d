// Exception handling through the public API: a wasm exception thrown three wasm frames below a
// host function and caught by the wasm that called the host (the C++-style case), the host
// looking at an exception wasm threw and throwing its own, tags the host makes and wasm
// imports, an uncaught exception reaching the host as an error that names the tag with a
// backtrace, and many throws in a loop (the leak checker watches the store's exceptions).
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

class ExceptionsTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};
  Linker linker_{engine_};

  Module compile(std::string_view wat) {
    Result<Module> module = Module::compile(engine_, test::watToWasm(wat, "--enable-exceptions"));
    if (!module.ok()) throw std::runtime_error(module.error().describe());
    return *module;
  }
  Instance instantiate(std::string_view wat) {
    Result<Instance> instance = linker_.instantiate(store_, compile(wat));
    if (!instance.ok()) throw std::runtime_error(instance.error().describe());
    return *instance;
  }
};

// a -> (host) call_b -> b -> c -> d, which throws $e; a catches it.
constexpr std::string_view kThroughHost = R"(
  (module
    (import "host" "call_b" (func $call_b (param i32) (result i32)))
    (tag $e (export "e") (param i32))
    (func $d (param i32) (result i32) (throw $e (i32.mul (local.get 0) (i32.const 10))))
    (func $c (param i32) (result i32) (i32.add (call $d (local.get 0)) (i32.const 1)))
    (func $b (export "b") (param i32) (result i32) (i32.add (call $c (local.get 0)) (i32.const 1)))
    (func (export "a") (param i32) (result i32)
      (try (result i32)
        (do (call $call_b (local.get 0)))
        (catch $e (i32.add (i32.const 1000))))))
)";

TEST_F(ExceptionsTest, ThrownThroughThreeWasmFramesAndAHostFrameAndCaught) {
  std::optional<Func> b;
  int host_saw = -1;
  ASSERT_TRUE(linker_
                  .define("host", "call_b",
                          *Func::wrap(store_,
                                      [&](int32_t x) -> Result<int32_t> {
                                        Result<std::vector<Val>> r = b->call({Val(x)});
                                        if (r.ok()) return r->at(0).i32();
                                        // The host sees the exception, then passes it on.
                                        if (r.error().trap && r.error().trap->exception)
                                          host_saw = r.error().trap->exception->payload().at(0).i32();
                                        return std::move(r.error());
                                      }))
                  .ok());
  Instance instance = instantiate(kThroughHost);
  b = instance.getFunc("b");
  Result<std::vector<Val>> result = instance.getFunc("a")->call({Val(4)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->at(0).i32(), 1040);
  EXPECT_EQ(host_saw, 40);
  // And again: nothing of the first throw is left in the way.
  result = instance.getFunc("a")->call({Val(5)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->at(0).i32(), 1050);
}

// The handler table travels with a serialized module: a deserialized one still catches.
TEST_F(ExceptionsTest, ASerializedModuleKeepsItsHandlers) {
  Result<std::vector<uint8_t>> bytes = compile(kThroughHost).serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  Result<Module> loaded = Module::deserialize(engine_, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  std::optional<Func> b;
  ASSERT_TRUE(linker_
                  .define("host", "call_b",
                          *Func::wrap(store_,
                                      [&](int32_t x) -> Result<int32_t> {
                                        Result<std::vector<Val>> r = b->call({Val(x)});
                                        if (r.ok()) return r->at(0).i32();
                                        return std::move(r.error());
                                      }))
                  .ok());
  Result<Instance> instance = linker_.instantiate(store_, *loaded);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  b = instance->getFunc("b");
  Result<std::vector<Val>> result = instance->getFunc("a")->call({Val(2)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->at(0).i32(), 1020);
}

TEST_F(ExceptionsTest, UncaughtReachesTheHostNamingTheTagWithABacktrace) {
  ASSERT_TRUE(linker_.define("host", "call_b",
                             *Func::wrap(store_, [](int32_t x) { return x; })).ok());
  Instance instance = instantiate(kThroughHost);
  Result<std::vector<Val>> result = instance.getFunc("b")->call({Val(3)});
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.error().kind, ErrorKind::Trap);
  const Trap& trap = *result.error().trap;
  EXPECT_EQ(trap.kind, TrapKind::UncaughtException);
  EXPECT_NE(trap.message.find("`e`"), std::string::npos) << trap.message;
  ASSERT_TRUE(trap.exception.has_value());
  EXPECT_EQ(trap.exception->payload().at(0).i32(), 30);
  const std::optional<Extern> tag = instance.getExport("e");
  ASSERT_TRUE(tag.has_value());
  EXPECT_TRUE(trap.exception->tag() == std::get<Tag>(*tag));
  // d, c, b (the host function's index is 0).
  ASSERT_EQ(trap.backtrace.size(), 3u) << trap.describe();
  EXPECT_EQ(trap.backtrace[0].function_index, 1u);
  EXPECT_EQ(trap.backtrace[1].function_index, 2u);
  EXPECT_EQ(trap.backtrace[2].function_index, 3u);
}

TEST_F(ExceptionsTest, HostThrowsItsOwnExceptionOfAnImportedTag) {
  Result<Tag> tag = Tag::create(store_, FuncType{{ValType::I64, ValType::F64}, {}});
  ASSERT_TRUE(tag.ok());
  ASSERT_TRUE(linker_.define("host", "tag", *tag).ok());
  ASSERT_TRUE(linker_
                  .define("host", "fail",
                          *Func::wrap(store_,
                                      [&](int64_t x) -> Result<void> {
                                        Result<Exception> e = Exception::create(
                                            store_, *tag, std::vector<Val>{Val(x * 2), Val(0.5)});
                                        if (!e.ok()) return std::move(e.error());
                                        return Error::fromException(*e);
                                      }))
                  .ok());
  Instance instance = instantiate(R"(
    (module
      (import "host" "tag" (tag $t (param i64 f64)))
      (import "host" "fail" (func $fail (param i64)))
      (func (export "catch") (param i64) (result f64)
        (local $d f64)
        (try (result i64)
          (do (call $fail (local.get 0)) (i64.const 0))
          (catch $t (local.set $d)))
        (f64.convert_i64_s)
        (local.get $d)
        (f64.add))
      (func (export "pass") (param i64) (call $fail (local.get 0))))
  )");
  Result<std::vector<Val>> caught = instance.getFunc("catch")->call({Val(int64_t{21})});
  ASSERT_TRUE(caught.ok()) << caught.error().describe();
  EXPECT_EQ(caught->at(0).f64(), 42.5);
  // Not caught in wasm: the host gets its own exception back.
  Result<std::vector<Val>> passed = instance.getFunc("pass")->call({Val(int64_t{1})});
  ASSERT_FALSE(passed.ok());
  ASSERT_TRUE(passed.error().trap && passed.error().trap->exception);
  EXPECT_TRUE(passed.error().trap->exception->tag() == *tag);
  EXPECT_EQ(passed.error().trap->exception->payload().at(0).i64(), 2);
}

// A dynamic host function (the wasm-to-array trampoline) throws the same way.
TEST_F(ExceptionsTest, ADynamicHostFunctionThrows) {
  std::optional<Tag> tag;
  ASSERT_TRUE(linker_
                  .define("host", "call_b",
                          *Func::create(store_, FuncType{{ValType::I32}, {ValType::I32}},
                                        [&](std::span<const Val> params,
                                            std::span<Val>) -> Result<void> {
                                          return Error::fromException(*Exception::create(
                                              store_, *tag, std::vector<Val>{params[0]}));
                                        }))
                  .ok());
  Instance instance = instantiate(kThroughHost);
  tag = std::get<Tag>(*instance.getExport("e"));
  Result<std::vector<Val>> result = instance.getFunc("a")->call({Val(7)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(result->at(0).i32(), 1007);
}

TEST_F(ExceptionsTest, ExceptionsOfAnotherTagPassThrough) {
  Result<Tag> other = Tag::create(store_, FuncType{{ValType::I32}, {}});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(linker_
                  .define("host", "call_b",
                          *Func::wrap(store_, [&](int32_t x) -> Result<int32_t> {
                            return Error::fromException(
                                *Exception::create(store_, *other, std::vector<Val>{Val(x)}));
                          }))
                  .ok());
  Instance instance = instantiate(kThroughHost);  // its $e is another tag of the same type
  Result<std::vector<Val>> result = instance.getFunc("a")->call({Val(4)});
  ASSERT_FALSE(result.ok());
  ASSERT_TRUE(result.error().trap && result.error().trap->exception);
  EXPECT_TRUE(result.error().trap->exception->tag() == *other);
}

TEST_F(ExceptionsTest, TenThousandThrowsInALoop) {
  ASSERT_TRUE(linker_.define("host", "call_b",
                             *Func::wrap(store_, [](int32_t x) { return x; })).ok());
  Instance instance = instantiate(kThroughHost);
  Func b = *instance.getFunc("b");
  for (int i = 0; i < 10000; ++i) {
    Result<std::vector<Val>> result = b.call({Val(i)});
    ASSERT_FALSE(result.ok());
    ASSERT_EQ(result.error().trap->exception->payload().at(0).i32(), i * 10);
  }
}

}  // namespace
}  // namespace wisp

namespace wisp {
namespace {

// WebAssembly 3.0's try_table, throw_ref and exnref, in modules assembled here: wabt 1.0.32
// cannot write them. Every module has the types below, one tag $e (param i32) exported as
// "e", and the functions given (exported under their names).
struct Body {
  const char* name;  // exported as this; nullptr: not exported
  uint8_t type;      // index into kTypes
  std::vector<uint8_t> code;  // locals and instructions, `end` included
};

// 0: (i32) -> (i32)   1: () -> (i32 exnref)   2: () -> ()   3: () -> (exnref)   4: (i32) -> ()
constexpr uint8_t kTypes[] = {
    5,
    0x60, 1, 0x7F, 1, 0x7F,
    0x60, 0, 2, 0x7F, 0x69,
    0x60, 0, 0,
    0x60, 0, 1, 0x69,
    0x60, 1, 0x7F, 0,
};

void appendU32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (v) byte |= 0x80;
    out.push_back(byte);
  } while (v);
}

void appendSection(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& payload) {
  out.push_back(id);
  appendU32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

std::vector<uint8_t> assemble(const std::vector<Body>& bodies) {
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  appendSection(out, 1, {std::begin(kTypes), std::end(kTypes)});
  std::vector<uint8_t> functions;
  appendU32(functions, static_cast<uint32_t>(bodies.size()));
  for (const Body& b : bodies) functions.push_back(b.type);
  appendSection(out, 3, functions);
  appendSection(out, 13, {1, 0x00, 4});  // one tag: attribute 0, type 4
  std::vector<uint8_t> exports;
  uint32_t count = 1;
  for (const Body& b : bodies) count += b.name != nullptr;
  appendU32(exports, count);
  exports.insert(exports.end(), {1, 'e', 4, 0});
  for (size_t i = 0; i < bodies.size(); ++i) {
    if (bodies[i].name == nullptr) continue;
    const std::string_view name = bodies[i].name;
    appendU32(exports, static_cast<uint32_t>(name.size()));
    exports.insert(exports.end(), name.begin(), name.end());
    exports.push_back(0);
    appendU32(exports, static_cast<uint32_t>(i));
  }
  appendSection(out, 7, exports);
  std::vector<uint8_t> code;
  appendU32(code, static_cast<uint32_t>(bodies.size()));
  for (const Body& b : bodies) {
    appendU32(code, static_cast<uint32_t>(b.code.size()));
    code.insert(code.end(), b.code.begin(), b.code.end());
  }
  appendSection(out, 10, code);
  return out;
}

class TryTableTest : public ::testing::Test {
 protected:
  Engine engine_;
  Store store_{engine_};

  Instance instantiate(const std::vector<Body>& bodies) {
    Result<Module> module = Module::compile(engine_, assemble(bodies));
    if (!module.ok()) throw std::runtime_error(module.error().describe());
    Result<Instance> instance = Linker(engine_).instantiate(store_, *module);
    if (!instance.ok()) throw std::runtime_error(instance.error().describe());
    return *instance;
  }
  static int32_t callI32(const Instance& instance, const char* name, int32_t arg) {
    Result<std::vector<Val>> r = instance.getFunc(name)->call({Val(arg)});
    if (!r.ok()) throw std::runtime_error(r.error().describe());
    return r->at(0).i32();
  }
};

// (block $h (result i32)
//   (try_table (result i32) (catch $e $h)
//     (if (local.get 0) (then (throw $e (i32.add (local.get 0) (i32.const 41)))))
//     (i32.const 7))
//   (return))
// (i32.add (i32.const 100))
const std::vector<uint8_t> kCatchToBlock = {
    0x00,
    0x02, 0x7F,
    0x1F, 0x7F, 0x01, 0x00, 0x00, 0x00,
    0x20, 0x00, 0x04, 0x40, 0x20, 0x00, 0x41, 0x29, 0x6A, 0x08, 0x00, 0x0B,
    0x41, 0x07,
    0x0B,
    0x0F,
    0x0B,
    0x41, 0xE4, 0x00, 0x6A,
    0x0B};

TEST_F(TryTableTest, CatchBranchesToItsLabelWithThePayload) {
  Instance instance = instantiate({{"f", 0, kCatchToBlock}});
  EXPECT_EQ(callI32(instance, "f", 0), 7);
  EXPECT_EQ(callI32(instance, "f", 1), 142);
  EXPECT_EQ(callI32(instance, "f", 9), 150);
}

TEST_F(TryTableTest, CatchRefThenThrowRefReachesTheCallersHandler) {
  // $inner: (block $h (result i32 exnref)
  //           (try_table (result i32) (catch_ref $e $h) (throw $e (local.get 0)))
  //           (return))
  //         (throw_ref)      ;; the exnref on top, the payload below it
  const std::vector<uint8_t> inner = {
      0x00,
      0x02, 0x01,
      0x1F, 0x7F, 0x01, 0x01, 0x00, 0x00,
      0x20, 0x00, 0x08, 0x00,
      0x0B,
      0x0F,
      0x0B,
      0x0A,
      0x0B};
  // "g": (block $h (result i32)
  //        (try_table (result i32) (catch $e $h) (call $inner (local.get 0))))
  //      (i32.add (i32.const 1))
  const std::vector<uint8_t> outer = {
      0x00,
      0x02, 0x7F,
      0x1F, 0x7F, 0x01, 0x00, 0x00, 0x00,
      0x20, 0x00, 0x10, 0x00,
      0x0B,
      0x0B,
      0x41, 0x01, 0x6A,
      0x0B};
  Instance instance = instantiate({{nullptr, 0, inner}, {"g", 0, outer}});
  EXPECT_EQ(callI32(instance, "g", 5), 6);
  EXPECT_EQ(callI32(instance, "g", -3), -2);
}

TEST_F(TryTableTest, CatchAllRefGivesTheHostAnExnref) {
  // (block $h (result exnref)
  //   (try_table (catch_all_ref $h) (throw $e (i32.const 12)))
  //   (unreachable))
  const std::vector<uint8_t> code = {
      0x00,
      0x02, 0x69,
      0x1F, 0x40, 0x01, 0x03, 0x00,
      0x41, 0x0C, 0x08, 0x00,
      0x0B,
      0x00,
      0x0B,
      0x0B};
  Instance instance = instantiate({{"h", 3, code}});
  Result<std::vector<Val>> r = instance.getFunc("h")->call({});
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->at(0).type(), ValType::ExnRef);
  std::optional<Exception> exception = r->at(0).exnref();
  ASSERT_TRUE(exception.has_value());
  EXPECT_EQ(exception->payload().at(0).i32(), 12);
  EXPECT_TRUE(exception->tag() == std::get<Tag>(*instance.getExport("e")));
}

TEST_F(TryTableTest, ThrowRefOfNullTraps) {
  // (throw_ref (ref.null exn))
  Instance instance = instantiate({{"n", 2, {0x00, 0xD0, 0x69, 0x0A, 0x0B}}});
  Result<std::vector<Val>> r = instance.getFunc("n")->call({});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.error().trap.has_value());
  EXPECT_EQ(r.error().trap->kind, TrapKind::NullExceptionReference);
}

TEST_F(TryTableTest, CatchAllKeepsLocalsAndLoopsAgain) {
  // (local $i i32) (local $n i32)
  // (loop $l
  //   (block $h
  //     (try_table (catch_all $h)
  //       (local.set $n (i32.add (local.get $n) (i32.const 2)))
  //       (throw $e (local.get $i))))
  //   (local.set $i (i32.add (local.get $i) (i32.const 1)))
  //   (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
  // (i32.add (local.get $n) (i32.mul (local.get $i) (i32.const 1000)))
  const std::vector<uint8_t> code = {
      0x01, 0x02, 0x7F,
      0x03, 0x40,
      0x02, 0x40,
      0x1F, 0x40, 0x01, 0x02, 0x00,
      0x20, 0x02, 0x41, 0x02, 0x6A, 0x21, 0x02,
      0x20, 0x01, 0x08, 0x00,
      0x0B,
      0x0B,
      0x20, 0x01, 0x41, 0x01, 0x6A, 0x21, 0x01,
      0x20, 0x01, 0x20, 0x00, 0x49, 0x0D, 0x00,
      0x0B,
      0x20, 0x02, 0x20, 0x01, 0x41, 0xE8, 0x07, 0x6C, 0x6A,
      0x0B};
  Instance instance = instantiate({{"loop", 0, code}});
  EXPECT_EQ(callI32(instance, "loop", 10), 10020);
  EXPECT_EQ(callI32(instance, "loop", 1000), 1002000);
}

}  // namespace
}  // namespace wisp
