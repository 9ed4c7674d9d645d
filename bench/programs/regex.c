// Regular expressions: a recursive-descent parser compiling patterns (literals, '.', classes
// with ranges and negation, '*', '+', '?', '|', groups, '\' escapes) to a Thompson NFA, and a
// simulation of the NFA (state lists, no backtracking) searching every line of a generated log
// for each pattern. A backtracking matcher over the same NFA cross-checks a few patterns.
#include <stdlib.h>

#include "bench_common.h"

enum { LINES = 40000, MAX_LINE = 128, MAX_STATES = 256, MAX_CLASSES = 32, BACKTRACK_PATTERNS = 3 };

typedef enum { STATE_CHAR, STATE_ANY, STATE_CLASS, STATE_SPLIT, STATE_MATCH } StateKind;

typedef struct {
  StateKind kind;
  int c;     // STATE_CHAR: the byte; STATE_CLASS: the class index
  int out;   // the next state (-1: a hole not patched yet)
  int out1;  // STATE_SPLIT: the other next state
} State;

typedef struct {
  State states[MAX_STATES];
  int count;
  uint32_t classes[MAX_CLASSES][8];  // 256-bit sets of bytes
  int class_count;
  int start;
} Program;

// A fragment of NFA: its start and a list of holes (outs still to patch), chained through the
// out fields themselves: a hole is state * 2 + (0: out, 1: out1); -1 ends the list.
typedef struct {
  int start;
  int holes;
} Fragment;

typedef struct {
  const char* at;
  Program* program;
  const char* error;
} Compiler;

static int* hole_field(Program* p, int hole) {
  return (hole & 1) ? &p->states[hole >> 1].out1 : &p->states[hole >> 1].out;
}

static void patch(Program* p, int holes, int target) {
  while (holes != -1) {
    int* field = hole_field(p, holes);
    holes = *field;
    *field = target;
  }
}

static int append_holes(Program* p, int first, int second) {
  if (first == -1) return second;
  int last = first;
  while (*hole_field(p, last) != -1) last = *hole_field(p, last);
  *hole_field(p, last) = second;
  return first;
}

static int new_state(Compiler* c, StateKind kind, int value, int out, int out1) {
  Program* p = c->program;
  if (p->count == MAX_STATES) {
    c->error = "too many states";
    return -1;
  }
  p->states[p->count] = (State){kind, value, out, out1};
  return p->count++;
}

static Fragment fail(Compiler* c, const char* error) {
  if (!c->error) c->error = error;
  return (Fragment){-1, -1};
}

static Fragment parse_alternation(Compiler* c);

static Fragment parse_class(Compiler* c) {
  Program* p = c->program;
  if (p->class_count == MAX_CLASSES) return fail(c, "too many classes");
  uint32_t* set = p->classes[p->class_count];
  for (int k = 0; k < 8; ++k) set[k] = 0;
  int negate = 0;
  if (*c->at == '^') {
    negate = 1;
    ++c->at;
  }
  int first = 1;
  while (*c->at && (*c->at != ']' || first)) {
    int low = (uint8_t)*c->at++;
    if (low == '\\' && *c->at) low = (uint8_t)*c->at++;
    int high = low;
    if (c->at[0] == '-' && c->at[1] && c->at[1] != ']') {
      high = (uint8_t)c->at[1];
      c->at += 2;
    }
    if (high < low) return fail(c, "bad range");
    for (int b = low; b <= high; ++b) set[b >> 5] |= 1u << (b & 31);
    first = 0;
  }
  if (*c->at != ']') return fail(c, "unterminated class");
  ++c->at;
  if (negate)
    for (int k = 0; k < 8; ++k) set[k] = ~set[k];
  const int s = new_state(c, STATE_CLASS, p->class_count++, -1, 0);
  return s < 0 ? fail(c, NULL) : (Fragment){s, s * 2};
}

static Fragment parse_atom(Compiler* c) {
  const char ch = *c->at;
  int s;
  switch (ch) {
    case '(': {
      ++c->at;
      const Fragment inner = parse_alternation(c);
      if (c->error) return inner;
      if (*c->at != ')') return fail(c, "missing ')'");
      ++c->at;
      return inner;
    }
    case '[':
      ++c->at;
      return parse_class(c);
    case '.':
      ++c->at;
      s = new_state(c, STATE_ANY, 0, -1, 0);
      break;
    case '\\':
      if (!c->at[1]) return fail(c, "trailing '\\'");
      s = new_state(c, STATE_CHAR, (uint8_t)c->at[1], -1, 0);
      c->at += 2;
      break;
    case '*': case '+': case '?': case ')': case '|': case 0:
      return fail(c, "expected an atom");
    default:
      ++c->at;
      s = new_state(c, STATE_CHAR, (uint8_t)ch, -1, 0);
      break;
  }
  return s < 0 ? fail(c, NULL) : (Fragment){s, s * 2};
}

static Fragment parse_repetition(Compiler* c) {
  Fragment f = parse_atom(c);
  while (!c->error && (*c->at == '*' || *c->at == '+' || *c->at == '?')) {
    const char op = *c->at++;
    const int split = new_state(c, STATE_SPLIT, 0, f.start, -1);
    if (split < 0) return fail(c, NULL);
    switch (op) {
      case '*':  // split -> f -> split; leave through split's out1
        patch(c->program, f.holes, split);
        f = (Fragment){split, split * 2 + 1};
        break;
      case '+':  // f -> split -> f; leave through split's out1
        patch(c->program, f.holes, split);
        f = (Fragment){f.start, split * 2 + 1};
        break;
      default:  // '?': split -> f, or past it through out1
        f = (Fragment){split, append_holes(c->program, f.holes, split * 2 + 1)};
        break;
    }
  }
  return f;
}

static Fragment parse_concatenation(Compiler* c) {
  Fragment f = parse_repetition(c);
  while (!c->error && *c->at && *c->at != '|' && *c->at != ')') {
    const Fragment next = parse_repetition(c);
    if (c->error) break;
    patch(c->program, f.holes, next.start);
    f.holes = next.holes;
  }
  return f;
}

static Fragment parse_alternation(Compiler* c) {
  Fragment f = parse_concatenation(c);
  while (!c->error && *c->at == '|') {
    ++c->at;
    const Fragment other = parse_concatenation(c);
    if (c->error) break;
    const int split = new_state(c, STATE_SPLIT, 0, f.start, other.start);
    if (split < 0) return fail(c, NULL);
    f = (Fragment){split, append_holes(c->program, f.holes, other.holes)};
  }
  return f;
}

static const char* compile(const char* pattern, Program* p) {
  p->count = p->class_count = 0;
  Compiler c = {pattern, p, NULL};
  const Fragment f = parse_alternation(&c);
  if (!c.error && *c.at) c.error = "unbalanced ')'";
  if (c.error) return c.error;
  const int match = new_state(&c, STATE_MATCH, 0, -1, -1);
  if (match < 0) return c.error;
  patch(p, f.holes, match);
  p->start = f.start;
  return NULL;
}

// ---- the NFA simulation ------------------------------------------------------------------

typedef struct {
  int states[MAX_STATES];
  int count;
} List;

typedef struct {
  const Program* program;
  uint32_t mark[MAX_STATES];  // the generation that last added each state
  uint32_t generation;
} Simulator;

static void add_state(Simulator* sim, List* list, int s) {
  if (sim->mark[s] == sim->generation) return;
  sim->mark[s] = sim->generation;
  const State* state = &sim->program->states[s];
  if (state->kind == STATE_SPLIT) {
    add_state(sim, list, state->out);
    add_state(sim, list, state->out1);
    return;
  }
  list->states[list->count++] = s;
}

static inline int accepts(const Program* p, const State* state, uint8_t byte) {
  switch (state->kind) {
    case STATE_CHAR: return state->c == byte;
    case STATE_ANY: return byte != '\n';
    case STATE_CLASS: return (p->classes[state->c][byte >> 5] >> (byte & 31)) & 1;
    default: return 0;
  }
}

// Searches the line for a match anywhere; returns the end of the earliest-ending match plus 1,
// or 0 when there is none.
static int search(Simulator* sim, const char* line, int length) {
  const Program* p = sim->program;
  List lists[2];
  List* current = &lists[0];
  List* next = &lists[1];
  current->count = 0;
  ++sim->generation;
  for (int i = 0;; ++i) {
    add_state(sim, current, p->start);  // a match may start here
    for (int k = 0; k < current->count; ++k)
      if (p->states[current->states[k]].kind == STATE_MATCH) return i + 1;
    if (i == length) return 0;
    const uint8_t byte = (uint8_t)line[i];
    ++sim->generation;
    next->count = 0;
    for (int k = 0; k < current->count; ++k) {
      const State* state = &p->states[current->states[k]];
      if (accepts(p, state, byte)) add_state(sim, next, state->out);
    }
    List* t = current;
    current = next;
    next = t;
  }
}

// The backtracking matcher: does a match start at `i`?
static int backtrack(const Program* p, int s, const char* line, int length, int i) {
  for (;;) {
    const State* state = &p->states[s];
    switch (state->kind) {
      case STATE_MATCH: return 1;
      case STATE_SPLIT:
        if (backtrack(p, state->out, line, length, i)) return 1;
        s = state->out1;
        break;
      default:
        if (i == length || !accepts(p, state, (uint8_t)line[i])) return 0;
        s = state->out;
        ++i;
        break;
    }
  }
}

// ---- the text ------------------------------------------------------------------------------

static int put(char* line, int at, const char* s) {
  while (*s && at < MAX_LINE - 1) line[at++] = *s++;
  return at;
}

static int put_number(char* line, int at, uint32_t value, int width) {
  char digits[12];
  for (int k = width - 1; k >= 0; --k) {
    digits[k] = (char)('0' + value % 10);
    value /= 10;
  }
  for (int k = 0; k < width && at < MAX_LINE - 1; ++k) line[at++] = digits[k];
  return at;
}

static int make_line(char* line, BenchRandom* random) {
  static const char* const words[] = {
      "the", "this", "that", "of", "in", "on", "request", "session", "queuing", "quoting",
      "station", "motion", "banana", "nana", "abcde", "cdabe", "error", "warning", "xylophone",
      "lazy", "zebra", "acdef", "abbcef", "server", "client", "timeout", "retry", "question",
      "Alice", "Bob", "Carol", "Dave", "connection", "ion", "abe", "cde"};
  enum { WORDS = sizeof words / sizeof words[0] };
  static const char* const domains[] = {".com", ".org", ".net", ".io"};
  int at = 0;
  const uint64_t head = bench_random_next(random);
  if (head & 1) {  // a date and time stamp
    at = put_number(line, at, 2000 + (uint32_t)(head >> 8) % 30, 4);
    at = put(line, at, "-");
    at = put_number(line, at, 1 + (uint32_t)(head >> 16) % 12, 2);
    at = put(line, at, "-");
    at = put_number(line, at, 1 + (uint32_t)(head >> 24) % 28, 2);
    at = put(line, at, " ");
  }
  const int words_in_line = 6 + (int)((head >> 32) % 10);
  for (int w = 0; w < words_in_line; ++w) {
    const uint64_t r = bench_random_next(random);
    switch (r & 15) {
      case 0:  // an e-mail address
        at = put(line, at, words[(r >> 8) % WORDS]);
        at = put(line, at, "@");
        at = put(line, at, words[(r >> 16) % WORDS]);
        at = put(line, at, domains[(r >> 24) % 4]);
        break;
      case 1:
        at = put_number(line, at, (uint32_t)(r >> 8) % 100000, 1 + (int)((r >> 40) % 5));
        break;
      default:
        at = put(line, at, words[(r >> 8) % WORDS]);
        break;
    }
    at = put(line, at, (r >> 50) % 9 ? " " : ", ");
  }
  line[at] = 0;
  return at;
}

static const char* const PATTERNS[] = {
    "qu[a-z]*ing",
    "(ba|na)+nana",
    "[A-Z][a-z]+ [A-Z][a-z]+",
    "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
    "[a-z]+@[a-z]+\\.(com|org|net)",
    "th(e|is|at) [a-z]+ (of|in|on) ",
    "x.*y.*z",
    "[^ ]+ion[^a-z]",
    "a[bc]*d?e+f",
    "(error|warning|timeout),? (retry|session)",
    "[0-9]+, [0-9]+",
    "(a|b|c|d|e)(a|b|c|d|e)(a|b|c|d|e)(a|b|c|d|e)(a|b|c|d|e)f",
};
enum { PATTERN_COUNT = sizeof PATTERNS / sizeof PATTERNS[0] };

int main(void) {
  char (*lines)[MAX_LINE] = malloc(sizeof(char[MAX_LINE]) * LINES);
  int* lengths = malloc(sizeof(int) * LINES);
  BenchRandom random = {0x9e3779b97f4a7c15ull};
  for (int i = 0; i < LINES; ++i) lengths[i] = make_line(lines[i], &random);
  static Program program;
  static Simulator simulator;

  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int p = 0; p < PATTERN_COUNT; ++p) {
    const char* error = compile(PATTERNS[p], &program);
    if (error) {
      printf("regex: pattern %d (%s): %s\n", p, PATTERNS[p], error);
      return 1;
    }
    simulator.program = &program;
    uint32_t matching = 0;
    uint64_t end_sum = 0;
    for (int i = 0; i < LINES; ++i) {
      const int end = search(&simulator, lines[i], lengths[i]);
      if (p < BACKTRACK_PATTERNS) {
        int found = 0;
        for (int from = 0; from <= lengths[i] && !found; ++from)
          found = backtrack(&program, program.start, lines[i], lengths[i], from);
        if (found != (end != 0)) {
          printf("regex: pattern %d (%s): the NFA and the backtracker disagree on line %d\n", p,
                 PATTERNS[p], i);
          return 1;
        }
      }
      matching += end != 0;
      end_sum += (uint64_t)end;
    }
    checksum = bench_mix(bench_mix(bench_mix(checksum, (uint64_t)program.count), matching), end_sum);
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  free(lengths);
  free(lines);
  return 0;
}
