/* stdio.h - Harbor's bare-metal libc: formatted output to the console.
 *
 * There is one device, the console (hb_debug_write, the serial port under QEMU): stdout and
 * stderr both go there. stdout is line-buffered (written at each '\n', when its buffer is
 * full, by fflush, and when the task exits through main's return, exit or hb_task_exit);
 * stderr is unbuffered and writes stdout's pending line first, so the two stay in order.
 * There is no input and no file: fopen, scanf, getchar are not declared, so a program that
 * uses them fails to compile, not to link.
 *
 * printf and friends: conversions d i u x X o c s p f F e E g G %, flags - 0 + space #,
 * width and precision (digits or *), length modifiers hh h l ll z j t L; floating point is
 * correctly rounded, glibc's digits (%Lf goes through double); %a is not supported (it
 * prints itself and consumes its double). docs/x86_64.md has the details.
 */
#ifndef HARBOR_LIBC_STDIO_H
#define HARBOR_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct harbor_file FILE;
extern FILE *stdout;
extern FILE *stderr;

#define EOF (-1)

#define HARBOR_PRINTF(fmt, args) __attribute__((__format__(__printf__, fmt, args)))

int printf(const char *format, ...) HARBOR_PRINTF(1, 2);
int fprintf(FILE *stream, const char *format, ...) HARBOR_PRINTF(2, 3);
int sprintf(char *out, const char *format, ...) HARBOR_PRINTF(2, 3);
int snprintf(char *out, size_t size, const char *format, ...) HARBOR_PRINTF(3, 4);
int vprintf(const char *format, va_list ap) HARBOR_PRINTF(1, 0);
int vfprintf(FILE *stream, const char *format, va_list ap) HARBOR_PRINTF(2, 0);
int vsprintf(char *out, const char *format, va_list ap) HARBOR_PRINTF(2, 0);
int vsnprintf(char *out, size_t size, const char *format, va_list ap) HARBOR_PRINTF(3, 0);

int puts(const char *s);
int putchar(int c);
int fputs(const char *s, FILE *stream);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
size_t fwrite(const void *data, size_t size, size_t count, FILE *stream);
int fflush(FILE *stream); /* NULL: every stream */
void perror(const char *prefix);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_LIBC_STDIO_H */
