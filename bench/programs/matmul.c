// Dense matrix multiply: C = A * B for N x N doubles, the i-k-j loop order (row-major, unit
// stride in the inner loop), repeated with B rotated so no repetition can be skipped.
#include <stdlib.h>

#include "bench_common.h"

enum { N = 600, REPETITIONS = 8 };

static void multiply(const double* a, const double* b, double* c) {
  for (int i = 0; i < N * N; ++i) c[i] = 0.0;
  for (int i = 0; i < N; ++i) {
    double* c_row = c + i * N;
    for (int k = 0; k < N; ++k) {
      const double a_ik = a[i * N + k];
      const double* b_row = b + k * N;
      for (int j = 0; j < N; ++j) c_row[j] += a_ik * b_row[j];
    }
  }
}

int main(void) {
  double* a = malloc(sizeof(double) * N * N);
  double* b = malloc(sizeof(double) * N * N);
  double* c = malloc(sizeof(double) * N * N);
  BenchRandom random = {0x1234567887654321ull};
  for (int i = 0; i < N * N; ++i) a[i] = bench_random_double(&random) * 2.0 - 1.0;
  for (int i = 0; i < N * N; ++i) b[i] = bench_random_double(&random) * 2.0 - 1.0;

  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int repetition = 0; repetition < REPETITIONS; ++repetition) {
    multiply(a, b, c);
    // Feed the result back: A <- C scaled, so each repetition depends on the last.
    double largest = 0.0;
    for (int i = 0; i < N * N; ++i) largest = c[i] > largest ? c[i] : (-c[i] > largest ? -c[i] : largest);
    for (int i = 0; i < N * N; ++i) a[i] = c[i] / largest;
    checksum = bench_mix_double(checksum, largest);
  }
  const double seconds = bench_now_seconds() - start;

  for (int i = 0; i < N * N; i += 7) checksum = bench_mix_double(checksum, c[i]);
  bench_report(checksum, seconds);
  free(a);
  free(b);
  free(c);
  return 0;
}
