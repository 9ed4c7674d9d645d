// String search: count the occurrences of many patterns in a generated text with a naive
// scan and with Boyer-Moore-Horspool, and check that both agree. Written out by hand rather
// than with strstr/memmem so every runner executes the same code, not its libc's.
#include <stdlib.h>

#include "bench_common.h"

enum { TEXT_BYTES = 8 << 20, PATTERNS = 96, NAIVE_PATTERNS = 4 };

// Text over a small skewed alphabet, with repeats, so patterns occur and partial matches are
// frequent.
static void make_text(char* text, BenchRandom* random) {
  static const char alphabet[] = "aaaabbbcccdeeeeefghiklmnoprstu  ";
  for (int i = 0; i < TEXT_BYTES;) {
    const uint64_t r = bench_random_next(random);
    if ((r & 15) == 0 && i > 64) {  // copy an earlier stretch
      const int length = 8 + (int)((r >> 8) & 31);
      const int from = (int)((r >> 16) % (uint64_t)(i - 48));
      for (int k = 0; k < length && i < TEXT_BYTES; ++k) text[i++] = text[from + k];
    } else {
      text[i++] = alphabet[(r >> 20) & 31];
    }
  }
}

static uint32_t count_naive(const char* text, int n, const char* pattern, int m) {
  uint32_t count = 0;
  for (int i = 0; i + m <= n; ++i) {
    int k = 0;
    while (k < m && text[i + k] == pattern[k]) ++k;
    count += k == m;
  }
  return count;
}

static uint32_t count_horspool(const char* text, int n, const char* pattern, int m) {
  int shift[256];
  for (int c = 0; c < 256; ++c) shift[c] = m;
  for (int k = 0; k < m - 1; ++k) shift[(uint8_t)pattern[k]] = m - 1 - k;
  uint32_t count = 0;
  const uint8_t last = (uint8_t)pattern[m - 1];
  for (int i = 0; i + m <= n;) {
    const uint8_t c = (uint8_t)text[i + m - 1];
    if (c == last) {
      int k = m - 2;
      while (k >= 0 && text[i + k] == pattern[k]) --k;
      count += k < 0;
    }
    i += shift[c];
  }
  return count;
}

int main(void) {
  char* text = malloc(TEXT_BYTES);
  BenchRandom random = {0x0123456789abcdefull};
  make_text(text, &random);
  // Patterns cut from the text (so they occur), 3 to 34 bytes long.
  char patterns[PATTERNS][40];
  int lengths[PATTERNS];
  for (int p = 0; p < PATTERNS; ++p) {
    lengths[p] = 3 + (int)(bench_random_next(&random) % 32);
    const int from = (int)(bench_random_next(&random) % (TEXT_BYTES - 40));
    memcpy(patterns[p], text + from, lengths[p]);
  }

  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int p = 0; p < PATTERNS; ++p) {
    const uint32_t count = count_horspool(text, TEXT_BYTES, patterns[p], lengths[p]);
    if (p < NAIVE_PATTERNS) {
      const uint32_t naive = count_naive(text, TEXT_BYTES, patterns[p], lengths[p]);
      if (naive != count) {
        printf("string_search: naive %u != horspool %u for pattern %d\n", naive, count, p);
        return 1;
      }
    }
    checksum = bench_mix(checksum, count);
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  free(text);
  return 0;
}
