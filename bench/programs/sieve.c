// Sieve of Eratosthenes over odd numbers (one byte per odd number), repeated over a sliding
// upper limit; counts the primes and sums the last ones found.
#include <stdlib.h>

#include "bench_common.h"

enum { LIMIT = 40000000, ROUNDS = 6 };

// Returns the number of primes <= limit; adds the primes above limit - 1000 into *tail_sum.
static uint32_t sieve(uint8_t* composite, uint32_t limit, uint64_t* tail_sum) {
  const uint32_t odd_count = (limit - 1) / 2;  // entry i stands for 2 i + 3
  memset(composite, 0, odd_count);
  for (uint32_t i = 0;; ++i) {
    const uint64_t p = 2ull * i + 3;
    if (p * p > limit) break;
    if (composite[i]) continue;
    for (uint64_t multiple = p * p; multiple <= limit; multiple += 2 * p)
      composite[(multiple - 3) / 2] = 1;
  }
  uint32_t count = limit >= 2 ? 1 : 0;
  for (uint32_t i = 0; i < odd_count; ++i) {
    if (!composite[i]) {
      ++count;
      if (2 * i + 3 + 1000 > limit) *tail_sum += 2 * i + 3;
    }
  }
  return count;
}

int main(void) {
  uint8_t* composite = malloc(LIMIT / 2);
  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round) {
    uint64_t tail_sum = 0;
    const uint32_t count = sieve(composite, LIMIT - 977u * round, &tail_sum);
    checksum = bench_mix(bench_mix(checksum, count), tail_sum);
  }
  const double seconds = bench_now_seconds() - start;
  bench_report(checksum, seconds);
  free(composite);
  return 0;
}
