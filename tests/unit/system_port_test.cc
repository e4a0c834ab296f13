// SystemPortTest: a port created with HB_PORT_SYSTEM is owned by the kernel: it survives its
// creator; with HB_PORT_SHARED_RECV its receive right may be shared, and waiting receivers
// are served FIFO, the longest waiting first (SPEC 2).
#include "harness.h"

namespace harbor::test {
namespace {

class SystemPortTest : public Harness {
 protected:
  // A shared system port made by `creator`, with a receive right in each of `servers`.
  PortPair shared_port(TaskHandle creator, const std::vector<TaskHandle>& servers,
                       std::vector<hb_handle_t>* rx) {
    PortPair p = creator.port(HB_PORT_BOUNDED, 8, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV);
    for (const TaskHandle& s : servers) {
      hb_handle_t copy;
      EXPECT_STATUS(HB_OK, creator.dup(p.recv, HB_RIGHTS_SAME, &copy));
      rx->push_back(transfer(creator, copy, s));
    }
    return p;
  }
};

TEST_F(SystemPortTest, SharedReceiveRightCanBeDuplicated) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 2, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV);
  hb_handle_t copy;
  ASSERT_STATUS(HB_OK, a.dup(p.recv, HB_RIGHTS_SAME, &copy));
  hb_handle_info_t info = a.info(copy);
  EXPECT_TRUE(info.rights & HB_RIGHT_RECV);
  EXPECT_FALSE(info.rights & HB_RIGHT_SEND);
  ASSERT_STATUS(HB_OK, a.send(p.send, "x"));
  EXPECT_STATUS(HB_OK, a.recv(copy));
}

TEST_F(SystemPortTest, SystemPortSurvivesItsCreatorsExit) {
  TaskHandle creator = spawn("creator"), server = spawn("server"), client = spawn("client");
  std::vector<hb_handle_t> rx;
  PortPair p = shared_port(creator, {server}, &rx);
  hb_handle_t tx = transfer(creator, p.send, client);
  ASSERT_STATUS(kernel::kBlocked, creator.exit(0));
  ASSERT_STATUS(HB_OK, client.send(tx, "still served"));
  ASSERT_STATUS(HB_OK, server.recv(rx[0]));
  EXPECT_EQ("still served", server.got().data);
}

TEST_F(SystemPortTest, SystemPortDoesNotDieWithTheTaskHoldingItsReceiveRight) {
  TaskHandle creator = spawn("creator"), client = spawn("client");
  PortPair p = creator.port(HB_PORT_BOUNDED, 2, HB_PORT_SYSTEM);
  hb_handle_t tx = transfer(creator, p.send, client);
  ASSERT_STATUS(kernel::kBlocked, creator.exit(0));
  EXPECT_STATUS(HB_OK, client.send(tx, "the port lives while any handle to it lives"));
}

TEST_F(SystemPortTest, OrdinaryPortDiesWithItsCreator) {
  TaskHandle creator = spawn("creator"), client = spawn("client");
  PortPair p = creator.port(HB_PORT_BOUNDED, 2);
  hb_handle_t tx = transfer(creator, p.send, client);
  ASSERT_STATUS(kernel::kBlocked, creator.exit(0));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, client.send(tx, "x"));
}

TEST_F(SystemPortTest, WaitingReceiversAreServedInFifoOrder) {
  TaskHandle creator = spawn("creator");
  std::vector<TaskHandle> servers = {spawn("s0"), spawn("s1"), spawn("s2")};
  std::vector<hb_handle_t> rx;
  PortPair p = shared_port(creator, servers, &rx);
  for (int i = 0; i < 3; ++i) ASSERT_STATUS(kernel::kBlocked, servers[i].recv(rx[i], HB_FOREVER));
  for (int i = 0; i < 3; ++i) {
    ASSERT_STATUS(HB_OK, creator.send(p.send, "job " + std::to_string(i)));
    EXPECT_RESUMED(servers[i], HB_OK) << "server " << i << " has waited longest";
    EXPECT_EQ("job " + std::to_string(i), servers[i].got().data);
    for (int j = i + 1; j < 3; ++j) EXPECT_BLOCKED(servers[j]);
  }
}

TEST_F(SystemPortTest, ServerThatWaitsAgainGoesToTheBackOfTheLine) {
  TaskHandle creator = spawn("creator");
  std::vector<TaskHandle> servers = {spawn("s0"), spawn("s1")};
  std::vector<hb_handle_t> rx;
  PortPair p = shared_port(creator, servers, &rx);
  ASSERT_STATUS(kernel::kBlocked, servers[0].recv(rx[0], HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, servers[1].recv(rx[1], HB_FOREVER));
  ASSERT_STATUS(HB_OK, creator.send(p.send, "1"));
  EXPECT_RESUMED(servers[0], HB_OK);
  ASSERT_STATUS(kernel::kBlocked, servers[0].recv(rx[0], HB_FOREVER));
  ASSERT_STATUS(HB_OK, creator.send(p.send, "2"));
  EXPECT_RESUMED(servers[1], HB_OK) << "s1 has waited longer than s0, which came back later";
  EXPECT_BLOCKED(servers[0]);
  ASSERT_STATUS(HB_OK, creator.send(p.send, "3"));
  EXPECT_RESUMED(servers[0], HB_OK);
  EXPECT_EQ("3", servers[0].got().data);
}

TEST_F(SystemPortTest, OneReceiverLeavingDoesNotStopTheOthers) {
  TaskHandle creator = spawn("creator");
  std::vector<TaskHandle> servers = {spawn("s0"), spawn("s1")};
  std::vector<hb_handle_t> rx;
  PortPair p = shared_port(creator, servers, &rx);
  ASSERT_STATUS(kernel::kBlocked, servers[0].recv(rx[0], HB_FOREVER));
  kernel().task_died(*servers[0].task(), -9);
  ASSERT_STATUS(HB_OK, creator.send(p.send, "x"));
  ASSERT_STATUS(HB_OK, servers[1].recv(rx[1]));
  EXPECT_EQ("x", servers[1].got().data);
}

TEST_F(SystemPortTest, ReceiversSeeEndOfFileWhenTheLastSendRightCloses) {
  TaskHandle creator = spawn("creator");
  std::vector<TaskHandle> servers = {spawn("s0"), spawn("s1")};
  std::vector<hb_handle_t> rx;
  PortPair p = shared_port(creator, servers, &rx);
  ASSERT_STATUS(kernel::kBlocked, servers[0].recv(rx[0], HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, servers[1].recv(rx[1], HB_FOREVER));
  ASSERT_STATUS(HB_OK, creator.close(p.send));
  EXPECT_RESUMED(servers[0], HB_ERR_PEER_CLOSED);
  EXPECT_RESUMED(servers[1], HB_ERR_PEER_CLOSED);
}

TEST_F(SystemPortTest, WaitingReceiverSeesEndOfFileWhenAnotherTakesTheLastMessage) {
  TaskHandle creator = spawn("creator"), client = spawn("client");
  std::vector<TaskHandle> servers = {spawn("s0"), spawn("s1")};
  std::vector<hb_handle_t> rx;
  PortPair p = shared_port(creator, servers, &rx);
  hb_handle_t tx = transfer(creator, p.send, client);  // the only send right
  ASSERT_STATUS(HB_OK, client.send(tx, "last"));
  // s0 waits for a message from the creator only: the client's message is not for it.
  ASSERT_STATUS(kernel::kBlocked, servers[0].recv(rx[0], HB_FOREVER, HB_RECV_FROM, creator.id()));
  ASSERT_STATUS(HB_OK, client.close(tx));
  EXPECT_BLOCKED(servers[0]) << "a message is still queued: not end-of-file yet";
  ASSERT_STATUS(HB_OK, servers[1].recv(rx[1]));
  EXPECT_EQ("last", servers[1].got().data);
  EXPECT_RESUMED(servers[0], HB_ERR_PEER_CLOSED)
      << "the queue is now empty and no send right is left";
}

}  // namespace
}  // namespace harbor::test
