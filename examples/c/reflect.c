/* Reflection: a module's imports and exports with their full types, validation of good and
 * bad binaries, and what serialization does in this version. Usage: reflect reflect.wasm */
#include "example.h"

static void print_name(const wasm_name_t* name) { printf("%.*s", (int)name->size, name->data); }

static const char* kind_name(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    default: return "?";
  }
}

static void print_valtypes(const wasm_valtype_vec_t* types) {
  printf("(");
  for (size_t i = 0; i < types->size; ++i)
    printf("%s%s", i ? " " : "", kind_name(wasm_valtype_kind(types->data[i])));
  printf(")");
}

static void print_limits(const wasm_limits_t* limits) {
  if (limits->max == wasm_limits_max_default) printf("%u..", limits->min);
  else printf("%u..%u", limits->min, limits->max);
}

static void print_type(const wasm_externtype_t* type) {
  switch (wasm_externtype_kind(type)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* func = wasm_externtype_as_functype_const(type);
      printf("func ");
      print_valtypes(wasm_functype_params(func));
      printf(" -> ");
      print_valtypes(wasm_functype_results(func));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* global = wasm_externtype_as_globaltype_const(type);
      printf("global %s %s", wasm_globaltype_mutability(global) == WASM_VAR ? "var" : "const",
             kind_name(wasm_valtype_kind(wasm_globaltype_content(global))));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* table = wasm_externtype_as_tabletype_const(type);
      printf("table %s ", kind_name(wasm_valtype_kind(wasm_tabletype_element(table))));
      print_limits(wasm_tabletype_limits(table));
      break;
    }
    case WASM_EXTERN_MEMORY:
      printf("memory ");
      print_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(type)));
      break;
  }
}

int main(int argc, char** argv) {
  check(argc == 2);
  wasm_engine_t* engine = wasm_engine_new_with_config(wasm_config_new());
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argv[1]);

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; ++i) {
    printf("import ");
    print_name(wasm_importtype_module(imports.data[i]));
    printf(".");
    print_name(wasm_importtype_name(imports.data[i]));
    printf(": ");
    print_type(wasm_importtype_type(imports.data[i]));
    printf("\n");
  }

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; ++i) {
    printf("export ");
    print_name(wasm_exporttype_name(exports.data[i]));
    printf(": ");
    print_type(wasm_exporttype_type(exports.data[i]));
    printf("\n");
  }

  /* Copies are deep: they outlive the originals. */
  wasm_exporttype_vec_t exports_copy;
  wasm_exporttype_vec_copy(&exports_copy, &exports);
  wasm_exporttype_vec_delete(&exports);
  wasm_importtype_vec_delete(&imports);
  printf("copied export 2: ");
  print_type(wasm_exporttype_type(exports_copy.data[2]));
  printf("\n");
  wasm_exporttype_vec_delete(&exports_copy);

  /* Types made by hand, and their conversions. */
  wasm_name_t module_name, item_name;
  wasm_name_new_from_string(&module_name, "lib");
  wasm_name_new_from_string(&item_name, "twice");
  wasm_functype_t* twice = wasm_functype_new_1_1(wasm_valtype_new_f64(), wasm_valtype_new_f64());
  wasm_importtype_t* made = wasm_importtype_new(&module_name, &item_name,
                                                wasm_functype_as_externtype(twice));
  wasm_importtype_t* made_copy = wasm_importtype_copy(made);
  wasm_importtype_delete(made);
  printf("made import ");
  print_name(wasm_importtype_module(made_copy));
  printf(".");
  print_name(wasm_importtype_name(made_copy));
  printf(": ");
  print_type(wasm_importtype_type(made_copy));
  printf("\n");
  check(wasm_externtype_as_globaltype_const(wasm_importtype_type(made_copy)) == NULL);
  wasm_importtype_delete(made_copy);

  /* Vectors of values own their references; new_uninitialized zeroes. */
  wasm_valtype_vec_t kinds;
  wasm_valtype_vec_new_uninitialized(&kinds, 3);
  check(kinds.size == 3 && kinds.data[0] == NULL);
  kinds.data[0] = wasm_valtype_new(WASM_FUNCREF);
  wasm_valtype_vec_delete(&kinds); /* deletes the one element set, skips the nulls */
  check(wasm_valtype_new(77) == NULL);

  /* Validation: this module, a truncated copy, a binary that is not wasm. */
  FILE* file = fopen(argv[1], "rb");
  check(file != NULL);
  char bytes[4096];
  size_t size = fread(bytes, 1, sizeof bytes, file);
  fclose(file);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, size, bytes);
  printf("valid: %d\n", wasm_module_validate(store, &binary));
  binary.size -= 3;
  printf("truncated valid: %d, compiles: %d\n", wasm_module_validate(store, &binary),
         wasm_module_new(store, &binary) != NULL);
  binary.size += 3;
  wasm_byte_vec_delete(&binary);
  wasm_byte_vec_t junk;
  wasm_name_new_from_string(&junk, "not a module");
  printf("junk valid: %d, compiles: %d\n", wasm_module_validate(store, &junk),
         wasm_module_new(store, &junk) != NULL);
  wasm_byte_vec_delete(&junk);

  /* Ahead of time: the compiled module as bytes, loaded back without compiling; the loaded
     module describes the same exports. A corrupted file is refused. */
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  wasm_module_t* loaded = wasm_module_deserialize(store, &serialized);
  printf("serialized: %s, deserialized: %d\n", serialized.size > 0 ? "some bytes" : "nothing",
         loaded != NULL);
  if (loaded != NULL) {
    wasm_exporttype_vec_t original_exports, loaded_exports;
    wasm_module_exports(module, &original_exports);
    wasm_module_exports(loaded, &loaded_exports);
    printf("loaded exports: %zu of %zu\n", loaded_exports.size, original_exports.size);
    wasm_exporttype_vec_delete(&loaded_exports);
    wasm_exporttype_vec_delete(&original_exports);
    wasm_module_delete(loaded);
  }
  if (serialized.size > 0) {
    serialized.data[serialized.size / 2] ^= 0x40;
    printf("corrupted deserialized: %d\n", wasm_module_deserialize(store, &serialized) != NULL);
  }
  wasm_byte_vec_delete(&serialized);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
