// 2D heat diffusion: a 5-point Jacobi stencil on a square grid of doubles with fixed (hot and
// cold) boundaries, ping-ponging between two grids.
#include <stdlib.h>

#include "bench_common.h"

enum { SIZE = 1024, STEPS = 480 };

static void step(const double* restrict from, double* restrict to) {
  for (int i = 1; i < SIZE - 1; ++i) {
    const double* up = from + (i - 1) * SIZE;
    const double* row = from + i * SIZE;
    const double* down = from + (i + 1) * SIZE;
    double* out = to + i * SIZE;
    for (int j = 1; j < SIZE - 1; ++j)
      out[j] = row[j] + 0.2 * (up[j] + down[j] + row[j - 1] + row[j + 1] - 4.0 * row[j]);
  }
}

int main(void) {
  double* grid = malloc(sizeof(double) * SIZE * SIZE);
  double* next = malloc(sizeof(double) * SIZE * SIZE);
  BenchRandom random = {42};
  for (int i = 0; i < SIZE * SIZE; ++i) grid[i] = bench_random_double(&random);
  for (int j = 0; j < SIZE; ++j) {
    grid[j] = 100.0;                     // hot top edge
    grid[(SIZE - 1) * SIZE + j] = 0.0;   // cold bottom edge
  }
  memcpy(next, grid, sizeof(double) * SIZE * SIZE);  // the boundaries of both grids agree

  const double start = bench_now_seconds();
  for (int t = 0; t < STEPS; ++t) {
    step(grid, next);
    double* swap = grid;
    grid = next;
    next = swap;
  }
  const double seconds = bench_now_seconds() - start;

  uint64_t checksum = 0;
  for (int i = 0; i < SIZE * SIZE; i += 31) checksum = bench_mix_double(checksum, grid[i]);
  bench_report(checksum, seconds);
  free(grid);
  free(next);
  return 0;
}
