/* harbor/bounded_buffer.h - the textbook bounded buffer in a grant region (SPEC 7).
 *
 * N slots of a fixed item size, `in` and `out`, and three semaphores: `empty` (free slots,
 * starts at N), `full` (items, starts at 0) and `mutex` (one task in the buffer at a time).
 * Any number of producers and consumers, in any tasks that attached. docs/bounded-buffer.md
 * is the reference (every function, every error, examples).
 *
 *   put:  wait(empty); wait(mutex); buf[in] = item; in = (in + 1) % N; post(mutex); post(full)
 *   get:  wait(full);  wait(mutex); item = buf[out]; out = (out + 1) % N; post(mutex); post(empty)
 *
 *   region:  | header: magic, item_size, slots, in, out | buf[0] | buf[1] | ... | buf[N-1] |
 *   handles: region, empty, full, mutex   (HB_BOUNDED_BUFFER_HANDLES, in this order)
 *
 * Sharing: one task creates it (hb_bounded_buffer_create) and grants handles for a role
 * (hb_bounded_buffer_grant: a producer may wait on `empty` and post `full`, a consumer the
 * reverse); the other task attaches with them (hb_bounded_buffer_attach). A region and
 * semaphores made by someone else (a scenario file) are formatted by one of the tasks with
 * hb_bounded_buffer_format.
 *
 *   hb_bounded_buffer_t b;
 *   hb_bounded_buffer_create(sizeof(struct order), 16, &b);
 *   hb_handle_t h[HB_BOUNDED_BUFFER_HANDLES];
 *   hb_bounded_buffer_grant(&b, HB_BOUNDED_BUFFER_CONSUMER, h);   // send h to a consumer
 *   struct order o = {...};
 *   hb_bounded_buffer_put(&b, &o, HB_FOREVER);
 *   ...in the consumer: hb_bounded_buffer_attach(h, 4, sizeof(struct order), &b);
 *                       hb_bounded_buffer_get(&b, &o, HB_FOREVER);
 */
#ifndef HARBOR_BOUNDED_BUFFER_H
#define HARBOR_BOUNDED_BUFFER_H

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_BOUNDED_BUFFER_HANDLES 4u /* region, empty, full, mutex */
#define HB_BOUNDED_BUFFER_ITEM_MAX HB_MSG_MAX /* bytes per item */
#define HB_BOUNDED_BUFFER_SLOTS_MAX 65536u
/* Bytes before the first slot (the header); slots are item_size bytes each, back to back. */
#define HB_BOUNDED_BUFFER_HEADER 64u

/* Roles for hb_bounded_buffer_grant (a mask: both for a task that puts and gets). */
#define HB_BOUNDED_BUFFER_PRODUCER (1u << 0)
#define HB_BOUNDED_BUFFER_CONSUMER (1u << 1)

/* One task's view of a bounded buffer (its own handles and mapping: never copy it to
 * another task; grant handles instead). */
typedef struct hb_bounded_buffer {
  void *shared;       /* the mapped region (header, then the slots) */
  hb_handle_t region; /* handles in attach order */
  hb_handle_t empty;
  hb_handle_t full;
  hb_handle_t mutex;
  uint32_t item_size; /* what this task puts and gets: checked against the header */
} hb_bounded_buffer_t;

/* Bytes a region needs for `slots` items of `item_size` bytes; 0 if either is out of range
 * (item_size 1 .. HB_BOUNDED_BUFFER_ITEM_MAX, slots 1 .. HB_BOUNDED_BUFFER_SLOTS_MAX). */
uint64_t hb_bounded_buffer_size(uint32_t item_size, uint32_t slots);

/* Makes a region for `slots` items of `item_size` bytes and the three semaphores
 * (empty = slots, full = 0, mutex = 1); `out` owns them. Errors: HB_ERR_INVALID_ARG (out
 * NULL, a size out of range), HB_ERR_NO_MEMORY (a quota), nothing made. */
hb_status_t hb_bounded_buffer_create(uint32_t item_size, uint32_t slots, hb_bounded_buffer_t *out);

/* Duplicates the four handles for a task of `roles` (HB_BOUNDED_BUFFER_PRODUCER and/or
 * _CONSUMER) into out[0..3], each with TRANSFER (to travel in a message) and only the
 * rights the roles need: region READ|WRITE|MAP, `mutex` SEND|RECV, a producer RECV on
 * `empty` and SEND on `full`, a consumer the reverse. Send them, or close them.
 * Errors: HB_ERR_INVALID_ARG (b or out NULL, b not attached, roles 0 or unknown bits),
 * HB_ERR_ACCESS (this task's handles lack DUP), HB_ERR_NO_MEMORY; nothing left open. */
hb_status_t hb_bounded_buffer_grant(const hb_bounded_buffer_t *b, uint32_t roles,
                                    hb_handle_t out[HB_BOUNDED_BUFFER_HANDLES]);

/* Attaches with handles from hb_bounded_buffer_grant (or a scenario): maps the region. If it
 * is formatted, checks that its items are `item_size` bytes; a region still all zeros is
 * accepted (its creator formats it later: put and get check the header after their first
 * semaphore wait, when the protocol guarantees it is written). On success `out` owns the
 * handles; on failure they stay the caller's and nothing is mapped.
 * Errors: HB_ERR_INVALID_ARG (handles or out NULL, count not 4, item_size out of range,
 * another item size or not a bounded buffer), HB_ERR_BAD_HANDLE, HB_ERR_WRONG_TYPE (not a
 * region, then three semaphores), HB_ERR_ACCESS (a read-only region), and those of
 * hb_region_map. */
hb_status_t hb_bounded_buffer_attach(const hb_handle_t *handles, uint32_t count,
                                     uint32_t item_size, hb_bounded_buffer_t *out);

/* Attaches as above and writes the header into a region someone else made, all zeros, of
 * at least hb_bounded_buffer_size(item_size, slots) bytes (a region cannot tell its size:
 * the caller vouches for it), for semaphores made empty = slots, full = 0, mutex = 1.
 * Only one task formats, before anyone puts. Errors: those of attach, and
 * HB_ERR_ALREADY_EXISTS (the region holds a header already; nothing changed). */
hb_status_t hb_bounded_buffer_format(const hb_handle_t *handles, uint32_t count,
                                     uint32_t item_size, uint32_t slots,
                                     hb_bounded_buffer_t *out);

/* Copies item_size bytes from `item` into the next free slot, waiting up to `timeout` for
 * one. Errors: HB_ERR_INVALID_ARG (b or item NULL, b not attached, the region is not a
 * bounded buffer of this item size), HB_ERR_TIMED_OUT / HB_ERR_WOULD_BLOCK (no free slot in
 * time: nothing changed), HB_ERR_ACCESS (a consumer's handles: no right to wait on
 * `empty`), those of hb_sem_wait/hb_sem_post. */
hb_status_t hb_bounded_buffer_put(hb_bounded_buffer_t *b, const void *item, hb_time_t timeout);

/* Takes the oldest item into `item` (item_size bytes), waiting up to `timeout` for one.
 * Errors: as put (HB_ERR_ACCESS: a producer's handles). */
hb_status_t hb_bounded_buffer_get(hb_bounded_buffer_t *b, void *item, hb_time_t timeout);

/* Unmaps the region and closes the four handles; the buffer lives on in the other tasks.
 * Errors: HB_ERR_INVALID_ARG (b NULL or not attached). */
hb_status_t hb_bounded_buffer_detach(hb_bounded_buffer_t *b);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_BOUNDED_BUFFER_H */
