/* userland/examples/course.h - the helpers shared by the course's example programs
 * (docs/course/): printing, arguments, and starting this same program in another role.
 *
 * Unlike example.h it uses no libc beyond <stdarg.h> and <stdint.h>, so that the same
 * source builds for the hosted runtime (harbor-emu exec NAME) and for bare metal
 * (tests/course/qemu boots them under QEMU). Only one thing differs between the targets:
 * how a program names itself to hb_task_spawn (see course_self).
 */
#ifndef HARBOR_COURSE_H
#define HARBOR_COURSE_H

#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <stdarg.h>
#include <stdint.h>

#ifndef COURSE_IMAGE
#include <unistd.h> /* readlink: hosted only */
#endif

static inline uint32_t course_len(const char *s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}

static inline int course_same(const char *a, const char *b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

/* Appends `v` in decimal to line[*at..cap). */
static inline void course_put_u64(char *line, uint32_t cap, uint32_t *at, uint64_t v) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (n && *at < cap) line[(*at)++] = digits[--n];
}

/* Prints one line (a newline is added). The format knows only what the examples use:
 * %s, %d (int), %u (unsigned), %llu (unsigned long long), %% . */
static inline void say(const char *format, ...) {
  char line[256];
  uint32_t at = 0, cap = sizeof line - 1;
  va_list args;
  va_start(args, format);
  for (const char *f = format; *f && at < cap; ++f) {
    if (*f != '%') {
      line[at++] = *f;
      continue;
    }
    ++f;
    if (*f == 's') {
      for (const char *s = va_arg(args, const char *); *s && at < cap; ++s) line[at++] = *s;
    } else if (*f == 'd') {
      int v = va_arg(args, int);
      if (v < 0 && at < cap) line[at++] = '-';
      course_put_u64(line, cap, &at, v < 0 ? 0 - (uint64_t)(int64_t)v : (uint64_t)v);
    } else if (*f == 'u') {
      course_put_u64(line, cap, &at, va_arg(args, unsigned));
    } else if (f[0] == 'l' && f[1] == 'l' && f[2] == 'u') {
      course_put_u64(line, cap, &at, va_arg(args, unsigned long long));
      f += 2;
    } else if (*f == '%') {
      line[at++] = '%';
    } else {
      break; /* an unknown conversion: stop rather than read a wrong argument */
    }
  }
  va_end(args);
  line[at++] = '\n';
  hb_debug_write(line, at);
}

/* Ends the task with code 1 and a message when `s` is not HB_OK. */
static inline void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("%s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

/* The start message (arguments and initial handles); ends the task if there is none. */
static inline hb_start_info course_start(void) {
  hb_start_info start;
  must(hb_start_args(&start), "start message");
  return start;
}

/* Argument `i` as a decimal number, or `fallback` when it is missing or empty. */
static inline uint64_t course_arg(const hb_start_info *start, uint32_t i, uint64_t fallback) {
  if (i >= start->argc || !start->argv[i][0]) return fallback;
  uint64_t v = 0;
  for (const char *p = start->argv[i]; *p >= '0' && *p <= '9'; ++p) v = v * 10 + (uint64_t)(*p - '0');
  return v;
}

/* Is argument 0 `role`? A program started with no role is the parent. */
static inline int course_role_is(const hb_start_info *start, const char *role) {
  return start->argc >= 1 && course_same(start->argv[0], role);
}

/* This program's image, for hb_task_spawn: hosted, an executable path (our own, from
 * /proc/self/exe); bare metal, the name the boot image knows it by (COURSE_IMAGE, set by
 * tests/course/qemu/CMakeLists.txt). */
static inline const char *course_self(void) {
#ifdef COURSE_IMAGE
  return COURSE_IMAGE;
#else
  static char self[4096];
  if (!self[0]) {
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
    self[n] = 0;
  }
  return self;
#endif
}

/* Starts this same program as `role` with two number arguments (argv[1], argv[2]) and
 * `count` handles (moved into the child's start message: its initial capabilities). */
static inline hb_task_id_t course_spawn(const char *role, uint64_t a, uint64_t b,
                                        const hb_handle_t *handles, uint32_t count) {
  char args[96]; /* "ROLE\0A\0B\0" */
  uint32_t at = 0, n = course_len(role);
  for (uint32_t i = 0; i < n && at < 40; ++i) args[at++] = role[i];
  args[at++] = 0;
  course_put_u64(args, sizeof args - 1, &at, a);
  args[at++] = 0;
  course_put_u64(args, sizeof args - 1, &at, b);
  args[at++] = 0;
  hb_msg_out m = {args, at, count, handles};
  hb_task_id_t child = 0;
  must(hb_task_spawn(course_self(), &m, &child), "spawn");
  return child;
}

/* Waits for a child and returns its exit code. */
static inline int32_t course_wait(hb_task_id_t child) {
  int32_t code = -1;
  must(hb_task_wait(child, &code, HB_FOREVER), "wait for a child");
  return code;
}

/* A duplicate of `h` with exactly `rights` (add HB_RIGHT_TRANSFER to send it on). */
static inline hb_handle_t course_dup(hb_handle_t h, uint32_t rights) {
  hb_handle_t out = HB_INVALID;
  must(hb_handle_dup(h, rights, &out), "dup");
  return out;
}

/* Nanoseconds as microseconds, for printing. */
static inline unsigned long long course_us(hb_time_t ns) { return (unsigned long long)(ns / 1000); }

#endif /* HARBOR_COURSE_H */
