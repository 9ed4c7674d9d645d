/* A host function imported by a module, and a call of the module's export: the shape of every
 * embedding. Usage: hello hello.wasm */
#include "example.h"

static wasm_trap_t* report(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  check(args->size == 1 && args->data[0].kind == WASM_I32);
  printf("host: report(%d)\n", args->data[0].of.i32);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 100;
  return NULL;
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  wasm_functype_t* report_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* report_func = wasm_func_new(store, report_type, report);
  wasm_functype_delete(report_type);

  wasm_extern_t* imports[] = {wasm_func_as_extern(report_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  check(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = export_func(&exports, 0);
  check(wasm_func_param_arity(run) == 1 && wasm_func_result_arity(run) == 1);

  wasm_val_t args[] = {WASM_I32_VAL(21)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  trap = wasm_func_call(run, &arg_vec, &result_vec);
  check(trap == NULL);
  check(results[0].kind == WASM_I32);
  printf("run(21) = %d\n", results[0].of.i32);

  /* Arguments that do not fit the signature are refused with a trap that says why. */
  wasm_val_t wrong[] = {WASM_F64_VAL(1.5)};
  wasm_val_vec_t wrong_vec = WASM_ARRAY_VEC(wrong);
  trap = wasm_func_call(run, &wrong_vec, &result_vec);
  check(trap != NULL);
  print_trap("run(1.5)", trap);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(report_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
