/* Tables: an exported table of functions read, written and grown by the host, a host function
 * stored in it and called by wasm, and a table of host objects (externref) made by the host.
 * Usage: tables tables.wasm */
#include "example.h"

static wasm_trap_t* sub(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 - args->data[1].of.i32;
  return NULL;
}

/* apply(op, 7, 3), or the trap's message. */
static void apply(wasm_func_t* apply_func, int32_t op) {
  wasm_val_t args[] = {WASM_I32_VAL(op), WASM_I32_VAL(7), WASM_I32_VAL(3)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(apply_func, &arg_vec, &result_vec);
  if (trap != NULL) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    printf("apply(%d, 7, 3): trap: %s\n", op, message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
    return;
  }
  printf("apply(%d, 7, 3) = %d\n", op, results[0].of.i32);
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  wasm_functype_t* binary = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                  wasm_valtype_new_i32());
  wasm_func_t* sub_func = wasm_func_new(store, binary, sub);
  wasm_functype_delete(binary);
  wasm_extern_t* imports[] = {wasm_func_as_extern(sub_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  check(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* ops = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* apply_func = export_func(&exports, 1);
  wasm_func_t* mul = export_func(&exports, 2);
  check(ops != NULL);

  wasm_tabletype_t* type = wasm_table_type(ops);
  const wasm_limits_t* limits = wasm_tabletype_limits(type);
  printf("ops: element kind %d, limits %u..%u, size %u\n",
         wasm_valtype_kind(wasm_tabletype_element(type)), limits->min, limits->max,
         wasm_table_size(ops));
  wasm_tabletype_delete(type);

  apply(apply_func, 0);
  apply(apply_func, 1);
  apply(apply_func, 2); /* out of bounds */

  /* Element 1 is the host function the module imported: the same object as ours. */
  wasm_ref_t* element = wasm_table_get(ops, 1);
  check(element != NULL);
  check(wasm_ref_same(element, wasm_func_as_ref(sub_func)));
  wasm_ref_delete(element);

  /* Element 0 is $add, which only the element segment names: the table starts with it lazily
   * (a mark resolved on first read), and what the host reads is a function it can call. */
  wasm_ref_t* first_element = wasm_table_get(ops, 0);
  check(first_element != NULL);
  {
    wasm_val_t args[] = {WASM_I32_VAL(7), WASM_I32_VAL(3)};
    wasm_val_t results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
    check(wasm_func_call(wasm_ref_as_func(first_element), &arg_vec, &result_vec) == NULL);
    check(results[0].of.i32 == 10);
  }
  wasm_ref_t* again = wasm_table_get(ops, 0);
  check(again != NULL && wasm_ref_same(again, first_element));
  wasm_ref_delete(again);
  wasm_ref_delete(first_element);

  /* Grow by two null elements, store the exported mul in one of them. */
  check(wasm_table_grow(ops, 2, NULL));
  printf("size after grow: %u\n", wasm_table_size(ops));
  check(wasm_table_get(ops, 3) == NULL); /* null */
  check(wasm_table_set(ops, 3, wasm_func_as_ref(mul)));
  apply(apply_func, 3);
  apply(apply_func, 2); /* null element */

  /* Refused: out of bounds, past the maximum, a non-function in a funcref table. */
  check(!wasm_table_set(ops, 4, wasm_func_as_ref(mul)));
  check(wasm_table_get(ops, 4) == NULL);
  check(!wasm_table_grow(ops, 7, NULL));
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  check(!wasm_table_set(ops, 0, wasm_foreign_as_ref(foreign)));
  check(wasm_table_set(ops, 0, NULL));
  apply(apply_func, 0);

  /* A host-made table of externrefs holds any reference and gives back the same object. */
  wasm_limits_t object_limits = {1, wasm_limits_max_default};
  wasm_tabletype_t* object_type = wasm_tabletype_new(wasm_valtype_new_externref(), &object_limits);
  wasm_table_t* objects = wasm_table_new(store, object_type, wasm_foreign_as_ref(foreign));
  wasm_tabletype_delete(object_type);
  check(objects != NULL);
  check(wasm_table_grow(objects, 1, wasm_func_as_ref(mul)));
  wasm_ref_t* first = wasm_table_get(objects, 0);
  wasm_ref_t* second = wasm_table_get(objects, 1);
  check(wasm_ref_same(first, wasm_foreign_as_ref(foreign)));
  check(wasm_ref_as_foreign(first) != NULL);
  check(wasm_ref_same(second, wasm_func_as_ref(mul)));
  check(wasm_ref_as_func(second) != NULL);
  printf("objects: size %u, same objects back\n", wasm_table_size(objects));
  wasm_ref_delete(first);
  wasm_ref_delete(second);

  /* A table type must hold references. */
  wasm_limits_t any_limits = {0, 1};
  check(wasm_tabletype_new(wasm_valtype_new_i32(), &any_limits) == NULL);

  wasm_table_delete(objects);
  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(sub_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
