/* The standard WebAssembly C API, as Wisp provides it.
 *
 * Every type, function, macro and enumerator here has the name, signature and layout of the
 * community's wasm-c-api header (commit debd090), so programs written against that interface
 * compile and link against Wisp unchanged. The comments say what Wisp does; docs/c-api.md has
 * the same rules in one place.
 *
 * Ownership. `own` marks what passes ownership:
 *   - an `own T*` result is the caller's to release with T's delete function;
 *   - an `own` parameter hands the object to the callee (the caller must not use it again);
 *   - an `own` parameter named `out` is filled by the callee and then owned by the caller;
 *   - an `own` vector owns its elements too: deleting it deletes them (vectors of pointers
 *     delete each non-null pointer, vectors of values release each value's reference).
 *   Everything else is borrowed: valid as long as the object it came from.
 * Every delete function accepts NULL and does nothing with it.
 *
 * References. A wasm_func_t, wasm_global_t, wasm_table_t, wasm_memory_t, wasm_instance_t or
 * wasm_foreign_t denotes an object its store owns; the object lives as long as the store, and
 * deleting a reference releases only the reference. wasm_X_copy makes another reference to the
 * same object and wasm_X_same tells whether two references denote the same object. A module
 * (shared by every store of its engine) and a trap live as long as their last reference.
 * Delete a store's references before the store itself.
 *
 * Host info. wasm_X_set_host_info attaches a pointer to the object (not to the reference), so
 * every reference to it sees the same host info. Its finalizer runs once: when the host info is
 * replaced, or when the object goes (with its store, or with a module's or trap's last
 * reference). The environment of wasm_func_new_with_env is finalized when its store is deleted.
 *
 * Values. A wasm_val_t of kind WASM_FUNCREF holds a function's reference (wasm_func_as_ref) or
 * NULL. One of kind WASM_EXTERNREF holds any reference or NULL: a foreign object passes into
 * wasm and comes back as the same object, any other reference comes back as a reference to
 * the same object. An own wasm_val_t owns its reference.
 *
 * Threads. An engine may be shared by any number of threads; a store, and everything made in
 * it, is used by one thread at a time. A wasm_shared_module_t may cross threads, to be
 * obtained into another store of the same engine.
 *
 * Errors. Calls that create something return NULL when they cannot (a malformed or invalid
 * module, a type mismatch, a limit out of range, an object of another store). Calls into wasm
 * return a trap instead of failing silently. Wisp-specific: wasm_module_serialize and
 * wasm_module_deserialize need ahead-of-time compilation, which Wisp does not have yet:
 * serialize yields an empty vector and deserialize returns NULL.
 */

#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Marks the API's functions. Wisp's shared library exports only what is marked. */
#ifndef WASM_API_EXTERN
#if defined(_WIN32) && !defined(__MINGW32__) && !defined(LIBWASM_STATIC)
#define WASM_API_EXTERN __declspec(dllimport)
#elif defined(__GNUC__)
#define WASM_API_EXTERN __attribute__((visibility("default")))
#else
#define WASM_API_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Machine types ---------------------------------------------------------------------- */

static inline void assertions(void) {
  static_assert(sizeof(float) == sizeof(uint32_t), "float must be 32 bits");
  static_assert(sizeof(double) == sizeof(uint64_t), "double must be 64 bits");
  static_assert(sizeof(intptr_t) == sizeof(uint32_t) || sizeof(intptr_t) == sizeof(uint64_t),
                "pointers must be 32 or 64 bits");
}

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Ownership marker (see the top of this file); expands to nothing. */
#define own

/* A type released by wasm_NAME_delete. */
#define WASM_DECLARE_OWN(name)                    \
  typedef struct wasm_##name##_t wasm_##name##_t; \
  WASM_API_EXTERN void wasm_##name##_delete(own wasm_##name##_t*);

/* wasm_NAME_vec_t: `size` elements at `data` (NULL when empty). Elements are values
 * (ptr_or_none empty) or pointers (ptr_or_none `*`).
 *   new_empty           size 0, data NULL
 *   new_uninitialized   `size` elements, zeroed (pointers NULL)
 *   new                 takes ownership of the `size` elements given (copies the array)
 *   copy                a deep copy: each element copied
 *   delete              deletes the elements and the array; leaves size 0, data NULL */
#define WASM_DECLARE_VEC(name, ptr_or_none)                                                  \
  typedef struct wasm_##name##_vec_t {                                                       \
    size_t size;                                                                             \
    wasm_##name##_t ptr_or_none* data;                                                       \
  } wasm_##name##_vec_t;                                                                     \
  WASM_API_EXTERN void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t* out);            \
  WASM_API_EXTERN void wasm_##name##_vec_new_uninitialized(own wasm_##name##_vec_t* out,     \
                                                           size_t);                          \
  WASM_API_EXTERN void wasm_##name##_vec_new(own wasm_##name##_vec_t* out, size_t,           \
                                             own wasm_##name##_t ptr_or_none const[]);       \
  WASM_API_EXTERN void wasm_##name##_vec_copy(own wasm_##name##_vec_t* out,                  \
                                              const wasm_##name##_vec_t*);                   \
  WASM_API_EXTERN void wasm_##name##_vec_delete(own wasm_##name##_vec_t*);

/* ---- Bytes and names -------------------------------------------------------------------- */

typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

/* Names are byte vectors, not null-terminated unless made with _nt. */
typedef wasm_byte_vec_t wasm_name_t;

#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s), s);
}

/* The same with the terminating NUL counted in the size. */
static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, const char* s) {
  wasm_name_new(out, strlen(s) + 1, s);
}

/* ---- Configuration, engine, store ------------------------------------------------------- */

/* Wisp's defaults: guard-region bounds checks, WebAssembly 2.0, compiling on every core. */
WASM_DECLARE_OWN(config)
WASM_API_EXTERN own wasm_config_t* wasm_config_new(void);

/* Shared by any number of threads. Delete it after every store and module made from it. */
WASM_DECLARE_OWN(engine)
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new_with_config(own wasm_config_t*);

/* Owns the instances, functions, globals, tables, memories and foreign objects made in it. One
 * thread at a time. Returns NULL for a NULL engine. */
WASM_DECLARE_OWN(store)
WASM_API_EXTERN own wasm_store_t* wasm_store_new(wasm_engine_t*);

/* ---- Types ------------------------------------------------------------------------------ */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST,
  WASM_VAR,
};

/* In pages for memories, elements for tables; max wasm_limits_max_default means none. */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

static const uint32_t wasm_limits_max_default = 0xffffffff;

/* A type: released with delete, deep-copied with copy, and collected in a vector. */
#define WASM_DECLARE_TYPE(name) \
  WASM_DECLARE_OWN(name)        \
  WASM_DECLARE_VEC(name, *)     \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*);

/* Value types. This API has no kind for v128: Wisp reports a v128 in a module's imports or
 * exports as kind 4, outside the enumeration, and a call of a function with v128 parameters
 * or results through wasm_func_call traps saying so. */
WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};

/* NULL for a kind outside the enumeration. */
WASM_API_EXTERN own wasm_valtype_t* wasm_valtype_new(wasm_valkind_t);
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t*);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }
static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Function types. new takes both vectors (NULL elements make it return NULL). */
WASM_DECLARE_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t* wasm_functype_new(own wasm_valtype_vec_t* params,
                                                       own wasm_valtype_vec_t* results);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t*);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t*);

/* Global types. new takes the value type. */
WASM_DECLARE_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t* wasm_globaltype_new(own wasm_valtype_t*, wasm_mutability_t);
WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t*);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t*);

/* Table types. new takes the element type (a reference type) and copies the limits. */
WASM_DECLARE_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t* wasm_tabletype_new(own wasm_valtype_t*, const wasm_limits_t*);
WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t*);

/* Memory types, in 64 KiB pages. */
WASM_DECLARE_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t*);

/* Extern types: any of the four above. The as_ conversions return the same object seen as
 * the other type (borrowed), or NULL when it is of another kind. */
WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t*);

WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t*);

WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t*);
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t*);
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t*);
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t*);

WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t*);

WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t*);

/* Import types: (module, name, type); new takes all three. */
WASM_DECLARE_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t* wasm_importtype_new(own wasm_name_t* module,
                                                           own wasm_name_t* name,
                                                           own wasm_externtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t*);

/* Export types: (name, type); new takes both. */
WASM_DECLARE_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t* wasm_exporttype_new(own wasm_name_t*, own wasm_externtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t*);

/* ---- Values ----------------------------------------------------------------------------- */

struct wasm_ref_t;

typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

/* Releases the value's reference, if any. */
WASM_API_EXTERN void wasm_val_delete(own wasm_val_t* v);
/* Copies the value; a reference is copied with wasm_ref_copy. */
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t* out, const wasm_val_t*);

WASM_DECLARE_VEC(val, )

/* ---- References ------------------------------------------------------------------------- */

#define WASM_DECLARE_REF_BASE(name)                                                             \
  WASM_DECLARE_OWN(name)                                                                        \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*);              \
  WASM_API_EXTERN bool wasm_##name##_same(const wasm_##name##_t*, const wasm_##name##_t*);      \
  WASM_API_EXTERN void* wasm_##name##_get_host_info(const wasm_##name##_t*);                    \
  WASM_API_EXTERN void wasm_##name##_set_host_info(wasm_##name##_t*, void*);                    \
  WASM_API_EXTERN void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t*, void*,      \
                                                                  void (*)(void*));

/* A reference of a particular kind, seen as a generic wasm_ref_t and back: the same object
 * (borrowed); ref_as_NAME returns NULL for a reference of another kind. */
#define WASM_DECLARE_REF(name)                                                                 \
  WASM_DECLARE_REF_BASE(name)                                                                  \
  WASM_API_EXTERN wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t*);                          \
  WASM_API_EXTERN wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t*);                            \
  WASM_API_EXTERN const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t*);        \
  WASM_API_EXTERN const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t*);

/* share makes a thread-independent copy; obtain makes a reference to it in a store. */
#define WASM_DECLARE_SHARABLE_REF(name)                                                          \
  WASM_DECLARE_REF(name)                                                                         \
  WASM_DECLARE_OWN(shared_##name)                                                                \
  WASM_API_EXTERN own wasm_shared_##name##_t* wasm_##name##_share(const wasm_##name##_t*);       \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_obtain(wasm_store_t*,                       \
                                                            const wasm_shared_##name##_t*);

WASM_DECLARE_REF_BASE(ref)

/* ---- Frames ----------------------------------------------------------------------------- */

/* One wasm function activation of a trap's backtrace. func_index is in the module's function
 * index space; module_offset is the byte offset of the instruction in the module binary and
 * func_offset the same from the start of the function's body. wasm_frame_instance returns
 * NULL: Wisp's backtraces do not record the instance a frame ran in. */
WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t* wasm_frame_copy(const wasm_frame_t*);

WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t*);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t*);
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t*);
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t*);

/* ---- Traps ------------------------------------------------------------------------------ */

/* Null-terminated: the size counts the NUL. */
typedef wasm_name_t wasm_message_t;

/* A trap from wasm carries the spec's message ("integer divide by zero") and the wasm
 * backtrace, innermost frame first (wasm_trap_origin is the innermost). A trap made with
 * wasm_trap_new has the given message and no frames until a host function returns it: then
 * the wasm call it ends reports it with the frames of that call. */
WASM_DECLARE_REF(trap)
WASM_API_EXTERN own wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t*);
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t*, own wasm_message_t* out);
WASM_API_EXTERN own wasm_frame_t* wasm_trap_origin(const wasm_trap_t*);
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t*, own wasm_frame_vec_t* out);

/* ---- Foreign objects -------------------------------------------------------------------- */

/* An opaque object of the host, for wasm to hold as an externref. */
WASM_DECLARE_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t* wasm_foreign_new(wasm_store_t*);

/* ---- Modules ---------------------------------------------------------------------------- */

/* A module is compiled for the store's engine and may be instantiated in any store of that
 * engine; wasm_module_share and wasm_module_obtain carry it to another thread's store. new
 * returns NULL for a module that is malformed, invalid or cannot be compiled. */
WASM_DECLARE_SHARABLE_REF(module)
WASM_API_EXTERN own wasm_module_t* wasm_module_new(wasm_store_t*, const wasm_byte_vec_t* binary);
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t*, const wasm_byte_vec_t* binary);
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t*, own wasm_importtype_vec_t* out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t*, own wasm_exporttype_vec_t* out);

/* Not supported yet (Wisp has no ahead-of-time compiled format): serialize yields an empty
 * vector, deserialize returns NULL. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t*, own wasm_byte_vec_t* out);
WASM_API_EXTERN own wasm_module_t* wasm_module_deserialize(wasm_store_t*, const wasm_byte_vec_t*);

/* ---- Functions -------------------------------------------------------------------------- */

/* A host function receives its arguments and a results vector of the result arity, holding
 * zero values of the result types, which it overwrites; it takes ownership of nothing in
 * `args` and hands over what it stores in `results`. Returning a trap (which the runtime then
 * owns) ends the wasm call with it; results whose kinds do not match the type trap too. */
WASM_DECLARE_REF(func)

typedef own wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args,
                                                 own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args,
                                                          wasm_val_vec_t* results);

WASM_API_EXTERN own wasm_func_t* wasm_func_new(wasm_store_t*, const wasm_functype_t*,
                                               wasm_func_callback_t);
/* `finalizer` (may be NULL) is called with `env` when the store is deleted. */
WASM_API_EXTERN own wasm_func_t* wasm_func_new_with_env(wasm_store_t*, const wasm_functype_t* type,
                                                        wasm_func_callback_with_env_t, void* env,
                                                        void (*finalizer)(void*));

WASM_API_EXTERN own wasm_functype_t* wasm_func_type(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t*);

/* `args` must match the parameters and `results` have room for exactly the result arity;
 * results are written as own values. Returns NULL, or the trap that ended the call (also for
 * arguments that do not fit, with a message saying why). */
WASM_API_EXTERN own wasm_trap_t* wasm_func_call(const wasm_func_t*, const wasm_val_vec_t* args,
                                                wasm_val_vec_t* results);

/* ---- Globals ---------------------------------------------------------------------------- */

/* new returns NULL when the value's kind is not the type's content. set leaves an immutable
 * global, or one given a value of another kind, unchanged. */
WASM_DECLARE_REF(global)
WASM_API_EXTERN own wasm_global_t* wasm_global_new(wasm_store_t*, const wasm_globaltype_t*,
                                                   const wasm_val_t*);
WASM_API_EXTERN own wasm_globaltype_t* wasm_global_type(const wasm_global_t*);
WASM_API_EXTERN void wasm_global_get(const wasm_global_t*, own wasm_val_t* out);
WASM_API_EXTERN void wasm_global_set(wasm_global_t*, const wasm_val_t*);

/* ---- Tables ----------------------------------------------------------------------------- */

/* A NULL reference stands for the null of the element type. get returns NULL for a null
 * element or an index out of bounds; set and grow return false when out of bounds, past the
 * maximum, or given a reference the element type cannot hold (a non-function for funcref). */
WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

WASM_API_EXTERN own wasm_table_t* wasm_table_new(wasm_store_t*, const wasm_tabletype_t*,
                                                 wasm_ref_t* init);
WASM_API_EXTERN own wasm_tabletype_t* wasm_table_type(const wasm_table_t*);
WASM_API_EXTERN own wasm_ref_t* wasm_table_get(const wasm_table_t*, wasm_table_size_t index);
WASM_API_EXTERN bool wasm_table_set(wasm_table_t*, wasm_table_size_t index, wasm_ref_t*);
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t*);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t*, wasm_table_size_t delta, wasm_ref_t* init);

/* ---- Memories --------------------------------------------------------------------------- */

/* data points at the accessible bytes; with Wisp's default guard regions it never moves. */
WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

WASM_API_EXTERN own wasm_memory_t* wasm_memory_new(wasm_store_t*, const wasm_memorytype_t*);
WASM_API_EXTERN own wasm_memorytype_t* wasm_memory_type(const wasm_memory_t*);
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t*);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t*);
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t*);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t*, wasm_memory_pages_t delta);

/* ---- Externals -------------------------------------------------------------------------- */

/* A function, global, table or memory seen as something an instance imports or exports: the
 * same object (borrowed), so deleting the extern deletes the reference. */
WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t*);
WASM_API_EXTERN own wasm_externtype_t* wasm_extern_type(const wasm_extern_t*);

WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t*);
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t*);
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t*);
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t*);

WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t*);
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t*);
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t*);
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t*);

WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t*);

WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t*);

/* ---- Instances -------------------------------------------------------------------------- */

/* `imports` holds one extern per import of the module, in its order. On failure returns NULL
 * and, when `trap` is not NULL, stores there a trap saying why: the trap of a start function
 * or segment initialisation, or one whose message names the missing or mismatched import. On
 * success stores NULL there. */
WASM_DECLARE_REF(instance)
WASM_API_EXTERN own wasm_instance_t* wasm_instance_new(wasm_store_t*, const wasm_module_t*,
                                                       const wasm_extern_vec_t* imports,
                                                       own wasm_trap_t**);
/* Every export, in the module's export order. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t*, own wasm_extern_vec_t* out);

/* ---- Convenience ------------------------------------------------------------------------ */

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t* wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

/* wasm_functype_new_P_R: a function type of P parameters and R results, taking them all. */
static inline own wasm_functype_t* wasm_functype_new_from_arrays_(wasm_valtype_t** params,
                                                                  size_t param_count,
                                                                  wasm_valtype_t** results,
                                                                  size_t result_count) {
  wasm_valtype_vec_t param_vec, result_vec;
  wasm_valtype_vec_new(&param_vec, param_count, params);
  wasm_valtype_vec_new(&result_vec, result_count, results);
  return wasm_functype_new(&param_vec, &result_vec);
}

static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  return wasm_functype_new_from_arrays_(NULL, 0, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  return wasm_functype_new_from_arrays_(ps, 1, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  return wasm_functype_new_from_arrays_(ps, 2, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  return wasm_functype_new_from_arrays_(ps, 3, NULL, 0);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays_(NULL, 0, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(own wasm_valtype_t* p,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays_(ps, 1, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays_(ps, 2, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_3_1(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r};
  return wasm_functype_new_from_arrays_(ps, 3, rs, 1);
}
static inline own wasm_functype_t* wasm_functype_new_0_2(own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays_(NULL, 0, rs, 2);
}
static inline own wasm_functype_t* wasm_functype_new_1_2(own wasm_valtype_t* p,
                                                         own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays_(ps, 1, rs, 2);
}
static inline own wasm_functype_t* wasm_functype_new_2_2(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays_(ps, 2, rs, 2);
}
static inline own wasm_functype_t* wasm_functype_new_3_2(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3,
                                                         own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasm_functype_new_from_arrays_(ps, 3, rs, 2);
}

/* A host pointer as an integer value of the pointer's width, and back. */
static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (intptr_t)p;
#elif UINTPTR_MAX == UINT64_MAX
  out->kind = WASM_I64;
  out->of.i64 = (intptr_t)p;
#endif
}

static inline void* wasm_val_ptr(const wasm_val_t* val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void*)(intptr_t)val->of.i32;
#elif UINTPTR_MAX == UINT64_MAX
  return (void*)(intptr_t)val->of.i64;
#endif
}

#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

#undef own

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WASM_H */
