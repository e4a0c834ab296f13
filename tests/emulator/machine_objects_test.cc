// tests/emulator/machine_objects_test.cc - Machine::make_region and Machine::make_semaphore
// (arch/hosted/machine_objects.cc), which harbor-emu uses to wire a scenario's regions and
// semaphores: bad arguments are refused with nothing made, good ones give a capability with
// every right a creating task would get, and closing it frees the object (and its quota
// holder) without a trace.
#include <gtest/gtest.h>
#include <hosted/machine.h>
#include <kernel/grant_region.h>
#include <kernel/semaphore.h>

namespace {

uint64_t objects_alive(hosted::Machine& machine) {
  uint64_t n = 0;
  machine.with_kernel([&](kernel::Kernel& k) { n = k.stats_total().objects_alive; });
  return n;
}

TEST(MachineObjectsTest, BadSizesAndCountsAreRefusedAndMakeNothing) {
  hosted::Machine machine{hosted::MachineOptions{}};
  const uint64_t before = objects_alive(machine);
  for (uint64_t size : {uint64_t{0}, kernel::GrantRegion::kMaxSize + 1}) {
    hosted::Machine::ObjectCap r = machine.make_region(size);
    EXPECT_EQ(r.status, HB_ERR_INVALID_ARG) << size;
    EXPECT_TRUE(r.cap.empty());
  }
  for (auto [initial, max] : {std::pair<uint32_t, uint32_t>{0, 0}, {2, 1}}) {
    hosted::Machine::ObjectCap s = machine.make_semaphore(initial, max);
    EXPECT_EQ(s.status, HB_ERR_INVALID_ARG) << initial << "/" << max;
    EXPECT_TRUE(s.cap.empty());
  }
  EXPECT_EQ(objects_alive(machine), before);
}

TEST(MachineObjectsTest, ARegionAndASemaphoreCarryTheCreatorsRightsAndCloseWithoutATrace) {
  hosted::Machine machine{hosted::MachineOptions{}};
  const uint64_t before = objects_alive(machine);
  hosted::Machine::ObjectCap region = machine.make_region(5000);
  ASSERT_EQ(region.status, HB_OK);
  ASSERT_FALSE(region.cap.empty());
  EXPECT_EQ(region.cap.object->type(), kernel::ObjectType::Region);
  EXPECT_EQ(region.cap.rights, kernel::GrantRegion::kCreatorRights);
  EXPECT_EQ(static_cast<kernel::GrantRegion*>(region.cap.object)->size(), 8192u);  // whole pages

  hosted::Machine::ObjectCap sem = machine.make_semaphore(3, 8);
  ASSERT_EQ(sem.status, HB_OK);
  EXPECT_EQ(sem.cap.object->type(), kernel::ObjectType::Semaphore);
  EXPECT_EQ(sem.cap.rights, uint32_t{HB_RIGHT_SEND | HB_RIGHT_RECV | HB_RIGHT_DUP | HB_RIGHT_TRANSFER});
  EXPECT_EQ(static_cast<kernel::Semaphore*>(sem.cap.object)->count(), 3u);
  EXPECT_EQ(static_cast<kernel::Semaphore*>(sem.cap.object)->max(), 8u);
  EXPECT_EQ(objects_alive(machine), before + 2);

  kernel::Capability copy = machine.duplicate(region.cap);  // a second handle keeps it alive
  machine.close(region.cap);
  EXPECT_EQ(objects_alive(machine), before + 2);
  machine.close(copy);
  machine.close(sem.cap);
  EXPECT_EQ(objects_alive(machine), before);  // freed, and their quota holders with them
}

}  // namespace
