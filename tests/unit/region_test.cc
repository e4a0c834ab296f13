// RegionTest: grant regions (SPEC 2): created with a size, mapped with hb_region_map,
// granted by sending a (possibly read-only) handle, mapped by the receiver, revoked by the
// holder of HB_RIGHT_MANAGE. No handle, no mapping; no WRITE right, no writable mapping;
// hb_region_unmap of an address that is not the start of a mapping is HB_ERR_INVALID_ARG.
//
// In the test arch every task shares the test's address space, so a mapping is the region's
// memory itself and read-only cannot be enforced by an MMU: that part of SPEC 2 (a write
// through a read-only grant faults) is the hosted tests' to check.
#include "harness.h"

#include <arch/test_control.h>

#include <cstring>

namespace harbor::test {
namespace {

uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

class RegionTest : public Harness {
 protected:
  int64_t create(TaskHandle t, uint64_t size, hb_handle_t* out, uint32_t flags = 0) {
    return t.syscall(HB_SYS_REGION_CREATE, size, flags, addr(out));
  }
  int64_t map(TaskHandle t, hb_handle_t region, uint32_t rights, void** out) {
    return t.syscall(HB_SYS_REGION_MAP, static_cast<uint32_t>(region), rights, addr(out));
  }
  int64_t unmap(TaskHandle t, void* address) {
    return t.syscall(HB_SYS_REGION_UNMAP, addr(address));
  }
  int64_t revoke(TaskHandle t, hb_handle_t region) {
    return t.syscall(HB_SYS_REGION_REVOKE, static_cast<uint32_t>(region));
  }
  uint64_t regions_charged(TaskHandle t) { return t.task() ? t.task()->quota().regions() : 0; }
};

TEST_F(RegionTest, CreateGivesAHandleWithEveryRegionRight) {
  TaskHandle a = spawn("a");
  hb_handle_t r = -7;
  ASSERT_STATUS(HB_OK, create(a, 8192, &r));
  hb_handle_info_t info = a.info(r);
  EXPECT_EQ(uint32_t{HB_OBJ_REGION}, info.type);
  for (uint32_t right : {HB_RIGHT_READ, HB_RIGHT_WRITE, HB_RIGHT_MAP, HB_RIGHT_MANAGE,
                         HB_RIGHT_DUP, HB_RIGHT_TRANSFER})
    EXPECT_TRUE(info.rights & right) << "right 0x" << std::hex << right;
  EXPECT_FALSE(info.rights & HB_RIGHT_SEND);
  EXPECT_EQ(1u, regions_charged(a));
}

TEST_F(RegionTest, GrantedRegionIsSharedMemory) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t r, copy;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  void* in_a = nullptr;
  ASSERT_STATUS(HB_OK, map(a, r, HB_RIGHT_READ | HB_RIGHT_WRITE, &in_a));
  ASSERT_NE(nullptr, in_a);
  EXPECT_EQ(0, static_cast<char*>(in_a)[100]) << "a new region is zero-filled";
  std::strcpy(static_cast<char*>(in_a), "written by a");
  ASSERT_STATUS(HB_OK, a.dup(r, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &copy));
  hb_handle_t in_b_handle = transfer(a, copy, b);
  void* in_b = nullptr;
  ASSERT_STATUS(HB_OK, map(b, in_b_handle, HB_RIGHT_READ, &in_b));
  EXPECT_STREQ("written by a", static_cast<char*>(in_b));
}

TEST_F(RegionTest, ReadOnlyGrantCannotBeMappedWritable) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t r, ro;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  ASSERT_STATUS(HB_OK,
                a.dup(r, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_DUP | HB_RIGHT_TRANSFER, &ro));
  hb_handle_t in_b = transfer(a, ro, b);
  void* out = reinterpret_cast<void*>(0x7);
  EXPECT_STATUS(HB_ERR_ACCESS, map(b, in_b, HB_RIGHT_READ | HB_RIGHT_WRITE, &out));
  EXPECT_EQ(reinterpret_cast<void*>(0x7), out);
  hb_handle_t again;
  EXPECT_STATUS(HB_ERR_ACCESS,
                b.dup(in_b, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP, &again))
      << "nor can the grant be widened";
  EXPECT_STATUS(HB_OK, map(b, in_b, HB_RIGHT_READ, &out));
}

TEST_F(RegionTest, MappingNeedsAHandleWithTheMapRight) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t r, read_only_no_map;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  void* out = nullptr;
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, map(b, r, HB_RIGHT_READ, &out))
      << "b holds no handle to a's region; a's number means nothing in b";
  EXPECT_STATUS(HB_ERR_WRONG_TYPE, map(b, HB_INBOX, HB_RIGHT_READ, &out));
  ASSERT_STATUS(HB_OK, a.dup(r, HB_RIGHT_READ, &read_only_no_map));
  EXPECT_STATUS(HB_ERR_ACCESS, map(a, read_only_no_map, HB_RIGHT_READ, &out));
  EXPECT_EQ(nullptr, out);
}

TEST_F(RegionTest, MapRightsMustAskForRead) {
  TaskHandle a = spawn("a");
  hb_handle_t r;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  void* out = nullptr;
  EXPECT_STATUS(HB_ERR_INVALID_ARG, map(a, r, HB_RIGHT_WRITE, &out));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, map(a, r, HB_RIGHT_READ | HB_RIGHT_SEND, &out));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, map(a, r, 0, &out));
}

TEST_F(RegionTest, UnmapOfAnAddressThatIsNotAMappingStartIsInvalidArg) {
  TaskHandle a = spawn("a");
  hb_handle_t r;
  ASSERT_STATUS(HB_OK, create(a, 8192, &r));
  void* m = nullptr;
  ASSERT_STATUS(HB_OK, map(a, r, HB_RIGHT_READ, &m));
  char* base = static_cast<char*>(m);
  EXPECT_STATUS(HB_ERR_INVALID_ARG, unmap(a, base + 4096)) << "inside, but not the start";
  EXPECT_STATUS(HB_ERR_INVALID_ARG, unmap(a, base + 1));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, unmap(a, nullptr));
  EXPECT_STATUS(HB_OK, unmap(a, base));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, unmap(a, base)) << "no longer a mapping";
}

TEST_F(RegionTest, AnotherTasksMappingIsNotOursToUnmap) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t r;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  void* m = nullptr;
  ASSERT_STATUS(HB_OK, map(a, r, HB_RIGHT_READ, &m));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, unmap(b, m));
  EXPECT_STATUS(HB_OK, unmap(a, m));
}

TEST_F(RegionTest, RevokeNeedsTheManageRight) {
  TaskHandle a = spawn("a");
  hb_handle_t r, no_manage;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  ASSERT_STATUS(HB_OK, a.dup(r, HB_RIGHT_READ | HB_RIGHT_MAP, &no_manage));
  EXPECT_STATUS(HB_ERR_ACCESS, revoke(a, no_manage));
  void* m = nullptr;
  EXPECT_STATUS(HB_OK, map(a, no_manage, HB_RIGHT_READ, &m)) << "the failed revoke did nothing";
}

TEST_F(RegionTest, RevokeEndsMappingForEveryone) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t r, copy;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  ASSERT_STATUS(HB_OK, a.dup(r, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &copy));
  hb_handle_t in_b = transfer(a, copy, b);
  void* mb = nullptr;
  ASSERT_STATUS(HB_OK, map(b, in_b, HB_RIGHT_READ, &mb));
  ASSERT_STATUS(HB_OK, revoke(a, r));
  void* m = nullptr;
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, map(b, in_b, HB_RIGHT_READ, &m));
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, map(a, r, HB_RIGHT_READ, &m)) << "even for its manager";
  EXPECT_STATUS(HB_OK, unmap(b, mb)) << "dead mappings are unmapped as usual";
}

TEST_F(RegionTest, CreateChecksSizeAndFlags) {
  TaskHandle a = spawn("a");
  hb_handle_t r = -7;
  EXPECT_STATUS(HB_ERR_INVALID_ARG, create(a, 0, &r));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, create(a, (256ull << 20) + 1, &r));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, create(a, 4096, &r, 1));
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_REGION_CREATE, 4096, 0, 0x1000));
  EXPECT_EQ(-7, r);
  EXPECT_EQ(0u, regions_charged(a));
}

TEST_F(RegionTest, RegionQuotaExhaustedIsNoMemory) {
  kernel::KernelConfig config;
  config.quota.regions = 1;
  reset(config);
  TaskHandle a = spawn("a");
  hb_handle_t r1, r2 = -7;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r1));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, create(a, 4096, &r2));
  EXPECT_EQ(-7, r2);
  ASSERT_STATUS(HB_OK, a.close(r1));
  EXPECT_STATUS(HB_OK, create(a, 4096, &r2)) << "closing gave the quota back";
}

TEST_F(RegionTest, MapWithBadOutPointerIsFaultAndLeavesNoMapping) {
  TaskHandle a = spawn("a");
  hb_handle_t r;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  uint64_t heap = arch::test::heap_bytes();
  EXPECT_STATUS(HB_ERR_FAULT, a.syscall(HB_SYS_REGION_MAP, static_cast<uint32_t>(r),
                                        HB_RIGHT_READ, 0x1000));
  EXPECT_EQ(heap, arch::test::heap_bytes()) << "no mapping object was left behind";
  EXPECT_EQ(0u, a.task()->quota().mappings());
}

TEST_F(RegionTest, RegionLivesWhileMappedAndIsFreedAfterTheLastUnmap) {
  TaskHandle a = spawn("a");
  hb_handle_t r;
  ASSERT_STATUS(HB_OK, create(a, 4096, &r));
  void* m = nullptr;
  ASSERT_STATUS(HB_OK, map(a, r, HB_RIGHT_READ | HB_RIGHT_WRITE, &m));
  uint64_t objects = kernel().stats_total().objects_alive;
  ASSERT_STATUS(HB_OK, a.close(r));
  static_cast<char*>(m)[0] = 'x';  // still mapped: the memory is still there
  EXPECT_EQ(objects, kernel().stats_total().objects_alive) << "the mapping keeps the region";
  ASSERT_STATUS(HB_OK, unmap(a, m));
  EXPECT_EQ(objects - 1, kernel().stats_total().objects_alive);
  EXPECT_EQ(0u, regions_charged(a));
}

TEST_F(RegionTest, ExitUnmapsAndFreesEverything) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t r, copy;
  ASSERT_STATUS(HB_OK, create(a, 3 * 4096, &r));
  ASSERT_STATUS(HB_OK, a.dup(r, HB_RIGHTS_SAME, &copy));
  hb_handle_t in_b = transfer(a, copy, b);
  void* m = nullptr;
  ASSERT_STATUS(HB_OK, map(a, r, HB_RIGHT_READ, &m));
  ASSERT_STATUS(HB_OK, map(b, in_b, HB_RIGHT_READ | HB_RIGHT_WRITE, &m));
  exit_all();
  EXPECT_EQ(heap_at_start(), arch::test::heap_bytes());
}

}  // namespace
}  // namespace harbor::test
