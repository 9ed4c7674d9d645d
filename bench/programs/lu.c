// LU decomposition with partial pivoting (Doolittle, in place, row-major), then a solve of
// A x = b with the factors, on a fixed diagonally-weak random matrix.
#include <stdlib.h>

#include "bench_common.h"

enum { N = 1400 };

static double absolute(double x) { return x < 0 ? -x : x; }

// Factors `a` in place into L (unit lower, below the diagonal) and U; `pivot[k]` is the row
// swapped into row k.
static void decompose(double* a, int* pivot) {
  for (int k = 0; k < N; ++k) {
    int best = k;
    double best_value = absolute(a[k * N + k]);
    for (int i = k + 1; i < N; ++i) {
      const double value = absolute(a[i * N + k]);
      if (value > best_value) {
        best_value = value;
        best = i;
      }
    }
    pivot[k] = best;
    if (best != k) {
      double* row_k = a + k * N;
      double* row_best = a + best * N;
      for (int j = 0; j < N; ++j) {
        const double t = row_k[j];
        row_k[j] = row_best[j];
        row_best[j] = t;
      }
    }
    const double* row_k = a + k * N;
    const double inverse = 1.0 / row_k[k];
    for (int i = k + 1; i < N; ++i) {
      double* row_i = a + i * N;
      const double factor = row_i[k] * inverse;
      row_i[k] = factor;
      for (int j = k + 1; j < N; ++j) row_i[j] -= factor * row_k[j];
    }
  }
}

static void solve(const double* lu, const int* pivot, double* x) {
  for (int k = 0; k < N; ++k) {
    const double t = x[k];
    x[k] = x[pivot[k]];
    x[pivot[k]] = t;
  }
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < i; ++j) x[i] -= lu[i * N + j] * x[j];
  for (int i = N - 1; i >= 0; --i) {
    for (int j = i + 1; j < N; ++j) x[i] -= lu[i * N + j] * x[j];
    x[i] /= lu[i * N + i];
  }
}

int main(void) {
  double* a = malloc(sizeof(double) * N * N);
  double* x = malloc(sizeof(double) * N);
  int* pivot = malloc(sizeof(int) * N);
  BenchRandom random = {0x9e3779b97f4a7c15ull};
  for (int i = 0; i < N * N; ++i) a[i] = bench_random_double(&random) - 0.5;
  for (int i = 0; i < N; ++i) x[i] = (double)(i % 17) - 8.0;

  const double start = bench_now_seconds();
  decompose(a, pivot);
  solve(a, pivot, x);
  const double seconds = bench_now_seconds() - start;

  uint64_t checksum = 0;
  for (int i = 0; i < N; ++i) checksum = bench_mix(checksum, (uint64_t)pivot[i]);
  for (int i = 0; i < N; ++i) checksum = bench_mix_double(checksum, x[i]);
  for (int i = 0; i < N * N; i += 13) checksum = bench_mix_double(checksum, a[i]);
  bench_report(checksum, seconds);
  free(a);
  free(x);
  free(pivot);
  return 0;
}
