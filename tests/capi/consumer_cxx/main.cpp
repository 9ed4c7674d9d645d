// A C++ program using the installed package: the C++ API (a typed host function and a typed
// call) and the C API's header in the same program.
#include <cstdio>
#include <vector>

#include <wasm.h>
#include <wisp/wisp.h>

// (module (import "env" "twice" (func (param i32) (result i32)))
//         (func (export "run") (param i32) (result i32) (call 0 (i32.add (local.get 0) (i32.const 1)))))
static const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, 0x0a,
    0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x10, 0x00, 0x0b};

int main() {
  wisp::Engine engine;
  wisp::Store store(engine);
  auto module = wisp::Module::compile(engine, kModule);
  if (!module) {
    std::printf("%s\n", module.error().describe().c_str());
    return 1;
  }
  wisp::Linker linker(engine);
  if (!linker.define("env", "twice", *wisp::Func::wrap(store, [](int32_t x) { return 2 * x; })))
    return 1;
  auto instance = linker.instantiate(store, *module);
  if (!instance) return 1;
  auto run = instance->getFunc("run")->typed<int32_t(int32_t)>(store);
  if (!run) return 1;
  wisp::Result<int32_t> answer = run->call(20);
  if (!answer) return 1;
  std::printf("run(20) = %d\n", *answer);

  // The C API from C++: the same engine kinds of object, through wasm.h.
  wasm_engine_t* c_engine = wasm_engine_new();
  wasm_valtype_t* i32 = wasm_valtype_new_i32();
  const bool is_num = wasm_valtype_is_num(i32);
  wasm_valtype_delete(i32);
  wasm_engine_delete(c_engine);
  return *answer == 42 && is_num ? 0 : 1;
}
