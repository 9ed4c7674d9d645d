#include "spectest_host.h"

#include <optional>

namespace wisp::cli {
namespace {

// Chains definitions, stopping at the first error.
class Definer {
 public:
  explicit Definer(Linker& linker) : linker_(linker) {}

  template <typename T>
  void define(const char* name, Result<T> item) {
    if (error_) return;
    if (!item) {
      error_ = Error{item.error().kind, std::string("spectest.") + name + ": " + item.error().message};
      return;
    }
    if (Result<void> defined = linker_.define("spectest", name, *item); !defined) error_ = defined.error();
  }
  Result<void> result() { return error_ ? Result<void>(*error_) : Result<void>(); }

 private:
  Linker& linker_;
  std::optional<Error> error_;
};

}  // namespace

Result<void> defineSpectest(Store& store, Linker& linker) {
  Definer spectest(linker);
  spectest.define("print", Func::wrap(store, [] {}));
  spectest.define("print_i32", Func::wrap(store, [](int32_t) {}));
  spectest.define("print_i64", Func::wrap(store, [](int64_t) {}));
  spectest.define("print_f32", Func::wrap(store, [](float) {}));
  spectest.define("print_f64", Func::wrap(store, [](double) {}));
  spectest.define("print_i32_f32", Func::wrap(store, [](int32_t, float) {}));
  spectest.define("print_f64_f64", Func::wrap(store, [](double, double) {}));
  spectest.define("global_i32", Global::create(store, {ValType::I32, false}, Val(int32_t{666})));
  spectest.define("global_i64", Global::create(store, {ValType::I64, false}, Val(int64_t{666})));
  spectest.define("global_f32", Global::create(store, {ValType::F32, false}, Val(666.6f)));
  spectest.define("global_f64", Global::create(store, {ValType::F64, false}, Val(666.6)));
  spectest.define("table", Table::create(store, {ValType::FuncRef, {10, 20}}, Val::nullFuncRef()));
  spectest.define("memory", Memory::create(store, {{1, 2}}));
  return spectest.result();
}

}  // namespace wisp::cli
