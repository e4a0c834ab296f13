// InboxTest: every task has an inbox (HB_INBOX, a bounded port it owns); anyone may send to
// it by task id (direct naming). hb_recv with HB_RECV_FROM receives only from one task
// (symmetric naming); without it, from anyone, and in->sender says who (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class InboxTest : public Harness {};

TEST_F(InboxTest, SendTaskDeliversToTheInboxAndNamesTheSender) {
  TaskHandle a = spawn("a"), b = spawn("b");
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "hello b"));
  ASSERT_STATUS(HB_OK, b.recv(HB_INBOX));
  EXPECT_EQ("hello b", b.got().data);
  EXPECT_EQ(a.id(), b.got().sender);
}

TEST_F(InboxTest, SendTaskToAnUnknownIdIsNotFound) {
  TaskHandle a = spawn("a"), gone = spawn("gone");
  hb_task_id_t gone_id = gone.id();
  ASSERT_STATUS(kernel::kBlocked, gone.exit(0));
  for (hb_task_id_t id : {hb_task_id_t{0}, hb_task_id_t{999999}, gone_id,
                          gone_id + kernel::Kernel::kMaxTasks}) {
    EXPECT_STATUS(HB_ERR_NOT_FOUND, a.send_task(id, "anyone there?")) << "task id " << id;
  }
  EXPECT_EQ(0u, a.queued_bytes());
}

TEST_F(InboxTest, SendTaskToAZombieIsPeerClosed) {
  TaskHandle parent = spawn("parent"), other = spawn("other");
  arch::test::add_image("child");
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(0));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, other.send_task(id, "too late"))
      << "the child exited; its parent has not collected it yet";
}

TEST_F(InboxTest, ReceiveWithoutFromTakesAnyoneAndReportsTheSender) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  ASSERT_STATUS(HB_OK, a.send_task(c.id(), "from a"));
  ASSERT_STATUS(HB_OK, b.send_task(c.id(), "from b"));
  ASSERT_STATUS(HB_OK, c.recv(HB_INBOX));
  EXPECT_EQ("from a", c.got().data);
  EXPECT_EQ(a.id(), c.got().sender);
  ASSERT_STATUS(HB_OK, c.recv(HB_INBOX));
  EXPECT_EQ("from b", c.got().data);
  EXPECT_EQ(b.id(), c.got().sender);
}

TEST_F(InboxTest, ReceiveFromTakesOnlyTheNamedSendersMessage) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  ASSERT_STATUS(HB_OK, a.send_task(c.id(), "from a"));
  ASSERT_STATUS(HB_OK, b.send_task(c.id(), "from b 1"));
  ASSERT_STATUS(HB_OK, b.send_task(c.id(), "from b 2"));
  ASSERT_STATUS(HB_OK, c.recv(HB_INBOX, HB_NOWAIT, HB_RECV_FROM, b.id()));
  EXPECT_EQ("from b 1", c.got().data) << "a's older message is skipped, not taken";
  EXPECT_EQ(b.id(), c.got().sender);
  ASSERT_STATUS(HB_OK, c.recv(HB_INBOX));
  EXPECT_EQ("from a", c.got().data) << "and it is still there for a receive from anyone";
  ASSERT_STATUS(HB_OK, c.recv(HB_INBOX));
  EXPECT_EQ("from b 2", c.got().data);
}

TEST_F(InboxTest, ReceiveFromWithNothingFromThatTaskWouldBlock) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  ASSERT_STATUS(HB_OK, a.send_task(c.id(), "from a"));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, c.recv(HB_INBOX, HB_NOWAIT, HB_RECV_FROM, b.id()));
}

TEST_F(InboxTest, BlockedReceiveFromIgnoresOtherSenders) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  ASSERT_STATUS(kernel::kBlocked, c.recv(HB_INBOX, HB_FOREVER, HB_RECV_FROM, b.id()));
  ASSERT_STATUS(HB_OK, a.send_task(c.id(), "from a"));
  EXPECT_BLOCKED(c);
  ASSERT_STATUS(HB_OK, b.send_task(c.id(), "from b"));
  EXPECT_RESUMED(c, HB_OK);
  EXPECT_EQ("from b", c.got().data);
  EXPECT_EQ(b.id(), c.got().sender);
  ASSERT_STATUS(HB_OK, c.recv(HB_INBOX));
  EXPECT_EQ("from a", c.got().data);
}

TEST_F(InboxTest, ReceiveFromPicksTheNamedSenderAmongBlockedSenders) {
  TaskHandle owner = spawn("owner"), a = spawn("a"), b = spawn("b");
  PortPair p = owner.port(HB_PORT_RENDEZVOUS);
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, owner.dup(p.send, HB_RIGHTS_SAME, &d));
  hb_handle_t ta = transfer(owner, p.send, a);
  hb_handle_t tb = transfer(owner, d, b);
  ASSERT_STATUS(kernel::kBlocked, a.send(ta, "from a", {}, 0, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, b.send(tb, "from b", {}, 0, HB_FOREVER));
  ASSERT_STATUS(HB_OK, owner.recv(p.recv, HB_NOWAIT, HB_RECV_FROM, b.id()));
  EXPECT_EQ("from b", owner.got().data);
  EXPECT_RESUMED(b, HB_OK);
  EXPECT_BLOCKED(a);
}

TEST_F(InboxTest, InboxIsBoundedByTheConfiguredCapacity) {
  kernel::KernelConfig config;
  config.inbox_capacity = 2;
  reset(config);
  TaskHandle a = spawn("a"), b = spawn("b");
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "1"));
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "2"));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.send_task(b.id(), "3", {}, 0, HB_NOWAIT));
  ASSERT_STATUS(kernel::kBlocked, a.send_task(b.id(), "3", {}, 0, HB_FOREVER));
  ASSERT_STATUS(HB_OK, b.recv(HB_INBOX));
  EXPECT_RESUMED(a, HB_OK);
}

TEST_F(InboxTest, SendToAFullInboxTimesOut) {
  kernel::KernelConfig config;
  config.inbox_capacity = 1;
  reset(config);
  TaskHandle a = spawn("a"), b = spawn("b");
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "1"));
  ASSERT_STATUS(kernel::kBlocked, a.send_task(b.id(), "2", {}, 0, 300));
  advance(300);
  EXPECT_RESUMED(a, HB_ERR_TIMED_OUT);
  ASSERT_STATUS(HB_OK, b.recv(HB_INBOX));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, b.recv(HB_INBOX)) << "the timed-out message never came";
}

TEST_F(InboxTest, SenderBlockedOnAFullInboxWakesWhenItsTaskExits) {
  kernel::KernelConfig config;
  config.inbox_capacity = 1;
  reset(config);
  TaskHandle a = spawn("a"), b = spawn("b");
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "1"));
  ASSERT_STATUS(kernel::kBlocked, a.send_task(b.id(), "2", {}, 0, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, b.exit(0));
  EXPECT_RESUMED(a, HB_ERR_PEER_CLOSED);
  EXPECT_EQ(0u, a.queued_bytes());
}

TEST_F(InboxTest, TaskMaySendToItself) {
  TaskHandle a = spawn("a");
  ASSERT_STATUS(HB_OK, a.send_task(a.id(), "note to self"));
  ASSERT_STATUS(HB_OK, a.recv(HB_INBOX, HB_NOWAIT, HB_RECV_FROM, a.id()));
  EXPECT_EQ("note to self", a.got().data);
}

}  // namespace
}  // namespace harbor::test
