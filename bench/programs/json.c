// JSON: a tokenizer and recursive-descent parser building a tree (arena-allocated nodes, object
// members and array elements as linked lists, strings unescaped, numbers converted to double)
// over a generated document of user records, then queries over the tree: fields looked up by
// key, numbers summed, strings hashed. The document is generated outside the clock; each round
// parses it again from the text.
#include <stdlib.h>

#include "bench_common.h"

enum { RECORDS = 24000, ROUNDS = 10, MAX_DEPTH = 64 };

typedef enum { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } Kind;

typedef struct Node {
  Kind kind;
  uint32_t length;          // string: bytes; array, object: children
  const char* key;          // member of an object: its name (unescaped, in the arena)
  uint32_t key_length;
  struct Node* next;        // the next element or member
  union {
    double number;
    const char* string;
    struct Node* first;     // array, object
  } as;
} Node;

// One block of memory for the nodes and the unescaped strings of a parse, reset between rounds.
typedef struct {
  char* base;
  size_t used, capacity;
} Arena;

static void* arena_alloc(Arena* arena, size_t bytes) {
  bytes = (bytes + 7) & ~(size_t)7;
  if (arena->used + bytes > arena->capacity) return NULL;
  void* p = arena->base + arena->used;
  arena->used += bytes;
  return p;
}

typedef struct {
  const char* at;
  const char* end;
  Arena* arena;
  const char* error;
  uint32_t nodes;
} Parser;

static void skip_space(Parser* p) {
  while (p->at < p->end) {
    switch (*p->at) {
      case ' ': case '\t': case '\n': case '\r': ++p->at; break;
      default: return;
    }
  }
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses the string at p->at (after its opening quote) into the arena; returns its bytes.
static char* parse_string(Parser* p, uint32_t* length) {
  // Unescaped, a string is never longer than its source text.
  const char* close = p->at;
  while (close < p->end && *close != '"') close += *close == '\\' ? 2 : 1;
  if (close >= p->end) {
    p->error = "unterminated string";
    return NULL;
  }
  char* out = arena_alloc(p->arena, (size_t)(close - p->at) + 1);
  if (!out) {
    p->error = "arena full";
    return NULL;
  }
  uint32_t n = 0;
  while (p->at < close) {
    const char c = *p->at++;
    if (c != '\\') {
      out[n++] = c;
      continue;
    }
    const char e = *p->at++;
    switch (e) {
      case '"': out[n++] = '"'; break;
      case '\\': out[n++] = '\\'; break;
      case '/': out[n++] = '/'; break;
      case 'b': out[n++] = '\b'; break;
      case 'f': out[n++] = '\f'; break;
      case 'n': out[n++] = '\n'; break;
      case 'r': out[n++] = '\r'; break;
      case 't': out[n++] = '\t'; break;
      case 'u': {
        uint32_t code = 0;
        for (int k = 0; k < 4; ++k) {
          const int d = p->at < close ? hex_digit(*p->at++) : -1;
          if (d < 0) {
            p->error = "bad \\u escape";
            return NULL;
          }
          code = code << 4 | (uint32_t)d;
        }
        // UTF-8 (surrogates are passed through as 3-byte sequences; the generator has none).
        if (code < 0x80) {
          out[n++] = (char)code;
        } else if (code < 0x800) {
          out[n++] = (char)(0xc0 | code >> 6);
          out[n++] = (char)(0x80 | (code & 0x3f));
        } else {
          out[n++] = (char)(0xe0 | code >> 12);
          out[n++] = (char)(0x80 | (code >> 6 & 0x3f));
          out[n++] = (char)(0x80 | (code & 0x3f));
        }
        break;
      }
      default:
        p->error = "bad escape";
        return NULL;
    }
  }
  p->at = close + 1;
  out[n] = 0;
  *length = n;
  return out;
}

// Exact powers of ten as doubles: a mantissa below 2^53 times or divided by one of these is
// correctly rounded, the same on every runner.
static const double POWERS_OF_TEN[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int parse_number(Parser* p, double* value) {
  const char* s = p->at;
  int negative = 0;
  if (s < p->end && *s == '-') {
    negative = 1;
    ++s;
  }
  if (s >= p->end || *s < '0' || *s > '9') return 0;
  uint64_t mantissa = 0;
  int digits = 0, exponent = 0;
  if (*s == '0') {
    ++s;
  } else {
    for (; s < p->end && *s >= '0' && *s <= '9'; ++s, ++digits) mantissa = mantissa * 10 + (uint64_t)(*s - '0');
  }
  if (s < p->end && *s == '.') {
    ++s;
    if (s >= p->end || *s < '0' || *s > '9') return 0;
    for (; s < p->end && *s >= '0' && *s <= '9'; ++s, ++digits, --exponent)
      mantissa = mantissa * 10 + (uint64_t)(*s - '0');
  }
  if (s < p->end && (*s == 'e' || *s == 'E')) {
    ++s;
    int sign = 1, e = 0;
    if (s < p->end && (*s == '+' || *s == '-')) sign = *s++ == '-' ? -1 : 1;
    if (s >= p->end || *s < '0' || *s > '9') return 0;
    for (; s < p->end && *s >= '0' && *s <= '9'; ++s) e = e < 10000 ? e * 10 + (*s - '0') : e;
    exponent += sign * e;
  }
  if (digits > 15 || exponent > 22 || exponent < -22) return 0;  // outside the exact fast path
  double v = (double)mantissa;
  v = exponent >= 0 ? v * POWERS_OF_TEN[exponent] : v / POWERS_OF_TEN[-exponent];
  *value = negative ? -v : v;
  p->at = s;
  return 1;
}

static int literal(Parser* p, const char* word, uint32_t length) {
  if ((size_t)(p->end - p->at) < length || memcmp(p->at, word, length) != 0) return 0;
  p->at += length;
  return 1;
}

static Node* parse_value(Parser* p, int depth);

static Node* new_node(Parser* p, Kind kind) {
  Node* node = arena_alloc(p->arena, sizeof(Node));
  if (!node) {
    p->error = "arena full";
    return NULL;
  }
  node->kind = kind;
  node->length = 0;
  node->key = NULL;
  node->key_length = 0;
  node->next = NULL;
  ++p->nodes;
  return node;
}

static Node* parse_container(Parser* p, int depth, Kind kind) {
  const char close = kind == JSON_ARRAY ? ']' : '}';
  Node* node = new_node(p, kind);
  if (!node) return NULL;
  node->as.first = NULL;
  Node** link = &node->as.first;
  ++p->at;
  skip_space(p);
  if (p->at < p->end && *p->at == close) {
    ++p->at;
    return node;
  }
  for (;;) {
    const char* key = NULL;
    uint32_t key_length = 0;
    if (kind == JSON_OBJECT) {
      skip_space(p);
      if (p->at >= p->end || *p->at != '"') {
        p->error = "expected a member name";
        return NULL;
      }
      ++p->at;
      key = parse_string(p, &key_length);
      if (!key) return NULL;
      skip_space(p);
      if (p->at >= p->end || *p->at != ':') {
        p->error = "expected ':'";
        return NULL;
      }
      ++p->at;
    }
    Node* child = parse_value(p, depth + 1);
    if (!child) return NULL;
    child->key = key;
    child->key_length = key_length;
    *link = child;
    link = &child->next;
    ++node->length;
    skip_space(p);
    if (p->at < p->end && *p->at == ',') {
      ++p->at;
      continue;
    }
    if (p->at < p->end && *p->at == close) {
      ++p->at;
      return node;
    }
    p->error = kind == JSON_ARRAY ? "expected ',' or ']'" : "expected ',' or '}'";
    return NULL;
  }
}

static Node* parse_value(Parser* p, int depth) {
  if (depth > MAX_DEPTH) {
    p->error = "too deep";
    return NULL;
  }
  skip_space(p);
  if (p->at >= p->end) {
    p->error = "unexpected end";
    return NULL;
  }
  Node* node;
  switch (*p->at) {
    case '{': return parse_container(p, depth, JSON_OBJECT);
    case '[': return parse_container(p, depth, JSON_ARRAY);
    case '"':
      if (!(node = new_node(p, JSON_STRING))) return NULL;
      ++p->at;
      node->as.string = parse_string(p, &node->length);
      return node->as.string ? node : NULL;
    case 't':
      if (!literal(p, "true", 4)) break;
      return new_node(p, JSON_TRUE);
    case 'f':
      if (!literal(p, "false", 5)) break;
      return new_node(p, JSON_FALSE);
    case 'n':
      if (!literal(p, "null", 4)) break;
      return new_node(p, JSON_NULL);
    default:
      if (!(node = new_node(p, JSON_NUMBER))) return NULL;
      if (parse_number(p, &node->as.number)) return node;
      break;
  }
  p->error = "unexpected character";
  return NULL;
}

// ---- queries over the tree ---------------------------------------------------------------

static const Node* member(const Node* object, const char* name) {
  if (!object || object->kind != JSON_OBJECT) return NULL;
  uint32_t length = 0;
  while (name[length]) ++length;
  for (const Node* m = object->as.first; m; m = m->next) {
    if (m->key_length != length) continue;
    uint32_t k = 0;
    while (k < length && m->key[k] == name[k]) ++k;
    if (k == length) return m;
  }
  return NULL;
}

static double number_or(const Node* node, double fallback) {
  return node && node->kind == JSON_NUMBER ? node->as.number : fallback;
}

static uint32_t hash_string(uint32_t hash, const Node* node) {
  if (!node || node->kind != JSON_STRING) return hash * 31u + 7u;
  for (uint32_t k = 0; k < node->length; ++k) hash = (hash ^ (uint8_t)node->as.string[k]) * 16777619u;
  return hash;
}

typedef struct {
  uint64_t id_sum;
  uint32_t active;
  uint32_t tags;
  uint32_t string_hash;
  double score_sum;
  double history_sum;
  double geo_sum;
} Summary;

static void summarize(const Node* root, Summary* s) {
  for (const Node* record = root->as.first; record; record = record->next) {
    s->id_sum += (uint64_t)number_or(member(record, "id"), 0);
    s->string_hash = hash_string(s->string_hash, member(record, "name"));
    s->string_hash = hash_string(s->string_hash, member(record, "email"));
    const Node* active = member(record, "active");
    if (active && active->kind == JSON_TRUE) {
      ++s->active;
      s->score_sum += number_or(member(record, "score"), 0);
    }
    const Node* tags = member(record, "tags");
    if (tags && tags->kind == JSON_ARRAY) {
      s->tags += tags->length;
      for (const Node* tag = tags->as.first; tag; tag = tag->next) s->string_hash = hash_string(s->string_hash, tag);
    }
    const Node* address = member(record, "address");
    s->string_hash = hash_string(s->string_hash, member(address, "city"));
    const Node* geo = member(address, "geo");
    if (geo && geo->kind == JSON_ARRAY)
      for (const Node* g = geo->as.first; g; g = g->next) s->geo_sum += number_or(g, 0);
    const Node* history = member(record, "history");
    if (history && history->kind == JSON_ARRAY) {
      for (const Node* h = history->as.first; h; h = h->next) {
        const Node* kind = member(h, "kind");
        const double v = number_or(member(h, "v"), 0);
        s->history_sum += kind && kind->kind == JSON_STRING && kind->as.string[0] == 'c' ? v : -v;
      }
    }
  }
}

// ---- the generated document ----------------------------------------------------------------

typedef struct {
  char* text;
  size_t length, capacity;
} Buffer;

static void put(Buffer* b, const char* s) {
  while (*s) b->text[b->length++] = *s++;
}

static void put_uint(Buffer* b, uint64_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value);
  while (n) b->text[b->length++] = digits[--n];
}

// A decimal with `places` fractional digits: sign, integer part, fraction.
static void put_decimal(Buffer* b, BenchRandom* random, uint64_t range, int places) {
  const uint64_t r = bench_random_next(random);
  if (r & 1) put(b, "-");
  uint64_t scale = 1;
  for (int k = 0; k < places; ++k) scale *= 10;
  const uint64_t value = (r >> 8) % (range * scale);
  put_uint(b, value / scale);
  if (places) {
    put(b, ".");
    char digits[24];
    uint64_t fraction = value % scale;
    for (int k = places - 1; k >= 0; --k) {
      digits[k] = (char)('0' + fraction % 10);
      fraction /= 10;
    }
    for (int k = 0; k < places; ++k) b->text[b->length++] = digits[k];
  }
}

static void put_word(Buffer* b, BenchRandom* random, int escapes) {
  static const char* const parts[] = {"al", "be", "cor", "dan", "el", "fi", "gor", "ha", "is",
                                      "jo", "ka", "li", "mon", "ne", "os", "pra", "qui", "ro"};
  const uint64_t r = bench_random_next(random);
  const int count = 2 + (int)(r % 3);
  for (int k = 0; k < count; ++k) put(b, parts[(r >> (8 + 5 * k)) % 18]);
  if (escapes) {
    switch ((r >> 40) & 7) {
      case 0: put(b, "\\\"q\\\""); break;
      case 1: put(b, "\\u00e9"); break;
      case 2: put(b, "\\n"); break;
      case 3: put(b, "\\\\"); break;
      case 4: put(b, "\\u20ac"); break;
      default: break;
    }
  }
}

static void make_document(Buffer* b, BenchRandom* random) {
  static const char* const cities[] = {"Lisbon", "Oslo", "Kyoto", "Quito", "Accra", "Perth"};
  put(b, "[\n");
  for (int i = 0; i < RECORDS; ++i) {
    const uint64_t r = bench_random_next(random);
    put(b, i ? ",\n  {" : "  {");
    put(b, "\"id\": ");
    put_uint(b, 100000 + (uint64_t)i * 7 + (r & 7));
    put(b, ", \"name\": \"");
    put_word(b, random, 1);
    put(b, "\", \"email\": \"");
    put_word(b, random, 0);
    put(b, "@example.org\", \"active\": ");
    put(b, (r >> 8) % 3 ? "true" : "false");
    put(b, ", \"score\": ");
    put_decimal(b, random, 1000, 3);
    put(b, ",\n   \"tags\": [");
    const int tags = (int)((r >> 12) % 5);
    for (int t = 0; t < tags; ++t) {
      put(b, t ? ", \"" : "\"");
      put_word(b, random, 0);
      put(b, "\"");
    }
    put(b, "], \"address\": {\"city\": \"");
    put(b, cities[(r >> 16) % 6]);
    put(b, "\", \"zip\": \"");
    put_uint(b, 10000 + (r >> 20) % 90000);
    put(b, "\", \"geo\": [");
    put_decimal(b, random, 90, 6);
    put(b, ", ");
    put_decimal(b, random, 180, 6);
    put(b, "]},\n   \"history\": [");
    const int events = 1 + (int)((r >> 40) % 6);
    for (int e = 0; e < events; ++e) {
      const uint64_t q = bench_random_next(random);
      put(b, e ? ", {\"t\": " : "{\"t\": ");
      put_uint(b, 1600000000 + (q >> 8) % 100000000);
      put(b, (q & 1) ? ", \"kind\": \"credit\", \"v\": " : ", \"kind\": \"debit\", \"v\": ");
      put_decimal(b, random, 5000, 2);
      put(b, (q & 6) ? "}" : ", \"note\": null, \"flags\": [true, false]}");
    }
    put(b, "], \"ratio\": 1.5e-3}");
  }
  put(b, "\n]\n");
}

int main(void) {
  Buffer document = {malloc(32 << 20), 0, 32 << 20};
  BenchRandom random = {0x1234fedcba987654ull};
  make_document(&document, &random);
  Arena arena = {malloc(64 << 20), 0, 64 << 20};

  uint64_t checksum = bench_mix(0, document.length);
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round) {
    arena.used = 0;
    Parser parser = {document.text, document.text + document.length, &arena, NULL, 0};
    const Node* root = parse_value(&parser, 0);
    skip_space(&parser);
    if (!root || parser.at != parser.end || root->kind != JSON_ARRAY || root->length != RECORDS) {
      printf("json: parse failed at byte %ld: %s\n", (long)(parser.at - document.text),
             parser.error ? parser.error : "trailing text or wrong shape");
      return 1;
    }
    Summary s = {0, 0, 0, 2166136261u, 0.0, 0.0, 0.0};
    summarize(root, &s);
    checksum = bench_mix(checksum, parser.nodes);  // not arena.used: pointers differ in size
    checksum = bench_mix(bench_mix(bench_mix(checksum, s.id_sum), s.active), s.tags);
    checksum = bench_mix(checksum, s.string_hash);
    checksum = bench_mix_double(bench_mix_double(bench_mix_double(checksum, s.score_sum), s.history_sum), s.geo_sum);
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  free(arena.base);
  free(document.text);
  return 0;
}
