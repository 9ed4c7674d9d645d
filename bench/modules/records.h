// The hand-written half of the "records" module of the compile benchmark (bench/modules.sh):
// the runtime that bench/gen_modules.py's generated record types are written against. A record
// type is what a schema compiler (protobuf's protoc, Cap'n Proto, FlatBuffers) emits for one
// message: a struct, and functions to make, free, copy, compare, hash, check, and to encode and
// decode it in a binary wire format (protobuf's: varints, zigzag, length-delimited fields) and in
// JSON. records_main.c round-trips random records of every type through both formats and prints
// a checksum, so the module is a real WASI command (wisp run and node agree on its output).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// ---- byte buffers and strings -----------------------------------------------------------
typedef struct {
  uint8_t *data;
  size_t len, cap;
} Buf;

void buf_init(Buf *b);
void buf_free(Buf *b);
void buf_reserve(Buf *b, size_t extra);
void buf_put(Buf *b, const void *bytes, size_t n);
void buf_byte(Buf *b, uint8_t byte);

typedef struct {
  char *ptr;
  uint32_t len;
} Str;

Str str_copy(const char *bytes, size_t n);
void str_free(Str *s);
bool str_eq(Str a, Str b);
bool str_valid_utf8(Str s);

// Repeated fields: growable arrays of one element type.
typedef struct { int32_t *v; uint32_t n, cap; } RepI32;
typedef struct { int64_t *v; uint32_t n, cap; } RepI64;
typedef struct { double *v; uint32_t n, cap; } RepF64;
typedef struct { Str *v; uint32_t n, cap; } RepStr;
typedef struct { void **v; uint32_t n, cap; } RepPtr;

void rep_i32_push(RepI32 *r, int32_t x);
void rep_i64_push(RepI64 *r, int64_t x);
void rep_f64_push(RepF64 *r, double x);
void rep_str_push(RepStr *r, Str x);
void rep_ptr_push(RepPtr *r, void *x);
void rep_i32_free(RepI32 *r);
void rep_i64_free(RepI64 *r);
void rep_f64_free(RepF64 *r);
void rep_str_free(RepStr *r);  // frees the strings too
void rep_ptr_free(RepPtr *r);  // the array only: the generated code frees the elements

// ---- the wire format --------------------------------------------------------------------
enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5 };

void wire_varint(Buf *b, uint64_t v);
void wire_tag(Buf *b, uint32_t field, uint32_t wire_type);
void wire_zigzag(Buf *b, int64_t v);
void wire_fixed32(Buf *b, uint32_t v);
void wire_fixed64(Buf *b, uint64_t v);
void wire_float(Buf *b, float v);
void wire_double(Buf *b, double v);
void wire_bytes(Buf *b, const void *bytes, size_t n);
size_t varint_size(uint64_t v);
size_t zigzag_size(int64_t v);
uint32_t float_bits(float v);
uint64_t double_bits(double v);

typedef struct {
  const uint8_t *p, *end;
  int error;  // 0, or what went wrong first (READ_*)
} Reader;

enum { READ_OK = 0, READ_TRUNCATED, READ_OVERLONG, READ_WIRE_TYPE, READ_LIMIT };

uint64_t rd_varint(Reader *r);
int64_t rd_zigzag(Reader *r);
uint32_t rd_fixed32(Reader *r);
uint64_t rd_fixed64(Reader *r);
float rd_float(Reader *r);
double rd_double(Reader *r);
// A length-delimited field: its bytes, or false (and r->error set) when it overruns.
bool rd_len(Reader *r, Reader *inner);
Str rd_str(Reader *r);
bool rd_skip(Reader *r, uint32_t wire_type);
bool rd_expect(Reader *r, uint32_t wire_type, uint32_t expected);

// ---- JSON -------------------------------------------------------------------------------
typedef struct {
  Buf out;
  int depth;
  bool need_comma;
} JsonW;

void jw_init(JsonW *w);
void jw_free(JsonW *w);
void jw_begin_object(JsonW *w);
void jw_end_object(JsonW *w);
void jw_begin_array(JsonW *w);
void jw_end_array(JsonW *w);
void jw_key(JsonW *w, const char *key);
void jw_int(JsonW *w, int64_t v);
void jw_uint(JsonW *w, uint64_t v);
void jw_double(JsonW *w, double v);
void jw_float(JsonW *w, float v);
void jw_bool(JsonW *w, bool v);
void jw_string(JsonW *w, const char *s, size_t n);
void jw_base64(JsonW *w, const char *s, size_t n);

typedef struct {
  const char *p, *end;
  int error;
  char scratch[64];
} JsonR;

void jr_init(JsonR *r, const char *text, size_t n);
bool jr_begin_object(JsonR *r);
// The next key of the object being read (unescaped into a fresh Str the caller frees), or false
// at its end or on an error; *first starts true for each object.
bool jr_next_key(JsonR *r, bool *first, Str *key);
bool jr_begin_array(JsonR *r);
bool jr_array_next(JsonR *r, bool *first);  // true when another element follows
bool jr_int(JsonR *r, int64_t *v);
bool jr_uint(JsonR *r, uint64_t *v);
bool jr_double(JsonR *r, double *v);
bool jr_bool(JsonR *r, bool *v);
bool jr_string(JsonR *r, Str *s);
bool jr_base64(JsonR *r, Str *s);
bool jr_skip_value(JsonR *r);
char jr_peek(JsonR *r);  // the next character after white space, or 0 at the end
uint32_t key_hash(const char *s, size_t n);  // what generated from_json switches on

// ---- hashing and random values ----------------------------------------------------------
uint64_t hash_mix(uint64_t h, uint64_t v);
uint64_t hash_bytes(uint64_t h, const void *bytes, size_t n);
uint64_t hash_double(uint64_t h, double v);
uint32_t crc32_update(uint32_t crc, const void *bytes, size_t n);

typedef struct {
  uint64_t s;
} Rng;

uint64_t rng_next(Rng *r);
int64_t rng_range(Rng *r, int64_t lo, int64_t hi);  // inclusive
bool rng_chance(Rng *r, int percent);
double rng_double(Rng *r, double lo, double hi);
Str rng_word(Rng *r, int max_len);
Str rng_blob(Rng *r, int max_len);

// ---- the record types -------------------------------------------------------------------
typedef struct RecordType {
  const char *name;
  size_t size;
  void (*init)(void *m);
  void (*clear)(void *m);
  void (*random)(void *m, Rng *rng, int depth);
  size_t (*encoded_size)(const void *m);
  void (*encode)(const void *m, Buf *b);
  bool (*decode)(void *m, Reader *r);
  bool (*equal)(const void *a, const void *b);
  uint64_t (*hash)(const void *m);
  void (*copy)(void *dst, const void *src);
  bool (*validate)(const void *m);
  void (*to_json)(const void *m, JsonW *w);
  bool (*from_json)(void *m, JsonR *r);
} RecordType;

extern const RecordType *const record_types[];
extern const int record_type_count;
// Decoding nests no deeper than this (a hostile input cannot overflow the stack).
enum { RECORD_MAX_DEPTH = 32 };
extern int record_decode_depth;
