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
        (try (result i64 f64)
          (do (call $fail (local.get 0)) (i64.const 0) (f64.const 0))
          (catch $t))
        (f64.add (f64.convert_i64_s)))
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
