// The smallest command: one line on stdout, exit status 0.
#include <stdio.h>

int main(void) {
  printf("Hello, WebAssembly!\n");
  return 0;
}
