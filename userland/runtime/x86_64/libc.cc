// userland/runtime/x86_64/libc.cc - the little C library a freestanding Harbor program has:
// what the compiler may call on its own (memcpy, memset, memmove, memcmp), strlen, and the
// two hosted calls userland/runtime/calls.cc makes in hb_task_exit (fflush: there is no
// stdio buffering here; _exit: not reached, the kernel never returns from HB_SYS_TASK_EXIT).
#include <cstddef>
#include <cstdint>

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  auto* s = static_cast<const uint8_t*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  d += n - 1;
  s += n - 1;
  __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  void* d = dst;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  auto* x = static_cast<const uint8_t*>(a);
  auto* y = static_cast<const uint8_t*>(b);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

struct _IO_FILE;
int fflush(_IO_FILE*) { return 0; }
[[noreturn]] void _exit(int) {
  for (;;) __asm__ volatile("ud2");
}

}  // extern "C"
