/* Callbacks: host functions with an environment (a counter each), re-entry (wasm calls the host,
 * which calls wasm again), several results of every number type, a function passed to the host
 * as a funcref and called there, and host objects passed through wasm as externrefs.
 * Usage: callbacks callbacks.wasm */
#include "example.h"

struct counter {
  const char* name;
  int calls;
  int finalized;
};

static wasm_trap_t* count(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  struct counter* counter = env;
  ++counter->calls;
  printf("%s: call %d with %d\n", counter->name, counter->calls, args->data[0].of.i32);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = counter->calls;
  return NULL;
}

static void finalize_counter(void* env) { ((struct counter*)env)->finalized = 1; }

/* The instance's factorial export, reached through the environment. */
static wasm_trap_t* reenter(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_func_t** factorial = env;
  wasm_val_vec_t result_vec = {1, results->data};
  return wasm_func_call(*factorial, args, &result_vec);
}

static wasm_trap_t* split(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  double x = args->data[0].of.f64;
  check(results->size == 4);
  check(results->data[0].kind == WASM_I32 && results->data[3].kind == WASM_F64);
  results->data[0].of.i32 = (int32_t)x;
  results->data[1].of.i64 = (int64_t)x * 1000;
  results->data[2].of.f32 = 0.5f;
  results->data[3].of.f64 = x - (int32_t)x;
  return NULL;
}

static wasm_trap_t* call_it(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  check(args->data[0].kind == WASM_FUNCREF);
  wasm_func_t* func = wasm_ref_as_func(args->data[0].of.ref);
  check(func != NULL);
  wasm_val_vec_t arg_vec = {1, &args->data[1]};
  wasm_val_vec_t result_vec = {1, results->data};
  return wasm_func_call(func, &arg_vec, &result_vec);
}

static wasm_val_t call1(wasm_func_t* func, wasm_val_t arg) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {1, &arg}, result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
  if (trap != NULL) print_trap("call", trap);
  check(trap == NULL);
  return results[0];
}

static wasm_func_t* host_func(wasm_store_t* store, wasm_functype_t* type,
                              wasm_func_callback_t callback) {
  wasm_func_t* func = wasm_func_new(store, type, callback);
  wasm_functype_delete(type);
  return func;
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  struct counter counter = {"counter", 0, 0};
  wasm_functype_t* count_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* count_func = wasm_func_new_with_env(store, count_type, count, &counter, finalize_counter);
  wasm_func_t* factorial = NULL;
  wasm_func_t* reenter_func = wasm_func_new_with_env(store, count_type, reenter, &factorial, NULL);
  wasm_functype_delete(count_type);

  wasm_valtype_t* split_results[] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                     wasm_valtype_new_f32(), wasm_valtype_new_f64()};
  wasm_valtype_vec_t split_params, split_result_vec;
  wasm_valtype_vec_new(&split_result_vec, 4, split_results);
  wasm_valtype_t* split_param[] = {wasm_valtype_new_f64()};
  wasm_valtype_vec_new(&split_params, 1, split_param);
  wasm_func_t* split_func = host_func(store, wasm_functype_new(&split_params, &split_result_vec), split);
  wasm_func_t* call_it_func = host_func(
      store, wasm_functype_new_2_1(wasm_valtype_new_funcref(), wasm_valtype_new_i32(), wasm_valtype_new_i32()),
      call_it);

  wasm_extern_t* imports[] = {wasm_func_as_extern(count_func), wasm_func_as_extern(reenter_func),
                              wasm_func_as_extern(split_func), wasm_func_as_extern(call_it_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  check(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* count_twice = export_func(&exports, 1);
  factorial = export_func(&exports, 2);
  wasm_func_t* split_sum = export_func(&exports, 3);
  wasm_func_t* square_via_host = export_func(&exports, 4);
  wasm_func_t* identity = export_func(&exports, 5);
  wasm_func_t* is_null = export_func(&exports, 6);

  wasm_val_t seven = WASM_I32_VAL(7);
  printf("count_twice(7) = %d\n", call1(count_twice, seven).of.i32);
  printf("count_twice(7) = %d\n", call1(count_twice, seven).of.i32);

  wasm_val_t ten = WASM_I32_VAL(10);
  printf("factorial(10) = %d\n", call1(factorial, ten).of.i32);

  wasm_val_t x = WASM_F64_VAL(12.25);
  printf("split_sum(12.25) = %g\n", call1(split_sum, x).of.f64);

  wasm_val_t nine = WASM_I32_VAL(9);
  printf("square_via_host(9) = %d\n", call1(square_via_host, nine).of.i32);

  /* A foreign object through wasm and back: the same object, host info and all. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info(foreign, &counter);
  wasm_val_t object = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
  wasm_val_t back = call1(identity, object);
  check(back.kind == WASM_EXTERNREF && back.of.ref != NULL);
  check(wasm_ref_same(back.of.ref, wasm_foreign_as_ref(foreign)));
  check(wasm_ref_get_host_info(back.of.ref) == &counter);
  printf("identity(foreign): the same foreign object\n");
  wasm_val_delete(&back);

  /* Any other reference as an externref comes back as a reference to the same object. */
  wasm_val_t func_object = WASM_REF_VAL(wasm_func_as_ref(factorial));
  back = call1(identity, func_object);
  check(wasm_ref_as_func(back.of.ref) != NULL && wasm_ref_same(back.of.ref, wasm_func_as_ref(factorial)));
  printf("identity(func): the same function, callable: factorial(5) = %d\n",
         call1(wasm_ref_as_func(back.of.ref), (wasm_val_t)WASM_I32_VAL(5)).of.i32);
  wasm_val_t copy;
  wasm_val_copy(&copy, &back);
  wasm_val_delete(&back);
  check(wasm_ref_same(copy.of.ref, wasm_func_as_ref(factorial)));
  wasm_val_delete(&copy);

  wasm_val_t null_object = WASM_REF_VAL(NULL);
  printf("is_null(null) = %d, is_null(foreign) = %d\n", call1(is_null, null_object).of.i32,
         call1(is_null, object).of.i32);

  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(count_func);
  wasm_func_delete(reenter_func);
  wasm_func_delete(split_func);
  wasm_func_delete(call_it_func);
  wasm_module_delete(module);
  check(!counter.finalized);
  wasm_store_delete(store);
  printf("counter finalized with the store: %d\n", counter.finalized);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
