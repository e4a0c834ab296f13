/* userland/lib/monitor/monitor.c - monitors built on semaphores (harbor/monitor.h).
 *
 * The mutex is a binary semaphore. A condition variable is Birrell's construction, a
 * waiter count kept under the mutex, made exact with one semaphore per waiter: the count is
 * the length of a FIFO queue of waiter slots in the region, and each slot has a semaphore of
 * its own (initial 0, max 1). Why not one semaphore per condition with a count (the textbook
 * construction): a waiter leaves the mutex and then sleeps on the semaphore, two steps; in
 * between, a broadcast's posts can be taken by a task that started waiting *after* the
 * broadcast, leaving one that was waiting before it asleep, and a waiter that timed out
 * cannot tell whether the post in the semaphore was meant for it. With a slot per waiter a
 * signal names exactly who wakes (docs/monitors.md, "Why a slot per waiter").
 *
 * hb_cond_wait, the steps other functions refer to:
 *   W1 (inside)  take a free slot, mark it WAITING, append it to the condition's queue
 *   W2           leave the monitor (post the mutex)
 *   W3           sleep on the slot's semaphore, up to the timeout
 *   W4           enter the monitor again (always, however long it takes)
 *   W5 (inside)  if the sleep ended without a post: a slot still WAITING was not chosen by
 *                any signal, so unlink it and report the timeout; a slot SIGNALLED was
 *                chosen (the signal came between W3's timeout and W4), and its post is
 *                certainly in the semaphore (the signaller posted before leaving): take it
 *                with HB_NOWAIT and report HB_OK. Either way the slot's semaphore is back at
 *                0 before the slot is freed, so no stale post ever reaches the next user.
 * hb_cond_signal (inside): post the head slot's semaphore, then mark it SIGNALLED and
 * dequeue it: it will return HB_OK from W3 or W5, and no other waiter can take that post.
 *
 * Uses only harbor/sys.h and memset (SPEC 7 libraries run hosted and bare metal).
 */
#include <harbor/monitor.h>

#include <string.h>

#include "layout.h"

static struct monitor_shared *shared_of(const hb_monitor_t *m) {
  return (struct monitor_shared *)m->shared;
}

static int attached(const hb_monitor_t *m) { return m != NULL && m->shared != NULL; }

/* ---- the mutex ------------------------------------------------------------------------ */

/* The semaphore calls order the accesses to shared data between tasks (each is a system
 * call, and the kernel's own locking orders them); the barriers keep the compiler from moving
 * the caller's loads and stores of shared data out of the critical section. (Compiler
 * barriers, not CPU fences: ThreadSanitizer builds reject atomic thread fences, and the
 * system call already orders the CPU.) */
#define SHARED_MEMORY_BARRIER() __asm__ __volatile__("" ::: "memory")

static hb_status_t mutex_take(hb_monitor_t *m, hb_time_t timeout) {
  hb_status_t s = hb_sem_wait(m->mutex, timeout);
  if (s != HB_OK) return s;
  SHARED_MEMORY_BARRIER();
  shared_of(m)->owner = hb_task_self();
  m->inside = 1;
  return HB_OK;
}

static hb_status_t mutex_give(hb_monitor_t *m) {
  shared_of(m)->owner = 0;
  m->inside = 0;
  SHARED_MEMORY_BARRIER();
  return hb_sem_post(m->mutex, 1);
}

hb_status_t hb_monitor_enter(hb_monitor_t *m, hb_time_t timeout) {
  if (!attached(m)) return HB_ERR_INVALID_ARG;
  if (m->inside) return HB_ERR_INVALID_ARG; /* not recursive: it would wait for itself */
  return mutex_take(m, timeout);
}

hb_status_t hb_monitor_exit(hb_monitor_t *m) {
  if (!attached(m)) return HB_ERR_INVALID_ARG;
  if (!m->inside) return HB_ERR_ACCESS;
  return mutex_give(m);
}

/* ---- waiter slots and queues ---------------------------------------------------------- */

static uint32_t slot_take(struct monitor_shared *sh) {
  uint32_t i = sh->free_head; /* slot + 1 */
  if (i != 0) sh->free_head = sh->slot[i - 1].next;
  return i;
}

static void slot_free(struct monitor_shared *sh, uint32_t i) {
  sh->slot[i - 1].state = SLOT_FREE;
  sh->slot[i - 1].task = 0;
  sh->slot[i - 1].next = sh->free_head;
  sh->free_head = i;
}

static void queue_append(struct monitor_shared *sh, struct monitor_cond *c, uint32_t i) {
  sh->slot[i - 1].next = 0;
  if (c->tail != 0)
    sh->slot[c->tail - 1].next = i;
  else
    c->head = i;
  c->tail = i;
  ++c->count;
}

static uint32_t queue_pop(struct monitor_shared *sh, struct monitor_cond *c) {
  uint32_t i = c->head;
  if (i == 0) return 0;
  c->head = sh->slot[i - 1].next;
  if (c->head == 0) c->tail = 0;
  sh->slot[i - 1].next = 0;
  --c->count;
  return i;
}

/* W5: a waiter that timed out takes its own slot out of the queue, wherever it is. */
static void queue_unlink(struct monitor_shared *sh, struct monitor_cond *c, uint32_t i) {
  uint32_t prev = 0;
  for (uint32_t at = c->head; at != 0; prev = at, at = sh->slot[at - 1].next) {
    if (at != i) continue;
    uint32_t next = sh->slot[i - 1].next;
    if (prev != 0)
      sh->slot[prev - 1].next = next;
    else
      c->head = next;
    if (c->tail == i) c->tail = prev;
    sh->slot[i - 1].next = 0;
    --c->count;
    return;
  }
}

static hb_status_t check_cond(const hb_monitor_t *m, uint32_t cond) {
  if (!attached(m)) return HB_ERR_INVALID_ARG;
  if (cond >= shared_of(m)->conds) return HB_ERR_INVALID_ARG;
  if (!m->inside) return HB_ERR_ACCESS;
  return HB_OK;
}

/* ---- condition variables -------------------------------------------------------------- */

hb_status_t hb_cond_wait(hb_monitor_t *m, uint32_t cond, hb_time_t timeout) {
  hb_status_t s = check_cond(m, cond);
  if (s != HB_OK) return s;
  struct monitor_shared *sh = shared_of(m);
  struct monitor_cond *c = &sh->cond[cond];

  uint32_t i = slot_take(sh); /* W1 */
  if (i == 0) return HB_ERR_NO_MEMORY;
  sh->slot[i - 1].state = SLOT_WAITING;
  sh->slot[i - 1].task = hb_task_self();
  queue_append(sh, c, i);

  s = mutex_give(m); /* W2 */
  if (s != HB_OK) {  /* only if the mutex handle was closed behind the library's back */
    m->inside = 1;    /* the post failed: we never left */
    sh->owner = hb_task_self();
    queue_unlink(sh, c, i);
    slot_free(sh, i);
    return s;
  }
  hb_status_t slept = hb_sem_wait(m->slots[i - 1], timeout); /* W3 */
  s = mutex_take(m, HB_FOREVER);                              /* W4 */
  if (s != HB_OK) return s; /* the mutex handle is gone: nothing more can be done */

  hb_status_t result = slept; /* W5 */
  if (slept != HB_OK) {
    if (sh->slot[i - 1].state == SLOT_WAITING) {
      queue_unlink(sh, c, i); /* no signal chose it: none is used up */
    } else {
      /* A signal chose this slot after the sleep ended; its post is there. */
      hb_status_t taken = hb_sem_wait(m->slots[i - 1], HB_NOWAIT);
      result = taken == HB_OK ? HB_OK : taken;
    }
  }
  slot_free(sh, i);
  return result;
}

/* Wakes the head of `c`: post first, so that a failed post (a closed handle) changes
 * nothing; the waiter cannot look at its slot before we leave the monitor anyway. */
static hb_status_t wake_one(hb_monitor_t *m, struct monitor_cond *c) {
  struct monitor_shared *sh = shared_of(m);
  uint32_t i = c->head;
  hb_status_t s = hb_sem_post(m->slots[i - 1], 1);
  if (s != HB_OK) return s;
  queue_pop(sh, c);
  sh->slot[i - 1].state = SLOT_SIGNALLED;
  return HB_OK;
}

hb_status_t hb_cond_signal(hb_monitor_t *m, uint32_t cond) {
  hb_status_t s = check_cond(m, cond);
  if (s != HB_OK) return s;
  struct monitor_cond *c = &shared_of(m)->cond[cond];
  // DOC: monitor-lost-signal
  if (c->count == 0) return HB_OK; /* nobody waits: nothing is remembered */
  return wake_one(m, c);
}

hb_status_t hb_cond_broadcast(hb_monitor_t *m, uint32_t cond) {
  hb_status_t s = check_cond(m, cond);
  if (s != HB_OK) return s;
  struct monitor_cond *c = &shared_of(m)->cond[cond];
  /* Exactly the waiters queued now: new ones cannot queue while we are inside. */
  while (c->count != 0) {
    s = wake_one(m, c);
    if (s != HB_OK) return s;
  }
  return HB_OK;
}

hb_status_t hb_cond_waiters(const hb_monitor_t *m, uint32_t cond, uint32_t *out) {
  if (out == NULL) return HB_ERR_INVALID_ARG;
  hb_status_t s = check_cond(m, cond);
  if (s != HB_OK) return s;
  *out = shared_of(m)->cond[cond].count;
  return HB_OK;
}

/* ---- making, granting, attaching ------------------------------------------------------ */

static void close_all(const hb_handle_t *handles, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i)
    if (handles[i] != HB_INVALID) hb_handle_close(handles[i]);
}

/* The handles of `m` in attach order: region, mutex, slots. */
static hb_handle_t handle_at(const hb_monitor_t *m, uint32_t i) {
  return i == 0 ? m->region : i == 1 ? m->mutex : m->slots[i - 2];
}

static void close_monitor_handles(const hb_monitor_t *m) {
  for (uint32_t i = 0; i < HB_MONITOR_HANDLES(m->waiters); ++i)
    if (handle_at(m, i) != HB_INVALID) hb_handle_close(handle_at(m, i));
}

hb_status_t hb_monitor_create(uint32_t conds, uint32_t waiters, uint64_t data_size,
                              hb_monitor_t *out) {
  if (out == NULL) return HB_ERR_INVALID_ARG;
  if (conds < 1 || conds > HB_MONITOR_CONDS_MAX) return HB_ERR_INVALID_ARG;
  if (waiters < 1 || waiters > HB_MONITOR_WAITERS_MAX) return HB_ERR_INVALID_ARG;
  if (data_size > HB_MONITOR_DATA_MAX) return HB_ERR_INVALID_ARG;

  hb_monitor_t m;
  memset(&m, 0, sizeof m);
  m.waiters = waiters;
  hb_status_t s = hb_region_create(HB_MONITOR_DATA_OFFSET + data_size, 0, &m.region);
  if (s == HB_OK) s = hb_sem_create(1, 1, &m.mutex); /* open: nobody inside */
  for (uint32_t i = 0; s == HB_OK && i < waiters; ++i)
    s = hb_sem_create(0, 1, &m.slots[i]); /* a slot's semaphore holds at most its one post */
  if (s == HB_OK) s = hb_region_map(m.region, HB_RIGHT_READ | HB_RIGHT_WRITE, &m.shared);
  if (s != HB_OK) {
    close_monitor_handles(&m); /* those not made yet are HB_INVALID */
    return s;
  }
  struct monitor_shared *sh = shared_of(&m); /* the region starts zero-filled */
  sh->magic = HB_MONITOR_MAGIC;
  sh->version = HB_MONITOR_VERSION;
  sh->conds = conds;
  sh->waiters = waiters;
  sh->data_offset = HB_MONITOR_DATA_OFFSET;
  sh->data_size = data_size;
  for (uint32_t i = waiters; i > 0; --i) slot_free(sh, i); /* free list 1, 2, ... */
  *out = m;
  return HB_OK;
}

hb_status_t hb_monitor_grant(const hb_monitor_t *m, hb_handle_t *out, uint32_t cap,
                             uint32_t *count) {
  if (!attached(m) || out == NULL || count == NULL) return HB_ERR_INVALID_ARG;
  uint32_t n = HB_MONITOR_HANDLES(m->waiters);
  if (cap < n) {
    *count = n;
    return HB_ERR_BUFFER_TOO_SMALL;
  }
  const uint32_t pass_on = HB_RIGHT_TRANSFER | HB_RIGHT_DUP;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t rights = i == 0 ? HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP
                             : HB_RIGHT_SEND | HB_RIGHT_RECV;
    hb_status_t s = hb_handle_dup(handle_at(m, i), rights | pass_on, &out[i]);
    if (s != HB_OK) {
      close_all(out, i);
      return s;
    }
  }
  *count = n;
  return HB_OK;
}

static hb_status_t expect_type(hb_handle_t h, uint32_t type) {
  hb_handle_info_t info;
  hb_status_t s = hb_handle_info(h, &info);
  if (s != HB_OK) return s;
  return info.type == type ? HB_OK : HB_ERR_WRONG_TYPE;
}

hb_status_t hb_monitor_attach(const hb_handle_t *handles, uint32_t count, hb_monitor_t *out) {
  if (handles == NULL || out == NULL) return HB_ERR_INVALID_ARG;
  if (count < HB_MONITOR_HANDLES(1) || count > HB_MONITOR_HANDLES_MAX) return HB_ERR_INVALID_ARG;
  hb_status_t s = expect_type(handles[0], HB_OBJ_REGION);
  for (uint32_t i = 1; s == HB_OK && i < count; ++i) s = expect_type(handles[i], HB_OBJ_SEMAPHORE);
  if (s != HB_OK) return s;

  void *addr = NULL;
  s = hb_region_map(handles[0], HB_RIGHT_READ | HB_RIGHT_WRITE, &addr);
  if (s != HB_OK) return s;
  /* A region is at least a page, and the header fits in one: reading it cannot fault. */
  const struct monitor_shared *sh = (const struct monitor_shared *)addr;
  if (sh->magic != HB_MONITOR_MAGIC || sh->version != HB_MONITOR_VERSION ||
      sh->conds < 1 || sh->conds > HB_MONITOR_CONDS_MAX ||
      sh->waiters != count - 2 || sh->data_offset != HB_MONITOR_DATA_OFFSET) {
    hb_region_unmap(addr);
    return HB_ERR_INVALID_ARG;
  }
  hb_monitor_t m;
  memset(&m, 0, sizeof m);
  m.shared = addr;
  m.region = handles[0];
  m.mutex = handles[1];
  m.waiters = count - 2;
  for (uint32_t i = 0; i < m.waiters; ++i) m.slots[i] = handles[2 + i];
  *out = m;
  return HB_OK;
}

hb_status_t hb_monitor_detach(hb_monitor_t *m) {
  if (!attached(m)) return HB_ERR_INVALID_ARG;
  if (m->inside) mutex_give(m);
  hb_region_unmap(m->shared);
  close_monitor_handles(m);
  memset(m, 0, sizeof *m);
  return HB_OK;
}

void *hb_monitor_data(const hb_monitor_t *m) {
  if (!attached(m)) return NULL;
  return (char *)m->shared + shared_of(m)->data_offset;
}

uint64_t hb_monitor_data_size(const hb_monitor_t *m) {
  return attached(m) ? shared_of(m)->data_size : 0;
}
