// RightsTest: rights can only be reduced (dup with a subset, transfer with a subset), never
// raised; an operation that needs a right the handle lacks is HB_ERR_ACCESS (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class RightsTest : public Harness {};

TEST_F(RightsTest, DupWithASubsetSucceeds) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t d = -7;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHT_SEND, &d));
  EXPECT_NE(p.send, d);
  hb_handle_info_t info = a.info(d);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, info.type);
  EXPECT_EQ(uint32_t{HB_RIGHT_SEND}, info.rights);
  ASSERT_STATUS(HB_OK, a.send(d, "through the copy"));
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_EQ("through the copy", a.got().data);
}

TEST_F(RightsTest, DupWithASupersetIsAccess) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  uint32_t used = a.handles_used();
  hb_handle_t d = -7;
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(p.send, HB_RIGHT_SEND | HB_RIGHT_RECV, &d));
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(p.send, HB_RIGHTS_ALL, &d));
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(p.send, HB_RIGHT_SEND | HB_RIGHT_MANAGE, &d));
  EXPECT_EQ(-7, d);
  EXPECT_EQ(used, a.handles_used());
}

TEST_F(RightsTest, DupWithUnknownRightBitsIsInvalidArg) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t d = -7;
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.dup(p.send, HB_RIGHT_SEND | (1u << 20), &d));
  EXPECT_EQ(-7, d);
}

TEST_F(RightsTest, DupWithRightsSameKeepsTheRights) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHTS_SAME, &d));
  EXPECT_EQ(a.info(p.send).rights, a.info(d).rights);
}

TEST_F(RightsTest, ReducedCopyCannotBeRaisedAgain) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t reduced, again;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHT_SEND | HB_RIGHT_DUP, &reduced));
  EXPECT_STATUS(HB_ERR_ACCESS,
                a.dup(reduced, HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER, &again));
  ASSERT_STATUS(HB_OK, a.dup(reduced, HB_RIGHT_SEND, &again));
  EXPECT_EQ(uint32_t{HB_RIGHT_SEND}, a.info(again).rights);
}

TEST_F(RightsTest, DupNeedsTheDupRight) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t no_dup, d = -7;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHT_SEND, &no_dup));
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(no_dup, HB_RIGHT_SEND, &d));
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(no_dup, HB_RIGHTS_SAME, &d));
  EXPECT_EQ(-7, d);
}

TEST_F(RightsTest, ReceiveRightOfAnOrdinaryPortCannotBeDuplicated) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t d;
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(p.recv, HB_RIGHT_RECV, &d))
      << "a port has exactly one receive right";
}

TEST_F(RightsTest, SendWithoutSendRightIsAccess) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t dup_only;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHT_DUP | HB_RIGHT_TRANSFER, &dup_only));
  EXPECT_STATUS(HB_ERR_ACCESS, a.send(dup_only, "x"));
  EXPECT_STATUS(HB_ERR_ACCESS, a.call(dup_only, "x"));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(RightsTest, TransferNeedsTheTransferRight) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  hb_handle_t no_transfer;
  ASSERT_STATUS(HB_OK, a.dup(gift.send, HB_RIGHT_SEND | HB_RIGHT_DUP, &no_transfer));
  uint32_t used = a.handles_used();
  EXPECT_STATUS(HB_ERR_ACCESS, a.send(p.send, "x", {no_transfer}));
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(uint32_t{HB_RIGHT_SEND | HB_RIGHT_DUP}, a.info(no_transfer).rights);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv)) << "nothing was sent";
  EXPECT_EQ(0u, a.queued_bytes());
}

TEST_F(RightsTest, TransferredHandleKeepsExactlyItsRights) {
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  hb_handle_t reduced;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &reduced));
  hb_handle_t in_b = transfer(a, reduced, b);
  hb_handle_info_t info = b.info(in_b);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, info.type);
  EXPECT_EQ(uint32_t{HB_RIGHT_SEND | HB_RIGHT_TRANSFER}, info.rights) << "not raised in transit";
  hb_handle_t d;
  EXPECT_STATUS(HB_ERR_ACCESS, b.dup(in_b, HB_RIGHT_SEND, &d));
}

TEST_F(RightsTest, SemaphoreWaitNeedsRecvAndPostNeedsSend) {
  TaskHandle a = spawn("a");
  hb_handle_t sem, post_only, wait_only;
  ASSERT_STATUS(HB_OK, a.sem_create(1, 5, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHT_SEND, &post_only));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHT_RECV, &wait_only));
  EXPECT_STATUS(HB_ERR_ACCESS, a.sem_wait(post_only));
  EXPECT_STATUS(HB_ERR_ACCESS, a.sem_post(wait_only));
  EXPECT_STATUS(HB_OK, a.sem_wait(wait_only));
  EXPECT_STATUS(HB_OK, a.sem_post(post_only));
}

}  // namespace
}  // namespace harbor::test
