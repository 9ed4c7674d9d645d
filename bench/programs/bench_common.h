// Shared by the benchmark programs: the workload clock, the checksum mixer, the report line and
// a small deterministic random generator. Each program is a wasm32-wasi command (clang) and a
// native program (gcc) built from the same source.
//
// A program prints exactly two lines that bench/run parses:
//   checksum: 0123456789abcdef      (the same for every runner, or the run fails)
//   workload_seconds: 0.123456      (CLOCK_MONOTONIC around the workload only)
// Start-up, compilation and input generation stay outside the clock.
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline double bench_now_seconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

// Order-dependent 64-bit mixing (a SplitMix64 finalizer over the running state).
static inline uint64_t bench_mix(uint64_t state, uint64_t value) {
  uint64_t z = state ^ (value + 0x9e3779b97f4a7c15ull + (state << 6) + (state >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Floating-point results are checked bit for bit: both compilers emit plain IEEE-754 double
// operations in source order (no FMA on baseline x86-64 nor in wasm), so any difference is a bug.
// One trap: clang contracts a * b + c within an expression (-ffp-contract=on) and, when it can
// evaluate such an expression at compile time, folds it as a fused multiply-add. Inputs drawn
// from a generator with a constant seed can be folded that way (raytrace's scene was): keep
// floating-point inputs computed from constants out of a * b + c expressions, or make them data.
static inline uint64_t bench_mix_double(uint64_t state, double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  return bench_mix(state, bits);
}

static inline void bench_report(uint64_t checksum, double seconds) {
  printf("checksum: %016llx\n", (unsigned long long)checksum);
  printf("workload_seconds: %.6f\n", seconds);
}

// xorshift64*: a deterministic input generator, the same on every platform.
typedef struct { uint64_t state; } BenchRandom;

static inline uint64_t bench_random_next(BenchRandom* random) {
  uint64_t x = random->state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  random->state = x;
  return x * 0x2545f4914f6cdd1dull;
}

// Uniform in [0, 1), from the top 53 bits.
static inline double bench_random_double(BenchRandom* random) {
  return (double)(bench_random_next(random) >> 11) * (1.0 / 9007199254740992.0);
}
