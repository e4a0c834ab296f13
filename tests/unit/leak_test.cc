// LeakTest: the kernel never keeps memory nobody can reach. Once every task has exited, the
// kernel heap (arch::test::heap_bytes) is back where it started, whatever the tasks left
// behind: queued messages with handles, blocked senders and receivers, outstanding calls,
// semaphores, children.
#include "harness.h"

#include <arch/test_control.h>

namespace harbor::test {
namespace {

class LeakTest : public Harness {
 protected:
  // A busy little system, left in the middle of everything.
  void build_a_mess() {
    arch::test::add_image("child");
    TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c"), d = spawn("d");
    PortPair rv = a.port(HB_PORT_RENDEZVOUS);
    PortPair bd = a.port(HB_PORT_BOUNDED, 2);
    PortPair ub = b.port(HB_PORT_UNBOUNDED);
    PortPair sys = c.port(HB_PORT_BOUNDED, 4, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV);
    hb_handle_t to_rv = transfer(a, rv.send, b);
    hb_handle_t to_bd = transfer(a, bd.send, c);
    hb_handle_t to_ub = transfer(b, ub.send, c);
    hb_handle_t sys_rx;
    ASSERT_STATUS(HB_OK, c.dup(sys.recv, HB_RIGHTS_SAME, &sys_rx));
    hb_handle_t d_sys = transfer(c, sys_rx, d);
    hb_handle_t sem;
    ASSERT_STATUS(HB_OK, d.sem_create(0, 4, &sem));

    // Queued messages carrying handles of every kind.
    PortPair inner = c.port(HB_PORT_BOUNDED, 1);
    ASSERT_STATUS(HB_OK, c.send(to_bd, "carries a receive right", {inner.recv}));
    ASSERT_STATUS(HB_OK, c.send(to_bd, "carries a send right", {inner.send}));
    for (int i = 0; i < 5; ++i) ASSERT_STATUS(HB_OK, c.send(to_ub, std::string(300, 'u')));
    ASSERT_STATUS(HB_OK, c.send(sys.send, "system", {}));
    ASSERT_STATUS(HB_OK, d.send_task(a.id(), "to a's inbox", {sem}));
    // Outstanding calls: one request taken (reply capability held), one queued.
    PortPair svc = b.port(HB_PORT_BOUNDED, 4);
    hb_handle_t svc_copy;
    ASSERT_STATUS(HB_OK, b.dup(svc.send, HB_RIGHTS_SAME, &svc_copy));
    hb_handle_t to_svc = transfer(b, svc.send, d);
    ASSERT_STATUS(HB_OK, b.send_task(a.id(), "svc", {svc_copy}));
    ASSERT_STATUS(HB_OK, a.recv(HB_INBOX, HB_NOWAIT, HB_RECV_FROM, b.id()));
    hb_handle_t a_svc = a.got().handles[0];
    ASSERT_STATUS(kernel::kBlocked, d.call(to_svc, "request 1"));
    ASSERT_STATUS(HB_OK, b.recv(svc.recv));
    ASSERT_STATUS(kernel::kBlocked, a.call(a_svc, "request 2"));
    // A child, running, with a handle.
    hb_task_id_t child = 0;
    ASSERT_STATUS(HB_OK, b.spawn("child", "args", {}, &child));
    // Blocked: a sender on the rendezvous port (with a handle), a receiver with a deadline.
    PortPair extra = b.port(HB_PORT_BOUNDED, 1);
    ASSERT_STATUS(kernel::kBlocked, b.send(to_rv, "waiting", {extra.send}, 0, HB_FOREVER));
    PortPair idle = c.port(HB_PORT_BOUNDED, 1);
    ASSERT_STATUS(kernel::kBlocked, c.recv(idle.recv, 5000));
    // d waits on the system port it shares with c (its request 1 is outstanding, so d is
    // blocked already; c's copy of the receive right stays with c).
    (void)d_sys;
  }
};

TEST_F(LeakTest, HeapReturnsToItsStartAfterEveryTaskExits) {
  build_a_mess();
  exit_all();
  EXPECT_EQ(0u, kernel().task_count()) << "every task exited and was reaped";
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes())
      << "kernel heap after every task exited (" << arch::test::heap_blocks() << " blocks live)";
  EXPECT_EQ(0u, kernel().stats_total().objects_alive);
}

TEST_F(LeakTest, HeapReturnsToItsStartAfterEveryTaskIsKilled) {
  build_a_mess();
  for (hb_task_id_t id = 1; id < 64; ++id)
    if (kernel::Task* t = kernel().find_task(id); t && t->alive()) kernel().task_died(*t, -9);
  EXPECT_EQ(0u, kernel().task_count());
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes());
}

TEST_F(LeakTest, QuotaOfEveryTaskIsBackToZeroWhenItIsFreed) {
  build_a_mess();
  // Keep the Task objects alive past their exit to read their quotas.
  std::vector<kernel::Task*> tasks;
  kernel().for_each_task([&](kernel::Task& t) {
    t.retain();
    tasks.push_back(&t);
  });
  exit_all();
  for (kernel::Task* t : tasks) {
    EXPECT_EQ(0u, t->quota().queued_bytes()) << "task " << t->id();
    EXPECT_EQ(0u, t->quota().ports()) << "task " << t->id();
    EXPECT_EQ(0u, t->quota().semaphores()) << "task " << t->id();
    EXPECT_EQ(0u, t->handles().used_slots()) << "task " << t->id();
    t->release();
  }
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes());
}

TEST_F(LeakTest, ReceiveRightCycleIsRefused) {
  // P's receive right waiting in Q's queue and Q's in P's would leave two ports nobody can
  // ever reach. The send that would close the cycle is refused (docs/design.md).
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  PortPair q = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "q's receive right", {q.recv}));
  uint32_t used = a.handles_used();
  uint64_t charged = a.queued_bytes();
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.send(q.send, "p's receive right", {p.recv}))
      << "q's own receive right is inside a message: p's must not join it there";
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(charged, a.queued_bytes());
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(p.recv).type) << "a keeps p's receive right";
  ASSERT_STATUS(kernel::kBlocked, a.exit(0));
  EXPECT_EQ(0u, kernel().task_count());
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes()) << "nothing is left behind";
}

TEST_F(LeakTest, LongerReceiveRightCycleIsRefused) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  PortPair q = a.port(HB_PORT_BOUNDED, 1);
  PortPair r = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(q.send, "r's receive right", {r.recv}));
  ASSERT_STATUS(HB_OK, a.send(p.send, "q's receive right", {q.recv}));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.send(r.send, "p's receive right", {p.recv}));
  ASSERT_STATUS(kernel::kBlocked, a.exit(0));
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes());
}

TEST_F(LeakTest, SystemPortHoldingItsOnlyHandleIsReclaimedWhenItsTasksExit) {
  TaskHandle a = spawn("a");
  PortPair s = a.port(HB_PORT_BOUNDED, 1, HB_PORT_SYSTEM);
  ASSERT_STATUS(HB_OK, a.send(s.send, "my own send right", {s.send}));
  ASSERT_STATUS(kernel::kBlocked, a.exit(0));
  EXPECT_EQ(0u, kernel().task_count());
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes())
      << "the system port's last handle sits in its own queue: nobody can ever reach it";
}

TEST_F(LeakTest, PortWhoseSendRightIsInItsOwnQueueDiesWithItsOwner) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "my own send right", {p.send}));
  ASSERT_STATUS(kernel::kBlocked, a.exit(0));
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes());
}

}  // namespace
}  // namespace harbor::test
