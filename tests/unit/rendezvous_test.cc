// RendezvousTest: HB_PORT_RENDEZVOUS (capacity 0): sender and receiver meet (SPEC 2).
#include "harness.h"

#include <kernel/port.h>

namespace harbor::test {
namespace {

class RendezvousTest : public Harness {};

TEST_F(RendezvousTest, SenderBlocksUntilReceiverArrives) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(server, p.send, client);

  EXPECT_STATUS(kernel::kBlocked, client.send(tx, "hello", {}, 0, HB_FOREVER));
  EXPECT_BLOCKED(client);

  EXPECT_STATUS(HB_OK, server.recv(p.recv));
  EXPECT_EQ("hello", server.got().data);
  EXPECT_EQ(client.id(), server.got().sender);
  EXPECT_RESUMED(client, HB_OK);
}

TEST_F(RendezvousTest, ReceiverBlocksUntilSenderArrives) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(server, p.send, client);

  EXPECT_STATUS(kernel::kBlocked, server.recv(p.recv, HB_FOREVER));
  EXPECT_BLOCKED(server);

  EXPECT_STATUS(HB_OK, client.send(tx, "hello", {}, 0, HB_FOREVER))
      << "a receiver was waiting: the send completes at once";
  EXPECT_RESUMED(server, HB_OK);
  EXPECT_EQ("hello", server.got().data);
  EXPECT_EQ(client.id(), server.got().sender);
}

TEST_F(RendezvousTest, SendWithNowaitAndNoReceiverWouldBlock) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_RENDEZVOUS);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.send(p.send, "x", {}, 0, HB_NOWAIT));
  EXPECT_EQ(0u, a.queued_bytes()) << "the refused message is gone";
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv)) << "nothing is held for a later receive";
}

TEST_F(RendezvousTest, ReceiveWithNowaitAndNoSenderIsTheNullMessage) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_RENDEZVOUS);
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.recv(p.recv, HB_NOWAIT));
  EXPECT_FALSE(a.blocked());
}

TEST_F(RendezvousTest, NeverQueuesEvenOneMessage) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(server, p.send, client);
  EXPECT_STATUS(kernel::kBlocked, client.send(tx, "x", {}, 0, HB_FOREVER));
  kernel::Task* task = client.task();
  ASSERT_NE(nullptr, task);
  EXPECT_EQ(kernel::WaitKind::Send, task->wait().kind);
  ASSERT_NE(nullptr, task->wait().port);
  EXPECT_EQ(0u, task->wait().port->queued()) << "the message waits with its sender";
}

TEST_F(RendezvousTest, BlockedSendersMeetReceiversInFifoOrder) {
  TaskHandle server = spawn("server");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  std::vector<TaskHandle> clients;
  for (int i = 0; i < 4; ++i) {
    TaskHandle c = spawn("client" + std::to_string(i));
    hb_handle_t right = p.send;
    if (i < 3) ASSERT_STATUS(HB_OK, server.dup(p.send, HB_RIGHTS_SAME, &right));
    hb_handle_t tx = transfer(server, right, c);
    EXPECT_STATUS(kernel::kBlocked, c.send(tx, "m" + std::to_string(i), {}, 0, HB_FOREVER));
    clients.push_back(c);
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_STATUS(HB_OK, server.recv(p.recv));
    EXPECT_EQ("m" + std::to_string(i), server.got().data);
    EXPECT_EQ(clients[i].id(), server.got().sender);
    EXPECT_RESUMED(clients[i], HB_OK);
    for (int j = i + 1; j < 4; ++j) EXPECT_BLOCKED(clients[j]);
  }
}

TEST_F(RendezvousTest, HandlesMoveOnlyWhenTheReceiverTakesTheMessage) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(server, p.send, client);
  PortPair gift = client.port(HB_PORT_BOUNDED, 1);

  EXPECT_STATUS(kernel::kBlocked, client.send(tx, "gift", {gift.send}, 0, HB_FOREVER));
  kernel::Task* task = client.task();
  ASSERT_NE(nullptr, task);
  EXPECT_TRUE(task->handles().lookup(gift.send).ok())
      << "while the sender waits, the handle is still in its table";

  ASSERT_STATUS(HB_OK, server.recv(p.recv));
  EXPECT_RESUMED(client, HB_OK);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, client.close(gift.send)) << "moved to the receiver";
  ASSERT_EQ(1u, server.got().handles.size());
  EXPECT_STATUS(HB_OK, server.send(server.got().handles[0], "through the gift"));
  EXPECT_STATUS(HB_OK, client.recv(gift.recv));
  EXPECT_EQ("through the gift", client.got().data);
}

TEST_F(RendezvousTest, SenderAndReceiverMeetInEitherOrderManyTimes) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(server, p.send, client);
  for (int i = 0; i < 10; ++i) {
    std::string m = "m" + std::to_string(i);
    if (i % 2) {
      ASSERT_STATUS(kernel::kBlocked, client.send(tx, m, {}, 0, HB_FOREVER));
      ASSERT_STATUS(HB_OK, server.recv(p.recv, HB_FOREVER));
      EXPECT_RESUMED(client, HB_OK);
    } else {
      ASSERT_STATUS(kernel::kBlocked, server.recv(p.recv, HB_FOREVER));
      ASSERT_STATUS(HB_OK, client.send(tx, m, {}, 0, HB_FOREVER));
      EXPECT_RESUMED(server, HB_OK);
    }
    EXPECT_EQ(m, server.got().data);
  }
  EXPECT_EQ(0u, client.queued_bytes());
}

}  // namespace
}  // namespace harbor::test
