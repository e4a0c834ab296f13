/* tests/driver.c - exercise 08's public tests: `driver TEST` (see grade.json). The other side
 * is a helper task that leaves on purpose: it exits, crashes (SIGSEGV: harbor-emu says so on
 * stderr, that is expected here), or drops a reply capability. */
#include "grade_check.h"
#include "robust.h"

#include <harbor/runtime.h>

#include <stdlib.h>
#include <string.h>

static int32_t recv_value(hb_handle_t port, hb_handle_t *reply) {
  int32_t v = -1;
  hb_msg_in in = {0};
  in.data = &v;
  in.cap = sizeof v;
  grade_expect_status(HB_OK, hb_recv(port, &in, 0, HB_FOREVER), "the helper's hb_recv", "");
  if (reply) *reply = in.reply;
  return v;
}

/* Roles: "receiver:N" takes N then exits; "crasher:N" takes N then faults; "dropper" takes a
 * call and exits without answering; "doubler" answers one call with 2 * request. */
static int helper(const char *role, hb_handle_t port) {
  if (strncmp(role, "receiver:", 9) == 0 || strncmp(role, "crasher:", 8) == 0) {
    int n = atoi(strchr(role, ':') + 1);
    for (int i = 0; i < n; ++i) grade_expect_int(i, recv_value(port, 0), "value received", "");
    if (role[0] == 'c') *(volatile int *)0 = 1; /* dies of SIGSEGV, on purpose */
    return 0;
  }
  hb_handle_t reply = HB_INVALID;
  int32_t v = recv_value(port, &reply);
  if (strcmp(role, "dropper") == 0) return 0; /* exits holding the reply capability */
  int32_t answer = 2 * v;
  hb_msg_out out = {&answer, sizeof answer, 0, 0};
  grade_expect_status(HB_OK, hb_reply(reply, &out), "hb_reply", "");
  return 0;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strchr(test, ':') || strcmp(test, "dropper") == 0 || strcmp(test, "doubler") == 0)
    return helper(test, start.handles[0]);

  hb_handle_t recv, send;
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &recv, &send), "hb_port_create", "");
  const char *role = strcmp(test, "receiver_exits") == 0    ? "receiver:3"
                     : strcmp(test, "receiver_crashes") == 0 ? "crasher:2"
                     : strcmp(test, "server_answers") == 0   ? "doubler"
                     : strcmp(test, "reply_dropped") == 0    ? "dropper"
                                                             : 0;
  if (!role) {
    grade_print("driver: no test named %s\n", test);
    return 2;
  }
  hb_task_id_t id;
  grade_expect_status(HB_OK, grade_spawn_role(role, &recv, 1, &id), "hb_task_spawn", "");
  if (role[0] == 'r' || role[0] == 'c') {
    int want = role[0] == 'r' ? 3 : 2;
    hb_status_t status = HB_OK;
    int sent = send_until_closed(send, 100, &status);
    grade_expect_int(want, sent, "send_until_closed(...) on a rendezvous port",
                     "count only the sends that returned HB_OK; stop at the first failure");
    grade_expect_status(HB_ERR_PEER_CLOSED, status, "*status",
                        "the receiver is gone: its port died and the kernel says HB_ERR_PEER_CLOSED");
  } else if (role[0] == 'd' && role[1] == 'o') {
    grade_expect_int(42, call_or_fail(send, 21), "call_or_fail(port, 21) (the server doubles)",
                     "hb_call sends the request and waits for the answer in one call");
  } else {
    grade_expect_int(HB_ERR_PEER_CLOSED, call_or_fail(send, 21),
                     "call_or_fail when the server drops the reply capability",
                     "hb_call returns HB_ERR_PEER_CLOSED: pass that status on");
  }
  int32_t code = 0;
  hb_task_wait(id, &code, HB_FOREVER);  /* the helper's end is part of the test, not checked */
  return 0;
}
