// CallReplyTest: hb_call sends a request with a one-shot reply capability (in->reply); the
// server answers with hb_reply/hb_reply_recv. If the server drops the capability or dies,
// the caller wakes with HB_ERR_PEER_CLOSED (SPEC 2-3; protocol steps in kernel/reply.h).
#include "harness.h"

#include <arch/test_control.h>

namespace harbor::test {
namespace {

class CallReplyTest : public Harness {
 protected:
  void SetUp() override {
    Harness::SetUp();
    server = spawn("server");
    client = spawn("client");
    service = server.port(HB_PORT_BOUNDED, 8);
    hb_handle_t d;
    EXPECT_STATUS(HB_OK, server.dup(service.send, HB_RIGHTS_SAME, &d));
    to_server = transfer(server, d, client);
  }
  // A request from `caller` through `tx`, received by the server: returns the reply handle.
  hb_handle_t request(TaskHandle caller, hb_handle_t tx, const std::string& text,
                      hb_time_t timeout = HB_FOREVER) {
    EXPECT_STATUS(kernel::kBlocked, caller.call(tx, text, {}, timeout));
    EXPECT_STATUS(HB_OK, server.recv(service.recv));
    EXPECT_EQ(text, server.got().data);
    EXPECT_EQ(caller.id(), server.got().sender);
    EXPECT_NE(HB_INVALID, server.got().reply) << "a call's message carries a reply capability";
    return server.got().reply;
  }

  TaskHandle server, client;
  PortPair service;
  hb_handle_t to_server{HB_INVALID};
};

TEST_F(CallReplyTest, ReplyWakesTheCallerWithTheAnswer) {
  hb_handle_t reply = request(client, to_server, "what time is it?");
  EXPECT_BLOCKED(client) << "the request was taken; the caller waits for the answer";
  hb_handle_info_t info = server.info(reply);
  EXPECT_EQ(uint32_t{HB_OBJ_REPLY}, info.type);
  ASSERT_STATUS(HB_OK, server.reply(reply, "tea time"));
  EXPECT_RESUMED(client, HB_OK);
  EXPECT_EQ("tea time", client.got().data);
  EXPECT_EQ(server.id(), client.got().sender);
}

TEST_F(CallReplyTest, CallToAWaitingServerIsHandedOverAtOnce) {
  ASSERT_STATUS(kernel::kBlocked, server.recv(service.recv, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, client.call(to_server, "ping"));
  EXPECT_RESUMED(server, HB_OK);
  EXPECT_EQ("ping", server.got().data);
  ASSERT_STATUS(HB_OK, server.reply(server.got().reply, "pong"));
  EXPECT_RESUMED(client, HB_OK);
  EXPECT_EQ("pong", client.got().data);
}

TEST_F(CallReplyTest, SecondReplyIsBadHandle) {
  hb_handle_t reply = request(client, to_server, "once");
  ASSERT_STATUS(HB_OK, server.reply(reply, "first"));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.reply(reply, "second"));
  EXPECT_EQ("first", client.got().data);
}

TEST_F(CallReplyTest, ReplyCapabilityCannotBeDuplicated) {
  hb_handle_t reply = request(client, to_server, "x");
  hb_handle_t copy;
  EXPECT_STATUS(HB_ERR_ACCESS, server.dup(reply, HB_RIGHTS_SAME, &copy));
  ASSERT_STATUS(HB_OK, server.reply(reply, "y"));
}

TEST_F(CallReplyTest, DroppingTheReplyCapabilityWakesTheCallerWithPeerClosed) {
  hb_handle_t reply = request(client, to_server, "will you answer?");
  ASSERT_STATUS(HB_OK, server.close(reply));
  EXPECT_RESUMED(client, HB_ERR_PEER_CLOSED);
}

TEST_F(CallReplyTest, LateReplyAfterTheCallerTimedOutIsPeerClosed) {
  hb_handle_t reply = request(client, to_server, "quick!", 100);
  advance(100);
  EXPECT_RESUMED(client, HB_ERR_TIMED_OUT);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, server.reply(reply, "too late"));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.close(reply)) << "the failed reply consumed it";
  EXPECT_EQ(1u, client.task()->context()->resumes) << "the late reply woke nobody";
}

TEST_F(CallReplyTest, CallerTimesOutBeforeTheRequestIsTakenAndItIsWithdrawn) {
  TaskHandle s = spawn("s"), c = spawn("c");
  PortPair p = s.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(s, p.send, c);
  ASSERT_STATUS(kernel::kBlocked, c.call(tx, "anyone?", {}, 50));
  advance(50);
  EXPECT_RESUMED(c, HB_ERR_TIMED_OUT);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, s.recv(p.recv));
  EXPECT_EQ(0u, c.queued_bytes());
}

TEST_F(CallReplyTest, ReplyCapabilityMovedToAThirdTaskWhichReplies) {
  TaskHandle worker = spawn("worker");
  hb_handle_t reply = request(client, to_server, "delegate me");
  hb_handle_t in_worker = transfer(server, reply, worker);
  EXPECT_EQ(uint32_t{HB_OBJ_REPLY}, worker.info(in_worker).type);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.reply(reply, "not mine any more"));
  EXPECT_BLOCKED(client);
  ASSERT_STATUS(HB_OK, worker.reply(in_worker, "from the worker"));
  EXPECT_RESUMED(client, HB_OK);
  EXPECT_EQ("from the worker", client.got().data);
  EXPECT_EQ(worker.id(), client.got().sender);
}

TEST_F(CallReplyTest, OutstandingRepliesAnsweredOutOfOrder) {
  std::vector<TaskHandle> callers;
  std::vector<hb_handle_t> replies;
  for (int i = 0; i < 3; ++i) {
    TaskHandle c = spawn("caller" + std::to_string(i));
    hb_handle_t d;
    ASSERT_STATUS(HB_OK, server.dup(service.send, HB_RIGHTS_SAME, &d));
    hb_handle_t tx = transfer(server, d, c);
    ASSERT_STATUS(kernel::kBlocked, c.call(tx, "q" + std::to_string(i)));
    callers.push_back(c);
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_STATUS(HB_OK, server.recv(service.recv));
    EXPECT_EQ("q" + std::to_string(i), server.got().data);
    replies.push_back(server.got().reply);
  }
  for (int i : {2, 0, 1}) {
    ASSERT_STATUS(HB_OK, server.reply(replies[i], "a" + std::to_string(i)));
    EXPECT_RESUMED(callers[i], HB_OK);
    EXPECT_EQ("a" + std::to_string(i), callers[i].got().data);
  }
}

TEST_F(CallReplyTest, ServerDeathWakesTheCallerWaitingForTheReply) {
  request(client, to_server, "are you there?");
  ASSERT_STATUS(kernel::kBlocked, server.exit(0));
  EXPECT_RESUMED(client, HB_ERR_PEER_CLOSED);
}

TEST_F(CallReplyTest, KilledServerWakesTheCallerWaitingForTheReply) {
  request(client, to_server, "are you there?");
  kernel().task_died(*server.task(), -9);
  EXPECT_RESUMED(client, HB_ERR_PEER_CLOSED);
}

TEST_F(CallReplyTest, ServerDeathWithTheRequestStillQueuedWakesTheCaller) {
  ASSERT_STATUS(kernel::kBlocked, client.call(to_server, "queued request"));
  ASSERT_STATUS(kernel::kBlocked, server.exit(0));
  EXPECT_RESUMED(client, HB_ERR_PEER_CLOSED);
  EXPECT_EQ(0u, client.queued_bytes());
}

TEST_F(CallReplyTest, ServerDeathWhileTheCallerWaitsToSendWakesTheCaller) {
  TaskHandle s = spawn("s"), c = spawn("c");
  PortPair p = s.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(s, p.send, c);
  ASSERT_STATUS(kernel::kBlocked, c.call(tx, "nobody receives"));
  ASSERT_STATUS(kernel::kBlocked, s.exit(0));
  EXPECT_RESUMED(c, HB_ERR_PEER_CLOSED);
}

TEST_F(CallReplyTest, ReplyCapabilityLostInADestroyedMessageWakesTheCaller) {
  TaskHandle worker = spawn("worker");
  hb_handle_t reply = request(client, to_server, "x");
  ASSERT_STATUS(HB_OK, server.send_task(worker.id(), "handle this", {reply}));
  EXPECT_BLOCKED(client);
  kernel().task_died(*worker.task(), -9);  // dies with the message unread in its inbox
  EXPECT_RESUMED(client, HB_ERR_PEER_CLOSED);
}

TEST_F(CallReplyTest, CallerKilledWhileWaitingMakesTheReplyPeerClosed) {
  hb_handle_t reply = request(client, to_server, "x");
  kernel().task_died(*client.task(), -9);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, server.reply(reply, "nobody listens"));
}

// A server holding replies (the name service's waiting lookups) can tell, without answering,
// which callers stopped waiting: hb_handle_info says HB_INFO_PEER_CLOSED for those.
TEST_F(CallReplyTest, HandleInfoTellsAReplyWhoseCallerStoppedWaiting) {
  hb_handle_t waiting = request(client, to_server, "still there", HB_FOREVER);
  TaskHandle quick = spawn("quick");
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, server.dup(service.send, HB_RIGHTS_SAME, &d));
  hb_handle_t timed = request(quick, transfer(server, d, quick), "gone soon", 100);
  EXPECT_EQ(0u, server.info(waiting).flags);
  EXPECT_EQ(0u, server.info(timed).flags);
  advance(100);
  EXPECT_RESUMED(quick, HB_ERR_TIMED_OUT);
  EXPECT_EQ(uint32_t{HB_INFO_PEER_CLOSED}, server.info(timed).flags);
  EXPECT_EQ(0u, server.info(waiting).flags) << "the other caller still waits";
  kernel().task_died(*client.task(), -9);
  EXPECT_EQ(uint32_t{HB_INFO_PEER_CLOSED}, server.info(waiting).flags);
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, server.reply(timed, "too late"));
}

TEST_F(CallReplyTest, ReplyRecvAnswersAndWaitsForTheNextRequest) {
  hb_handle_t reply = request(client, to_server, "first");
  ASSERT_STATUS(kernel::kBlocked, server.reply_recv(reply, "answer 1", service.recv));
  EXPECT_RESUMED(client, HB_OK);
  EXPECT_EQ("answer 1", client.got().data);
  ASSERT_STATUS(kernel::kBlocked, client.call(to_server, "second"));
  EXPECT_RESUMED(server, HB_OK);
  EXPECT_EQ("second", server.got().data);
  ASSERT_STATUS(HB_OK, server.reply(server.got().reply, "answer 2"));
  EXPECT_EQ("answer 2", client.got().data);
}

TEST_F(CallReplyTest, ReplyRecvWithoutReplyOnlyReceives) {
  ASSERT_STATUS(HB_OK, client.send(to_server, "plain"));
  ASSERT_STATUS(HB_OK, server.reply_recv(HB_INVALID, "", service.recv));
  EXPECT_EQ("plain", server.got().data);
  EXPECT_EQ(HB_INVALID, server.got().reply) << "a plain send carries no reply capability";
}

TEST_F(CallReplyTest, ReplyRecvWithABadPortDoesNotConsumeTheReply) {
  hb_handle_t reply = request(client, to_server, "x");
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.reply_recv(reply, "answer", 0x5555));
  EXPECT_BLOCKED(client);
  ASSERT_STATUS(HB_OK, server.reply(reply, "answer"));
  EXPECT_RESUMED(client, HB_OK);
}

TEST_F(CallReplyTest, ReplyCarriesHandlesToTheCaller) {
  hb_handle_t reply = request(client, to_server, "give me a port");
  PortPair fresh = server.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, server.reply(reply, "here", {fresh.send}));
  EXPECT_RESUMED(client, HB_OK);
  ASSERT_EQ(1u, client.got().handles.size());
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.close(fresh.send));
  ASSERT_STATUS(HB_OK, client.send(client.got().handles[0], "thanks"));
  ASSERT_STATUS(HB_OK, server.recv(fresh.recv));
}

TEST_F(CallReplyTest, ReplyTooBigForTheCallerWakesItWithBufferTooSmall) {
  client.set_recv_capacity(2, 16);
  hb_handle_t reply = request(client, to_server, "x");
  PortPair keep = server.port(HB_PORT_BOUNDED, 1);
  EXPECT_STATUS(HB_ERR_BUFFER_TOO_SMALL, server.reply(reply, "too long", {keep.send}));
  EXPECT_RESUMED(client, HB_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(8u, client.raw_in().len);
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, server.info(keep.send).type) << "the replier keeps its handles";
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.close(reply)) << "the reply capability is consumed";
}

TEST_F(CallReplyTest, ReplyCapabilityInsideItsOwnAnswerIsInvalidArg) {
  hb_handle_t reply = request(client, to_server, "x");
  EXPECT_STATUS(HB_ERR_INVALID_ARG, server.reply(reply, "self", {reply}));
  EXPECT_BLOCKED(client);
  ASSERT_STATUS(HB_OK, server.reply(reply, "proper"));
}

TEST_F(CallReplyTest, RequestTooBigForTheServersBufferStaysQueuedWithItsReplyCapability) {
  ASSERT_STATUS(kernel::kBlocked, client.call(to_server, "a long request"));
  uint32_t used = server.handles_used();
  server.set_recv_capacity(4, 16);
  EXPECT_STATUS(HB_ERR_BUFFER_TOO_SMALL, server.recv(service.recv));
  EXPECT_EQ(14u, server.raw_in().len);
  EXPECT_EQ(used, server.handles_used()) << "no reply capability was installed";
  EXPECT_BLOCKED(client);
  server.set_recv_capacity(4096, 16);
  ASSERT_STATUS(HB_OK, server.recv(service.recv));
  ASSERT_STATUS(HB_OK, server.reply(server.got().reply, "answer"));
  EXPECT_RESUMED(client, HB_OK);
}

TEST_F(CallReplyTest, ServerWithoutRoomForTheReplyCapabilityGetsNoMemory) {
  kernel::KernelConfig config;
  config.quota.handles = 4;  // the inbox and two more
  reset(config);
  TaskHandle s = spawn("s"), c = spawn("c");
  PortPair p = s.port(HB_PORT_BOUNDED, 2);  // s: full
  hb_handle_t tx = transfer(s, p.send, c);   // s: one slot free
  hb_handle_t gift;
  ASSERT_STATUS(HB_OK, c.sem_create(0, 1, &gift));
  ASSERT_STATUS(kernel::kBlocked, c.call(tx, "with a handle", {gift}));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, s.recv(p.recv)) << "one handle + the reply capability";
  EXPECT_BLOCKED(c);
}

TEST_F(CallReplyTest, RequestOfADeadCallerStillArrivesAndItsReplyIsPeerClosed) {
  ASSERT_STATUS(kernel::kBlocked, client.call(to_server, "I will be gone"));
  kernel().task_died(*client.task(), -9);
  ASSERT_STATUS(HB_OK, server.recv(service.recv));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, server.reply(server.got().reply, "too late"));
}

TEST_F(CallReplyTest, ReplyRecvWithABadReplyHandleReturnsAtOnce) {
  ASSERT_STATUS(HB_OK, client.send(to_server, "waiting"));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.reply_recv(0x5555, "x", service.recv));
  ASSERT_STATUS(HB_OK, server.recv(service.recv)) << "the failed call received nothing";
  EXPECT_EQ("waiting", server.got().data);
}

TEST_F(CallReplyTest, TimeoutCoversSendingAndWaitingForTheReply) {
  TaskHandle s = spawn("s"), c = spawn("c");
  PortPair p = s.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(s, p.send, c);
  ASSERT_STATUS(kernel::kBlocked, c.call(tx, "x", {}, 100));
  advance(60);
  ASSERT_STATUS(HB_OK, s.recv(p.recv)) << "the request is taken after 60 ns";
  advance(39);
  EXPECT_BLOCKED(c);
  advance(1);
  EXPECT_RESUMED(c, HB_ERR_TIMED_OUT) << "one timeout for the whole call (design.md)";
}

TEST_F(CallReplyTest, ReplyWithAFaultingMessageKeepsTheCapability) {
  hb_handle_t reply = request(client, to_server, "x");
  EXPECT_STATUS(HB_ERR_FAULT, server.syscall(HB_SYS_REPLY, static_cast<uint32_t>(reply), 0x1000));
  EXPECT_BLOCKED(client);
  ASSERT_STATUS(HB_OK, server.reply(reply, "second try"));
  EXPECT_RESUMED(client, HB_OK);
}

TEST_F(CallReplyTest, CallerWhoseBufferFaultsWakesWithFaultAndTheCapabilityIsUsedUp) {
  hb_handle_t reply = request(client, to_server, "x");
  arch::test::poison(client.recv_data(), 64);  // the caller's answer buffer went away
  int64_t r = server.reply(reply, "answer");
  EXPECT_RESUMED(client, HB_ERR_FAULT);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, server.reply(reply, "again"))
      << "the reply capability was consumed (the replier saw " << status_name(r) << ")";
}

TEST_F(CallReplyTest, CallWithHandlesMovesThemToTheServer) {
  PortPair mine = client.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(kernel::kBlocked, client.call(to_server, "take it", {mine.send}));
  ASSERT_STATUS(HB_OK, server.recv(service.recv));
  ASSERT_EQ(1u, server.got().handles.size());
  EXPECT_NE(HB_INVALID, server.got().reply);
  EXPECT_NE(server.got().handles[0], server.got().reply);
  ASSERT_STATUS(HB_OK, server.reply(server.got().reply, "ok"));
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, client.close(mine.send));
}

}  // namespace
}  // namespace harbor::test
