// The name service in Harbor::testing machines (docs/testing.md): no set-up, the test body
// is a task like any other and calls harbor/names.h directly. Several tests in one process
// also check that the client's per-task state (its private port) does not leak from one
// machine into the next: the test body is a new task in each.
#include <gtest/gtest.h>
#include <harbor/names.hpp>
#include <harbor/testing.hpp>

#include <string>

namespace {

using harbor::testing::Machine;
using harbor::testing::Message;
using namespace std::chrono_literals;

constexpr hb_time_t kFiveSeconds = 5000000000ull;

// A greeter that finds its clients' way to it by name.
void named_greeter(int requests) {
  auto port = harbor::Port::create(HB_PORT_BOUNDED, 4);
  ASSERT_TRUE(port.ok());
  ASSERT_EQ(HB_OK, harbor::names::register_name("greeter", port->send).error());
  for (int i = 0; i < requests; ++i) {
    Message m = harbor::testing::recv(port->recv.get());
    harbor::testing::reply(m, "hello " + m.data);
  }
}

TEST(NamesInTestingMachine, TheTestBodyFindsAServerByName) {
  Machine machine;
  auto server = machine.spawn([] { named_greeter(2); }, {}, "greeter");
  auto greeter = harbor::names::lookup("greeter", HB_RIGHT_SEND, kFiveSeconds);
  ASSERT_EQ(HB_OK, greeter.error()) << greeter.message();
  EXPECT_EQ("hello ann", harbor::testing::call(greeter->get(), "ann"));
  auto client = machine.spawn([] {
    auto g = harbor::names::lookup("greeter", HB_RIGHT_SEND, kFiveSeconds);
    ASSERT_EQ(HB_OK, g.error());
    EXPECT_EQ("hello bob", harbor::testing::call(g->get(), "bob"));
  }, {}, "client");
  EXPECT_EQ(0, machine.wait(client));
  EXPECT_EQ(0, machine.wait(server));
}

TEST(NamesInTestingMachine, AKilledServersNameIsGone) {
  Machine machine;  // a new machine: the test body is a new task, with nothing registered
  EXPECT_EQ(HB_ERR_NOT_FOUND, harbor::names::lookup("greeter").error());
  auto server = machine.spawn([] { named_greeter(1000); }, {}, "greeter");
  ASSERT_EQ(HB_OK, harbor::names::lookup("greeter", HB_RIGHT_SEND, kFiveSeconds).error());
  EXPECT_TRUE(machine.kill(server));
  EXPECT_EQ(-9, machine.wait(server));
  EXPECT_EQ(HB_ERR_NOT_FOUND, harbor::names::lookup("greeter").error());
  // The test body registers too, and its name is its own.
  auto sem = harbor::Handle();
  hb_handle_t raw;
  ASSERT_EQ(HB_OK, hb_sem_create(0, 1, &raw));
  sem.reset(raw);
  EXPECT_EQ(HB_OK, harbor::names::register_name("body.sem", sem).error());
  auto other = machine.spawn([] {
    EXPECT_EQ(HB_ERR_ACCESS, harbor::names::unregister("body.sem").error());
  }, {}, "other");
  EXPECT_EQ(0, machine.wait(other));
  EXPECT_EQ(HB_OK, harbor::names::unregister("body.sem").error());
}

}  // namespace
