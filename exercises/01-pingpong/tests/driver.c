/* tests/driver.c - exercise 01's public tests: `driver TEST` (see grade.json).
 *
 * Two rendezvous ports: `a` carries ping -> pong, `b` carries pong -> ping. A test runs one
 * side with the student's function and the other with a checker written here, or both with
 * the student's, in two tasks (the helper is this same program, started with a role). */
#include "grade_check.h"
#include "pingpong.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void make_port(hb_handle_t *recv, hb_handle_t *send) {
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, recv, send),
                      "hb_port_create", "the test could not make its ports");
}

/* The checker's side of one round: receive exactly `want` from `port`. */
static void expect_text(hb_handle_t port, const char *want, const char *hint) {
  char buf[64];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf - 1;
  grade_expect_status(HB_OK, hb_recv(port, &in, 0, HB_FOREVER), "the checker's hb_recv", hint);
  buf[in.len] = '\0';
  grade_expect_str(want, buf, "the message", hint);
}

static void send_text(hb_handle_t port, const char *text, const char *hint) {
  hb_msg_out out = {text, (uint32_t)strlen(text), 0, 0};
  grade_expect_status(HB_OK, hb_send(port, &out, 0, HB_FOREVER), "the checker's hb_send", hint);
}

static void checker_pong(hb_handle_t from_ping, hb_handle_t to_ping, int rounds) {
  for (int n = 1; n <= rounds; ++n) {
    char want[32], answer[32];
    snprintf(want, sizeof want, "ping %d", n);
    snprintf(answer, sizeof answer, "pong %d", n);
    expect_text(from_ping, want, "ping must send \"ping n\" (no NUL, no newline) for n = 1, 2, ...");
    send_text(to_ping, answer, "ping must receive each answer from from_pong");
  }
}

static void checker_ping(hb_handle_t to_pong, hb_handle_t from_pong, int rounds) {
  for (int n = 1; n <= rounds; ++n) {
    char text[32], want[32];
    snprintf(text, sizeof text, "ping %d", n);
    snprintf(want, sizeof want, "pong %d", n);
    send_text(to_pong, text, "pong must receive from from_ping (a rendezvous: the send waits for it)");
    expect_text(from_pong, want, "pong must answer \"pong n\" to \"ping n\", through to_ping");
  }
}

/* A helper task: "ROLE:ROUNDS" with handles [a.recv, b.send]. */
static int helper(const char *role, const hb_start_info *start) {
  int rounds = atoi(strchr(role, ':') + 1);
  hb_handle_t from_ping = start->handles[0], to_ping = start->handles[1];
  if (strncmp(role, "checker-pong:", 13) == 0) {
    checker_pong(from_ping, to_ping, rounds);
    return 0;
  }
  grade_student_begin();
  grade_expect_int(0, pong(from_ping, to_ping, rounds), "pong(...)",
                   "pong returns 0 once every round is answered");
  if (strncmp(role, "student-pong-closes:", 20) == 0) {
    grade_expect_closed(from_ping, "the from_ping handle pong was given",
                        "pong must close both handles before it returns");
    grade_expect_closed(to_ping, "the to_ping handle pong was given",
                        "pong must close both handles before it returns");
    grade_check_leaks("close every handle you make");
  }
  return 0;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) {
    grade_print("usage: driver TEST\n");
    return 2;
  }
  const char *test = start.argv[0];  /* the start message's first argument */
  if (strchr(test, ':')) return helper(test, &start);

  hb_handle_t a_recv, a_send, b_recv, b_send;
  make_port(&a_recv, &a_send);
  make_port(&b_recv, &b_send);
  hb_handle_t theirs[2] = {a_recv, b_send};
  hb_task_id_t other;
  char role[64];
  int rounds = strcmp(test, "ping_one_round") == 0 || strcmp(test, "pong_one_round") == 0 ? 1 : 100;
  const char *kind = strcmp(test, "ping_one_round") == 0   ? "checker-pong"
                     : strcmp(test, "closes_handles") == 0 ? "student-pong-closes"
                                                           : "student-pong";
  snprintf(role, sizeof role, "%s:%d", kind, rounds);
  grade_expect_status(HB_OK, grade_spawn_role(role, theirs, 2, &other), "hb_task_spawn", "");

  if (strcmp(test, "pong_one_round") == 0) {
    checker_ping(a_send, b_recv, rounds);
  } else if (strcmp(test, "ping_one_round") == 0 || strcmp(test, "hundred_rounds") == 0 ||
             strcmp(test, "closes_handles") == 0) {
    grade_student_begin();
    grade_expect_int(0, ping(a_send, b_recv, rounds), "ping(...)",
                     "ping returns 0 once every round got its answer");
    if (strcmp(test, "closes_handles") == 0) {
      grade_expect_closed(a_send, "the to_pong handle ping was given",
                          "ping must close both handles before it returns");
      grade_expect_closed(b_recv, "the from_pong handle ping was given",
                          "ping must close both handles before it returns");
      grade_check_leaks("close every handle you make");
    }
  } else {
    grade_print("driver: no test named %s\n", test);
    return 2;
  }
  grade_join(other, kind);
  return 0;
}
