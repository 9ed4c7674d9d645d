// String search written with wasm_simd128.h intrinsics (natively, the same in plain C): counts
// the occurrences of short needles in a text, finding candidates where both the first and the
// last byte of the needle match (compares, and, bitmask) and confirming them with memcmp.
#include <stdlib.h>

#include "bench_common.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

enum { TEXT = 1 << 22, ROUNDS = 12 };

static size_t countMatches(const char* text, size_t n, const char* needle, size_t m) {
  size_t count = 0, i = 0;
#ifdef __wasm_simd128__
  const v128_t first = wasm_i8x16_splat(needle[0]), last = wasm_i8x16_splat(needle[m - 1]);
  for (; i + m - 1 + 16 <= n; i += 16) {
    const v128_t a = wasm_v128_load(text + i), b = wasm_v128_load(text + i + m - 1);
    uint32_t candidates = wasm_i8x16_bitmask(wasm_v128_and(wasm_i8x16_eq(a, first), wasm_i8x16_eq(b, last)));
    while (candidates != 0) {
      const int bit = __builtin_ctz(candidates);
      count += memcmp(text + i + bit + 1, needle + 1, m - 2) == 0;
      candidates &= candidates - 1;
    }
  }
#endif
  for (; i + m <= n; ++i)
    count += text[i] == needle[0] && text[i + m - 1] == needle[m - 1] &&
             memcmp(text + i + 1, needle + 1, m - 2) == 0;
  return count;
}

int main(void) {
  char* text = malloc(TEXT);
  BenchRandom random = {5};
  // Words of a small alphabet, so needles occur often enough to be confirmed now and then.
  for (int i = 0; i < TEXT; ++i) {
    const uint64_t r = bench_random_next(&random);
    text[i] = (r >> 60) < 3 ? ' ' : (char)('a' + (r >> 32) % 12);
  }
  static const char* kNeedles[] = {"abc", "hello", "face", "dead beef", "cafe", "ajk", "gggg", "b a"};
  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round)
    for (size_t k = 0; k < sizeof kNeedles / sizeof kNeedles[0]; ++k)
      checksum = bench_mix(checksum, countMatches(text + round, TEXT - round, kNeedles[k], strlen(kNeedles[k])));
  const double seconds = bench_now_seconds() - start;
  bench_report(checksum, seconds);
  return 0;
}
