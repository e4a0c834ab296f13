/* userland/runtime/x86_64/libc/format.h - the printf engine shared by every printf-like
 * function of the bare-metal libc (format.c). It formats into a sink: vsnprintf's sink copies
 * into the caller's buffer (and counts what did not fit), the FILE sink into stdout's line
 * buffer (stdio.c). */
#ifndef HARBOR_LIBC_FORMAT_H
#define HARBOR_LIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef struct harbor_sink {
  /* Takes n bytes of output (not NUL-terminated). */
  void (*put)(struct harbor_sink *self, const char *bytes, size_t n);
} harbor_sink;

/* Formats `format` with `ap` into `sink`; returns the number of bytes produced (as printf
 * does), or -1 if that number would not fit in an int (nothing more is produced then). */
int harbor_format(harbor_sink *sink, const char *format, va_list ap);

/* %f %F %e %E %g %G of v into `out` (at least HARBOR_FLOAT_BUFFER bytes), without its sign:
 * returns the length, or minus it for inf/nan (which are never padded with zeros);
 * *negative is v's sign bit. A precision < 0 means the default (6); above
 * HARBOR_FLOAT_PRECISION_MAX it is that (format_float.c). */
#define HARBOR_FLOAT_PRECISION_MAX 1100
#define HARBOR_FLOAT_BUFFER 1500
int harbor_format_double(char *out, double v, char conversion, int precision, int alt,
                         int *negative);

#endif /* HARBOR_LIBC_FORMAT_H */
