// LastSenderTest: when the last send right of a port is closed and its queue is empty, a
// blocked or later receive returns HB_ERR_PEER_CLOSED: a pipe reader's end-of-file (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class LastSenderTest : public Harness {
 protected:
  void SetUp() override {
    Harness::SetUp();
    reader = spawn("reader");
    writer = spawn("writer");
    pipe = reader.port(HB_PORT_BOUNDED, 8);
    tx = transfer(reader, pipe.send, writer);  // the reader keeps no send right
  }
  TaskHandle reader, writer;
  PortPair pipe;
  hb_handle_t tx{HB_INVALID};
};

TEST_F(LastSenderTest, ReceiverGetsPeerClosedOnlyAfterTheQueueDrains) {
  ASSERT_STATUS(HB_OK, writer.send(tx, "line 1"));
  ASSERT_STATUS(HB_OK, writer.send(tx, "line 2"));
  ASSERT_STATUS(HB_OK, writer.close(tx));
  ASSERT_STATUS(HB_OK, reader.recv(pipe.recv)) << "queued data comes before end-of-file";
  EXPECT_EQ("line 1", reader.got().data);
  ASSERT_STATUS(HB_OK, reader.recv(pipe.recv));
  EXPECT_EQ("line 2", reader.got().data);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, reader.recv(pipe.recv));
}

TEST_F(LastSenderTest, EndOfFileIsSeenAgainAndEvenWithNowait) {
  ASSERT_STATUS(HB_OK, writer.close(tx));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, reader.recv(pipe.recv, HB_NOWAIT));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, reader.recv(pipe.recv, HB_FOREVER)) << "never blocks";
  EXPECT_FALSE(reader.blocked());
}

TEST_F(LastSenderTest, BlockedReceiverWakesWhenTheLastSendRightCloses) {
  ASSERT_STATUS(kernel::kBlocked, reader.recv(pipe.recv, HB_FOREVER));
  ASSERT_STATUS(HB_OK, writer.close(tx));
  EXPECT_RESUMED(reader, HB_ERR_PEER_CLOSED);
}

TEST_F(LastSenderTest, BlockedReceiverWakesWhenTheLastSenderExits) {
  ASSERT_STATUS(kernel::kBlocked, reader.recv(pipe.recv, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, writer.exit(0));
  EXPECT_RESUMED(reader, HB_ERR_PEER_CLOSED);
}

TEST_F(LastSenderTest, BlockedReceiverWakesWhenTheLastSenderIsKilled) {
  ASSERT_STATUS(kernel::kBlocked, reader.recv(pipe.recv, HB_FOREVER));
  kernel().task_died(*writer.task(), -9);
  EXPECT_RESUMED(reader, HB_ERR_PEER_CLOSED);
}

TEST_F(LastSenderTest, AnotherSendRightKeepsTheStreamOpen) {
  hb_handle_t copy;
  ASSERT_STATUS(HB_OK, writer.dup(tx, HB_RIGHT_SEND, &copy));
  ASSERT_STATUS(HB_OK, writer.close(tx));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, reader.recv(pipe.recv)) << "one send right is left";
  ASSERT_STATUS(kernel::kBlocked, reader.recv(pipe.recv, HB_FOREVER));
  ASSERT_STATUS(HB_OK, writer.close(copy));
  EXPECT_RESUMED(reader, HB_ERR_PEER_CLOSED);
}

TEST_F(LastSenderTest, BadgedCopiesCountAsSendRights) {
  hb_handle_t badged;
  ASSERT_STATUS(HB_OK, writer.mint(tx, 5, &badged));
  ASSERT_STATUS(HB_OK, writer.close(tx));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, reader.recv(pipe.recv));
  ASSERT_STATUS(HB_OK, writer.close(badged));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, reader.recv(pipe.recv));
}

TEST_F(LastSenderTest, SendRightInsideAQueuedMessageKeepsTheStreamOpen) {
  // The writer sends its only send right through the pipe itself: until the reader takes
  // that message, the right exists (in the message), so this is not end-of-file.
  ASSERT_STATUS(HB_OK, writer.send(tx, "here is the pen", {tx}));
  ASSERT_STATUS(HB_OK, reader.recv(pipe.recv));
  ASSERT_EQ(1u, reader.got().handles.size());
  hb_handle_t pen = reader.got().handles[0];
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, reader.recv(pipe.recv)) << "the reader holds a send right now";
  ASSERT_STATUS(HB_OK, reader.close(pen));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, reader.recv(pipe.recv));
}

TEST_F(LastSenderTest, RendezvousReceiverSeesEndOfFile) {
  TaskHandle r = spawn("r"), w = spawn("w");
  PortPair p = r.port(HB_PORT_RENDEZVOUS);
  hb_handle_t t = transfer(r, p.send, w);
  ASSERT_STATUS(kernel::kBlocked, r.recv(p.recv, HB_FOREVER));
  ASSERT_STATUS(HB_OK, w.close(t));
  EXPECT_RESUMED(r, HB_ERR_PEER_CLOSED);
}

TEST_F(LastSenderTest, TakingTheLastQueuedMessageWakesNoOneElseButEndsTheStream) {
  ASSERT_STATUS(HB_OK, writer.send(tx, "only"));
  ASSERT_STATUS(HB_OK, writer.close(tx));
  ASSERT_STATUS(HB_OK, reader.recv(pipe.recv));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, reader.recv(pipe.recv));
}

TEST_F(LastSenderTest, AnInboxNeverReachesEndOfFile) {
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, writer.recv(HB_INBOX))
      << "anyone may send to a task by id, so an empty inbox is just empty";
}

}  // namespace
}  // namespace harbor::test
