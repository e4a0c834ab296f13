// tests/baremetal/malloc_host_test.cc - the bare-metal malloc (userland/runtime/x86_64/libc/
// malloc.c) on the host: its regions come from hbt_region_create/hbt_region_map below
// (page-aligned, zeroed host memory), so each test sees exactly which regions it asked for.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "libc_host.h"

namespace {

struct Region {
  void* memory;
  uint64_t size;
};
std::vector<Region> g_regions;  // every region made, in order (never freed: as on bare metal)
bool g_regions_fail = false;    // hbt_region_create says NO_MEMORY

}  // namespace

extern "C" int32_t hbt_region_create(uint64_t size, uint32_t flags, int32_t* out) {
  if (g_regions_fail || flags != 0 || size == 0 || size % 4096 != 0) return -6;  // NO_MEMORY
  void* memory = std::aligned_alloc(4096, size);
  std::memset(memory, 0, size);
  g_regions.push_back({memory, size});
  *out = static_cast<int32_t>(g_regions.size());
  return 0;
}

extern "C" int32_t hbt_region_map(int32_t region, uint32_t, void** addr_out) {
  *addr_out = g_regions.at(static_cast<size_t>(region) - 1).memory;
  return 0;
}

extern "C" int32_t hbt_handle_close(int32_t) { return 0; }

extern "C" void hbt_abort(void) {
  std::fputs("hbt_abort called\n", stderr);
  std::abort();
}

namespace {

bool inside_a_region(const void* p, size_t n) {
  auto at = reinterpret_cast<uintptr_t>(p);
  for (const Region& r : g_regions) {
    auto base = reinterpret_cast<uintptr_t>(r.memory);
    if (at >= base && at + n <= base + r.size) return true;
  }
  return false;
}

TEST(LibcMallocTest, FirstMallocMakesOneRegionAndLaterOnesShareIt) {
  size_t before = g_regions.size();
  void* a = hbt_malloc(100);
  void* b = hbt_malloc(200);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_LE(g_regions.size(), before + 1) << "two small blocks need at most one new region";
  EXPECT_TRUE(inside_a_region(a, 100));
  EXPECT_TRUE(inside_a_region(b, 200));
  hbt_free(a);
  hbt_free(b);
}

TEST(LibcMallocTest, AFreedBlockIsReusedForTheSameSize) {
  void* a = hbt_malloc(64);
  hbt_free(a);
  void* b = hbt_malloc(64);
  EXPECT_EQ(a, b);
  hbt_free(b);
}

TEST(LibcMallocTest, FreedNeighboursMergeIntoOneBlock) {
  void* keep = hbt_malloc(16);  // so that the four below are not the arena's first block
  void* parts[4];
  for (void*& p : parts) p = hbt_malloc(1000);
  size_t regions = g_regions.size();
  // Freed in an order that merges on both sides: 1, 3, then 2 joins them, then 0.
  hbt_free(parts[1]);
  hbt_free(parts[3]);
  hbt_free(parts[2]);
  hbt_free(parts[0]);
  void* big = hbt_malloc(3900);  // fits only where the four were, merged
  EXPECT_EQ(big, parts[0]);
  EXPECT_EQ(g_regions.size(), regions) << "a new region was made: the blocks did not merge";
  hbt_free(big);
  hbt_free(keep);
}

TEST(LibcMallocTest, ALargeRequestGetsARegionOfItsOwn) {
  size_t before = g_regions.size();
  void* p = hbt_malloc(3 << 20);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(g_regions.size(), before + 1);
  EXPECT_GE(g_regions.back().size, 3u << 20);
  std::memset(p, 0xab, 3 << 20);  // all of it is ours (ASan would say otherwise)
  EXPECT_TRUE(inside_a_region(p, 3 << 20));
  hbt_free(p);
}

TEST(LibcMallocTest, NoMemoryIsNullAndEnomemAndLeavesTheHeapUsable) {
  void* small = hbt_malloc(32);
  g_regions_fail = true;
  hbt_errno = 0;
  EXPECT_EQ(hbt_malloc(8 << 20), nullptr);  // needs a region: refused
  EXPECT_EQ(hbt_errno, ENOMEM);
  hbt_errno = 0;
  EXPECT_EQ(hbt_calloc(SIZE_MAX / 2, 4), nullptr);  // count * size overflows
  EXPECT_EQ(hbt_errno, ENOMEM);
  hbt_errno = 0;
  EXPECT_EQ(hbt_realloc(small, SIZE_MAX - 8), nullptr);
  EXPECT_EQ(hbt_errno, ENOMEM);
  g_regions_fail = false;
  void* again = hbt_malloc(32);  // the existing arena still serves
  EXPECT_NE(again, nullptr);
  hbt_free(again);
  hbt_free(small);  // realloc's failure left it as it was
}

TEST(LibcMallocTest, CallocZeroesAReusedBlock) {
  auto* dirty = static_cast<unsigned char*>(hbt_malloc(256));
  std::memset(dirty, 0xff, 256);
  hbt_free(dirty);
  auto* clean = static_cast<unsigned char*>(hbt_calloc(64, 4));
  ASSERT_NE(clean, nullptr);
  EXPECT_EQ(clean, dirty) << "expected the freed block back (the test's premise)";
  for (int i = 0; i < 256; ++i) ASSERT_EQ(clean[i], 0) << i;
  hbt_free(clean);
}

TEST(LibcMallocTest, ReallocKeepsTheBytesAndFollowsGlibcsEdgeCases) {
  auto* p = static_cast<char*>(hbt_realloc(nullptr, 10));  // = malloc
  ASSERT_NE(p, nullptr);
  std::memcpy(p, "0123456789", 10);
  p = static_cast<char*>(hbt_realloc(p, 5000));  // grows: moved, bytes kept
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::memcmp(p, "0123456789", 10), 0);
  char* same = static_cast<char*>(hbt_realloc(p, 100));  // shrinks in place
  EXPECT_EQ(same, p);
  EXPECT_EQ(hbt_realloc(same, 0), nullptr);  // = free
  void* zero = hbt_malloc(0);                  // a unique pointer, as glibc's
  EXPECT_NE(zero, nullptr);
  hbt_free(zero);
  hbt_free(nullptr);  // nothing
}

TEST(LibcMallocTest, RandomWorkKeepsBlocksAlignedDisjointAndIntact) {
  std::mt19937 random(11);
  struct Live {
    unsigned char* p;
    size_t n;
    unsigned char fill;
  };
  std::vector<Live> live;
  auto check = [](const Live& l) {
    for (size_t i = 0; i < l.n; ++i)
      if (l.p[i] != l.fill) return false;
    return true;
  };
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(random() % 10);
    if (op < 5 || live.empty()) {
      size_t n = random() % 4 == 0 ? random() % 20000 : random() % 200;
      auto* p = static_cast<unsigned char*>(op == 0 ? hbt_calloc(1, n) : hbt_malloc(n));
      ASSERT_NE(p, nullptr) << "step " << step;
      ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u) << "step " << step;
      if (op == 0) {
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(p[i], 0);
      }
      auto fill = static_cast<unsigned char>(step);
      std::memset(p, fill, n);
      live.push_back({p, n, fill});
    } else if (op < 8) {
      size_t i = random() % live.size();
      ASSERT_TRUE(check(live[i])) << "a block's bytes changed, step " << step;
      hbt_free(live[i].p);
      live[i] = live.back();
      live.pop_back();
    } else {
      size_t i = random() % live.size();
      size_t n = random() % 3000;
      auto* p = static_cast<unsigned char*>(hbt_realloc(live[i].p, n + 1));
      ASSERT_NE(p, nullptr);
      for (size_t k = 0; k < std::min(n + 1, live[i].n); ++k) ASSERT_EQ(p[k], live[i].fill);
      std::memset(p, live[i].fill, n + 1);
      live[i].p = p;
      live[i].n = n + 1;
    }
  }
  // No two live blocks overlap.
  std::sort(live.begin(), live.end(), [](const Live& a, const Live& b) { return a.p < b.p; });
  for (size_t i = 1; i < live.size(); ++i)
    ASSERT_LE(live[i - 1].p + live[i - 1].n, live[i].p) << "blocks overlap";
  for (const Live& l : live) {
    ASSERT_TRUE(check(l));
    hbt_free(l.p);
  }
  // Everything freed: the memory merged back, so a block as big as the first arena's free
  // space fits without a new region.
  size_t regions = g_regions.size();
  void* big = hbt_malloc(900 * 1024);
  EXPECT_NE(big, nullptr);
  EXPECT_EQ(g_regions.size(), regions) << "the freed blocks did not merge back";
  hbt_free(big);
}

TEST(LibcMallocDeathTest, ADoubleFreeIsReportedAndAborts) {
  EXPECT_DEATH(
      {
        void* p = hbt_malloc(48);
        hbt_free(p);
        hbt_free(p);
      },
      "hbt_abort called");
}

}  // namespace
