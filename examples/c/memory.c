/* Memory: the bytes seen from the host and from wasm, growing from both sides up to the
 * maximum, out-of-bounds accesses trapping, and a memory made by the host.
 * Usage: memory memory.wasm */
#include "example.h"

/* Calls `func` with up to two i32 arguments; prints a trap, returns the i32 result or -1. */
static int32_t call(wasm_func_t* func, const char* name, size_t argc, int32_t a, int32_t b) {
  wasm_val_t args[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {argc, args};
  wasm_val_vec_t result_vec = {wasm_func_result_arity(func), results};
  wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
  if (trap != NULL) {
    print_trap(name, trap);
    wasm_trap_delete(trap);
    return -1;
  }
  return result_vec.size > 0 ? results[0].of.i32 : 0;
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  check(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  wasm_func_t* load = export_func(&exports, 1);
  wasm_func_t* store_byte = export_func(&exports, 2);
  wasm_func_t* size = export_func(&exports, 3);
  wasm_func_t* grow = export_func(&exports, 4);
  check(memory != NULL);

  printf("pages %u, bytes %zu\n", wasm_memory_size(memory), wasm_memory_data_size(memory));
  byte_t* data = wasm_memory_data(memory);
  printf("data at 16: %.4s\n", data + 16);

  /* Written by wasm, read by the host; written by the host, read by wasm. */
  call(store_byte, "store", 2, 20, '!');
  printf("data at 16: %.5s\n", data + 16);
  data[100] = 77;
  printf("load(100) = %d\n", call(load, "load", 1, 100, 0));

  /* Out of bounds traps, at the last byte and past it. */
  printf("load(65535) = %d\n", call(load, "load", 1, 65535, 0));
  call(load, "load(65536)", 1, 65536, 0);

  /* Growing, from the host and from wasm, up to the maximum of 3 pages. */
  check(wasm_memory_grow(memory, 1));
  printf("grow(1) from wasm = %d\n", call(grow, "grow", 1, 1, 0));
  printf("size() = %d, pages %u\n", call(size, "size", 0, 0, 0), wasm_memory_size(memory));
  check(!wasm_memory_grow(memory, 1));
  printf("grow(1) from wasm = %d\n", call(grow, "grow", 1, 1, 0));
  printf("load(196607) = %d\n", call(load, "load", 1, 3 * 65536 - 1, 0));

  wasm_memorytype_t* type = wasm_memory_type(memory);
  const wasm_limits_t* limits = wasm_memorytype_limits(type);
  printf("type: %u..%u pages\n", limits->min, limits->max);
  wasm_memorytype_delete(type);

  /* A memory of the host's own, with no maximum, zeroed. */
  wasm_limits_t own_limits = {2, wasm_limits_max_default};
  wasm_memorytype_t* own_type = wasm_memorytype_new(&own_limits);
  wasm_memory_t* own_memory = wasm_memory_new(store, own_type);
  wasm_memorytype_delete(own_type);
  check(own_memory != NULL);
  check(wasm_memory_data(own_memory)[2 * 65536 - 1] == 0);
  check(wasm_memory_grow(own_memory, 3));
  printf("host memory: %u pages\n", wasm_memory_size(own_memory));
  wasm_memory_delete(own_memory);

  /* A minimum above the maximum makes no memory. */
  wasm_limits_t bad_limits = {3, 2};
  wasm_memorytype_t* bad_type = wasm_memorytype_new(&bad_limits);
  check(wasm_memory_new(store, bad_type) == NULL);
  wasm_memorytype_delete(bad_type);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
