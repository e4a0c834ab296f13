/* stats.c - a course-style program: numbers in, a small report out. The same file runs on
 * bare metal (Harbor's small libc, printed on QEMU's serial console) and hosted (glibc,
 * under harbor-emu).
 *
 *   harbor-qemu stats.elf -- -append "4 8 15"      harbor-emu exec ./stats 4 8 15
 *
 * Its arguments are main's argv on both targets (on bare metal, init's are the words of
 * QEMU's -append); without any it uses a list of its own. Numbers may be decimal, hex (0x1f)
 * or octal (017). Exit code: 0, or 3 when an argument is not a number (with a message). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NUMBERS 32

static const char *const kExample[] = {"12", "-7", "0x1f", "40", "5"};

int main(int argc, char **argv) {
  const char *const *words = kExample;
  unsigned count = sizeof kExample / sizeof kExample[0];
  if (argc > 1) {
    words = (const char *const *)argv + 1;
    count = argc - 1 < MAX_NUMBERS ? (unsigned)argc - 1 : MAX_NUMBERS;
  }

  long numbers[MAX_NUMBERS];
  for (unsigned i = 0; i < count; ++i) {
    char *end;
    errno = 0;
    numbers[i] = strtol(words[i], &end, 0);
    if (end == words[i] || *end != '\0' || errno == ERANGE) {
      printf("stats: \"%s\" is not a number%s\n", words[i],
             errno == ERANGE ? " that fits in a long" : "");
      return 3;
    }
  }

  printf("%-3s %12s %18s\n", "#", "value", "hex");
  long min = numbers[0], max = numbers[0], sum = 0;
  for (unsigned i = 0; i < count; ++i) {
    printf("%-3u %12ld %#18lx\n", i + 1, numbers[i], (unsigned long)numbers[i]);
    if (numbers[i] < min) min = numbers[i];
    if (numbers[i] > max) max = numbers[i];
    sum += numbers[i];
  }

  char summary[96];
  int n = snprintf(summary, sizeof summary, "n=%u min=%ld max=%ld sum=%ld", count, min, max,
                   sum);
  printf("stats: %s (%d characters)\n", summary, n);
  return n > 0 && (size_t)n == strlen(summary) ? 0 : 1;
}
