/* A C program using the installed package: compiles a module (bytes of
 * `(func (export "add") (param i32 i32) (result i32) ...)`) and calls it, after checking that
 * bad input (null pointers, broken modules) gives NULL, false or a trap rather than a crash. */
#include <stdio.h>
#include <stdlib.h>

#include <wasm.h>

static const char add_module[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
    0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

#define expect(condition)                                          \
  do {                                                             \
    if (!(condition)) {                                            \
      fprintf(stderr, "line %d: %s\n", __LINE__, #condition);      \
      exit(1);                                                     \
    }                                                              \
  } while (0)

static void check_bad_input(wasm_store_t* store) {
  expect(wasm_store_new(NULL) == NULL);
  expect(wasm_module_new(store, NULL) == NULL);
  expect(wasm_module_new(NULL, NULL) == NULL);
  expect(!wasm_module_validate(store, NULL));
  wasm_byte_vec_t broken;
  wasm_byte_vec_new(&broken, 20, add_module); /* cut in the middle of a section */
  expect(!wasm_module_validate(store, &broken));
  expect(wasm_module_new(store, &broken) == NULL);
  wasm_byte_vec_delete(&broken);
  expect(wasm_func_new(store, NULL, NULL) == NULL);
  expect(wasm_global_new(store, NULL, NULL) == NULL);
  expect(wasm_table_new(store, NULL, NULL) == NULL);
  expect(wasm_memory_new(store, NULL) == NULL);
  expect(wasm_foreign_new(NULL) == NULL);
  expect(wasm_valtype_new(200) == NULL);
  expect(wasm_memorytype_new(NULL) == NULL);
  expect(wasm_instance_new(store, NULL, NULL, NULL) == NULL);
  wasm_trap_t* trap = wasm_func_call(NULL, NULL, NULL);
  expect(trap != NULL);
  wasm_trap_delete(trap);
  expect(wasm_func_type(NULL) == NULL && wasm_func_param_arity(NULL) == 0);
  expect(wasm_ref_as_func(NULL) == NULL && wasm_extern_as_memory(NULL) == NULL);
  expect(wasm_memory_data(NULL) == NULL && wasm_table_size(NULL) == 0);
  expect(!wasm_memory_grow(NULL, 1) && !wasm_table_grow(NULL, 1, NULL));
  expect(wasm_ref_get_host_info(NULL) == NULL && wasm_ref_copy(NULL) == NULL);
  expect(wasm_module_as_ref(NULL) == NULL);
  wasm_module_delete(NULL);
  wasm_val_vec_delete(NULL);
  wasm_extern_vec_t empty;
  wasm_extern_vec_new_empty(&empty);
  wasm_extern_vec_delete(&empty);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  check_bad_input(store);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof add_module, add_module);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module == NULL) return 1;
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  if (instance == NULL) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &arg_vec, &result_vec);
  if (trap != NULL) return 1;
  printf("add(40, 2) = %d\n", results[0].of.i32);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return results[0].of.i32 == 42 ? 0 : 1;
}
