// SendSyncTest: HB_SEND_SYNC returns only once a receiver has taken the message, on any
// port mode (the textbook's blocking send, SPEC 3).
#include "harness.h"

namespace harbor::test {
namespace {

class SendSyncTest : public Harness {
 protected:
  struct Pair {
    TaskHandle owner, sender;
    PortPair port;
    hb_handle_t tx;
  };
  Pair make(uint32_t mode, uint32_t capacity) {
    Pair p;
    p.owner = spawn("owner");
    p.sender = spawn("sender");
    p.port = p.owner.port(mode, capacity);
    p.tx = transfer(p.owner, p.port.send, p.sender);
    return p;
  }
};

TEST_F(SendSyncTest, SyncSendOnBoundedPortWithRoomWaitsForTheReceiver) {
  Pair p = make(HB_PORT_BOUNDED, 4);
  EXPECT_STATUS(kernel::kBlocked, p.sender.send(p.tx, "sync", {}, HB_SEND_SYNC, HB_FOREVER))
      << "the queue has room, but SYNC waits until the message is taken";
  EXPECT_BLOCKED(p.sender);
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_EQ("sync", p.owner.got().data);
  EXPECT_RESUMED(p.sender, HB_OK);
}

TEST_F(SendSyncTest, SyncSendOnUnboundedPortWaitsForTheReceiver) {
  Pair p = make(HB_PORT_UNBOUNDED, 0);
  EXPECT_STATUS(kernel::kBlocked, p.sender.send(p.tx, "sync", {}, HB_SEND_SYNC, HB_FOREVER));
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_RESUMED(p.sender, HB_OK);
}

TEST_F(SendSyncTest, SyncSendOnRendezvousPortWaitsForTheReceiver) {
  Pair p = make(HB_PORT_RENDEZVOUS, 0);
  EXPECT_STATUS(kernel::kBlocked, p.sender.send(p.tx, "sync", {}, HB_SEND_SYNC, HB_FOREVER));
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_RESUMED(p.sender, HB_OK);
}

TEST_F(SendSyncTest, SyncSendToAWaitingReceiverReturnsAtOnce) {
  Pair p = make(HB_PORT_BOUNDED, 4);
  ASSERT_STATUS(kernel::kBlocked, p.owner.recv(p.port.recv, HB_FOREVER));
  EXPECT_STATUS(HB_OK, p.sender.send(p.tx, "sync", {}, HB_SEND_SYNC, HB_NOWAIT));
  EXPECT_RESUMED(p.owner, HB_OK);
}

TEST_F(SendSyncTest, SyncSendWithNowaitAndNoReceiverWouldBlock) {
  Pair p = make(HB_PORT_BOUNDED, 4);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, p.sender.send(p.tx, "sync", {}, HB_SEND_SYNC, HB_NOWAIT));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, p.owner.recv(p.port.recv)) << "nothing was left queued";
  EXPECT_EQ(0u, p.sender.queued_bytes());
}

TEST_F(SendSyncTest, SyncSendTimeoutWithdrawsTheQueuedMessage) {
  Pair p = make(HB_PORT_BOUNDED, 4);
  PortPair gift = p.sender.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked,
                p.sender.send(p.tx, "sync", {gift.send}, HB_SEND_SYNC, 100));
  advance(100);
  EXPECT_RESUMED(p.sender, HB_ERR_TIMED_OUT);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, p.owner.recv(p.port.recv))
      << "a timed-out send must not be delivered afterwards";
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, p.sender.info(gift.send).type) << "its handle never left";
  EXPECT_EQ(0u, p.sender.queued_bytes());
}

TEST_F(SendSyncTest, SyncMessageKeepsItsPlaceInFifoOrder) {
  Pair p = make(HB_PORT_BOUNDED, 4);
  TaskHandle other = spawn("other");
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, p.sender.dup(p.tx, HB_RIGHTS_SAME, &d));
  hb_handle_t other_tx = transfer(p.sender, d, other);
  ASSERT_STATUS(HB_OK, other.send(other_tx, "1"));
  ASSERT_STATUS(kernel::kBlocked, p.sender.send(p.tx, "2", {}, HB_SEND_SYNC, HB_FOREVER));
  ASSERT_STATUS(HB_OK, other.send(other_tx, "3"));
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_EQ("1", p.owner.got().data);
  EXPECT_BLOCKED(p.sender) << "its message was not taken yet";
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_EQ("2", p.owner.got().data);
  EXPECT_RESUMED(p.sender, HB_OK);
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_EQ("3", p.owner.got().data);
}

TEST_F(SendSyncTest, HandlesOfASyncSendMoveWhenTheMessageIsTaken) {
  Pair p = make(HB_PORT_BOUNDED, 4);
  PortPair gift = p.sender.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked,
                p.sender.send(p.tx, "sync", {gift.send}, HB_SEND_SYNC, HB_FOREVER));
  ASSERT_STATUS(HB_OK, p.owner.recv(p.port.recv));
  EXPECT_RESUMED(p.sender, HB_OK);
  EXPECT_EQ(1u, p.owner.got().handles.size());
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, p.sender.close(gift.send));
}

}  // namespace
}  // namespace harbor::test
