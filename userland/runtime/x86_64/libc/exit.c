/* userland/runtime/x86_64/libc/exit.c - how a bare-metal program ends: exit, abort, atexit,
 * and the failure of assert.
 *
 * exit(code) does what returning `code` from main does (start.S): stdout is flushed, the
 * atexit handlers and static destructors run (harbor_run_fini_array, init_array.cc), then
 * hb_task_exit(code), which flushes again and never returns. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include <harbor/sys.h>

void harbor_run_fini_array(void);                                  /* init_array.cc */
int __cxa_atexit(void (*fn)(void *), void *arg, void *dso_handle); /* init_array.cc */

void exit(int code) {
  fflush(NULL);
  harbor_run_fini_array();
  hb_task_exit(code);
  __builtin_unreachable();
}

/* -6: what a hosted task killed by SIGABRT reports, so a test sees the same code on both. */
void abort(void) {
  fflush(NULL);
  hb_task_exit(-6);
  __builtin_unreachable();
}

/* atexit handlers share __cxa_atexit's list with C++ destructors: they run in one reverse
 * order of registration, as ISO C and C++ ask. */
static void call_handler(void *handler) { ((void (*)(void))handler)(); }

int atexit(void (*handler)(void)) {
  return __cxa_atexit(call_handler, (void *)handler, NULL) == 0 ? 0 : -1;
}

void harbor_assert_fail(const char *expr, const char *file, int line, const char *function) {
  fprintf(stderr, "%s:%d: %s: Assertion `%s' failed.\n", file, line, function, expr);
  abort();
}
