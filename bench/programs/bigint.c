// Big integers: arbitrary-precision arithmetic on 32-bit limbs with 64-bit intermediates. pi to
// 12,000 decimal digits by Machin's formula (fixed point; long division by small numbers,
// additions and subtractions with carries), pi squared by schoolbook multiplication, and
// 5000! by repeated small multiplication; all three converted to decimal (repeated
// multiplication or division by 10^9) and checked: the first digits of pi and pi squared, the
// length and the trailing zeros of 5000!.
#include <stdlib.h>

#include "bench_common.h"

enum {
  PI_DIGITS = 12000,
  // Limbs of the fixed-point numbers: the fraction needs PI_DIGITS log2(10) bits, plus guard limbs
  // against the truncation errors of the series; one more limb holds the integer part.
  FRACTION_LIMBS = PI_DIGITS * 10 / 96 + 4,
  LIMBS = FRACTION_LIMBS + 1,
  FACTORIAL = 5000,
  FACTORIAL_LIMBS = 2048,  // 5000! has 16,326 digits: 1,694 limbs
  ROUNDS = 4,
};

// A fixed-point number: limb[0 .. FRACTION_LIMBS-1] the fraction, least significant first;
// limb[FRACTION_LIMBS] the integer part.
typedef struct { uint32_t limb[LIMBS]; } Fixed;

static void fixed_set(Fixed* x, uint32_t integer) {
  for (int i = 0; i < FRACTION_LIMBS; ++i) x->limb[i] = 0;
  x->limb[FRACTION_LIMBS] = integer;
}

// quotient = x / d for the limbs at and below `top` (the limbs above are zero in x); returns
// the index of the quotient's highest nonzero limb, or -1 when it is zero.
static int fixed_divide(Fixed* quotient, const Fixed* x, uint32_t d, int top) {
  uint64_t remainder = 0;
  int highest = -1;
  for (int i = top; i >= 0; --i) {
    const uint64_t current = remainder << 32 | x->limb[i];
    const uint32_t q = (uint32_t)(current / d);
    remainder = current % d;
    quotient->limb[i] = q;
    if (q && highest < 0) highest = i;
  }
  for (int i = top + 1; i < LIMBS; ++i) quotient->limb[i] = 0;
  return highest;
}

static void fixed_add(Fixed* sum, const Fixed* x, int top) {
  uint64_t carry = 0;
  int i = 0;
  for (; i <= top; ++i) {
    carry += (uint64_t)sum->limb[i] + x->limb[i];
    sum->limb[i] = (uint32_t)carry;
    carry >>= 32;
  }
  for (; carry && i < LIMBS; ++i) {
    carry += sum->limb[i];
    sum->limb[i] = (uint32_t)carry;
    carry >>= 32;
  }
}

static void fixed_subtract(Fixed* difference, const Fixed* x, int top) {
  int64_t borrow = 0;
  int i = 0;
  for (; i <= top; ++i) {
    const int64_t d = (int64_t)difference->limb[i] - x->limb[i] - borrow;
    difference->limb[i] = (uint32_t)d;
    borrow = d < 0;
  }
  for (; borrow && i < LIMBS; ++i) {
    const int64_t d = (int64_t)difference->limb[i] - borrow;
    difference->limb[i] = (uint32_t)d;
    borrow = d < 0;
  }
}

static void fixed_multiply_small(Fixed* x, uint32_t factor) {
  uint64_t carry = 0;
  for (int i = 0; i < LIMBS; ++i) {
    carry += (uint64_t)x->limb[i] * factor;
    x->limb[i] = (uint32_t)carry;
    carry >>= 32;
  }
}

// result = arctan(1 / x) = 1/x - 1/(3 x^3) + 1/(5 x^5) - ...
static void arctan_inverse(Fixed* result, uint32_t x, Fixed* power, Fixed* term) {
  fixed_set(result, 0);
  fixed_set(power, 1);
  int top = fixed_divide(power, power, x, LIMBS - 1);  // power = 1 / x^(2k+1)
  for (uint32_t k = 0; top >= 0; ++k) {
    const int term_top = fixed_divide(term, power, 2 * k + 1, top);
    if (term_top >= 0) {
      if (k & 1) fixed_subtract(result, term, term_top);
      else fixed_add(result, term, term_top);
    }
    top = fixed_divide(power, power, x * x, top);
  }
}

// Writes the integer part (below 10) and `count` digits of the fraction; destroys x.
static void fixed_to_decimal(Fixed* x, char* digits, int count) {
  digits[0] = (char)('0' + x->limb[FRACTION_LIMBS]);
  for (int at = 1; at <= count; at += 9) {
    uint64_t carry = 0;
    for (int i = 0; i < FRACTION_LIMBS; ++i) {
      carry += (uint64_t)x->limb[i] * 1000000000u;
      x->limb[i] = (uint32_t)carry;
      carry >>= 32;
    }
    uint32_t chunk = (uint32_t)carry;  // the next nine digits
    for (int k = 8; k >= 0; --k) {
      if (at + k <= count) digits[at + k] = (char)('0' + chunk % 10);
      chunk /= 10;
    }
  }
  digits[count + 1] = 0;
}

// product = a * b (schoolbook, full 2 LIMBS product, then truncated to the fixed point).
static void fixed_multiply(Fixed* product, const Fixed* a, const Fixed* b, uint32_t* wide) {
  for (int i = 0; i < 2 * LIMBS; ++i) wide[i] = 0;
  for (int i = 0; i < LIMBS; ++i) {
    const uint64_t ai = a->limb[i];
    if (!ai) continue;
    uint64_t carry = 0;
    for (int j = 0; j < LIMBS; ++j) {
      carry += ai * b->limb[j] + wide[i + j];
      wide[i + j] = (uint32_t)carry;
      carry >>= 32;
    }
    wide[i + LIMBS] = (uint32_t)carry;
  }
  for (int i = 0; i < LIMBS; ++i) product->limb[i] = wide[i + FRACTION_LIMBS];
}

// n! as a big integer, least significant limb first; returns the limb count.
static int factorial(uint32_t* limbs, uint32_t n) {
  int count = 1;
  limbs[0] = 1;
  for (uint32_t k = 2; k <= n; ++k) {
    uint64_t carry = 0;
    for (int i = 0; i < count; ++i) {
      carry += (uint64_t)limbs[i] * k;
      limbs[i] = (uint32_t)carry;
      carry >>= 32;
    }
    if (carry) limbs[count++] = (uint32_t)carry;
  }
  return count;
}

// The decimal digits of a big integer (destroyed), most significant first; returns their count.
static int integer_to_decimal(uint32_t* limbs, int count, char* digits) {
  uint32_t chunks[FACTORIAL_LIMBS * 10 / 9 + 2];  // base 10^9, least significant first
  int chunk_count = 0;
  while (count > 0) {
    uint64_t remainder = 0;
    for (int i = count - 1; i >= 0; --i) {
      const uint64_t current = remainder << 32 | limbs[i];
      limbs[i] = (uint32_t)(current / 1000000000u);
      remainder = current % 1000000000u;
    }
    chunks[chunk_count++] = (uint32_t)remainder;
    while (count > 0 && limbs[count - 1] == 0) --count;
  }
  int length = 0;
  for (int c = chunk_count - 1; c >= 0; --c) {
    char nine[9];
    uint32_t chunk = chunks[c];
    for (int k = 8; k >= 0; --k) {
      nine[k] = (char)('0' + chunk % 10);
      chunk /= 10;
    }
    int k = 0;
    if (c == chunk_count - 1)
      while (k < 8 && nine[k] == '0') ++k;  // no leading zeros
    for (; k < 9; ++k) digits[length++] = nine[k];
  }
  digits[length] = 0;
  return length;
}

static uint64_t hash_digits(uint64_t checksum, const char* digits, int count) {
  uint32_t hash = 2166136261u;
  uint32_t sum = 0;
  for (int i = 0; i < count; ++i) {
    hash = (hash ^ (uint8_t)digits[i]) * 16777619u;
    sum += (uint32_t)(digits[i] - '0');
  }
  return bench_mix(bench_mix(checksum, hash), sum);
}

static int starts_with(const char* digits, const char* expected) {
  while (*expected)
    if (*digits++ != *expected++) return 0;
  return 1;
}

int main(void) {
  Fixed* a = malloc(sizeof(Fixed));
  Fixed* b = malloc(sizeof(Fixed));
  Fixed* power = malloc(sizeof(Fixed));
  Fixed* term = malloc(sizeof(Fixed));
  Fixed* pi = malloc(sizeof(Fixed));
  uint32_t* wide = malloc(sizeof(uint32_t) * 2 * LIMBS);
  uint32_t* big = malloc(sizeof(uint32_t) * FACTORIAL_LIMBS);
  char* digits = malloc(PI_DIGITS + 64);
  char* factorial_digits = malloc(FACTORIAL_LIMBS * 10 + 16);

  uint64_t checksum = 0;
  const double start = bench_now_seconds();
  for (int round = 0; round < ROUNDS; ++round) {
    // pi = 16 arctan(1/5) - 4 arctan(1/239)
    arctan_inverse(a, 5, power, term);
    arctan_inverse(b, 239, power, term);
    fixed_multiply_small(a, 16);
    fixed_multiply_small(b, 4);
    *pi = *a;
    fixed_subtract(pi, b, LIMBS - 1);

    fixed_multiply(a, pi, pi, wide);  // a = pi^2
    *b = *pi;
    fixed_to_decimal(b, digits, PI_DIGITS);
    if (!starts_with(digits, "31415926535897932384626433832795028841971693993751")) {
      printf("bigint: wrong digits of pi: %.50s\n", digits);
      return 1;
    }
    checksum = hash_digits(checksum, digits, PI_DIGITS + 1);
    fixed_to_decimal(a, digits, PI_DIGITS - 16);  // pi^2 loses a few digits to pi's truncation
    if (!starts_with(digits, "98696044010893586188344909998761511353136994072407")) {
      printf("bigint: wrong digits of pi squared: %.50s\n", digits);
      return 1;
    }
    checksum = hash_digits(checksum, digits, PI_DIGITS - 15);

    const int limbs = factorial(big, FACTORIAL);
    const int length = integer_to_decimal(big, limbs, factorial_digits);
    int zeros = 0;
    while (zeros < length && factorial_digits[length - 1 - zeros] == '0') ++zeros;
    if (length != 16326 || zeros != 1249) {
      printf("bigint: %d! has %d digits and %d trailing zeros, expected 16326 and 1249\n", FACTORIAL,
             length, zeros);
      return 1;
    }
    checksum = bench_mix(hash_digits(checksum, factorial_digits, length), (uint64_t)limbs);
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  free(factorial_digits);
  free(digits);
  free(big);
  free(wide);
  free(pi);
  free(term);
  free(power);
  free(b);
  free(a);
  return 0;
}
