// Hash map: an open-addressing table (linear probing, backward-shift deletion) from 64-bit
// keys to 64-bit values, under a stream of mixed inserts, lookups and erases drawn from a key
// space about as large as the table's load.
#include <stdlib.h>

#include "bench_common.h"

enum { LOG2_CAPACITY = 21, CAPACITY = 1 << LOG2_CAPACITY, KEY_SPACE = 1 << 20, OPERATIONS = 16000000 };

static const uint64_t EMPTY = 0;  // keys are never 0 (see key_for)

typedef struct {
  uint64_t* keys;
  uint64_t* values;
  uint32_t size;
} Map;

static inline uint32_t slot_for(uint64_t key) {
  return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - LOG2_CAPACITY));
}

// Returns the slot holding `key`, or the empty slot where it would go.
static inline uint32_t find(const Map* map, uint64_t key) {
  uint32_t slot = slot_for(key);
  while (map->keys[slot] != EMPTY && map->keys[slot] != key) slot = (slot + 1) & (CAPACITY - 1);
  return slot;
}

static void insert_or_add(Map* map, uint64_t key, uint64_t value) {
  const uint32_t slot = find(map, key);
  if (map->keys[slot] == EMPTY) {
    map->keys[slot] = key;
    map->values[slot] = value;
    ++map->size;
  } else {
    map->values[slot] += value;
  }
}

static int erase(Map* map, uint64_t key) {
  uint32_t hole = find(map, key);
  if (map->keys[hole] == EMPTY) return 0;
  // Shift later members of the probe run back into the hole so no tombstones are needed.
  for (uint32_t next = (hole + 1) & (CAPACITY - 1); map->keys[next] != EMPTY;
       next = (next + 1) & (CAPACITY - 1)) {
    const uint32_t home = slot_for(map->keys[next]);
    // Move it when its home is not cyclically within (hole, next].
    const int home_after_hole = ((next - home) & (CAPACITY - 1)) < ((next - hole) & (CAPACITY - 1));
    if (!home_after_hole) {
      map->keys[hole] = map->keys[next];
      map->values[hole] = map->values[next];
      hole = next;
    }
  }
  map->keys[hole] = EMPTY;
  --map->size;
  return 1;
}

static inline uint64_t key_for(uint64_t r) { return (r % KEY_SPACE) * 0x100000001b3ull + 1; }

int main(void) {
  Map map = {calloc(CAPACITY, sizeof(uint64_t)), calloc(CAPACITY, sizeof(uint64_t)), 0};
  BenchRandom random = {0xabcdef0123456789ull};
  uint64_t found_sum = 0, misses = 0, erased = 0;

  const double start = bench_now_seconds();
  for (uint32_t i = 0; i < OPERATIONS; ++i) {
    const uint64_t r = bench_random_next(&random);
    const uint64_t key = key_for(r >> 8);
    switch (r & 7) {
      case 0: case 1: case 2:
        insert_or_add(&map, key, r >> 40);
        break;
      case 3:
        erased += (uint64_t)erase(&map, key);
        break;
      default: {
        const uint32_t slot = find(&map, key);
        if (map.keys[slot] == EMPTY) ++misses;
        else found_sum += map.values[slot];
      }
    }
  }
  const double seconds = bench_now_seconds() - start;

  uint64_t checksum = bench_mix(bench_mix(bench_mix(0, found_sum), misses), erased);
  checksum = bench_mix(checksum, map.size);
  for (uint32_t slot = 0; slot < CAPACITY; slot += 97) checksum = bench_mix(checksum, map.keys[slot]);
  bench_report(checksum, seconds);
  free(map.keys);
  free(map.values);
  return 0;
}
