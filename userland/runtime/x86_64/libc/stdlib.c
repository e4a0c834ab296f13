/* userland/runtime/x86_64/libc/stdlib.c - <stdlib.h>'s conversions and small helpers:
 * strtol & co., atoi & co., abs, div, qsort, bsearch, rand. (exit and abort: exit.c.) */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* The strto* functions share one reader. ISO C's steps:
 *   1. skip white space; 2. an optional + or -; 3. with base 16 or 0, an optional 0x or 0X
 *   (only when a hex digit follows: "0x" alone is the number 0 followed by "x"); base 0
 *   then means 16 after 0x, 8 after a leading 0, else 10; 4. the longest run of digits of
 *   the base. *end points after the last digit, or at the start of s if there were none
 *   (then the value is 0). A base other than 0 or 2..36 is EINVAL.
 * The magnitude is read into an unsigned long long; `overflow` says it did not fit. Each
 * function then clamps to its own type's range and sets ERANGE. */
static unsigned long long read_number(const char *s, char **end, int base, int *negative,
                                      int *overflow) {
  const char *p = s;
  *negative = 0;
  *overflow = 0;
  if (end) *end = (char *)s;
  if (base < 0 || base == 1 || base > 36) {
    errno = EINVAL;
    return 0;
  }
  while (isspace((unsigned char)*p)) ++p;
  if (*p == '+' || *p == '-') *negative = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
      isxdigit((unsigned char)p[2])) {
    p += 2;
    base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  unsigned long long value = 0;
  const char *first = p;
  for (;; ++p) {
    int c = (unsigned char)*p, digit;
    if (isdigit(c)) digit = c - '0';
    else if (isalpha(c)) digit = tolower(c) - 'a' + 10;
    else break;
    if (digit >= base) break;
    if (value > (ULLONG_MAX - (unsigned)digit) / (unsigned)base) *overflow = 1;
    else value = value * (unsigned)base + (unsigned)digit;
  }
  if (p == first) return 0;  /* no digits: nothing was read */
  if (end) *end = (char *)p;
  return value;
}

/* A signed result in [min, max]: max + 1 is still in range when negative. */
static long long clamp_signed(unsigned long long magnitude, int negative, int overflow,
                              long long min, long long max) {
  unsigned long long limit = negative ? (unsigned long long)max + 1 : (unsigned long long)max;
  if (overflow || magnitude > limit) {
    errno = ERANGE;
    return negative ? min : max;
  }
  return negative ? (long long)(0 - magnitude) : (long long)magnitude;
}

/* An unsigned result: a '-' negates in the unsigned type (strtoul("-1") is ULONG_MAX). */
static unsigned long long clamp_unsigned(unsigned long long magnitude, int negative,
                                         int overflow, unsigned long long max) {
  if (overflow || magnitude > max) {
    errno = ERANGE;
    return max;
  }
  return negative ? (0 - magnitude) & max : magnitude;
}

long strtol(const char *s, char **end, int base) {
  int negative, overflow;
  unsigned long long m = read_number(s, end, base, &negative, &overflow);
  return (long)clamp_signed(m, negative, overflow, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *s, char **end, int base) {
  int negative, overflow;
  unsigned long long m = read_number(s, end, base, &negative, &overflow);
  return clamp_signed(m, negative, overflow, LLONG_MIN, LLONG_MAX);
}

unsigned long strtoul(const char *s, char **end, int base) {
  int negative, overflow;
  unsigned long long m = read_number(s, end, base, &negative, &overflow);
  return (unsigned long)clamp_unsigned(m, negative, overflow, ULONG_MAX);
}

unsigned long long strtoull(const char *s, char **end, int base) {
  int negative, overflow;
  unsigned long long m = read_number(s, end, base, &negative, &overflow);
  return clamp_unsigned(m, negative, overflow, ULLONG_MAX);
}

int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
long long atoll(const char *s) { return strtoll(s, NULL, 10); }

int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }
long long llabs(long long v) { return v < 0 ? -v : v; }

div_t div(int numerator, int denominator) {
  div_t r = {numerator / denominator, numerator % denominator};
  return r;
}

ldiv_t ldiv(long numerator, long denominator) {
  ldiv_t r = {numerator / denominator, numerator % denominator};
  return r;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    unsigned char t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
}

/* Moves element `root` down the max-heap of the first `count` elements. */
static void sift_down(unsigned char *base, size_t root, size_t count, size_t size,
                      int (*compare)(const void *, const void *)) {
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= count) return;
    if (child + 1 < count && compare(base + child * size, base + (child + 1) * size) < 0)
      ++child;
    if (compare(base + root * size, base + child * size) >= 0) return;
    swap_bytes(base + root * size, base + child * size, size);
    root = child;
  }
}

/* Heapsort: O(n log n) always, no memory beyond the array, not stable (ISO C does not ask
 * qsort to be; glibc's is not either in general). */
void qsort(void *array, size_t count, size_t size, int (*compare)(const void *, const void *)) {
  unsigned char *base = (unsigned char *)array;
  if (count < 2 || size == 0) return;
  for (size_t i = count / 2; i-- > 0;) sift_down(base, i, count, size, compare);
  for (size_t end = count - 1; end > 0; --end) {
    swap_bytes(base, base + end * size, size);
    sift_down(base, 0, end, size, compare);
  }
}

void *bsearch(const void *key, const void *array, size_t count, size_t size,
              int (*compare)(const void *, const void *)) {
  const unsigned char *base = (const unsigned char *)array;
  size_t low = 0, high = count;
  while (low < high) {
    size_t mid = low + (high - low) / 2;
    int c = compare(key, base + mid * size);
    if (c == 0) return (void *)(base + mid * size);
    if (c < 0) high = mid;
    else low = mid + 1;
  }
  return NULL;
}

/* A linear congruential generator (the constants of ISO C's example rand), 31 bits out. */
static unsigned long long g_seed = 1;

int rand(void) {
  g_seed = g_seed * 1103515245ull + 12345ull;
  return (int)((g_seed >> 16) & RAND_MAX);
}

void srand(unsigned seed) { g_seed = seed; }
