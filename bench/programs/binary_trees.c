// Binary trees (the Benchmarks Game workload): allocate many complete binary trees with
// malloc, walk them, free them; one long-lived tree stays allocated throughout.
#include <stdlib.h>

#include "bench_common.h"

enum { MAX_DEPTH = 17, MIN_DEPTH = 4 };

typedef struct Node { struct Node* left; struct Node* right; } Node;

static Node* build(int depth) {
  Node* node = malloc(sizeof(Node));
  if (depth > 0) {
    node->left = build(depth - 1);
    node->right = build(depth - 1);
  } else {
    node->left = node->right = NULL;
  }
  return node;
}

static uint32_t check(const Node* node) {
  return 1 + (node->left ? check(node->left) + check(node->right) : 0);
}

static void release(Node* node) {
  if (node->left) {
    release(node->left);
    release(node->right);
  }
  free(node);
}

int main(void) {
  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  Node* stretch = build(MAX_DEPTH + 1);
  checksum = bench_mix(checksum, check(stretch));
  release(stretch);

  Node* long_lived = build(MAX_DEPTH);
  for (int depth = MIN_DEPTH; depth <= MAX_DEPTH; depth += 2) {
    const uint32_t iterations = 1u << (MAX_DEPTH - depth + MIN_DEPTH);
    uint64_t total = 0;
    for (uint32_t i = 0; i < iterations; ++i) {
      Node* tree = build(depth);
      total += check(tree);
      release(tree);
    }
    checksum = bench_mix(bench_mix(checksum, iterations), total);
  }
  checksum = bench_mix(checksum, check(long_lived));
  release(long_lived);
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  return 0;
}
