/* userland/examples/example.h - the few helpers every example program shares.
 *
 * The examples are written only against harbor/sys.h and harbor/runtime.h; this header adds
 * printing with a format (the console is hb_debug_write) and reading the start message.
 */
#ifndef HARBOR_EXAMPLE_H
#define HARBOR_EXAMPLE_H

#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints one formatted line to the console (a newline is added). */
static inline void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line - 1, format, args);
  va_end(args);
  if (n < 0) return;
  if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
  line[n] = '\n';
  hb_debug_write(line, (uint32_t)n + 1);
}

/* Reads the start message; ends the task with code 100 if there is none, or if it carries
 * fewer than `handles_needed` handles (the scenario forgot to wire this program). */
static inline hb_start_info start_or_exit(const char *program, uint32_t handles_needed) {
  hb_start_info start;
  hb_status_t s = hb_start_args(&start);
  if (s != HB_OK) {
    say("%s: no start message: %s", program, hb_strerror(s));
    hb_task_exit(100);
  }
  if (start.handle_count < handles_needed) {
    say("%s: needs %u handle(s) in its start message, got %u", program, handles_needed,
        start.handle_count);
    hb_task_exit(100);
  }
  return start;
}

/* Argument `i` as a number, or `fallback` when it is missing. */
static inline long arg_number(const hb_start_info *start, uint32_t i, long fallback) {
  return i < start->argc ? strtol(start->argv[i], NULL, 10) : fallback;
}

/* Lets every other task run a few times (to arrange who waits for whom in a demo). */
static inline void let_others_run(int times) {
  for (int i = 0; i < times; ++i) hb_yield();
}

#endif /* HARBOR_EXAMPLE_H */
