/* string.h - Harbor's bare-metal libc. memcpy, memmove, memset, memcmp, strlen and strcmp are
 * arch/x86_64/string.cc (shared with the kernel); the rest is libc/string.c. No strdup (it
 * needs malloc). */
#ifndef HARBOR_LIBC_STRING_H
#define HARBOR_LIBC_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strtok(char *s, const char *separators);
char *strerror(int errnum);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_LIBC_STRING_H */
