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

TEST_F(CacheTest, TrimmedCachesGiveEveryBufferBackAfterAllTasksExit) {
  ping_pong(30);
  exit_all();
  kernel().caches().trim();
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes())
      << "cached buffers are the only memory the kernel may keep once every task is gone";
}

}  // namespace
}  // namespace harbor::test
