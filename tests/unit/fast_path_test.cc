// FastPathTest: when a receiver already waits, a message goes straight from the sender's
// memory into the receiver's buffers (kernel/ipc_fast.cc, DOC: fast-path): one copy, no
// queue, no allocation, the receiver woken at once. Everything else about the message
// (exactly once, FIFO, handles moved only on success, errors) is as on the kernel-buffered
// path; these tests pin the differences down and count what a round trip costs.
#include <arch/test_control.h>

#include <string>

#include "harness.h"

using namespace harbor::test;

namespace {

uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

// The kernel's counters, and the test heap's, at one moment.
struct Counters {
  kernel::KernelStats stats;
  uint64_t allocations;
};

class FastPathTest : public Harness {
 protected:
  Counters now() { return {kernel().stats_total(), arch::test::heap_allocations()}; }
  uint64_t fast() { return kernel().stats_total().fast_path; }

  // A server blocked in hb_recv on a rendezvous port, and a client holding its send right.
  struct Pair {
    TaskHandle client, server;
    hb_handle_t send{HB_INVALID};
    hb_handle_t recv{HB_INVALID};
  };
  Pair serving() {
    Pair p;
    p.client = spawn("client");
    p.server = spawn("server");
    PortPair port = p.server.port(HB_PORT_RENDEZVOUS);
    p.recv = port.recv;
    p.send = transfer(p.server, port.send, p.client);
    EXPECT_STATUS(kernel::kBlocked, p.server.recv(p.recv, HB_FOREVER));
    return p;
  }
};

TEST_F(FastPathTest, SendToAWaitingReceiverIsOneCopyAndNoAllocation) {
  Pair p = serving();
  const std::string bytes(64, 'x');
  Counters before = now();
  ASSERT_STATUS(HB_OK, p.client.send(p.send, bytes));
  Counters after = now();
  EXPECT_RESUMED(p.server, HB_OK);
  EXPECT_EQ(bytes, p.server.got().data);
  EXPECT_EQ(p.client.id(), p.server.got().sender);
  EXPECT_EQ(1u, after.stats.fast_path - before.stats.fast_path);
  EXPECT_EQ(1u, after.stats.payload_copies - before.stats.payload_copies) << "one copy";
  EXPECT_EQ(64u, after.stats.payload_bytes - before.stats.payload_bytes);
  EXPECT_EQ(1u, after.stats.wakeups - before.stats.wakeups);
  EXPECT_EQ(0u, after.allocations - before.allocations) << "no Message on the fast path";
  EXPECT_EQ(0u, p.client.queued_bytes());
}

// The figures docs/performance.md gives ("the kernel's fast path"): a 64 B hb_call to a
// server waiting in hb_reply_recv, until the client has the answer and the server waits
// again.
TEST_F(FastPathTest, CallReplyRoundTripOf64BytesCountsExactly) {
  Pair p = serving();
  const std::string request(64, 'q'), answer(64, 'a');
  // The first call of a task makes its reply object; later calls reuse it.
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, request));
  ASSERT_RESUMED(p.server, HB_OK);
  ASSERT_STATUS(kernel::kBlocked, p.server.reply_recv(p.server.got().reply, answer, p.recv));
  ASSERT_RESUMED(p.client, HB_OK);

  for (int round = 0; round < 3; ++round) {
    Counters before = now();
    ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, request));
    ASSERT_RESUMED(p.server, HB_OK);
    EXPECT_EQ(request, p.server.got().data);
    ASSERT_STATUS(kernel::kBlocked, p.server.reply_recv(p.server.got().reply, answer, p.recv));
    ASSERT_RESUMED(p.client, HB_OK);
    EXPECT_EQ(answer, p.client.got().data);
    Counters after = now();
    const kernel::KernelStats& b = before.stats;
    const kernel::KernelStats& a = after.stats;
    EXPECT_EQ(2u, a.kernel_entries - b.kernel_entries) << "kernel-lock acquisitions";
    EXPECT_EQ(2u, a.payload_copies - b.payload_copies) << "one copy per direction";
    EXPECT_EQ(128u, a.payload_bytes - b.payload_bytes);
    EXPECT_EQ(8u, a.user_copies - b.user_copies)
        << "per direction: hb_msg_out in, hb_msg_in in, the bytes, hb_msg_in out";
    EXPECT_EQ(2u, a.wakeups - b.wakeups);
    EXPECT_EQ(2u, a.blocks - b.blocks);
    EXPECT_EQ(2u, a.fast_path - b.fast_path);
    EXPECT_EQ(0u, after.allocations - before.allocations) << "no Message, no Reply";
  }
}

TEST_F(FastPathTest, SendTaskToAWaitingInboxIsHandedOver) {
  TaskHandle a = spawn("a"), r = spawn("r");
  ASSERT_STATUS(kernel::kBlocked, r.recv(HB_INBOX, HB_FOREVER));
  uint64_t fast_before = fast();
  ASSERT_STATUS(HB_OK, a.send_task(r.id(), "direct"));
  EXPECT_RESUMED(r, HB_OK);
  EXPECT_EQ("direct", r.got().data);
  EXPECT_EQ(a.id(), r.got().sender);
  EXPECT_EQ(fast_before + 1, fast());
}

// A receiver whose handle table cannot take the handles: the fast path leaves the message to
// the kernel-buffered path, which wakes that receiver with NO_MEMORY and queues the message.
TEST_F(FastPathTest, FullHandleTableFallsBackToTheBufferedPath) {
  kernel::KernelConfig config;
  config.quota.handles = 4;  // HB_INBOX and two more
  reset(config);
  TaskHandle a = spawn("a"), r = spawn("r");
  PortPair port = r.port(HB_PORT_BOUNDED, 1);
  hb_handle_t to_r = transfer(r, port.send, a);
  hb_handle_t sem = HB_INVALID;
  ASSERT_STATUS(HB_OK, r.sem_create(0, 1, &sem));  // r's table is full now
  hb_handle_t gift = HB_INVALID;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &gift));
  ASSERT_STATUS(kernel::kBlocked, r.recv(port.recv, HB_FOREVER));
  uint64_t fast_before = fast();
  ASSERT_STATUS(HB_OK, a.send(to_r, "with a handle", {gift}));
  EXPECT_RESUMED(r, HB_ERR_NO_MEMORY);
  EXPECT_EQ(fast_before, fast());
  ASSERT_STATUS(HB_OK, r.close(sem));
  ASSERT_STATUS(HB_OK, r.recv(port.recv)) << "the message waited in the queue";
  EXPECT_EQ("with a handle", r.got().data);
  EXPECT_EQ(1u, r.got().handle_count);
}

TEST_F(FastPathTest, DoesNotOvertakeQueuedMessages) {
  TaskHandle a = spawn("a"), b = spawn("b"), r = spawn("r");
  PortPair port = r.port(HB_PORT_BOUNDED, 4);
  hb_handle_t to_a = transfer(r, port.send, a);
  hb_handle_t to_b = HB_INVALID;
  ASSERT_STATUS(HB_OK, a.dup(to_a, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &to_b));
  to_b = transfer(a, to_b, b);
  ASSERT_STATUS(HB_OK, a.send(to_a, "a1"));
  ASSERT_STATUS(HB_OK, a.send(to_a, "a2"));
  uint64_t fast_before = fast();
  ASSERT_STATUS(HB_OK, r.recv(port.recv));
  EXPECT_EQ("a1", r.got().data);
  // r waits only for b; a's queued message must not be passed by b's, nor a's next by it.
  ASSERT_STATUS(kernel::kBlocked, r.recv(port.recv, HB_FOREVER, HB_RECV_FROM, b.id()));
  ASSERT_STATUS(HB_OK, a.send(to_a, "a3"));
  EXPECT_BLOCKED(r);
  EXPECT_EQ(fast_before, fast()) << "a's message is queued behind a2";
  ASSERT_STATUS(HB_OK, b.send(to_b, "b1"));
  EXPECT_RESUMED(r, HB_OK);
  EXPECT_EQ("b1", r.got().data);
  EXPECT_EQ(fast_before + 1, fast()) << "r waited for exactly this sender";
  ASSERT_STATUS(HB_OK, r.recv(port.recv));
  EXPECT_EQ("a2", r.got().data);
  ASSERT_STATUS(HB_OK, r.recv(port.recv));
  EXPECT_EQ("a3", r.got().data);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, r.recv(port.recv)) << "each message exactly once";
}

TEST_F(FastPathTest, HandlesMoveOnlyWhenTheSendSucceeds) {
  Pair p = serving();
  PortPair gift = p.client.port(HB_PORT_BOUNDED, 1);
  uint32_t client_handles = p.client.handles_used();
  hb_handle_t handles[1] = {gift.send};
  hb_msg_out bad{reinterpret_cast<const void*>(0x1000), 8, 1, handles};
  EXPECT_STATUS(HB_ERR_FAULT, p.client.syscall(HB_SYS_SEND, p.send, addr(&bad), 0, HB_NOWAIT));
  EXPECT_BLOCKED(p.server);
  EXPECT_EQ(client_handles, p.client.handles_used()) << "the handle stays with the sender";
  EXPECT_EQ(HB_OBJ_PORT, p.client.info(gift.send).type);

  ASSERT_STATUS(HB_OK, p.client.send(p.send, "gift", {gift.send}));
  EXPECT_RESUMED(p.server, HB_OK);
  ASSERT_EQ(1u, p.server.got().handle_count);
  EXPECT_EQ(client_handles - 1, p.client.handles_used());
  hb_handle_info_t info{};
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, p.client.info(gift.send, &info)) << "moved, not copied";
  EXPECT_EQ(HB_RIGHT_SEND, p.server.info(p.server.got().handles[0]).rights & HB_RIGHT_SEND);
  // The gift works from its new home.
  ASSERT_STATUS(HB_OK, p.server.send(p.server.got().handles[0], "hi"));
  ASSERT_STATUS(HB_OK, p.client.recv(gift.recv));
  EXPECT_EQ("hi", p.client.got().data);
}

TEST_F(FastPathTest, BufferTooSmallKeepsTheMessageAndTheSender) {
  Pair p = serving();
  TaskHandle server = p.server;
  server.set_recv_capacity(4, 16);
  // The server's wait was set up with the default capacity; wait again with the small one.
  ASSERT_STATUS(HB_OK, p.client.send(p.send, "warm"));
  ASSERT_RESUMED(server, HB_OK);
  ASSERT_STATUS(kernel::kBlocked, server.recv(p.recv, HB_FOREVER));
  EXPECT_STATUS(kernel::kBlocked, p.client.send(p.send, "too long", {}, 0, HB_FOREVER))
      << "rendezvous: the sender waits with its message";
  EXPECT_RESUMED(server, HB_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(8u, server.raw_in().len) << "the receiver learns the size it needs";
  EXPECT_BLOCKED(p.client);
  server.set_recv_capacity(4096, 16);
  ASSERT_STATUS(HB_OK, server.recv(p.recv));
  EXPECT_EQ("too long", server.got().data);
  EXPECT_RESUMED(p.client, HB_OK);
}

TEST_F(FastPathTest, SenderFaultChangesNothing) {
  Pair p = serving();
  std::string data(32, 's');
  arch::test::poison(data.data() + 16, 1);
  uint64_t fast_before = fast();
  EXPECT_STATUS(HB_ERR_FAULT, p.client.send(p.send, data));
  EXPECT_BLOCKED(p.server);
  EXPECT_EQ(fast_before, fast());
  EXPECT_EQ(std::string(32, '\0'), std::string(p.server.recv_data(), 32))
      << "nothing was written into the receiver's buffer";
  ASSERT_STATUS(HB_OK, p.client.send(p.send, "fine"));
  EXPECT_RESUMED(p.server, HB_OK);
  EXPECT_EQ("fine", p.server.got().data);
}

TEST_F(FastPathTest, ReceiverFaultWakesThatReceiverAndTheMessageIsNotLost) {
  TaskHandle a = spawn("a"), r = spawn("r");
  PortPair port = r.port(HB_PORT_BOUNDED, 2);
  hb_handle_t to_r = transfer(r, port.send, a);
  arch::test::poison(r.recv_data(), 1);
  ASSERT_STATUS(kernel::kBlocked, r.recv(port.recv, HB_FOREVER));
  ASSERT_STATUS(HB_OK, a.send(to_r, "kept")) << "no receiver is left: the message is queued";
  EXPECT_RESUMED(r, HB_ERR_FAULT);
  arch::test::reset();  // the buffer is the receiver's again
  ASSERT_STATUS(HB_OK, r.recv(port.recv));
  EXPECT_EQ("kept", r.got().data);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, r.recv(port.recv));
}

TEST_F(FastPathTest, ReplyIntoAFaultingBufferIsPeerClosedToTheReplier) {
  Pair p = serving();
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "ask"));
  ASSERT_RESUMED(p.server, HB_OK);
  hb_handle_t reply = p.server.got().reply;
  arch::test::poison(p.client.recv_data(), 1);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, p.server.reply(reply, "answer"));
  EXPECT_RESUMED(p.client, HB_ERR_FAULT);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, p.server.reply(reply, "again")) << "the capability is used up";
}

TEST_F(FastPathTest, ReplierFaultKeepsTheCapability) {
  Pair p = serving();
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "ask"));
  ASSERT_RESUMED(p.server, HB_OK);
  hb_handle_t reply = p.server.got().reply;
  hb_msg_out bad{reinterpret_cast<const void*>(0x1000), 8, 0, nullptr};
  EXPECT_STATUS(HB_ERR_FAULT, p.server.syscall(HB_SYS_REPLY, reply, addr(&bad)));
  EXPECT_BLOCKED(p.client);
  ASSERT_STATUS(HB_OK, p.server.reply(reply, "answer"));
  EXPECT_RESUMED(p.client, HB_OK);
  EXPECT_EQ("answer", p.client.got().data);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, p.server.reply(reply, "again")) << "one-shot";
}

TEST_F(FastPathTest, CallerTimeoutThenLateReplyReachesNoLaterCall) {
  Pair p = serving();
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "first", {}, 100));
  ASSERT_RESUMED(p.server, HB_OK);
  hb_handle_t stale = p.server.got().reply;
  advance(200);
  EXPECT_RESUMED(p.client, HB_ERR_TIMED_OUT);

  // The client calls again while the server still holds the first call's capability: the
  // second call gets a reply object of its own.
  ASSERT_STATUS(kernel::kBlocked, p.server.recv(p.recv, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "second"));
  ASSERT_RESUMED(p.server, HB_OK);
  hb_handle_t fresh = p.server.got().reply;
  EXPECT_NE(stale, fresh);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, p.server.reply(stale, "late"));
  EXPECT_BLOCKED(p.client) << "a late reply never answers a newer call";
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, p.server.reply(stale, "late")) << "one-shot";
  ASSERT_STATUS(HB_OK, p.server.reply(fresh, "answer"));
  EXPECT_RESUMED(p.client, HB_OK);
  EXPECT_EQ("answer", p.client.got().data);

  // And the reply object is reused from now on: a third call allocates nothing.
  ASSERT_STATUS(kernel::kBlocked, p.server.recv(p.recv, HB_FOREVER));
  uint64_t allocations = arch::test::heap_allocations();
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "third"));
  ASSERT_RESUMED(p.server, HB_OK);
  ASSERT_STATUS(HB_OK, p.server.reply(p.server.got().reply, "ok"));
  EXPECT_RESUMED(p.client, HB_OK);
  EXPECT_EQ(allocations, arch::test::heap_allocations());
}

TEST_F(FastPathTest, ServerDroppingTheCapabilityWakesTheCaller) {
  Pair p = serving();
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "ask"));
  ASSERT_RESUMED(p.server, HB_OK);
  ASSERT_STATUS(HB_OK, p.server.close(p.server.got().reply));
  EXPECT_RESUMED(p.client, HB_ERR_PEER_CLOSED);
  // The reply object is free again and the next call works (and reuses it).
  ASSERT_STATUS(kernel::kBlocked, p.server.recv(p.recv, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "again"));
  ASSERT_RESUMED(p.server, HB_OK);
  ASSERT_STATUS(HB_OK, p.server.reply(p.server.got().reply, "yes"));
  EXPECT_RESUMED(p.client, HB_OK);
  EXPECT_EQ("yes", p.client.got().data);
}

TEST_F(FastPathTest, QuotaIsCheckedAsIfTheMessageWereStaged) {
  kernel::KernelConfig config;
  config.quota.queued_bytes = kernel::message_charge(16);
  reset(config);
  Pair p = serving();
  EXPECT_STATUS(HB_ERR_NO_MEMORY, p.client.send(p.send, std::string(17, 'x')))
      << "the same answer whether or not a receiver waits";
  EXPECT_BLOCKED(p.server);
  ASSERT_STATUS(HB_OK, p.client.send(p.send, std::string(16, 'x')));
  EXPECT_RESUMED(p.server, HB_OK);
}

TEST_F(FastPathTest, ManyRoundTripsLeaveTheHeapWhereItWas) {
  Pair p = serving();
  ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, "warm up"));
  ASSERT_RESUMED(p.server, HB_OK);
  ASSERT_STATUS(kernel::kBlocked, p.server.reply_recv(p.server.got().reply, "ok", p.recv));
  ASSERT_RESUMED(p.client, HB_OK);
  uint64_t allocations = arch::test::heap_allocations();
  uint64_t bytes = arch::test::heap_bytes();
  for (int i = 0; i < 100; ++i) {
    std::string request = "request " + std::to_string(i);
    ASSERT_STATUS(kernel::kBlocked, p.client.call(p.send, request));
    ASSERT_RESUMED(p.server, HB_OK);
    ASSERT_EQ(request, p.server.got().data);
    ASSERT_STATUS(kernel::kBlocked, p.server.reply_recv(p.server.got().reply, "ok", p.recv));
    ASSERT_RESUMED(p.client, HB_OK);
    ASSERT_STATUS(HB_OK, p.client.send(p.send, "one-way"));
    ASSERT_RESUMED(p.server, HB_OK);
    ASSERT_STATUS(kernel::kBlocked, p.server.recv(p.recv, HB_FOREVER));
  }
  EXPECT_EQ(allocations, arch::test::heap_allocations());
  EXPECT_EQ(bytes, arch::test::heap_bytes());
  EXPECT_EQ(0u, p.client.queued_bytes());
}

}  // namespace
