/* Traps: the message and the wasm backtrace (function index, offset in the function and in the
 * module) of a trap in wasm and of one a host function returns; missing or mismatched imports
 * make no instance, with a trap saying why. Usage: traps traps.wasm */
#include "example.h"

static wasm_trap_t* fail(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  if (args->data[0].of.i32 == 0) return NULL;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "the host refuses");
  wasm_trap_t* trap = wasm_trap_new(NULL, &message);
  wasm_byte_vec_delete(&message);
  return trap;
}

static void call1(wasm_func_t* func, const char* name, int32_t x) {
  wasm_val_t args[] = {WASM_I32_VAL(x)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {wasm_func_param_arity(func), args};
  wasm_val_vec_t result_vec = {wasm_func_result_arity(func), results};
  wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
  if (trap == NULL) {
    if (result_vec.size > 0) printf("%s(%d) = %d\n", name, x, results[0].of.i32);
    else printf("%s(%d) returned\n", name, x);
    return;
  }
  print_trap(name, trap);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  if (origin != NULL) {
    wasm_frame_t* copy = wasm_frame_copy(origin);
    check(wasm_frame_func_index(copy) == wasm_frame_func_index(origin));
    check(wasm_frame_module_offset(copy) == wasm_frame_module_offset(origin));
    check(wasm_frame_instance(origin) == NULL);
    printf("  origin: func %u\n", wasm_frame_func_index(origin));
    wasm_frame_delete(copy);
    wasm_frame_delete(origin);
  }
  wasm_trap_delete(trap);
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  /* Missing imports: no instance, and a trap that says so. */
  wasm_trap_t* trap = NULL;
  check(wasm_instance_new(store, module, NULL, &trap) == NULL);
  check(trap != NULL);
  print_trap("no imports", trap);
  wasm_trap_delete(trap);

  /* An import of the wrong type. */
  wasm_functype_t* wrong_type = wasm_functype_new_0_0();
  wasm_func_t* wrong = wasm_func_new(store, wrong_type, fail);
  wasm_functype_delete(wrong_type);
  wasm_extern_t* wrong_imports[] = {wasm_func_as_extern(wrong)};
  wasm_extern_vec_t wrong_vec = WASM_ARRAY_VEC(wrong_imports);
  check(wasm_instance_new(store, module, &wrong_vec, &trap) == NULL);
  print_trap("wrong import", trap);
  wasm_trap_delete(trap);
  wasm_func_delete(wrong);

  wasm_functype_t* fail_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* fail_func = wasm_func_new(store, fail_type, fail);
  wasm_functype_delete(fail_type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(fail_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  check(instance != NULL && trap == NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* compute = export_func(&exports, 0);
  wasm_func_t* ask_host = export_func(&exports, 1);
  wasm_func_t* crash = export_func(&exports, 2);

  call1(compute, "compute", 5);
  call1(compute, "compute", 0);
  call1(ask_host, "ask_host", 0);
  call1(ask_host, "ask_host", 1);
  call1(crash, "crash", 0);

  /* A trap made by the host has its message and no frames. */
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "made by hand");
  trap = wasm_trap_new(store, &message);
  wasm_byte_vec_delete(&message);
  print_trap("wasm_trap_new", trap);
  check(wasm_trap_origin(trap) == NULL);
  wasm_trap_t* copy = wasm_trap_copy(trap);
  check(wasm_trap_same(trap, copy));
  wasm_trap_delete(trap);
  print_trap("its copy", copy);
  wasm_trap_delete(copy);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
