// A codec written with wasm_simd128.h intrinsics (natively, the same in plain C): bytes to
// lowercase hex (nibbles split with shifts and masks, looked up with a swizzle, interleaved with
// shuffles) and back (digits classified with compares, converted with selects), round after
// round over a buffer.
#include <stdlib.h>

#include "bench_common.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

enum { BYTES = 1 << 20, ROUNDS = 120 };

static void encode(const uint8_t* in, char* out, size_t n) {
  size_t i = 0;
#ifdef __wasm_simd128__
  const v128_t digits = wasm_i8x16_const(48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102);
  const v128_t low_nibble = wasm_i8x16_splat(0x0f);
  for (; i + 16 <= n; i += 16) {
    const v128_t bytes = wasm_v128_load(in + i);
    const v128_t hi = wasm_i8x16_swizzle(digits, wasm_u8x16_shr(bytes, 4));
    const v128_t lo = wasm_i8x16_swizzle(digits, wasm_v128_and(bytes, low_nibble));
    wasm_v128_store(out + 2 * i, wasm_i8x16_shuffle(hi, lo, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    wasm_v128_store(out + 2 * i + 16, wasm_i8x16_shuffle(hi, lo, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
  }
#endif
  static const char kDigits[] = "0123456789abcdef";
  for (; i < n; ++i) {
    out[2 * i] = kDigits[in[i] >> 4];
    out[2 * i + 1] = kDigits[in[i] & 15];
  }
}

// Returns 0 when every character is a lowercase hex digit.
static int decode(const char* in, uint8_t* out, size_t n) {
  size_t i = 0;
  int bad = 0;
#ifdef __wasm_simd128__
  v128_t invalid = wasm_i8x16_splat(0);
  for (; i + 16 <= n; i += 16) {
    const v128_t a = wasm_v128_load(in + 2 * i), b = wasm_v128_load(in + 2 * i + 16);
    // Even characters are high nibbles, odd ones low: deinterleaved by shuffles.
    const v128_t hi = wasm_i8x16_shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const v128_t lo = wasm_i8x16_shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    v128_t values[2];
    const v128_t chars[2] = {hi, lo};
    for (int k = 0; k < 2; ++k) {
      const v128_t c = chars[k];
      const v128_t digit = wasm_v128_and(wasm_u8x16_ge(c, wasm_i8x16_splat('0')), wasm_u8x16_le(c, wasm_i8x16_splat('9')));
      const v128_t letter = wasm_v128_and(wasm_u8x16_ge(c, wasm_i8x16_splat('a')), wasm_u8x16_le(c, wasm_i8x16_splat('f')));
      invalid = wasm_v128_or(invalid, wasm_v128_not(wasm_v128_or(digit, letter)));
      values[k] = wasm_v128_bitselect(wasm_i8x16_sub(c, wasm_i8x16_splat('0')),
                                      wasm_i8x16_sub(c, wasm_i8x16_splat('a' - 10)), digit);
    }
    wasm_v128_store(out + i, wasm_v128_or(wasm_i8x16_shl(values[0], 4), values[1]));
  }
  bad = wasm_v128_any_true(invalid);
#endif
  for (; i < n; ++i) {
    uint8_t byte = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = in[2 * i + k];
      int v;
      if (c >= '0' && c <= '9') v = c - '0';
      else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
      else { bad = 1; v = 0; }
      byte = (uint8_t)(byte << 4 | v);
    }
    out[i] = byte;
  }
  return bad;
}

int main(void) {
  uint8_t* data = malloc(BYTES);
  uint8_t* back = malloc(BYTES);
  char* text = malloc(2 * BYTES);
  BenchRandom random = {11};
  for (int i = 0; i < BYTES; ++i) data[i] = (uint8_t)(bench_random_next(&random) >> 56);
  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round) {
    encode(data, text, BYTES);
    if (decode(text, back, BYTES) != 0) return 1;
    // The next round's input depends on this round's output.
    for (int i = 0; i < BYTES; i += 4096) data[i] = (uint8_t)(back[i] + text[2 * i + 1]);
    checksum = bench_mix(checksum, (uint64_t)(uint8_t)text[round * 977] << 8 | back[round * 131]);
  }
  const double seconds = bench_now_seconds() - start;
  for (int i = 0; i < BYTES; i += 64) checksum = bench_mix(checksum, back[i]);
  bench_report(checksum, seconds);
  return 0;
}
