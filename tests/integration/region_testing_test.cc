// Grant regions in the tasks Harbor::testing makes (docs/testing.md): the test body is a task
// living in this very process, and spawn() runs a function as a task in a fork of it. Both
// map regions like any task; a fork must not inherit the mappings of its parent, for which it
// holds no handle (userland/runtime/hosted/region.cc wipes them in the child).
#include <gtest/gtest.h>
#include <harbor/testing.hpp>

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace {

using harbor::testing::Machine;
using harbor::testing::Start;

constexpr uint32_t kRw = HB_RIGHT_READ | HB_RIGHT_WRITE;
constexpr uint64_t kSize = 65536;

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

struct Mapped {
  hb_handle_t region{HB_INVALID};
  uint8_t* bytes{nullptr};
};

Mapped make_and_map() {
  Mapped m;
  EXPECT_EQ(hb_region_create(kSize, 0, &m.region), HB_OK);
  void* at = nullptr;
  EXPECT_EQ(hb_region_map(m.region, kRw, &at), HB_OK);
  m.bytes = static_cast<uint8_t*>(at);
  return m;
}

hb_handle_t dup(hb_handle_t h, uint32_t rights) {
  hb_handle_t out = HB_INVALID;
  EXPECT_EQ(hb_handle_dup(h, rights, &out), HB_OK);
  return out;
}

TEST(RegionTesting, TestBodyAndAFunctionTaskShareARegion) {
  Machine machine;
  Mapped m = make_and_map();
  ASSERT_NE(m.bytes, nullptr);
  std::memset(m.bytes, 7, kSize);
  auto writer = machine.spawn([](const Start& start) {
    void* at = nullptr;
    ASSERT_EQ(hb_region_map(start.handle(0), kRw, &at), HB_OK);
    auto* bytes = static_cast<uint8_t*>(at);
    EXPECT_EQ(bytes[kSize - 1], 7);
    std::memset(bytes, 9, kSize);
    EXPECT_EQ(hb_region_unmap(at), HB_OK);
  }, {dup(m.region, kRw | HB_RIGHT_MAP | HB_RIGHT_TRANSFER)}, "writer");
  EXPECT_EQ(machine.wait(writer), 0);
  EXPECT_EQ(m.bytes[0], 9);
  EXPECT_EQ(m.bytes[kSize - 1], 9);
  EXPECT_EQ(hb_region_unmap(m.bytes), HB_OK);
  EXPECT_EQ(hb_region_unmap(m.bytes), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_handle_close(m.region), HB_OK);
}

TEST(RegionTesting, AForkedTaskDoesNotInheritItsParentsMappings) {
  Machine machine;
  Mapped m = make_and_map();
  ASSERT_NE(m.bytes, nullptr);
  m.bytes[0] = 42;
  const uintptr_t address = reinterpret_cast<uintptr_t>(m.bytes);
  auto peeker = machine.spawn([address] {
    die_on_faults();
    uint8_t seen = *reinterpret_cast<volatile uint8_t*>(address);  // no handle: must fault
    ADD_FAILURE() << "a forked task read " << int(seen) << " through its parent's mapping";
  }, {}, "peeker");
  EXPECT_EQ(machine.wait(peeker), -SIGSEGV);
  EXPECT_EQ(m.bytes[0], 42) << "the parent's mapping is untouched";
  EXPECT_EQ(hb_region_unmap(m.bytes), HB_OK);
}

TEST(RegionTesting, RevokeKillsTheTaskThatTouchesItNotTheTest) {
  Machine machine;
  Mapped m = make_and_map();
  ASSERT_NE(m.bytes, nullptr);
  hb_handle_t ready = HB_INVALID, go = HB_INVALID;
  ASSERT_EQ(hb_sem_create(0, 1, &ready), HB_OK);
  ASSERT_EQ(hb_sem_create(0, 1, &go), HB_OK);
  auto victim = machine.spawn([](const Start& start) {
    void* at = nullptr;
    ASSERT_EQ(hb_region_map(start.handle(0), HB_RIGHT_READ, &at), HB_OK);
    EXPECT_EQ(static_cast<uint8_t*>(at)[0], 0) << "zero-filled";
    ASSERT_EQ(hb_sem_post(start.handle(1), 1), HB_OK);
    ASSERT_EQ(hb_sem_wait(start.handle(2), HB_FOREVER), HB_OK);
    die_on_faults();
    uint8_t seen = *static_cast<volatile uint8_t*>(at);  // revoked: SIGBUS
    ADD_FAILURE() << "read " << int(seen) << " after revoke";
  }, {dup(m.region, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER),
      dup(ready, HB_RIGHT_SEND | HB_RIGHT_TRANSFER), dup(go, HB_RIGHT_RECV | HB_RIGHT_TRANSFER)},
     "victim");
  ASSERT_EQ(hb_sem_wait(ready, 10000000000ull), HB_OK);
  EXPECT_EQ(hb_region_revoke(m.region), HB_OK);
  EXPECT_EQ(hb_sem_post(go, 1), HB_OK);
  EXPECT_EQ(machine.wait(victim), -SIGBUS);
  void* again = nullptr;
  EXPECT_EQ(hb_region_map(m.region, HB_RIGHT_READ, &again), HB_ERR_PEER_CLOSED);
  EXPECT_EQ(hb_region_unmap(m.bytes), HB_OK);  // the test body never touched it again
}

}  // namespace
