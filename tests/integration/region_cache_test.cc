// The per-core caches of region memory on the hosted machine (hosted/region_cache.h,
// arch/hosted/region_memory.cc steps C1-C4):
//   - RegionCacheTest: the cache alone (an instance of its own, no machine): hits, misses,
//     refills, flushes, the bypass of big regions, held memfds;
//   - RegionCacheMachineTest: the real kernel with KernelConfig::per_core_caches on, one
//     emulated core, the test body a task (attach_self) and real task processes forked from
//     it (start_function): a reused region reads as zeros, and a region freed while a task
//     still maps it is never handed out while mapped.
#include <gtest/gtest.h>
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>
#include <hosted/machine.h>
#include <hosted/region_cache.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <vector>

// The test program attaches its runtime itself (userland/runtime/hosted/attach.h).
extern "C" const char hb_runtime_attach_explicitly = 1;
namespace harbor::runtime {
bool attach_channel(int fd);
int64_t raw_syscall(uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5);
}  // namespace harbor::runtime

namespace {

using hosted::RegionCache;
using hosted::RegionCacheStats;

constexpr uint64_t kSize = 64 * 1024;  // one size class
constexpr uint32_t kRw = HB_RIGHT_READ | HB_RIGHT_WRITE;

bool all_bytes_are(const uint8_t* bytes, uint64_t size, uint8_t value) {
  for (uint64_t i = 0; i < size; ++i)
    if (bytes[i] != value) return false;
  return true;
}

// Maps the memfd here, checks it reads as zeros, leaves `fill` in it.
bool zeros_then_fill(int fd, uint64_t size, uint8_t fill) {
  void* at = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (at == MAP_FAILED) return false;
  bool zeros = all_bytes_are(static_cast<uint8_t*>(at), size, 0);
  std::memset(at, fill, size);
  munmap(at, size);
  return zeros;
}

bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0 || errno != EBADF; }

// ---- the cache alone ----------------------------------------------------------------------

TEST(RegionCacheTest, AFreedMemfdComesBackOnTheSameCoreAsAHitAndReadsAsZeros) {
  RegionCache cache;
  RegionCache::Memfd first = cache.alloc(0, kSize, nullptr, 0);
  ASSERT_GE(first.fd, 0);
  EXPECT_EQ(first.file_size, kSize);
  EXPECT_EQ(cache.stats(0).misses, 1u);
  EXPECT_EQ(cache.stats(0).refills, 0u) << "the pool was empty: memfd_create";
  EXPECT_TRUE(zeros_then_fill(first.fd, kSize, 0xab));
  cache.free(0, first, nullptr, 0);
  RegionCache::Memfd again = cache.alloc(0, kSize - 4096, nullptr, 0);  // the same class
  EXPECT_EQ(again.fd, first.fd);
  EXPECT_EQ(cache.stats(0).hits, 1u);
  EXPECT_EQ(cache.stats(0).frees, 1u);
  EXPECT_TRUE(zeros_then_fill(again.fd, kSize, 1)) << "a reused memfd must read as zeros";
  RegionCache::Memfd other_core = cache.alloc(1, kSize, nullptr, 0);
  EXPECT_NE(other_core.fd, first.fd);
  EXPECT_EQ(cache.stats(1).misses, 1u) << "core 1 has a magazine of its own";
  cache.free(0, again, nullptr, 0);
  cache.free(1, other_core, nullptr, 0);
}

TEST(RegionCacheTest, AFullMagazineFlushesABatchAndAnEmptyOneRefillsFromThePool) {
  RegionCache cache;
  std::vector<RegionCache::Memfd> memfds;
  for (uint32_t i = 0; i <= RegionCache::kMagazine; ++i) memfds.push_back(cache.alloc(0, kSize, nullptr, 0));
  for (const RegionCache::Memfd& m : memfds) cache.free(0, m, nullptr, 0);
  const uint32_t c = RegionCache::class_of(kSize);
  EXPECT_EQ(cache.stats(0).flushes, 1u) << "the free that found the magazine full";
  EXPECT_EQ(cache.pool_size(c), RegionCache::kBatch);
  // Core 1 is empty: a miss, and a refill of a batch from the pool.
  RegionCache::Memfd taken = cache.alloc(1, kSize, nullptr, 0);
  EXPECT_EQ(cache.stats(1).misses, 1u);
  EXPECT_EQ(cache.stats(1).refills, 1u);
  EXPECT_EQ(cache.pool_size(c), 0u);
  EXPECT_TRUE(zeros_then_fill(taken.fd, kSize, 2));
  cache.free(1, taken, nullptr, 0);
}

TEST(RegionCacheTest, RegionsAboveTheLargestClassBypassTheCache) {
  RegionCache cache;
  const uint64_t big = RegionCache::class_size(RegionCache::kClasses - 1) * 2;
  EXPECT_EQ(RegionCache::class_of(big), RegionCache::kClasses);
  RegionCache::Memfd memfd = cache.alloc(0, big, nullptr, 0);
  ASSERT_GE(memfd.fd, 0);
  EXPECT_EQ(memfd.file_size, big);
  cache.free(0, memfd, nullptr, 0);
  EXPECT_FALSE(is_open(memfd.fd)) << "closed, not kept";
  RegionCacheStats s = cache.stats(0);
  EXPECT_EQ(s.bypassed, 1u);
  EXPECT_EQ(s.hits + s.misses + s.frees, 0u);
}

TEST(RegionCacheTest, AHeldMemfdIsHandedOutOnlyAfterEveryTaskThatMappedItIsDone) {
  RegionCache cache;
  int machine = 0, other_machine = 0;
  RegionCache::Memfd memfd = cache.alloc(0, kSize, nullptr, 0);
  ASSERT_TRUE(zeros_then_fill(memfd.fd, kSize, 0x5a));
  cache.hold(0, memfd, &machine, {{7, 3}});
  struct stat st {};
  ASSERT_EQ(fstat(memfd.fd, &st), 0);
  EXPECT_EQ(st.st_size, 0) << "held memory is truncated: a stale access faults";
  EXPECT_EQ(cache.held_count(), 1u);
  EXPECT_EQ(cache.stats(0).held, 1u);

  RegionCache::Memfd fresh = cache.alloc(0, kSize, nullptr, 0);
  EXPECT_NE(fresh.fd, memfd.fd) << "a held memfd is never handed out";
  uint32_t asked = 0;
  auto not_yet = [&](const RegionCache::Owed& owed) {
    ++asked;
    EXPECT_EQ(owed.task, 7u);
    EXPECT_EQ(owed.syscalls, 3u);
    return false;
  };
  cache.release_held(&machine, not_yet);
  EXPECT_EQ(asked, 1u);
  cache.release_held(&other_machine, [](const RegionCache::Owed&) { return true; });
  EXPECT_EQ(cache.held_count(), 1u) << "another machine's task ids say nothing about it";
  cache.release_held(&machine, [](const RegionCache::Owed&) { return true; });
  EXPECT_EQ(cache.held_count(), 0u);
  EXPECT_EQ(cache.pool_size(RegionCache::class_of(kSize)), 1u);
  RegionCache::Memfd reused = cache.alloc(1, kSize, nullptr, 0);  // refilled from the pool
  EXPECT_EQ(reused.fd, memfd.fd);
  ASSERT_EQ(fstat(reused.fd, &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), kSize) << "whole again";
  EXPECT_TRUE(zeros_then_fill(reused.fd, kSize, 3));
  cache.free(0, fresh, nullptr, 0);
  cache.free(1, reused, nullptr, 0);
}

TEST(RegionCacheTest, AForkedChildClosesTheMemfdsItInheritedAndTheParentKeepsThem) {
  RegionCache cache;
  RegionCache::Memfd memfd = cache.alloc(0, kSize, nullptr, 0);
  cache.free(0, memfd, nullptr, 0);  // cached: the next region of core 0 is made of it
  RegionCache::Memfd held = cache.alloc(0, 2 * kSize, nullptr, 0);
  cache.hold(0, held, &cache, {{1, 1}});
  pid_t child = fork();
  if (child == 0) {
    cache.close_inherited();
    _exit(is_open(memfd.fd) || is_open(held.fd) ? 1 : 0);
  }
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child still had it open";
  EXPECT_TRUE(is_open(memfd.fd) && is_open(held.fd)) << "the parent keeps them";
}

// ---- the cache under the kernel ---------------------------------------------------------

// Sanitizers turn SIGSEGV/SIGBUS into exit codes and intercept sigaction(): restore the
// default actions with the raw system call, so a fault kills the task as it should.
void die_on_faults() {
  struct {
    void* handler;
    unsigned long flags;
    void* restorer;
    unsigned long mask;
  } default_action{};
  syscall(SYS_rt_sigaction, SIGSEGV, &default_action, nullptr, sizeof(unsigned long));
  syscall(SYS_rt_sigaction, SIGBUS, &default_action, nullptr, sizeof(unsigned long));
}

class RegionCacheMachineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hosted::region_cache().trim();  // the process's cache: start empty
    hosted::MachineOptions options;
    options.cores = 1;  // every task on core 0: one magazine sees every create and free
    options.trace = true;
    options.kernel.per_core_caches = true;
    m_machine = std::make_unique<hosted::Machine>(options);
    hosted::Machine::Attached self = m_machine->attach_self("test");
    ASSERT_EQ(self.status, HB_OK);
    ASSERT_TRUE(harbor::runtime::attach_channel(self.channel_fd));
    close(self.channel_fd);
    m_before = hosted::region_cache().stats(0);
  }
  void TearDown() override {
    m_machine.reset();
    hosted::region_cache().trim();
  }

  // What the cache counted on core 0 since SetUp.
  RegionCacheStats counted() const {
    RegionCacheStats now = hosted::region_cache().stats(0);
    RegionCacheStats d;
    d.hits = now.hits - m_before.hits;
    d.misses = now.misses - m_before.misses;
    d.refills = now.refills - m_before.refills;
    d.flushes = now.flushes - m_before.flushes;
    d.frees = now.frees - m_before.frees;
    d.bypassed = now.bypassed - m_before.bypassed;
    d.held = now.held - m_before.held;
    return d;
  }

  // Runs fn as a task in a fork of this process; its return value is the exit code.
  hb_task_id_t spawn(std::function<int()> fn, const char* name) {
    hosted::Machine::Started started = m_machine->start_function(
        [fn](int channel_fd) {
          if (!harbor::runtime::attach_channel(channel_fd)) return 127;
          close(channel_fd);
          return fn();
        },
        name, 0);
    EXPECT_EQ(started.status, HB_OK);
    return started.task;
  }
  int32_t wait(hb_task_id_t task) {
    hosted::Machine::Exit exit = m_machine->wait(task, 20ull * 1000000000ull);
    EXPECT_EQ(exit.status, HB_OK);
    return exit.code;
  }

  std::unique_ptr<hosted::Machine> m_machine;
  RegionCacheStats m_before;
};

struct Mapped {
  hb_handle_t region{HB_INVALID};
  uint8_t* bytes{nullptr};
};

Mapped make_and_map(uint64_t size = kSize) {
  Mapped m;
  if (hb_region_create(size, 0, &m.region) != HB_OK) return m;
  void* at = nullptr;
  if (hb_region_map(m.region, kRw, &at) == HB_OK) m.bytes = static_cast<uint8_t*>(at);
  return m;
}

TEST_F(RegionCacheMachineTest, ARegionMadeAfterAFreeOnTheSameCoreIsAHitAndReadsAsZeros) {
  Mapped first = make_and_map();
  ASSERT_NE(first.bytes, nullptr);
  std::memset(first.bytes, 0xab, kSize);
  ASSERT_EQ(hb_region_unmap(first.bytes), HB_OK);
  ASSERT_EQ(hb_handle_close(first.region), HB_OK);  // destroyed: back to core 0's magazine
  EXPECT_EQ(counted().frees, 1u);
  EXPECT_EQ(counted().held, 0u) << "the test body unmaps in this very process: nothing owed";
  Mapped second = make_and_map();
  ASSERT_NE(second.bytes, nullptr);
  EXPECT_EQ(counted().hits, 1u);
  EXPECT_TRUE(all_bytes_are(second.bytes, kSize, 0)) << "a reused region reads as zeros";
  uint32_t hit_records = 0, miss_records = 0;
  m_machine->drain_trace([&](const kernel::TraceRecord& r) {
    if (r.value != static_cast<int64_t>(kSize)) return;
    hit_records += r.kind == kernel::TraceKind::RegionCacheHit;
    miss_records += r.kind == kernel::TraceKind::RegionCacheMiss;
  });
  EXPECT_EQ(miss_records, 1u) << "the first create, traced with its size class";
  EXPECT_EQ(hit_records, 1u) << "the second";
  EXPECT_EQ(hb_region_unmap(second.bytes), HB_OK);
  EXPECT_EQ(hb_handle_close(second.region), HB_OK);
}

TEST_F(RegionCacheMachineTest, ATaskProcessThatReusesItsRegionsMemorySeesZeros) {
  hb_task_id_t task = spawn([] {
    for (int round = 0; round < 3; ++round) {
      Mapped m = make_and_map();
      if (!m.bytes) return 10;
      if (!all_bytes_are(m.bytes, kSize, 0)) return 20 + round;  // what the last round left?
      std::memset(m.bytes, 0x11 * (round + 1), kSize);
      if (hb_region_unmap(m.bytes) != HB_OK || hb_handle_close(m.region) != HB_OK) return 30;
    }
    return 0;
  }, "reuser");
  EXPECT_EQ(wait(task), 0);
  // Round 1 missed; the close after each unmap (a later syscall: the task had unmapped)
  // freed the memory at once, so rounds 2 and 3 hit.
  RegionCacheStats s = counted();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.frees, 3u);
  EXPECT_EQ(s.held, 0u);
}

// The task closes its handle and then unmaps: the kernel destroys the region inside the
// unmap, while the task's runtime has not yet put its reservation back (M4). Here the task
// skips that step altogether (a raw HB_SYS_REGION_UNMAP) and makes no further syscall, so
// its process keeps the mapping as long as the test wants.
TEST_F(RegionCacheMachineTest, ARegionFreedWhileATaskStillMapsItIsNeverHandedOut) {
  int ready[2], go[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(go), 0);
  hb_task_id_t stale = spawn([=] {
    Mapped m = make_and_map();
    if (!m.bytes) return 10;
    std::memset(m.bytes, 0x5a, kSize);
    if (hb_handle_close(m.region) != HB_OK) return 11;  // the mapping keeps it alive
    if (harbor::runtime::raw_syscall(HB_SYS_REGION_UNMAP, reinterpret_cast<uint64_t>(m.bytes),
                                     0, 0, 0, 0, 0) != HB_OK)
      return 12;
    char byte = 1;
    if (write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) return 13;
    die_on_faults();
    uint8_t first = *reinterpret_cast<volatile uint8_t*>(m.bytes);
    uint8_t last = *reinterpret_cast<volatile uint8_t*>(m.bytes + kSize - 1);
    if (first == 0xc3 || last == 0xc3) return 3;  // another task's region through our mapping
    return 4;  // it did not fault
  }, "stale");
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  EXPECT_EQ(counted().held, 1u);
  EXPECT_EQ(hosted::region_cache().held_count(), 1u);

  // Regions of the same class while the stale mapping lives: none may be that memory.
  std::vector<Mapped> others;
  for (uint32_t i = 0; i < 2 * RegionCache::kMagazine; ++i) {
    others.push_back(make_and_map());
    ASSERT_NE(others.back().bytes, nullptr);
    std::memset(others.back().bytes, 0xc3, kSize);
  }
  EXPECT_EQ(counted().hits, 0u);
  EXPECT_EQ(hosted::region_cache().held_count(), 1u) << "its task may still map it";
  ASSERT_EQ(write(go[1], &byte, 1), 1);
  EXPECT_EQ(wait(stale), -SIGBUS) << "held memory is truncated: the stale access faults";

  // The process is dead now: the next create releases the memfd into the pool and takes it.
  RegionCacheStats before = counted();
  Mapped reused = make_and_map();
  ASSERT_NE(reused.bytes, nullptr);
  EXPECT_EQ(hosted::region_cache().held_count(), 0u);
  EXPECT_EQ(counted().refills, before.refills + 1);
  EXPECT_TRUE(all_bytes_are(reused.bytes, kSize, 0)) << "what the stale task wrote is gone";
  others.push_back(reused);
  for (const Mapped& m : others) {
    EXPECT_EQ(hb_region_unmap(m.bytes), HB_OK);
    EXPECT_EQ(hb_handle_close(m.region), HB_OK);
  }
  for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
}

TEST_F(RegionCacheMachineTest, ATaskThatExitsWithARegionMappedHandsItBackOnlyOnceItIsDead) {
  hb_task_id_t task = spawn([] {
    Mapped m = make_and_map();
    if (!m.bytes) return 10;
    std::memset(m.bytes, 0x77, kSize);
    if (hb_handle_close(m.region) != HB_OK) return 11;
    hb_task_exit(0);  // the kernel unmaps in exit: the process still runs for a moment
    return 0;
  }, "exiter");
  EXPECT_EQ(wait(task), 0);
  EXPECT_EQ(counted().held, 1u);
  Mapped reused = make_and_map();  // the process is reaped: released, refilled, reused
  ASSERT_NE(reused.bytes, nullptr);
  EXPECT_EQ(counted().refills, 1u);
  EXPECT_EQ(hosted::region_cache().held_count(), 0u);
  EXPECT_TRUE(all_bytes_are(reused.bytes, kSize, 0));
  EXPECT_EQ(hb_region_unmap(reused.bytes), HB_OK);
  EXPECT_EQ(hb_handle_close(reused.region), HB_OK);
}

TEST_F(RegionCacheMachineTest, ARevokedRegionsMemoryComesBackWholeAndZeroed) {
  Mapped first = make_and_map();
  ASSERT_NE(first.bytes, nullptr);
  std::memset(first.bytes, 0x42, kSize);
  ASSERT_EQ(hb_region_revoke(first.region), HB_OK);  // truncated to 0
  ASSERT_EQ(hb_region_unmap(first.bytes), HB_OK);
  ASSERT_EQ(hb_handle_close(first.region), HB_OK);
  Mapped second = make_and_map();
  ASSERT_NE(second.bytes, nullptr);
  EXPECT_EQ(counted().hits, 1u);
  // Would be SIGBUS if the memfd had come back with size 0.
  EXPECT_TRUE(all_bytes_are(second.bytes, kSize, 0));
  second.bytes[kSize - 1] = 1;
  EXPECT_EQ(hb_region_unmap(second.bytes), HB_OK);
  EXPECT_EQ(hb_handle_close(second.region), HB_OK);
}

TEST_F(RegionCacheMachineTest, FreesBeyondAFullMagazineFlushAndABigRegionBypasses) {
  std::vector<hb_handle_t> regions(RegionCache::kMagazine + 1);
  for (hb_handle_t& r : regions) ASSERT_EQ(hb_region_create(kSize, 0, &r), HB_OK);
  for (hb_handle_t r : regions) ASSERT_EQ(hb_handle_close(r), HB_OK);
  RegionCacheStats s = counted();
  EXPECT_EQ(s.misses, RegionCache::kMagazine + 1);
  EXPECT_EQ(s.frees, RegionCache::kMagazine + 1);
  EXPECT_EQ(s.flushes, 1u);
  hb_handle_t big = HB_INVALID;
  ASSERT_EQ(hb_region_create(8u << 20, 0, &big), HB_OK);
  EXPECT_EQ(counted().bypassed, 1u);
  EXPECT_EQ(hb_handle_close(big), HB_OK);
}

TEST(RegionCacheOffTest, WithoutPerCoreCachesNothingIsCounted) {
  hosted::region_cache().trim();
  RegionCacheStats before = hosted::region_cache().stats(0);
  {
    hosted::MachineOptions options;
    options.cores = 1;
    hosted::Machine machine(options);  // per_core_caches off: the default
    hosted::Machine::Attached self = machine.attach_self("test");
    ASSERT_EQ(self.status, HB_OK);
    ASSERT_TRUE(harbor::runtime::attach_channel(self.channel_fd));
    close(self.channel_fd);
    for (int i = 0; i < 3; ++i) {
      Mapped m = make_and_map();
      ASSERT_NE(m.bytes, nullptr);
      EXPECT_EQ(hb_region_unmap(m.bytes), HB_OK);
      EXPECT_EQ(hb_handle_close(m.region), HB_OK);
    }
  }
  RegionCacheStats after = hosted::region_cache().stats(0);
  EXPECT_EQ(after.hits + after.misses + after.frees + after.bypassed,
            before.hits + before.misses + before.frees + before.bypassed);
}

}  // namespace
