// A bytecode interpreter: a small stack machine with a switch dispatch loop, running a program
// (assembled at start-up) that counts Collatz steps for a range of numbers and keeps a running
// hash in a global.
#include <stdlib.h>

#include "bench_common.h"

enum { FIRST = 1, LAST = 240000 };

enum Opcode {
  OP_PUSH,        // push immediate
  OP_LOAD,        // push local[imm]
  OP_STORE,       // local[imm] = pop
  OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHR, OP_SHL,
  OP_LT,          // push (a < b)
  OP_JUMP,        // pc = imm
  OP_JUMP_IF_ZERO,  // if pop == 0: pc = imm
  OP_DUP,
  OP_HALT,
};

typedef struct { int32_t op; int32_t imm; } Instruction;

static int64_t run(const Instruction* code, int64_t* locals) {
  int64_t stack[64];
  int sp = 0;
  int pc = 0;
  for (;;) {
    const Instruction in = code[pc++];
    switch (in.op) {
      case OP_PUSH: stack[sp++] = in.imm; break;
      case OP_LOAD: stack[sp++] = locals[in.imm]; break;
      case OP_STORE: locals[in.imm] = stack[--sp]; break;
      case OP_ADD: --sp; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: --sp; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: --sp; stack[sp - 1] *= stack[sp]; break;
      case OP_AND: --sp; stack[sp - 1] &= stack[sp]; break;
      case OP_XOR: --sp; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHR: --sp; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63)); break;
      case OP_SHL: --sp; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] << (stack[sp] & 63)); break;
      case OP_LT: --sp; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_JUMP: pc = in.imm; break;
      case OP_JUMP_IF_ZERO: if (stack[--sp] == 0) pc = in.imm; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; ++sp; break;
      case OP_HALT: return sp > 0 ? stack[sp - 1] : 0;
    }
  }
}

// Locals: 0 = n (outer counter), 1 = x, 2 = steps, 3 = hash, 4 = last.
static int assemble(Instruction* code) {
  int at = 0;
#define EMIT(o, i) (code[at] = (Instruction){(o), (i)}, at++)
  const int outer = at;
  EMIT(OP_LOAD, 0); EMIT(OP_LOAD, 4); EMIT(OP_LT, 0);
  const int exit_jump = EMIT(OP_JUMP_IF_ZERO, 0);
  EMIT(OP_LOAD, 0); EMIT(OP_STORE, 1);          // x = n
  EMIT(OP_PUSH, 0); EMIT(OP_STORE, 2);          // steps = 0
  const int inner = at;
  EMIT(OP_PUSH, 1); EMIT(OP_LOAD, 1); EMIT(OP_LT, 0);  // 1 < x
  const int inner_exit = EMIT(OP_JUMP_IF_ZERO, 0);
  EMIT(OP_LOAD, 1); EMIT(OP_PUSH, 1); EMIT(OP_AND, 0);
  const int even_jump = EMIT(OP_JUMP_IF_ZERO, 0);
  EMIT(OP_LOAD, 1); EMIT(OP_PUSH, 3); EMIT(OP_MUL, 0); EMIT(OP_PUSH, 1); EMIT(OP_ADD, 0);
  EMIT(OP_STORE, 1);                              // x = 3 x + 1
  const int join_jump = EMIT(OP_JUMP, 0);
  const int even = at;
  EMIT(OP_LOAD, 1); EMIT(OP_PUSH, 1); EMIT(OP_SHR, 0); EMIT(OP_STORE, 1);  // x = x >> 1
  const int join = at;
  EMIT(OP_LOAD, 2); EMIT(OP_PUSH, 1); EMIT(OP_ADD, 0); EMIT(OP_STORE, 2);  // ++steps
  EMIT(OP_JUMP, inner);
  const int inner_done = at;
  // hash = (hash << 5 ^ hash >> 3) ^ steps
  EMIT(OP_LOAD, 3); EMIT(OP_PUSH, 5); EMIT(OP_SHL, 0);
  EMIT(OP_LOAD, 3); EMIT(OP_PUSH, 3); EMIT(OP_SHR, 0); EMIT(OP_XOR, 0);
  EMIT(OP_LOAD, 2); EMIT(OP_XOR, 0); EMIT(OP_STORE, 3);
  EMIT(OP_LOAD, 0); EMIT(OP_PUSH, 1); EMIT(OP_ADD, 0); EMIT(OP_STORE, 0);  // ++n
  EMIT(OP_JUMP, outer);
  const int done = at;
  EMIT(OP_LOAD, 3); EMIT(OP_HALT, 0);
#undef EMIT
  code[exit_jump].imm = done;
  code[inner_exit].imm = inner_done;
  code[even_jump].imm = even;
  code[join_jump].imm = join;
  return at;
}

// The same computation in C, to check the interpreter (outside the clock).
static int64_t reference(void) {
  int64_t hash = 0;
  for (int64_t n = FIRST; n <= LAST; ++n) {
    int64_t x = n, steps = 0;
    while (1 < x) {
      x = (x & 1) ? 3 * x + 1 : (int64_t)((uint64_t)x >> 1);
      ++steps;
    }
    hash = (int64_t)((uint64_t)hash << 5) ^ (int64_t)((uint64_t)hash >> 3) ^ steps;
  }
  return hash;
}

int main(void) {
  Instruction code[128];
  const int length = assemble(code);
  int64_t locals[5] = {FIRST, 0, 0, 0, LAST + 1};

  const double start = bench_now_seconds();
  const int64_t hash = run(code, locals);
  const double seconds = bench_now_seconds() - start;

  if (hash != reference()) {
    printf("interpreter: the bytecode result differs from the C reference\n");
    return 1;
  }
  uint64_t checksum = bench_mix(bench_mix(0, (uint64_t)hash), (uint64_t)length);
  bench_report(checksum, seconds);
  return 0;
}
