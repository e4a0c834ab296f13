/* tests/driver.c - exercise 07's public tests: `driver TEST` (see grade.json).
 * harbor-emu runs them with --deterministic: time is a logical clock that jumps to the next
 * deadline when every task waits, so the 5-second timeouts below cost no real time, and a
 * slow machine cannot make them fail. */
#include "grade_check.h"
#include "timeouts.h"

#include <harbor/runtime.h>

#include <string.h>

#define SECOND 1000000000ull

static void send_value(hb_handle_t port, uint32_t v) {
  hb_msg_out out = {&v, sizeof v, 0, 0};
  grade_expect_status(HB_OK, hb_send(port, &out, 0, HB_FOREVER), "the test's hb_send", "");
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strcmp(test, "late-sender") == 0) {
    for (int i = 0; i < 20; ++i) hb_yield();  /* the receiver waits first */
    send_value(start.handles[0], 7);
    return 0;
  }
  hb_handle_t recv, send;
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_BOUNDED, 4, 0, &recv, &send), "hb_port_create", "");
  if (strcmp(test, "drain_empty") == 0) {
    grade_expect_int(0, drain(recv), "drain(an empty port)",
                     "HB_NOWAIT on an empty port returns HB_ERR_WOULD_BLOCK: that is the end, not an error");
    return 0;
  }
  if (strcmp(test, "drain_three") == 0) {
    for (uint32_t i = 0; i < 3; ++i) send_value(send, i);
    grade_expect_int(3, drain(recv), "drain(a port holding 3)", "");
    grade_expect_int(0, drain(recv), "drain again", "the messages were consumed");
    return 0;
  }
  if (strcmp(test, "timeout_passes") == 0) {
    hb_time_t before = hb_clock_ns();
    grade_expect_int(0, wait_for_one(recv, 5 * SECOND), "wait_for_one(an empty port, 5 s)",
                     "pass timeout_ns to hb_recv; HB_ERR_TIMED_OUT means 0");
    grade_expect_int(1, hb_clock_ns() - before >= 5 * SECOND, "5 s passed (logical clock)",
                     "wait the whole timeout: do not poll once and give up");
    return 0;
  }
  if (strcmp(test, "message_before_timeout") == 0) {
    hb_task_id_t id;
    grade_expect_status(HB_OK, grade_spawn_role("late-sender", &send, 1, &id), "hb_task_spawn", "");
    grade_expect_int(1, wait_for_one(recv, 10 * SECOND), "wait_for_one(port, 10 s)",
                     "a message that comes before the deadline wakes the receiver at once");
    grade_join(id, "sender");
    return 0;
  }
  if (strcmp(test, "try_send_full") == 0) {
    for (uint32_t i = 0; i < 4; ++i)
      grade_expect_status(HB_OK, try_send(send, i), "try_send into a port with room", "");
    grade_expect_status(HB_ERR_WOULD_BLOCK, try_send(send, 4), "try_send into a full port",
                        "HB_NOWAIT: never block. (If this test timed out or deadlocked instead, "
                        "your send waited for room that never comes.)");
    grade_expect_int(4, drain(recv), "messages queued", "a failed send queues nothing");
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
