// CoreSideTest: the common IPC path runs on the core side of the kernel lock - its own
// core's lock and its port's, no lock every core shares (kernel/kernel_lock.h) - and
// whatever it may not do there it gives up *before changing anything*, so that the arch can
// run it again with the whole kernel locked. These tests enter only the core side
// (Harness::Entry::CoreSideOnly) to see what giving up left behind, then let the arch's
// retry (Entry::Arch) finish the job.
#include <arch/test_control.h>
#include <kernel/port.h>

#include <string>

#include "harness.h"

using namespace harbor::test;

namespace {

class CoreSideTest : public Harness {
 protected:
  kernel::KernelStats stats() { return kernel().stats_total(); }

  // A receiver with a bounded port, a sender holding its send right.
  struct Pair {
    TaskHandle sender, receiver;
    hb_handle_t send{HB_INVALID};
    hb_handle_t recv{HB_INVALID};
  };
  Pair pair(uint32_t mode = HB_PORT_BOUNDED, uint32_t capacity = 4) {
    Pair p;
    p.sender = spawn("sender");
    p.receiver = spawn("receiver");
    PortPair port = p.receiver.port(mode, capacity);
    p.recv = port.recv;
    p.send = transfer(p.receiver, port.send, p.sender);
    return p;
  }
};

TEST_F(CoreSideTest, SendAndReceiveWithoutHandlesRunOnTheCoreSide) {
  Pair p = pair();
  set_entry(Entry::CoreSideOnly);
  kernel::KernelStats before = stats();
  ASSERT_STATUS(HB_OK, p.sender.send(p.send, "queued"));
  ASSERT_STATUS(HB_OK, p.receiver.recv(p.recv));
  EXPECT_EQ("queued", p.receiver.got().data);
  ASSERT_STATUS(kernel::kBlocked, p.receiver.recv(p.recv, HB_FOREVER));
  ASSERT_STATUS(HB_OK, p.sender.send(p.send, "handed over"));  // the fast path
  EXPECT_RESUMED(p.receiver, HB_OK);
  EXPECT_EQ("handed over", p.receiver.got().data);
  kernel::KernelStats after = stats();
  EXPECT_EQ(4u, after.core_side - before.core_side);
  EXPECT_EQ(0u, after.whole_kernel_retries - before.whole_kernel_retries);
  EXPECT_EQ(4u, after.syscalls - before.syscalls);
}

TEST_F(CoreSideTest, CallAndReplyRecvRunOnTheCoreSide) {
  Pair p = pair(HB_PORT_RENDEZVOUS, 0);
  set_entry(Entry::CoreSideOnly);
  ASSERT_STATUS(kernel::kBlocked, p.receiver.recv(p.recv, HB_FOREVER));
  for (int round = 0; round < 3; ++round) {
    kernel::KernelStats before = stats();
    ASSERT_STATUS(kernel::kBlocked, p.sender.call(p.send, "question"));
    ASSERT_RESUMED(p.receiver, HB_OK);
    EXPECT_EQ("question", p.receiver.got().data);
    ASSERT_STATUS(kernel::kBlocked, p.receiver.reply_recv(p.receiver.got().reply, "answer", p.recv));
    ASSERT_RESUMED(p.sender, HB_OK);
    EXPECT_EQ("answer", p.sender.got().data);
    EXPECT_EQ(2u, stats().core_side - before.core_side) << "round " << round;
  }
}

TEST_F(CoreSideTest, SyscallsOutsideTheIpcPathNeedTheWholeKernelAndCountNothing) {
  TaskHandle t = spawn();
  PortPair port = t.port(HB_PORT_BOUNDED, 1);
  set_entry(Entry::CoreSideOnly);
  kernel::KernelStats before = stats();
  hb_handle_t copy = HB_INVALID;
  EXPECT_STATUS(kernel::kNeedsWholeKernel, t.dup(port.send, HB_RIGHTS_SAME, &copy));
  EXPECT_STATUS(kernel::kNeedsWholeKernel, t.close(port.send));
  kernel::KernelStats after = stats();
  EXPECT_EQ(before.syscalls, after.syscalls);
  EXPECT_EQ(before.kernel_entries, after.kernel_entries);
  set_entry(Entry::Arch);
  hb_handle_info_t info{};
  EXPECT_STATUS(HB_OK, t.info(port.send, &info)) << "the close did not happen on the core side";
  EXPECT_EQ(HB_INVALID, copy) << "nor the dup";
}

// The shared-memory lecture's kernel part: hb_sem_wait and hb_sem_post run on the core side
// too (the semaphore's own lock), blocking and waking included.
TEST_F(CoreSideTest, SemaphoresRunOnTheCoreSide) {
  TaskHandle a = spawn("a");
  TaskHandle b = spawn("b");
  hb_handle_t sem = HB_INVALID;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 2, &sem));
  hb_handle_t copy = HB_INVALID;
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &copy));
  hb_handle_t b_sem = transfer(a, copy, b);
  set_entry(Entry::CoreSideOnly);
  kernel::KernelStats before = stats();
  ASSERT_STATUS(kernel::kBlocked, b.sem_wait(b_sem, HB_FOREVER));
  ASSERT_STATUS(HB_OK, a.sem_post(sem, 2));  // one to b, one kept
  EXPECT_RESUMED(b, HB_OK);
  EXPECT_STATUS(HB_OK, b.sem_wait(b_sem)) << "one unit left over";
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, b.sem_wait(b_sem));
  EXPECT_STATUS(HB_OK, a.sem_post(sem, 2));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_post(sem, 1)) << "beyond max: nothing changes";
  EXPECT_EQ(6u, stats().core_side - before.core_side);
  EXPECT_EQ(0u, stats().whole_kernel_retries - before.whole_kernel_retries);
}

TEST_F(CoreSideTest, ASendWithHandlesGivesUpAndChangesNothing) {
  Pair p = pair();
  PortPair extra = p.sender.port(HB_PORT_BOUNDED, 1);
  set_entry(Entry::CoreSideOnly);
  uint64_t heap = arch::test::heap_bytes();
  EXPECT_STATUS(kernel::kNeedsWholeKernel, p.sender.send(p.send, "with a handle", {extra.send}));
  EXPECT_EQ(heap, arch::test::heap_bytes()) << "no message was made";
  EXPECT_EQ(0u, p.sender.queued_bytes());
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, p.receiver.recv(p.recv)) << "nothing was queued";
  set_entry(Entry::Arch);
  hb_handle_info_t info{};
  EXPECT_STATUS(HB_OK, p.sender.info(extra.send, &info)) << "the handle never left";

  // The arch's retry, with the whole kernel: the send happens once.
  kernel::KernelStats before = stats();
  ASSERT_STATUS(HB_OK, p.sender.send(p.send, "with a handle", {extra.send}));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, p.sender.info(extra.send, &info)) << "moved";
  ASSERT_STATUS(HB_OK, p.receiver.recv(p.recv));
  EXPECT_EQ("with a handle", p.receiver.got().data);
  EXPECT_EQ(1u, p.receiver.got().handles.size());
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, p.receiver.recv(p.recv)) << "exactly once";
  kernel::KernelStats after = stats();
  EXPECT_EQ(4u, after.syscalls - before.syscalls) << "a retried syscall counts once";
  EXPECT_EQ(2u, after.whole_kernel_retries - before.whole_kernel_retries)
      << "the send and the receive of the message with a handle";
}

TEST_F(CoreSideTest, AReceiveOfAMessageWithHandlesGivesUpAndLeavesItQueued) {
  Pair p = pair();
  PortPair extra = p.sender.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, p.sender.send(p.send, "carrier", {extra.send}));
  set_entry(Entry::CoreSideOnly);
  EXPECT_STATUS(kernel::kNeedsWholeKernel, p.receiver.recv(p.recv));
  set_entry(Entry::Arch);
  ASSERT_STATUS(HB_OK, p.receiver.recv(p.recv));
  EXPECT_EQ("carrier", p.receiver.got().data);
  EXPECT_EQ(1u, p.receiver.got().handles.size());
}

TEST_F(CoreSideTest, AReceiveThatWouldAdmitABlockedSendersHandlesGivesUp) {
  Pair p = pair(HB_PORT_BOUNDED, 1);
  PortPair extra = p.sender.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, p.sender.send(p.send, "plain"));  // fills the port
  ASSERT_STATUS(kernel::kBlocked, p.sender.send(p.send, "carrier", {extra.send}, 0, HB_FOREVER));
  set_entry(Entry::CoreSideOnly);
  EXPECT_STATUS(kernel::kNeedsWholeKernel, p.receiver.recv(p.recv))
      << "taking 'plain' would move the blocked sender's handle into the queue";
  EXPECT_BLOCKED(p.sender);
  set_entry(Entry::Arch);
  ASSERT_STATUS(HB_OK, p.receiver.recv(p.recv));
  EXPECT_EQ("plain", p.receiver.got().data);
  EXPECT_RESUMED(p.sender, HB_OK);
  ASSERT_STATUS(HB_OK, p.receiver.recv(p.recv));
  EXPECT_EQ("carrier", p.receiver.got().data);
}

// hb_reply_recv cannot take its reply back: the core side must decide about the receive
// before it replies, or the retry would find the reply capability consumed.
TEST_F(CoreSideTest, ReplyRecvGivesUpBeforeItReplies) {
  Pair p = pair(HB_PORT_BOUNDED, 4);
  TaskHandle other = spawn("other");
  hb_handle_t second = HB_INVALID;
  ASSERT_STATUS(HB_OK, p.sender.dup(p.send, kernel::Port::kSendRights, &second));
  hb_handle_t other_send = transfer(p.sender, second, other);
  ASSERT_STATUS(kernel::kBlocked, p.sender.call(p.send, "question"));
  ASSERT_STATUS(HB_OK, p.receiver.recv(p.recv));
  const hb_handle_t reply = p.receiver.got().reply;
  PortPair extra = other.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, other.send(other_send, "carrier", {extra.send}));  // next in line

  set_entry(Entry::CoreSideOnly);
  EXPECT_STATUS(kernel::kNeedsWholeKernel, p.receiver.reply_recv(reply, "answer", p.recv));
  EXPECT_BLOCKED(p.sender) << "no answer yet";
  set_entry(Entry::Arch);
  hb_handle_info_t info{};
  EXPECT_STATUS(HB_OK, p.receiver.info(reply, &info)) << "the reply capability is still there";

  ASSERT_STATUS(HB_OK, p.receiver.reply_recv(reply, "answer", p.recv));
  EXPECT_RESUMED(p.sender, HB_OK);
  EXPECT_EQ("answer", p.sender.got().data);
  EXPECT_EQ("carrier", p.receiver.got().data);
  EXPECT_EQ(1u, p.receiver.got().handles.size());
}

TEST_F(CoreSideTest, ATimedReceiveOnTheCoreSideTimesOut) {
  Pair p = pair();
  set_entry(Entry::CoreSideOnly);
  ASSERT_STATUS(kernel::kBlocked, p.receiver.recv(p.recv, 1000));
  EXPECT_BLOCKED(p.receiver);
  advance(999);
  EXPECT_BLOCKED(p.receiver);
  advance(1);
  EXPECT_RESUMED(p.receiver, HB_ERR_TIMED_OUT);
  // A timed wait that a message ends leaves no deadline behind.
  ASSERT_STATUS(kernel::kBlocked, p.receiver.recv(p.recv, 1000));
  ASSERT_STATUS(HB_OK, p.sender.send(p.send, "in time"));
  EXPECT_RESUMED(p.receiver, HB_OK);
  EXPECT_EQ(UINT64_MAX, kernel().next_deadline());
}

}  // namespace
