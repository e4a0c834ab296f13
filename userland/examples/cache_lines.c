/* cache_lines - cache coherency, made visible: two tasks on two cores each increment a
 * counter of their own, first with both counters in one cache line, then in lines far apart.
 *
 *     "In a multiprocessor environment, where each CPU has its own cache, a copy of the same
 *      data may exist in several caches at once; the hardware must make sure that an update
 *      in one cache is seen by all (cache coherency)."
 *
 *   harbor-emu --cores 2 exec cache-lines [INCREMENTS]          (default 2000000 each)
 *
 * The counters live in a grant region both tasks map. Nobody shares a *variable*, yet with
 * both counters in one 64-byte line every increment needs the line exclusively in its own
 * core's cache, so the line travels between the cores over and over ("false sharing").
 * With the counters 128 bytes apart (two lines, and not a pair that the adjacent-line
 * prefetcher fetches together) each core keeps its line. The increments are C11 atomic
 * (relaxed: no order is needed, only that each one really reaches memory), so the compiler
 * cannot keep the counter in a register and hide the effect.
 *
 * The times are printed, never checked: they depend on the host (on one core, or under
 * --deterministic, the two tasks take turns and the two layouts cost about the same).
 * Checked (exit code 0): every counter ends at exactly INCREMENTS.
 */
#include <stdatomic.h>

#include "course.h"

#define SAME_LINE_OFFSET 8   /* the second counter 8 bytes after the first: one line */
#define APART_OFFSET 128     /* two lines apart */

struct shared {
  _Atomic uint32_t go; /* the parent's starting signal: both counters start together */
  char pad[60];
  _Alignas(64) char counters[256]; /* counter 0 at offset 0, counter 1 at SAME or APART */
};

// DOC: cache-lines-counter
static int counter(const hb_start_info *start) {
  uint64_t offset = course_arg(start, 1, 0), increments = course_arg(start, 2, 0);
  struct shared *sh = 0;
  must(hb_region_map(start->handles[0], HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&sh), "map");
  _Atomic uint64_t *mine = (_Atomic uint64_t *)(sh->counters + offset);
  while (!atomic_load_explicit(&sh->go, memory_order_acquire)) hb_yield();
  for (uint64_t i = 0; i < increments; ++i) atomic_fetch_add_explicit(mine, 1, memory_order_relaxed);
  return 0;
}

/* Two counter tasks, the second `offset` bytes after the first; returns the time both took. */
static hb_time_t race(hb_handle_t region, struct shared *sh, uint64_t offset, uint64_t increments,
                      int *ok) {
  for (int i = 0; i < 256; ++i) sh->counters[i] = 0;
  atomic_store(&sh->go, 0);
  const uint32_t rw = HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | HB_RIGHT_TRANSFER;
  hb_handle_t h0 = course_dup(region, rw), h1 = course_dup(region, rw);
  hb_task_id_t a = course_spawn("counter", 0, increments, &h0, 1);
  hb_task_id_t b = course_spawn("counter", offset, increments, &h1, 1);
  hb_time_t t0 = hb_clock_ns();
  atomic_store_explicit(&sh->go, 1, memory_order_release);
  int32_t ca = course_wait(a), cb = course_wait(b);
  hb_time_t ns = hb_clock_ns() - t0;
  uint64_t first = atomic_load((_Atomic uint64_t *)(sh->counters));
  uint64_t second = atomic_load((_Atomic uint64_t *)(sh->counters + offset));
  if (ca != 0 || cb != 0 || first != increments || second != increments) {
    say("counters %llu and %llu (offset %llu), expected %llu each", (unsigned long long)first,
        (unsigned long long)second, (unsigned long long)offset, (unsigned long long)increments);
    *ok = 0;
  }
  return ns;
}

int main(void) {
  hb_start_info start = course_start();
  if (course_role_is(&start, "counter")) return counter(&start);

  uint64_t increments = course_arg(&start, 0, 2000000);
  hb_handle_t region = HB_INVALID;
  must(hb_region_create(sizeof(struct shared), 0, &region), "region_create");
  struct shared *sh = 0;
  must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&sh), "map");

  int ok = 1;
  hb_time_t same = race(region, sh, SAME_LINE_OFFSET, increments, &ok);
  hb_time_t apart = race(region, sh, APART_OFFSET, increments, &ok);
  say("2 tasks x %llu increments", (unsigned long long)increments);
  say("  counters in one cache line:  %llu us", course_us(same));
  say("  counters two lines apart:    %llu us   (one line took %llu.%llux as long)",
      course_us(apart), (unsigned long long)(same / (apart ? apart : 1)),
      (unsigned long long)(same * 10 / (apart ? apart : 1) % 10));
  say(ok ? "cache_lines: OK (every counter exact)" : "cache_lines: FAILED");
  hb_region_unmap(sh);
  return ok ? 0 : 1;
}
