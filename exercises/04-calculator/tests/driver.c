/* tests/driver.c - exercise 04's public tests: `driver TEST` (see grade.json).
 * The student's calc_serve runs in a helper task ("server:N": it must return N); the test
 * task (and, for three_clients, two more helpers) are clients calling with hb_call. */
#include "calc.h"
#include "grade_check.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct calc_reply call_bytes(hb_handle_t port, const void *bytes, uint32_t len,
                                    const char *hint) {
  struct calc_reply r = {99, 99};
  hb_msg_out out = {bytes, len, 0, 0};
  hb_msg_in in = {0};
  in.data = &r;
  in.cap = sizeof r;
  grade_expect_status(HB_OK, hb_call(port, &out, &in, HB_FOREVER), "hb_call", hint);
  grade_expect_int(sizeof r, in.len, "the reply's length",
                   "reply with exactly one struct calc_reply (8 bytes)");
  return r;
}

static void expect_calc(hb_handle_t port, uint32_t op, int32_t a, int32_t b, int32_t status,
                        int32_t value, const char *hint) {
  struct calc_request q = {op, a, b};
  struct calc_reply r = call_bytes(port, &q, sizeof q, hint);
  char what[96];
  snprintf(what, sizeof what, "status of {op %u, %d, %d}", op, a, b);
  grade_expect_int(status, r.status, what, hint);
  snprintf(what, sizeof what, "value of {op %u, %d, %d}", op, a, b);
  grade_expect_int(value, r.value, what, hint);
}

static void client(hb_handle_t port, int base) {
  for (int i = 0; i < 20; ++i)
    expect_calc(port, CALC_ADD, base, i, CALC_OK, base + i, "each caller gets its own answer");
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "server:", 7) == 0) {
    int want = atoi(test + 7);
    hb_handle_t port = start.handles[0];
    grade_student_begin();
    grade_expect_int(want, calc_serve(port), "calc_serve(...)",
                     "it returns how many requests it answered, once no client is left");
    grade_expect_closed(port, "the port calc_serve was given", "close the port at the end");
    grade_check_leaks("close every handle you make");
    return 0;
  }
  if (strncmp(test, "client:", 7) == 0) {
    client(start.handles[0], atoi(test + 7));
    hb_handle_close(start.handles[0]);
    return 0;
  }

  hb_handle_t recv, send;
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_BOUNDED, 4, 0, &recv, &send),
                      "hb_port_create", "");
  int expected = strcmp(test, "add") == 0                  ? 1
                 : strcmp(test, "all_ops") == 0            ? 5
                 : strcmp(test, "garbage_gets_error") == 0 ? 5
                 : strcmp(test, "div_by_zero") == 0        ? 2
                 : strcmp(test, "three_clients") == 0      ? 60
                                                           : -1;
  if (expected < 0) {
    grade_print("driver: no test named %s\n", test);
    return 2;
  }
  char role[32];
  snprintf(role, sizeof role, "server:%d", expected);
  hb_task_id_t server;
  grade_expect_status(HB_OK, grade_spawn_role(role, &recv, 1, &server), "hb_task_spawn", "");

  if (strcmp(test, "add") == 0) {
    expect_calc(send, CALC_ADD, 2, 3, CALC_OK, 5,
                "receive, compute, then hb_reply(in.reply, ...) with a struct calc_reply");
  } else if (strcmp(test, "all_ops") == 0) {
    expect_calc(send, CALC_ADD, -7, 3, CALC_OK, -4, "");
    expect_calc(send, CALC_SUB, 10, 4, CALC_OK, 6, "CALC_SUB is a - b");
    expect_calc(send, CALC_MUL, -6, 7, CALC_OK, -42, "");
    expect_calc(send, CALC_DIV, 42, 5, CALC_OK, 8, "CALC_DIV is C's integer division");
    expect_calc(send, CALC_DIV, -42, 5, CALC_OK, -8, "CALC_DIV is C's integer division");
  } else if (strcmp(test, "garbage_gets_error") == 0) {
    const char *hint = "a malformed request gets {CALC_EBADREQ, 0}, and the server keeps serving";
    struct calc_reply r = call_bytes(send, "abc", 3, hint);
    grade_expect_int(CALC_EBADREQ, r.status, "status for a 3-byte request", hint);
    struct calc_request bad_op = {99, 1, 2};
    r = call_bytes(send, &bad_op, sizeof bad_op, hint);
    grade_expect_int(CALC_EBADREQ, r.status, "status for op 99", hint);
    static char longer[1000];
    r = call_bytes(send, longer, sizeof longer, "a 1000-byte request: hb_recv says "
                   "HB_ERR_BUFFER_TOO_SMALL if your buffer is smaller; the message stays queued");
    grade_expect_int(CALC_EBADREQ, r.status, "status for a 1000-byte request", hint);
    r = call_bytes(send, "", 0, hint);
    grade_expect_int(CALC_EBADREQ, r.status, "status for an empty request", hint);
    expect_calc(send, CALC_ADD, 1, 1, CALC_OK, 2, "after garbage, good requests still work");
  } else if (strcmp(test, "div_by_zero") == 0) {
    expect_calc(send, CALC_DIV, 1, 0, CALC_EDIVZERO, 0, "check b == 0 before dividing");
    expect_calc(send, CALC_ADD, 1, 1, CALC_OK, 2, "after an error, good requests still work");
  } else {
    hb_task_id_t c[2];
    for (int i = 0; i < 2; ++i) {
      hb_handle_t h;
      grade_expect_status(HB_OK, hb_handle_dup(send, HB_RIGHTS_SAME, &h), "hb_handle_dup", "");
      snprintf(role, sizeof role, "client:%d", (i + 1) * 1000);
      grade_expect_status(HB_OK, grade_spawn_role(role, &h, 1, &c[i]), "hb_task_spawn", "");
    }
    client(send, 0);
    for (int i = 0; i < 2; ++i) grade_join(c[i], "client");
  }
  hb_handle_close(send);  /* the last send right: the server's hb_recv says PEER_CLOSED */
  grade_join(server, "server");
  return 0;
}
