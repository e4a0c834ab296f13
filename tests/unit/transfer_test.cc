// TransferTest: handles are moved into a message: closed in the sender when the send
// succeeds, untouched when it fails (SPEC 3, hb_msg_out).
#include "harness.h"

namespace harbor::test {
namespace {

class TransferTest : public Harness {};

TEST_F(TransferTest, HandleMovesToTheReceiverWhenTheSendSucceeds) {
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  uint32_t a_used = a.handles_used(), b_used = b.handles_used();
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "take this", {gift.send}));
  EXPECT_EQ(a_used - 1, a.handles_used());
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.close(gift.send)) << "closed in the sender";
  ASSERT_STATUS(HB_OK, b.recv(HB_INBOX));
  ASSERT_EQ(1u, b.got().handles.size());
  EXPECT_EQ(1u, b.got().handle_count);
  hb_handle_t h = b.got().handles[0];
  EXPECT_EQ(b_used + 1, b.handles_used());
  hb_handle_info_t info = b.info(h);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, info.type);
  EXPECT_EQ(uint32_t{HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER}, info.rights);
  ASSERT_STATUS(HB_OK, b.send(h, "works in b"));
  ASSERT_STATUS(HB_OK, a.recv(gift.recv));
  EXPECT_EQ("works in b", a.got().data);
}

TEST_F(TransferTest, HandlesStayWithTheSenderWhenTheSendWouldBlock) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_RENDEZVOUS);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  uint32_t used = a.handles_used();
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.send(p.send, "x", {gift.send, gift.recv}));
  EXPECT_EQ(used, a.handles_used());
  ASSERT_STATUS(HB_OK, a.send(gift.send, "both still work"));
  ASSERT_STATUS(HB_OK, a.recv(gift.recv));
}

TEST_F(TransferTest, HandlesStayWithTheSenderWhenThePortIsDead) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 1);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(HB_OK, owner.close(p.recv));
  PortPair gift = sender.port(HB_PORT_BOUNDED, 1);
  uint32_t used = sender.handles_used();
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, sender.send(tx, "x", {gift.send}));
  EXPECT_EQ(used, sender.handles_used());
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, sender.info(gift.send).type);
}

TEST_F(TransferTest, OneBadHandleFailsTheWholeSendAndMovesNone) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  uint32_t used = a.handles_used();
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.send(p.send, "x", {gift.send, 0x7777, gift.recv}));
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(gift.send).type);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(gift.recv).type);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(TransferTest, SameHandleTwiceInOneMessageIsInvalidArg) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  uint32_t used = a.handles_used();
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.send(p.send, "x", {gift.send, gift.send}));
  EXPECT_EQ(used, a.handles_used());
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(TransferTest, ReceiveRightThroughItsOwnPortIsInvalidArg) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.send(p.send, "x", {p.recv}));
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(p.recv).type);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(TransferTest, SendRightThroughItsOwnPortIsAllowed) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  ASSERT_STATUS(HB_OK, a.send(p.send, "my own send right", {p.send}));
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  ASSERT_EQ(1u, a.got().handles.size());
  EXPECT_STATUS(HB_OK, a.send(a.got().handles[0], "again"));
}

TEST_F(TransferTest, MovedReceiveRightMakesTheReceiverTheOwner) {
  TaskHandle creator = spawn("creator"), heir = spawn("heir"), client = spawn("client");
  PortPair p = creator.port(HB_PORT_BOUNDED, 4);
  hb_handle_t tx = transfer(creator, p.send, client);
  hb_handle_t rx = transfer(creator, p.recv, heir);
  ASSERT_STATUS(kernel::kBlocked, creator.exit(0));
  EXPECT_FALSE(creator.alive());
  ASSERT_STATUS(HB_OK, client.send(tx, "to the new owner"))
      << "the port is owned by the holder of its receive right, not its creator";
  ASSERT_STATUS(HB_OK, heir.recv(rx));
  EXPECT_EQ("to the new owner", heir.got().data);
  ASSERT_STATUS(kernel::kBlocked, heir.exit(0));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, client.send(tx, "owner gone"));
}

TEST_F(TransferTest, ReceiveRightIntoAPortWhoseReceiveRightIsInAMessageIsInvalidArg) {
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair holder = a.port(HB_PORT_BOUNDED, 4);
  ASSERT_STATUS(HB_OK, a.send(holder.send, "p's receive right rides here", {p.recv}));
  PortPair mine = b.port(HB_PORT_BOUNDED, 1);
  hb_handle_t to_p;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHTS_SAME, &to_p));
  hb_handle_t tx = transfer(a, to_p, b);
  EXPECT_STATUS(HB_ERR_INVALID_ARG, b.send(tx, "x", {mine.recv}));
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, b.info(mine.recv).type) << "the refused handle stays";
  EXPECT_STATUS(HB_OK, b.send(tx, "a send right is fine", {mine.send}));
  // Once p's receive right is received again, receive rights may go into p once more.
  ASSERT_STATUS(HB_OK, a.recv(holder.recv));
  hb_handle_t p_recv = a.got().handles[0];
  EXPECT_STATUS(HB_OK, b.send(tx, "now it is fine", {mine.recv}));
  ASSERT_STATUS(HB_OK, a.recv(p_recv));
}

// A semaphore handle carries HB_RIGHT_RECV (the right to wait on it), but it is no port's
// receive right: it cannot close a cycle of unreachable ports, so the rule above is not for
// it. (The name service met this: registering a semaphore while its port's receive right
// was still in the name server's start message was refused.)
TEST_F(TransferTest, ASemaphoreGoesIntoAPortWhoseReceiveRightIsInAMessage) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair holder = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_t to_p;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHTS_SAME, &to_p));
  ASSERT_STATUS(HB_OK, a.send(holder.send, "p's receive right rides here", {p.recv}));
  hb_handle_t sem = HB_INVALID;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  EXPECT_STATUS(HB_OK, a.send(to_p, "a semaphore", {sem}));
  ASSERT_STATUS(HB_OK, a.recv(holder.recv));
  hb_handle_t p_recv = a.got().handles[0];
  ASSERT_STATUS(HB_OK, a.recv(p_recv));
  ASSERT_EQ(1u, a.got().handles.size());
  EXPECT_EQ(uint32_t{HB_OBJ_SEMAPHORE}, a.info(a.got().handles[0]).type);
}

TEST_F(TransferTest, BlockedSenderOfAReceiveRightFailsIfThePortsReceiveRightLeftMeanwhile) {
  // b waits (queue full) to put its receive right into p; meanwhile p's own receive right
  // goes into a message. When a slot frees, queueing b's message could close a cycle, so
  // b's send fails then with HB_ERR_INVALID_ARG and b keeps its handle.
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  PortPair holder = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHTS_SAME, &d));
  hb_handle_t b_tx = transfer(a, p.send, b);
  hb_handle_t c_tx = transfer(a, d, c);
  ASSERT_STATUS(kernel::kBlocked, c.send(c_tx, "sync, fills p", {}, HB_SEND_SYNC, 100));
  PortPair mine = b.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, b.send(b_tx, "my receive right", {mine.recv}, 0, HB_FOREVER));
  ASSERT_STATUS(HB_OK, a.send(holder.send, "p's receive right", {p.recv}));
  advance(100);  // c's SYNC message times out and leaves p's queue: b's turn
  EXPECT_RESUMED(c, HB_ERR_TIMED_OUT);
  EXPECT_RESUMED(b, HB_ERR_INVALID_ARG);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, b.info(mine.recv).type) << "b keeps its receive right";
  EXPECT_EQ(0u, b.queued_bytes());
}

TEST_F(TransferTest, SixteenHandlesFitAndSeventeenAreTooBig) {
  TaskHandle a = spawn("a"), b = spawn("b");
  std::vector<hb_handle_t> handles;
  for (int i = 0; i < 9; ++i) {
    PortPair q = a.port(HB_PORT_BOUNDED, 1);
    handles.push_back(q.recv);
    handles.push_back(q.send);
  }
  ASSERT_EQ(18u, handles.size());
  std::vector<hb_handle_t> seventeen(handles.begin(), handles.begin() + 17);
  uint32_t used = a.handles_used();
  EXPECT_STATUS(HB_ERR_TOO_BIG, a.send_task(b.id(), "x", seventeen));
  EXPECT_EQ(used, a.handles_used());
  std::vector<hb_handle_t> sixteen(handles.begin(), handles.begin() + 16);
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "x", sixteen));
  EXPECT_EQ(used - 16, a.handles_used());
  ASSERT_STATUS(HB_OK, b.recv(HB_INBOX));
  EXPECT_EQ(16u, b.got().handles.size());
}

TEST_F(TransferTest, SemaphoreMovesAndWorksInTheReceiver) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 3, &sem));
  hb_handle_t copy;
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &copy));
  hb_handle_t in_b = transfer(a, copy, b);
  EXPECT_EQ(uint32_t{HB_OBJ_SEMAPHORE}, b.info(in_b).type);
  ASSERT_STATUS(HB_OK, b.sem_post(in_b, 2));
  EXPECT_STATUS(HB_OK, a.sem_wait(sem));
  EXPECT_STATUS(HB_OK, a.sem_wait(sem));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.sem_wait(sem));
}

}  // namespace
}  // namespace harbor::test
