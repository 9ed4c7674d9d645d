/* Threads: one engine for all, a module compiled once and shared, and a store per thread, each
 * with its own host function (whose environment is the thread's), instances, calls and traps.
 * Usage: threads threads.wasm */
#include <pthread.h>

#include "example.h"

enum { kThreads = 4, kRounds = 50 };

struct worker {
  wasm_engine_t* engine;
  wasm_shared_module_t* module;
  int64_t factor;  /* the environment of this thread's host function */
  int64_t sum;     /* what `sum` returned last */
  int traps;       /* divisions by zero seen */
};

static wasm_trap_t* term(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  const struct worker* self = env;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = self->factor * args->data[0].of.i32;
  return NULL;
}

static void* work(void* arg) {
  struct worker* self = arg;
  wasm_store_t* store = wasm_store_new(self->engine);
  wasm_module_t* module = wasm_module_obtain(store, self->module);
  check(module != NULL);
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i64());
  wasm_func_t* host = wasm_func_new_with_env(store, type, term, self, NULL);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  for (int round = 0; round < kRounds; ++round) {
    wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
    check(instance != NULL);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);

    wasm_val_t args[2] = {WASM_I32_VAL(100), WASM_I32_VAL(round % 2)};
    wasm_val_t results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t arg_vec = {1, args}, result_vec = WASM_ARRAY_VEC(results);
    check(wasm_func_call(export_func(&exports, 0), &arg_vec, &result_vec) == NULL);
    self->sum = results[0].of.i64;
    check(self->sum == self->factor * 5050);

    arg_vec.size = 2;
    wasm_trap_t* trap = wasm_func_call(export_func(&exports, 1), &arg_vec, &result_vec);
    if (trap != NULL) {
      wasm_message_t message;
      wasm_trap_message(trap, &message);
      check(strcmp(message.data, "integer divide by zero") == 0);
      wasm_byte_vec_delete(&message);
      wasm_trap_delete(trap);
      ++self->traps;
    }
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);
  wasm_shared_module_t* shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_store_delete(store);

  struct worker workers[kThreads];
  pthread_t threads[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    workers[i] = (struct worker){engine, shared, i + 1, 0, 0};
    check(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (int i = 0; i < kThreads; ++i) {
    check(pthread_join(threads[i], NULL) == 0);
    printf("thread %d: sum %lld, %d traps\n", i, (long long)workers[i].sum, workers[i].traps);
  }

  /* A module obtained into a store of another engine is refused. */
  wasm_engine_t* other_engine = wasm_engine_new();
  wasm_store_t* other_store = wasm_store_new(other_engine);
  check(wasm_module_obtain(other_store, shared) == NULL);
  wasm_store_delete(other_store);
  wasm_engine_delete(other_engine);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
