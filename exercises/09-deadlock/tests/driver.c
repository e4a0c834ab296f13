/* tests/driver.c - exercise 09's public tests: `driver TEST` (see grade.json). The test task
 * is `left`; `right` is a helper task running the same student function. */
#include "grade_check.h"
#include "swap.h"

#include <harbor/runtime.h>

#include <stdlib.h>
#include <string.h>

static void swap_rounds(int is_left, hb_handle_t to_peer, hb_handle_t from_peer, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    int32_t mine = is_left ? 1000 + i : 2000 + i, theirs = -1;
    grade_expect_int(0, swap_values(is_left, to_peer, from_peer, mine, &theirs),
                     "swap_values(...)", "");
    grade_expect_int(is_left ? 2000 + i : 1000 + i, theirs, "the value received",
                     "each side gets the other's value");
  }
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "right:", 6) == 0) {
    swap_rounds(0, start.handles[1], start.handles[0], atoi(test + 6));
    return 0;
  }
  int rounds = strcmp(test, "one_swap") == 0 ? 1 : strcmp(test, "fifty_swaps") == 0 ? 50 : 0;
  if (!rounds) {
    grade_print("driver: no test named %s\n", test);
    return 2;
  }
  /* l2r: left -> right, r2l: right -> left. */
  hb_handle_t l2r_recv, l2r_send, r2l_recv, r2l_send;
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &l2r_recv, &l2r_send), "hb_port_create", "");
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r2l_recv, &r2l_send), "hb_port_create", "");
  hb_handle_t right_handles[2] = {l2r_recv, r2l_send};
  hb_task_id_t right;
  grade_expect_status(HB_OK, grade_spawn_role(rounds == 1 ? "right:1" : "right:50", right_handles, 2, &right),
                      "hb_task_spawn", "");
  swap_rounds(1, l2r_send, r2l_recv, rounds);
  grade_join(right, "right");
  return 0;
}
