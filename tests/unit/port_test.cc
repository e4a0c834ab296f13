// PortTest: hb_port_create and the rights of the two handles it gives (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class PortTest : public Harness {};

TEST_F(PortTest, CreateGivesReceiveHandleWithRecvAndNoSend) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_info_t info = a.info(p.recv);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, info.type);
  EXPECT_TRUE(info.rights & HB_RIGHT_RECV) << "rights " << std::hex << info.rights;
  EXPECT_FALSE(info.rights & HB_RIGHT_SEND) << "rights " << std::hex << info.rights;
  EXPECT_EQ(0u, info.badge);
}

TEST_F(PortTest, CreateGivesSendHandleWithSendAndNoRecv) {
  TaskHandle a = spawn("a");
  for (uint32_t mode : {HB_PORT_RENDEZVOUS, HB_PORT_BOUNDED, HB_PORT_UNBOUNDED}) {
    PortPair p = a.port(mode, mode == HB_PORT_BOUNDED ? 1 : 0);
    hb_handle_info_t info = a.info(p.send);
    EXPECT_EQ(uint32_t{HB_OBJ_PORT}, info.type);
    EXPECT_TRUE(info.rights & HB_RIGHT_SEND) << "mode " << mode;
    EXPECT_FALSE(info.rights & HB_RIGHT_RECV) << "mode " << mode;
    EXPECT_NE(p.recv, p.send);
  }
}

TEST_F(PortTest, SendThroughReceiveHandleIsAccess) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  EXPECT_STATUS(HB_ERR_ACCESS, a.send(p.recv, "x"));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv)) << "nothing may have been queued";
}

TEST_F(PortTest, ReceiveThroughSendHandleIsAccess) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  ASSERT_STATUS(HB_OK, a.send(p.send, "x"));
  EXPECT_STATUS(HB_ERR_ACCESS, a.recv(p.send));
  EXPECT_STATUS(HB_OK, a.recv(p.recv)) << "the message is still queued";
}

TEST_F(PortTest, CreateRejectsBadModeCapacityAndFlagsAndChangesNothing) {
  TaskHandle a = spawn("a");
  struct Case {
    uint32_t mode, capacity, flags;
  } cases[] = {
      {HB_PORT_RENDEZVOUS, 1, 0},         // a rendezvous has no buffer
      {HB_PORT_BOUNDED, 0, 0},            // a bounded port holds at least one message
      {HB_PORT_UNBOUNDED, 5, 0},          // unbounded has no capacity
      {7, 0, 0},                          // no such mode
      {HB_PORT_BOUNDED, 1, 1u << 7},      // no such flag
      {HB_PORT_BOUNDED, 1, HB_PORT_SHARED_RECV},  // shared receive needs a system port
  };
  uint32_t handles = a.handles_used();
  for (const Case& c : cases) {
    hb_handle_t r = -7, s = -7;
    EXPECT_STATUS(HB_ERR_INVALID_ARG, a.port_create(c.mode, c.capacity, c.flags, &r, &s))
        << "mode " << c.mode << " capacity " << c.capacity << " flags " << c.flags;
    EXPECT_EQ(-7, r) << "out-parameters are written only on success";
    EXPECT_EQ(-7, s);
  }
  EXPECT_EQ(handles, a.handles_used());
  EXPECT_EQ(0u, a.ports_charged());
}

TEST_F(PortTest, CreateWithSameOutPointerTwiceIsInvalidArg) {
  TaskHandle a = spawn("a");
  hb_handle_t both = -7;
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.port_create(HB_PORT_BOUNDED, 1, 0, &both, &both));
  EXPECT_EQ(0u, a.ports_charged());
}

TEST_F(PortTest, CreateChargesPortQuotaAndClosingBothHandlesReturnsIt) {
  TaskHandle a = spawn("a");
  uint32_t handles = a.handles_used();
  PortPair p = a.port(HB_PORT_UNBOUNDED);
  EXPECT_EQ(1u, a.ports_charged());
  EXPECT_EQ(handles + 2, a.handles_used());
  EXPECT_STATUS(HB_OK, a.close(p.recv));
  EXPECT_EQ(1u, a.ports_charged()) << "a send handle still names the (dead) port";
  EXPECT_STATUS(HB_OK, a.close(p.send));
  EXPECT_EQ(0u, a.ports_charged());
  EXPECT_EQ(handles, a.handles_used());
}

TEST_F(PortTest, MessagesLeaveInFifoOrder) {
  TaskHandle a = spawn("a");
  for (uint32_t mode : {HB_PORT_BOUNDED, HB_PORT_UNBOUNDED}) {
    PortPair p = a.port(mode, mode == HB_PORT_BOUNDED ? 8 : 0);
    for (const char* m : {"one", "two", "three", "four"}) ASSERT_STATUS(HB_OK, a.send(p.send, m));
    for (const char* m : {"one", "two", "three", "four"}) {
      ASSERT_STATUS(HB_OK, a.recv(p.recv));
      EXPECT_EQ(m, a.got().data) << "mode " << mode;
    }
  }
}

TEST_F(PortTest, SenderMayReuseItsBufferOnceSendReturns) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  std::string buffer = "first";
  ASSERT_STATUS(HB_OK, a.send(p.send, buffer));
  buffer = "XXXXX";  // the kernel owns a copy
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_EQ("first", a.got().data);
}

TEST_F(PortTest, EachMessageIsDeliveredExactlyOnce) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2);
  ASSERT_STATUS(HB_OK, a.send(p.send, "only"));
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(PortTest, ClockYieldAndSelfWork) {
  TaskHandle a = spawn("a");
  uint64_t before = static_cast<uint64_t>(a.syscall(HB_SYS_CLOCK_NS));
  advance(1234);
  EXPECT_EQ(before + 1234, static_cast<uint64_t>(a.syscall(HB_SYS_CLOCK_NS)));
  EXPECT_STATUS(HB_OK, a.syscall(HB_SYS_YIELD));
  EXPECT_EQ(static_cast<int64_t>(a.id()), a.self());
}

}  // namespace
}  // namespace harbor::test
