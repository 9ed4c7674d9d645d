// The runtime of the "records" module (see records.h): buffers, the wire format, a JSON writer
// and reader, hashing and a random generator. Plain C on wasi-libc (malloc, snprintf, strtod).
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int record_decode_depth;

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("records: out of memory\n", stderr);
    abort();
  }
  return q;
}

// ---- byte buffers and strings -----------------------------------------------------------
void buf_init(Buf *b) { b->data = NULL, b->len = b->cap = 0; }

void buf_free(Buf *b) {
  free(b->data);
  buf_init(b);
}

void buf_reserve(Buf *b, size_t extra) {
  if (b->len + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 64;
  while (cap < b->len + extra) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_put(Buf *b, const void *bytes, size_t n) {
  buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, bytes, n);
  b->len += n;
}

void buf_byte(Buf *b, uint8_t byte) {
  buf_reserve(b, 1);
  b->data[b->len++] = byte;
}

Str str_copy(const char *bytes, size_t n) {
  Str s = {xrealloc(NULL, n + 1), (uint32_t)n};
  if (n) memcpy(s.ptr, bytes, n);
  s.ptr[n] = 0;
  return s;
}

void str_free(Str *s) {
  free(s->ptr);
  s->ptr = NULL, s->len = 0;
}

bool str_eq(Str a, Str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_valid_utf8(Str s) {
  const unsigned char *p = (const unsigned char *)s.ptr, *end = p + s.len;
  while (p < end) {
    unsigned c = *p++;
    int more = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (more < 0 || end - p < more) return false;
    while (more--)
      if ((*p++ & 0xC0) != 0x80) return false;
  }
  return true;
}

#define REP_PUSH(NAME, TYPE, ELEM)                                  \
  void NAME(TYPE *r, ELEM x) {                                      \
    if (r->n == r->cap) {                                           \
      r->cap = r->cap ? r->cap * 2 : 4;                             \
      r->v = xrealloc(r->v, r->cap * sizeof *r->v);                 \
    }                                                               \
    r->v[r->n++] = x;                                               \
  }
REP_PUSH(rep_i32_push, RepI32, int32_t)
REP_PUSH(rep_i64_push, RepI64, int64_t)
REP_PUSH(rep_f64_push, RepF64, double)
REP_PUSH(rep_str_push, RepStr, Str)
REP_PUSH(rep_ptr_push, RepPtr, void *)
#undef REP_PUSH

void rep_i32_free(RepI32 *r) { free(r->v), r->v = NULL, r->n = r->cap = 0; }
void rep_i64_free(RepI64 *r) { free(r->v), r->v = NULL, r->n = r->cap = 0; }
void rep_f64_free(RepF64 *r) { free(r->v), r->v = NULL, r->n = r->cap = 0; }
void rep_ptr_free(RepPtr *r) { free(r->v), r->v = NULL, r->n = r->cap = 0; }
void rep_str_free(RepStr *r) {
  for (uint32_t i = 0; i < r->n; ++i) str_free(&r->v[i]);
  free(r->v), r->v = NULL, r->n = r->cap = 0;
}

// ---- the wire format --------------------------------------------------------------------
void wire_varint(Buf *b, uint64_t v) {
  buf_reserve(b, 10);
  while (v >= 0x80) {
    b->data[b->len++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  b->data[b->len++] = (uint8_t)v;
}

void wire_tag(Buf *b, uint32_t field, uint32_t wire_type) { wire_varint(b, (uint64_t)field << 3 | wire_type); }
static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
void wire_zigzag(Buf *b, int64_t v) { wire_varint(b, zigzag(v)); }

void wire_fixed32(Buf *b, uint32_t v) {
  uint8_t bytes[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  buf_put(b, bytes, 4);
}

void wire_fixed64(Buf *b, uint64_t v) {
  wire_fixed32(b, (uint32_t)v);
  wire_fixed32(b, (uint32_t)(v >> 32));
}

uint32_t float_bits(float v) {
  uint32_t bits;
  memcpy(&bits, &v, 4);
  return bits;
}

uint64_t double_bits(double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  return bits;
}

void wire_float(Buf *b, float v) { wire_fixed32(b, float_bits(v)); }
void wire_double(Buf *b, double v) { wire_fixed64(b, double_bits(v)); }

void wire_bytes(Buf *b, const void *bytes, size_t n) {
  wire_varint(b, n);
  buf_put(b, bytes, n);
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

size_t zigzag_size(int64_t v) { return varint_size(zigzag(v)); }

static void fail(Reader *r, int error) {
  if (!r->error) r->error = error;
  r->p = r->end;
}

uint64_t rd_varint(Reader *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (r->p >= r->end) {
      fail(r, READ_TRUNCATED);
      return 0;
    }
    uint8_t byte = *r->p++;
    v |= (uint64_t)(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return v;
  }
  fail(r, READ_OVERLONG);
  return 0;
}

int64_t rd_zigzag(Reader *r) {
  uint64_t v = rd_varint(r);
  return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

uint32_t rd_fixed32(Reader *r) {
  if (r->end - r->p < 4) {
    fail(r, READ_TRUNCATED);
    return 0;
  }
  const uint8_t *p = r->p;
  r->p += 4;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rd_fixed64(Reader *r) {
  uint64_t low = rd_fixed32(r);
  return low | (uint64_t)rd_fixed32(r) << 32;
}

float rd_float(Reader *r) {
  uint32_t bits = rd_fixed32(r);
  float v;
  memcpy(&v, &bits, 4);
  return v;
}

double rd_double(Reader *r) {
  uint64_t bits = rd_fixed64(r);
  double v;
  memcpy(&v, &bits, 8);
  return v;
}

bool rd_len(Reader *r, Reader *inner) {
  uint64_t n = rd_varint(r);
  if (r->error) return false;
  if (n > (uint64_t)(r->end - r->p)) {
    fail(r, READ_TRUNCATED);
    return false;
  }
  inner->p = r->p, inner->end = r->p + n, inner->error = 0;
  r->p += n;
  return true;
}

Str rd_str(Reader *r) {
  Reader inner;
  if (!rd_len(r, &inner)) return (Str){NULL, 0};
  return str_copy((const char *)inner.p, (size_t)(inner.end - inner.p));
}

bool rd_skip(Reader *r, uint32_t wire_type) {
  Reader inner;
  switch (wire_type) {
    case WIRE_VARINT: rd_varint(r); break;
    case WIRE_FIXED64: rd_fixed64(r); break;
    case WIRE_LEN: rd_len(r, &inner); break;
    case WIRE_FIXED32: rd_fixed32(r); break;
    default: fail(r, READ_WIRE_TYPE);
  }
  return !r->error;
}

bool rd_expect(Reader *r, uint32_t wire_type, uint32_t expected) {
  if (wire_type == expected) return true;
  fail(r, READ_WIRE_TYPE);
  return false;
}

// ---- JSON writer ------------------------------------------------------------------------
void jw_init(JsonW *w) {
  buf_init(&w->out);
  w->depth = 0;
  w->need_comma = false;
}

void jw_free(JsonW *w) { buf_free(&w->out); }

static void jw_raw(JsonW *w, const char *s) { buf_put(&w->out, s, strlen(s)); }

static void jw_value_start(JsonW *w) {
  if (w->need_comma) buf_byte(&w->out, ',');
  w->need_comma = true;
}

void jw_begin_object(JsonW *w) {
  jw_value_start(w);
  buf_byte(&w->out, '{');
  w->need_comma = false;
  ++w->depth;
}

void jw_end_object(JsonW *w) {
  buf_byte(&w->out, '}');
  w->need_comma = true;
  --w->depth;
}

void jw_begin_array(JsonW *w) {
  jw_value_start(w);
  buf_byte(&w->out, '[');
  w->need_comma = false;
  ++w->depth;
}

void jw_end_array(JsonW *w) {
  buf_byte(&w->out, ']');
  w->need_comma = true;
  --w->depth;
}

static void jw_escaped(JsonW *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  buf_byte(&w->out, '"');
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': jw_raw(w, "\\\""); break;
      case '\\': jw_raw(w, "\\\\"); break;
      case '\n': jw_raw(w, "\\n"); break;
      case '\t': jw_raw(w, "\\t"); break;
      case '\r': jw_raw(w, "\\r"); break;
      default:
        if (c < 0x20) {
          char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
          jw_raw(w, e);
        } else {
          buf_byte(&w->out, c);
        }
    }
  }
  buf_byte(&w->out, '"');
}

void jw_key(JsonW *w, const char *key) {
  jw_value_start(w);
  jw_escaped(w, key, strlen(key));
  buf_byte(&w->out, ':');
  w->need_comma = false;
}

void jw_int(JsonW *w, int64_t v) {
  char text[32];
  jw_value_start(w);
  snprintf(text, sizeof text, "%lld", (long long)v);
  jw_raw(w, text);
}

void jw_uint(JsonW *w, uint64_t v) {
  char text[32];
  jw_value_start(w);
  snprintf(text, sizeof text, "%llu", (unsigned long long)v);
  jw_raw(w, text);
}

void jw_double(JsonW *w, double v) {
  char text[40];
  jw_value_start(w);
  snprintf(text, sizeof text, "%.17g", v);
  jw_raw(w, text);
}

void jw_float(JsonW *w, float v) {
  char text[40];
  jw_value_start(w);
  snprintf(text, sizeof text, "%.9g", (double)v);
  jw_raw(w, text);
}

void jw_bool(JsonW *w, bool v) {
  jw_value_start(w);
  jw_raw(w, v ? "true" : "false");
}

void jw_string(JsonW *w, const char *s, size_t n) {
  jw_value_start(w);
  jw_escaped(w, s, n);
}

static const char BASE64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void jw_base64(JsonW *w, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  jw_value_start(w);
  buf_byte(&w->out, '"');
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    char quad[4] = {BASE64[v >> 18], BASE64[(v >> 12) & 63],
                    i + 1 < n ? BASE64[(v >> 6) & 63] : '=', i + 2 < n ? BASE64[v & 63] : '='};
    buf_put(&w->out, quad, 4);
  }
  buf_byte(&w->out, '"');
}

// ---- JSON reader ------------------------------------------------------------------------
void jr_init(JsonR *r, const char *text, size_t n) {
  r->p = text, r->end = text + n, r->error = 0;
}

static bool jr_fail(JsonR *r) {
  r->error = 1;
  r->p = r->end;
  return false;
}

static void jr_space(JsonR *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r')) ++r->p;
}

static bool jr_char(JsonR *r, char c) {
  jr_space(r);
  if (r->p < r->end && *r->p == c) {
    ++r->p;
    return true;
  }
  return false;
}

char jr_peek(JsonR *r) {
  jr_space(r);
  return r->p < r->end ? *r->p : 0;
}

bool jr_begin_object(JsonR *r) { return jr_char(r, '{') || jr_fail(r); }
bool jr_begin_array(JsonR *r) { return jr_char(r, '[') || jr_fail(r); }

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A JSON string into a fresh Str (\u escapes below 0x80 only: the writer makes no others).
bool jr_string(JsonR *r, Str *s) {
  if (!jr_char(r, '"')) return jr_fail(r);
  Buf b;
  buf_init(&b);
  while (r->p < r->end && *r->p != '"') {
    char c = *r->p++;
    if (c != '\\') {
      buf_byte(&b, (uint8_t)c);
      continue;
    }
    if (r->p >= r->end) break;
    switch (c = *r->p++) {
      case 'n': buf_byte(&b, '\n'); break;
      case 't': buf_byte(&b, '\t'); break;
      case 'r': buf_byte(&b, '\r'); break;
      case 'u': {
        int v = 0;
        for (int i = 0; i < 4; ++i) {
          int d = r->p < r->end ? hex_digit(*r->p++) : -1;
          if (d < 0) {
            buf_free(&b);
            return jr_fail(r);
          }
          v = v * 16 + d;
        }
        buf_byte(&b, (uint8_t)v);
        break;
      }
      default: buf_byte(&b, (uint8_t)c);
    }
  }
  if (!jr_char(r, '"')) {
    buf_free(&b);
    return jr_fail(r);
  }
  *s = str_copy((const char *)b.data, b.len);
  buf_free(&b);
  return true;
}

bool jr_next_key(JsonR *r, bool *first, Str *key) {
  if (r->error || jr_char(r, '}')) return false;
  if (!*first && !jr_char(r, ',')) return jr_fail(r);
  *first = false;
  if (!jr_string(r, key)) return false;
  if (!jr_char(r, ':')) {
    str_free(key);
    return jr_fail(r);
  }
  return true;
}

bool jr_array_next(JsonR *r, bool *first) {
  if (r->error || jr_char(r, ']')) return false;
  if (!*first && !jr_char(r, ',')) return jr_fail(r);
  *first = false;
  return true;
}

static bool jr_number_text(JsonR *r) {
  jr_space(r);
  size_t n = 0;
  while (r->p < r->end && n + 1 < sizeof r->scratch &&
         (strchr("+-.eE", *r->p) || (*r->p >= '0' && *r->p <= '9')))
    r->scratch[n++] = *r->p++;
  r->scratch[n] = 0;
  return n > 0 || jr_fail(r);
}

bool jr_int(JsonR *r, int64_t *v) {
  if (!jr_number_text(r)) return false;
  char *end;
  *v = strtoll(r->scratch, &end, 10);
  return *end == 0 || jr_fail(r);
}

bool jr_uint(JsonR *r, uint64_t *v) {
  if (!jr_number_text(r)) return false;
  char *end;
  *v = strtoull(r->scratch, &end, 10);
  return *end == 0 || jr_fail(r);
}

bool jr_double(JsonR *r, double *v) {
  if (!jr_number_text(r)) return false;
  char *end;
  *v = strtod(r->scratch, &end);
  return *end == 0 || jr_fail(r);
}

bool jr_bool(JsonR *r, bool *v) {
  jr_space(r);
  if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0) {
    r->p += 4;
    *v = true;
    return true;
  }
  if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0) {
    r->p += 5;
    *v = false;
    return true;
  }
  return jr_fail(r);
}

bool jr_base64(JsonR *r, Str *s) {
  Str text;
  if (!jr_string(r, &text)) return false;
  Buf b;
  buf_init(&b);
  uint32_t acc = 0;
  int bits = 0;
  for (uint32_t i = 0; i < text.len && text.ptr[i] != '='; ++i) {
    const char *at = strchr(BASE64, text.ptr[i]);
    if (!at || !*at) {
      str_free(&text);
      buf_free(&b);
      return jr_fail(r);
    }
    acc = acc << 6 | (uint32_t)(at - BASE64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buf_byte(&b, (uint8_t)(acc >> bits));
    }
  }
  str_free(&text);
  *s = str_copy((const char *)b.data, b.len);
  buf_free(&b);
  return true;
}

bool jr_skip_value(JsonR *r) {
  jr_space(r);
  if (r->p >= r->end) return jr_fail(r);
  Str s;
  switch (*r->p) {
    case '"':
      if (!jr_string(r, &s)) return false;
      str_free(&s);
      return true;
    case '{': {
      bool first = true;
      jr_begin_object(r);
      while (jr_next_key(r, &first, &s)) {
        str_free(&s);
        if (!jr_skip_value(r)) return false;
      }
      return !r->error;
    }
    case '[': {
      bool first = true;
      jr_begin_array(r);
      while (jr_array_next(r, &first))
        if (!jr_skip_value(r)) return false;
      return !r->error;
    }
    case 't':
    case 'f': {
      bool b;
      return jr_bool(r, &b);
    }
    default: {
      double d;
      return jr_double(r, &d);
    }
  }
}

uint32_t key_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

// ---- hashing and random values ----------------------------------------------------------
uint64_t hash_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h ^= h >> 31;
  return h * 0xBF58476D1CE4E5B9ull;
}

uint64_t hash_bytes(uint64_t h, const void *bytes, size_t n) {
  const uint8_t *p = bytes;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return hash_mix(h, n);
}

uint64_t hash_double(uint64_t h, double v) { return hash_mix(h, v == 0 ? 0 : double_bits(v)); }

uint32_t crc32_update(uint32_t crc, const void *bytes, size_t n) {
  static uint32_t table[256];
  if (!table[1]) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  }
  const uint8_t *p = bytes;
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint64_t rng_next(Rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int64_t rng_range(Rng *r, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
  return span == 0 ? (int64_t)rng_next(r) : lo + (int64_t)(rng_next(r) % span);
}

bool rng_chance(Rng *r, int percent) { return (int)(rng_next(r) % 100) < percent; }

double rng_double(Rng *r, double lo, double hi) {
  return lo + (hi - lo) * (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

Str rng_word(Rng *r, int max_len) {
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \"\\\n";
  char text[256];
  int n = (int)rng_range(r, 0, max_len < 255 ? max_len : 255);
  for (int i = 0; i < n; ++i) text[i] = letters[rng_next(r) % (sizeof letters - 1)];
  return str_copy(text, (size_t)n);
}

Str rng_blob(Rng *r, int max_len) {
  char bytes[256];
  int n = (int)rng_range(r, 0, max_len < 255 ? max_len : 255);
  for (int i = 0; i < n; ++i) bytes[i] = (char)rng_next(r);
  return str_copy(bytes, (size_t)n);
}
