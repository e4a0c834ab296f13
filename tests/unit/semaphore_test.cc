// SemaphoreTest: counting semaphores: wait takes a unit or blocks (FIFO), post adds units;
// posting beyond max is HB_ERR_INVALID_ARG and changes nothing (SPEC 2, kernel/semaphore.h).
#include "harness.h"

namespace harbor::test {
namespace {

class SemaphoreTest : public Harness {
 protected:
  // How many units the semaphore holds, counted by taking them all (then putting them back).
  uint32_t count(TaskHandle t, hb_handle_t sem) {
    uint32_t n = 0;
    while (t.sem_wait(sem, HB_NOWAIT) == HB_OK) ++n;
    if (n) EXPECT_STATUS(HB_OK, t.sem_post(sem, n));
    return n;
  }
};

TEST_F(SemaphoreTest, WaitTakesAUnitWithoutBlocking) {
  TaskHandle a = spawn("a");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, a.sem_create(2, 5, &sem));
  EXPECT_EQ(uint32_t{HB_OBJ_SEMAPHORE}, a.info(sem).type);
  EXPECT_STATUS(HB_OK, a.sem_wait(sem, HB_FOREVER));
  EXPECT_STATUS(HB_OK, a.sem_wait(sem, HB_FOREVER));
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, a.sem_wait(sem, HB_NOWAIT));
}

TEST_F(SemaphoreTest, WaitBlocksUntilAPost) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t sem, copy;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 5, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &copy));
  hb_handle_t in_b = transfer(a, copy, b);
  ASSERT_STATUS(kernel::kBlocked, b.sem_wait(in_b, HB_FOREVER));
  ASSERT_STATUS(HB_OK, a.sem_post(sem, 1));
  EXPECT_RESUMED(b, HB_OK);
  EXPECT_EQ(0u, count(a, sem)) << "the unit went to the waiter";
}

TEST_F(SemaphoreTest, WaitTimesOut) {
  TaskHandle a = spawn("a");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  ASSERT_STATUS(kernel::kBlocked, a.sem_wait(sem, 300));
  advance(299);
  EXPECT_BLOCKED(a);
  advance(1);
  EXPECT_RESUMED(a, HB_ERR_TIMED_OUT);
  EXPECT_EQ(0u, count(a, sem));
}

TEST_F(SemaphoreTest, TimedOutWaiterTakesNoLaterUnit) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t sem, copy;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 3, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &copy));
  hb_handle_t in_b = transfer(a, copy, b);
  ASSERT_STATUS(kernel::kBlocked, b.sem_wait(in_b, 10));
  advance(10);
  EXPECT_RESUMED(b, HB_ERR_TIMED_OUT);
  ASSERT_STATUS(HB_OK, a.sem_post(sem, 1));
  EXPECT_EQ(1u, count(a, sem));
}

TEST_F(SemaphoreTest, PostBeyondMaxIsInvalidArgAndTheCountIsUnchanged) {
  TaskHandle a = spawn("a");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, a.sem_create(2, 3, &sem));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_post(sem, 2));
  EXPECT_EQ(2u, count(a, sem));
  EXPECT_STATUS(HB_OK, a.sem_post(sem, 1));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_post(sem, 1));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_post(sem, UINT32_MAX));
  EXPECT_EQ(3u, count(a, sem));
}

TEST_F(SemaphoreTest, PostOfZeroIsInvalidArg) {
  TaskHandle a = spawn("a");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, a.sem_create(1, 3, &sem));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_post(sem, 0));
  EXPECT_EQ(1u, count(a, sem));
}

TEST_F(SemaphoreTest, UnitsHandedToWaitersDoNotCountAgainstMax) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  hb_handle_t sem, c1, c2;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &c1));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &c2));
  hb_handle_t sb = transfer(a, c1, b), sc = transfer(a, c2, c);
  ASSERT_STATUS(kernel::kBlocked, b.sem_wait(sb, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, c.sem_wait(sc, HB_FOREVER));
  ASSERT_STATUS(HB_OK, a.sem_post(sem, 3)) << "two go to waiters, one stays: within max 1";
  EXPECT_RESUMED(b, HB_OK);
  EXPECT_RESUMED(c, HB_OK);
  EXPECT_EQ(1u, count(a, sem));
}

TEST_F(SemaphoreTest, FailedPostWakesNobody) {
  TaskHandle a = spawn("a"), b = spawn("b");
  hb_handle_t sem, copy;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &copy));
  hb_handle_t sb = transfer(a, copy, b);
  ASSERT_STATUS(kernel::kBlocked, b.sem_wait(sb, HB_FOREVER));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_post(sem, 3)) << "one to the waiter, two > max 1";
  EXPECT_BLOCKED(b);
}

TEST_F(SemaphoreTest, WaitersAreServedInFifoOrder) {
  TaskHandle owner = spawn("owner");
  hb_handle_t sem;
  ASSERT_STATUS(HB_OK, owner.sem_create(0, 10, &sem));
  std::vector<TaskHandle> waiters;
  for (int i = 0; i < 3; ++i) {
    TaskHandle w = spawn("w" + std::to_string(i));
    hb_handle_t copy;
    ASSERT_STATUS(HB_OK, owner.dup(sem, HB_RIGHTS_SAME, &copy));
    hb_handle_t h = transfer(owner, copy, w);
    ASSERT_STATUS(kernel::kBlocked, w.sem_wait(h, HB_FOREVER));
    waiters.push_back(w);
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_STATUS(HB_OK, owner.sem_post(sem, 1));
    EXPECT_RESUMED(waiters[i], HB_OK) << "waiter " << i;
    for (int j = i + 1; j < 3; ++j) EXPECT_BLOCKED(waiters[j]);
  }
}

TEST_F(SemaphoreTest, CreateChecksInitialAndMax) {
  TaskHandle a = spawn("a");
  hb_handle_t sem = -7;
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_create(0, 0, &sem));
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.sem_create(4, 3, &sem));
  EXPECT_EQ(-7, sem);
  EXPECT_EQ(0u, a.semaphores_charged());
}

TEST_F(SemaphoreTest, ClosingTheLastHandleReturnsTheQuota) {
  TaskHandle a = spawn("a");
  hb_handle_t sem, copy;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &copy));
  EXPECT_EQ(1u, a.semaphores_charged());
  ASSERT_STATUS(HB_OK, a.close(sem));
  EXPECT_EQ(1u, a.semaphores_charged());
  ASSERT_STATUS(HB_OK, a.close(copy));
  EXPECT_EQ(0u, a.semaphores_charged());
}

TEST_F(SemaphoreTest, WaiterKilledLeavesTheQueue) {
  TaskHandle a = spawn("a"), b = spawn("b"), c = spawn("c");
  hb_handle_t sem, c1, c2;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 5, &sem));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &c1));
  ASSERT_STATUS(HB_OK, a.dup(sem, HB_RIGHTS_SAME, &c2));
  hb_handle_t sb = transfer(a, c1, b), sc = transfer(a, c2, c);
  ASSERT_STATUS(kernel::kBlocked, b.sem_wait(sb, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, c.sem_wait(sc, HB_FOREVER));
  kernel().task_died(*b.task(), -9);
  ASSERT_STATUS(HB_OK, a.sem_post(sem, 1));
  EXPECT_RESUMED(c, HB_OK) << "the unit goes to the next live waiter";
}

}  // namespace
}  // namespace harbor::test
