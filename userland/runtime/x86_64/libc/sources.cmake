# userland/runtime/x86_64/libc/sources.cmake - the bare-metal libc: its sources, its headers,
# and the names it defines. Included by arch/x86_64/CMakeLists.txt (into harbor_user_x86_64)
# and tests/baremetal (the same sources in a host GoogleTest, each name renamed so that it does
# not meet glibc's: -Dprintf=hbt_printf ...).
set(HARBOR_LIBC_DIR ${CMAKE_CURRENT_LIST_DIR})
set(HARBOR_LIBC_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/../include)
# Pure functions: no system call, testable on the host as they are.
set(HARBOR_LIBC_PURE_SOURCES ${HARBOR_LIBC_DIR}/format.c ${HARBOR_LIBC_DIR}/format_float.c
    ${HARBOR_LIBC_DIR}/string.c
    ${HARBOR_LIBC_DIR}/stdlib.c ${HARBOR_LIBC_DIR}/ctype.c ${HARBOR_LIBC_DIR}/errno.c)
# stdio.c writes with hb_debug_write and malloc.c takes grant regions (the host test gives
# them stand-ins); exit.c ends the task.
set(HARBOR_LIBC_SOURCES ${HARBOR_LIBC_PURE_SOURCES} ${HARBOR_LIBC_DIR}/stdio.c
    ${HARBOR_LIBC_DIR}/malloc.c ${HARBOR_LIBC_DIR}/exit.c)
# Every name the pure sources, stdio.c and malloc.c define (the host test renames them).
set(HARBOR_LIBC_NAMES
  vsnprintf snprintf vsprintf sprintf vfprintf fprintf vprintf printf puts putchar fputs fputc
  putc fwrite fflush perror stdout stderr
  memchr strnlen strncmp strcpy strncpy strcat strncat strchr strrchr strstr strspn strcspn
  strpbrk strtok strerror
  strtol strtoul strtoll strtoull atoi atol atoll abs labs llabs div ldiv qsort bsearch rand
  srand errno malloc calloc realloc free
  isalnum isalpha isblank iscntrl isdigit isgraph islower isprint ispunct isspace isupper
  isxdigit tolower toupper)
# Bare-metal C is compiled with these: only Harbor's headers (and the compiler's own, added
# by whoever compiles a program), and a call to an undeclared function is an error.
set(HARBOR_LIBC_C_FLAGS -nostdinc -isystem${HARBOR_LIBC_INCLUDE}
    -Werror=implicit-function-declaration)
