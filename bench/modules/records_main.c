// The "records" module's main: random records of every generated type, each encoded to the wire
// format and to JSON, decoded back, copied, compared, hashed and checked; a truncated encoding
// must fail cleanly. Prints the totals and a checksum of every encoding; exits 1 on a mismatch.
//
//   records [ROUNDS]     ROUNDS: records per type (default 2)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

static int failures;

static void check(bool ok, const RecordType *type, int round, const char *what) {
  if (ok) return;
  if (++failures <= 10) printf("records: %s round %d: %s\n", type->name, round, what);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 2;
  Rng rng = {0x5EEDull};
  uint32_t crc = 0;
  uint64_t hashes = 0;
  size_t wire_bytes = 0, json_bytes = 0;
  int valid = 0, truncated_rejected = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int t = 0; t < record_type_count; ++t) {
      const RecordType *type = record_types[t];
      void *a = malloc(type->size), *b = malloc(type->size), *c = malloc(type->size),
           *d = malloc(type->size);
      type->init(a), type->init(b), type->init(c), type->init(d);
      type->random(a, &rng, 0);

      Buf wire;
      buf_init(&wire);
      type->encode(a, &wire);
      check(wire.len == type->encoded_size(a), type, round, "encoded size");
      Reader reader = {wire.data, wire.data + wire.len, 0};
      check(type->decode(b, &reader) && type->equal(a, b), type, round, "wire round trip");
      check(type->hash(a) == type->hash(b), type, round, "hash after the wire");

      JsonW json;
      jw_init(&json);
      type->to_json(a, &json);
      JsonR json_reader;
      jr_init(&json_reader, (const char *)json.out.data, json.out.len);
      check(type->from_json(c, &json_reader) && type->equal(a, c), type, round, "JSON round trip");

      type->copy(d, a);
      check(type->equal(a, d) && type->hash(a) == type->hash(d), type, round, "copy");
      valid += type->validate(a);

      if (wire.len > 1) {  // a truncated encoding must be rejected, never crash
        type->clear(b);
        Reader cut = {wire.data, wire.data + wire.len / 2, 0};
        truncated_rejected += !type->decode(b, &cut);
      }

      crc = crc32_update(crc, wire.data, wire.len);
      crc = crc32_update(crc, json.out.data, json.out.len);
      hashes = hash_mix(hashes, type->hash(a));
      wire_bytes += wire.len;
      json_bytes += json.out.len;
      buf_free(&wire);
      jw_free(&json);
      type->clear(a), type->clear(b), type->clear(c), type->clear(d);
      free(a), free(b), free(c), free(d);
    }
  }
  printf("records: %d types x %d rounds: %zu wire bytes, %zu JSON bytes, %d valid, "
         "%d truncated encodings rejected, %d failures\n",
         record_type_count, rounds, wire_bytes, json_bytes, valid, truncated_rejected, failures);
  printf("checksum: %08x%016llx\n", crc, (unsigned long long)hashes);
  return failures ? 1 : 0;
}
