// x86_fini_array: when main returns, a C++ program's static destructors run, then its
// .fini_array functions, in the order Linux gives them, and the task still exits with main's
// value (userland/runtime/x86_64/init_array.cc, start.S, user.ld). The child tells its parent
// from each destructor by a message to the parent's inbox; the parent checks the order and
// the child's exit code. Without them, no message would ever come.
#include "check.h"

namespace {

hb_task_id_t g_parent = 0;  // set in the child only: the parent's own destructors stay quiet

void tell(int32_t what) {
  if (!g_parent) return;
  hb_msg_out m = {&what, sizeof(what), 0, nullptr};
  hb_send_task(g_parent, &m, 0, T_MS(5000));
}

struct Telling {
  explicit Telling(int32_t id) : m_id(id) {}
  ~Telling() { tell(m_id); }
  int32_t m_id;
};

Telling g_first(1);   // constructed first: destroyed last of the two
Telling g_second(2);

__attribute__((destructor(200))) void fini_200() { tell(200); }  // lower: runs later
__attribute__((destructor(300))) void fini_300() { tell(300); }
__attribute__((destructor)) void fini_default() { tell(400); }    // no priority: first

}  // namespace

int main() {
  t_name = "x86_fini_array";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "child")) {
    g_parent = s.sender;
    return 7;  // the exit code must survive the destructors
  }
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("x86_fini_array", "child", nullptr, 0, &child), HB_OK);
  // Objects in the reverse order of construction, then .fini_array backwards.
  const int32_t expected[] = {2, 1, 400, 300, 200};
  for (int32_t want : expected) {
    int32_t got = -1;
    hb_msg_in in = {};
    in.data = &got;
    in.cap = sizeof(got);
    CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(5000)), HB_OK);
    CHECK_EQ(in.sender, child);
    CHECK_EQ(got, want);
  }
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 7);
  return t_done();
}
