// greeter_test.cc - tests of the greeter (greeter.h) on a hosted Harbor machine.
#include <gtest/gtest.h>
#include <harbor/testing.hpp>

#include <csignal>
#include <string>

#include "greeter.h"

using harbor::testing::Machine;
using harbor::testing::Start;

// The example of docs/testing.md: a server and two clients that check their replies.
TEST(Greeter, AnswersTwoClients) {
  Machine machine;                     // a Harbor machine for this test only
  harbor::Port port = machine.port();  // the test body is a task: it makes a port
  auto server = machine.spawn([](const Start& start) {
    return greeter_serve(start.handle(0), 2);  // the server, in a child process
  }, {port.recv.release()}, "greeter");        // the receive right moves to the server
  auto client = [](std::string name) {         // a client: asks, and checks the reply
    return [name](const Start& start) {
      EXPECT_EQ(harbor::testing::call(start.handle(0), name), "hello " + name);
    };
  };
  auto ann = machine.spawn(client("ann"), {port.send.dup()->release()}, "ann");
  auto bob = machine.spawn(client("bob"), {port.send.release()}, "bob");
  EXPECT_EQ(machine.wait(ann), 0);  // 0 unless a check failed in it
  EXPECT_EQ(machine.wait(bob), 0);
  EXPECT_EQ(machine.wait(server), 0);
}

// The real executable, and the test body as its client.
TEST(Greeter, TheProgramServesUntilItsLastClientLeaves) {
  Machine machine;
  harbor::Port port = machine.port();
  auto server = machine.spawn_program(GREETER_PROGRAM, {}, {port.recv.release()});
  EXPECT_EQ(harbor::testing::call(port.send.get(), "eve"), "hello eve");
  EXPECT_EQ(harbor::testing::call(port.send.get(), "joe"), "hello joe");
  port.send.reset();  // the last send right: the server's hb_recv sees HB_ERR_PEER_CLOSED
  EXPECT_EQ(machine.wait(server), 0);
}

// Failure handling: kill the server on purpose; its callers learn it at once.
TEST(Greeter, CallersSeePeerClosedOnceTheServerIsKilled) {
  Machine machine;
  harbor::Port port = machine.port();
  auto server = machine.spawn_program(GREETER_PROGRAM, {}, {port.recv.release()});
  EXPECT_EQ(harbor::testing::call(port.send.get(), "eve"), "hello eve");
  EXPECT_TRUE(machine.kill(server));
  EXPECT_EQ(machine.wait(server), -SIGKILL);
  char reply[64];
  hb_msg_in in{};
  in.data = reply;
  in.cap = sizeof reply;
  hb_msg_out out{"eve", 3, 0, nullptr};
  EXPECT_EQ(hb_call(port.send.get(), &out, &in, HB_FOREVER), HB_ERR_PEER_CLOSED);
}
