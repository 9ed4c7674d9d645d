// A float kernel as clang auto-vectorises it with -msimd128: single-precision matrix multiply
// (i-k-j order, so the inner loop is a vector multiply-add over a row), then a scaled
// accumulation into a second matrix.
#include <stdlib.h>

#include "bench_common.h"

enum { N = 256, ROUNDS = 80 };

static void multiply(const float* restrict a, const float* restrict b, float* restrict c) {
  for (int i = 0; i < N * N; ++i) c[i] = 0.0f;
  for (int i = 0; i < N; ++i)
    for (int k = 0; k < N; ++k) {
      const float scale = a[i * N + k];
      const float* row = b + k * N;
      float* out = c + i * N;
      for (int j = 0; j < N; ++j) out[j] += scale * row[j];
    }
}

int main(void) {
  float* a = malloc(sizeof(float) * N * N);
  float* b = malloc(sizeof(float) * N * N);
  float* c = malloc(sizeof(float) * N * N);
  BenchRandom random = {3};
  // Small integers throughout, so every product and sum is exact: no order of additions can
  // change a result.
  for (int i = 0; i < N * N; ++i) a[i] = (float)(int)(bench_random_next(&random) % 9) - 4.0f;
  for (int i = 0; i < N * N; ++i) b[i] = (float)(int)(bench_random_next(&random) % 9) - 4.0f;
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round) {
    multiply(a, b, c);
    for (int i = 0; i < N * N; ++i) b[i] = (float)(((int)c[i] + round) & 7) - 4.0f;
  }
  const double seconds = bench_now_seconds() - start;
  uint64_t checksum = 0;
  for (int i = 0; i < N * N; ++i) {
    uint32_t bits;
    memcpy(&bits, &c[i], 4);
    checksum = bench_mix(checksum, bits);
  }
  bench_report(checksum, seconds);
  return 0;
}
