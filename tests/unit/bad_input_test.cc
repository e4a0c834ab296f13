// BadInputTest: a bad argument never crashes or corrupts the kernel and never leaks: it
// returns an error and the kernel state is as before the call (SPEC 3). Bad pointers are
// HB_ERR_FAULT; oversize messages HB_ERR_TOO_BIG.
#include "harness.h"

#include <arch/test_control.h>

#include <cstring>

namespace harbor::test {
namespace {

uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }
constexpr uint64_t kUnowned = 0x1000;  // below 64 KiB: never a task's memory

class BadInputTest : public Harness {};

TEST_F(BadInputTest, MessageOverHbMsgMaxIsTooBig) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_UNBOUNDED);
  std::string big(HB_MSG_MAX + 1, 'x');
  EXPECT_STATUS(HB_ERR_TOO_BIG, a.send(p.send, big));
  EXPECT_STATUS(HB_ERR_TOO_BIG, a.send_task(a.id(), big));
  EXPECT_EQ(0u, a.queued_bytes());
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(BadInputTest, MessageOfExactlyHbMsgMaxIsDeliveredIntact) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_UNBOUNDED);
  std::string big(HB_MSG_MAX, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 3);
  ASSERT_STATUS(HB_OK, a.send(p.send, big));
  a.set_recv_capacity(HB_MSG_MAX, 16);
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_TRUE(a.got().data == big) << "the 64 KiB message was not copied intact";
}

TEST_F(BadInputTest, SendFromMemoryTheTaskDoesNotOwnIsFault) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  uint32_t used = a.handles_used();
  hb_handle_t handles[1] = {gift.send};

  hb_msg_out bad_data{reinterpret_cast<const void*>(kUnowned), 5, 1, handles};
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_SEND, p.send, addr(&bad_data), 0, HB_NOWAIT));
  hb_msg_out bad_handles{"x", 1, 1, reinterpret_cast<const hb_handle_t*>(kUnowned)};
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_SEND, p.send, addr(&bad_handles), 0, HB_NOWAIT));
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_SEND, p.send, kUnowned, 0, HB_NOWAIT));
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_SEND, p.send, 0, 0, HB_NOWAIT));

  char poisoned[16] = "poisoned buffer";
  arch::test::poison(poisoned, sizeof(poisoned));
  hb_msg_out from_poison{poisoned, sizeof(poisoned), 1, handles};
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_SEND, p.send, addr(&from_poison), 0, HB_NOWAIT));

  EXPECT_EQ(used, a.handles_used()) << "no handle moved";
  EXPECT_EQ(0u, a.queued_bytes()) << "no message is charged";
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv)) << "nothing was queued";
}

TEST_F(BadInputTest, ReceiveIntoUnownedBufferIsFaultAndTheMessageStaysQueued) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "precious", {gift.send}));
  uint32_t used = a.handles_used();
  uint64_t charged = a.queued_bytes();

  char data[64];
  hb_handle_t handles[4];
  arch::test::poison(data, sizeof(data));
  hb_msg_in in{};
  in.data = data;
  in.cap = sizeof(data);
  in.handles = handles;
  in.handle_cap = 4;
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_RECV, p.recv, addr(&in), 0, HB_NOWAIT));
  EXPECT_EQ(used, a.handles_used()) << "the handle in the message was not installed";
  EXPECT_EQ(charged, a.queued_bytes()) << "the message is still queued";

  ASSERT_STATUS(HB_OK, a.recv(p.recv)) << "a good buffer gets it";
  EXPECT_EQ("precious", a.got().data);
  EXPECT_EQ(1u, a.got().handles.size());
}

TEST_F(BadInputTest, ReceiveWithUnownedHandleArrayIsFaultAndNoHandleMoves) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "x", {gift.send}));
  uint32_t used = a.handles_used();
  char data[64];
  hb_msg_in in{};
  in.data = data;
  in.cap = sizeof(data);
  in.handles = reinterpret_cast<hb_handle_t*>(kUnowned);
  in.handle_cap = 4;
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_RECV, p.recv, addr(&in), 0, HB_NOWAIT));
  EXPECT_EQ(used, a.handles_used());
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_EQ(1u, a.got().handles.size());
}

TEST_F(BadInputTest, ReceiveWithUnownedMsgInIsFault) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  ASSERT_STATUS(HB_OK, a.send(p.send, "x"));
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_RECV, p.recv, kUnowned, 0, HB_NOWAIT));
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_RECV, p.recv, 0, 0, HB_NOWAIT));
  EXPECT_STATUS(HB_OK, a.recv(p.recv));
}

TEST_F(BadInputTest, BlockedReceiverWhoseBufferFaultsWakesWithFaultAndTheMessageIsQueued) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_BOUNDED, 4);
  hb_handle_t tx = transfer(owner, p.send, sender);
  static char data[64];
  static hb_msg_in in{};
  in = hb_msg_in{};
  in.data = data;
  in.cap = sizeof(data);
  ASSERT_STATUS(kernel::kBlocked,
                owner.syscall(HB_SYS_RECV, p.recv, addr(&in), 0, HB_FOREVER));
  arch::test::poison(data, sizeof(data));  // the task unmapped its buffer while it waited
  EXPECT_STATUS(HB_OK, sender.send(tx, "survives"));
  EXPECT_RESUMED(owner, HB_ERR_FAULT);
  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ("survives", owner.got().data);
}

TEST_F(BadInputTest, PortCreateWithUnownedOutPointerIsFaultAndCreatesNothing) {
  TaskHandle a = spawn("a");
  uint32_t used = a.handles_used();
  uint64_t heap = arch::test::heap_bytes();
  hb_handle_t ok = -7;
  hb_handle_t* bad = reinterpret_cast<hb_handle_t*>(kUnowned);
  EXPECT_STATUS(HB_ERR_FAULT, a.port_create(HB_PORT_BOUNDED, 1, 0, bad, &ok));
  EXPECT_STATUS(HB_ERR_FAULT, a.port_create(HB_PORT_BOUNDED, 1, 0, &ok, bad));
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(0u, a.ports_charged());
  EXPECT_EQ(heap, arch::test::heap_bytes()) << "the half-made port was freed";
}

TEST_F(BadInputTest, PortCreateThatFaultsWritesNeitherOutParameter) {
  // harbor/sys.h: "out-parameters are written only when the call returns HB_OK".
  TaskHandle a = spawn("a");
  hb_handle_t recv = -7;
  char poisoned[sizeof(hb_handle_t)];
  arch::test::poison(poisoned, sizeof(poisoned));
  EXPECT_STATUS(HB_ERR_FAULT, a.port_create(HB_PORT_BOUNDED, 1, 0, &recv,
                                            reinterpret_cast<hb_handle_t*>(poisoned)));
  EXPECT_EQ(-7, recv) << "the receive handle's number was written although the call failed";
}

TEST_F(BadInputTest, OutPointerFaultsLeaveNoNewHandle) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  uint32_t used = a.handles_used();
  auto* bad_handle = reinterpret_cast<hb_handle_t*>(kUnowned);
  EXPECT_STATUS(HB_ERR_FAULT, a.dup(p.send, HB_RIGHTS_SAME, bad_handle));
  EXPECT_STATUS(HB_ERR_FAULT, a.mint(p.send, 9, bad_handle));
  EXPECT_STATUS(HB_ERR_FAULT, a.sem_create(0, 1, bad_handle));
  EXPECT_STATUS(HB_ERR_FAULT, a.info(p.send, reinterpret_cast<hb_handle_info_t*>(kUnowned)));
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(0u, a.semaphores_charged());
}

TEST_F(BadInputTest, UnknownSyscallNumberIsInvalidArg) {
  TaskHandle a = spawn("a");
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.syscall(0));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.syscall(HB_SYS_COUNT));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.syscall(9999));
}

TEST_F(BadInputTest, UnknownFlagsAreInvalidArg) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.send(p.send, "x", {}, 1u << 9));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.send_task(a.id(), "x", {}, 1u << 9));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.recv(p.recv, HB_NOWAIT, 1u << 9));
  hb_msg_out m{"x", 1, 0, nullptr};
  EXPECT_STATUS(HB_ERR_INVALID_ARG,
                a.syscall(HB_SYS_SEND, p.send, addr(&m), uint64_t{1} << 40, HB_NOWAIT))
      << "a flags register wider than 32 bits";
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv)) << "nothing was sent";
}

TEST_F(BadInputTest, ReceiveFromTaskZeroIsInvalidArg) {
  TaskHandle a = spawn("a");
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.recv(HB_INBOX, HB_NOWAIT, HB_RECV_FROM, 0));
}

TEST_F(BadInputTest, CallWithNowaitIsInvalidArg) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.call(p.send, "x", {}, HB_NOWAIT))
      << "design.md: a call always waits for its answer";
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv));
}

TEST_F(BadInputTest, HeapExhaustionIsNoMemoryAndChangesNothing) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_UNBOUNDED);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  uint32_t used = a.handles_used();
  uint64_t ports = a.ports_charged();
  arch::test::fail_heap_after(0);
  hb_handle_t r = -7, s = -7;
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.port_create(HB_PORT_BOUNDED, 1, 0, &r, &s));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.send(p.send, "x", {gift.send}));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.sem_create(0, 1, &s));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.call(p.send, "x"));
  arch::test::fail_heap_after(UINT64_MAX);
  EXPECT_EQ(-7, r);
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(ports, a.ports_charged());
  EXPECT_EQ(0u, a.queued_bytes());
  EXPECT_EQ(0u, a.semaphores_charged());
  EXPECT_FALSE(a.blocked());
  EXPECT_STATUS(HB_OK, a.send(p.send, "x", {gift.send})) << "and everything works again";
}

TEST_F(BadInputTest, SpawnWithBadImageNameIsRefused) {
  TaskHandle a = spawn("a");
  hb_task_id_t id = 0;
  std::string long_name(HB_IMAGE_NAME_MAX + 10, 'n');
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_TASK_SPAWN, kUnowned, 0, addr(&id)));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.spawn("", "", {}, &id));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.spawn(long_name.c_str(), "", {}, &id));
  EXPECT_EQ(0u, id);
  EXPECT_EQ(0u, a.queued_bytes());
}

TEST_F(BadInputTest, DebugWriteChecksItsBuffer) {
  TaskHandle a = spawn("a");
  const char text[] = "hello console";
  EXPECT_STATUS(HB_OK, a.syscall(HB_SYS_DEBUG_WRITE, addr(text), 5));
  EXPECT_EQ("hello", arch::test::console());
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_DEBUG_WRITE, kUnowned, 5));
  std::string big(5000, 'x');
  EXPECT_STATUS(HB_ERR_TOO_BIG, a.syscall(HB_SYS_DEBUG_WRITE, addr(big.data()), big.size()));
  EXPECT_EQ("hello", arch::test::console());
}

TEST_F(BadInputTest, BlockedTaskCannotMakeAnotherSyscall) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, a.recv(p.recv, HB_FOREVER));
  const uint64_t args[6] = {static_cast<uint32_t>(p.send), 0, 0, 0, 0, 0};
  EXPECT_STATUS(HB_ERR_INVALID_ARG, kernel().syscall(*a.task(), HB_SYS_HANDLE_CLOSE, args));
  EXPECT_BLOCKED(a);
}

TEST_F(BadInputTest, SyscallOfAnExitedTaskIsPeerClosed) {
  TaskHandle parent = spawn("parent");
  arch::test::add_image("child");
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  TaskHandle child = adopt(id);
  ASSERT_STATUS(kernel::kBlocked, child.exit(1));
  ASSERT_NE(nullptr, child.task()) << "a zombie until the parent waits";
  const uint64_t args[6] = {};
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, kernel().syscall(*child.task(), HB_SYS_TASK_SELF, args));
}

}  // namespace
}  // namespace harbor::test
