/* userland/runtime/x86_64/libc/stdio.c - stdout and stderr on the console (<stdio.h>).
 *
 * The console is hb_debug_write: one system call per write, each written whole (the kernel
 * takes up to 4096 bytes at a time). stdout keeps a line in its buffer and writes it at the
 * '\n', so a printf that builds a line in pieces is still one write and lines of two tasks
 * do not mix mid-line; stderr writes at the end of each call (one fprintf, one write), after
 * what stdout holds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <harbor/sys.h>

#include "format.h"

enum { kBufferSize = 256, kWriteMax = 4096 };

struct harbor_file {
  int line_buffered; /* stdout: 1; stderr: 0 (unbuffered) */
  size_t used;
  char buffer[kBufferSize];
};

static FILE g_stdout = {1, 0, {0}};
static FILE g_stderr = {0, 0, {0}};
FILE *stdout = &g_stdout;
FILE *stderr = &g_stderr;

static int console_write(const char *bytes, size_t n) {
  while (n > 0) {
    uint32_t step = n < kWriteMax ? (uint32_t)n : kWriteMax;
    if (hb_debug_write(bytes, step) != HB_OK) return EOF;
    bytes += step;
    n -= step;
  }
  return 0;
}

int fflush(FILE *stream) {
  if (stream == NULL) return fflush(stdout) | fflush(stderr);
  size_t used = stream->used;
  stream->used = 0;
  return used ? console_write(stream->buffer, used) : 0;
}

/* Appends to the stream; stdout writes at each '\n' and whenever its buffer is full. */
static int stream_put(FILE *stream, const char *bytes, size_t n) {
  int status = 0;
  if (!stream->line_buffered && stream->used == 0) status |= fflush(stdout);  /* came first */
  for (size_t i = 0; i < n; ++i) {
    stream->buffer[stream->used++] = bytes[i];
    if ((bytes[i] == '\n' && stream->line_buffered) || stream->used == kBufferSize)
      status |= fflush(stream);
  }
  return status;
}

/* The end of one call (one printf, one fputs...): stderr writes what the call produced, in
 * as few writes as its buffer allows, so that a message is not cut into pieces. */
static int stream_done(FILE *stream, int status) {
  if (!stream->line_buffered) status |= fflush(stream);
  return status;
}

typedef struct {
  harbor_sink sink;
  FILE *stream;
  int status;
} stream_sink;

static void stream_sink_put(harbor_sink *self, const char *bytes, size_t n) {
  stream_sink *s = (stream_sink *)self;
  s->status |= stream_put(s->stream, bytes, n);
}

int vfprintf(FILE *stream, const char *format, va_list ap) {
  stream_sink s = {{stream_sink_put}, stream, 0};
  int n = harbor_format(&s.sink, format, ap);
  return stream_done(stream, s.status) ? EOF : n;
}

int fprintf(FILE *stream, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vfprintf(stream, format, ap);
  va_end(ap);
  return n;
}

int vprintf(const char *format, va_list ap) { return vfprintf(stdout, format, ap); }

int printf(const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vfprintf(stdout, format, ap);
  va_end(ap);
  return n;
}

int fputs(const char *s, FILE *stream) {
  return stream_done(stream, stream_put(stream, s, strlen(s))) == 0 ? 1 : EOF;
}

int puts(const char *s) {
  int status = stream_put(stdout, s, strlen(s));
  return stream_put(stdout, "\n", 1) == 0 && status == 0 ? 1 : EOF;
}

int fputc(int c, FILE *stream) {
  char byte = (char)c;
  return stream_done(stream, stream_put(stream, &byte, 1)) == 0 ? (unsigned char)byte : EOF;
}

int putc(int c, FILE *stream) { return fputc(c, stream); }

int putchar(int c) { return fputc(c, stdout); }

size_t fwrite(const void *data, size_t size, size_t count, FILE *stream) {
  if (size == 0 || count == 0) return 0;
  int status = stream_put(stream, (const char *)data, size * count);
  return stream_done(stream, status) == 0 ? count : 0;
}

void perror(const char *prefix) {
  if (prefix && *prefix) fprintf(stderr, "%s: %s\n", prefix, strerror(errno));
  else fprintf(stderr, "%s\n", strerror(errno));
}
