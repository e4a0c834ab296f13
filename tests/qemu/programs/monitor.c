/* monitor: monitors (harbor/monitor.h) and the bounded buffer (harbor/bounded_buffer.h)
 * between tasks, the same checks hosted and under QEMU (booted with -smp 1 and -smp 2):
 *   - mutual exclusion: two adders read the counter, yield, write it back, 200 times each,
 *     inside the monitor: the counter and the checksum of what they saw are exact;
 *   - signal wakes exactly the longest waiter; broadcast wakes the rest;
 *   - a wait that times out returns inside, HB_ERR_TIMED_OUT, and frees its slot;
 *   - a signal with no waiter is lost: a later waiter times out;
 *   - bad arguments give their errors;
 *   - the bounded buffer: two producers, the parent consumes, every item once, in order per
 *     producer.
 * Roles (the start message): "adder", "waiter1", "waiter2", "late", "producer0", "producer1". */
#include <harbor/bounded_buffer.h>
#include <harbor/monitor.h>

#include "check.h"

#define ROUNDS 200
#define ITEMS 300
#define PATIENCE T_MS(20000)

enum { WORK = 0, DONE = 1 };

typedef struct shared {
  uint64_t counter, checksum;
  uint32_t woken;
  uint32_t order[4];
} shared;

static shared *data_of(hb_monitor_t *m) { return (shared *)hb_monitor_data(m); }

/* ---- the children ---------------------------------------------------------------------- */

static int adder(const t_start *s) {
  hb_monitor_t m;
  CHECK_EQ(hb_monitor_attach(s->handles, s->handle_count, &m), HB_OK);
  if (t_failures) return t_done();
  shared *sh = data_of(&m);
  for (int i = 0; i < ROUNDS; ++i) {
    CHECK_EQ(hb_monitor_enter(&m, PATIENCE), HB_OK);
    uint64_t seen = sh->counter;
    hb_yield(); /* the other adder runs now, on this core or the other */
    sh->counter = seen + 1;
    sh->checksum += seen;
    CHECK_EQ(hb_monitor_exit(&m), HB_OK);
  }
  CHECK_EQ(hb_monitor_detach(&m), HB_OK);
  return t_done();
}

/* Waits on WORK; when woken, writes its number into order[] and signals DONE. */
static int waiter(const t_start *s, uint32_t me, hb_time_t timeout) {
  hb_monitor_t m;
  CHECK_EQ(hb_monitor_attach(s->handles, s->handle_count, &m), HB_OK);
  if (t_failures) return t_done();
  CHECK_EQ(hb_monitor_enter(&m, PATIENCE), HB_OK);
  hb_status_t r = hb_cond_wait(&m, WORK, timeout);
  if (r == HB_OK) {
    shared *sh = data_of(&m);
    sh->order[sh->woken++] = me;
  }
  CHECK_EQ(hb_monitor_exit(&m), HB_OK);
  hb_monitor_detach(&m);
  if (t_failures) return t_done();
  return r == HB_OK ? 0 : r == HB_ERR_TIMED_OUT ? 10 : 11;
}

static int producer(const t_start *s, uint32_t me) {
  hb_bounded_buffer_t b;
  CHECK_EQ(hb_bounded_buffer_attach(s->handles, s->handle_count, 8, &b), HB_OK);
  if (t_failures) return t_done();
  for (uint32_t i = 0; i < ITEMS; ++i) {
    uint64_t item = (uint64_t)me << 32 | i;
    CHECK_EQ(hb_bounded_buffer_put(&b, &item, PATIENCE), HB_OK);
  }
  CHECK_EQ(hb_bounded_buffer_detach(&b), HB_OK);
  return t_done();
}

/* ---- the parent ------------------------------------------------------------------------ */

static hb_task_id_t spawn_with_monitor(hb_monitor_t *m, const char *role) {
  hb_handle_t h[4];
  uint32_t n = 0;
  CHECK_EQ(hb_monitor_grant(m, h, 4, &n), HB_OK);
  hb_task_id_t id = 0;
  CHECK_EQ(t_spawn("monitor", role, h, n, &id), HB_OK);
  return id;
}

static int32_t exit_code(hb_task_id_t id) {
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(id, &code, T_MS(60000)), HB_OK);
  return code;
}

/* Outside the monitor: enters and leaves until `n` tasks wait on WORK. */
static void await_waiters(hb_monitor_t *m, uint32_t n) {
  hb_time_t give_up = hb_clock_ns() + PATIENCE;
  while (hb_clock_ns() < give_up) {
    uint32_t now = 0;
    CHECK_EQ(hb_monitor_enter(m, PATIENCE), HB_OK);
    CHECK_EQ(hb_cond_waiters(m, WORK, &now), HB_OK);
    CHECK_EQ(hb_monitor_exit(m), HB_OK);
    if (now == n || t_failures) return;
    hb_yield();
  }
  CHECK_EQ(0, n); /* never saw n waiters */
}

/* Outside the monitor: until `n` waiters have reported waking. */
static uint32_t await_woken(hb_monitor_t *m, uint32_t n) {
  uint32_t woken = 0;
  hb_time_t give_up = hb_clock_ns() + PATIENCE;
  while (woken < n && !t_failures && hb_clock_ns() < give_up) {
    CHECK_EQ(hb_monitor_enter(m, PATIENCE), HB_OK);
    woken = data_of(m)->woken;
    CHECK_EQ(hb_monitor_exit(m), HB_OK);
    if (woken < n) hb_yield();
  }
  return woken;
}

static void mutual_exclusion(hb_monitor_t *m) {
  hb_task_id_t a = spawn_with_monitor(m, "adder"), b = spawn_with_monitor(m, "adder");
  CHECK_EQ(exit_code(a), 0);
  CHECK_EQ(exit_code(b), 0);
  CHECK_EQ(hb_monitor_enter(m, PATIENCE), HB_OK);
  CHECK_EQ(data_of(m)->counter, 2 * ROUNDS);
  CHECK_EQ(data_of(m)->checksum, (uint64_t)(2 * ROUNDS) * (2 * ROUNDS - 1) / 2);
  CHECK_EQ(hb_monitor_exit(m), HB_OK);
}

static void signal_and_broadcast(hb_monitor_t *m) {
  hb_task_id_t w1 = spawn_with_monitor(m, "waiter1");
  await_waiters(m, 1);
  hb_task_id_t w2 = spawn_with_monitor(m, "waiter2");
  await_waiters(m, 2);
  uint32_t left = 9;
  CHECK_EQ(hb_monitor_enter(m, PATIENCE), HB_OK);
  CHECK_EQ(hb_cond_signal(m, WORK), HB_OK);
  CHECK_EQ(hb_cond_waiters(m, WORK, &left), HB_OK);
  CHECK_EQ(left, 1); /* exactly one taken off the queue */
  CHECK_EQ(hb_monitor_exit(m), HB_OK);
  CHECK_EQ(await_woken(m, 1), 1);
  CHECK_EQ(exit_code(w1), 0);
  CHECK_EQ(hb_monitor_enter(m, PATIENCE), HB_OK);
  CHECK_EQ(data_of(m)->order[0], 1); /* the longest waiter */
  CHECK_EQ(data_of(m)->woken, 1);
  CHECK_EQ(hb_cond_broadcast(m, WORK), HB_OK);
  CHECK_EQ(hb_cond_waiters(m, WORK, &left), HB_OK);
  CHECK_EQ(left, 0);
  CHECK_EQ(hb_monitor_exit(m), HB_OK);
  CHECK_EQ(await_woken(m, 2), 2);
  CHECK_EQ(exit_code(w2), 0);
  CHECK_EQ(data_of(m)->order[1], 2);
}

static void timeouts_and_lost_signal(hb_monitor_t *m) {
  uint32_t left = 9;
  CHECK_EQ(hb_monitor_enter(m, PATIENCE), HB_OK);
  CHECK_EQ(hb_cond_wait(m, WORK, T_MS(10)), HB_ERR_TIMED_OUT);
  CHECK_EQ(m->inside, 1); /* back inside */
  CHECK_EQ(hb_cond_waiters(m, WORK, &left), HB_OK);
  CHECK_EQ(left, 0);
  for (int i = 0; i < 4; ++i) CHECK_EQ(hb_cond_wait(m, WORK, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_cond_signal(m, WORK), HB_OK); /* nobody waits: lost */
  CHECK_EQ(hb_monitor_exit(m), HB_OK);
  hb_task_id_t late = spawn_with_monitor(m, "late");
  CHECK_EQ(exit_code(late), 10); /* it timed out: the signal was not remembered */
  for (uint32_t i = 0; i < m->waiters; ++i)
    CHECK_EQ(hb_sem_wait(m->slots[i], HB_NOWAIT), HB_ERR_WOULD_BLOCK); /* no stale post */
}

static void bad_arguments(hb_monitor_t *m) {
  hb_monitor_t other;
  hb_handle_t h[4], fresh;
  uint32_t n = 0;
  CHECK_EQ(hb_monitor_create(0, 1, 0, &other), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_monitor_create(1, HB_MONITOR_WAITERS_MAX + 1, 0, &other), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_monitor_create(1, 1, 0, 0), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_monitor_exit(m), HB_ERR_ACCESS);
  CHECK_EQ(hb_cond_signal(m, WORK), HB_ERR_ACCESS);
  CHECK_EQ(hb_monitor_grant(m, h, 3, &n), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(n, 4);
  CHECK_EQ(hb_monitor_grant(m, h, 4, &n), HB_OK);
  CHECK_EQ(hb_monitor_attach(0, 4, &other), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_monitor_attach(h, 3, &other), HB_ERR_INVALID_ARG);
  hb_handle_t keep = h[1];
  h[1] = 0x7777;
  CHECK_EQ(hb_monitor_attach(h, 4, &other), HB_ERR_BAD_HANDLE);
  h[1] = h[0];
  CHECK_EQ(hb_monitor_attach(h, 4, &other), HB_ERR_WRONG_TYPE);
  h[1] = keep;
  CHECK_EQ(hb_region_create(4096, 0, &fresh), HB_OK);
  hb_handle_t region = h[0];
  h[0] = fresh;
  CHECK_EQ(hb_monitor_attach(h, 4, &other), HB_ERR_INVALID_ARG); /* not a monitor */
  h[0] = region;
  CHECK_EQ(hb_monitor_attach(h, 4, &other), HB_OK);
  CHECK_EQ(hb_monitor_detach(&other), HB_OK);
  CHECK_EQ(hb_monitor_detach(&other), HB_ERR_INVALID_ARG);
  hb_handle_close(fresh);
}

static void bounded_buffer(void) {
  hb_bounded_buffer_t b;
  CHECK_EQ(hb_bounded_buffer_create(0, 4, &b), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_bounded_buffer_create(8, 4, &b), HB_OK);
  hb_task_id_t ids[2];
  for (uint32_t p = 0; p < 2; ++p) {
    hb_handle_t h[HB_BOUNDED_BUFFER_HANDLES];
    CHECK_EQ(hb_bounded_buffer_grant(&b, HB_BOUNDED_BUFFER_PRODUCER, h), HB_OK);
    CHECK_EQ(t_spawn("monitor", p ? "producer1" : "producer0", h, 4, &ids[p]), HB_OK);
  }
  uint32_t next[2] = {0, 0};
  for (uint32_t k = 0; k < 2 * ITEMS && !t_failures; ++k) {
    uint64_t item = 0;
    CHECK_EQ(hb_bounded_buffer_get(&b, &item, PATIENCE), HB_OK);
    uint32_t p = (uint32_t)(item >> 32), i = (uint32_t)item;
    CHECK(p < 2);
    if (p < 2) {
      CHECK_EQ(i, next[p]); /* every item once, in order per producer */
      next[p] = i + 1;
    }
  }
  CHECK_EQ(next[0], ITEMS);
  CHECK_EQ(next[1], ITEMS);
  uint64_t extra;
  CHECK_EQ(hb_bounded_buffer_get(&b, &extra, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(exit_code(ids[0]), 0);
  CHECK_EQ(exit_code(ids[1]), 0);
  CHECK_EQ(hb_bounded_buffer_detach(&b), HB_OK);
}

int main(void) {
  t_name = "monitor";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "adder")) return adder(&s);
  if (t_role_is(&s, "waiter1")) return waiter(&s, 1, PATIENCE);
  if (t_role_is(&s, "waiter2")) return waiter(&s, 2, PATIENCE);
  if (t_role_is(&s, "late")) return waiter(&s, 3, T_MS(50));
  if (t_role_is(&s, "producer0")) return producer(&s, 0);
  if (t_role_is(&s, "producer1")) return producer(&s, 1);

  hb_monitor_t m;
  CHECK_EQ(hb_monitor_create(2, 2, sizeof(shared), &m), HB_OK); /* 4 handles: t_start's 4 */
  if (t_failures) return t_done();
  mutual_exclusion(&m);
  signal_and_broadcast(&m);
  timeouts_and_lost_signal(&m);
  bad_arguments(&m);
  CHECK_EQ(hb_monitor_detach(&m), HB_OK);
  bounded_buffer();
  if (!t_failures) t_print("monitor: OK\n");
  return t_done();
}
