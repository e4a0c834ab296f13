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
  EXPECT_EQ(text.find("per region and semaphore"), std::string::npos) << "none in the report";
}

// The kernel's counters of each scenario region and semaphore (GrantRegion::stats_*,
// Semaphore::stats_*) come out beside its state at the end.
TEST(StatsTest, RegionsAndSemaphoresShowTheirCallsAndEndState) {
  emu::StatsReport report;
  report.cores = 1;
  emu::ObjectStats region;
  region.label = "region shelf";
  region.kind = emu::ObjectStats::Kind::Region;
  region.size = 8192;
  region.mappings = 1;
  region.revoked = true;
  region.maps = 3;
  region.unmaps = 2;
  region.revokes = 1;
  report.objects.push_back(region);
  emu::ObjectStats sem;
  sem.label = "semaphore full";
  sem.kind = emu::ObjectStats::Kind::Semaphore;
  sem.count = 2;
  sem.max = 8;
  sem.posts = 30;
  sem.waits = 28;
  sem.blocks = 5;
  report.objects.push_back(sem);

  std::ostringstream out;
  emu::write_stats(out, report, {});
  const std::string text = out.str();
  const size_t table = text.find("per region and semaphore");
  ASSERT_NE(table, std::string::npos) << text;
  const size_t shelf = text.find("region shelf", table);
  const size_t full = text.find("semaphore full", table);
  ASSERT_NE(shelf, std::string::npos) << text;
  ASSERT_NE(full, std::string::npos) << text;
  const std::string shelf_line = text.substr(shelf, text.find('\n', shelf) - shelf);
  const std::string full_line = text.substr(full, text.find('\n', full) - full);
  EXPECT_NE(shelf_line.find("3 maps, 2 unmaps, 1 revoke"), std::string::npos) << shelf_line;
  EXPECT_NE(shelf_line.find("8192 bytes, 1 mapping, revoked"), std::string::npos) << shelf_line;
  EXPECT_NE(full_line.find("30 posts, 28 waits (5 blocked)"), std::string::npos) << full_line;
  EXPECT_NE(full_line.find("count 2 of max 8"), std::string::npos) << full_line;
}

}  // namespace
