// tests/emulator/stats_test.cc - per-core counts come from trace records; the tables name
// every task and port they are given.
#include "stats.h"

#include <harbor/abi/syscalls.h>

#include <gtest/gtest.h>

#include <sstream>

namespace {

using kernel::TraceKind;
using kernel::TraceRecord;

TraceRecord record(TraceKind kind, hb_task_id_t task, uint32_t core, int64_t value = 0) {
  TraceRecord r{};
  r.kind = kind;
  r.task = task;
  r.core = core;
  r.value = value;
  return r;
}

TEST(StatsTest, CoreStatsCountEventsPerCore) {
  const std::vector<TraceRecord> records = {
      record(TraceKind::SyscallEnter, 1, 0), record(TraceKind::Send, 1, 0, 8),
      record(TraceKind::SyscallEnter, 2, 1), record(TraceKind::Block, 2, 1),
      record(TraceKind::Receive, 2, 0, 8),   record(TraceKind::Wake, 2, 0),
      record(TraceKind::CacheHit, 1, 0),     record(TraceKind::CacheMiss, 1, 0),
  };
  const std::vector<emu::CoreStats> cores = emu::core_stats(records, 3);
  ASSERT_EQ(cores.size(), 3u);  // core 2 wrote nothing, and is listed all the same
  EXPECT_EQ(cores[0].syscalls, 1u);
  EXPECT_EQ(cores[0].sends, 1u);
  EXPECT_EQ(cores[0].receives, 1u);
  EXPECT_EQ(cores[0].bytes, 8u);
  EXPECT_EQ(cores[0].wakes, 1u);
  EXPECT_EQ(cores[0].cache_hits, 1u);
  EXPECT_EQ(cores[0].cache_misses, 1u);
  EXPECT_EQ(cores[0].switches, 2u);  // 1 -> 2 -> 1
  EXPECT_EQ(cores[1].syscalls, 1u);
  EXPECT_EQ(cores[1].blocks, 1u);
  EXPECT_EQ(cores[1].switches, 0u);
  EXPECT_EQ(cores[2].syscalls, 0u);
}

TEST(StatsTest, TablesNameEveryTaskAndPort) {
  emu::StatsReport report;
  report.cores = 2;
  report.kernel.tasks_created = 2;
  report.kernel.syscalls = 10;
  emu::TaskStats t;
  t.id = 1;
  t.name = "consumer";
  t.core = 1;
  t.syscalls = 7;
  t.received = 3;
  report.tasks.push_back(t);
  emu::PortStats p;
  p.koid = 5;
  p.label = "port jobs";
  p.mode = HB_PORT_BOUNDED;
  p.capacity = 2;
  p.sent = 3;
  p.received = 3;
  p.max_depth = 2;
  p.dead = true;
  report.ports.push_back(p);
  report.trace_lost = 4;

  std::ostringstream out;
  emu::write_stats(out, report, {});
  const std::string text = out.str();
  EXPECT_NE(text.find("kernel: 2 tasks created"), std::string::npos) << text;
  EXPECT_NE(text.find("10 syscalls"), std::string::npos) << text;
  EXPECT_NE(text.find("consumer[1]"), std::string::npos) << text;
  EXPECT_NE(text.find("exit 0"), std::string::npos) << text;
  EXPECT_NE(text.find("port jobs"), std::string::npos) << text;
  EXPECT_NE(text.find("bounded"), std::string::npos) << text;
  EXPECT_NE(text.find("dead"), std::string::npos) << text;
  EXPECT_NE(text.find("4 trace records were overwritten"), std::string::npos) << text;
}

}  // namespace
