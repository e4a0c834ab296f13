/* scenario_probe - a test program for scenario files that wire regions and semaphores
 * (tests/emulator/cli_test.cc). It checks what a task is given, not what it does with it.
 *
 *   scenario-probe read-only INITIAL
 *                                handles [REGION (ro), SEM (wait)]: a writable mapping is
 *                                HB_ERR_ACCESS, a read-only one works and reads zeroes; a
 *                                post is HB_ERR_ACCESS; a wait works while the initial count
 *                                lasts, then HB_ERR_WOULD_BLOCK. Prints "probe: read-only ok".
 * Exit 0 when every check held, else 1 (after printing what differed).
 */
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_failed = 0;

static void expect(const char *what, hb_status_t got, hb_status_t want) {
  if (got == want) return;
  char line[200];
  snprintf(line, sizeof line, "probe: %s: expected %s, got %s\n", what, hb_strerror(want),
           hb_strerror(got));
  hb_print(line);
  g_failed = 1;
}

static int read_only(const hb_start_info *start, uint32_t initial) {
  hb_handle_t region = start->handles[0], sem = start->handles[1];
  void *at = NULL;
  expect("writable map of a read-only grant", hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at),
         HB_ERR_ACCESS);
  expect("read-only map", hb_region_map(region, HB_RIGHT_READ, &at), HB_OK);
  if (at) {
    if (((const volatile uint8_t *)at)[0] != 0) {
      hb_print("probe: a new region is not zero-filled\n");
      g_failed = 1;
    }
    expect("unmap", hb_region_unmap(at), HB_OK);
  }
  expect("post without the post right", hb_sem_post(sem, 1), HB_ERR_ACCESS);
  for (uint32_t i = 0; i < initial; ++i) expect("wait", hb_sem_wait(sem, HB_NOWAIT), HB_OK);
  expect("wait past the initial count", hb_sem_wait(sem, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  if (!g_failed) hb_print("probe: read-only ok\n");
  return g_failed;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1 || start.handle_count < 2) {
    hb_print("probe: usage: read-only INITIAL, with handles [region, semaphore]\n");
    return 1;
  }
  uint32_t n = start.argc >= 2 ? (uint32_t)strtoul(start.argv[1], NULL, 10) : 0;
  if (strcmp(start.argv[0], "read-only") == 0) return read_only(&start, n);
  hb_print("probe: unknown mode\n");
  return 1;
}
