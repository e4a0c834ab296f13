// Grant regions and semaphores, hosted, end to end: the real kernel in this process, every
// task a real process (tests/integration/programs/region_task.cc). Each test starts one
// root task that does the work, spawning children of the same program where a second or
// third task is needed; the root task's exit code is the verdict (0: every check passed,
// else its "FAIL ..." line is in the console printed with the failure).
//
// What the host guarantees is tested for real: a write through a read-only grant is a
// SIGSEGV of the writer (-11), an access after revoke a SIGBUS (-7); the granter lives on.
#include <gtest/gtest.h>
#include <hosted/machine.h>

#include <mutex>
#include <string>
#include <vector>

namespace {

using hosted::Machine;
using hosted::MachineOptions;

constexpr uint64_t kSecond = 1000000000ull;
const std::string kTask = HARBOR_REGION_TASK;

class RegionTest : public ::testing::Test {
 protected:
  void SetUp() override { boot(MachineOptions{}); }
  void TearDown() override { m_machine.reset(); }

  void boot(const MachineOptions& options) {
    m_machine.reset();
    m_machine = std::make_unique<Machine>(options);
    m_machine->set_console([this](hb_task_id_t task, const std::string& name,
                                  const std::string& text) {
      std::lock_guard<std::mutex> guard(m_mutex);
      m_console += "[" + name + " " + std::to_string(task) + "] " + text;
    });
  }

  // Runs region_task with `args` as a root task; its exit code (or a failure on timeout).
  int32_t run(const std::vector<std::string>& args, uint64_t timeout = 60 * kSecond) {
    auto started = m_machine->start(kTask, args);
    EXPECT_EQ(started.status, HB_OK) << hb_strerror(started.status);
    if (started.status != HB_OK) return -1000;
    Machine::Exit exit = m_machine->wait(started.task, timeout);
    EXPECT_EQ(exit.status, HB_OK) << "did not finish: " << hb_strerror(exit.status) << "\n"
                                  << console();
    return exit.status == HB_OK ? exit.code : -1000;
  }

  std::string console() {
    std::lock_guard<std::mutex> guard(m_mutex);
    return m_console;
  }

  std::unique_ptr<Machine> m_machine;
  std::mutex m_mutex;
  std::string m_console;
};

TEST_F(RegionTest, CreateMapWriteAndReadBack) {
  EXPECT_EQ(run({"basic", "65536"}), 0) << console();
}

TEST_F(RegionTest, SixteenMiBRegionMapsWhole) {
  EXPECT_EQ(run({"basic", std::to_string(16u << 20)}), 0) << console();
}

TEST_F(RegionTest, MapNeedsTheMapRightAndAskedRights) {
  EXPECT_EQ(run({"map-rules"}), 0) << console();
}

TEST_F(RegionTest, DoubleUnmapAndUnmapOfANonStartAreInvalidArg) {
  EXPECT_EQ(run({"unmap-rules"}), 0) << console();
}

TEST_F(RegionTest, ReadOnlyGrantReadsAndItsWriteKillsOnlyTheWriter) {
  EXPECT_EQ(run({"grant-ro"}), 0) << console();
  EXPECT_NE(console().find("read-only writer died with -11"), std::string::npos) << console();
}

TEST_F(RegionTest, RegionHandlesMoveThroughMessages) {
  EXPECT_EQ(run({"move"}), 0) << console();
}

TEST_F(RegionTest, RevokeEndsEveryMappingAndEveryNewMap) {
  EXPECT_EQ(run({"revoke"}), 0) << console();
  EXPECT_NE(console().find("victim died with -7"), std::string::npos) << console();
}

TEST_F(RegionTest, OwnerExitLeavesOtherMappingsValid) {
  EXPECT_EQ(run({"owner-exit"}), 0) << console();
}

TEST_F(RegionTest, SemaphoreTimeoutsAndOverflowAcrossProcesses) {
  EXPECT_EQ(run({"sem"}), 0) << console();
}

TEST_F(RegionTest, QuotaExhaustionAndItsReturn) {
  EXPECT_EQ(run({"quota", "64", "128"}), 0) << console();
}

TEST_F(RegionTest, ProducerConsumerStressOf100000ItemsKeepsTheChecksum) {
  // One producer, one consumer: empty/full alone keep them apart (the mutex is tested below).
  EXPECT_EQ(run({"stress", "100000", "1", "1", "nomutex"}, 110 * kSecond), 0) << console();
  std::string out = console();
  if (auto at = out.find("stress "); at != std::string::npos)
    std::printf("[ region  ] %s", out.substr(at).c_str());
}

TEST_F(RegionTest, ManyProducersAndConsumersShareOneBuffer) {
  EXPECT_EQ(run({"stress", "12000", "3", "2"}), 0) << console();
}

TEST_F(RegionTest, RegionsWorkInDeterministicMode) {
  MachineOptions options;
  options.deterministic = true;
  boot(options);
  EXPECT_EQ(run({"move"}), 0) << console();
  EXPECT_EQ(run({"stress", "2000", "2", "2"}), 0) << console();
}

}  // namespace
