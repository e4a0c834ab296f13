// BoundedTest: HB_PORT_BOUNDED (capacity n >= 1): a sender blocks only when the queue is
// full; blocked senders are admitted in FIFO order as slots free up (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class BoundedTest : public Harness {};

TEST_F(BoundedTest, SendDoesNotBlockWhileThereIsRoom) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 3);
  for (int i = 0; i < 3; ++i)
    EXPECT_STATUS(HB_OK, a.send(p.send, "x", {}, 0, HB_FOREVER)) << "message " << i;
}

TEST_F(BoundedTest, SendBlocksWhenQueueFull) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 2);
  hb_handle_t tx = transfer(owner, p.send, sender);
  EXPECT_STATUS(HB_OK, sender.send(tx, "1", {}, 0, HB_FOREVER));
  EXPECT_STATUS(HB_OK, sender.send(tx, "2", {}, 0, HB_FOREVER));
  EXPECT_STATUS(kernel::kBlocked, sender.send(tx, "3", {}, 0, HB_FOREVER));
  EXPECT_BLOCKED(sender);
}

TEST_F(BoundedTest, SendWithNowaitOnFullQueueWouldBlockAndKeepsHandles) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  PortPair other = a.port(HB_PORT_UNBOUNDED);
  ASSERT_STATUS(HB_OK, a.send(p.send, "fills it"));
  uint64_t quota = a.queued_bytes();
  uint32_t handles = a.handles_used();
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.send(p.send, "no room", {other.send}, 0, HB_NOWAIT));
  EXPECT_EQ(quota, a.queued_bytes());
  EXPECT_EQ(handles, a.handles_used());
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(other.send).type) << "the handle stayed";
}

TEST_F(BoundedTest, BlockedSenderIsAdmittedWhenASlotFrees) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(HB_OK, sender.send(tx, "first", {}, 0, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, "second", {}, 0, HB_FOREVER));

  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ("first", owner.got().data);
  EXPECT_RESUMED(sender, HB_OK) << "its message went into the freed slot";

  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ("second", owner.got().data);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, owner.recv(p.recv));
}

TEST_F(BoundedTest, BlockedSendersAreAdmittedInFifoOrder) {
  TaskHandle owner = spawn("owner");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, owner.send(p.send, "m0"));
  std::vector<TaskHandle> senders;
  for (int i = 1; i <= 3; ++i) {
    TaskHandle s = spawn("s" + std::to_string(i));
    hb_handle_t d;
    ASSERT_STATUS(HB_OK, owner.dup(p.send, HB_RIGHTS_SAME, &d));
    hb_handle_t tx = transfer(owner, d, s);
    ASSERT_STATUS(kernel::kBlocked, s.send(tx, "m" + std::to_string(i), {}, 0, HB_FOREVER));
    senders.push_back(s);
  }
  for (int i = 0; i <= 3; ++i) {
    ASSERT_STATUS(HB_OK, owner.recv(p.recv));
    EXPECT_EQ("m" + std::to_string(i), owner.got().data);
    // Receiving message i frees the slot for the longest-waiting sender, and only for it.
    if (i < 3) EXPECT_RESUMED(senders[i], HB_OK) << "after receive " << i;
    for (int j = i + 1; j < 3; ++j) EXPECT_BLOCKED(senders[j]) << "after receive " << i;
  }
}

TEST_F(BoundedTest, QueueHoldsExactlyCapacityMessages) {
  TaskHandle a = spawn("a");
  for (uint32_t capacity : {1u, 2u, 5u}) {
    PortPair p = a.port(HB_PORT_BOUNDED, capacity);
    for (uint32_t i = 0; i < capacity; ++i) ASSERT_STATUS(HB_OK, a.send(p.send, "x"));
    EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.send(p.send, "x")) << "capacity " << capacity;
  }
}

TEST_F(BoundedTest, BlockedReceiverGetsTheNextMessageDirectly) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, owner.recv(p.recv, HB_FOREVER));
  EXPECT_STATUS(HB_OK, sender.send(tx, "direct"));
  EXPECT_RESUMED(owner, HB_OK);
  EXPECT_EQ("direct", owner.got().data);
  EXPECT_STATUS(HB_OK, sender.send(tx, "queued")) << "the slot is still free";
}

}  // namespace
}  // namespace harbor::test
