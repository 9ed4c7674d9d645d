// Clocks and randomness, checked for sanity (the values themselves vary from run to run).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

static void check(int ok, const char* what) {
  printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  if (!ok) ++failures;
}

static int64_t nanoseconds(clockid_t clock) {
  struct timespec t;
  if (clock_gettime(clock, &t) != 0) return -1;
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(void) {
  struct timespec resolution;
  check(clock_getres(CLOCK_MONOTONIC, &resolution) == 0 && resolution.tv_sec == 0 &&
            resolution.tv_nsec > 0 && resolution.tv_nsec <= 1000000,
        "monotonic resolution between 1 ns and 1 ms");
  check(clock_getres(CLOCK_REALTIME, &resolution) == 0, "realtime resolution");

  const int64_t wall = nanoseconds(CLOCK_REALTIME);
  check(wall / 1000000000 > 1577836800, "realtime is after 2020-01-01");
  check(time(NULL) > 1577836800, "time() agrees");

  int64_t previous = nanoseconds(CLOCK_MONOTONIC);
  int never_backwards = previous > 0;
  for (int i = 0; i < 1000; ++i) {
    const int64_t now = nanoseconds(CLOCK_MONOTONIC);
    if (now < previous) never_backwards = 0;
    previous = now;
  }
  check(never_backwards, "monotonic never goes backwards");

  // Sleeping goes through poll_oneoff with a clock subscription.
  const int64_t before = nanoseconds(CLOCK_MONOTONIC);
  struct timespec nap = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
  check(nanosleep(&nap, NULL) == 0, "nanosleep 20 ms");
  const int64_t slept = nanoseconds(CLOCK_MONOTONIC) - before;
  check(slept >= 20 * 1000 * 1000 && slept < 2000LL * 1000 * 1000, "it took 20 ms to 2 s");
  check(usleep(1000) == 0, "usleep 1 ms");

  // CPU time moves forward when the guest computes (clock() needs the emulated process clocks).
  const clock_t cpu_before = clock();
  volatile uint64_t sink = 0;
  for (uint64_t i = 0; i < 50 * 1000 * 1000; ++i) sink += i * i;
  check(clock() > cpu_before && sink != 1, "clock() advances while computing");
  check(nanoseconds(CLOCK_PROCESS_CPUTIME_ID) > 0, "process CPU time");

  // Randomness: not all zero, different between calls, every byte value seen in 64 KiB.
  static unsigned char first[65536], second[65536];
  check(getentropy(first, 256) == 0, "getentropy 256 bytes");
  arc4random_buf(first, sizeof first);
  arc4random_buf(second, sizeof second);
  check(memcmp(first, second, sizeof first) != 0, "two random buffers differ");
  int seen[256] = {0}, distinct = 0;
  for (size_t i = 0; i < sizeof first; ++i) seen[first[i]] = 1;
  for (int i = 0; i < 256; ++i) distinct += seen[i];
  check(distinct == 256, "all 256 byte values appear in 64 KiB");
  check(getentropy(first, 257) != 0, "getentropy refuses more than 256 bytes");

  printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
