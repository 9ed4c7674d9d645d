/* What the C API examples share: reading a module from a file, checking, printing traps. */
#ifndef WISP_EXAMPLE_H
#define WISP_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

/* Stops the program when `condition` is false, saying where. */
#define check(condition)                                                          \
  do {                                                                            \
    if (!(condition)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      exit(1);                                                                    \
    }                                                                             \
  } while (0)

/* The module at `path` (a .wasm file), compiled for `store`'s engine; exits when it cannot. */
static inline wasm_module_t* load_module(wasm_store_t* store, const char* path) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new_uninitialized(&binary, (size_t)size);
  check(fread(binary.data, 1, (size_t)size, file) == (size_t)size);
  fclose(file);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module == NULL) {
    fprintf(stderr, "cannot compile %s\n", path);
    exit(1);
  }
  return module;
}

/* The export at `index` of `exports` as a function (exits when it is not one). */
static inline wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t index) {
  check(index < exports->size);
  wasm_func_t* func = wasm_extern_as_func(exports->data[index]);
  check(func != NULL);
  return func;
}

/* "MESSAGE" and one line per frame: function index, offset in the function, in the module. */
static inline void print_trap(const char* what, const wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: trap: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  for (size_t i = 0; i < trace.size; ++i) {
    const wasm_frame_t* frame = trace.data[i];
    printf("  frame %zu: func %u, func offset 0x%zx, module offset 0x%zx\n", i,
           wasm_frame_func_index(frame), wasm_frame_func_offset(frame),
           wasm_frame_module_offset(frame));
  }
  wasm_frame_vec_delete(&trace);
}

#endif
