// An image kernel as clang auto-vectorises it with -msimd128: a separable 5-tap box blur of an
// 8-bit grayscale image (widening to 16 bits, sums, a division by a constant, narrowing back),
// repeated over a ping-pong pair of images.
#include <stdlib.h>

#include "bench_common.h"

enum { WIDTH = 1920, HEIGHT = 1080, PASSES = 40 };

static void blurRows(const uint8_t* restrict in, uint8_t* restrict out) {
  for (int y = 0; y < HEIGHT; ++y) {
    const uint8_t* row = in + y * WIDTH;
    uint8_t* to = out + y * WIDTH;
    to[0] = row[0];
    to[1] = row[1];
    for (int x = 2; x < WIDTH - 2; ++x)
      to[x] = (uint8_t)((row[x - 2] + row[x - 1] + row[x] + row[x + 1] + row[x + 2]) * 13 >> 6);
    to[WIDTH - 2] = row[WIDTH - 2];
    to[WIDTH - 1] = row[WIDTH - 1];
  }
}

static void blurColumns(const uint8_t* restrict in, uint8_t* restrict out) {
  memcpy(out, in, 2 * WIDTH);
  memcpy(out + (HEIGHT - 2) * WIDTH, in + (HEIGHT - 2) * WIDTH, 2 * WIDTH);
  for (int y = 2; y < HEIGHT - 2; ++y) {
    const uint8_t* a = in + (y - 2) * WIDTH;
    const uint8_t* b = in + (y - 1) * WIDTH;
    const uint8_t* c = in + y * WIDTH;
    const uint8_t* d = in + (y + 1) * WIDTH;
    const uint8_t* e = in + (y + 2) * WIDTH;
    uint8_t* to = out + y * WIDTH;
    for (int x = 0; x < WIDTH; ++x)
      to[x] = (uint8_t)((a[x] + b[x] + c[x] + d[x] + e[x]) * 13 >> 6);
  }
}

int main(void) {
  uint8_t* image = malloc(WIDTH * HEIGHT);
  uint8_t* scratch = malloc(WIDTH * HEIGHT);
  BenchRandom random = {7};
  for (int i = 0; i < WIDTH * HEIGHT; ++i) image[i] = (uint8_t)(bench_random_next(&random) >> 56);
  const double start = bench_now_seconds();
  for (int pass = 0; pass < PASSES; ++pass) {
    blurRows(image, scratch);
    blurColumns(scratch, image);
  }
  const double seconds = bench_now_seconds() - start;
  uint64_t checksum = 0;
  for (int i = 0; i < WIDTH * HEIGHT; i += 8) {
    uint64_t word;
    memcpy(&word, image + i, 8);
    checksum = bench_mix(checksum, word);
  }
  bench_report(checksum, seconds);
  return 0;
}
