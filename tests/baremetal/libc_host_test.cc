// tests/baremetal/libc_host_test.cc - the bare-metal libc (userland/runtime/x86_64/libc),
// compiled for the host with its names prefixed (libc_host.h), checked against glibc: the same
// format and the same arguments must give the same text and the same return value, the same
// string the same number, end position and errno. Where glibc is not the reference (the
// console's buffering, the unsupported %f), the expected behaviour is written out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "libc_host.h"

namespace {

// Formats with both libraries; a failure shows the format and both texts.
#define EXPECT_SAME_FORMAT(...)                                                         \
  do {                                                                                  \
    char ours[512], theirs[512];                                                        \
    std::memset(ours, 'X', sizeof ours);                                                \
    std::memset(theirs, 'X', sizeof theirs);                                            \
    int n_ours = hbt_snprintf(ours, sizeof ours, __VA_ARGS__);                          \
    int n_theirs = std::snprintf(theirs, sizeof theirs, __VA_ARGS__);                   \
    EXPECT_STREQ(ours, theirs) << "format: " << #__VA_ARGS__;                           \
    EXPECT_EQ(n_ours, n_theirs) << "return value, format: " << #__VA_ARGS__;            \
  } while (0)

TEST(LibcFormatTest, IntegerConversionsMatchGlibc) {
  EXPECT_SAME_FORMAT("%d %i %u", 42, -42, 42u);
  EXPECT_SAME_FORMAT("%d %d %d", 0, INT_MAX, INT_MIN);
  EXPECT_SAME_FORMAT("%u %x %X %o", UINT_MAX, 0xdeadbeefu, 0xdeadbeefu, 0755u);
  EXPECT_SAME_FORMAT("%x %o %u", 0u, 0u, 0u);
  EXPECT_SAME_FORMAT("plain text, no conversion");
  EXPECT_SAME_FORMAT("%%d is %d%%", 7);
  EXPECT_SAME_FORMAT("%s=%d;", "x", 1);
}

TEST(LibcFormatTest, WidthPrecisionAndFlagsMatchGlibc) {
  EXPECT_SAME_FORMAT("[%5d] [%-5d] [%05d] [%-05d]", 42, 42, 42, 42);
  EXPECT_SAME_FORMAT("[%5d] [%05d] [%+d] [% d] [%+d] [% d]", -42, -42, 42, 42, -42, -42);
  EXPECT_SAME_FORMAT("[%.3d] [%.0d] [%.0d] [%5.3d] [%-5.3d] [%05.3d]", 7, 0, 1, -7, 7, 7);
  EXPECT_SAME_FORMAT("[%#x] [%#X] [%#o] [%#x] [%#o] [%#.3o] [%#08x]", 255u, 255u, 8u, 0u, 0u,
                     8u, 255u);
  EXPECT_SAME_FORMAT("[%08X] [%-8x] [%8.4x] [%+05d] [% 05d]", 0xabcu, 0xabcu, 0xabcu, 3, 3);
  EXPECT_SAME_FORMAT("[%1d] [%2d] [%20d]", 12345, 12345, 12345);
  EXPECT_SAME_FORMAT("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
}

TEST(LibcFormatTest, StarWidthAndPrecisionMatchGlibc) {
  EXPECT_SAME_FORMAT("[%*d] [%-*d] [%*d]", 6, 1, 6, 2, -6, 3);  // negative width: '-'
  EXPECT_SAME_FORMAT("[%.*d] [%.*d] [%*.*d]", 4, 5, -1, 5, 8, 3, 9);  // negative precision: none
  EXPECT_SAME_FORMAT("[%.*s] [%*s]", 3, "abcdef", 5, "ab");
}

TEST(LibcFormatTest, LengthModifiersMatchGlibc) {
  EXPECT_SAME_FORMAT("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);  // narrowed as glibc does
  EXPECT_SAME_FORMAT("%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
  EXPECT_SAME_FORMAT("%lld %llu %llX %llo", LLONG_MIN, ULLONG_MAX, ULLONG_MAX, ULLONG_MAX);
  EXPECT_SAME_FORMAT("%zu %zx %zd", SIZE_MAX, static_cast<size_t>(4096),
                     static_cast<ssize_t>(-5));
  EXPECT_SAME_FORMAT("%jd %ju %td", INTMAX_MIN, UINTMAX_MAX, static_cast<ptrdiff_t>(-9));
  EXPECT_SAME_FORMAT("%" PRId64 " %" PRIu32 " %" PRIx64, INT64_MIN, UINT32_MAX,
                     static_cast<uint64_t>(0x123456789abcdefull));
}

TEST(LibcFormatTest, StringsCharactersAndPointersMatchGlibc) {
  EXPECT_SAME_FORMAT("[%s] [%10s] [%-10s] [%.2s] [%10.2s] [%.0s]", "abc", "abc", "abc", "abc",
                     "abc", "abc");
  int x = 0;
  EXPECT_SAME_FORMAT("[%p] [%20p] [%-20p]", static_cast<void*>(&x), static_cast<void*>(&x),
                     static_cast<void*>(&x));
  EXPECT_SAME_FORMAT("[%p] [%10p]", static_cast<void*>(nullptr), static_cast<void*>(nullptr));
  // A precision shorter than the string: the text need not end in a NUL.
  const char unterminated[3] = {'x', 'y', 'z'};
  EXPECT_SAME_FORMAT("[%.3s]", unterminated);
}

TEST(LibcFormatTest, NullStringPrintsLikeGlibc) {
  const char* null_text = nullptr;
  char ours[64], theirs[64];
  // glibc prints "(null)" (GCC warns about the argument: it is what is being tested).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat"
  hbt_snprintf(ours, sizeof ours, "[%s] [%8s] [%.3s]", null_text, null_text, null_text);
  std::snprintf(theirs, sizeof theirs, "[%s] [%8s] [%.3s]", null_text, null_text, null_text);
#pragma GCC diagnostic pop
  EXPECT_STREQ(ours, theirs);
}

TEST(LibcFormatTest, SnprintfTruncatesAndReturnsTheFullLength) {
  char buffer[8];
  std::memset(buffer, 'X', sizeof buffer);
  EXPECT_EQ(hbt_snprintf(buffer, 5, "%d-%s", 12345, "abc"), 9);
  EXPECT_STREQ(buffer, "1234");  // 4 bytes and the NUL
  EXPECT_EQ(buffer[5], 'X') << "wrote past the given size";

  EXPECT_EQ(hbt_snprintf(nullptr, 0, "%s", "nothing written"), 15);
  std::memset(buffer, 'X', sizeof buffer);
  EXPECT_EQ(hbt_snprintf(buffer, 1, "abc"), 3);
  EXPECT_EQ(buffer[0], '\0');
  EXPECT_EQ(buffer[1], 'X');
  EXPECT_EQ(hbt_snprintf(buffer, sizeof buffer, "1234567"), 7);  // exactly fits
  EXPECT_STREQ(buffer, "1234567");
  EXPECT_EQ(hbt_sprintf(buffer, "%03d|", 7), 4);
  EXPECT_STREQ(buffer, "007|");
}

TEST(LibcFormatTest, FloatingPointMatchesGlibcDigitForDigit) {
  EXPECT_SAME_FORMAT("%f %f %f %f", 0.0, -0.0, 1.0, -1.5);
  EXPECT_SAME_FORMAT("%f %.2f %.0f %.0f %.0f %.0f", 3.14159265358979, 2.675, 0.5, 1.5, 2.5, -0.5);
  EXPECT_SAME_FORMAT("%.3f %.1f %.10f %.20f", 1e-4, 0.05, 1.0 / 3, 0.1);
  EXPECT_SAME_FORMAT("%e %E %.0e %.3e %e", 12345.678, 0.00012, 9.5, 1e300, 5e-324);
  EXPECT_SAME_FORMAT("%g %g %g %g %g %g", 100000.0, 1000000.0, 0.0001, 0.00001, 123.456, 0.0);
  EXPECT_SAME_FORMAT("%G %.3g %.10g %g %#g %#.3g", 1e-10, 3.14159, 2.0 / 3, 1e15, 1.0, 100.0);
  EXPECT_SAME_FORMAT("[%10.3f] [%-10.2f] [%010.2f] [%+f] [% f] [%+010.1e]", 3.14159, 2.5, -2.5,
                     1.0, 1.0, 12.5);
  EXPECT_SAME_FORMAT("%.0f %#.0f %.0e %#.0e", 7.0, 7.0, 7.0, 7.0);
  EXPECT_SAME_FORMAT("%f %f %f", 1e308, 1.7976931348623157e308, 4503599627370497.5);
  EXPECT_SAME_FORMAT("%.1074f", 4.9406564584124654e-324);  // every digit of the smallest double
  EXPECT_SAME_FORMAT("%.3Lf %Le", 2.5L, 1.0L);
}

TEST(LibcFormatTest, InfinityAndNanMatchGlibcAndAreNotZeroPadded) {
  double inf = __builtin_inf(), nan = __builtin_nan("");
  EXPECT_SAME_FORMAT("%f %F %e %g %f %F", inf, inf, -inf, inf, nan, -nan);
  EXPECT_SAME_FORMAT("[%08f] [%-8f] [%+f] [%08.3e]", inf, -inf, inf, nan);
}

TEST(LibcFormatTest, RandomDoublesMatchGlibcInEveryConversion) {
  std::mt19937_64 random(2026);
  const char* formats[] = {"%f", "%.0f", "%.3f", "%.17f", "%e", "%.0e", "%.15e", "%g",
                           "%.1g", "%.17g", "%#g", "%G"};
  for (int i = 0; i < 3000; ++i) {
    uint64_t bits = random();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (i % 3 == 1) v = static_cast<double>(static_cast<int64_t>(bits >> 20)) / 1000.0;
    if (i % 3 == 2) v = std::ldexp(static_cast<double>(bits >> 11), -static_cast<int>(bits % 80));
    for (const char* format : formats) {
      char ours[2048], theirs[2048];
      int n_ours = hbt_snprintf(ours, sizeof ours, format, v);
      int n_theirs = std::snprintf(theirs, sizeof theirs, format, v);
      ASSERT_STREQ(ours, theirs) << format << " of bits 0x" << std::hex << bits;
      ASSERT_EQ(n_ours, n_theirs);
    }
  }
}

TEST(LibcFormatTest, HexFloatIsPrintedAsWrittenAndItsArgumentSkipped) {
  char buffer[64];
  // %a is not supported (docs/x86_64.md): the conversion itself appears, the next argument is right.
  EXPECT_EQ(hbt_snprintf(buffer, sizeof buffer, "%a|%d|%s", 1.5, 7, "ok"), 7);
  EXPECT_STREQ(buffer, "%a|7|ok");
}

// stdio: what the console (hbt_debug_write here) receives, one string per write.
std::vector<std::string> g_writes;

}  // namespace

extern "C" int32_t hbt_debug_write(const char* text, uint32_t len) {
  g_writes.emplace_back(text, len);
  return 0;
}

namespace {

class LibcStdioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hbt_fflush(nullptr);
    g_writes.clear();
  }
};

TEST_F(LibcStdioTest, StdoutWritesWholeLines) {
  hbt_printf("count: ");
  hbt_printf("%d", 3);
  EXPECT_TRUE(g_writes.empty()) << "a line without its newline was written";
  hbt_printf(" items\nnext");
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_writes[0], "count: 3 items\n");
  hbt_fflush(hbt_stdout);
  ASSERT_EQ(g_writes.size(), 2u);
  EXPECT_EQ(g_writes[1], "next");
}

TEST_F(LibcStdioTest, PutsPutcharAndFwriteShareTheLineBuffer) {
  hbt_putchar('[');
  hbt_fputs("a", hbt_stdout);
  hbt_fwrite("bc", 1, 2, hbt_stdout);
  EXPECT_EQ(hbt_puts("]"), 1);
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_writes[0], "[abc]\n");
}

TEST_F(LibcStdioTest, StderrIsUnbufferedAndComesAfterStdoutsPendingText) {
  hbt_printf("partial ");
  hbt_fprintf(hbt_stderr, "error %d\n", 5);
  ASSERT_EQ(g_writes.size(), 2u);
  EXPECT_EQ(g_writes[0], "partial ");
  EXPECT_EQ(g_writes[1], "error 5\n");
}

TEST_F(LibcStdioTest, ALineLongerThanTheBufferArrivesWholeInOrder) {
  std::string line(1000, 'x');
  line[0] = 'a';
  line[999] = 'z';
  hbt_printf("%s\n", line.c_str());
  std::string joined;
  for (const std::string& w : g_writes) joined += w;
  EXPECT_EQ(joined, line + "\n");
  EXPECT_GT(g_writes.size(), 1u) << "a 256-byte buffer cannot hold 1001 bytes at once";
}

TEST_F(LibcStdioTest, PerrorNamesErrnoLikeGlibc) {
  hbt_errno = ERANGE;
  hbt_perror("strtol");
  ASSERT_EQ(g_writes.size(), 1u);
  EXPECT_EQ(g_writes[0], std::string("strtol: ") + std::strerror(ERANGE) + "\n");
}

// strtol & co.: value, end position and errno, for each base, against glibc.
void expect_same_conversions(const char* text, int base) {
  SCOPED_TRACE(std::string("text \"") + text + "\", base " + std::to_string(base));
  char *end_ours, *end_theirs;
  errno = 0;
  hbt_errno = 0;
  long l_ours = hbt_strtol(text, &end_ours, base);
  long l_theirs = std::strtol(text, &end_theirs, base);
  EXPECT_EQ(l_ours, l_theirs) << "strtol";
  EXPECT_EQ(end_ours - text, end_theirs - text) << "strtol end";
  EXPECT_EQ(hbt_errno, errno) << "strtol errno";

  errno = 0;
  hbt_errno = 0;
  unsigned long ul_ours = hbt_strtoul(text, &end_ours, base);
  unsigned long ul_theirs = std::strtoul(text, &end_theirs, base);
  EXPECT_EQ(ul_ours, ul_theirs) << "strtoul";
  EXPECT_EQ(end_ours - text, end_theirs - text) << "strtoul end";
  EXPECT_EQ(hbt_errno, errno) << "strtoul errno";

  errno = 0;
  hbt_errno = 0;
  EXPECT_EQ(hbt_strtoll(text, &end_ours, base), std::strtoll(text, &end_theirs, base));
  EXPECT_EQ(end_ours - text, end_theirs - text) << "strtoll end";
  EXPECT_EQ(hbt_errno, errno) << "strtoll errno";

  errno = 0;
  hbt_errno = 0;
  EXPECT_EQ(hbt_strtoull(text, &end_ours, base), std::strtoull(text, &end_theirs, base));
  EXPECT_EQ(end_ours - text, end_theirs - text) << "strtoull end";
  EXPECT_EQ(hbt_errno, errno) << "strtoull errno";
}

TEST(LibcStrtolTest, MatchesGlibcInEveryBase) {
  const char* texts[] = {"0", "42", "-42", "+17", "   \t\n 99 bottles", "12abc", "abc", "", "-",
                         "+", " - 5", "0x1f", "0X1F", "0x", "0xg", "-0x10", "0755", "08", "0b101",
                         "z", "Zz", "1e3", "9223372036854775807", "9223372036854775808",
                         "-9223372036854775808", "-9223372036854775809",
                         "18446744073709551615", "18446744073709551616",
                         "-18446744073709551615", "99999999999999999999999999", "-1",
                         "  0x7fffffffffffffff", "777777777777777777777777"};
  for (const char* text : texts)
    for (int base : {0, 2, 8, 10, 16, 36}) expect_same_conversions(text, base);
}

TEST(LibcStrtolTest, ABadBaseIsEinvalAndReadsNothing) {
  char* end = nullptr;
  const char* text = "123";
  hbt_errno = 0;
  EXPECT_EQ(hbt_strtol(text, &end, 1), 0);
  EXPECT_EQ(hbt_errno, EINVAL);
  EXPECT_EQ(end, text);
  hbt_errno = 0;
  EXPECT_EQ(hbt_strtoul(text, &end, 37), 0u);
  EXPECT_EQ(hbt_errno, EINVAL);
  EXPECT_EQ(end, text);
}

TEST(LibcStrtolTest, AtoiAtolAtollAndAbsMatchGlibc) {
  for (const char* text : {"0", "-12", "  +34xyz", "2147483647", "x", "-2147483648"}) {
    EXPECT_EQ(hbt_atoi(text), std::atoi(text)) << text;
    EXPECT_EQ(hbt_atol(text), std::atol(text)) << text;
    EXPECT_EQ(hbt_atoll(text), std::atoll(text)) << text;
  }
  EXPECT_EQ(hbt_abs(-5), 5);
  EXPECT_EQ(hbt_abs(INT_MAX), INT_MAX);
  EXPECT_EQ(hbt_labs(LONG_MIN + 1), LONG_MAX);
}

TEST(LibcStringTest, SearchesMatchGlibc) {
  const char* s = "hello, harbor world";
  EXPECT_EQ(hbt_strchr(s, 'o'), std::strchr(s, 'o'));
  EXPECT_EQ(hbt_strchr(s, 'q'), nullptr);
  EXPECT_EQ(hbt_strchr(s, '\0'), s + std::strlen(s));  // the NUL is part of the string
  EXPECT_EQ(hbt_strrchr(s, 'o'), std::strrchr(s, 'o'));
  EXPECT_EQ(hbt_strrchr(s, '\0'), s + std::strlen(s));
  EXPECT_EQ(hbt_strstr(s, "harbor"), std::strstr(s, "harbor"));
  EXPECT_EQ(hbt_strstr(s, ""), s);
  EXPECT_EQ(hbt_strstr(s, "harbors"), nullptr);
  EXPECT_EQ(hbt_strstr("aaab", "aab"), std::strstr("aaab", "aab") - 0);
  EXPECT_EQ(hbt_memchr(s, 'w', 20), std::memchr(s, 'w', 20));
  EXPECT_EQ(hbt_memchr(s, 'w', 5), nullptr);
  EXPECT_EQ(hbt_strspn(s, "ehlo"), std::strspn(s, "ehlo"));
  EXPECT_EQ(hbt_strcspn(s, ",w"), std::strcspn(s, ",w"));
  EXPECT_EQ(hbt_strpbrk(s, "wr"), std::strpbrk(s, "wr"));
  EXPECT_EQ(hbt_strpbrk(s, "XYZ"), nullptr);
  EXPECT_EQ(hbt_strnlen(s, 5), 5u);
  EXPECT_EQ(hbt_strnlen(s, 100), std::strlen(s));
}

int sign(int v) { return (v > 0) - (v < 0); }

TEST(LibcStringTest, StrncmpOrdersLikeGlibc) {
  const char* pairs[][2] = {{"abc", "abd"}, {"abd", "abc"}, {"abc", "abc"}, {"ab", "abc"},
                            {"", ""}, {"a\xff", "a\x01"}, {"same prefix 1", "same prefix 2"}};
  for (auto& p : pairs)
    for (size_t n : {0, 1, 2, 3, 12, 100})
      EXPECT_EQ(sign(hbt_strncmp(p[0], p[1], n)), sign(std::strncmp(p[0], p[1], n)))
          << p[0] << " vs " << p[1] << ", n = " << n;
}

TEST(LibcStringTest, CopiesAndConcatenationsMatchGlibc) {
  char ours[16], theirs[16];
  std::memset(ours, 'X', sizeof ours);
  std::memset(theirs, 'X', sizeof theirs);
  hbt_strncpy(ours, "abc", 8);  // pads with NULs to 8
  std::strncpy(theirs, "abc", 8);
  EXPECT_EQ(std::memcmp(ours, theirs, sizeof ours), 0);
  hbt_strncpy(ours, "abcdefghij", 4);  // no NUL when the source is longer
  std::strncpy(theirs, "abcdefghij", 4);
  EXPECT_EQ(std::memcmp(ours, theirs, sizeof ours), 0);

  EXPECT_EQ(hbt_strcpy(ours, "one"), ours);
  EXPECT_STREQ(hbt_strcat(ours, "two"), "onetwo");
  EXPECT_STREQ(hbt_strncat(ours, "three", 2), "onetwoth");
  EXPECT_STREQ(hbt_strncat(ours, "", 5), "onetwoth");
}

TEST(LibcStringTest, StrtokSplitsLikeGlibc) {
  char ours[] = ",,a,b;;c,,", theirs[] = ",,a,b;;c,,";
  std::vector<std::string> ours_tokens, theirs_tokens;
  for (char* t = hbt_strtok(ours, ",;"); t; t = hbt_strtok(nullptr, ",;")) ours_tokens.push_back(t);
  for (char* t = std::strtok(theirs, ",;"); t; t = std::strtok(nullptr, ",;"))
    theirs_tokens.push_back(t);
  EXPECT_EQ(ours_tokens, theirs_tokens);
  EXPECT_EQ(ours_tokens.size(), 3u);
  char empty[] = ",,,";
  EXPECT_EQ(hbt_strtok(empty, ","), nullptr);
  EXPECT_EQ(hbt_strtok(nullptr, ","), nullptr);
}

TEST(LibcStringTest, StrerrorUsesGlibcsWords) {
  for (int e : {0, EPERM, ENOENT, EIO, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EEXIST,
                EINVAL, ENOSPC, EPIPE, EDOM, ERANGE, ENOSYS, ETIMEDOUT})
    EXPECT_STREQ(hbt_strerror(e), std::strerror(e)) << "errno " << e;
}

TEST(LibcCtypeTest, EveryByteIsClassifiedLikeGlibcsCLocale) {
  for (int c = -1; c < 256; ++c) {
    SCOPED_TRACE(c);
    EXPECT_EQ(!!hbt_isalnum(c), !!std::isalnum(c));
    EXPECT_EQ(!!hbt_isalpha(c), !!std::isalpha(c));
    EXPECT_EQ(!!hbt_isblank(c), !!std::isblank(c));
    EXPECT_EQ(!!hbt_iscntrl(c), !!std::iscntrl(c));
    EXPECT_EQ(!!hbt_isdigit(c), !!std::isdigit(c));
    EXPECT_EQ(!!hbt_isgraph(c), !!std::isgraph(c));
    EXPECT_EQ(!!hbt_islower(c), !!std::islower(c));
    EXPECT_EQ(!!hbt_isprint(c), !!std::isprint(c));
    EXPECT_EQ(!!hbt_ispunct(c), !!std::ispunct(c));
    EXPECT_EQ(!!hbt_isspace(c), !!std::isspace(c));
    EXPECT_EQ(!!hbt_isupper(c), !!std::isupper(c));
    EXPECT_EQ(!!hbt_isxdigit(c), !!std::isxdigit(c));
    EXPECT_EQ(hbt_tolower(c), std::tolower(c));
    EXPECT_EQ(hbt_toupper(c), std::toupper(c));
  }
}

int compare_ints(const void* a, const void* b) {
  int x = *static_cast<const int*>(a), y = *static_cast<const int*>(b);
  return (x > y) - (x < y);
}

TEST(LibcQsortTest, SortsAnyArrayAndBsearchFindsEveryElement) {
  std::mt19937 random(7);
  for (size_t n : {0, 1, 2, 3, 10, 100, 1000}) {
    std::vector<int> v(n);
    for (int& x : v) x = static_cast<int>(random() % 50) - 25;  // with duplicates
    std::vector<int> expected = v;
    std::sort(expected.begin(), expected.end());
    hbt_qsort(v.data(), v.size(), sizeof(int), compare_ints);
    EXPECT_EQ(v, expected) << "n = " << n;
    for (int x : expected) {
      auto* found = static_cast<int*>(hbt_bsearch(&x, v.data(), v.size(), sizeof(int),
                                                  compare_ints));
      ASSERT_NE(found, nullptr) << x;
      EXPECT_EQ(*found, x);
    }
    int absent = 1000;
    EXPECT_EQ(hbt_bsearch(&absent, v.data(), v.size(), sizeof(int), compare_ints), nullptr);
  }
}

TEST(LibcRandTest, SameSeedSameSequenceWithinRange) {
  hbt_srand(42);
  std::vector<int> first;
  for (int i = 0; i < 100; ++i) first.push_back(hbt_rand());
  hbt_srand(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(hbt_rand(), first[i]);
  for (int v : first) EXPECT_TRUE(v >= 0 && v <= 2147483647);
  EXPECT_NE(std::count(first.begin(), first.end(), first[0]), 100);
}

}  // namespace
