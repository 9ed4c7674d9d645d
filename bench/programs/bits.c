// Integer bit manipulation on 64- and 32-bit words: population count (SWAR), bit reversal,
// leading/trailing zero counts, rotations, Morton (Z-order) interleaving, Gray code, and
// Gosper's next-combination, all folded into one running value.
#include "bench_common.h"

enum { ITERATIONS = 60000000 };

static inline uint64_t popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (x * 0x0101010101010101ull) >> 56;
}

static inline uint32_t reverse32(uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}

static inline uint64_t spread_bits(uint32_t x) {  // bit i goes to bit 2 i
  uint64_t v = x;
  v = (v | (v << 16)) & 0x0000ffff0000ffffull;
  v = (v | (v << 8)) & 0x00ff00ff00ff00ffull;
  v = (v | (v << 4)) & 0x0f0f0f0f0f0f0f0full;
  v = (v | (v << 2)) & 0x3333333333333333ull;
  v = (v | (v << 1)) & 0x5555555555555555ull;
  return v;
}

static inline uint64_t rotate_left64(uint64_t x, unsigned n) {
  return (x << (n & 63)) | (x >> ((64 - n) & 63));
}

static inline uint32_t next_combination(uint32_t x) {  // Gosper's hack; x != 0
  const uint32_t lowest = x & -x;
  const uint32_t ripple = x + lowest;
  return ripple == 0 ? x : (((ripple ^ x) >> 2) / lowest) | ripple;
}

int main(void) {
  uint64_t state = 0x243f6a8885a308d3ull;
  uint64_t accumulator = 0;
  uint32_t combination = 0x3f;

  const double start = bench_now_seconds();
  for (uint32_t i = 0; i < ITERATIONS; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const uint32_t low = (uint32_t)state, high = (uint32_t)(state >> 32);
    const uint64_t morton = spread_bits(low) | (spread_bits(high) << 1);
    const uint32_t gray = low ^ (low >> 1);
    const unsigned leading = high ? (unsigned)__builtin_clz(high) : 32;
    const unsigned trailing = low ? (unsigned)__builtin_ctz(low) : 32;
    accumulator += popcount64(morton ^ accumulator) + leading * 3 + trailing;
    accumulator ^= rotate_left64(morton, (unsigned)(accumulator & 63)) + reverse32(gray);
    combination = next_combination(combination);
    if (combination & 0x80000000u) combination = 0x3f;
    accumulator += combination;
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(bench_mix(bench_mix(0, accumulator), combination), seconds);
  return 0;
}
