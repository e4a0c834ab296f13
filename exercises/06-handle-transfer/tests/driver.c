/* tests/driver.c - exercise 06's public tests: `driver TEST` (see grade.json). */
#include "grade_check.h"
#include "transfer.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <string.h>

/* The checker worker: "checker-worker:STRICT" (STRICT 1: the right must be exactly
 * SEND | TRANSFER). */
static int checker_worker(int strict) {
  char buf[16] = {0};
  hb_handle_t got[4] = {0};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf - 1;
  in.handles = got;
  in.handle_cap = 4;
  grade_expect_status(HB_OK, hb_recv(HB_INBOX, &in, 0, HB_FOREVER), "the worker's hb_recv", "");
  grade_expect_str("job", buf, "the job message", "send the 3 bytes \"job\" with hb_send_task");
  grade_expect_int(1, in.handle_count, "handles in the job message",
                   "put the send right in hb_msg_out.handles (handle_count 1)");
  hb_handle_info_t info;
  grade_expect_status(HB_OK, hb_handle_info(got[0], &info), "hb_handle_info", "");
  grade_expect_int(HB_OBJ_PORT, info.type, "the handle's type (1 = port)", "send a port handle");
  grade_expect_int(HB_RIGHT_SEND, info.rights & (HB_RIGHT_SEND | HB_RIGHT_RECV),
                   "its send/receive rights (1 = send only)",
                   "give the worker a send right, keep the receive right");
  if (strict)
    grade_expect_int(HB_RIGHT_SEND | HB_RIGHT_TRANSFER, info.rights,
                     "all its rights (9 = HB_RIGHT_SEND | HB_RIGHT_TRANSFER)",
                     "reduce the right first: hb_handle_dup(send, HB_RIGHT_SEND | "
                     "HB_RIGHT_TRANSFER, &only); rights only ever shrink, so the worker cannot "
                     "get HB_RIGHT_DUP back");
  hb_msg_out done = {"done", 4, 0, 0};
  grade_expect_status(HB_OK, hb_send(got[0], &done, 0, HB_FOREVER), "the worker's hb_send",
                      "the boss must keep the receive right until the answer came");
  hb_handle_close(got[0]);
  return 0;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "checker-worker:", 15) == 0) return checker_worker(test[15] == '1');
  if (strcmp(test, "student-worker") == 0) {
    grade_student_begin();
    grade_expect_int(0, worker(), "worker()", "");
    grade_check_leaks("close the handle you received");
    return 0;
  }
  char answer[32] = {0};
  hb_task_id_t id;
  if (strcmp(test, "boss_hands_a_port") == 0 || strcmp(test, "send_right_only") == 0 ||
      strcmp(test, "boss_closes_handles") == 0) {
    int strict = strcmp(test, "boss_hands_a_port") != 0;
    grade_expect_status(HB_OK, grade_spawn_role(strict ? "checker-worker:1" : "checker-worker:0",
                                                0, 0, &id),
                        "hb_task_spawn", "");
    grade_student_begin();
    grade_expect_int(0, boss(id, answer, sizeof answer), "boss(worker, ...)", "");
    grade_expect_str("done", answer, "the answer", "receive the worker's answer on your receive right");
    if (strcmp(test, "boss_closes_handles") == 0)
      grade_check_leaks("close the receive right after the answer, and the original send right "
                        "once you have made the reduced copy");
    grade_join(id, "worker");
    return 0;
  }
  if (strcmp(test, "worker_answers") == 0) {
    grade_expect_status(HB_OK, grade_spawn_role("student-worker", 0, 0, &id), "hb_task_spawn", "");
    hb_handle_t recv, send, only;
    grade_expect_status(HB_OK, hb_port_create(HB_PORT_BOUNDED, 1, 0, &recv, &send), "hb_port_create", "");
    grade_expect_status(HB_OK, hb_handle_dup(send, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &only),
                        "hb_handle_dup", "");
    hb_handle_close(send);
    hb_msg_out job = {"job", 3, 1, &only};
    grade_expect_status(HB_OK, hb_send_task(id, &job, 0, HB_FOREVER), "hb_send_task", "");
    hb_msg_in in = {0};
    in.data = answer;
    in.cap = sizeof answer - 1;
    grade_expect_status(HB_OK, hb_recv(recv, &in, 0, HB_FOREVER), "hb_recv of the answer",
                        "the worker sends \"done\" through the handle that came with the job");
    grade_expect_str("done", answer, "the answer", "");
    grade_join(id, "worker");
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
