/* userland/runtime/x86_64/libc/format_float.c - %f %e %g of printf (format.h).
 *
 * A double is m * 2^e exactly (m a 53-bit integer). Its decimal value therefore has a finite
 * expansion, and this file computes all of it, then rounds that digit string where the
 * conversion asks (half to even on an exact tie, what glibc does in the default rounding
 * mode). So the output is the correctly rounded one, digit for digit glibc's:
 *   1. expand: e >= 0: the integer m * 2^e; e < 0: m * 2^e = m * 5^-e / 10^-e, so the digits
 *      of the integer m * 5^-e with the decimal point -e places from the right. The integer
 *      is kept in base 10^9 limbs (at most 767 digits: 2^53 * 5^1074).
 *   2. round the digits to what the conversion keeps (round_digits);
 *   3. lay them out: %f ddd.ddd, %e d.ddde+XX, %g the shorter of the two per ISO C's rule.
 */
#include "format.h"

#include <stdint.h>
#include <string.h>

enum {
  kLimbBase = 1000000000,  /* 10^9 per limb */
  kMaxLimbs = 90,          /* 767 digits / 9, and room */
  kMaxDigits = kMaxLimbs * 9,
};

typedef struct {
  char d[kMaxDigits + 1]; /* significant digits, no leading zero; n == 0 for the value 0 */
  int n;
  int point; /* value = 0.d[0]d[1]... * 10^point */
} decimal;

/* limbs (little-endian, count *len) *= factor; factor <= 2^31 so that a limb times it plus
 * the carry stays below 2^63. */
static void multiply(uint32_t *limbs, int *len, uint32_t factor) {
  uint64_t carry = 0;
  for (int i = 0; i < *len; ++i) {
    uint64_t v = (uint64_t)limbs[i] * factor + carry;
    limbs[i] = (uint32_t)(v % kLimbBase);
    carry = v / kLimbBase;
  }
  while (carry) {
    limbs[(*len)++] = (uint32_t)(carry % kLimbBase);
    carry /= kLimbBase;
  }
}

/* Step 1: the exact decimal expansion of |v| (v finite). */
static void expand(double v, decimal *out) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  uint64_t m = bits & ((1ull << 52) - 1);
  int biased = (int)((bits >> 52) & 0x7ff);
  int e = biased ? biased - 1075 : -1074;
  if (biased) m |= 1ull << 52;
  out->n = 0;
  out->point = 0;
  if (m == 0) return;

  uint32_t limbs[kMaxLimbs];
  int len = 0;
  for (uint64_t rest = m; rest; rest /= kLimbBase) limbs[len++] = (uint32_t)(rest % kLimbBase);
  int shift = 0; /* decimal places to the right of the point */
  if (e >= 0) {
    for (; e >= 29; e -= 29) multiply(limbs, &len, 1u << 29);
    if (e) multiply(limbs, &len, 1u << e);
  } else {
    shift = -e;
    for (e = -e; e >= 13; e -= 13) multiply(limbs, &len, 1220703125u); /* 5^13 */
    uint32_t five = 1;
    while (e--) five *= 5;
    multiply(limbs, &len, five);
  }
  /* Limbs to digits, most significant first; the top limb without leading zeros. */
  char *p = out->d;
  uint32_t top = limbs[len - 1];
  char tmp[10];
  int t = 0;
  do {
    tmp[t++] = (char)('0' + top % 10);
    top /= 10;
  } while (top);
  while (t) *p++ = tmp[--t];
  for (int i = len - 2; i >= 0; --i) {
    uint32_t limb = limbs[i];
    for (int k = 8; k >= 0; --k) {
      p[k] = (char)('0' + limb % 10);
      limb /= 10;
    }
    p += 9;
  }
  out->n = (int)(p - out->d);
  out->point = out->n - shift;
  while (out->n > 0 && out->d[out->n - 1] == '0') --out->n; /* trailing zeros say nothing */
}

/* Step 2: keeps the first `keep` significant digits, rounding half to even. */
static void round_digits(decimal *x, int keep) {
  if (keep >= x->n) return;
  if (keep < 0) { /* below even the first kept place: 0 */
    x->n = 0;
    return;
  }
  int up;
  char next = x->d[keep];
  if (next != '5') {
    up = next > '5';
  } else {
    int beyond = 0; /* anything after the 5 makes it more than half */
    for (int i = keep + 1; i < x->n; ++i) beyond |= x->d[i] != '0';
    up = beyond || (keep > 0 && ((x->d[keep - 1] - '0') & 1));
  }
  x->n = keep;
  if (!up) {
    while (x->n > 0 && x->d[x->n - 1] == '0') --x->n;
    return;
  }
  int i = keep - 1;
  while (i >= 0 && x->d[i] == '9') --i;
  if (i < 0) { /* 999 -> 1000: one more integer digit */
    x->d[0] = '1';
    x->n = 1;
    x->point += 1;
    return;
  }
  x->d[i] += 1;
  x->n = i + 1;
}

/* The digit at `index` of the expansion, 0 past its end (and before it: a negative index). */
static char digit_at(const decimal *x, int index) {
  return index >= 0 && index < x->n ? x->d[index] : '0';
}

static int put_fixed(const decimal *x, int precision, int alt, char *out) {
  int len = 0;
  if (x->point <= 0 || x->n == 0) {
    out[len++] = '0';
  } else {
    for (int i = 0; i < x->point; ++i) out[len++] = digit_at(x, i);
  }
  if (precision > 0 || alt) out[len++] = '.';
  for (int i = 0; i < precision; ++i) out[len++] = x->n ? digit_at(x, x->point + i) : '0';
  return len;
}

static int put_exponent(const decimal *x, int precision, int alt, char e_char, char *out) {
  int len = 0;
  out[len++] = x->n ? x->d[0] : '0';
  if (precision > 0 || alt) out[len++] = '.';
  for (int i = 1; i <= precision; ++i) out[len++] = digit_at(x, i);
  int exponent = x->n ? x->point - 1 : 0;
  out[len++] = e_char;
  out[len++] = exponent < 0 ? '-' : '+';
  if (exponent < 0) exponent = -exponent;
  char tmp[6];
  int t = 0;
  do {
    tmp[t++] = (char)('0' + exponent % 10);
    exponent /= 10;
  } while (exponent);
  if (t < 2) tmp[t++] = '0'; /* at least two exponent digits */
  while (t) out[len++] = tmp[--t];
  return len;
}

int harbor_format_double(char *out, double v, char conversion, int precision, int alt,
                         int *negative) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  *negative = (int)(bits >> 63);
  int upper = conversion == 'F' || conversion == 'E' || conversion == 'G';
  if (((bits >> 52) & 0x7ff) == 0x7ff) { /* infinity or NaN: no digits, no zero padding */
    const char *word = (bits & ((1ull << 52) - 1)) ? (upper ? "NAN" : "nan")
                                                   : (upper ? "INF" : "inf");
    memcpy(out, word, 3);
    return -3;
  }
  if (precision < 0) precision = 6;
  if (precision > HARBOR_FLOAT_PRECISION_MAX) precision = HARBOR_FLOAT_PRECISION_MAX;

  static decimal x; /* 700 bytes: off the stack; a task has one thread */
  expand(v, &x);
  char lower = (char)(conversion | 0x20);
  if (lower == 'f') {
    round_digits(&x, x.point + precision);
    return put_fixed(&x, precision, alt, out);
  }
  if (lower == 'e') {
    round_digits(&x, precision + 1);
    return put_exponent(&x, precision, alt, upper ? 'E' : 'e', out);
  }
  /* %g (ISO C 7.21.6.1): P significant digits (0 means 1); X the exponent %e would have.
   * P > X >= -4: %f with precision P - 1 - X, else %e with P - 1; then, without '#', no
   * trailing zeros and no lone point. */
  int p = precision == 0 ? 1 : precision;
  round_digits(&x, p);
  int exponent = x.n ? x.point - 1 : 0;
  int len = (p > exponent && exponent >= -4)
                ? put_fixed(&x, p - 1 - exponent, alt, out)
                : put_exponent(&x, p - 1, alt, upper ? 'E' : 'e', out);
  if (!alt) {
    int e_at = len; /* where the exponent part starts, if any */
    for (int i = 0; i < len; ++i)
      if (out[i] == 'e' || out[i] == 'E') e_at = i;
    int point_at = -1;
    for (int i = 0; i < e_at; ++i)
      if (out[i] == '.') point_at = i;
    if (point_at >= 0) {
      int end = e_at;
      while (end > point_at + 1 && out[end - 1] == '0') --end;
      if (end == point_at + 1) end = point_at;
      memmove(out + end, out + e_at, (size_t)(len - e_at));
      len = end + (len - e_at);
    }
  }
  return len;
}
