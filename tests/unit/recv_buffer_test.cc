// RecvBufferTest: a receive buffer too small for the message is HB_ERR_BUFFER_TOO_SMALL; the
// message stays queued and len/handle_count report what is needed (SPEC 3).
#include "harness.h"

namespace harbor::test {
namespace {

class RecvBufferTest : public Harness {};

TEST_F(RecvBufferTest, TooFewBytesLeavesTheMessageQueuedAndReportsItsSize) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "0123456789", {gift.send, gift.recv}));
  uint32_t used = a.handles_used();
  uint64_t charged = a.queued_bytes();

  a.set_recv_capacity(4, 16);
  EXPECT_STATUS(HB_ERR_BUFFER_TOO_SMALL, a.recv(p.recv));
  EXPECT_EQ(10u, a.raw_in().len);
  EXPECT_EQ(2u, a.raw_in().handle_count);
  EXPECT_EQ(used, a.handles_used()) << "no handle was installed";
  EXPECT_EQ(charged, a.queued_bytes()) << "the message is still queued";

  a.set_recv_capacity(10, 16);
  ASSERT_STATUS(HB_OK, a.recv(p.recv)) << "an exact fit is enough";
  EXPECT_EQ("0123456789", a.got().data);
  EXPECT_EQ(2u, a.got().handles.size());
}

TEST_F(RecvBufferTest, TooFewHandleSlotsIsBufferTooSmall) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "hi", {gift.send, gift.recv}));
  a.set_recv_capacity(4096, 1);
  EXPECT_STATUS(HB_ERR_BUFFER_TOO_SMALL, a.recv(p.recv));
  EXPECT_EQ(2u, a.raw_in().len);
  EXPECT_EQ(2u, a.raw_in().handle_count);
  a.set_recv_capacity(4096, 2);
  EXPECT_STATUS(HB_OK, a.recv(p.recv));
}

TEST_F(RecvBufferTest, SmallBufferDoesNotSkipToTheNextMessage) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  ASSERT_STATUS(HB_OK, a.send(p.send, "a long first message"));
  ASSERT_STATUS(HB_OK, a.send(p.send, "b"));
  a.set_recv_capacity(2, 16);
  EXPECT_STATUS(HB_ERR_BUFFER_TOO_SMALL, a.recv(p.recv));
  EXPECT_STATUS(HB_ERR_BUFFER_TOO_SMALL, a.recv(p.recv)) << "FIFO: the first message comes first";
  a.set_recv_capacity(4096, 16);
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_EQ("a long first message", a.got().data);
}

TEST_F(RecvBufferTest, BlockedReceiverWithSmallBufferWakesAndTheMessageIsQueued) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 2);
  hb_handle_t tx = transfer(owner, p.send, sender);
  owner.set_recv_capacity(3, 16);
  ASSERT_STATUS(kernel::kBlocked, owner.recv(p.recv, HB_FOREVER));
  EXPECT_STATUS(HB_OK, sender.send(tx, "too long for 3"));
  EXPECT_RESUMED(owner, HB_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(14u, owner.raw_in().len);
  owner.set_recv_capacity(4096, 16);
  ASSERT_STATUS(HB_OK, owner.recv(p.recv)) << "the message was not lost";
  EXPECT_EQ("too long for 3", owner.got().data);
}

TEST_F(RecvBufferTest, RendezvousSenderWaitsOnWhenTheReceiverBufferIsTooSmall) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(owner, p.send, sender);
  owner.set_recv_capacity(1, 16);
  ASSERT_STATUS(kernel::kBlocked, owner.recv(p.recv, HB_FOREVER));
  EXPECT_STATUS(kernel::kBlocked, sender.send(tx, "hello", {}, 0, HB_FOREVER));
  EXPECT_RESUMED(owner, HB_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(5u, owner.raw_in().len);
  owner.set_recv_capacity(4096, 16);
  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ("hello", owner.got().data);
  EXPECT_RESUMED(sender, HB_OK);
}

TEST_F(RecvBufferTest, EmptyMessageFitsAnEmptyBuffer) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, ""));
  a.set_recv_capacity(0, 0);
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_EQ(0u, a.got().len);
}

}  // namespace
}  // namespace harbor::test
