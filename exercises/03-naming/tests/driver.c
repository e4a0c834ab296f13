/* tests/driver.c - exercise 03's public tests: `driver TEST` (see grade.json).
 *
 * The test task is the server (the student's code). Greeters are helper tasks that send one
 * greeting into the server's inbox by task id. To fix which greeting arrives first, a
 * greeter tells the test task it has sent (a rendezvous port, `sent`), and only then is the
 * next greeter started. */
#include "grade_check.h"
#include "naming.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <string.h>

/* "greeter:TEXT:ACK" (ACK 1: wait for "ack" from the server), handle 0: `sent` send right. */
static int greeter(const char *role, const hb_start_info *start) {
  char text[64];
  const char *arg = strchr(role, ':') + 1;
  const char *colon = strrchr(role, ':');
  size_t n = (size_t)(colon - arg);
  memcpy(text, arg, n);
  text[n] = '\0';
  int want_ack = colon[1] == '1';
  hb_task_id_t server = start->sender;
  hb_msg_out out = {text, (uint32_t)n, 0, 0};
  grade_expect_status(HB_OK, hb_send_task(server, &out, 0, HB_FOREVER), "hb_send_task", "");
  hb_msg_out done = {"sent", 4, 0, 0};
  grade_expect_status(HB_OK, hb_send(start->handles[0], &done, 0, HB_FOREVER), "hb_send", "");
  /* Stay for the ack (so that the server can send it), but without ACK for 1 s at most: a
   * logical second under --deterministic, no real time. */
  char buf[16] = {0};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf - 1;
  hb_status_t s = hb_recv(HB_INBOX, &in, 0, want_ack ? HB_FOREVER : 1000000000ull);
  if (!want_ack) return 0;
  grade_expect_status(HB_OK, s, "the greeter's hb_recv", "");
  grade_expect_str("ack", buf, "the answer in the greeter's inbox",
                   "answer each greeter by task id: hb_send_task(id, \"ack\", 3 bytes)");
  grade_expect_int((int64_t)server, (int64_t)in.sender, "who sent the ack",
                   "the ack must come from the server task");
  return 0;
}

static hb_handle_t sent_recv, sent_send;

/* Starts a greeter and waits until its greeting is in our inbox. */
static hb_task_id_t greet(const char *text, int ack) {
  char role[96];
  snprintf(role, sizeof role, "greeter:%s:%d", text, ack);
  hb_handle_t h;
  grade_expect_status(HB_OK, hb_handle_dup(sent_send, HB_RIGHTS_SAME, &h), "hb_handle_dup", "");
  hb_task_id_t id;
  grade_expect_status(HB_OK, grade_spawn_role(role, &h, 1, &id), "hb_task_spawn", "");
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf;
  grade_expect_status(HB_OK, hb_recv(sent_recv, &in, 0, HB_FOREVER), "waiting for a greeter", "");
  return id;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "greeter:", 8) == 0) return greeter(test, &start);
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &sent_recv, &sent_send),
                      "hb_port_create", "");
  char one[64], two[64];
  if (strcmp(test, "in_order_arrival") == 0 || strcmp(test, "reverse_arrival") == 0 ||
      strcmp(test, "acks_by_task_id") == 0) {
    int ack = strcmp(test, "acks_by_task_id") == 0;
    hb_task_id_t alice, bob;
    if (strcmp(test, "reverse_arrival") == 0) {
      bob = greet("hello from bob", ack);
      alice = greet("hello from alice", ack);
    } else {
      alice = greet("hello from alice", ack);
      bob = greet("hello from bob", ack);
    }
    int r = greet_in_order(alice, bob, one, two, sizeof one);
    grade_expect_int(0, r, "greet_in_order(alice, bob, ...)", "it returns 0 when all went well");
    grade_expect_str("hello from alice", one, "out1",
                     "receive with HB_RECV_FROM and in.sender = first: the other greeting waits");
    grade_expect_str("hello from bob", two, "out2", "then the same for second");
    grade_join(alice, "alice");
    grade_join(bob, "bob");
    return 0;
  }
  if (strcmp(test, "from_anyone") == 0) {
    hb_task_id_t carol = greet("hi from carol", 0);
    hb_task_id_t who = 0;
    grade_expect_int(0, recv_from_anyone(one, sizeof one, &who), "recv_from_anyone(...)", "");
    grade_expect_str("hi from carol", one, "the message", "");
    grade_expect_int((int64_t)carol, (int64_t)who, "*sender",
                     "the kernel writes the sender's task id into in.sender");
    grade_join(carol, "carol");
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
