// A WASI reactor (built with -mexec-model=reactor): no _start, exported functions instead, and
// _initialize, which runs the constructors and must be called before them.
#include <stdio.h>

static int offset = 0;

__attribute__((constructor)) static void set_offset(void) { offset = 1000; }

__attribute__((export_name("add_offset"))) int add_offset(int a, int b) {
  printf("add_offset(%d, %d) with offset %d\n", a, b, offset);
  fflush(stdout);
  return a + b + offset;
}
