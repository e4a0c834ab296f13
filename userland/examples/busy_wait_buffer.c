/* busy_wait_buffer - the lecture's bounded buffer without any synchronisation call:
 *
 *     "while (((in + 1) % BUFFER_SIZE) == out)
 *          ; // do nothing
 *      buffer[in] = next_produced;
 *      in = (in + 1) % BUFFER_SIZE;"                     (the producer)
 *
 *     "while (in == out)
 *          ; // do nothing
 *      next_consumed = buffer[out];
 *      out = (out + 1) % BUFFER_SIZE;"                   (the consumer)
 *
 * The buffer lives in a grant region that a parent makes and hands to a producer and a
 * consumer (this same program in two roles). It holds at most BUFFER_SIZE - 1 items: one
 * slot stays empty so that "full" ((in + 1) % N == out) and "empty" (in == out) differ.
 *
 *   harbor-emu exec busy-wait-buffer [ITEMS]             (default 20000)
 *
 * What the textbook leaves out, and this program needs (docs/course/05-shared-memory.md):
 *   - `in` and `out` are shared and written while the other side reads: with plain ints the
 *     compiler may keep them in a register (the spin never sees the change) and may move the
 *     store of buffer[in] after the store of `in` (the consumer reads a slot not yet
 *     written). So both are C11 atomics, and each side publishes with a *release* store
 *     that pairs with the other side's *acquire* load: whatever was written before the
 *     release (the item) is visible after the acquire that sees it. Each index has one
 *     writer, so no read-modify-write is needed; relaxed order is enough for reading one's
 *     own index.
 *   - `in` and `out` sit in different cache lines, so that the producer's stores to `in` do
 *     not take the line away from the consumer's `out` (lesson 11).
 *   - a spin that never enters the kernel holds its core: on one core the other side cannot
 *     run until the timer preempts the spinner, and under --deterministic (which switches
 *     tasks only at system calls) it would never run at all. So every SPIN_YIELD turns the
 *     spinner calls hb_yield(). Semaphores (bounded_buffer.c) block instead of spinning.
 * Exit code 0 when the consumer saw every item in order and the checksums match.
 */
#include <stdatomic.h>

#include "course.h"

#define BUFFER_SIZE 16
#define SPIN_YIELD 256

struct shared {
  _Atomic uint32_t in; /* next slot to fill: written by the producer only */
  char pad_in[60];
  _Atomic uint32_t out; /* next slot to empty: written by the consumer only */
  char pad_out[60];
  uint64_t produced_sum, consumed_sum, spins[2];
  uint64_t buffer[BUFFER_SIZE];
};

static uint64_t make_item(uint64_t i) { return i * 2654435761u + 1; }

static struct shared *map_shared(hb_handle_t region) {
  void *addr = 0;
  must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &addr), "map");
  return (struct shared *)addr;
}

// DOC: busy-wait-producer
static int producer(struct shared *sh, uint64_t items) {
  uint64_t sum = 0, spins = 0;
  uint32_t in = atomic_load_explicit(&sh->in, memory_order_relaxed); /* only we write it */
  for (uint64_t i = 0; i < items; ++i) {
    while (((in + 1) % BUFFER_SIZE) == atomic_load_explicit(&sh->out, memory_order_acquire))
      if (++spins % SPIN_YIELD == 0) hb_yield(); /* full: do nothing (but let others run) */
    sh->buffer[in] = make_item(i);
    in = (in + 1) % BUFFER_SIZE;
    atomic_store_explicit(&sh->in, in, memory_order_release); /* publishes buffer[in - 1] */
    sum += make_item(i);
  }
  sh->produced_sum = sum;
  sh->spins[0] = spins;
  return 0;
}

// DOC: busy-wait-consumer
static int consumer(struct shared *sh, uint64_t items) {
  uint64_t sum = 0, spins = 0;
  uint32_t out = atomic_load_explicit(&sh->out, memory_order_relaxed); /* only we write it */
  for (uint64_t i = 0; i < items; ++i) {
    while (atomic_load_explicit(&sh->in, memory_order_acquire) == out)
      if (++spins % SPIN_YIELD == 0) hb_yield(); /* empty: do nothing (but let others run) */
    uint64_t item = sh->buffer[out];
    out = (out + 1) % BUFFER_SIZE;
    atomic_store_explicit(&sh->out, out, memory_order_release); /* the slot is free again */
    if (item != make_item(i)) {
      say("consumer: item %llu is %llu, expected %llu", (unsigned long long)i,
          (unsigned long long)item, (unsigned long long)make_item(i));
      return 1;
    }
    sum += item;
  }
  sh->consumed_sum = sum;
  sh->spins[1] = spins;
  return 0;
}

int main(void) {
  hb_start_info start = course_start();
  uint64_t items = course_arg(&start, 1, 0);
  if (course_role_is(&start, "producer")) return producer(map_shared(start.handles[0]), items);
  if (course_role_is(&start, "consumer")) return consumer(map_shared(start.handles[0]), items);

  items = course_arg(&start, 0, 20000);
  hb_handle_t region = HB_INVALID;
  must(hb_region_create(sizeof(struct shared), 0, &region), "region_create");
  struct shared *sh = map_shared(region); /* zero-filled: in = out = 0 */

  const uint32_t rw = HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | HB_RIGHT_TRANSFER;
  hb_handle_t for_consumer = course_dup(region, rw), for_producer = course_dup(region, rw);
  hb_time_t t0 = hb_clock_ns();
  hb_task_id_t c = course_spawn("consumer", items, 0, &for_consumer, 1);
  hb_task_id_t p = course_spawn("producer", items, 0, &for_producer, 1);
  int32_t pcode = course_wait(p), ccode = course_wait(c);
  hb_time_t ns = hb_clock_ns() - t0;

  uint64_t expected = 0;
  for (uint64_t i = 0; i < items; ++i) expected += make_item(i);
  say("%llu items through %u slots in %llu us; spins: producer %llu, consumer %llu",
      (unsigned long long)items, (unsigned)BUFFER_SIZE, course_us(ns),
      (unsigned long long)sh->spins[0], (unsigned long long)sh->spins[1]);
  int ok = pcode == 0 && ccode == 0 && sh->produced_sum == expected &&
           sh->consumed_sum == expected && atomic_load(&sh->in) == atomic_load(&sh->out);
  say(ok ? "busy_wait_buffer: OK" : "busy_wait_buffer: FAILED (producer %d, consumer %d)", pcode,
      ccode);
  hb_region_unmap(sh);
  return ok ? 0 : 1;
}
