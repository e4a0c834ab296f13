// init_array: a C++ program's static constructors run before main, in priority order, and
// may already make syscalls (userland/runtime/x86_64/init_array.cc, user.ld, start.S).
// Without them every global object here would still be zero when main looks.
#include "check.h"

namespace {

int g_order[8];
int g_count = 0;
hb_task_id_t g_self_in_constructor = 0;

struct Recorder {
  explicit Recorder(int id) : m_id(id) { g_order[g_count++] = id; }
  ~Recorder() { m_id = -1; }  // non-trivial: the constructor registers it (__cxa_atexit)
  int m_id;
};

// Declared out of order on purpose: the priorities decide.
Recorder g_default(4);                                // default priority: last
__attribute__((init_priority(300))) Recorder g_late(3);
__attribute__((init_priority(101))) Recorder g_first(1);

__attribute__((constructor(200))) void between() {
  g_order[g_count++] = 2;
  g_self_in_constructor = hb_task_self();  // the kernel is already there
}

struct Table {
  Table() {
    for (int i = 0; i < 4; ++i) squares[i] = i * i;
  }
  int squares[4];
};
Table g_table;

}  // namespace

int main() {
  t_name = "init_array";
  CHECK_EQ(g_count, 4);
  CHECK_EQ(g_order[0], 1);
  CHECK_EQ(g_order[1], 2);
  CHECK_EQ(g_order[2], 3);
  CHECK_EQ(g_order[3], 4);
  CHECK_EQ(g_first.m_id, 1);
  CHECK_EQ(g_default.m_id, 4);
  CHECK_EQ(g_table.squares[3], 9);
  CHECK_EQ(g_self_in_constructor, hb_task_self());
  CHECK(g_self_in_constructor != 0);
  return t_done();
}
