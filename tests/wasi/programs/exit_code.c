// Ends the way argv[1] says: `return N` from main, `exit N`, `_Exit N` (proc_exit without
// flushing stdio), or `trap` (abort(), which is wasm's unreachable).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: exit_code return|exit|_Exit|trap [N]\n");
    return 2;
  }
  const int code = argc > 2 ? atoi(argv[2]) : 0;
  printf("ending with %s %d\n", argv[1], code);
  if (strcmp(argv[1], "return") == 0) return code;
  if (strcmp(argv[1], "exit") == 0) exit(code);
  if (strcmp(argv[1], "_Exit") == 0) {
    fflush(stdout);
    _Exit(code);
  }
  if (strcmp(argv[1], "trap") == 0) {
    fflush(stdout);
    abort();
  }
  fprintf(stderr, "unknown way to end: %s\n", argv[1]);
  return 2;
}
