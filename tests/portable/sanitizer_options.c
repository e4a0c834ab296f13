/* tests/portable/sanitizer_options.c - linked into the hosted build of fault.c only.
 *
 * fault's children crash on purpose, and the kernel must see each crash as the signal that
 * kills the process (a killed child reports minus the signal: SPEC 3). The sanitizer
 * runtimes catch SIGSEGV, SIGFPE and SIGBUS to print a report and exit with a positive code;
 * these defaults hand the signals back to the host. ASAN_OPTIONS / TSAN_OPTIONS still
 * override them. In a build without sanitizers nothing calls these functions. */
const char *__asan_default_options(void);
const char *__tsan_default_options(void);

#define T_DEFAULT_SIGNALS "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0"

const char *__asan_default_options(void) { return T_DEFAULT_SIGNALS; }
const char *__tsan_default_options(void) { return T_DEFAULT_SIGNALS; }
