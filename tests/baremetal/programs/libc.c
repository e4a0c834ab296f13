/* tests/baremetal/programs/libc.c - the small libc a course program uses, on both targets:
 * hosted it is glibc (portable.libc), on bare metal Harbor's own (qemu.libc,
 * userland/runtime/x86_64/libc). The same checks pass on both, so a program that uses these
 * functions prints and computes the same wherever it runs. Failures are printed with
 * hb_debug_write (check.h), not with the printf being tested. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Expected text against actual, both shown on failure. */
#define CHECK_TEXT(actual, expected)                 \
  do {                                               \
    const char *t_x = (actual), *t_y = (expected);   \
    if (strcmp(t_x, t_y) != 0) {                     \
      t_fail(__LINE__, #actual, 0, 0);               \
      t_print("  got      \"");                      \
      t_print(t_x);                                  \
      t_print("\"\n  expected \"");                  \
      t_print(t_y);                                  \
      t_print("\"\n");                               \
    }                                                \
  } while (0)

static char g_text[128];

static const char *format_int(const char *format, long long v) {
  snprintf(g_text, sizeof g_text, format, v);
  return g_text;
}

static void formatted_output(void) {
  CHECK_TEXT(format_int("[%lld]", -42), "[-42]");
  CHECK_TEXT(format_int("[%6lld]", 42), "[    42]");
  CHECK_TEXT(format_int("[%-6lld]", 42), "[42    ]");
  CHECK_TEXT(format_int("[%06lld]", -42), "[-00042]");
  CHECK_TEXT(format_int("[%+lld]", 42), "[+42]");
  CHECK_TEXT(format_int("[%.4lld]", 42), "[0042]");
  CHECK_TEXT(format_int("[%llx]", 255), "[ff]");
  CHECK_TEXT(format_int("[%#llX]", 255), "[0XFF]");
  CHECK_TEXT(format_int("[%llo]", 8), "[10]");
  CHECK_TEXT(format_int("[%lld]", LLONG_MIN), "[-9223372036854775808]");
  CHECK_TEXT(format_int("[%llu]", -1), "[18446744073709551615]");

  char out[64];
  CHECK_EQ(snprintf(out, sizeof out, "%s|%5s|%-5s|%.2s", "ab", "ab", "ab", "abc"), 17);
  CHECK_TEXT(out, "ab|   ab|ab   |ab");
  CHECK_EQ(snprintf(out, sizeof out, "%c%c%c %% %u %zu", 'h', 'b', '!', 7u, sizeof(int)), 9);
  CHECK_TEXT(out, "hb! % 7 4");
  CHECK_EQ(snprintf(out, sizeof out, "%" PRIu64 " %" PRId32 " %*d", UINT64_MAX, INT32_MIN, 4, 7),
           37);
  CHECK_TEXT(out, "18446744073709551615 -2147483648    7");
  /* Floating point, correctly rounded (2.25 is exact: the tie goes to the even 2.2). */
  CHECK_EQ(snprintf(out, sizeof out, "%.2f|%e|%g|%5.1f|%g", 3.14159, 12345.678, 0.0001, -2.25,
                    1e20),
           36);
  CHECK_TEXT(out, "3.14|1.234568e+04|0.0001| -2.2|1e+20");
  CHECK_EQ(snprintf(out, sizeof out, "%.1Lf", (long double)2.5), 3); /* x87 in ring 3 */
  CHECK_TEXT(out, "2.5");
  CHECK_EQ(snprintf(out, sizeof out, "%p", (void *)0x1000), 6);
  CHECK_TEXT(out, "0x1000");

  /* Truncation: snprintf writes size - 1 bytes and a NUL, and returns the whole length. */
  volatile size_t small_size = 5; /* not a constant to GCC: no truncation warning */
  size_t small = small_size;
  memset(out, 'X', sizeof out);
  CHECK_EQ(snprintf(out, small, "%s%d", "abcdef", 12345), 11);
  CHECK_TEXT(out, "abcd");
  CHECK_EQ(out[small], 'X');
  CHECK_EQ(snprintf(NULL, 0, "%d", 123456), 6);
  CHECK_EQ(sprintf(out, "%d-%d", 1, 2), 3);
  CHECK_TEXT(out, "1-2");
}

static void conversions(void) {
  char *end;
  CHECK_EQ(strtol("  -123xyz", &end, 10), -123);
  CHECK_TEXT(end, "xyz");
  CHECK_EQ(strtol("0x1F", NULL, 16), 31);
  CHECK_EQ(strtol("0x1F", NULL, 0), 31);
  CHECK_EQ(strtol("017", NULL, 0), 15);
  CHECK_EQ(strtol("z", NULL, 36), 35);
  CHECK_EQ(strtoul("4294967296", NULL, 10), 4294967296ull);
  CHECK_EQ(strtoll("-9223372036854775808", NULL, 10), LLONG_MIN);
  CHECK_EQ(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX, 1);

  const char *text = "none";
  CHECK_EQ(strtol(text, &end, 10), 0);
  CHECK(end == text); /* nothing read: end is the start */

  errno = 0;
  CHECK_EQ(strtol("99999999999999999999", &end, 10), LONG_MAX);
  CHECK_EQ(errno, ERANGE);
  CHECK_EQ(*end, '\0');
  errno = 0;
  CHECK_EQ(strtol("-99999999999999999999", NULL, 10), LONG_MIN);
  CHECK_EQ(errno, ERANGE);
  CHECK_TEXT(strerror(ERANGE), "Numerical result out of range");

  CHECK_EQ(atoi("  42 apples"), 42);
  CHECK_EQ(atol("-7"), -7);
  CHECK_EQ(abs(-5) + (int)labs(-6L), 11);
}

static int compare_ints(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void strings_and_characters(void) {
  char buffer[32];
  strcpy(buffer, "harbor");
  strcat(buffer, " port");
  CHECK_TEXT(buffer, "harbor port");
  CHECK_EQ(strlen(buffer), 11);
  CHECK(strchr(buffer, 'p') == buffer + 7);
  CHECK(strrchr(buffer, 'r') == buffer + 9);
  CHECK(strstr(buffer, "port") == buffer + 7);
  CHECK(strstr(buffer, "ship") == NULL);
  CHECK(memchr(buffer, 'b', 3) == NULL);
  CHECK(strncmp(buffer, "harpoon", 3) == 0);
  CHECK(strncmp(buffer, "harpoon", 4) < 0); /* b < p */
  CHECK(strcmp("abc", "abd") < 0);
  memset(buffer, 'X', sizeof buffer);
  strncpy(buffer, "ab", 4);
  CHECK(buffer[2] == '\0' && buffer[3] == '\0' && buffer[4] == 'X');

  char words[] = "send recv  call";
  int count = 0;
  for (char *w = strtok(words, " "); w; w = strtok(NULL, " ")) ++count;
  CHECK_EQ(count, 3);

  CHECK(isdigit('7') && !isdigit('x') && isalpha('q') && isspace('\n') && isxdigit('F'));
  CHECK(!isalpha(200) && !isprint(127) && ispunct('!') && !ispunct(' '));
  CHECK_EQ(toupper('a'), 'A');
  CHECK_EQ(tolower('Q'), 'q');
  CHECK_EQ(toupper('1'), '1');

  int numbers[] = {5, -1, 9, 0, 5, 3};
  qsort(numbers, 6, sizeof numbers[0], compare_ints);
  int sorted[] = {-1, 0, 3, 5, 5, 9};
  CHECK(memcmp(numbers, sorted, sizeof sorted) == 0);
  int key = 9;
  CHECK(bsearch(&key, numbers, 6, sizeof numbers[0], compare_ints) == &numbers[5]);

  bool flag = true;
  CHECK_EQ(flag, 1);
  CHECK_EQ(offsetof(hb_msg_out, data), 0);
  CHECK_EQ(INT_MAX, 2147483647);
  CHECK_EQ(CHAR_BIT, 8);
}

struct node {
  int value;
  struct node *next;
};

/* malloc & co.: bare metal, in grant regions (libc/malloc.c). A list built and freed twice
 * must reuse the memory, not make regions without end. */
static void memory(void) {
  for (int round = 0; round < 2; ++round) {
    struct node *list = NULL;
    for (int i = 1; i <= 2000; ++i) {
      struct node *n = malloc(sizeof *n);
      CHECK(n != NULL);
      if (n == NULL) return;
      n->value = i;
      n->next = list;
      list = n;
    }
    long sum = 0;
    while (list) {
      struct node *next = list->next;
      sum += list->value;
      free(list);
      list = next;
    }
    CHECK_EQ(sum, 2001000);
  }
  int *zeros = calloc(1000, sizeof(int));
  CHECK(zeros != NULL && zeros[0] == 0 && zeros[999] == 0);
  char *text = malloc(4);
  strcpy(text, "abc");
  text = realloc(text, 100000); /* grows: moved, bytes kept */
  CHECK(text != NULL && strcmp(text, "abc") == 0);
  memset(text, 'x', 100000);
  free(text);
  free(zeros);
  free(NULL);
}

int main(void) {
  t_name = "libc";
  formatted_output();
  conversions();
  strings_and_characters();
  memory();
  /* Line-buffered: the three pieces must arrive as one line (qemu.libc looks for it). */
  printf("libc: printf reached the console: ");
  printf("%d %05d ", 42, -42);
  printf("%s\n", "[ok]");
  fflush(stdout);
  return t_done();
}
