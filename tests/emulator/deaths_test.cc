// tests/emulator/deaths_test.cc - DeathWatch (emulator/deaths.h) tells a task killed by a
// signal from one that chose a negative exit code, from the trace alone.
#include "deaths.h"

#include <harbor/abi/syscalls.h>

#include <gtest/gtest.h>

#include <csignal>

namespace {

using kernel::TraceKind;
using kernel::TraceRecord;

TraceRecord record(TraceKind kind, hb_task_id_t task, int64_t value = 0, uint16_t syscall = 0,
                   hb_task_id_t peer = 0) {
  TraceRecord r{};
  r.kind = kind;
  r.task = task;
  r.value = value;
  r.syscall = syscall;
  r.peer = peer;
  return r;
}

TEST(DeathWatchTest, ANegativeCodeWithoutTaskExitIsADeathBySignal) {
  emu::DeathWatch watch;
  const std::vector<TraceRecord> records = {
      record(TraceKind::TaskStart, 2, 0, 0, 1),                // child 2 of task 1
      record(TraceKind::SyscallEnter, 2, 0, HB_SYS_RECV),
      record(TraceKind::TaskExit, 2, -SIGSEGV),                // killed while in recv
  };
  const std::vector<emu::DeathWatch::Death> deaths = watch.feed(records);
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].task, 2u);
  EXPECT_EQ(deaths[0].parent, 1u);
  EXPECT_EQ(deaths[0].signal, SIGSEGV);
  int signal = 0;
  EXPECT_EQ(watch.end_of(2, &signal), emu::DeathWatch::End::Killed);
  EXPECT_EQ(signal, SIGSEGV);
}

TEST(DeathWatchTest, ANegativeCodeGivenToTaskExitIsNoDeath) {
  emu::DeathWatch watch;
  // Fed in two batches: the syscall in one poll, the exit in the next.
  const std::vector<TraceRecord> first = {record(TraceKind::SyscallEnter, 3, 0, HB_SYS_TASK_EXIT)};
  const std::vector<TraceRecord> second = {record(TraceKind::TaskExit, 3, -7)};
  EXPECT_TRUE(watch.feed(first).empty());
  EXPECT_TRUE(watch.feed(second).empty());
  int signal = 0;
  EXPECT_EQ(watch.end_of(3, &signal), emu::DeathWatch::End::Exited);
  EXPECT_EQ(signal, 0);
}

TEST(DeathWatchTest, OrdinaryExitsAndUnseenTasks) {
  emu::DeathWatch watch;
  const std::vector<TraceRecord> records = {
      record(TraceKind::TaskExit, 4, 0),     // a task that never made a syscall, exit 0
      record(TraceKind::TaskExit, 5, -1000), // beyond any signal: a chosen code
  };
  EXPECT_TRUE(watch.feed(records).empty());
  EXPECT_EQ(watch.end_of(4, nullptr), emu::DeathWatch::End::Exited);
  EXPECT_EQ(watch.end_of(5, nullptr), emu::DeathWatch::End::Exited);
  EXPECT_EQ(watch.end_of(6, nullptr), emu::DeathWatch::End::Unknown);  // records lost
}

TEST(DeathWatchTest, TheLineNamesTaskIdAndSignal) {
  EXPECT_EQ(emu::signal_name(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(emu::signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(emu::signal_name(200), "signal 200");
  EXPECT_EQ(emu::death_line(3, "worker", SIGSEGV), "harbor-emu: task 3 (worker) killed by SIGSEGV");
  EXPECT_EQ(emu::death_line(7, "", SIGBUS), "harbor-emu: task 7 killed by SIGBUS");
}

}  // namespace
