// A tree-walking interpreter for a small functional language: a lexer, a recursive-descent
// parser building an AST (functions, calls, if/then/else, let, integer arithmetic and
// comparisons), and a recursive evaluator with a frame per call: the deep, call-heavy shape of
// script interpreters. The script (fib, tak, gcd, Collatz, Newton's integer square root) is
// parsed and then run for a range of arguments; a C version of each result checks it.
#include <stdlib.h>

#include "bench_common.h"

enum {
  CALLS = 320,  // main(k) for k in [0, CALLS)
  MAX_TOKENS = 4096,
  MAX_NODES = 4096,
  MAX_FUNCTIONS = 32,
  MAX_SLOTS = 8,        // parameters and lets of one function
  MAX_NAME = 16,
  STACK_SLOTS = 1 << 16,  // the evaluator's frames
};

static const char SCRIPT[] =
    "# Every value is a 64-bit integer; comparisons give 0 or 1.\n"
    "def fib(n) = if n < 2 then n else fib(n - 1) + fib(n - 2);\n"
    "def tak(x, y, z) = if y < x then tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))\n"
    "                   else z;\n"
    "def gcd(a, b) = if b == 0 then a else gcd(b, a % b);\n"
    "def sum_gcd(i, n, acc) = if i > n then acc else sum_gcd(i + 1, n, acc + gcd(i * 7 + 3, n));\n"
    "def collatz(n, steps) =\n"
    "  if n == 1 then steps\n"
    "  else if n % 2 == 0 then collatz(n / 2, steps + 1)\n"
    "  else collatz(3 * n + 1, steps + 1);\n"
    "def collatz_range(i, n, acc) =\n"
    "  if i > n then acc else collatz_range(i + 1, n, (acc * 31 + collatz(i, 0)) % 1000000007);\n"
    "def isqrt_step(n, x) = let y = (x + n / x) / 2 in if y >= x then x else isqrt_step(n, y);\n"
    "def isqrt(n) = if n < 2 then n else isqrt_step(n, n);\n"
    "def main(k) =\n"
    "  let a = fib(18 + k % 4) in\n"
    "  let b = tak(12 + k % 3, 8, 4) in\n"
    "  let c = sum_gcd(1, 200 + k % 100, 0) in\n"
    "  let d = isqrt(k * 1000003 + 12345) in\n"
    "  a * 1000003 + b * 10007 + c * 101 + d + collatz_range(1, 150 + k % 100, k);\n";

// ---- the lexer -------------------------------------------------------------------------------

typedef enum {
  T_END, T_NUMBER, T_NAME, T_DEF, T_IF, T_THEN, T_ELSE, T_LET, T_IN,
  T_LPAREN, T_RPAREN, T_COMMA, T_SEMICOLON, T_ASSIGN,
  T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT,
  T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE,
} TokenKind;

typedef struct {
  TokenKind kind;
  int64_t value;    // T_NUMBER
  const char* text; // T_NAME
  int length;
  int line;
} Token;

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int same_word(const char* text, int length, const char* word) {
  for (int i = 0; i < length; ++i)
    if (word[i] != text[i]) return 0;
  return word[length] == 0;
}

static int lex(const char* s, Token* tokens, const char** error) {
  int count = 0, line = 1;
  for (;;) {
    while (*s == ' ' || *s == '\n' || *s == '#') {
      if (*s == '#')
        while (*s && *s != '\n') ++s;
      if (*s == '\n') ++line;
      if (*s) ++s;
    }
    if (count == MAX_TOKENS - 1) {
      *error = "too many tokens";
      return -1;
    }
    Token* t = &tokens[count++];
    t->text = s;
    t->length = 1;
    t->line = line;
    const char c = *s;
    if (!c) {
      t->kind = T_END;
      return count;
    }
    if (is_digit(c)) {
      int64_t value = 0;
      while (is_digit(*s)) value = value * 10 + (*s++ - '0');
      t->kind = T_NUMBER;
      t->value = value;
      t->length = (int)(s - t->text);
      continue;
    }
    if (is_letter(c)) {
      while (is_letter(*s) || is_digit(*s)) ++s;
      t->length = (int)(s - t->text);
      static const struct { const char* word; TokenKind kind; } keywords[] = {
          {"def", T_DEF}, {"if", T_IF}, {"then", T_THEN}, {"else", T_ELSE}, {"let", T_LET}, {"in", T_IN}};
      t->kind = T_NAME;
      for (int k = 0; k < 6; ++k)
        if (same_word(t->text, t->length, keywords[k].word)) t->kind = keywords[k].kind;
      continue;
    }
    const char next = s[1];
    ++s;
    switch (c) {
      case '(': t->kind = T_LPAREN; break;
      case ')': t->kind = T_RPAREN; break;
      case ',': t->kind = T_COMMA; break;
      case ';': t->kind = T_SEMICOLON; break;
      case '+': t->kind = T_PLUS; break;
      case '-': t->kind = T_MINUS; break;
      case '*': t->kind = T_STAR; break;
      case '/': t->kind = T_SLASH; break;
      case '%': t->kind = T_PERCENT; break;
      case '<': t->kind = next == '=' ? T_LE : T_LT; break;
      case '>': t->kind = next == '=' ? T_GE : T_GT; break;
      case '=': t->kind = next == '=' ? T_EQ : T_ASSIGN; break;
      case '!':
        if (next != '=') {
          *error = "'!' without '='";
          return -1;
        }
        t->kind = T_NE;
        break;
      default:
        *error = "unexpected character";
        return -1;
    }
    if (next == '=' && (c == '<' || c == '>' || c == '=' || c == '!')) {
      ++s;
      t->length = 2;
    }
  }
}

// ---- the AST and the parser ------------------------------------------------------------------

typedef enum { N_NUMBER, N_SLOT, N_CALL, N_BINARY, N_NEGATE, N_IF, N_LET } NodeKind;

typedef struct Node {
  NodeKind kind;
  int op;                 // N_BINARY: the operator's token kind
  int64_t value;          // N_NUMBER
  int slot;               // N_SLOT, N_LET: the frame slot
  int function;           // N_CALL
  int arg_count;          // N_CALL
  struct Node* a;         // operands; N_CALL: the first argument, the rest chained by `next`
  struct Node* b;
  struct Node* c;
  struct Node* next;
} Node;

typedef struct {
  char name[MAX_NAME];
  int arity;   // -1: called before its definition
  int slots;
  const Node* body;
} Function;

typedef struct {
  const Token* t;
  Node nodes[MAX_NODES];
  int node_count;
  Function functions[MAX_FUNCTIONS];
  int function_count;
  // The current function's scope: slot names, innermost last.
  const Token* scope[MAX_SLOTS];
  int scope_depth;
  int slots;
  const char* error;
  int error_line;
} Parser;

static Node* new_node(Parser* p, NodeKind kind) {
  if (p->node_count == MAX_NODES) {
    p->error = "too many nodes";
    return NULL;
  }
  Node* n = &p->nodes[p->node_count++];
  memset(n, 0, sizeof *n);
  n->kind = kind;
  return n;
}

static Node* fail(Parser* p, const char* error) {
  if (!p->error) {
    p->error = error;
    p->error_line = p->t->line;
  }
  return NULL;
}

static int expect(Parser* p, TokenKind kind, const char* error) {
  if (p->t->kind != kind) {
    fail(p, error);
    return 0;
  }
  ++p->t;
  return 1;
}

static int function_index(Parser* p, const Token* name) {
  for (int f = 0; f < p->function_count; ++f)
    if (same_word(name->text, name->length, p->functions[f].name)) return f;
  if (p->function_count == MAX_FUNCTIONS || name->length >= MAX_NAME) return -1;
  Function* f = &p->functions[p->function_count];
  memcpy(f->name, name->text, (size_t)name->length);
  f->name[name->length] = 0;
  f->arity = -1;
  f->body = NULL;
  return p->function_count++;
}

static Node* parse_expression(Parser* p);

static Node* parse_primary(Parser* p) {
  const Token* t = p->t;
  Node* n;
  switch (t->kind) {
    case T_NUMBER:
      ++p->t;
      if (!(n = new_node(p, N_NUMBER))) return NULL;
      n->value = t->value;
      return n;
    case T_LPAREN:
      ++p->t;
      n = parse_expression(p);
      return n && expect(p, T_RPAREN, "expected ')'") ? n : NULL;
    case T_NAME:
      ++p->t;
      if (p->t->kind == T_LPAREN) {
        ++p->t;
        if (!(n = new_node(p, N_CALL))) return NULL;
        if ((n->function = function_index(p, t)) < 0) return fail(p, "too many functions");
        Node** link = &n->a;
        if (p->t->kind != T_RPAREN) {
          for (;;) {
            Node* arg = parse_expression(p);
            if (!arg) return NULL;
            *link = arg;
            link = &arg->next;
            ++n->arg_count;
            if (p->t->kind != T_COMMA) break;
            ++p->t;
          }
        }
        return expect(p, T_RPAREN, "expected ')' after the arguments") ? n : NULL;
      }
      for (int s = p->scope_depth - 1; s >= 0; --s) {
        if (p->scope[s]->length == t->length && memcmp(p->scope[s]->text, t->text, (size_t)t->length) == 0) {
          if (!(n = new_node(p, N_SLOT))) return NULL;
          n->slot = s;
          return n;
        }
      }
      return fail(p, "unknown name");
    default:
      return fail(p, "expected an expression");
  }
}

static Node* parse_unary(Parser* p) {
  if (p->t->kind != T_MINUS) return parse_primary(p);
  ++p->t;
  Node* operand = parse_unary(p);
  if (!operand) return NULL;
  Node* n = new_node(p, N_NEGATE);
  if (n) n->a = operand;
  return n;
}

static Node* binary(Parser* p, int op, Node* left, Node* right) {
  if (!left || !right) return NULL;
  Node* n = new_node(p, N_BINARY);
  if (!n) return NULL;
  n->op = op;
  n->a = left;
  n->b = right;
  return n;
}

static Node* parse_product(Parser* p) {
  Node* left = parse_unary(p);
  while (left && (p->t->kind == T_STAR || p->t->kind == T_SLASH || p->t->kind == T_PERCENT)) {
    const int op = (p->t++)->kind;
    left = binary(p, op, left, parse_unary(p));
  }
  return left;
}

static Node* parse_sum(Parser* p) {
  Node* left = parse_product(p);
  while (left && (p->t->kind == T_PLUS || p->t->kind == T_MINUS)) {
    const int op = (p->t++)->kind;
    left = binary(p, op, left, parse_product(p));
  }
  return left;
}

static Node* parse_comparison(Parser* p) {
  Node* left = parse_sum(p);
  if (left && p->t->kind >= T_LT && p->t->kind <= T_NE) {
    const int op = (p->t++)->kind;
    left = binary(p, op, left, parse_sum(p));
  }
  return left;
}

static Node* parse_expression(Parser* p) {
  Node* n;
  switch (p->t->kind) {
    case T_IF:
      ++p->t;
      if (!(n = new_node(p, N_IF))) return NULL;
      if (!(n->a = parse_expression(p)) || !expect(p, T_THEN, "expected 'then'")) return NULL;
      if (!(n->b = parse_expression(p)) || !expect(p, T_ELSE, "expected 'else'")) return NULL;
      return (n->c = parse_expression(p)) ? n : NULL;
    case T_LET: {
      ++p->t;
      const Token* name = p->t;
      if (!expect(p, T_NAME, "expected a name after 'let'") || !expect(p, T_ASSIGN, "expected '='")) return NULL;
      if (!(n = new_node(p, N_LET))) return NULL;
      if (!(n->a = parse_expression(p)) || !expect(p, T_IN, "expected 'in'")) return NULL;
      if (p->scope_depth == MAX_SLOTS) return fail(p, "too many locals");
      n->slot = p->scope_depth;
      p->scope[p->scope_depth++] = name;
      if (p->scope_depth > p->slots) p->slots = p->scope_depth;
      n->b = parse_expression(p);
      --p->scope_depth;
      return n->b ? n : NULL;
    }
    default:
      return parse_comparison(p);
  }
}

static int parse_program(Parser* p, const Token* tokens) {
  p->t = tokens;
  p->node_count = p->function_count = 0;
  p->error = NULL;
  while (p->t->kind == T_DEF) {
    ++p->t;
    const Token* name = p->t;
    if (!expect(p, T_NAME, "expected a function name") || !expect(p, T_LPAREN, "expected '('")) return 0;
    const int f = function_index(p, name);
    if (f < 0) return fail(p, "too many functions"), 0;
    if (p->functions[f].body) return fail(p, "function defined twice"), 0;
    p->scope_depth = 0;
    while (p->t->kind == T_NAME) {
      if (p->scope_depth == MAX_SLOTS) return fail(p, "too many parameters"), 0;
      p->scope[p->scope_depth++] = p->t++;
      if (p->t->kind != T_COMMA) break;
      ++p->t;
    }
    const int arity = p->scope_depth;
    p->slots = arity;
    if (!expect(p, T_RPAREN, "expected ')'") || !expect(p, T_ASSIGN, "expected '='")) return 0;
    const Node* body = parse_expression(p);
    if (!body || !expect(p, T_SEMICOLON, "expected ';'")) return 0;
    Function* function = &p->functions[f];
    if (function->arity >= 0 && function->arity != arity) return fail(p, "arity differs from a call"), 0;
    function->arity = arity;
    function->slots = p->slots;
    function->body = body;
  }
  if (p->t->kind != T_END) return fail(p, "expected 'def'"), 0;
  // Every call names a defined function with the right number of arguments.
  for (int i = 0; i < p->node_count; ++i) {
    const Node* n = &p->nodes[i];
    if (n->kind != N_CALL) continue;
    const Function* f = &p->functions[n->function];
    if (!f->body) return fail(p, "call of an undefined function"), 0;
    if (f->arity != n->arg_count) return fail(p, "wrong number of arguments"), 0;
  }
  return 1;
}

// ---- the evaluator -----------------------------------------------------------------------------

typedef struct {
  const Function* functions;
  int64_t* stack;
  int top;           // the first free slot
  uint64_t calls;
  int depth, max_depth;
  int overflow;
} Machine;

static int64_t eval(Machine* m, const Node* n, int64_t* frame) {
  switch (n->kind) {
    case N_NUMBER: return n->value;
    case N_SLOT: return frame[n->slot];
    case N_NEGATE: return (int64_t)(0 - (uint64_t)eval(m, n->a, frame));
    case N_IF: return eval(m, n->a, frame) ? eval(m, n->b, frame) : eval(m, n->c, frame);
    case N_LET:
      frame[n->slot] = eval(m, n->a, frame);
      return eval(m, n->b, frame);
    case N_BINARY: {
      const int64_t x = eval(m, n->a, frame);
      const int64_t y = eval(m, n->b, frame);
      switch (n->op) {
        case T_PLUS: return (int64_t)((uint64_t)x + (uint64_t)y);
        case T_MINUS: return (int64_t)((uint64_t)x - (uint64_t)y);
        case T_STAR: return (int64_t)((uint64_t)x * (uint64_t)y);
        // Division by zero gives 0, and INT64_MIN / -1 wraps, instead of trapping.
        case T_SLASH: return y == 0 ? 0 : y == -1 ? (int64_t)(0 - (uint64_t)x) : x / y;
        case T_PERCENT: return y == 0 || y == -1 ? 0 : x % y;
        case T_LT: return x < y;
        case T_LE: return x <= y;
        case T_GT: return x > y;
        case T_GE: return x >= y;
        case T_EQ: return x == y;
        case T_NE: return x != y;
        default: return 0;
      }
    }
    case N_CALL: {
      const Function* f = &m->functions[n->function];
      if (m->top + f->slots > STACK_SLOTS) {
        m->overflow = 1;
        return 0;
      }
      // Arguments are evaluated into the callee's frame, above the caller's.
      int64_t* callee = m->stack + m->top;
      const int saved_top = m->top;
      int i = 0;
      for (const Node* arg = n->a; arg; arg = arg->next) {
        const int64_t value = eval(m, arg, frame);
        callee[i++] = value;
        m->top = saved_top + i;  // nested calls in later arguments go above this one
      }
      m->top = saved_top + f->slots;
      ++m->calls;
      if (++m->depth > m->max_depth) m->max_depth = m->depth;
      const int64_t result = eval(m, f->body, callee);
      --m->depth;
      m->top = saved_top;
      return result;
    }
  }
  return 0;
}

// ---- the same functions in C -----------------------------------------------------------------

static int64_t c_fib(int64_t n) { return n < 2 ? n : c_fib(n - 1) + c_fib(n - 2); }
static int64_t c_tak(int64_t x, int64_t y, int64_t z) {
  return y < x ? c_tak(c_tak(x - 1, y, z), c_tak(y - 1, z, x), c_tak(z - 1, x, y)) : z;
}
static int64_t c_gcd(int64_t a, int64_t b) { return b == 0 ? a : c_gcd(b, a % b); }
static int64_t c_main(int64_t k) {
  const int64_t a = c_fib(18 + k % 4), b = c_tak(12 + k % 3, 8, 4);
  int64_t c = 0;
  for (int64_t i = 1; i <= 200 + k % 100; ++i) c += c_gcd(i * 7 + 3, 200 + k % 100);
  const int64_t n = k * 1000003 + 12345;
  int64_t d = n;
  if (n >= 2) {
    for (;;) {
      const int64_t y = (d + n / d) / 2;
      if (y >= d) break;
      d = y;
    }
  }
  int64_t e = k;
  for (int64_t i = 1; i <= 150 + k % 100; ++i) {
    int64_t x = i, steps = 0;
    for (; x != 1; ++steps) x = x % 2 == 0 ? x / 2 : 3 * x + 1;
    e = (e * 31 + steps) % 1000000007;
  }
  return a * 1000003 + b * 10007 + c * 101 + d + e;
}

int main(void) {
  static Token tokens[MAX_TOKENS];
  static Parser parser;
  int64_t* stack = malloc(sizeof(int64_t) * STACK_SLOTS);
  int64_t* results = malloc(sizeof(int64_t) * CALLS);

  const double start = bench_now_seconds();
  const char* error = NULL;
  const int token_count = lex(SCRIPT, tokens, &error);
  if (token_count < 0) {
    printf("script: lexer: %s\n", error);
    return 1;
  }
  if (!parse_program(&parser, tokens)) {
    printf("script: line %d: %s\n", parser.error_line, parser.error);
    return 1;
  }
  int entry = -1;
  for (int f = 0; f < parser.function_count; ++f)
    if (same_word("main", 4, parser.functions[f].name)) entry = f;
  if (entry < 0 || parser.functions[entry].arity != 1) {
    printf("script: no main(k)\n");
    return 1;
  }
  Machine machine = {parser.functions, stack, 0, 0, 0, 0, 0};
  uint64_t checksum = bench_mix(bench_mix(0, (uint64_t)token_count), (uint64_t)parser.node_count);
  for (int k = 0; k < CALLS; ++k) {
    // main(k): k in the first slot of a frame at the bottom of the stack.
    const Function* f = &parser.functions[entry];
    stack[0] = k;
    machine.top = f->slots;
    results[k] = eval(&machine, f->body, stack);
    if (machine.overflow) {
      printf("script: the evaluator's stack overflowed\n");
      return 1;
    }
    checksum = bench_mix(checksum, (uint64_t)results[k]);
  }
  checksum = bench_mix(bench_mix(checksum, machine.calls), (uint64_t)machine.max_depth);
  const double seconds = bench_now_seconds() - start;

  for (int k = 0; k < CALLS; ++k) {
    if (results[k] != c_main(k)) {
      printf("script: main(%d) = %lld, the C version says %lld\n", k, (long long)results[k],
             (long long)c_main(k));
      return 1;
    }
  }
  bench_report(checksum, seconds);
  free(results);
  free(stack);
  return 0;
}
