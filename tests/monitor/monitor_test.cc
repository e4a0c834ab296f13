// Monitors (harbor/monitor.h) with real task processes (Harbor::testing): mutual exclusion on
// two cores, signal wakes exactly the longest waiter, broadcast wakes exactly those waiting,
// timeouts that race with signals, the lost signal, every bad argument. docs/monitors.md.
#include <gtest/gtest.h>
#include <harbor/monitor.h>
#include <harbor/monitor.hpp>
#include <harbor/names.h>
#include <harbor/testing.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using harbor::testing::Machine;
using harbor::testing::Options;
using harbor::testing::Start;

constexpr hb_time_t kMs = 1000000;

// The shared data of the monitors below.
struct Shared {
  uint64_t counter;   // incremented inside the monitor
  uint64_t checksum;  // sum of what each increment saw, so a lost update shows twice
  uint32_t woken;     // waiters that returned HB_OK, in order:
  uint32_t order[16];
  uint64_t ok_returns, timed_out, delivered;  // the racing-timeouts test
};

std::vector<hb_handle_t> grant(const hb_monitor_t& m) {
  hb_handle_t raw[HB_MONITOR_HANDLES_MAX];
  uint32_t n = 0;
  EXPECT_EQ(hb_monitor_grant(&m, raw, HB_MONITOR_HANDLES_MAX, &n), HB_OK);
  return std::vector<hb_handle_t>(raw, raw + n);
}

// Attaches inside a task; the task fails (exit 1) if it cannot.
hb_monitor_t attach(const Start& start) {
  hb_monitor_t m{};
  EXPECT_EQ(hb_monitor_attach(start.handles.data(), static_cast<uint32_t>(start.handles.size()),
                              &m),
            HB_OK);
  return m;
}

Shared* data(const hb_monitor_t& m) { return static_cast<Shared*>(hb_monitor_data(&m)); }

// The test body, outside the monitor: waits until `n` tasks wait on `cond` (they queue in
// their own time), entering and leaving so that they can get in.
void await_waiters(hb_monitor_t& m, uint32_t cond, uint32_t n) {
  const hb_time_t give_up = hb_clock_ns() + 30000 * kMs;  // generous: sanitizers are slow
  while (hb_clock_ns() < give_up) {
    ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
    uint32_t now = 0;
    ASSERT_EQ(hb_cond_waiters(&m, cond, &now), HB_OK);
    ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
    if (now == n) return;
    hb_yield();
  }
  FAIL() << "never saw " << n << " waiters on condition " << cond;
}

// Every slot semaphore is back at 0: no post is left over for the slot's next user.
void expect_no_stale_posts(const hb_monitor_t& m) {
  for (uint32_t i = 0; i < m.waiters; ++i)
    EXPECT_EQ(hb_sem_wait(m.slots[i], HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "slot " << i;
}

// ---- mutual exclusion ---------------------------------------------------------------------

// Each task adds 1 to the counter `rounds` times, reading it, yielding the CPU (a syscall:
// the other tasks run, on this core and the other), then writing it back.
int increment(const Start& start, int rounds, bool use_monitor) {
  hb_monitor_t m = attach(start);
  Shared* sh = data(m);
  for (int i = 0; i < rounds; ++i) {
    if (use_monitor && hb_monitor_enter(&m, HB_FOREVER) != HB_OK) return 2;
    uint64_t seen = sh->counter;
    hb_yield();
    sh->counter = seen + 1;
    sh->checksum += seen;
    if (use_monitor && hb_monitor_exit(&m) != HB_OK) return 3;
  }
  return hb_monitor_detach(&m) == HB_OK ? 0 : 4;
}

void run_counters(Machine& machine, int tasks, int rounds, bool use_monitor, uint64_t* counter,
                  uint64_t* checksum) {
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(1, 1, sizeof(Shared), &m), HB_OK);
  std::vector<hb_task_id_t> ids;
  for (int t = 0; t < tasks; ++t)
    ids.push_back(machine.spawn([=](const Start& s) { return increment(s, rounds, use_monitor); },
                                grant(m), "adder" + std::to_string(t)));
  for (hb_task_id_t id : ids) EXPECT_EQ(machine.wait(id), 0);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  *counter = data(m)->counter;
  *checksum = data(m)->checksum;
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

TEST(MonitorMutex, FourTasksOnTwoCoresLoseNoIncrement) {
  Options options;
  options.cores = 2;
  Machine machine(options);
  const int tasks = 4, rounds = 400, n = tasks * rounds;
  uint64_t counter = 0, checksum = 0;
  run_counters(machine, tasks, rounds, true, &counter, &checksum);
  EXPECT_EQ(counter, static_cast<uint64_t>(n));
  // One task at a time: the values seen are exactly 0, 1, ..., n-1.
  EXPECT_EQ(checksum, static_cast<uint64_t>(n) * (n - 1) / 2);
}

// The check above can fail: the same tasks without the monitor lose updates. Round robin at
// syscall boundaries makes every task read the counter before any writes it back.
TEST(MonitorMutex, WithoutTheMonitorTheSameTasksLoseIncrements) {
  Options options;
  options.deterministic = true;
  Machine machine(options);
  uint64_t counter = 0, checksum = 0;
  run_counters(machine, 3, 50, false, &counter, &checksum);
  EXPECT_LT(counter, 150u) << "three tasks interleaved read-yield-write: updates must be lost";
}

// ---- signal and broadcast -----------------------------------------------------------------

enum : uint32_t { kWork = 0, kDone = 1 };

// A waiter: enters, waits on kWork, records that it woke (its number), tells the test body.
int waiter(const Start& start, uint32_t me, hb_time_t timeout) {
  hb_monitor_t m = attach(start);
  if (hb_monitor_enter(&m, HB_FOREVER) != HB_OK) return 2;
  hb_status_t s = hb_cond_wait(&m, kWork, timeout);
  if (s == HB_OK) {
    Shared* sh = data(m);
    sh->order[sh->woken++] = me;
    hb_cond_signal(&m, kDone);
  }
  if (hb_monitor_exit(&m) != HB_OK) return 3;
  hb_monitor_detach(&m);
  return s == HB_OK ? 0 : (s == HB_ERR_TIMED_OUT ? 10 : 11);
}

// Spawns waiters 1..n one at a time, each queued before the next starts (so 1 is the
// longest waiter).
std::vector<hb_task_id_t> queue_waiters(Machine& machine, hb_monitor_t& m, uint32_t n) {
  std::vector<hb_task_id_t> ids;
  for (uint32_t i = 1; i <= n; ++i) {
    ids.push_back(machine.spawn([i](const Start& s) { return waiter(s, i, HB_FOREVER); },
                                grant(m), "waiter" + std::to_string(i)));
    await_waiters(m, kWork, i);
  }
  return ids;
}

// Inside: waits until `n` waiters have reported waking.
void await_woken(hb_monitor_t& m, uint32_t n) {
  while (data(m)->woken < n) ASSERT_EQ(hb_cond_wait(&m, kDone, HB_FOREVER), HB_OK);
}

TEST(MonitorCondition, SignalWakesExactlyTheLongestWaiter) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 4, sizeof(Shared), &m), HB_OK);
  std::vector<hb_task_id_t> ids = queue_waiters(machine, m, 3);

  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  uint32_t left = 0;
  ASSERT_EQ(hb_cond_waiters(&m, kWork, &left), HB_OK);
  EXPECT_EQ(left, 2u) << "a signal takes exactly one waiter off the queue";
  await_woken(m, 1);
  EXPECT_EQ(data(m)->woken, 1u);
  EXPECT_EQ(data(m)->order[0], 1u) << "FIFO: the longest waiter";
  ASSERT_EQ(hb_cond_waiters(&m, kWork, &left), HB_OK);
  EXPECT_EQ(left, 2u) << "the other two still wait";
  EXPECT_EQ(machine.wait(ids[0]), 0);

  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 2);
  EXPECT_EQ(data(m)->order[1], 2u);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 3);
  EXPECT_EQ(data(m)->order[2], 3u);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  for (hb_task_id_t id : ids) EXPECT_EQ(machine.wait(id), 0);
  expect_no_stale_posts(m);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

// Broadcast wakes every task waiting when it is called, and no task that starts waiting
// after it: a late waiter cannot take a wake-up meant for an earlier one (the flaw of a
// condition made of one semaphore and a count). Free-running and over seeds.
class MonitorBroadcast : public ::testing::TestWithParam<uint64_t> {};

TEST_P(MonitorBroadcast, WakesEveryWaiterPresentAndNoLaterOne) {
  Options options;
  options.deterministic = GetParam() != 0;
  options.seed = GetParam();
  Machine machine(options);
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 6, sizeof(Shared), &m), HB_OK);
  std::vector<hb_task_id_t> ids = queue_waiters(machine, m, 4);

  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  ASSERT_EQ(hb_cond_broadcast(&m, kWork), HB_OK);
  uint32_t left = 9;
  ASSERT_EQ(hb_cond_waiters(&m, kWork, &left), HB_OK);
  EXPECT_EQ(left, 0u);
  // A late waiter, started before the woken ones are back inside.
  hb_task_id_t late = machine.spawn([](const Start& s) { return waiter(s, 99, HB_FOREVER); },
                                    grant(m), "late");
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  await_waiters(m, kWork, 1);  // the late one queues, whatever the order
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  await_woken(m, 4);
  EXPECT_EQ(data(m)->woken, 4u) << "every waiter of the broadcast woke, and only they";
  for (uint32_t i = 0; i < 4; ++i) EXPECT_NE(data(m)->order[i], 99u);
  ASSERT_EQ(hb_cond_waiters(&m, kWork, &left), HB_OK);
  EXPECT_EQ(left, 1u) << "the late waiter still waits";
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 5);
  EXPECT_EQ(data(m)->order[4], 99u);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  for (hb_task_id_t id : ids) EXPECT_EQ(machine.wait(id), 0);
  EXPECT_EQ(machine.wait(late), 0);
  expect_no_stale_posts(m);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

INSTANTIATE_TEST_SUITE_P(FreeRunningAndSeeds, MonitorBroadcast,
                         ::testing::Values(0u, 1u, 2u, 3u, 4u, 5u, 6u),
                         [](const auto& info) {
                           return info.param == 0 ? std::string("FreeRunning")
                                                  : "Seed" + std::to_string(info.param);
                         });

// ---- timeouts -----------------------------------------------------------------------------

TEST(MonitorTimeout, AWaitThatTimesOutReturnsInsideAndUsesNoSlot) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 2, sizeof(Shared), &m), HB_OK);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  EXPECT_EQ(hb_cond_wait(&m, kWork, 20 * kMs), HB_ERR_TIMED_OUT);
  EXPECT_EQ(m.inside, 1u) << "a wait returns inside the monitor, timed out or not";
  data(m)->counter = 7;  // and may touch the shared data
  uint32_t left = 9;
  ASSERT_EQ(hb_cond_waiters(&m, kWork, &left), HB_OK);
  EXPECT_EQ(left, 0u) << "the timed-out waiter took itself off the queue";
  // Its slot is free again: many more waits than there are slots.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(hb_cond_wait(&m, kWork, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  expect_no_stale_posts(m);

  // The monitor works as before: a waiter is woken by the next signal.
  hb_task_id_t w = machine.spawn([](const Start& s) { return waiter(s, 1, HB_FOREVER); },
                                 grant(m), "waiter");
  await_waiters(m, kWork, 1);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 1);
  EXPECT_EQ(data(m)->counter, 7u);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(machine.wait(w), 0);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

// A waits with a timeout, B without. A's timeout passes while the test body holds the
// monitor, so A cannot take itself off the queue; the body then signals once. (A's timeout
// must not pass before B queues behind it: 2 s is far more than a spawn takes; under the
// deterministic scheduler time is logical and the clock jumps, so no real time passes.) The signal
// chose A (still first in the queue): A returns HB_OK, having used it, and B still waits. A
// second signal wakes B. No signal is lost, none is used twice, no post is left behind.
class MonitorTimeoutRace : public ::testing::TestWithParam<uint64_t> {};

TEST_P(MonitorTimeoutRace, ATimeoutRacingASignalUsesThatSignalAndNoOther) {
  Options options;
  options.deterministic = GetParam() != 0;
  options.seed = GetParam();
  Machine machine(options);
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 3, sizeof(Shared), &m), HB_OK);  // A, B and the test body
  hb_task_id_t a = machine.spawn([](const Start& s) { return waiter(s, 1, 2000 * kMs); },
                                 grant(m), "a");
  await_waiters(m, kWork, 1);
  hb_task_id_t b = machine.spawn([](const Start& s) { return waiter(s, 2, HB_FOREVER); },
                                 grant(m), "b");
  await_waiters(m, kWork, 2);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  hb_handle_t never = HB_INVALID;  // sleep 3 s inside: A's timeout passes meanwhile
  ASSERT_EQ(hb_sem_create(0, 1, &never), HB_OK);
  EXPECT_EQ(hb_sem_wait(never, 3000 * kMs), HB_ERR_TIMED_OUT);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 1);
  EXPECT_EQ(data(m)->order[0], 1u) << "the signal went to the first waiter, A";
  uint32_t left = 0;
  ASSERT_EQ(hb_cond_waiters(&m, kWork, &left), HB_OK);
  EXPECT_EQ(left, 1u) << "B was not woken by A's signal";
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(machine.wait(a), 0) << "A returns HB_OK: the signal that chose it is not lost";
  // And the race did happen: A's sleep on its slot (W3) ended by its timeout, and A then took
  // the signal's post with HB_NOWAIT (W5).
  std::string trace = machine.trace_text();
  const std::string a_name = "a[" + std::to_string(a) + "]";
  size_t timed_out = std::string::npos;
  for (size_t at = trace.find(a_name); at != std::string::npos; at = trace.find(a_name, at + 1)) {
    size_t end = trace.find('\n', at);
    std::string line = trace.substr(at, end - at);
    if (line.find("TIMED_OUT") != std::string::npos) timed_out = at;
  }
  EXPECT_NE(timed_out, std::string::npos) << "A's sleep never timed out:\n" << trace;
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 2);
  EXPECT_EQ(data(m)->order[1], 2u);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(machine.wait(b), 0);
  expect_no_stale_posts(m);
  hb_handle_close(never);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

// A waiter that timed out and left does not take a later signal: that one wakes B.
TEST_P(MonitorTimeoutRace, AWaiterThatTimedOutDoesNotEatALaterSignal) {
  Options options;
  options.deterministic = GetParam() != 0;
  options.seed = GetParam();
  Machine machine(options);
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 2, sizeof(Shared), &m), HB_OK);
  hb_task_id_t a = machine.spawn([](const Start& s) { return waiter(s, 1, 5 * kMs); }, grant(m),
                                 "a");
  EXPECT_EQ(machine.wait(a), 10) << "A timed out (exit 10)";
  hb_task_id_t b = machine.spawn([](const Start& s) { return waiter(s, 2, HB_FOREVER); },
                                 grant(m), "b");
  await_waiters(m, kWork, 1);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  await_woken(m, 1);
  EXPECT_EQ(data(m)->order[0], 2u);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(machine.wait(b), 0);
  expect_no_stale_posts(m);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

// Waiters with short timeouts in a loop against a task that signals whenever someone waits:
// every signal that found a waiter made exactly one wait return HB_OK.
int racing_waiter(const Start& start, int rounds, hb_time_t timeout) {
  hb_monitor_t m = attach(start);
  Shared* sh = data(m);
  for (int i = 0; i < rounds; ++i) {
    if (hb_monitor_enter(&m, HB_FOREVER) != HB_OK) return 2;
    hb_status_t s = hb_cond_wait(&m, kWork, timeout);
    if (s == HB_OK)
      ++sh->ok_returns;
    else if (s == HB_ERR_TIMED_OUT)
      ++sh->timed_out;
    else
      return 3;
    if (hb_monitor_exit(&m) != HB_OK) return 4;
  }
  return 0;
}

TEST_P(MonitorTimeoutRace, EverySignalThatFindsAWaiterWakesExactlyOne) {
  Options options;
  options.deterministic = GetParam() != 0;
  options.seed = GetParam();
  Machine machine(options);
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(1, 4, sizeof(Shared), &m), HB_OK);
  const int rounds = 60;
  std::vector<hb_task_id_t> ids;
  for (int t = 0; t < 3; ++t) {
    hb_time_t timeout = (t + 1) * kMs / 4;
    ids.push_back(machine.spawn([=](const Start& s) { return racing_waiter(s, rounds, timeout); },
                                grant(m), "racer" + std::to_string(t)));
  }
  hb_task_id_t signaller = machine.spawn([](const Start& start) {
    hb_monitor_t sm = attach(start);
    for (int i = 0; i < 400; ++i) {
      if (hb_monitor_enter(&sm, HB_FOREVER) != HB_OK) return 2;
      uint32_t n = 0;
      hb_cond_waiters(&sm, kWork, &n);
      if (n > 0) {
        if (hb_cond_signal(&sm, kWork) != HB_OK) return 3;
        ++data(sm)->delivered;
      }
      hb_monitor_exit(&sm);
      hb_yield();
    }
    return 0;
  }, grant(m), "signaller");
  for (hb_task_id_t id : ids) EXPECT_EQ(machine.wait(id), 0);
  EXPECT_EQ(machine.wait(signaller), 0);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  const Shared* sh = data(m);
  EXPECT_EQ(sh->ok_returns + sh->timed_out, 3u * rounds);
  EXPECT_EQ(sh->ok_returns, sh->delivered) << "timed out " << sh->timed_out;
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  expect_no_stale_posts(m);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

INSTANTIATE_TEST_SUITE_P(FreeRunningAndSeeds, MonitorTimeoutRace,
                         ::testing::Values(0u, 1u, 2u, 3u, 7u),
                         [](const auto& info) {
                           return info.param == 0 ? std::string("FreeRunning")
                                                  : "Seed" + std::to_string(info.param);
                         });

// ---- the lost signal ----------------------------------------------------------------------

TEST(MonitorLostSignal, ASignalWithNoWaiterIsNotRemembered) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 2, sizeof(Shared), &m), HB_OK);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  EXPECT_EQ(hb_cond_signal(&m, kWork), HB_OK);     // nobody waits: it does nothing
  EXPECT_EQ(hb_cond_broadcast(&m, kWork), HB_OK);  // nor does this
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  // A waiter that comes afterwards sleeps until its timeout: exit code 10.
  hb_task_id_t w = machine.spawn([](const Start& s) { return waiter(s, 1, 30 * kMs); }, grant(m),
                                 "too-late");
  EXPECT_EQ(machine.wait(w), 10);
  expect_no_stale_posts(m);
  // A semaphore, by contrast, counts: a post before the wait is kept.
  hb_handle_t sem = HB_INVALID;
  ASSERT_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  ASSERT_EQ(hb_sem_post(sem, 1), HB_OK);
  EXPECT_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_OK);
  hb_handle_close(sem);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

// ---- bad arguments ------------------------------------------------------------------------

TEST(MonitorErrors, CreateRejectsCountsOutOfRangeAndNull) {
  Machine machine;
  hb_monitor_t m{};
  EXPECT_EQ(hb_monitor_create(1, 1, 0, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_create(0, 1, 0, &m), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_create(HB_MONITOR_CONDS_MAX + 1, 1, 0, &m), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_create(1, 0, 0, &m), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_create(1, HB_MONITOR_WAITERS_MAX + 1, 0, &m), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_create(1, 1, HB_MONITOR_DATA_MAX + 1ull, &m), HB_ERR_INVALID_ARG);
  EXPECT_EQ(m.shared, nullptr) << "out is written only on success";
  ASSERT_EQ(hb_monitor_create(HB_MONITOR_CONDS_MAX, HB_MONITOR_WAITERS_MAX, 0, &m), HB_OK);
  EXPECT_EQ(hb_monitor_data_size(&m), 0u);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

TEST(MonitorErrors, CallsOutsideTheMonitorAreAccessAndChangeNothing) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 2, sizeof(Shared), &m), HB_OK);
  uint32_t n = 0;
  EXPECT_EQ(hb_monitor_exit(&m), HB_ERR_ACCESS);
  EXPECT_EQ(hb_cond_wait(&m, 0, HB_FOREVER), HB_ERR_ACCESS);
  EXPECT_EQ(hb_cond_signal(&m, 0), HB_ERR_ACCESS);
  EXPECT_EQ(hb_cond_broadcast(&m, 0), HB_ERR_ACCESS);
  EXPECT_EQ(hb_cond_waiters(&m, 0, &n), HB_ERR_ACCESS);
  ASSERT_EQ(hb_monitor_enter(&m, HB_NOWAIT), HB_OK) << "the mutex is still open";
  EXPECT_EQ(hb_monitor_enter(&m, HB_NOWAIT), HB_ERR_INVALID_ARG) << "not recursive";
  EXPECT_EQ(hb_cond_wait(&m, 2, HB_NOWAIT), HB_ERR_INVALID_ARG) << "condition out of range";
  EXPECT_EQ(hb_cond_signal(&m, 2), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_cond_broadcast(&m, 99), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_cond_waiters(&m, 0, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(m.inside, 1u) << "still inside after every error";
  EXPECT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(hb_monitor_enter(nullptr, HB_NOWAIT), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_exit(nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_cond_signal(nullptr, 0), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_data(nullptr), nullptr);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
  EXPECT_EQ(hb_monitor_detach(&m), HB_ERR_INVALID_ARG) << "detached already";
  EXPECT_EQ(hb_monitor_enter(&m, HB_NOWAIT), HB_ERR_INVALID_ARG);
}

TEST(MonitorErrors, AWaitWithEverySlotTakenIsNoMemoryAndKeepsTheCallerInside) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 1, sizeof(Shared), &m), HB_OK);
  hb_task_id_t w = machine.spawn([](const Start& s) { return waiter(s, 1, HB_FOREVER); },
                                 grant(m), "waiter");
  await_waiters(m, kWork, 1);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  EXPECT_EQ(hb_cond_wait(&m, kDone, HB_FOREVER), HB_ERR_NO_MEMORY);
  EXPECT_EQ(m.inside, 1u);
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(machine.wait(w), 0);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

TEST(MonitorErrors, AttachChecksHandlesAndRegionAndLeavesThemTheCallers) {
  Machine machine;
  hb_monitor_t m{}, other{};
  ASSERT_EQ(hb_monitor_create(1, 2, 0, &m), HB_OK);
  std::vector<hb_handle_t> h = grant(m);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(hb_monitor_attach(nullptr, 4, &other), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_attach(h.data(), 4, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_attach(h.data(), 2, &other), HB_ERR_INVALID_ARG) << "no slot";
  EXPECT_EQ(hb_monitor_attach(h.data(), 3, &other), HB_ERR_INVALID_ARG)
      << "one slot handle for a monitor of two";
  std::vector<hb_handle_t> bad = h;
  bad[2] = 0x7777;
  EXPECT_EQ(hb_monitor_attach(bad.data(), 4, &other), HB_ERR_BAD_HANDLE);
  bad = h;
  std::swap(bad[0], bad[1]);
  EXPECT_EQ(hb_monitor_attach(bad.data(), 4, &other), HB_ERR_WRONG_TYPE) << "a semaphore first";
  // A region that holds no monitor (a fresh one, zero-filled).
  hb_handle_t fresh = HB_INVALID;
  ASSERT_EQ(hb_region_create(4096, 0, &fresh), HB_OK);
  bad = h;
  bad[0] = fresh;
  EXPECT_EQ(hb_monitor_attach(bad.data(), 4, &other), HB_ERR_INVALID_ARG);
  // A read-only grant of the monitor's region cannot be used: waiters write into it.
  hb_handle_t read_only = HB_INVALID;
  ASSERT_EQ(hb_handle_dup(h[0], HB_RIGHT_READ | HB_RIGHT_MAP, &read_only), HB_OK);
  bad = h;
  bad[0] = read_only;
  EXPECT_EQ(hb_monitor_attach(bad.data(), 4, &other), HB_ERR_ACCESS);
  EXPECT_EQ(other.shared, nullptr);
  // Every failure left the handles with the caller.
  for (hb_handle_t handle : {h[0], h[1], h[2], h[3], fresh, read_only}) {
    hb_handle_info_t info{};
    EXPECT_EQ(hb_handle_info(handle, &info), HB_OK) << handle;
  }
  ASSERT_EQ(hb_monitor_attach(h.data(), 4, &other), HB_OK);
  EXPECT_EQ(hb_monitor_detach(&other), HB_OK);
  hb_handle_info_t info{};
  EXPECT_EQ(hb_handle_info(h[0], &info), HB_ERR_BAD_HANDLE) << "detach closed what it owned";
  hb_handle_close(fresh);
  hb_handle_close(read_only);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

TEST(MonitorErrors, GrantSaysHowManyHandlesItNeeds) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(1, 3, 0, &m), HB_OK);
  hb_handle_t out[4];
  uint32_t n = 0;
  EXPECT_EQ(hb_monitor_grant(&m, out, 4, &n), HB_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(hb_monitor_grant(&m, nullptr, 4, &n), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_grant(nullptr, out, 4, &n), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

// ---- the C++ wrapper ----------------------------------------------------------------------

TEST(MonitorCpp, LockGuardAndConditionWithAPredicate) {
  Machine machine;
  auto monitor = harbor::Monitor::create(2, 2, sizeof(Shared));
  ASSERT_TRUE(monitor) << monitor.message();
  auto granted = monitor->grant();
  ASSERT_TRUE(granted);
  auto all = granted->raw();
  std::vector<hb_handle_t> raw(all.begin(), all.begin() + granted->count);
  granted->release();
  hb_task_id_t consumer = machine.spawn([](const Start& start) {
    auto m = harbor::Monitor::attach(start.handles);
    if (!m) return 2;
    harbor::Condition ready(*m, kWork);
    harbor::MonitorLock lock(*m);
    Shared* sh = m->data<Shared>();
    if (!ready.wait(lock, [&] { return sh->counter == 3; }).ok()) return 3;
    sh->checksum = 42;
    return 0;
  }, raw, "consumer");
  harbor::Condition ready(*monitor, kWork);
  for (int i = 0; i < 3; ++i) {
    harbor::MonitorLock lock(*monitor);
    ASSERT_TRUE(lock);
    ++monitor->data<Shared>()->counter;
    EXPECT_TRUE(ready.signal().ok());
  }
  EXPECT_EQ(machine.wait(consumer), 0);
  harbor::MonitorLock lock(*monitor);
  EXPECT_EQ(monitor->data<Shared>()->checksum, 42u);
  EXPECT_FALSE(harbor::MonitorLock(*monitor)) << "a second lock in the same task fails";
}

}  // namespace

// ---- by name ------------------------------------------------------------------------------

namespace {

// The creator publishes the monitor by name; a task that was given no handle opens it by
// name, waits on it, and is signalled through it.
TEST(MonitorByName, ATaskOpensAPublishedMonitorAndIsSignalled) {
  Machine machine;
  hb_monitor_t m{};
  ASSERT_EQ(hb_monitor_create(2, 3, sizeof(Shared), &m), HB_OK);
  // Published before the opener starts. (Registering NAME.0 while another task's lookup of
  // NAME waits fails with HB_ERR_INVALID_ARG in the name service as it is now: reported.)
  ASSERT_EQ(hb_monitor_publish(&m, "shelf"), HB_OK);
  EXPECT_EQ(hb_monitor_publish(&m, "shelf"), HB_ERR_ALREADY_EXISTS);
  hb_task_id_t w = machine.spawn([] {
    hb_monitor_t om{};
    if (hb_monitor_open("shelf", 10000 * kMs, &om) != HB_OK) return 2;
    if (hb_monitor_enter(&om, HB_FOREVER) != HB_OK) return 3;
    Shared* sh = data(om);
    while (sh->counter == 0)
      if (hb_cond_wait(&om, kWork, HB_FOREVER) != HB_OK) return 4;
    sh->checksum = 77;
    hb_monitor_exit(&om);
    return hb_monitor_detach(&om) == HB_OK ? 0 : 5;
  }, {}, "opener");
  await_waiters(m, kWork, 1);
  ASSERT_EQ(hb_monitor_enter(&m, HB_FOREVER), HB_OK);
  data(m)->counter = 1;
  ASSERT_EQ(hb_cond_signal(&m, kWork), HB_OK);
  ASSERT_EQ(hb_monitor_exit(&m), HB_OK);
  EXPECT_EQ(machine.wait(w), 0);
  EXPECT_EQ(data(m)->checksum, 77u);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

TEST(MonitorByName, BadNamesAndMissingMonitorsAreClearErrors) {
  Machine machine;
  hb_monitor_t m{}, other{};
  ASSERT_EQ(hb_monitor_create(1, 2, 0, &m), HB_OK);
  EXPECT_EQ(hb_monitor_publish(&m, ""), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_publish(&m, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_publish(&m, std::string(HB_NAME_MAX - 5, 'x').c_str()), HB_ERR_INVALID_ARG)
      << "no room for the .mutex suffix";
  EXPECT_EQ(hb_monitor_publish(&m, "bad name"), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_monitor_open("nobody", HB_NOWAIT, &other), HB_ERR_NOT_FOUND);
  EXPECT_EQ(hb_monitor_open("nobody", 10 * kMs, &other), HB_ERR_TIMED_OUT);
  EXPECT_EQ(hb_monitor_open("shelf", HB_NOWAIT, nullptr), HB_ERR_INVALID_ARG);
  // A region published under a name is not a monitor.
  hb_handle_t fresh = HB_INVALID;
  ASSERT_EQ(hb_region_create(4096, 0, &fresh), HB_OK);
  ASSERT_EQ(hb_name_register("plain", fresh), HB_OK);
  EXPECT_EQ(hb_monitor_open("plain", HB_NOWAIT, &other), HB_ERR_INVALID_ARG);
  // After a failed publish (the mutex's name taken), nothing stays registered.
  ASSERT_EQ(hb_name_register("taken.mutex", fresh), HB_OK);
  EXPECT_EQ(hb_monitor_publish(&m, "taken"), HB_ERR_ALREADY_EXISTS);
  hb_handle_t h = HB_INVALID;
  EXPECT_EQ(hb_name_lookup("taken.0", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
  EXPECT_EQ(hb_name_lookup("taken", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
  EXPECT_EQ(other.shared, nullptr);
  hb_handle_close(fresh);
  EXPECT_EQ(hb_monitor_detach(&m), HB_OK);
}

}  // namespace
