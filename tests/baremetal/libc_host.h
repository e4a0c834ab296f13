// tests/baremetal/libc_host.h - the bare-metal libc (userland/runtime/x86_64/libc) as the host
// test sees it: the same C sources compiled with every public name prefixed by hbt_
// (-Dprintf=hbt_printf ..., tests/baremetal/CMakeLists.txt), so that they sit beside glibc's
// in one program and each can be compared with glibc's.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>

extern "C" {

struct harbor_file;
extern harbor_file* hbt_stdout;
extern harbor_file* hbt_stderr;
extern int hbt_errno;

#define HBT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
int hbt_snprintf(char* out, size_t size, const char* format, ...) HBT_PRINTF(3, 4);
int hbt_vsnprintf(char* out, size_t size, const char* format, va_list ap) HBT_PRINTF(3, 0);
int hbt_sprintf(char* out, const char* format, ...) HBT_PRINTF(2, 3);
int hbt_printf(const char* format, ...) HBT_PRINTF(1, 2);
int hbt_fprintf(harbor_file* stream, const char* format, ...) HBT_PRINTF(2, 3);
int hbt_puts(const char* s);
int hbt_putchar(int c);
int hbt_fputs(const char* s, harbor_file* stream);
size_t hbt_fwrite(const void* data, size_t size, size_t count, harbor_file* stream);
int hbt_fflush(harbor_file* stream);
void hbt_perror(const char* prefix);

void* hbt_memchr(const void* s, int c, size_t n);
size_t hbt_strnlen(const char* s, size_t max);
int hbt_strncmp(const char* a, const char* b, size_t n);
char* hbt_strcpy(char* dst, const char* src);
char* hbt_strncpy(char* dst, const char* src, size_t n);
char* hbt_strcat(char* dst, const char* src);
char* hbt_strncat(char* dst, const char* src, size_t n);
char* hbt_strchr(const char* s, int c);
char* hbt_strrchr(const char* s, int c);
char* hbt_strstr(const char* haystack, const char* needle);
size_t hbt_strspn(const char* s, const char* accept);
size_t hbt_strcspn(const char* s, const char* reject);
char* hbt_strpbrk(const char* s, const char* accept);
char* hbt_strtok(char* s, const char* separators);
char* hbt_strerror(int errnum);

long hbt_strtol(const char* s, char** end, int base);
unsigned long hbt_strtoul(const char* s, char** end, int base);
long long hbt_strtoll(const char* s, char** end, int base);
unsigned long long hbt_strtoull(const char* s, char** end, int base);
int hbt_atoi(const char* s);
long hbt_atol(const char* s);
long long hbt_atoll(const char* s);
int hbt_abs(int v);
long hbt_labs(long v);
void hbt_qsort(void* base, size_t count, size_t size, int (*compare)(const void*, const void*));
void* hbt_bsearch(const void* key, const void* base, size_t count, size_t size,
                  int (*compare)(const void*, const void*));
int hbt_rand(void);
void hbt_srand(unsigned seed);

int hbt_isalnum(int c);
int hbt_isalpha(int c);
int hbt_isblank(int c);
int hbt_iscntrl(int c);
int hbt_isdigit(int c);
int hbt_isgraph(int c);
int hbt_islower(int c);
int hbt_isprint(int c);
int hbt_ispunct(int c);
int hbt_isspace(int c);
int hbt_isupper(int c);
int hbt_isxdigit(int c);
int hbt_tolower(int c);
int hbt_toupper(int c);

void* hbt_malloc(size_t size);
void* hbt_calloc(size_t count, size_t size);
void* hbt_realloc(void* p, size_t size);
void hbt_free(void* p);

// What the libc calls outside itself, renamed too and given by the tests: stdio.c's
// hb_debug_write (libc_host_test.cc records each write), malloc.c's regions and abort
// (malloc_host_test.cc).
int32_t hbt_debug_write(const char* text, uint32_t len);
int32_t hbt_region_create(uint64_t size, uint32_t flags, int32_t* out);
int32_t hbt_region_map(int32_t region, uint32_t rights, void** addr_out);
int32_t hbt_handle_close(int32_t handle);
[[noreturn]] void hbt_abort(void);

}  // extern "C"
