/* userland/runtime/x86_64/libc/string.c - <string.h> beyond what arch/x86_64/string.cc has
 * (memcpy, memmove, memset, memcmp, strlen, strcmp, shared with the kernel). Plain loops:
 * a course program's strings are short, and a student can read each function in a breath. */
#include <errno.h>
#include <string.h>

void *memchr(const void *s, int c, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n; ++i)
    if (p[i] == (unsigned char)c) return (void *)(p + i);
  return NULL;
}

size_t strnlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) ++n;
  return n;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x != y) return x < y ? -1 : 1;
    if (x == '\0') return 0;
  }
  return 0;
}

char *strcpy(char *dst, const char *src) {
  size_t i = 0;
  for (; src[i]; ++i) dst[i] = src[i];
  dst[i] = '\0';
  return dst;
}

/* ISO C: copies at most n bytes, and pads with NULs up to n; no NUL if src is n or longer. */
char *strncpy(char *dst, const char *src, size_t n) {
  size_t i = 0;
  for (; i < n && src[i]; ++i) dst[i] = src[i];
  for (; i < n; ++i) dst[i] = '\0';
  return dst;
}

char *strcat(char *dst, const char *src) {
  strcpy(dst + strlen(dst), src);
  return dst;
}

/* Appends at most n bytes of src, then always a NUL. */
char *strncat(char *dst, const char *src, size_t n) {
  char *end = dst + strlen(dst);
  size_t i = 0;
  for (; i < n && src[i]; ++i) end[i] = src[i];
  end[i] = '\0';
  return dst;
}

/* The terminating NUL counts as part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c) {
  for (;; ++s) {
    if (*s == (char)c) return (char *)s;
    if (*s == '\0') return NULL;
  }
}

char *strrchr(const char *s, int c) {
  const char *last = NULL;
  for (;; ++s) {
    if (*s == (char)c) last = s;
    if (*s == '\0') return (char *)last;
  }
}

char *strstr(const char *haystack, const char *needle) {
  size_t n = strlen(needle);
  if (n == 0) return (char *)haystack;
  for (; *haystack; ++haystack)
    if (*haystack == *needle && strncmp(haystack, needle, n) == 0) return (char *)haystack;
  return NULL;
}

size_t strspn(const char *s, const char *accept) {
  size_t n = 0;
  while (s[n] && strchr(accept, s[n])) ++n;
  return n;
}

size_t strcspn(const char *s, const char *reject) {
  size_t n = 0;
  while (s[n] && !strchr(reject, s[n])) ++n;
  return n;
}

char *strpbrk(const char *s, const char *accept) {
  s += strcspn(s, accept);
  return *s ? (char *)s : NULL;
}

/* Splits s into tokens: the first call names the string, later calls pass NULL and go on
 * where the last one stopped (one saved position: a task has one thread). */
char *strtok(char *s, const char *separators) {
  static char *next;
  if (s == NULL) s = next;
  if (s == NULL) return NULL;
  s += strspn(s, separators);
  if (*s == '\0') {
    next = NULL;
    return NULL;
  }
  char *end = s + strcspn(s, separators);
  if (*end) {
    *end = '\0';
    next = end + 1;
  } else {
    next = NULL;
  }
  return s;
}

/* glibc's words for the numbers of <errno.h>, so that both targets print the same. */
char *strerror(int errnum) {
  switch (errnum) {
    case 0: return (char *)"Success";
    case EPERM: return (char *)"Operation not permitted";
    case ENOENT: return (char *)"No such file or directory";
    case EIO: return (char *)"Input/output error";
    case EBADF: return (char *)"Bad file descriptor";
    case EAGAIN: return (char *)"Resource temporarily unavailable";
    case ENOMEM: return (char *)"Cannot allocate memory";
    case EACCES: return (char *)"Permission denied";
    case EFAULT: return (char *)"Bad address";
    case EBUSY: return (char *)"Device or resource busy";
    case EEXIST: return (char *)"File exists";
    case EINVAL: return (char *)"Invalid argument";
    case ENOSPC: return (char *)"No space left on device";
    case EPIPE: return (char *)"Broken pipe";
    case EDOM: return (char *)"Numerical argument out of domain";
    case ERANGE: return (char *)"Numerical result out of range";
    case ENOSYS: return (char *)"Function not implemented";
    case ETIMEDOUT: return (char *)"Connection timed out";
    default: return (char *)"Unknown error";
  }
}
