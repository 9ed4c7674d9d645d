// A WASI command, the kind of program `wisp run` runs: it reads its arguments and
// environment, writes a file in the one directory it was given (and can reach nothing else),
// and ends with an exit status. `bash scripts/demo.sh` compiles it with
//   clang --target=wasm32-wasi -O2 examples/hello.c -o build/examples/hello.wasm
// and runs it with
//   build/wisp run --dir build/examples/out::/out --env GREETING=Hello build/examples/hello.wasm Wisp
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* greeting = getenv("GREETING") ? getenv("GREETING") : "Hello";
  const char* name = argc > 1 ? argv[1] : "world";
  printf("%s, %s! (from %s, a WebAssembly module)\n", greeting, name, argv[0]);

  // The preopened directory /out is the only part of the file system this program can see.
  FILE* note = fopen("/out/greeting.txt", "w");
  if (note == NULL) {
    fprintf(stderr, "cannot write /out/greeting.txt: %s (run with --dir HOST_DIR::/out)\n",
            strerror(errno));
    return 1;
  }
  fprintf(note, "%s, %s!\n", greeting, name);
  fclose(note);
  printf("wrote /out/greeting.txt\n");

  // Anything outside it is out of reach, whatever the path says.
  FILE* secret = fopen("/out/../../etc/passwd", "r");
  printf("reading /out/../../etc/passwd: %s\n", secret ? "opened (a sandbox bug!)" : strerror(errno));
  return secret ? 1 : 0;
}
