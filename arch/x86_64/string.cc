// arch/x86_64/string.cc - memcpy & co. for both sides of the x86-64 target: compiled once into
// the kernel (harbor_arch_x86_64, kernel flags) and once into the ring-3 runtime
// (harbor_user_x86_64, user flags). GCC may emit calls to memcpy/memset/memmove/memcmp on its
// own; the copies use `rep movsb`/`rep stosb` (and the file is compiled with
// -fno-tree-loop-distribute-patterns) so that GCC cannot turn their loops back into calls to
// themselves.
#include <cstddef>
#include <cstdint>

extern "C" {

// Eight bytes at a time, then the rest: the kernel's copies are mostly small structures
// (hb_msg_out, hb_msg_in, short payloads), for which one `rep movsq` beats a byte loop.
void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  size_t words = n / 8;
  n %= 8;
  if (words) __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
  if (n) __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  auto* s = static_cast<const uint8_t*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlapping, destination above: copy backwards.
  d += n - 1;
  s += n - 1;
  __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  void* d = dst;
  size_t words = n / 8;
  n %= 8;
  uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(c);
  if (words) __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
  if (n) __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(pattern) : "memory");
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

int strcmp(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

}  // extern "C"
