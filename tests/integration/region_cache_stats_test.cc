// harbor-emu --stats and the per-core caches of region memory (emulator/stats.cc,
// hosted/region_cache.h): the table per core, from the cache's own counters or from the trace,
// and what a real run of harbor-emu prints.
#include <gtest/gtest.h>
#include <kernel/trace.h>

#include <sys/wait.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "stats.h"

namespace {

using kernel::TraceKind;
using kernel::TraceRecord;

std::string stats_text(const emu::StatsReport& report, const std::vector<TraceRecord>& records) {
  std::ostringstream out;
  emu::write_stats(out, report, records);
  return out.str();
}

TEST(RegionCacheStatsTest, TheTableShowsEachCoresCountersFromTheCache) {
  emu::StatsReport report;
  report.cores = 2;
  hosted::RegionCacheStats core0;
  core0.hits = 14;
  core0.misses = 2;
  core0.refills = 1;
  core0.flushes = 3;
  core0.held = 5;
  core0.bypassed = 6;
  report.region_caches = {core0, hosted::RegionCacheStats{}};
  std::string text = stats_text(report, {});
  EXPECT_NE(text.find("region memory caches per core"), std::string::npos) << text;
  EXPECT_NE(text.find("region h/m  refill/flush   held  bypassed"), std::string::npos) << text;
  EXPECT_NE(text.find("  0            14/2           1/3      5         6\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  1             0/0           0/0      0         0\n"), std::string::npos)
      << text;
}

TEST(RegionCacheStatsTest, WithoutTheCachesCountersTheTableComesFromTheTrace) {
  auto record = [](TraceKind kind, uint32_t core) {
    TraceRecord r{};
    r.kind = kind;
    r.core = core;
    r.task = 1;
    r.value = 65536;
    return r;
  };
  const std::vector<TraceRecord> records = {
      record(TraceKind::RegionCacheMiss, 0), record(TraceKind::RegionCacheHit, 0),
      record(TraceKind::RegionCacheHit, 0),  record(TraceKind::RegionCacheRefill, 1),
      record(TraceKind::RegionCacheMiss, 1), record(TraceKind::RegionCacheFlush, 1),
      record(TraceKind::CacheHit, 1),  // a message buffer: not counted here
  };
  std::vector<emu::CoreStats> cores = emu::core_stats(records, 2);
  EXPECT_EQ(cores[0].region_hits, 2u);
  EXPECT_EQ(cores[0].region_misses, 1u);
  EXPECT_EQ(cores[1].region_refills, 1u);
  EXPECT_EQ(cores[1].region_flushes, 1u);
  EXPECT_EQ(cores[1].region_hits, 0u);
  EXPECT_EQ(cores[1].cache_hits, 1u);
  emu::StatsReport report;
  report.cores = 2;
  std::string text = stats_text(report, records);
  EXPECT_NE(text.find("region memory caches per core (from the trace)"), std::string::npos) << text;
  EXPECT_NE(text.find("  0             2/1           0/0      -         -\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  1             0/1           1/1      -         -\n"), std::string::npos)
      << text;
}

TEST(RegionCacheStatsTest, NoTableWhenNoRegionWentThroughTheCache) {
  emu::StatsReport report;
  report.cores = 2;
  report.region_caches = {hosted::RegionCacheStats{}, hosted::RegionCacheStats{}};
  EXPECT_EQ(stats_text(report, {}).find("region memory caches"), std::string::npos);
  report.region_caches.clear();
  EXPECT_EQ(stats_text(report, {}).find("region memory caches"), std::string::npos);
}

#ifdef HARBOR_EMU
// harbor-emu turns the caches on; the zero-copy pipeline makes one 1 MiB region per round.
TEST(HarborEmuRegionStatsTest, StatsShowTheRegionCachesOfARun) {
  const std::string command = std::string(HARBOR_EMU) + " --stats exec zero-copy-pipeline 8 1 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  size_t table = out.find("region memory caches per core");
  ASSERT_NE(table, std::string::npos) << out;
  std::istringstream lines(out.substr(table));
  std::string line;
  std::getline(lines, line);  // the title
  std::getline(lines, line);  // the column names
  unsigned long long creates = 0;
  unsigned core = 0;
  unsigned long long hits = 0, misses = 0;
  while (std::getline(lines, line) && std::sscanf(line.c_str(), " %u %llu/%llu", &core, &hits,
                                                  &misses) == 3)
    creates += hits + misses;
  EXPECT_EQ(creates, 8u) << "one create per round, each a hit or a miss:\n" << out;
}
#endif

}  // namespace
