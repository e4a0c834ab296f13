/* stdlib.h - Harbor's bare-metal libc: number conversions, memory (malloc & co., in grant
 * regions: libc/malloc.c), exit, sorting, pseudo-random numbers. No getenv, no system: they
 * are not declared, so using them fails to compile.
 *
 * exit(code) flushes stdout, runs the atexit handlers and the static destructors, and ends
 * the task with `code` (as returning from main does); abort() ends it with -6, the code a
 * hosted task killed by SIGABRT reports. rand() is a 31-bit linear congruential generator:
 * the same sequence on every run for a seed, not glibc's sequence. */
#ifndef HARBOR_LIBC_STDLIB_H
#define HARBOR_LIBC_STDLIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647

typedef struct {
  int quot, rem;
} div_t;
typedef struct {
  long quot, rem;
} ldiv_t;

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

int abs(int v);
long labs(long v);
long long llabs(long long v);
div_t div(int numerator, int denominator);
ldiv_t ldiv(long numerator, long denominator);

void qsort(void *base, size_t count, size_t size, int (*compare)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*compare)(const void *, const void *));

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size); /* (NULL, n): malloc; (p, 0): free, NULL */
void free(void *p);

int rand(void);
void srand(unsigned seed);

int atexit(void (*handler)(void));
__attribute__((__noreturn__)) void exit(int code);
__attribute__((__noreturn__)) void abort(void);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_LIBC_STDLIB_H */
