// OwnerDeathTest: when the owner of a port (the holder of its receive right) exits, dies or
// closes the receive right, the port dies: queued messages are destroyed and the handles in
// them closed, blocked senders wake with HB_ERR_PEER_CLOSED, later sends fail the same way
// (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class OwnerDeathTest : public Harness {
 protected:
  enum class Death { Exit, Killed, CloseReceiveRight };

  // The owner's port dies in one of the three ways.
  void kill_port(TaskHandle owner, hb_handle_t recv, Death how) {
    switch (how) {
      case Death::Exit:
        ASSERT_STATUS(kernel::kBlocked, owner.exit(3));
        break;
      case Death::Killed:
        ASSERT_NE(nullptr, owner.task());
        kernel().task_died(*owner.task(), -9);
        break;
      case Death::CloseReceiveRight:
        ASSERT_STATUS(HB_OK, owner.close(recv));
        break;
    }
  }

  // A queued message carries the only send right of the writer's own port Q; the writer
  // waits on Q. When the message is destroyed, Q loses its last sender and the writer sees
  // end-of-stream: that is how a test observes "the handles inside were closed".
  void queued_handles_are_closed(Death how) {
    TaskHandle owner = spawn("owner"), writer = spawn("writer");
    PortPair p = owner.port(HB_PORT_BOUNDED, 4);
    hb_handle_t tx = transfer(owner, p.send, writer);
    PortPair q = writer.port(HB_PORT_BOUNDED, 1);
    ASSERT_STATUS(HB_OK, writer.send(tx, "carries q's only send right", {q.send}));
    ASSERT_STATUS(kernel::kBlocked, writer.recv(q.recv, HB_FOREVER))
        << "q still has a send right (inside the queued message)";
    EXPECT_GT(writer.queued_bytes(), 0u);

    kill_port(owner, p.recv, how);

    EXPECT_RESUMED(writer, HB_ERR_PEER_CLOSED) << "the send right inside the message was closed";
    EXPECT_EQ(0u, writer.queued_bytes()) << "the destroyed message returned its quota";
    EXPECT_STATUS(HB_ERR_PEER_CLOSED, writer.send(tx, "later"));
  }

  void blocked_senders_wake(Death how) {
    TaskHandle owner = spawn("owner"), s1 = spawn("s1"), s2 = spawn("s2");
    PortPair p = owner.port(HB_PORT_RENDEZVOUS);
    hb_handle_t d;
    ASSERT_STATUS(HB_OK, owner.dup(p.send, HB_RIGHTS_SAME, &d));
    hb_handle_t tx1 = transfer(owner, p.send, s1);
    hb_handle_t tx2 = transfer(owner, d, s2);
    PortPair gift = s1.port(HB_PORT_BOUNDED, 1);
    uint32_t s1_used = s1.handles_used();
    ASSERT_STATUS(kernel::kBlocked, s1.send(tx1, "a", {gift.send}, 0, HB_FOREVER));
    ASSERT_STATUS(kernel::kBlocked, s2.send(tx2, "b", {}, 0, 1'000'000));

    kill_port(owner, p.recv, how);

    EXPECT_RESUMED(s1, HB_ERR_PEER_CLOSED);
    EXPECT_RESUMED(s2, HB_ERR_PEER_CLOSED);
    EXPECT_EQ(s1_used, s1.handles_used()) << "a failed send leaves its handles";
    EXPECT_EQ(uint32_t{HB_OBJ_PORT}, s1.info(gift.send).type);
    EXPECT_EQ(0u, s1.queued_bytes());
    EXPECT_EQ(0u, s2.queued_bytes());
    EXPECT_EQ(UINT64_MAX, kernel().next_deadline()) << "s2's deadline was disarmed";
  }
};

TEST_F(OwnerDeathTest, ExitDestroysQueuedMessagesAndClosesTheirHandles) {
  queued_handles_are_closed(Death::Exit);
}
TEST_F(OwnerDeathTest, KilledOwnerDestroysQueuedMessagesAndClosesTheirHandles) {
  queued_handles_are_closed(Death::Killed);
}
TEST_F(OwnerDeathTest, ClosingTheReceiveRightDestroysQueuedMessages) {
  queued_handles_are_closed(Death::CloseReceiveRight);
}

TEST_F(OwnerDeathTest, ExitWakesBlockedSendersWithPeerClosed) { blocked_senders_wake(Death::Exit); }
TEST_F(OwnerDeathTest, KilledOwnerWakesBlockedSendersWithPeerClosed) {
  blocked_senders_wake(Death::Killed);
}
TEST_F(OwnerDeathTest, ClosingTheReceiveRightWakesBlockedSenders) {
  blocked_senders_wake(Death::CloseReceiveRight);
}

TEST_F(OwnerDeathTest, SenderBlockedOnAFullBoundedPortWakesWithPeerClosed) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(HB_OK, sender.send(tx, "fills it"));
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, "waits", {}, 0, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, owner.exit(0));
  EXPECT_RESUMED(sender, HB_ERR_PEER_CLOSED);
  EXPECT_EQ(0u, sender.queued_bytes());
}

TEST_F(OwnerDeathTest, SyncSenderWhoseMessageIsQueuedWakesWithPeerClosed) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 4);
  hb_handle_t tx = transfer(owner, p.send, sender);
  PortPair gift = sender.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, "sync", {gift.send}, HB_SEND_SYNC, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, owner.exit(0));
  EXPECT_RESUMED(sender, HB_ERR_PEER_CLOSED);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, sender.info(gift.send).type) << "never taken: still ours";
}

TEST_F(OwnerDeathTest, LaterSendsAndCallsArePeerClosed) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, owner.exit(0));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, sender.send(tx, "x"));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, sender.send(tx, "x", {}, HB_SEND_SYNC, HB_FOREVER));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, sender.call(tx, "x"));
  EXPECT_EQ(0u, sender.queued_bytes());
}

TEST_F(OwnerDeathTest, OwnerKilledWhileBlockedInReceive) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, owner.recv(p.recv, 1000));
  kernel().task_died(*owner.task(), -9);
  EXPECT_EQ(UINT64_MAX, kernel().next_deadline());
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, sender.send(tx, "x"));
  advance(2000);  // the old deadline must not fire for a dead task
}

TEST_F(OwnerDeathTest, QueuedMessageOutlivesItsSender) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 4);
  hb_handle_t tx = transfer(owner, p.send, sender);
  hb_task_id_t sender_id = sender.id();
  ASSERT_STATUS(HB_OK, sender.send(tx, "last words"));
  ASSERT_STATUS(kernel::kBlocked, sender.exit(0));
  ASSERT_STATUS(HB_OK, owner.recv(p.recv)) << "a sent message belongs to the kernel now";
  EXPECT_EQ("last words", owner.got().data);
  EXPECT_EQ(sender_id, owner.got().sender);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, owner.recv(p.recv)) << "and its only sender is gone";
}

TEST_F(OwnerDeathTest, BlockedSendOfADyingSenderIsWithdrawn) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_RENDEZVOUS);
  hb_handle_t keep;
  ASSERT_STATUS(HB_OK, owner.dup(p.send, HB_RIGHTS_SAME, &keep));
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, "never", {}, 0, HB_FOREVER));
  kernel().task_died(*sender.task(), -9);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, owner.recv(p.recv));
}

TEST_F(OwnerDeathTest, DeathCascadesThroughReceiveRightsInQueuedMessages) {
  // owner's port P holds a message carrying the receive right of port Q; a sender waits on
  // Q. When P dies, the message is destroyed, Q's receive right closes, Q dies too.
  TaskHandle owner = spawn("owner"), middle = spawn("middle"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 4);
  hb_handle_t to_p = transfer(owner, p.send, middle);
  PortPair q = middle.port(HB_PORT_RENDEZVOUS);
  hb_handle_t to_q = transfer(middle, q.send, sender);
  ASSERT_STATUS(HB_OK, middle.send(to_p, "q's receive right", {q.recv}));
  ASSERT_STATUS(kernel::kBlocked, sender.send(to_q, "waits on q", {}, 0, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, owner.exit(0));
  EXPECT_RESUMED(sender, HB_ERR_PEER_CLOSED);
}

TEST_F(OwnerDeathTest, ExitOfAnOwnerReturnsEveryonesQuota) {
  TaskHandle owner = spawn("owner"), s1 = spawn("s1"), s2 = spawn("s2");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, owner.dup(p.send, HB_RIGHTS_SAME, &d));
  hb_handle_t tx1 = transfer(owner, p.send, s1);
  hb_handle_t tx2 = transfer(owner, d, s2);
  for (int i = 0; i < 5; ++i) {
    ASSERT_STATUS(HB_OK, s1.send(tx1, std::string(100, 'a')));
    ASSERT_STATUS(HB_OK, s2.send(tx2, std::string(200, 'b')));
  }
  ASSERT_STATUS(kernel::kBlocked, owner.exit(0));
  EXPECT_EQ(0u, s1.queued_bytes());
  EXPECT_EQ(0u, s2.queued_bytes());
}

}  // namespace
}  // namespace harbor::test
