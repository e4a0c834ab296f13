/* tests/driver.c - exercise 12's public tests: `driver TEST` (see grade.json). The test task
 * creates the monitor and grants it to helper tasks, which attach to it. */
#include "grade_check.h"
#include "shelf.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hb_monitor_t m;

static void attach(const hb_start_info *start) {
  grade_expect_status(HB_OK, hb_monitor_attach(start->handles, start->handle_count, &m),
                      "hb_monitor_attach", "");
}

static hb_task_id_t spawn(const char *role) {
  hb_handle_t give[HB_MONITOR_HANDLES_MAX];
  uint32_t n = 0;
  grade_expect_status(HB_OK, hb_monitor_grant(&m, give, HB_MONITOR_HANDLES_MAX, &n),
                      "hb_monitor_grant", "");
  hb_task_id_t id;
  grade_expect_status(HB_OK, grade_spawn_role(role, give, n, &id), "hb_task_spawn", "");
  return id;
}

/* "producer:FIRST:COUNT" puts FIRST.. ; "consumer:COUNT" takes COUNT and checks that each
 * producer's items come in order (items are FIRST + i; producers use FIRST 0 and 100000). */
static int producer(const char *arg) {
  uint32_t first = (uint32_t)atoi(arg), count = (uint32_t)atoi(strchr(arg, ':') + 1);
  for (uint32_t i = 0; i < count; ++i)
    grade_expect_int(0, put_item(&m, first + i), "put_item(...)", "");
  return 0;
}

static void consume(uint32_t count, uint32_t *low, uint32_t *high) {
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t item = 0xffffffffu;
    grade_expect_int(0, get_item(&m, &item), "get_item(...)", "");
    if (item == 0xffffffffu)
      grade_fail("an item", "get_item returned 0 without an item",
                 "Mesa semantics: a woken waiter must check the condition again (while, not "
                 "if): another taker may have emptied the shelf first");
    uint32_t *next = item < 100000 ? low : high;
    if (item < *next)
      grade_fail("each item taken once", "an item taken twice (an old slot read again)",
                 "Mesa semantics: loop on the condition; the shelf may be empty again");
    *next = item + 1;
  }
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "producer:", 9) == 0) {
    attach(&start);
    return producer(test + 9);
  }
  if (strncmp(test, "consumer:", 9) == 0) {
    attach(&start);
    uint32_t low = 0, high = 100000;
    consume((uint32_t)atoi(test + 9), &low, &high);
    return 0;
  }
  grade_expect_status(HB_OK, hb_monitor_create(2, 6, sizeof(struct shelf), &m),
                      "hb_monitor_create", "");
  struct shelf *s = hb_monitor_data(&m);
  uint32_t low = 0, high = 100000, item = 0;

  if (strcmp(test, "one_task") == 0) {
    for (uint32_t i = 0; i < 3; ++i) grade_expect_int(0, put_item(&m, i), "put_item(...)", "");
    grade_expect_int(3, s->count, "shelf count after 3 puts", "++count in put_item");
    for (uint32_t i = 0; i < 3; ++i) {
      grade_expect_int(0, get_item(&m, &item), "get_item(...)", "");
      grade_expect_int(i, item, "the item taken", "FIFO: items[out], then advance out");
    }
    grade_expect_int(0, s->count, "shelf count after 3 gets", "--count in get_item");
    return 0;
  }
  if (strcmp(test, "producer_consumer") == 0) {
    hb_task_id_t p = spawn("producer:0:200");
    consume(200, &low, &high);
    grade_join(p, "producer");
    return 0;
  }
  if (strcmp(test, "two_of_each") == 0) {
    hb_task_id_t p1 = spawn("producer:0:150"), p2 = spawn("producer:100000:150");
    hb_task_id_t c1 = spawn("consumer:100"), c2 = spawn("consumer:100");
    consume(100, &low, &high);
    grade_join(p1, "producer");
    grade_join(p2, "producer");
    grade_join(c1, "consumer");
    grade_join(c2, "consumer");
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
