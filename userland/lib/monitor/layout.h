/* userland/lib/monitor/layout.h - what a monitor's grant region holds (harbor/monitor.h).
 *
 * Every field below is read and written only by the task inside the monitor (it holds the
 * mutex semaphore), except `magic` .. `data_size`, written once by the creator before any
 * handle leaves it. Waiter slots are linked by index + 1 (0 ends a list), never by pointer:
 * each task maps the region at an address of its own.
 */
#ifndef HARBOR_LIB_MONITOR_LAYOUT_H
#define HARBOR_LIB_MONITOR_LAYOUT_H

#include <harbor/monitor.h>

#define HB_MONITOR_MAGIC 0x4e4d4248u /* "HBMN" */
#define HB_MONITOR_VERSION 1u

/* A waiter slot's life (the numbers are the steps of hb_cond_wait, monitor.c):
 *   FREE --(W1: a waiter takes it)--> WAITING --(signal: dequeued, posted)--> SIGNALLED
 *   WAITING --(W5: the waiter timed out, unlinks itself)--> FREE
 *   SIGNALLED --(W5: the waiter has taken the post)--> FREE                                 */
enum { SLOT_FREE = 0, SLOT_WAITING = 1, SLOT_SIGNALLED = 2 };

struct monitor_slot {
  uint32_t state; /* SLOT_* */
  uint32_t next;  /* next slot + 1 in the same list (a condition's queue, or the free list) */
  uint64_t task;  /* who waits in it: for people reading a memory dump */
};

struct monitor_cond {
  uint32_t head, tail; /* slot + 1; 0 = empty. FIFO: signal takes the head */
  uint32_t count;      /* waiters queued: Birrell's waiter count, kept under the mutex */
  uint32_t pad;
};

struct monitor_shared {
  uint32_t magic, version;
  uint32_t conds, waiters;
  uint64_t data_offset, data_size;
  uint64_t owner;     /* task id inside, 0 if none (diagnostics) */
  uint32_t free_head; /* free waiter slots, slot + 1 */
  uint32_t pad;
  struct monitor_cond cond[HB_MONITOR_CONDS_MAX];
  struct monitor_slot slot[HB_MONITOR_WAITERS_MAX];
};

/* The caller's data starts here: a cache line after the header, so that it never shares a
 * line with the slots every waiter writes. */
#define HB_MONITOR_DATA_OFFSET ((sizeof(struct monitor_shared) + 63u) & ~(uint64_t)63u)

#endif /* HARBOR_LIB_MONITOR_LAYOUT_H */
