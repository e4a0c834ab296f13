/* stddef.h - Harbor's bare-metal libc (userland/runtime/x86_64/include, docs/x86_64.md "Your
 * own program on bare metal"). The types come from the compiler's own predefined macros, so
 * this header needs no other header and matches what the compiler assumes. */
#ifndef HARBOR_LIBC_STDDEF_H
#define HARBOR_LIBC_STDDEF_H

typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
#ifndef __cplusplus
typedef __WCHAR_TYPE__ wchar_t;
#endif

/* The type with the strictest alignment of all scalar types (C11). */
typedef struct {
  long long harbor_ll __attribute__((__aligned__(__alignof__(long long))));
  long double harbor_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;

#ifdef __cplusplus
#define NULL __null
#else
#define NULL ((void *)0)
#endif

#define offsetof(type, member) __builtin_offsetof(type, member)

#endif /* HARBOR_LIBC_STDDEF_H */
