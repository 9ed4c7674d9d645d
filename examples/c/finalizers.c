/* Host info and finalizers on every kind of reference, and the conversions between references:
 * host info belongs to the object (every reference to it sees it); a finalizer runs once, when
 * its host info is replaced or when the object goes: with the store for what a store holds,
 * with the last reference for modules and traps. A host function's environment is finalized
 * with its store. Usage: finalizers finalizers.wasm */
#include "example.h"

static int finalized[32];

static void finalize(void* info) {
  int which = (int)(intptr_t)info;
  check(which >= 0 && which < 32);
  ++finalized[which];
}

/* Which finalizers ran (in index order: a store finalizes its objects in no fixed order). */
static void print_finalized(const char* when) {
  printf("%s: finalized", when);
  for (int i = 0; i < 32; ++i)
    if (finalized[i] > 0) printf(" %d", i);
  printf("\n");
}

static void* tag(int which) { return (void*)(intptr_t)which; }

static wasm_trap_t* with_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  return NULL;
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
  wasm_func_t* func = wasm_extern_as_func(exports.data[0]);
  wasm_global_t* global = wasm_extern_as_global(exports.data[1]);
  wasm_table_t* table = wasm_extern_as_table(exports.data[2]);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[3]);
  check(func && global && table && memory);

  /* Conversions: the same object seen as another type; NULL for the wrong kind. */
  wasm_ref_t* func_ref = wasm_func_as_ref(func);
  check(wasm_ref_as_func(func_ref) == func);
  check(wasm_ref_as_func_const(wasm_func_as_ref_const(func)) == func);
  check(wasm_ref_as_global(func_ref) == NULL);
  check(wasm_ref_as_extern(func_ref) == wasm_func_as_extern(func));
  check(wasm_ref_as_extern(wasm_instance_as_ref(instance)) == NULL);
  check(wasm_ref_as_instance(wasm_instance_as_ref(instance)) == instance);
  check(wasm_ref_as_table(wasm_table_as_ref(table)) == table);
  check(wasm_ref_as_memory_const(wasm_memory_as_ref_const(memory)) == memory);
  check(wasm_ref_as_global_const(wasm_global_as_ref_const(global)) == global);
  check(wasm_ref_as_module(wasm_module_as_ref(module)) == module);
  check(wasm_extern_as_func(wasm_global_as_extern(global)) == NULL);
  check(wasm_extern_as_memory_const(wasm_memory_as_extern_const(memory)) == memory);
  check(wasm_extern_kind(wasm_table_as_extern(table)) == WASM_EXTERN_TABLE);

  /* Host info is the object's: a second reference from a second exports call sees it. */
  wasm_func_set_host_info_with_finalizer(func, tag(1), finalize);
  wasm_global_set_host_info_with_finalizer(global, tag(2), finalize);
  wasm_table_set_host_info_with_finalizer(table, tag(3), finalize);
  wasm_memory_set_host_info(memory, tag(4)); /* no finalizer */
  wasm_instance_set_host_info_with_finalizer(instance, tag(5), finalize);
  wasm_extern_vec_t again;
  wasm_instance_exports(instance, &again);
  check(wasm_func_get_host_info(wasm_extern_as_func(again.data[0])) == tag(1));
  check(wasm_extern_get_host_info(again.data[1]) == tag(2));
  check(wasm_ref_get_host_info(wasm_table_as_ref(wasm_extern_as_table(again.data[2]))) == tag(3));
  check(wasm_memory_get_host_info(wasm_extern_as_memory(again.data[3])) == tag(4));
  check(wasm_func_same(func, wasm_extern_as_func(again.data[0])));
  check(!wasm_extern_same(again.data[0], again.data[1]));
  wasm_extern_vec_delete(&again);
  printf("host info seen through other references\n");

  /* Copies are the same object, and deleting one leaves the object alone. */
  wasm_instance_t* instance_copy = wasm_instance_copy(instance);
  check(wasm_instance_same(instance, instance_copy));
  check(wasm_instance_get_host_info(instance_copy) == tag(5));
  wasm_instance_delete(instance_copy);
  check(finalized[5] == 0);

  /* Replacing host info finalizes the old one. */
  wasm_func_set_host_info_with_finalizer(func, tag(6), finalize);
  check(finalized[1] == 1 && wasm_func_get_host_info(func) == tag(6));

  /* Foreign objects. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_t* other = wasm_foreign_new(store);
  check(!wasm_foreign_same(foreign, other));
  wasm_foreign_set_host_info_with_finalizer(foreign, tag(7), finalize);
  wasm_foreign_t* foreign_copy = wasm_foreign_copy(foreign);
  check(wasm_foreign_get_host_info(foreign_copy) == tag(7));
  check(wasm_foreign_get_host_info(other) == NULL);
  wasm_foreign_delete(foreign_copy);
  wasm_foreign_delete(other);

  /* A host function's environment. */
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new_with_env(store, type, with_env, tag(8), finalize);
  wasm_functype_delete(type);
  wasm_func_delete(host);
  check(finalized[8] == 0); /* the store still holds the function */

  /* Traps live as long as their last reference. */
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "kept");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_byte_vec_delete(&message);
  wasm_trap_set_host_info_with_finalizer(trap, tag(9), finalize);
  wasm_trap_t* trap_copy = wasm_trap_copy(trap);
  wasm_trap_delete(trap);
  check(finalized[9] == 0 && wasm_trap_get_host_info(trap_copy) == tag(9));
  wasm_trap_delete(trap_copy);
  check(finalized[9] == 1);

  /* So do modules, across share and obtain (which makes a module object of its own). */
  wasm_module_set_host_info_with_finalizer(module, tag(10), finalize);
  wasm_shared_module_t* shared = wasm_module_share(module);
  wasm_module_t* obtained = wasm_module_obtain(store, shared);
  wasm_shared_module_delete(shared);
  check(obtained != NULL && wasm_module_get_host_info(obtained) == NULL);
  check(!wasm_module_same(module, obtained));
  wasm_module_set_host_info_with_finalizer(obtained, tag(11), finalize);
  wasm_module_t* module_copy = wasm_module_copy(module);
  wasm_module_delete(module);
  check(finalized[10] == 0);
  wasm_module_delete(module_copy);
  check(finalized[10] == 1);
  wasm_module_delete(obtained);
  check(finalized[11] == 1);

  /* The generic reference: copy, same, host info. */
  wasm_ref_t* ref_copy = wasm_ref_copy(func_ref);
  check(wasm_ref_same(ref_copy, func_ref));
  wasm_ref_set_host_info_with_finalizer(ref_copy, tag(12), finalize);
  check(finalized[6] == 1 && wasm_func_get_host_info(func) == tag(12));
  wasm_ref_delete(ref_copy);

  print_finalized("before deleting the store");
  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  print_finalized("after deleting the store");
  check(finalized[2] == 1 && finalized[3] == 1 && finalized[5] == 1 && finalized[7] == 1);
  check(finalized[8] == 1 && finalized[12] == 1 && finalized[4] == 0);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
