// Hosted integration tests: the real kernel in this process, every task a real process
// (tests/integration/programs/it_task.cc), started through hosted::Machine.
//
// Every wait is bounded (kTimeout): a test that would hang fails instead, with the tasks'
// console output in the failure message.
#include <gtest/gtest.h>
#include <hosted/machine.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using hosted::Machine;
using hosted::MachineOptions;
using kernel::Capability;

constexpr uint64_t kSecond = 1000000000ull;
constexpr uint64_t kTimeout = 30 * kSecond;
const std::string kTask = HARBOR_IT_TASK;

class HostedTest : public ::testing::Test {
 protected:
  void SetUp() override { boot(MachineOptions{}); }
  void TearDown() override { m_machine.reset(); }

  void boot(MachineOptions options) {
    m_machine.reset();
    m_machine = std::make_unique<Machine>(options);
    m_machine->set_console([this](hb_task_id_t task, const std::string& name,
                                  const std::string& text) {
      std::lock_guard<std::mutex> guard(m_mutex);
      m_console += "[" + name + " " + std::to_string(task) + "] " + text;
    });
  }

  Machine& machine() { return *m_machine; }

  hb_task_id_t start(std::vector<std::string> args, std::vector<Capability> caps = {}) {
    auto started = m_machine->start(kTask, args, UINT32_MAX, std::move(caps));
    EXPECT_EQ(started.status, HB_OK) << hb_strerror(started.status);
    return started.task;
  }

  // The exit code of `task`, or a failure (with the console) if it does not end in time.
  int32_t exit_code(hb_task_id_t task, uint64_t timeout = kTimeout) {
    Machine::Exit exit = m_machine->wait(task, timeout);
    EXPECT_EQ(exit.status, HB_OK) << "task " << task << ": " << hb_strerror(exit.status)
                                  << "\nconsole:\n" << console();
    return exit.code;
  }

  std::string console() {
    std::lock_guard<std::mutex> guard(m_mutex);
    return m_console;
  }

  bool wait_for_output(const std::string& needle, uint64_t timeout = kTimeout) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout);
    while (std::chrono::steady_clock::now() < deadline) {
      if (console().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  Machine::PortCaps port(uint32_t mode, uint32_t capacity) {
    Machine::PortCaps caps = m_machine->make_port(mode, capacity, 0);
    EXPECT_EQ(caps.status, HB_OK) << hb_strerror(caps.status);
    return caps;
  }

  std::unique_ptr<Machine> m_machine;
  std::mutex m_mutex;
  std::string m_console;
};

TEST_F(HostedTest, HelloPrintsOnTheConsoleAndExitsZero) {
  hb_task_id_t task = start({"hello"});
  EXPECT_EQ(exit_code(task), 0) << console();
  EXPECT_NE(console().find("hello from task " + std::to_string(task)), std::string::npos)
      << console();
}

TEST_F(HostedTest, ExitCodesComeBack) {
  hb_task_id_t a = start({"exit", "42"});
  hb_task_id_t b = start({"exit", "-7"});
  hb_task_id_t c = start({"return", "5"});
  EXPECT_EQ(exit_code(a), 42);
  EXPECT_EQ(exit_code(b), -7);
  EXPECT_EQ(exit_code(c), 5);
  EXPECT_EQ(machine().wait(a, 0).status, HB_ERR_NOT_FOUND) << "collected twice";
}

TEST_F(HostedTest, MissingImageIsNotFound) {
  auto started = machine().start("/nonexistent/harbor-task", {});
  EXPECT_EQ(started.status, HB_ERR_NOT_FOUND);
  std::string plain = ::testing::TempDir() + "harbor-not-executable";
  std::ofstream(plain) << "#!/bin/sh\n";
  chmod(plain.c_str(), 0644);
  EXPECT_EQ(machine().start(plain, {}).status, HB_ERR_NOT_FOUND);
  EXPECT_EQ(machine().start("/", {}).status, HB_ERR_NOT_FOUND) << "a directory";
  // Executable bits but no program inside: the exec fails, and nothing was started.
  std::ofstream(plain, std::ios::trunc) << "not a program\n";
  chmod(plain.c_str(), 0755);
  EXPECT_EQ(machine().start(plain, {}).status, HB_ERR_NOT_FOUND) << "exec of a text file";
  unlink(plain.c_str());
}

TEST_F(HostedTest, CrashAndKillReportMinusTheSignal) {
  hb_task_id_t crash = start({"crash"});
  hb_task_id_t suicide = start({"suicide"});
  EXPECT_EQ(exit_code(crash), -SIGSEGV);
  EXPECT_EQ(exit_code(suicide), -SIGKILL);
}

TEST_F(HostedTest, MachineKillEndsABlockedTask) {
  hb_task_id_t task = start({"hold", "0"});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(machine().kill(task));
  EXPECT_EQ(exit_code(task), -SIGKILL);
  EXPECT_FALSE(machine().kill(task));
}

TEST_F(HostedTest, WaitTimesOut) {
  hb_task_id_t task = start({"hold", "0"});
  EXPECT_EQ(machine().wait(task, 10 * 1000000ull).status, HB_ERR_TIMED_OUT);
  machine().kill(task);
  EXPECT_EQ(exit_code(task), -SIGKILL);
}

TEST_F(HostedTest, SendAndReceiveThroughAPortPassedAtStart) {
  auto p = port(HB_PORT_BOUNDED, 4);
  hb_task_id_t receiver = start({"recv", "200", "64"}, {p.recv});
  hb_task_id_t sender = start({"send", "200", "64"}, {p.send});
  EXPECT_EQ(exit_code(sender), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, LargeMessagesArriveWhole) {
  auto p = port(HB_PORT_UNBOUNDED, 0);
  hb_task_id_t receiver = start({"recv", "20", "65536"}, {p.recv});
  hb_task_id_t sender = start({"send", "20", "65536"}, {p.send});
  EXPECT_EQ(exit_code(sender), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, RendezvousSenderWaitsForTheReceiver) {
  auto p = port(HB_PORT_RENDEZVOUS, 0);
  hb_task_id_t sender = start({"rendezvous"}, {p.send});
  ASSERT_TRUE(wait_for_output("ready")) << console();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  hb_task_id_t receiver = start({"recv", "1", "4"}, {p.recv});
  EXPECT_EQ(exit_code(sender), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, SyncSendOnABoundedPort) {
  auto p = port(HB_PORT_BOUNDED, 8);
  hb_task_id_t receiver = start({"recv", "50", "8"}, {p.recv});
  hb_task_id_t sender = start({"send", "50", "8", "sync"}, {p.send});
  EXPECT_EQ(exit_code(sender), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, FullBoundedPortIsWouldBlockThenTimedOut) {
  auto p = port(HB_PORT_BOUNDED, 3);
  hb_task_id_t sender = start({"bounded", "3"}, {p.send});
  EXPECT_EQ(exit_code(sender), 0) << console();
  machine().close(p.recv);
}

TEST_F(HostedTest, ReceiveTimesOut) {
  hb_task_id_t task = start({"timeout", "30"});
  EXPECT_EQ(exit_code(task), 0) << console();
}

TEST_F(HostedTest, OwnerKilledWakesBlockedSenderWithPeerClosed) {
  auto p = port(HB_PORT_BOUNDED, 2);
  hb_task_id_t owner = start({"hold", "0"}, {p.recv});
  hb_task_id_t sender = start({"fill-then-block"}, {p.send});
  ASSERT_TRUE(wait_for_output("blocking")) << console();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(machine().kill(owner));
  EXPECT_EQ(exit_code(owner), -SIGKILL);
  EXPECT_EQ(exit_code(sender), 0) << console();
}

TEST_F(HostedTest, OwnerExitWakesBlockedSenderWithPeerClosed) {
  auto p = port(HB_PORT_BOUNDED, 2);
  hb_task_id_t owner = start({"hold", "200"}, {p.recv});
  hb_task_id_t sender = start({"fill-then-block"}, {p.send});
  EXPECT_EQ(exit_code(owner), 0);
  EXPECT_EQ(exit_code(sender), 0) << console();
}

TEST_F(HostedTest, KillDuringTrafficKeepsTheOthersServed) {
  struct Pair {
    hb_task_id_t sender, receiver;
  };
  std::vector<Pair> steady;
  for (int i = 0; i < 3; ++i) {
    auto p = port(HB_PORT_BOUNDED, 4);
    steady.push_back({start({"send", "3000", "32"}, {p.send}), start({"recv", "3000", "32"}, {p.recv})});
  }
  // Endless traffic in two more pairs: one loses its sender, one its receiver.
  auto a = port(HB_PORT_BOUNDED, 4);
  hb_task_id_t a_sender = start({"send", "0", "32"}, {a.send});
  hb_task_id_t a_receiver = start({"recv", "0", "32"}, {a.recv});
  auto b = port(HB_PORT_BOUNDED, 4);
  hb_task_id_t b_sender = start({"send", "0", "32"}, {b.send});
  hb_task_id_t b_receiver = start({"recv", "0", "32"}, {b.recv});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(machine().kill(a_sender));
  EXPECT_TRUE(machine().kill(b_receiver));
  EXPECT_EQ(exit_code(a_sender), -SIGKILL);
  EXPECT_EQ(exit_code(b_receiver), -SIGKILL);
  EXPECT_EQ(exit_code(a_receiver), 3) << "receiver of a killed sender: PEER_CLOSED\n" << console();
  EXPECT_EQ(exit_code(b_sender), 3) << "sender to a killed receiver: PEER_CLOSED\n" << console();
  for (const Pair& pair : steady) {
    EXPECT_EQ(exit_code(pair.sender), 0) << console();
    EXPECT_EQ(exit_code(pair.receiver), 0) << console();
  }
}

TEST_F(HostedTest, BadPointersAreFaultsAndGarbageIsAnError) {
  hb_task_id_t task = start({"badptr"});
  EXPECT_EQ(exit_code(task), 0) << console();
}

// The runtime stages messages up to HB_MSG_MAX in the channel page (hosted/channel.h): a
// buffer that is only partly the task's (a hole, a read-only page), small or 64 KiB, must
// still be HB_ERR_FAULT with the message kept, and messages of every size up to HB_MSG_MAX
// arrive byte for byte.
TEST_F(HostedTest, PartlyOwnedBuffersAreFaultsAndNothingIsLost) {
  hb_task_id_t task = start({"badbuf"});
  EXPECT_EQ(exit_code(task), 0) << console();
}

// Whole messages (HB_MSG_MAX) between two tasks through the kernel's fast path: request
// and answer both staged in the channel pages, one copy page to page. A request that is not
// all the caller's never reaches the server; an answer buffer that is not all the caller's
// is HB_ERR_FAULT for the caller, and neither changes the next call.
TEST_F(HostedTest, WholeMessagesCrossTheFastPathIntactAndBadBuffersAreFaults) {
  auto p = port(HB_PORT_RENDEZVOUS, 0);
  hb_task_id_t server = start({"bigcall-server"}, {p.recv});
  hb_task_id_t client = start({"bigcall-client"}, {p.send});
  EXPECT_EQ(exit_code(client), 0) << console();
  EXPECT_EQ(exit_code(server), 8) << "requests the server was sent\n" << console();
}

// 64 KiB messages through a bounded port, the kernel-buffered path (and the fast path
// whenever the receiver already waits): FIFO, every byte checked, none lost or doubled.
TEST_F(HostedTest, BoundedPortCarriesWholeMessagesInOrder) {
  auto p = port(HB_PORT_BOUNDED, 4);
  hb_task_id_t receiver = start({"recv", "600", "65536"}, {p.recv});
  hb_task_id_t sender = start({"send", "600", "65536"}, {p.send});
  EXPECT_EQ(exit_code(sender), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, GarbageInTheChannelPageHarmsNobody) {
  hb_task_id_t scribbler = start({"scribble"});
  hb_task_id_t bystander = start({"hello"});
  EXPECT_EQ(exit_code(scribbler, 10 * kSecond), 0) << console();
  EXPECT_EQ(exit_code(bystander), 0) << console();
  EXPECT_NE(console().find("still served"), std::string::npos) << console();
}

TEST_F(HostedTest, TaskSpawnsAndWaitsForChildren) {
  auto p = port(HB_PORT_BOUNDED, 4);
  hb_task_id_t receiver = start({"recv", "10", "16"}, {p.recv});
  hb_task_id_t parent = start({"spawn", kTask}, {p.send});
  EXPECT_EQ(exit_code(parent), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, TwentyPairsExchangeAThousandMessagesEach) {
  std::vector<hb_task_id_t> tasks;
  for (int i = 0; i < 10; ++i) {
    auto p = port(HB_PORT_BOUNDED, 8);
    tasks.push_back(start({"recv", "1000", "16"}, {p.recv}));
    tasks.push_back(start({"send", "1000", "16"}, {p.send}));
  }
  for (hb_task_id_t task : tasks) EXPECT_EQ(exit_code(task), 0) << console();
}

TEST_F(HostedTest, AHundredTasksExchangeAThousandMessagesEach) {
  // SPEC scale: 100 task processes at once, 50 pairs x 1000 messages, each checked in order
  // by its receiver (the "recv" mode verifies the sequence numbers it gets).
  std::vector<hb_task_id_t> tasks;
  for (int i = 0; i < 50; ++i) {
    auto p = port(HB_PORT_BOUNDED, 8);
    tasks.push_back(start({"recv", "1000", "16"}, {p.recv}));
    tasks.push_back(start({"send", "1000", "16"}, {p.send}));
  }
  for (hb_task_id_t task : tasks) EXPECT_EQ(exit_code(task, 120 * kSecond), 0) << console();
}

TEST_F(HostedTest, TwentySendersFanInToOneReceiverInOrder) {
  constexpr int kSenders = 20;
  auto p = port(HB_PORT_BOUNDED, 16);
  hb_task_id_t receiver =
      start({"recv", std::to_string(kSenders * 1000), "16"}, {p.recv});
  std::vector<hb_task_id_t> senders;
  for (int i = 0; i < kSenders; ++i) {
    Capability send = i + 1 < kSenders ? machine().duplicate(p.send) : p.send;
    senders.push_back(start({"send", "1000", "16"}, {send}));
  }
  for (hb_task_id_t task : senders) EXPECT_EQ(exit_code(task), 0) << console();
  EXPECT_EQ(exit_code(receiver), 0) << console();
}

TEST_F(HostedTest, DestroyingTheMachineKillsEveryTask) {
  for (int i = 0; i < 3; ++i) start({"hold", "0"});
  m_machine.reset();
  // Every task process was ours and is reaped: nothing is left to wait for.
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST_F(HostedTest, RoundTripOfATrivialSyscall) {
  hb_task_id_t task = start({"bench", "20000"});
  EXPECT_EQ(exit_code(task), 0) << console();
  std::string out = console();
  auto at = out.find("rtt_ns ");
  ASSERT_NE(at, std::string::npos) << out;
  long ns = std::stol(out.substr(at + 7));
  std::printf("[ hosted  ] HB_SYS_TASK_SELF round trip: %s", out.substr(at + 7).c_str());
  EXPECT_LT(ns, 1000000) << "a trivial syscall should take far less than 1 ms";
}

// ---- deterministic mode -----------------------------------------------------------------

class DeterministicTest : public HostedTest {
 protected:
  void SetUp() override {}

  // Runs three senders into one receiver and returns the whole trace, one line per record.
  std::string run(uint64_t seed) {
    MachineOptions options;
    options.deterministic = true;
    options.seed = seed;
    options.trace = true;
    options.cores = 2;
    boot(options);
    auto p = port(HB_PORT_BOUNDED, 2);
    std::vector<hb_task_id_t> tasks;
    tasks.push_back(start({"recv", "60", "8"}, {p.recv}));
    for (int i = 0; i < 3; ++i) {
      Capability send = i < 2 ? machine().duplicate(p.send) : p.send;
      tasks.push_back(start({"send", "20", "8"}, {send}));
    }
    for (hb_task_id_t task : tasks) EXPECT_EQ(exit_code(task), 0) << console();
    std::string trace;
    machine().drain_trace([&](const kernel::TraceRecord& r) {
      trace += std::to_string(r.time) + " " + std::to_string(r.sequence) + " c" +
               std::to_string(r.core) + " t" + std::to_string(r.task) + " " +
               kernel::trace_kind_name(r.kind) + " sys" + std::to_string(r.syscall) + " o" +
               std::to_string(r.object) + " p" + std::to_string(r.peer) + " m" +
               std::to_string(r.message) + " v" + std::to_string(r.value) + "\n";
    });
    return trace;
  }
};

TEST_F(DeterministicTest, RoundRobinTraceRepeatsByteForByte) {
  std::string first = run(0);
  std::string second = run(0);
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(first, second);
}

TEST_F(DeterministicTest, SeededTraceRepeatsByteForByte) {
  std::string first = run(7);
  std::string second = run(7);
  EXPECT_EQ(first, second) << "seed 7";
  EXPECT_NE(first, run(0)) << "seed 7 and round robin should interleave differently";
}

std::string trace_text(Machine& machine) {
  std::string trace;
  machine.drain_trace([&](const kernel::TraceRecord& r) {
    trace += std::to_string(r.time) + " " + std::to_string(r.sequence) + " c" +
             std::to_string(r.core) + " t" + std::to_string(r.task) + " " +
             kernel::trace_kind_name(r.kind) + " sys" + std::to_string(r.syscall) + " v" +
             std::to_string(r.value) + "\n";
  });
  return trace;
}

TEST_F(DeterministicTest, SpawnCrashAndWaitRepeatByteForByte) {
  std::string traces[2];
  for (std::string& trace : traces) {
    MachineOptions options;
    options.deterministic = true;
    options.seed = 3;
    options.trace = true;
    boot(options);
    auto p = port(HB_PORT_BOUNDED, 4);
    hb_task_id_t receiver = start({"recv", "10", "16"}, {p.recv});
    hb_task_id_t parent = start({"spawn", kTask}, {p.send});
    EXPECT_EQ(exit_code(parent), 0) << console();
    EXPECT_EQ(exit_code(receiver), 0) << console();
    trace = trace_text(machine());
  }
  EXPECT_GT(traces[0].size(), 1000u);
  EXPECT_EQ(traces[0], traces[1]);
}

TEST_F(DeterministicTest, TimeoutsUseTheLogicalClock) {
  MachineOptions options;
  options.deterministic = true;
  boot(options);
  hb_task_id_t task = start({"timeout", "30"});
  EXPECT_EQ(exit_code(task), 0) << console();
}

}  // namespace
