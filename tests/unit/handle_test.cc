// HandleTest: handles are task-local and unforgeable: a number the task was not given is
// HB_ERR_BAD_HANDLE; a handle to the wrong kind of object is HB_ERR_WRONG_TYPE (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class HandleTest : public Harness {};

TEST_F(HandleTest, ZeroIsNeverAHandle) {
  TaskHandle a = spawn("a");
  hb_handle_t out = -7;
  hb_handle_info_t info{};
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.send(HB_INVALID, "x"));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.recv(HB_INVALID));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.close(HB_INVALID));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.dup(HB_INVALID, HB_RIGHTS_SAME, &out));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.info(HB_INVALID, &info));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.mint(HB_INVALID, 5, &out));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.sem_wait(HB_INVALID));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.sem_post(HB_INVALID));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.call(HB_INVALID, "x"));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.reply(HB_INVALID, "x"));
  EXPECT_EQ(-7, out);
}

TEST_F(HandleTest, NumbersNeverGivenAreBadHandles) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  for (hb_handle_t h : {-1, -4096, 2 + 1, 4, 17, 4095, 4096, 4097, 0x1002, 0x7fffffff,
                        p.send + 0x1000, p.recv + (7 << 12), INT32_MIN}) {
    if (h == p.recv || h == p.send) continue;
    hb_handle_info_t info{};
    EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.info(h, &info)) << "handle " << h;
    EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.send(h, "x")) << "handle " << h;
    EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.close(h)) << "handle " << h;
  }
}

TEST_F(HandleTest, RegisterValueWiderThan32BitsIsBadHandle) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  uint64_t wide = (uint64_t{1} << 32) | static_cast<uint32_t>(p.send);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.syscall(HB_SYS_HANDLE_CLOSE, wide));
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(p.send).type) << "the real handle was not closed";
}

TEST_F(HandleTest, ClosedHandleIsBadHandle) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.close(p.send));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.close(p.send)) << "closing twice";
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.send(p.send, "x"));
}

TEST_F(HandleTest, StaleNumberStaysBadAfterItsSlotIsReused) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  hb_handle_t stale = p.send;
  ASSERT_STATUS(HB_OK, a.close(p.send));
  // Make new handles until one lands in the freed slot (the table reuses slots).
  std::vector<PortPair> more;
  for (int i = 0; i < 8; ++i) more.push_back(a.port(HB_PORT_BOUNDED, 1));
  for (const PortPair& q : more) {
    EXPECT_NE(stale, q.recv) << "a closed number was handed out again";
    EXPECT_NE(stale, q.send) << "a closed number was handed out again";
  }
  hb_handle_info_t info{};
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.info(stale, &info));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, a.send(stale, "x"));
}

TEST_F(HandleTest, HandleNumbersOfOneTaskMeanNothingInAnother) {
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  PortPair q = a.port(HB_PORT_BOUNDED, 1);
  // b has only its inbox: a's numbers are not b's handles.
  for (hb_handle_t h : {p.recv, p.send, q.recv, q.send}) {
    hb_handle_info_t info{};
    EXPECT_STATUS(HB_ERR_BAD_HANDLE, b.info(h, &info)) << "handle " << h;
    EXPECT_STATUS(HB_ERR_BAD_HANDLE, b.send(h, "forged")) << "handle " << h;
  }
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(HandleTest, InboxCannotBeClosed) {
  TaskHandle a = spawn("a");
  EXPECT_STATUS(HB_ERR_ACCESS, a.close(HB_INBOX));
  EXPECT_STATUS(HB_OK, a.send_task(a.id(), "still there"));
  EXPECT_STATUS(HB_OK, a.recv(HB_INBOX));
}

TEST_F(HandleTest, InboxIsAReceiveOnlyPortHandle) {
  TaskHandle a = spawn("a");
  hb_handle_info_t info = a.info(HB_INBOX);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, info.type);
  EXPECT_TRUE(info.rights & HB_RIGHT_RECV);
  EXPECT_FALSE(info.rights & HB_RIGHT_SEND);
  hb_handle_t out;
  EXPECT_STATUS(HB_ERR_ACCESS, a.dup(HB_INBOX, HB_RIGHTS_SAME, &out));
  EXPECT_STATUS(HB_ERR_ACCESS, a.send(HB_INBOX, "x"));
}

TEST_F(HandleTest, SemaphoreHandleToSendIsWrongType) {
  TaskHandle a = spawn("a");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.send(sem, "x"));
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.recv(sem));
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.call(sem, "x"));
  hb_handle_t out;
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.mint(sem, 5, &out));
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.reply(sem, "x"));
}

TEST_F(HandleTest, PortHandleToSemaphoreCallIsWrongType) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.sem_wait(p.recv));
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.sem_post(p.send));
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, a.reply(p.send, "x"));
}

TEST_F(HandleTest, FullHandleTableIsNoMemoryAndChangesNothing) {
  kernel::KernelConfig config;
  config.quota.handles = 6;  // slots 1..5: the inbox and four more
  reset(config);
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);  // 3 used
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHTS_SAME, &d));  // 4 used, 1 free
  hb_handle_t r = -7, s = -7;
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.port_create(HB_PORT_BOUNDED, 1, 0, &r, &s));
  EXPECT_EQ(-7, r);
  EXPECT_EQ(1u, a.ports_charged()) << "no port was made";
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHTS_SAME, &d));  // 5 used, 0 free
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.dup(p.send, HB_RIGHTS_SAME, &d));
  hb_handle_t sem = -7;
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.sem_create(0, 1, &sem));
  EXPECT_EQ(-7, sem);
  EXPECT_EQ(0u, a.semaphores_charged());
  EXPECT_EQ(5u, a.handles_used());
}

TEST_F(HandleTest, ReceiverWithFullTableGetsNoMemoryAndTheMessageStays) {
  kernel::KernelConfig config;
  config.quota.handles = 5;  // the inbox and three more
  reset(config);
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 2);
  hb_handle_t filler;
  ASSERT_STATUS(HB_OK, owner.sem_create(0, 1, &filler));  // owner: 4 used, full
  hb_handle_t tx = transfer(owner, p.send, sender);       // owner: 3 used, 1 free
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, sender.sem_create(0, 1, &sem));
  ASSERT_STATUS(HB_OK, sender.send(tx, "two handles", {tx, sem}));
  uint64_t charged = sender.queued_bytes();
  EXPECT_GT(charged, 0u);

  EXPECT_STATUS(HB_ERR_NO_MEMORY, owner.recv(p.recv)) << "2 handles, 1 free slot";
  EXPECT_EQ(3u, owner.handles_used());
  EXPECT_EQ(charged, sender.queued_bytes()) << "the message stays queued";

  ASSERT_STATUS(HB_OK, owner.close(filler));
  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ("two handles", owner.got().data);
  EXPECT_EQ(2u, owner.got().handles.size());
  EXPECT_EQ(0u, sender.queued_bytes());
}

}  // namespace
}  // namespace harbor::test
