/* inttypes.h - Harbor's bare-metal libc (docs/x86_64.md "Your own program on bare metal"):
 * the printf macros for <stdint.h>'s types, e.g. printf("%" PRIu64 "\n", n). x86-64 is LP64:
 * int64_t is long, int32_t is int. */
#ifndef HARBOR_LIBC_INTTYPES_H
#define HARBOR_LIBC_INTTYPES_H

#include <stdint.h>

#define PRId8 "d"
#define PRId16 "d"
#define PRId32 "d"
#define PRId64 "ld"
#define PRIi8 "i"
#define PRIi16 "i"
#define PRIi32 "i"
#define PRIi64 "li"
#define PRIu8 "u"
#define PRIu16 "u"
#define PRIu32 "u"
#define PRIu64 "lu"
#define PRIx8 "x"
#define PRIx16 "x"
#define PRIx32 "x"
#define PRIx64 "lx"
#define PRIX8 "X"
#define PRIX16 "X"
#define PRIX32 "X"
#define PRIX64 "lX"
#define PRIo8 "o"
#define PRIo16 "o"
#define PRIo32 "o"
#define PRIo64 "lo"
#define PRIdMAX "jd"
#define PRIuMAX "ju"
#define PRIxMAX "jx"
#define PRIdPTR "ld"
#define PRIuPTR "lu"
#define PRIxPTR "lx"

#endif /* HARBOR_LIBC_INTTYPES_H */
