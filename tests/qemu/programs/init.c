/* tests/qemu/programs/init.c - the first task: runs the test scenarios, reports the verdict.
 *
 * Its start message holds the scenario names to run (QEMU: the words of -append); none
 * means all of them. Each scenario is a program built into the boot image: init spawns it,
 * waits for it (bounded), and prints one line. init exits 0 only if every scenario exited 0,
 * which the x86-64 kernel turns into QEMU exit code 33 (isa-debug-exit, arch/x86_64).
 */
#include "check.h"

static const char *const kAll[] = {"rendezvous", "bounded_queue", "timeouts", "owner_death",
                                   "call_reply", "fault", "bad_pointer", "preempt",
                                   "region", 0};

static int run(const char *name) {
  hb_task_id_t id = 0;
  t_print("[ RUN  ] ");
  t_print(name);
  t_print("\n");
  hb_status_t s = t_spawn(name, "", 0, 0, &id);
  int32_t code = 0;
  if (s == HB_OK) s = hb_task_wait(id, &code, 60ull * 1000000000ull);
  if (s == HB_OK && code == 0) {
    t_print("[  OK  ] ");
    t_print(name);
    t_print("\n");
    return 1;
  }
  t_print("[ FAIL ] ");
  t_print(name);
  if (s != HB_OK) {
    t_print(": ");
    t_print(hb_strerror(s));
  } else {
    t_print(": exit code ");
    t_print_int(code);
  }
  t_print("\n");
  return 0;
}

int main(void) {
  t_name = "init";
  char bytes[512];
  hb_msg_in in = {0};
  in.data = bytes;
  in.cap = sizeof(bytes) - 1;
  uint32_t len = hb_recv(HB_INBOX, &in, 0, HB_NOWAIT) == HB_OK ? in.len : 0;
  bytes[len] = '\0';
  int passed = 0, total = 0;
  if (len == 0) {
    for (int i = 0; kAll[i]; ++i, ++total) passed += run(kAll[i]);
  } else {
    for (uint32_t at = 0; at < len; at += t_len(bytes + at) + 1) {
      if (!bytes[at]) continue;
      ++total;
      passed += run(bytes + at);
    }
  }
  t_print_int(passed);
  t_print("/");
  t_print_int(total);
  t_print(" scenarios passed\n");
  return passed == total && total > 0 ? 0 : 1;
}
