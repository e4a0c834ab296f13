/* harbor/monitor.h - monitors: a mutex and condition variables shared by tasks (SPEC 7).
 *
 * A monitor lives in a grant region that every task using it maps; it is built only on
 * Harbor semaphores (hb_sem_*), so the kernel knows nothing of it. docs/monitors.md is the
 * reference (every function, every error, examples) and says why it is built this way.
 *
 *   region (mapped by every task that attached)       semaphores (handles in every task)
 *   +------------------------------------------+
 *   | header: magic, conds, waiters, owner     |       mutex    (initial 1, max 1)
 *   | cond[c]: FIFO queue of waiter slots      |---+   slot[0]  (initial 0, max 1)
 *   | slot[i]: state, task, next               |<--+   slot[1]  ...  one per waiter slot:
 *   | data: the caller's shared variables      |        a waiter sleeps on its slot's own
 *   +------------------------------------------+        semaphore, so a signal wakes exactly it
 *
 * Semantics: Mesa. hb_cond_signal wakes the longest waiter of that condition, but the
 * signaller keeps the monitor; the waiter runs only once it has entered again, when the
 * state may have changed, so waits go in a loop: `while (!ready) hb_cond_wait(...)`. A
 * signal with no waiter does nothing (it is not remembered, unlike a semaphore post).
 *
 * Sharing: one task creates the monitor (hb_monitor_create), hands copies of its handles
 * to others (hb_monitor_grant, then in a start message or any message), and each of them
 * calls hb_monitor_attach with the handles it received, in the same order.
 *
 *   hb_monitor_t m;
 *   hb_monitor_create(2, 4, sizeof(struct shelf), &m);   // 2 conditions, 4 waiter slots
 *   hb_handle_t give[HB_MONITOR_HANDLES_MAX]; uint32_t n;
 *   hb_monitor_grant(&m, give, HB_MONITOR_HANDLES_MAX, &n);  // n = 2 + 4, to spawn a child
 *   ...in the child: hb_monitor_attach(start.handles, start.handle_count, &m);
 *   hb_monitor_enter(&m, HB_FOREVER);
 *   struct shelf *s = hb_monitor_data(&m);
 *   while (s->count == 0) hb_cond_wait(&m, NOT_EMPTY, HB_FOREVER);
 *   ...
 *   hb_monitor_exit(&m);
 *
 * Every function returns HB_OK or a negative HB_ERR_*; a call that fails changes nothing
 * (the caller still holds the monitor if it held it before), except where its entry says.
 * A task is one thread (SPEC 2), so "the task inside" is exact: the library remembers in
 * the hb_monitor_t whether this task holds the monitor.
 */
#ifndef HARBOR_MONITOR_H
#define HARBOR_MONITOR_H

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Condition variables per monitor (indices 0 .. conds-1). */
#define HB_MONITOR_CONDS_MAX 16u
/* Waiter slots: how many tasks may wait at once in one monitor, on any of its conditions.
 * Each slot is a semaphore handle, and every handle of a monitor must fit in one message
 * (HB_MSG_HANDLES_MAX = 16): the region, the mutex and 14 slots. */
#define HB_MONITOR_WAITERS_MAX 14u
/* Handles of a monitor with `waiters` slots, in this order: region, mutex, slot 0, ... */
#define HB_MONITOR_HANDLES(waiters) (2u + (waiters))
#define HB_MONITOR_HANDLES_MAX HB_MONITOR_HANDLES(HB_MONITOR_WAITERS_MAX)
/* Bytes of the caller's shared data (hb_monitor_data) at most. */
#define HB_MONITOR_DATA_MAX (64u << 20)

/* One task's view of a monitor. Plain memory of the task (a local or a global): it names
 * the task's own handles and mapping, so it is never copied to another task; hand over the
 * handles instead (hb_monitor_grant). */
typedef struct hb_monitor {
  void *shared;        /* the mapped region (layout private to userland/lib/monitor) */
  hb_handle_t region;  /* the grant region */
  hb_handle_t mutex;   /* binary semaphore: who is inside */
  hb_handle_t slots[HB_MONITOR_WAITERS_MAX]; /* one semaphore per waiter slot */
  uint32_t waiters;    /* slots in use: the number of slot handles */
  uint32_t inside;     /* 1 while this task holds the monitor */
} hb_monitor_t;

/* Makes a monitor: a region holding its state and `data_size` bytes of zeroed shared data,
 * a mutex semaphore and `waiters` slot semaphores, all owned by `out`.
 *   conds     1 .. HB_MONITOR_CONDS_MAX condition variables
 *   waiters   1 .. HB_MONITOR_WAITERS_MAX tasks that may wait at the same time
 *   data_size 0 .. HB_MONITOR_DATA_MAX
 * Errors: HB_ERR_INVALID_ARG (out NULL, a count out of range), HB_ERR_NO_MEMORY (a quota:
 * regions, semaphores, handles), nothing made. */
hb_status_t hb_monitor_create(uint32_t conds, uint32_t waiters, uint64_t data_size,
                              hb_monitor_t *out);

/* Duplicates every handle of `m` for another task, in attach order, into out[0 .. n-1]
 * (n = HB_MONITOR_HANDLES(m->waiters), also written to *count). Each copy carries what a
 * user of the monitor needs (region READ|WRITE|MAP, semaphores SEND|RECV) plus TRANSFER and
 * DUP, so it can travel in a message and be granted on. Send them, or close them.
 * Errors: HB_ERR_INVALID_ARG (m, out or count NULL, m not attached),
 * HB_ERR_BUFFER_TOO_SMALL (cap < n; *count says n), HB_ERR_ACCESS (this task's handles lack
 * DUP: it was granted them without), HB_ERR_NO_MEMORY (handle quota); nothing is left
 * open on failure. */
hb_status_t hb_monitor_grant(const hb_monitor_t *m, hb_handle_t *out, uint32_t cap,
                             uint32_t *count);

/* Attaches to a monitor made by another task: maps the region and checks that it holds a
 * monitor with `count - 2` waiter slots. On success `out` owns the handles (detach closes
 * them); on failure they stay the caller's and nothing is mapped.
 * Errors: HB_ERR_INVALID_ARG (handles or out NULL; count not 3 .. HB_MONITOR_HANDLES_MAX;
 * the region holds no monitor, or one with another number of slots), HB_ERR_BAD_HANDLE,
 * HB_ERR_WRONG_TYPE (handles[0] is not a region or another one not a semaphore),
 * HB_ERR_ACCESS (a read-only region), and those of hb_region_map. */
hb_status_t hb_monitor_attach(const hb_handle_t *handles, uint32_t count, hb_monitor_t *out);

/* Leaves the monitor if this task is inside, unmaps the region and closes every handle.
 * The monitor lives on while another task holds its handles. Errors: HB_ERR_INVALID_ARG
 * (m NULL or not attached). */
hb_status_t hb_monitor_detach(hb_monitor_t *m);

/* The caller's shared data in the region (data_size bytes, zero at creation), or NULL. Only
 * touch it inside the monitor. */
void *hb_monitor_data(const hb_monitor_t *m);
uint64_t hb_monitor_data_size(const hb_monitor_t *m);

/* Enters the monitor: waits (FIFO, up to `timeout`) until no task is inside.
 * Errors: HB_ERR_INVALID_ARG (m NULL or not attached; this task is already inside:
 * monitors are not recursive, a second enter would wait for itself for ever),
 * HB_ERR_TIMED_OUT / HB_ERR_WOULD_BLOCK (not entered), those of hb_sem_wait. */
hb_status_t hb_monitor_enter(hb_monitor_t *m, hb_time_t timeout);

/* Leaves the monitor; the task that has waited longest to enter goes in.
 * Errors: HB_ERR_INVALID_ARG (m NULL), HB_ERR_ACCESS (this task is not inside). */
hb_status_t hb_monitor_exit(hb_monitor_t *m);

/* Waits on condition `cond`: leaves the monitor, sleeps until signalled or until `timeout`
 * passes, and enters again before returning, in every case below except the argument
 * errors. The re-entry itself waits as long as it takes (the timeout bounds the wait for a
 * signal, as pthread_cond_timedwait does).
 *   HB_OK              signalled (also when the timeout passed but a signal had already
 *                      chosen this waiter: that signal is not lost, this waiter took it)
 *   HB_ERR_TIMED_OUT   no signal came in time; no signal was used up (a later signal
 *                      wakes another waiter), and the caller is inside again
 *   HB_ERR_WOULD_BLOCK timeout HB_NOWAIT and no signal
 * Errors that leave the caller inside and change nothing: HB_ERR_INVALID_ARG (m NULL, cond
 * out of range), HB_ERR_ACCESS (not inside), HB_ERR_NO_MEMORY (every waiter slot is taken:
 * create the monitor with more). */
hb_status_t hb_cond_wait(hb_monitor_t *m, uint32_t cond, hb_time_t timeout);

/* Wakes the task that has waited longest on `cond`; with no waiter it does nothing. The
 * caller stays inside (Mesa). Errors: HB_ERR_INVALID_ARG, HB_ERR_ACCESS (not inside). */
hb_status_t hb_cond_signal(hb_monitor_t *m, uint32_t cond);

/* Wakes every task waiting on `cond` now (not those that wait later). The caller stays
 * inside. Errors: HB_ERR_INVALID_ARG, HB_ERR_ACCESS (not inside). */
hb_status_t hb_cond_broadcast(hb_monitor_t *m, uint32_t cond);

/* How many tasks wait on `cond` now (they will not have woken until signalled or timed
 * out). Errors: HB_ERR_INVALID_ARG (m, out NULL, cond out of range), HB_ERR_ACCESS (not
 * inside: the count is only meaningful under the mutex). */
hb_status_t hb_cond_waiters(const hb_monitor_t *m, uint32_t cond, uint32_t *out);

/* ---- by name (the name service, harbor/names.h) ---------------------------------------- */

/* Registers the monitor's handles under NAME (the region), NAME.mutex and NAME.0 ..
 * NAME.<waiters-1>, so that other tasks can hb_monitor_open it. NAME is 1 .. HB_NAME_MAX - 6
 * bytes of [A-Za-z0-9._-]. The names belong to this task and vanish when it exits.
 * Errors: HB_ERR_INVALID_ARG (m or name NULL, m not attached, the name), HB_ERR_ALREADY_EXISTS
 * (a name is taken: nothing stays registered), those of hb_name_register (HB_ERR_ACCESS: this
 * task's handles lack DUP). */
hb_status_t hb_monitor_publish(const hb_monitor_t *m, const char *name);

/* Attaches to the monitor published under NAME, waiting up to `timeout` for it to appear.
 * Errors: HB_ERR_INVALID_ARG (name or out NULL, the name, not a monitor), HB_ERR_TIMED_OUT /
 * HB_ERR_NOT_FOUND (HB_NOWAIT: not published), those of hb_name_lookup and
 * hb_monitor_attach; nothing is left open on failure. */
hb_status_t hb_monitor_open(const char *name, hb_time_t timeout, hb_monitor_t *out);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_MONITOR_H */
