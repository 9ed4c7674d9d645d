// Writes 100 MiB to stdout: a deterministic byte stream (xorshift32, seeded), in 64 KiB
// writes. The same source built natively gives the reference hash.
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

enum { kTotal = 100 * 1024 * 1024, kChunk = 64 * 1024 };

int main(void) {
  static uint32_t chunk[kChunk / 4];
  uint32_t state = 2463534242u;
  for (long written = 0; written < kTotal; written += kChunk) {
    for (int i = 0; i < kChunk / 4; ++i) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      chunk[i] = state;
    }
    const char* bytes = (const char*)chunk;
    for (size_t done = 0; done < kChunk;) {
      ssize_t put = write(1, bytes + done, kChunk - done);
      if (put <= 0) {
        perror("write");
        return 1;
      }
      done += (size_t)put;
    }
  }
  return 0;
}
