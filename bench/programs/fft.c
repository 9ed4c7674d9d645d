// Iterative radix-2 complex FFT: a forward and an inverse transform of 2^16 points, repeated.
// The twiddle factors come from half-angle formulas (sqrt only), not sin/cos, so every runner
// computes them bit for bit alike whatever its libm.
#include <stdlib.h>
#include <math.h>

#include "bench_common.h"

enum { LOG2_SIZE = 16, SIZE = 1 << LOG2_SIZE, ROUNDS = 240 };

typedef struct { double re, im; } Complex;

// twiddles[k] = exp(-2 pi i k / SIZE) for k < SIZE / 2.
static void make_twiddles(Complex* twiddles) {
  // Start from the angle pi/2 (cos 0, sin 1) and halve it down to 2 pi / SIZE.
  double c = 0.0, s = 1.0;
  for (int m = 4; m < SIZE; m *= 2) {
    const double half_c = sqrt((1.0 + c) * 0.5);
    s = s / (2.0 * half_c);
    c = half_c;
  }
  Complex step = {c, -s};
  twiddles[0] = (Complex){1.0, 0.0};
  for (int k = 1; k < SIZE / 2; ++k) {
    const Complex p = twiddles[k - 1];
    twiddles[k] = (Complex){p.re * step.re - p.im * step.im, p.re * step.im + p.im * step.re};
  }
}

static void bit_reverse(Complex* data) {
  for (int i = 1, j = 0; i < SIZE; ++i) {
    int bit = SIZE >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const Complex t = data[i];
      data[i] = data[j];
      data[j] = t;
    }
  }
}

// In place; `inverse` conjugates the twiddles (the caller scales by 1/SIZE).
static void transform(Complex* data, const Complex* twiddles, int inverse) {
  bit_reverse(data);
  for (int length = 2; length <= SIZE; length *= 2) {
    const int half = length / 2;
    const int stride = SIZE / length;
    for (int start = 0; start < SIZE; start += length) {
      for (int k = 0; k < half; ++k) {
        Complex w = twiddles[k * stride];
        if (inverse) w.im = -w.im;
        Complex* a = &data[start + k];
        Complex* b = &data[start + k + half];
        const double re = b->re * w.re - b->im * w.im;
        const double im = b->re * w.im + b->im * w.re;
        b->re = a->re - re;
        b->im = a->im - im;
        a->re += re;
        a->im += im;
      }
    }
  }
}

int main(void) {
  Complex* data = malloc(sizeof(Complex) * SIZE);
  Complex* twiddles = malloc(sizeof(Complex) * SIZE / 2);
  BenchRandom random = {7};
  for (int i = 0; i < SIZE; ++i)
    data[i] = (Complex){bench_random_double(&random) - 0.5, bench_random_double(&random) - 0.5};

  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  make_twiddles(twiddles);
  for (int round = 0; round < ROUNDS; ++round) {
    transform(data, twiddles, 0);
    checksum = bench_mix_double(checksum, data[round].re);
    checksum = bench_mix_double(checksum, data[SIZE - 1 - round].im);
    transform(data, twiddles, 1);
    const double scale = 1.0 / SIZE;
    for (int i = 0; i < SIZE; ++i) {
      data[i].re *= scale;
      data[i].im *= scale;
    }
  }
  const double seconds = bench_now_seconds() - start;

  for (int i = 0; i < SIZE; i += 17) {
    checksum = bench_mix_double(checksum, data[i].re);
    checksum = bench_mix_double(checksum, data[i].im);
  }
  bench_report(checksum, seconds);
  free(data);
  free(twiddles);
  return 0;
}
