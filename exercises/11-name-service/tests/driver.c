/* tests/driver.c - exercise 11's public tests: `driver TEST` (see grade.json). The name
 * service is the one harbor-emu starts for every machine; each test uses names of its own. */
#include "grade_check.h"
#include "named.h"

#include <harbor/runtime.h>

#include <stdlib.h>
#include <string.h>

#define SECOND 1000000000ull

/* "checker-server:NAME:DELAY": (after DELAY logical seconds) registers NAME and answers one
 * call with the reversed request. */
static int checker_server(const char *arg) {
  char name[64];
  size_t n = strcspn(arg, ":");
  memcpy(name, arg, n);
  name[n] = '\0';
  int delay = atoi(arg + n + 1);
  if (delay) {
    hb_handle_t r, s;
    hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s);
    char b[4];
    hb_msg_in in = {0};
    in.data = b;
    in.cap = sizeof b;
    hb_recv(r, &in, 0, (hb_time_t)delay * SECOND); /* a logical-time sleep */
    hb_handle_close(r);
    hb_handle_close(s);
  }
  hb_handle_t recv, send;
  grade_expect_status(HB_OK, hb_port_create(HB_PORT_BOUNDED, 4, 0, &recv, &send), "hb_port_create", "");
  grade_expect_status(HB_OK, hb_name_register(name, send), "hb_name_register", "");
  char buf[256], out[256];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf;
  grade_expect_status(HB_OK, hb_recv(recv, &in, 0, HB_FOREVER), "the server's hb_recv", "");
  for (uint32_t k = 0; k < in.len; ++k) out[k] = buf[in.len - 1 - k];
  hb_msg_out reply = {out, in.len, 0, 0};
  grade_expect_status(HB_OK, hb_reply(in.reply, &reply), "hb_reply", "");
  return 0;
}

/* "student-server:NAME": the student's server, for one request. */
static int student_server(const char *name) {
  grade_student_begin();
  grade_expect_int(0, named_server(name, 1), "named_server(name, 1)", "");
  grade_check_leaks("close both handles of your port at the end");
  return 0;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "checker-server:", 15) == 0) return checker_server(test + 15);
  if (strncmp(test, "student-server:", 15) == 0) return student_server(test + 15);
  char answer[64] = {0};
  hb_task_id_t id;

  if (strcmp(test, "client_finds_server") == 0 || strcmp(test, "client_comes_first") == 0) {
    int first = strcmp(test, "client_comes_first") == 0;
    grade_expect_status(HB_OK, grade_spawn_role(first ? "checker-server:svc-late:2"
                                                      : "checker-server:svc-early:0", 0, 0, &id),
                        "hb_task_spawn", "");
    if (!first) {  /* let the server register first */
      hb_handle_t probe;
      grade_expect_status(HB_OK, hb_name_lookup("svc-early", HB_RIGHT_SEND, 10 * SECOND, &probe),
                          "the test's own lookup", "");
      hb_handle_close(probe);
    }
    grade_student_begin();
    int r = named_client(first ? "svc-late" : "svc-early", "harbor", answer, sizeof answer,
                         5 * SECOND);
    grade_expect_int(0, r, "named_client(...)",
                     first ? "the server registers 2 s after you look: give hb_name_lookup a "
                             "timeout, it waits for the name to appear"
                           : "hb_name_lookup, then hb_call");
    grade_expect_str("robrah", answer, "the answer", "copy the reply and add a NUL");
    grade_check_leaks("close the handle hb_name_lookup gave you");
    grade_join(id, "server");
    return 0;
  }
  if (strcmp(test, "no_such_name") == 0) {
    hb_time_t before = hb_clock_ns();
    grade_expect_int(HB_ERR_TIMED_OUT,
                     named_client("nobody-here", "x", answer, sizeof answer, 2 * SECOND),
                     "named_client for a name nobody registers, 2 s",
                     "return the lookup's status: HB_ERR_TIMED_OUT");
    grade_expect_int(1, hb_clock_ns() - before >= 2 * SECOND, "2 s passed (logical clock)",
                     "pass the timeout to hb_name_lookup");
    return 0;
  }
  if (strcmp(test, "server_registers") == 0 || strcmp(test, "server_unregisters") == 0) {
    grade_expect_status(HB_OK, grade_spawn_role("student-server:svc-student", 0, 0, &id),
                        "hb_task_spawn", "");
    hb_handle_t port;
    grade_expect_status(HB_OK, hb_name_lookup("svc-student", HB_RIGHT_SEND, 5 * SECOND, &port),
                        "hb_name_lookup(\"svc-student\") by the test",
                        "register your port's send right under the name you were given");
    hb_msg_out out = {"abc", 3, 0, 0};
    hb_msg_in in = {0};
    in.data = answer;
    in.cap = sizeof answer - 1;
    grade_expect_status(HB_OK, hb_call(port, &out, &in, HB_FOREVER), "hb_call to your server",
                        "receive the request and hb_reply through in.reply");
    answer[in.len] = '\0';
    grade_expect_str("cba", answer, "the answer", "reverse the request's bytes");
    hb_handle_close(port);
    grade_join(id, "server");
    if (strcmp(test, "server_unregisters") == 0) {
      grade_expect_status(HB_ERR_NOT_FOUND,
                          hb_name_lookup("svc-student", HB_RIGHT_SEND, HB_NOWAIT, &port),
                          "looking the name up after the server returned",
                          "hb_name_unregister(name) before returning (and exiting would "
                          "remove it too, but the test checks what you did)");
    }
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
