/* Globals: made by the host and imported, exported by the module, read and written from both
 * sides; immutable globals and mismatched values are refused. Usage: globals globals.wasm */
#include "example.h"

static double call_scaled(wasm_func_t* scaled, double x) {
  wasm_val_t args[] = {WASM_F64_VAL(x)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
  check(wasm_func_call(scaled, &arg_vec, &result_vec) == NULL);
  return results[0].of.f64;
}

static int64_t call_bump(wasm_func_t* bump) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_EMPTY_VEC, result_vec = WASM_ARRAY_VEC(results);
  check(wasm_func_call(bump, &arg_vec, &result_vec) == NULL);
  return results[0].of.i64;
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  wasm_globaltype_t* offset_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t seven = WASM_I32_VAL(7);
  wasm_global_t* offset = wasm_global_new(store, offset_type, &seven);
  check(offset != NULL);

  /* A value of another kind than the type's makes no global. */
  wasm_val_t wrong = WASM_F32_VAL(1.0f);
  check(wasm_global_new(store, offset_type, &wrong) == NULL);
  wasm_globaltype_delete(offset_type);

  wasm_globaltype_t* counter_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t start = WASM_I64_VAL(1000);
  wasm_global_t* counter = wasm_global_new(store, counter_type, &start);
  wasm_globaltype_delete(counter_type);

  wasm_extern_t* imports[] = {wasm_global_as_extern(offset), wasm_global_as_extern(counter)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  check(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  check(exports.size == 4);
  wasm_global_t* scale = wasm_extern_as_global(exports.data[0]);
  wasm_global_t* answer = wasm_extern_as_global(exports.data[1]);
  wasm_func_t* bump = export_func(&exports, 2);
  wasm_func_t* scaled = export_func(&exports, 3);
  check(scale != NULL && answer != NULL);

  /* Types as the module declares them. */
  wasm_globaltype_t* scale_type = wasm_global_type(scale);
  printf("scale: kind %d, %s\n", wasm_valtype_kind(wasm_globaltype_content(scale_type)),
         wasm_globaltype_mutability(scale_type) == WASM_VAR ? "var" : "const");
  wasm_globaltype_delete(scale_type);

  /* wasm writes the imported counter; the host sees it through its own handle. */
  printf("bump() = %lld\n", (long long)call_bump(bump));
  printf("bump() = %lld\n", (long long)call_bump(bump));
  wasm_val_t value;
  wasm_global_get(counter, &value);
  printf("counter = %lld\n", (long long)value.of.i64);

  /* The host writes an exported global; wasm sees it. */
  printf("scaled(2) = %g\n", call_scaled(scaled, 2.0));
  wasm_val_t new_scale = WASM_F64_VAL(-0.25);
  wasm_global_set(scale, &new_scale);
  printf("scaled(2) = %g\n", call_scaled(scaled, 2.0));

  /* Immutable globals, and values of another kind, are left unchanged. */
  wasm_val_t forty = WASM_I32_VAL(40);
  wasm_global_set(answer, &forty);
  wasm_global_set(scale, &forty);
  wasm_global_get(answer, &value);
  printf("answer = %d\n", value.of.i32);
  wasm_global_get(scale, &value);
  printf("scale = %g\n", value.of.f64);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(offset);
  wasm_global_delete(counter);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
