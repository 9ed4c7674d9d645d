// LZ77 compression round trip: a hash-chain compressor (32 KiB window, 3-byte hashes, bounded
// chains, one-step lazy matching: the match finder of zlib's deflate without the Huffman stage)
// writing a byte-oriented token stream, and its decompressor, over generated text. Each round
// compresses, decompresses and checks that the round trip gives the input back.
#include <stdlib.h>

#include "bench_common.h"

enum {
  INPUT_BYTES = 3 << 20,
  ROUNDS = 3,
  WINDOW_BITS = 15,
  WINDOW_SIZE = 1 << WINDOW_BITS,
  WINDOW_MASK = WINDOW_SIZE - 1,
  HASH_BITS = 15,
  HASH_SIZE = 1 << HASH_BITS,
  MIN_MATCH = 3,
  MAX_MATCH = 258,  // MIN_MATCH + 255: the length fits a byte
  MAX_CHAIN = 48,   // candidates tried per position
  GOOD_MATCH = 32,  // a match this long ends the search
  LAZY_LIMIT = 16,  // a match this long is taken without looking one byte ahead
  VOCABULARY = 1500,
};

// Token stream: groups of up to 8 items, each group led by a flag byte (bit i set: item i is a
// match). A literal is its byte; a match is (length - MIN_MATCH, distance - 1 as 16 bits LE).
typedef struct {
  const uint8_t* input;
  uint32_t length;
  uint32_t next_insert;  // positions below it are in the hash chains
  int32_t head[HASH_SIZE];
  int32_t prev[WINDOW_SIZE];
  uint8_t* out;
  uint32_t out_length;
  uint32_t flags_at;   // where the current group's flag byte is
  uint32_t flag_bit;   // items in the current group (8: start a new one)
  uint32_t matches;
  uint32_t literals;
} Compressor;

static inline uint32_t hash3(const uint8_t* p) {
  const uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void insert_until(Compressor* c, uint32_t end) {
  for (; c->next_insert < end; ++c->next_insert) {
    const uint32_t pos = c->next_insert;
    if (pos + MIN_MATCH > c->length) continue;
    const uint32_t h = hash3(c->input + pos);
    c->prev[pos & WINDOW_MASK] = c->head[h];
    c->head[h] = (int32_t)pos;
  }
}

// The longest earlier match for the bytes at pos (0 when shorter than MIN_MATCH).
static uint32_t match_at(Compressor* c, uint32_t pos, uint32_t* distance) {
  insert_until(c, pos);
  if (pos + MIN_MATCH > c->length) return 0;
  int32_t candidate = c->head[hash3(c->input + pos)];
  insert_until(c, pos + 1);
  const uint8_t* here = c->input + pos;
  const uint32_t limit = c->length - pos < MAX_MATCH ? c->length - pos : MAX_MATCH;
  uint32_t best = 0;
  for (int chain = MAX_CHAIN; candidate >= 0 && chain > 0; --chain) {
    if (pos - (uint32_t)candidate >= WINDOW_SIZE) break;
    const uint8_t* there = c->input + candidate;
    if (there[best] == here[best] && there[0] == here[0] && there[1] == here[1]) {
      uint32_t n = 2;
      while (n < limit && there[n] == here[n]) ++n;
      if (n > best) {
        best = n;
        *distance = pos - (uint32_t)candidate;
        if (n >= GOOD_MATCH || n == limit) break;
      }
    }
    const int32_t next = c->prev[candidate & WINDOW_MASK];
    if (next >= candidate) break;  // the slot was reused by a newer position
    candidate = next;
  }
  return best >= MIN_MATCH ? best : 0;
}

static void begin_item(Compressor* c, int is_match) {
  if (c->flag_bit == 8) {
    c->flags_at = c->out_length++;
    c->out[c->flags_at] = 0;
    c->flag_bit = 0;
  }
  if (is_match) c->out[c->flags_at] |= (uint8_t)(1u << c->flag_bit);
  ++c->flag_bit;
}

static void emit_literal(Compressor* c, uint8_t byte) {
  begin_item(c, 0);
  c->out[c->out_length++] = byte;
  ++c->literals;
}

static void emit_match(Compressor* c, uint32_t length, uint32_t distance) {
  begin_item(c, 1);
  c->out[c->out_length++] = (uint8_t)(length - MIN_MATCH);
  c->out[c->out_length++] = (uint8_t)((distance - 1) & 0xff);
  c->out[c->out_length++] = (uint8_t)((distance - 1) >> 8);
  ++c->matches;
}

static uint32_t compress(Compressor* c, const uint8_t* input, uint32_t length, uint8_t* out) {
  c->input = input;
  c->length = length;
  c->next_insert = 0;
  for (int i = 0; i < HASH_SIZE; ++i) c->head[i] = -1;
  c->out = out;
  c->out_length = 0;
  c->flag_bit = 8;
  c->matches = c->literals = 0;
  uint32_t pos = 0;
  while (pos < length) {
    uint32_t distance = 0;
    uint32_t best = match_at(c, pos, &distance);
    if (best == 0) {
      emit_literal(c, input[pos++]);
      continue;
    }
    if (best < LAZY_LIMIT && pos + 1 < length) {
      uint32_t next_distance = 0;
      const uint32_t next = match_at(c, pos + 1, &next_distance);
      if (next > best) {  // a literal now and the longer match one byte later
        emit_literal(c, input[pos++]);
        best = next;
        distance = next_distance;
      }
    }
    emit_match(c, best, distance);
    pos += best;
  }
  return c->out_length;
}

// Returns the decompressed length, or UINT32_MAX when the stream is malformed.
static uint32_t decompress(const uint8_t* in, uint32_t in_length, uint8_t* out, uint32_t capacity) {
  uint32_t ip = 0, op = 0;
  while (ip < in_length) {
    uint32_t flags = in[ip++];
    for (int item = 0; item < 8 && ip < in_length; ++item, flags >>= 1) {
      if (flags & 1) {
        if (ip + 3 > in_length) return UINT32_MAX;
        const uint32_t length = in[ip] + (uint32_t)MIN_MATCH;
        const uint32_t distance = ((uint32_t)in[ip + 1] | (uint32_t)in[ip + 2] << 8) + 1;
        ip += 3;
        if (distance > op || length > capacity - op) return UINT32_MAX;
        uint8_t* to = out + op;
        const uint8_t* from = to - distance;
        for (uint32_t k = 0; k < length; ++k) to[k] = from[k];  // may overlap: byte by byte
        op += length;
      } else {
        if (op == capacity) return UINT32_MAX;
        out[op++] = in[ip++];
      }
    }
  }
  return op;
}

// Text from a skewed vocabulary of made-up words, with numbers, punctuation and line breaks:
// repetitive like prose or logs, with some incompressible digits.
static void make_text(uint8_t* text, uint32_t length, BenchRandom* random) {
  static const char* const syllables[] = {"ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "an",
                                          "el", "or", "qu", "is", "ve", "da", "ing", "tion", "er"};
  enum { SYLLABLES = sizeof syllables / sizeof syllables[0] };
  static char words[VOCABULARY][20];  // up to 4 syllables of up to 4 letters
  for (int w = 0; w < VOCABULARY; ++w) {
    const int count = 1 + (int)(bench_random_next(random) % 4);
    int at = 0;
    for (int s = 0; s < count; ++s) {
      const char* syllable = syllables[bench_random_next(random) % SYLLABLES];
      while (*syllable) words[w][at++] = *syllable++;
    }
    words[w][at] = 0;
  }
  uint32_t at = 0;
  int words_in_line = 0;
  while (at < length) {
    const uint64_t r = bench_random_next(random);
    const char* word;
    char number[12];
    if ((r & 31) == 0) {  // a number
      uint32_t value = (uint32_t)(r >> 32) % 100000;
      int digits = 0;
      char reversed[12];
      do {
        reversed[digits++] = (char)('0' + value % 10);
        value /= 10;
      } while (value);
      for (int d = 0; d < digits; ++d) number[d] = reversed[digits - 1 - d];
      number[digits] = 0;
      word = number;
    } else {  // small indices far more often than large ones
      const uint32_t a = (uint32_t)(r >> 8) % VOCABULARY, b = (uint32_t)(r >> 24) % VOCABULARY;
      word = words[a * b / VOCABULARY];
    }
    while (*word && at < length) text[at++] = (uint8_t)*word++;
    if (at < length) {
      const uint32_t p = (uint32_t)(r >> 44) & 15;
      text[at++] = p == 0 ? ',' : p == 1 ? '.' : ' ';
    }
    if (++words_in_line == 12 && at < length) {
      text[at++] = '\n';
      words_in_line = 0;
    }
  }
}

int main(void) {
  uint8_t* input = malloc(INPUT_BYTES);
  // Worst case: every byte a literal, one flag byte per 8.
  uint8_t* compressed = malloc(INPUT_BYTES + INPUT_BYTES / 8 + 16);
  uint8_t* output = malloc(INPUT_BYTES);
  Compressor* compressor = malloc(sizeof(Compressor));
  BenchRandom random = {0x5eed1234abcd9876ull};
  make_text(input, INPUT_BYTES, &random);

  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round) {
    const uint32_t length = INPUT_BYTES - 4099u * (uint32_t)round;
    const uint32_t packed = compress(compressor, input, length, compressed);
    const uint32_t unpacked = decompress(compressed, packed, output, INPUT_BYTES);
    if (unpacked != length) {
      printf("lz77: round %d: decompressed %u bytes, expected %u\n", round, unpacked, length);
      return 1;
    }
    uint32_t hash = 2166136261u;  // FNV-1a of the compressed stream
    for (uint32_t i = 0; i < packed; ++i) hash = (hash ^ compressed[i]) * 16777619u;
    for (uint32_t i = 0; i < length; ++i) {
      if (output[i] != input[i]) {
        printf("lz77: round %d: byte %u differs after the round trip\n", round, i);
        return 1;
      }
    }
    checksum = bench_mix(bench_mix(checksum, packed), hash);
    checksum = bench_mix(bench_mix(checksum, compressor->matches), compressor->literals);
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  free(compressor);
  free(output);
  free(compressed);
  free(input);
  return 0;
}
