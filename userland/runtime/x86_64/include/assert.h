/* assert.h - Harbor's bare-metal libc. A failed assert prints
 * "FILE:LINE: FUNCTION: Assertion `EXPR' failed." on stderr, as glibc does, and aborts (the
 * task ends with -6). NDEBUG turns it off. Not guarded: each inclusion looks at NDEBUG anew. */
#undef assert
#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
#ifdef __cplusplus
extern "C"
#endif
__attribute__((__noreturn__)) void harbor_assert_fail(const char *expr, const char *file,
                                                     int line, const char *function);
#define assert(expr) ((expr) ? (void)0 : harbor_assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif
#if !defined(__cplusplus) && !defined(static_assert)
#define static_assert _Static_assert
#endif
