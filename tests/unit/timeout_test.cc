// TimeoutTest: relative timeouts end with HB_ERR_TIMED_OUT once the clock passes them, not
// before; HB_FOREVER never ends by itself (SPEC 3).
#include "harness.h"

#include <arch/clock.h>

namespace harbor::test {
namespace {

class TimeoutTest : public Harness {};

TEST_F(TimeoutTest, ReceiveTimesOutWhenTheDeadlinePasses) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, a.recv(p.recv, 1000));
  advance(1000);
  EXPECT_RESUMED(a, HB_ERR_TIMED_OUT);
  EXPECT_FALSE(a.blocked());
}

TEST_F(TimeoutTest, ReceiveDoesNotTimeOutBeforeTheDeadline) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, a.recv(p.recv, 1000));
  advance(999);
  EXPECT_BLOCKED(a);
  advance(1);
  EXPECT_RESUMED(a, HB_ERR_TIMED_OUT);
}

TEST_F(TimeoutTest, ExpiringWithoutTheClockMovingWakesNobody) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, a.recv(p.recv, 1));
  kernel().expire_deadlines(arch::clock_ns());
  EXPECT_BLOCKED(a);
}

TEST_F(TimeoutTest, TimerIsSetToTheEarliestDeadline) {
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair pa = a.port(HB_PORT_BOUNDED, 1);
  PortPair pb = b.port(HB_PORT_BOUNDED, 1);
  uint64_t now = arch::clock_ns();
  ASSERT_STATUS(kernel::kBlocked, a.recv(pa.recv, 5000));
  EXPECT_EQ(now + 5000, arch::test::timer_deadline());
  ASSERT_STATUS(kernel::kBlocked, b.recv(pb.recv, 2000));
  EXPECT_EQ(now + 2000, arch::test::timer_deadline());
  advance(2000);
  EXPECT_RESUMED(b, HB_ERR_TIMED_OUT);
  EXPECT_BLOCKED(a);
  EXPECT_EQ(now + 5000, arch::test::timer_deadline());
}

TEST_F(TimeoutTest, ForeverNeverTimesOut) {
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair p = b.port(HB_PORT_BOUNDED, 1);
  hb_handle_t rx = transfer(b, p.recv, a);
  ASSERT_STATUS(kernel::kBlocked, a.recv(rx, HB_FOREVER));
  EXPECT_EQ(UINT64_MAX, kernel().next_deadline()) << "no deadline to arm";
  advance(uint64_t{1} << 62);
  EXPECT_BLOCKED(a);
  ASSERT_STATUS(HB_OK, b.send(p.send, "at last"));
  EXPECT_RESUMED(a, HB_OK);
  EXPECT_EQ("at last", a.got().data);
}

TEST_F(TimeoutTest, HugeTimeoutDoesNotWrapAround) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, a.recv(p.recv, HB_FOREVER - 1));
  advance(1'000'000'000);
  EXPECT_BLOCKED(a) << "now + timeout overflowed into the past";
}

TEST_F(TimeoutTest, SendOnFullBoundedPortTimesOutAndWithdrawsItsMessage) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  PortPair gift = sender.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, sender.send(tx, "first"));
  uint64_t quota = sender.queued_bytes();
  uint32_t handles = sender.handles_used();
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, "late", {gift.send}, 0, 500));
  advance(499);
  EXPECT_BLOCKED(sender);
  advance(1);
  EXPECT_RESUMED(sender, HB_ERR_TIMED_OUT);
  EXPECT_EQ(quota, sender.queued_bytes()) << "the withdrawn message is no longer charged";
  EXPECT_EQ(handles, sender.handles_used()) << "its handle never left";
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, sender.info(gift.send).type);
  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ("first", owner.got().data);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, owner.recv(p.recv)) << "the timed-out message never arrives";
}

TEST_F(TimeoutTest, RendezvousSendTimesOut) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, "x", {}, 0, 100));
  advance(100);
  EXPECT_RESUMED(sender, HB_ERR_TIMED_OUT);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, owner.recv(p.recv));
  EXPECT_EQ(0u, sender.queued_bytes());
}

TEST_F(TimeoutTest, MessageBeforeTheDeadlineCancelsTheTimeout) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, owner.recv(p.recv, 1000));
  advance(500);
  ASSERT_STATUS(HB_OK, sender.send(tx, "in time"));
  EXPECT_RESUMED(owner, HB_OK);
  EXPECT_EQ("in time", owner.got().data);
  EXPECT_EQ(UINT64_MAX, kernel().next_deadline()) << "the deadline was disarmed";
  advance(10'000);  // would panic ("resumed twice") if the old deadline still fired
  EXPECT_EQ(1u, owner.task()->context()->resumes);
}

TEST_F(TimeoutTest, DeadlinesExpireInOrder) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  PortPair pa = a.port(HB_PORT_BOUNDED, 1), pb = b.port(HB_PORT_BOUNDED, 1),
           pc = c.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, a.recv(pa.recv, 300));
  ASSERT_STATUS(kernel::kBlocked, b.recv(pb.recv, 100));
  ASSERT_STATUS(kernel::kBlocked, c.recv(pc.recv, 200));
  advance(150);
  EXPECT_RESUMED(b, HB_ERR_TIMED_OUT);
  EXPECT_BLOCKED(a);
  EXPECT_BLOCKED(c);
  advance(150);
  EXPECT_RESUMED(a, HB_ERR_TIMED_OUT);
  EXPECT_RESUMED(c, HB_ERR_TIMED_OUT);
}

TEST_F(TimeoutTest, WaitForChildTimesOut) {
  TaskHandle parent = spawn("parent");
  arch::test::add_image("child");
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  int32_t code = 12345;
  ASSERT_STATUS(kernel::kBlocked, parent.wait(id, &code, 50));
  advance(50);
  EXPECT_RESUMED(parent, HB_ERR_TIMED_OUT);
  EXPECT_EQ(12345, code);
}

}  // namespace
}  // namespace harbor::test
