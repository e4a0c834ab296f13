// harbor-emu --stats and the per-core caches of region memory (emulator/stats.cc,
// hosted/region_cache.h): the table per core, from the cache's own counters or from the trace,
// and what a real run of harbor-emu prints.
#include <gtest/gtest.h>
#include <kernel/trace.h>

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

TEST(RegionCacheStatsTest, NoTableWhenNoRegionWentThroughTheCache) {
  emu::StatsReport report;
  report.cores = 2;
  report.region_caches = {hosted::RegionCacheStats{}, hosted::RegionCacheStats{}};
  EXPECT_EQ(stats_text(report, {}).find("region memory caches"), std::string::npos);
  report.region_caches.clear();
  EXPECT_EQ(stats_text(report, {}).find("region memory caches"), std::string::npos);
}

}  // namespace
