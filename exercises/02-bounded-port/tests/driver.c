/* tests/driver.c - exercise 02's public tests: `driver TEST` (see grade.json). One bounded
 * port of capacity 2 (so producers do block); producers and consumers are either the
 * student's functions or checkers written here, each in its own task. */
#include "grade_check.h"
#include "prodcons.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Helper roles: "checker-consumer:COUNT", "checker-producer:COUNT",
 * "student-producer:FIRST:COUNT[:closes]". Handle 0 is the port end it needs. */
static int helper(const char *role, hb_handle_t port) {
  const char *arg = strchr(role, ':') + 1;
  if (strncmp(role, "checker-consumer:", 17) == 0) {
    int count = atoi(arg);
    for (int i = 0; i < count; ++i) {
      uint32_t v = 0;
      hb_msg_in in = {0};
      in.data = &v;
      in.cap = sizeof v;
      grade_expect_status(HB_OK, hb_recv(port, &in, 0, HB_FOREVER), "the checker's hb_recv",
                          "produce must send `count` messages");
      grade_expect_int(4, in.len, "message length", "each message is one uint32_t: 4 bytes");
      grade_expect_int(i, v, "value received", "produce sends first, first + 1, ... in order");
    }
    uint32_t v;
    hb_msg_in in = {0};
    in.data = &v;
    in.cap = sizeof v;
    grade_expect_status(HB_ERR_PEER_CLOSED, hb_recv(port, &in, 0, HB_FOREVER),
                        "hb_recv after the last value",
                        "produce must close its send right when done: that is the end of the stream");
    return 0;
  }
  if (strncmp(role, "checker-producer:", 17) == 0) {
    int count = atoi(arg);
    for (int i = 0; i < count; ++i) {
      uint32_t v = (uint32_t)i;
      hb_msg_out out = {&v, sizeof v, 0, 0};
      grade_expect_status(HB_OK, hb_send(port, &out, 0, HB_FOREVER), "the checker's hb_send",
                          "consume must keep receiving until HB_ERR_PEER_CLOSED");
    }
    hb_handle_close(port);
    return 0;
  }
  /* student-producer:FIRST:COUNT[:closes] */
  uint32_t first = (uint32_t)atoi(arg), count = (uint32_t)atoi(strchr(arg, ':') + 1);
  grade_student_begin();
  grade_expect_int(0, produce(port, first, count), "produce(...)", "produce returns 0 when done");
  if (strstr(role, ":closes")) {
    grade_expect_closed(port, "the jobs handle produce was given", "produce must close jobs");
    grade_check_leaks("close every handle you make");
  }
  return 0;
}

static hb_task_id_t spawn(const char *role, hb_handle_t h) {
  hb_task_id_t id;
  grade_expect_status(HB_OK, grade_spawn_role(role, &h, 1, &id), "hb_task_spawn", "");
  return id;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];  /* the start message's first argument */
  if (strchr(test, ':')) return helper(test, start.handles[0]);

  hb_handle_t recv, send;
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_BOUNDED, 2, 0, &recv, &send),
                      "hb_port_create", "");
  uint32_t got[256];
  if (strcmp(test, "produce_ten") == 0) {
    hb_task_id_t c = spawn("checker-consumer:10", recv);
    grade_expect_int(0, produce(send, 0, 10), "produce(jobs, 0, 10)",
                     "send each value with hb_send(jobs, ..., HB_FOREVER), then close jobs");
    grade_join(c, "checker consumer");
    return 0;
  }
  if (strcmp(test, "consume_ten") == 0 || strcmp(test, "end_of_stream") == 0) {
    int count = strcmp(test, "consume_ten") == 0 ? 10 : 0;
    char role[64];
    snprintf(role, sizeof role, "checker-producer:%d", count);
    hb_task_id_t p = spawn(role, send);
    int n = consume(recv, got, 256);
    grade_expect_int(count, n, "consume(...)",
                     "count every message; HB_ERR_PEER_CLOSED is the end, not an error");
    for (int i = 0; i < count; ++i) grade_expect_int(i, got[i], "out[i]", "store values in arrival order");
    grade_join(p, "checker producer");
    return 0;
  }
  if (strcmp(test, "two_producers") == 0 || strcmp(test, "closes_handles") == 0) {
    int closes = strcmp(test, "closes_handles") == 0;
    hb_handle_t send2;
    grade_expect_status(HB_OK, hb_handle_dup(send, HB_RIGHTS_SAME, &send2), "hb_handle_dup", "");
    hb_task_id_t p1 = spawn(closes ? "student-producer:0:50:closes" : "student-producer:0:50", send);
    hb_task_id_t p2 = spawn(closes ? "student-producer:1000:50:closes" : "student-producer:1000:50", send2);
    grade_student_begin();
    int n = consume(recv, got, 256);
    grade_expect_int(100, n, "consume(...) with two producers of 50",
                     "the stream ends only when *every* producer closed its send right");
    uint32_t next_low = 0, next_high = 1000;
    for (int i = 0; i < 100; ++i) {
      if (got[i] < 1000) {
        grade_expect_int(next_low, got[i], "the next value from producer 1",
                         "a port is FIFO per sender: each producer's values arrive in order");
        ++next_low;
      } else {
        grade_expect_int(next_high, got[i], "the next value from producer 2",
                         "a port is FIFO per sender: each producer's values arrive in order");
        ++next_high;
      }
    }
    if (closes) {
      grade_expect_closed(recv, "the jobs handle consume was given", "consume must close jobs");
      grade_check_leaks("close every handle you make");
    }
    grade_join(p1, "producer 1");
    grade_join(p2, "producer 2");
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
