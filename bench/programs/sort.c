// Sorting: an introsort-style quicksort (median of three, insertion sort for short ranges) of
// 32-bit integers and a stable bottom-up merge sort of (key, index) records. Hand-written, not
// the libc qsort, so every runner executes the same code.
#include <stdlib.h>

#include "bench_common.h"

enum { INT_COUNT = 6000000, RECORD_COUNT = 2000000, SHORT_RANGE = 16 };

typedef struct { uint32_t key; uint32_t index; } Record;

static void insertion_sort(uint32_t* a, int n) {
  for (int i = 1; i < n; ++i) {
    const uint32_t value = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > value) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = value;
  }
}

static void quicksort(uint32_t* a, int n) {
  while (n > SHORT_RANGE) {
    // Median of three as pivot, Hoare partition.
    const uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
    const uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int i = -1, j = n;
    for (;;) {
      do ++i; while (a[i] < pivot);
      do --j; while (a[j] > pivot);
      if (i >= j) break;
      const uint32_t t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    // Recurse into the smaller part, loop on the larger: the stack stays O(log n).
    const int left = j + 1;
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

static void merge_sort(Record* a, Record* scratch, int n) {
  for (int width = 1; width < n; width *= 2) {
    for (int start = 0; start < n; start += 2 * width) {
      const int middle = start + width < n ? start + width : n;
      const int end = start + 2 * width < n ? start + 2 * width : n;
      int i = start, j = middle, out = start;
      while (i < middle && j < end) scratch[out++] = a[j].key < a[i].key ? a[j++] : a[i++];
      while (i < middle) scratch[out++] = a[i++];
      while (j < end) scratch[out++] = a[j++];
    }
    Record* t = a;
    a = scratch;
    scratch = t;
  }
  // An odd number of passes leaves the result in the scratch buffer: copy it back.
  int passes = 0;
  for (int width = 1; width < n; width *= 2) ++passes;
  if (passes % 2) memcpy(scratch, a, sizeof(Record) * n);
}

int main(void) {
  uint32_t* ints = malloc(sizeof(uint32_t) * INT_COUNT);
  Record* records = malloc(sizeof(Record) * RECORD_COUNT);
  Record* scratch = malloc(sizeof(Record) * RECORD_COUNT);
  BenchRandom random = {0x5eed5eed5eed5eedull};
  for (int i = 0; i < INT_COUNT; ++i) ints[i] = (uint32_t)(bench_random_next(&random) >> 32);
  // Few distinct keys, so stability matters and shows in the checksum.
  for (int i = 0; i < RECORD_COUNT; ++i)
    records[i] = (Record){(uint32_t)(bench_random_next(&random) >> 48), (uint32_t)i};

  const double start = bench_now_seconds();
  quicksort(ints, INT_COUNT);
  merge_sort(records, scratch, RECORD_COUNT);
  const double seconds = bench_now_seconds() - start;

  for (int i = 1; i < INT_COUNT; ++i)
    if (ints[i - 1] > ints[i]) { printf("sort: integers out of order at %d\n", i); return 1; }
  for (int i = 1; i < RECORD_COUNT; ++i) {
    const Record p = records[i - 1], r = records[i];
    if (p.key > r.key || (p.key == r.key && p.index > r.index)) {
      printf("sort: records out of order at %d\n", i);
      return 1;
    }
  }
  uint64_t checksum = 0;
  for (int i = 0; i < INT_COUNT; i += 101) checksum = bench_mix(checksum, ints[i]);
  for (int i = 0; i < RECORD_COUNT; i += 37) checksum = bench_mix(checksum, records[i].index);
  bench_report(checksum, seconds);
  free(ints);
  free(records);
  free(scratch);
  return 0;
}
