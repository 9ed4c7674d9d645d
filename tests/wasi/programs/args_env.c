// Echoes argv (argv[0] is the module's file name) and the environment, sorted so the order
// the host passes them in does not matter.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int compare(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d]=[%s]\n", i, argv[i]);

  size_t count = 0;
  while (environ[count] != NULL) ++count;
  char** sorted = malloc((count + 1) * sizeof *sorted);
  memcpy(sorted, environ, count * sizeof *sorted);
  qsort(sorted, count, sizeof *sorted, compare);
  printf("environ: %zu entries\n", count);
  for (size_t i = 0; i < count; ++i) printf("env[%s]\n", sorted[i]);

  const char* greeting = getenv("GREETING");
  printf("getenv(GREETING)=%s\n", greeting ? greeting : "(null)");
  printf("getenv(MISSING)=%s\n", getenv("MISSING") ? "set" : "(null)");
  free(sorted);
  return 0;
}
