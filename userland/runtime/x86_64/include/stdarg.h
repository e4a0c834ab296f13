/* stdarg.h - Harbor's bare-metal libc (docs/x86_64.md "Your own program on bare metal").
 * Variable arguments are the compiler's business: these are its builtins. */
#ifndef HARBOR_LIBC_STDARG_H
#define HARBOR_LIBC_STDARG_H

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_copy(dst, src) __builtin_va_copy(dst, src)
#define va_end(ap) __builtin_va_end(ap)

#endif /* HARBOR_LIBC_STDARG_H */
