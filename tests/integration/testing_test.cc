// Harbor::testing (harbor/testing.hpp) used the way docs/testing.md tells a newcomer to:
// functions and programs as tasks, the test body as a task, exit codes, kills, timeouts,
// the watchdog and the failure report. Some cases are hosted_test.cc's, rewritten with it.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <harbor/testing.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using harbor::testing::Machine;
using harbor::testing::Message;
using harbor::testing::Options;
using harbor::testing::Start;
using namespace std::chrono_literals;

const std::string kTask = HARBOR_IT_TASK;  // tests/integration/programs/it_task.cc

// ---- the example of docs/testing.md, as it is there ---------------------------------------

// The program under test: answers every request "NAME" with "hello NAME".
void greeter(hb_handle_t requests, int count) {
  for (int i = 0; i < count; ++i) {
    Message request = harbor::testing::recv(requests);
    harbor::testing::reply(request, "hello " + request.data);
  }
}

TEST(TestingExample, AServerAnswersTwoClients) {
  Machine machine;                     // a hosted Harbor machine, for this test only
  harbor::Port port = machine.port();  // the test body is a task too: it made a port
  auto server = machine.spawn([](const Start& start) { greeter(start.handle(0), 2); },
                              {port.recv.release()}, "greeter");
  auto client = [](const std::string& name) {
    return [name](const Start& start) {
      EXPECT_EQ(harbor::testing::call(start.handle(0), name), "hello " + name);
    };
  };
  auto ann = machine.spawn(client("ann"), {port.send.dup()->release()}, "ann");
  auto bob = machine.spawn(client("bob"), {port.send.release()}, "bob");
  EXPECT_EQ(machine.wait(ann), 0);
  EXPECT_EQ(machine.wait(bob), 0);
  EXPECT_EQ(machine.wait(server), 0);
}

// ---- tasks and the test body ------------------------------------------------------------

TEST(TestingMachine, TheTestBodyCallsAFunctionTask) {
  Machine machine;
  harbor::Port port = machine.port();
  auto server = machine.spawn([](const Start& start) { greeter(start.handle(0), 3); },
                              {port.recv.release()}, "greeter");
  for (std::string name : {"a", "bb", "ccc"})
    EXPECT_EQ(harbor::testing::call(port.send.get(), name), "hello " + name);
  EXPECT_EQ(machine.wait(server), 0);
}

TEST(TestingMachine, AFunctionTaskSeesWhatItCapturedAndReturnsItsExitCode) {
  Machine machine;
  std::string word = "captured";
  auto task = machine.spawn([word] { return static_cast<int>(word.size()); });
  auto big = machine.spawn([] {
    hb_task_exit(-70000);  // any int32_t, through the kernel
    return 0;
  });
  EXPECT_EQ(machine.wait(task), 8);
  EXPECT_EQ(machine.wait(big), -70000);
}

TEST(TestingMachine, HandlesMoveOutOfTheTestBodyIntoTheStartMessage) {
  Machine machine;
  harbor::Port port = machine.port();
  hb_handle_t recv = port.recv.release();
  hb_handle_t send = port.send.release();
  auto task = machine.spawn([](const Start& start) {
    if (start.handles.size() != 2) return 10;
    hb_handle_info_t info{};
    if (hb_handle_info(start.handle(0), &info) != HB_OK || !(info.rights & HB_RIGHT_RECV))
      return 11;
    if (hb_handle_info(start.handle(1), &info) != HB_OK || !(info.rights & HB_RIGHT_SEND))
      return 12;
    return 0;
  }, {recv, send});
  EXPECT_EQ(machine.wait(task), 0);
  hb_handle_info_t info{};
  EXPECT_EQ(hb_handle_info(recv, &info), HB_ERR_BAD_HANDLE) << "moved, so closed here";
  EXPECT_EQ(hb_handle_info(send, &info), HB_ERR_BAD_HANDLE) << "moved, so closed here";
}

TEST(TestingMachine, AHandleTheTestBodyDoesNotHaveIsAFailureAndStartsNothing) {
  Machine machine;
  hb_task_id_t task = 1;
  EXPECT_NONFATAL_FAILURE(task = machine.spawn([] { return 0; }, {0x7777}),
                          "is not a handle of the test body");
  EXPECT_EQ(task, 0u);
}

TEST(TestingMachine, AGoogleTestFailureInATaskMakesItsExitCodeOne) {
  Machine machine;
  // The failure below is printed by the child, with a line saying so; it is expected.
  auto task = machine.spawn([] { EXPECT_EQ(1 + 1, 3) << "(an expected failure, in a task)"; });
  EXPECT_EQ(machine.wait(task), 1);
}

TEST(TestingMachine, AnExceptionInATaskIsExitCode125) {
  Machine machine;
  auto task = machine.spawn([]() -> int { throw std::runtime_error("expected, in a task"); });
  EXPECT_EQ(machine.wait(task), 125);
}

// hosted_test.cc ExitCodesComeBack and CrashAndKillReportMinusTheSignal, as programs.
TEST(TestingMachine, ProgramsGetTheirArgumentsAndReportTheirExitCodes) {
  Machine machine;
  auto a = machine.spawn_program(kTask, {"exit", "42"});
  auto b = machine.spawn_program(kTask, {"exit", "-7"});
  auto c = machine.spawn_program(kTask, {"return", "5"});
  auto crash = machine.spawn_program(kTask, {"crash"});
  EXPECT_EQ(machine.wait(a), 42);
  EXPECT_EQ(machine.wait(b), -7);
  EXPECT_EQ(machine.wait(c), 5);
  EXPECT_EQ(machine.wait(crash), -SIGSEGV);
}

TEST(TestingMachine, AMissingProgramIsAFailureNotATask) {
  Machine machine;
  hb_task_id_t task = 1;
  EXPECT_NONFATAL_FAILURE(task = machine.spawn_program("/nonexistent/harbor-task"),
                          "HB_ERR_NOT_FOUND");
  EXPECT_EQ(task, 0u);
}

// hosted_test.cc TaskSpawnsAndWaitsForChildren, with the test body's port.
TEST(TestingMachine, AProgramSpawnsChildrenThatSendToTheTestBodysPort) {
  Machine machine;
  harbor::Port port = machine.port(HB_PORT_BOUNDED, 4);
  auto receiver = machine.spawn_program(kTask, {"recv", "10", "16"}, {port.recv.release()});
  auto parent = machine.spawn_program(kTask, {"spawn", kTask}, {port.send.release()});
  EXPECT_EQ(machine.wait(parent), 0) << machine.console();
  EXPECT_EQ(machine.wait(receiver), 0) << machine.console();
}

// hosted_test.cc OwnerKilledWakesBlockedSenderWithPeerClosed, with function tasks.
TEST(TestingMachine, KillingAPortsOwnerWakesItsBlockedSenderWithPeerClosed) {
  Machine machine;
  harbor::Port port = machine.port(HB_PORT_BOUNDED, 1);
  harbor::Port ready = machine.port();
  auto owner = machine.spawn([](const Start&) {
    for (;;) std::this_thread::sleep_for(1h);  // holds the receive right, never receives
  }, {port.recv.release()}, "owner");
  auto sender = machine.spawn([](const Start& start) {
    harbor::testing::send(start.handle(0), "fills the port");
    harbor::testing::send(start.handle(1), "about to block");
    hb_msg_out out{"x", 1, 0, nullptr};
    return hb_send(start.handle(0), &out, 0, HB_FOREVER) == HB_ERR_PEER_CLOSED ? 0 : 1;
  }, {port.send.release(), ready.send.dup()->release()}, "sender");
  EXPECT_EQ(harbor::testing::recv(ready.recv.get()).data, "about to block");
  std::this_thread::sleep_for(20ms);  // let it reach the blocking send
  EXPECT_TRUE(machine.kill(owner));
  EXPECT_EQ(machine.wait(owner), -SIGKILL);
  EXPECT_EQ(machine.wait(sender), 0);
  EXPECT_FALSE(machine.kill(owner)) << "not running any more";
}

// ---- timeouts and what a failure shows --------------------------------------------------

TEST(TestingMachine, WaitingForATaskThatNeverEndsFailsInBoundedTimeWithTheReport) {
  Machine machine;
  harbor::Port port = machine.port();
  auto stuck = machine.spawn([](const Start& start) { greeter(start.handle(0), 1); },
                             {port.recv.release()}, "stuck");
  auto began = std::chrono::steady_clock::now();
  int32_t code = 0;
  EXPECT_NONFATAL_FAILURE(code = machine.wait(stuck, 200ms), "stuck[");
  EXPECT_EQ(code, harbor::testing::kNoExitCode);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
}

TEST(TestingMachine, TheReportSaysWhoIsBlockedOnWhat) {
  Machine machine;
  harbor::Port port = machine.port();
  auto stuck = machine.spawn([](const Start& start) {
    hb_msg_in in{};
    return hb_recv(start.handle(0), &in, 0, HB_FOREVER);
  }, {port.recv.release()}, "stuck");
  hb_print("hello from the test body\n");
  std::string report;
  for (int i = 0; i < 500 && report.find("blocked in recv") == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
    report = machine.report();
  }
  EXPECT_NE(report.find("free-running, 2 cores"), std::string::npos) << report;
  EXPECT_NE(report.find("stuck[" + std::to_string(stuck) + "]"), std::string::npos) << report;
  EXPECT_NE(report.find("blocked in recv on port"), std::string::npos) << report;
  EXPECT_NE(report.find("no timeout (HB_FOREVER)"), std::string::npos) << report;
  EXPECT_NE(report.find("running: the test body"), std::string::npos) << report;
  EXPECT_NE(report.find("syscall recv"), std::string::npos) << "its trace tail\n" << report;
  EXPECT_NE(report.find("hello from the test body"), std::string::npos) << "console\n" << report;
  EXPECT_NE(report.find("hint:"), std::string::npos) << report;
}

TEST(TestingMachine, AHelperCallThatNobodyAnswersTimesOut) {
  Options options;
  options.timeout = 100ms;
  Machine machine(options);
  harbor::Port port = machine.port();
  auto began = std::chrono::steady_clock::now();
  EXPECT_NONFATAL_FAILURE(harbor::testing::recv(port.recv.get()), "HB_ERR_TIMED_OUT after 100 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
}

TEST(TestingMachine, TheWatchdogEndsATestBodyBlockedForever) {
  auto began = std::chrono::steady_clock::now();
  EXPECT_NONFATAL_FAILURE(
      {
        Options options;
        options.watchdog = 1000ms;
        Machine machine(options);
        harbor::Port port = machine.port();
        machine.spawn([] { std::this_thread::sleep_for(1h); }, {}, "sleeper");
        hb_msg_in in{};
        // Only the test body could send to it: blocked until the watchdog ends the task.
        EXPECT_EQ(hb_recv(port.recv.get(), &in, 0, HB_FOREVER), HB_ERR_PEER_CLOSED);
      },
      "watchdog");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);
}

TEST(TestingMachine, NothingIsLeftRunningWhenATestThrows) {
  EXPECT_THROW(
      {
        Machine machine;
        for (int i = 0; i < 3; ++i) machine.spawn([] { std::this_thread::sleep_for(1h); });
        machine.spawn_program(kTask, {"hold", "0"});
        throw std::runtime_error("the test body gave up");
      },
      std::runtime_error);
  // Every task process was ours and is reaped: nothing is left to wait for.
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Fails on purpose, to show what a failure prints (docs/testing.md). Run it with
//   harbor_testing_tests --gtest_also_run_disabled_tests --gtest_filter='*WhatAFailureLooksLike'
TEST(TestingExample, DISABLED_WhatAFailureLooksLike) {
  Options options;
  options.timeout = 500ms;
  Machine machine(options);
  harbor::Port port = machine.port();
  auto server = machine.spawn([](const Start& start) { greeter(start.handle(0), 1); },
                              {port.recv.release()}, "greeter");
  auto client = machine.spawn([](const Start& start) {
    hb_print("client: asking, and forgetting to hang up\n");
    EXPECT_EQ(harbor::testing::call(start.handle(0), "ann"), "hello bob");
    hb_msg_in in{};
    hb_recv(HB_INBOX, &in, 0, HB_FOREVER);  // waits for a message nobody sends
  }, {port.send.release()}, "client");
  EXPECT_EQ(machine.wait(server), 0);
  EXPECT_EQ(machine.wait(client), 0);
}

// ---- deterministic mode -----------------------------------------------------------------

std::string greeter_trace(uint64_t seed) {
  Options options;
  options.deterministic = true;
  options.seed = seed;
  Machine machine(options);
  harbor::Port port = machine.port();
  auto server = machine.spawn([](const Start& start) { greeter(start.handle(0), 4); },
                              {port.recv.release()}, "greeter");
  std::vector<hb_task_id_t> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(machine.spawn([i](const Start& start) {
      std::string name = "client" + std::to_string(i);
      EXPECT_EQ(harbor::testing::call(start.handle(0), name), "hello " + name);
    }, {port.send.dup()->release()}, "client"));
  }
  EXPECT_EQ(harbor::testing::call(port.send.get(), "test"), "hello test");
  for (hb_task_id_t client : clients) EXPECT_EQ(machine.wait(client), 0);
  EXPECT_EQ(machine.wait(server), 0);
  return machine.trace_text();
}

TEST(TestingDeterministic, TheSameSeedRepeatsTheTraceByteForByte) {
  std::string first = greeter_trace(11);
  std::string second = greeter_trace(11);
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(first, second) << "seed 11";
}

}  // namespace
