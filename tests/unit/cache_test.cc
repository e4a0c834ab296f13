// CacheTest: message buffers are allocated through per-core caches in front of a shared
// pool; hits and misses are visible in statistics and traces (SPEC 2, kernel/kmem_cache.h).
#include "harness.h"

#include <arch/test_control.h>
#include <kernel/kmem_cache.h>

namespace harbor::test {
namespace {

class CacheTest : public Harness {
 protected:
  void SetUp() override {
    Harness::SetUp();
    kernel::KernelConfig config;
    config.per_core_caches = true;
    reset(config);
  }
  void ping_pong(int rounds) {
    TaskHandle a = spawn("a");
    PortPair p = a.port(HB_PORT_BOUNDED, 4);
    for (int i = 0; i < rounds; ++i) {
      ASSERT_STATUS(HB_OK, a.send(p.send, "a small message"));
      ASSERT_STATUS(HB_OK, a.recv(p.recv));
    }
  }
};

TEST_F(CacheTest, RepeatedMessagesAreServedFromThisCoresCache) {
  ping_pong(50);
  const kernel::CoreCacheStats& s = kernel().caches().stats(0);
  EXPECT_GE(s.misses, 1u) << "the first buffer has to come from the pool";
  EXPECT_GE(s.hits, 40u) << "then the core's magazine serves the rest";
  EXPECT_GE(s.frees, 50u);
}

TEST_F(CacheTest, HitsAndMissesAppearInTheTrace) {
  kernel().trace().set_enabled(true);
  ping_pong(20);
  uint64_t hits = 0, misses = 0;
  kernel().trace().drain([&](const kernel::TraceRecord& r) {
    hits += r.kind == kernel::TraceKind::CacheHit;
    misses += r.kind == kernel::TraceKind::CacheMiss;
  });
  EXPECT_GE(misses, 1u);
  EXPECT_GE(hits, 10u);
}

// 40 queued messages hold 40 buffers; taking them frees 40 on this core, more than one
// magazine holds (KmemCache::kMagazine), so full magazines go back to the pool in batches,
// and the next allocations after the magazine runs dry come back from it in a batch.
TEST_F(CacheTest, RefillsAndFlushesAppearInTheStatisticsAndTheTrace) {
  kernel().trace().set_enabled(true);
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_UNBOUNDED, 0);
  auto send_and_take = [&](int count) {
    for (int i = 0; i < count; ++i) ASSERT_STATUS(HB_OK, a.send(p.send, "queued"));
    for (int i = 0; i < count; ++i) ASSERT_STATUS(HB_OK, a.recv(p.recv));
  };
  send_and_take(40);
  send_and_take(40);
  const kernel::CoreCacheStats& s = kernel().caches().stats(0);
  EXPECT_GE(s.flushes, 2u) << "40 frees overflow a magazine of " << kernel::KmemCache::kMagazine;
  EXPECT_GE(s.refills, 1u) << "the second round is served from what the first gave back";
  uint64_t refills = 0, flushes = 0;
  kernel().trace().drain([&](const kernel::TraceRecord& r) {
    refills += r.kind == kernel::TraceKind::CacheRefill;
    flushes += r.kind == kernel::TraceKind::CacheFlush;
  });
  EXPECT_EQ(s.refills, refills) << "every refill is traced";
  EXPECT_EQ(s.flushes, flushes) << "every flush is traced";
}

TEST_F(CacheTest, TrimmedCachesGiveEveryBufferBackAfterAllTasksExit) {
  ping_pong(30);
  exit_all();
  kernel().caches().trim();
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes())
      << "cached buffers are the only memory the kernel may keep once every task is gone";
}

}  // namespace
}  // namespace harbor::test
