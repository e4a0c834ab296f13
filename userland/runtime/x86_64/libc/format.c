/* userland/runtime/x86_64/libc/format.c - the printf engine (format.h) and the functions that
 * format into memory: snprintf, vsnprintf, sprintf, vsprintf.
 *
 * A conversion is read in four steps, as ISO C writes it: %[flags][width][.precision]
 * [length]conversion. Numbers are converted to digits right to left into a small buffer,
 * then laid out as: left padding, sign or 0x prefix, zeros (precision or the 0 flag), digits,
 * right padding. Supported: d i u x X o c s p f F e E g G %; flags - 0 + space #; width and
 * precision as digits or *; lengths hh h l ll z j t L. Floating point is exact and rounded as
 * glibc rounds (format_float.c). %a is not supported: it is printed as written and its double
 * is consumed, so the arguments after it stay right. */
#include "format.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

enum {
  kLeft = 1,   /* '-': pad on the right */
  kZero = 2,   /* '0': pad with zeros after the sign */
  kPlus = 4,   /* '+': a sign even for positive numbers */
  kSpace = 8,  /* ' ': a space where a positive number has no sign */
  kAlt = 16,   /* '#': 0 before octal, 0x before non-zero hex */
};

typedef struct {
  harbor_sink *sink;
  size_t count; /* bytes produced so far */
} output;

static void emit(output *out, const char *bytes, size_t n) {
  if (n == 0) return;
  out->sink->put(out->sink, bytes, n);
  out->count += n;
}

static void pad(output *out, char c, int n) {
  char chunk[32];
  for (int i = 0; i < (int)sizeof chunk; ++i) chunk[i] = c;
  while (n > 0) {
    int step = n < (int)sizeof chunk ? n : (int)sizeof chunk;
    emit(out, chunk, (size_t)step);
    n -= step;
  }
}

/* One field: [prefix][zeros][body], padded to `width` on the left or right. */
static void field(output *out, int flags, int width, const char *prefix, int zeros,
                  const char *body, int body_len) {
  int prefix_len = 0;
  while (prefix[prefix_len]) ++prefix_len;
  int len = prefix_len + zeros + body_len;
  if (!(flags & kLeft)) pad(out, ' ', width - len);
  emit(out, prefix, (size_t)prefix_len);
  pad(out, '0', zeros);
  emit(out, body, (size_t)body_len);
  if (flags & kLeft) pad(out, ' ', width - len);
}

/* An integer conversion. `negative` and `magnitude` are the value; `conversion` one of
 * d i u x X o p. */
static void integer(output *out, int flags, int width, int precision, char conversion,
                    int negative, uintmax_t magnitude) {
  char digits[32];
  int at = (int)sizeof digits;
  unsigned base = conversion == 'o' ? 8 : (conversion == 'x' || conversion == 'X' ||
                                           conversion == 'p') ? 16 : 10;
  const char *alphabet = conversion == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  for (uintmax_t v = magnitude; v != 0; v /= base) digits[--at] = alphabet[v % base];
  int len = (int)sizeof digits - at;
  /* ISO C: the precision is the minimum number of digits (default 1); 0 with precision 0 is
   * no digits at all. */
  if (precision < 0 && magnitude == 0) {
    digits[--at] = '0';
    len = 1;
  }

  const char *prefix = "";
  if (conversion == 'd' || conversion == 'i') {
    prefix = negative ? "-" : (flags & kPlus) ? "+" : (flags & kSpace) ? " " : "";
  } else if (conversion == 'p' || ((flags & kAlt) && magnitude != 0 && base == 16)) {
    prefix = conversion == 'X' ? "0X" : "0x";
  }
  int zeros = precision > len ? precision - len : 0;
  /* '#' with 'o': the first digit must be 0. */
  if (conversion == 'o' && (flags & kAlt) && zeros == 0 && (len == 0 || digits[at] != '0'))
    zeros = 1;
  /* The 0 flag pads with zeros to the width, unless a precision was given (ISO C). */
  if ((flags & kZero) && !(flags & kLeft) && precision < 0) {
    int prefix_len = prefix[0] ? (prefix[1] ? 2 : 1) : 0;
    int fill = width - prefix_len - len;
    if (fill > zeros) zeros = fill;
  }
  field(out, flags, width, prefix, zeros, digits + at, len);
}

/* Reads the value of an integer conversion with the given length modifier. */
static void read_integer(va_list *ap, const char *length, char conversion, int *negative,
                         uintmax_t *magnitude) {
  int is_signed = conversion == 'd' || conversion == 'i';
  intmax_t s = 0;
  uintmax_t u = 0;
  if (length[0] == 'h' && length[1] == 'h') {
    if (is_signed) s = (signed char)va_arg(*ap, int); else u = (unsigned char)va_arg(*ap, unsigned);
  } else if (length[0] == 'h') {
    if (is_signed) s = (short)va_arg(*ap, int); else u = (unsigned short)va_arg(*ap, unsigned);
  } else if (length[0] == 'l' && length[1] == 'l') {
    if (is_signed) s = va_arg(*ap, long long); else u = va_arg(*ap, unsigned long long);
  } else if (length[0] == 'l') {
    if (is_signed) s = va_arg(*ap, long); else u = va_arg(*ap, unsigned long);
  } else if (length[0] == 'z') {
    /* size_t; %zd is its signed counterpart, the same width. */
    if (is_signed) s = (long)va_arg(*ap, size_t); else u = va_arg(*ap, size_t);
  } else if (length[0] == 'j') {
    if (is_signed) s = va_arg(*ap, intmax_t); else u = va_arg(*ap, uintmax_t);
  } else if (length[0] == 't') {
    if (is_signed) s = va_arg(*ap, ptrdiff_t); else u = (uintmax_t)va_arg(*ap, ptrdiff_t);
  } else {
    if (is_signed) s = va_arg(*ap, int); else u = va_arg(*ap, unsigned);
  }
  if (is_signed) {
    *negative = s < 0;
    /* -INTMAX_MIN overflows; 0 - (unsigned) does not. */
    *magnitude = s < 0 ? (uintmax_t)0 - (uintmax_t)s : (uintmax_t)s;
  } else {
    *negative = 0;
    *magnitude = u;
  }
}

int harbor_format(harbor_sink *sink, const char *format, va_list ap_in) {
  output out = {sink, 0};
  va_list ap;
  va_copy(ap, ap_in);
  const char *p = format;
  while (*p) {
    /* 1. Plain text up to the next '%', in one piece. */
    const char *start = p;
    while (*p && *p != '%') ++p;
    emit(&out, start, (size_t)(p - start));
    if (!*p) break;
    const char *spec = p++;  /* the '%' */

    /* 2. Flags, width, precision, length. */
    int flags = 0;
    for (;; ++p) {
      if (*p == '-') flags |= kLeft;
      else if (*p == '0') flags |= kZero;
      else if (*p == '+') flags |= kPlus;
      else if (*p == ' ') flags |= kSpace;
      else if (*p == '#') flags |= kAlt;
      else break;
    }
    int width = 0;
    if (*p == '*') {
      width = va_arg(ap, int);
      if (width < 0) {  /* ISO C: a negative width is '-' and its absolute value */
        flags |= kLeft;
        width = width == INT_MIN ? INT_MAX : -width;
      }
      ++p;
    } else {
      while (*p >= '0' && *p <= '9') width = width > 100000 ? width : width * 10 + (*p++ - '0');
    }
    int precision = -1;
    if (*p == '.') {
      ++p;
      precision = 0;
      if (*p == '*') {
        precision = va_arg(ap, int);
        if (precision < 0) precision = -1;  /* as if none was given */
        ++p;
      } else {
        while (*p >= '0' && *p <= '9')
          precision = precision > 100000 ? precision : precision * 10 + (*p++ - '0');
      }
    }
    char length[3] = {0, 0, 0};
    if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l')) {
      length[0] = p[0];
      length[1] = p[1];
      p += 2;
    } else if (*p == 'h' || *p == 'l' || *p == 'z' || *p == 'j' || *p == 't' || *p == 'L') {
      length[0] = *p++;
    }

    /* 3. The conversion. */
    char conversion = *p;
    if (conversion) ++p;
    switch (conversion) {
      case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
        int negative;
        uintmax_t magnitude;
        read_integer(&ap, length, conversion, &negative, &magnitude);
        integer(&out, flags, width, precision, conversion, negative, magnitude);
        break;
      }
      case 'p': {
        void *pointer = va_arg(ap, void *);
        if (pointer == NULL) {  /* glibc's spelling, so both targets print the same */
          field(&out, flags & kLeft, width, "", 0, "(nil)", 5);
        } else {
          integer(&out, flags, width, precision, 'p', 0, (uintmax_t)(uintptr_t)pointer);
        }
        break;
      }
      case 'c': {
        char c = (char)va_arg(ap, int);
        field(&out, flags & kLeft, width, "", 0, &c, 1);
        break;
      }
      case 's': {
        const char *s = va_arg(ap, const char *);
        /* glibc prints (null) when the precision leaves room for it, else nothing. */
        if (s == NULL) s = precision < 0 || precision >= 6 ? "(null)" : "";
        int len = 0;  /* never reads past the precision: the text need not end in NUL */
        while ((precision < 0 || len < precision) && s[len]) ++len;
        field(&out, flags & kLeft, width, "", 0, s, len);
        break;
      }
      case '%':
        emit(&out, "%", 1);
        break;
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
        /* long double (%Lf) is printed through double: its extra bits are not shown. */
        double v = length[0] == 'L' ? (double)va_arg(ap, long double) : va_arg(ap, double);
        static char digits[HARBOR_FLOAT_BUFFER];
        int negative;
        int len = harbor_format_double(digits, v, conversion, precision, flags & kAlt,
                                       &negative);
        const char *prefix = negative ? "-" : (flags & kPlus) ? "+" : (flags & kSpace) ? " " : "";
        int zeros = 0;
        if (len < 0) {  /* inf, nan: spaces only */
          len = -len;
        } else if ((flags & kZero) && !(flags & kLeft)) {
          int fill = width - (prefix[0] ? 1 : 0) - len;
          if (fill > 0) zeros = fill;
        }
        field(&out, flags, width, prefix, zeros, digits, len);
        break;
      }
      case 'a': case 'A':
        /* Not supported: shown as written; its double is consumed so the next ones line up. */
        if (length[0] == 'L') (void)va_arg(ap, long double); else (void)va_arg(ap, double);
        emit(&out, spec, (size_t)(p - spec));
        break;
      default:
        /* An unknown conversion (or a lone % at the end) is printed as written. */
        emit(&out, spec, (size_t)(p - spec));
        break;
    }
    if (out.count > (size_t)INT_MAX) break;
  }
  va_end(ap);
  return out.count > (size_t)INT_MAX ? -1 : (int)out.count;
}

/* The memory sink: copies what fits (leaving room for the NUL), counts the rest. */
typedef struct {
  harbor_sink sink;
  char *buffer;
  size_t size; /* the caller's size, NUL included */
  size_t used; /* bytes copied so far */
} memory_sink;

static void memory_put(harbor_sink *self, const char *bytes, size_t n) {
  memory_sink *m = (memory_sink *)self;
  size_t room = m->size > 0 ? m->size - 1 - m->used : 0;
  size_t take = n < room ? n : room;
  for (size_t i = 0; i < take; ++i) m->buffer[m->used + i] = bytes[i];
  m->used += take;
}

int vsnprintf(char *out, size_t size, const char *format, va_list ap) {
  memory_sink m = {{memory_put}, out, size, 0};
  int n = harbor_format(&m.sink, format, ap);
  if (size > 0) out[m.used] = '\0';
  return n;
}

int snprintf(char *out, size_t size, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(out, size, format, ap);
  va_end(ap);
  return n;
}

/* sprintf trusts the caller's buffer to be large enough, as ISO C's does. */
int vsprintf(char *out, const char *format, va_list ap) {
  return vsnprintf(out, (size_t)INT_MAX + 1, format, ap);
}

int sprintf(char *out, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vsprintf(out, format, ap);
  va_end(ap);
  return n;
}
