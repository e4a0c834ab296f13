/* bounded_buffer - the textbook bounded buffer, in memory shared by two tasks.
 *
 *   harbor-emu exec bounded-buffer [ITEMS] [N]        (defaults: 5000 items, N = 8)
 *
 * The two roles can also be started by a scenario file that makes the region and the
 * semaphores itself (docs/emulator.md): "producer ITEMS N" and "consumer ITEMS", with the
 * handles [REGION, EMPTY, FULL, MUTEX]; the producer then writes N into the fresh region.
 *
 * One program, three roles (docs/shared-memory.md walks through it):
 *   parent    makes the shared region and the three semaphores, spawns a producer and a
 *             consumer (this same program) with the handles in their start messages,
 *             waits for both and compares their checksums;
 *   producer  for each item: wait(empty); wait(mutex); buffer[in] = item;
 *             in = (in + 1) % N; post(mutex); post(full);
 *   consumer  for each item: wait(full); wait(mutex); item = buffer[out];
 *             out = (out + 1) % N; post(mutex); post(empty);
 *
 * The kernel is involved only in the semaphores: the items themselves go through plain
 * loads and stores in the shared region. Each child gets only the rights it needs: the
 * producer may wait on `empty` and post `full`, the consumer the reverse.
 */
#include "example.h"

#include <string.h>
#include <unistd.h>

struct shared {
  uint32_t n; /* slots */
  uint32_t in, out;
  uint32_t pad;
  uint64_t produced_sum, consumed_sum; /* written by each side when it is done */
  uint64_t buffer[];                   /* n slots */
};

enum { REGION, EMPTY, FULL, MUTEX }; /* the order of the handles in a child's start message */

static uint64_t make_item(uint64_t i) { return i * 2654435761u + 1; }

static void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("bounded_buffer: %s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

// DOC: bounded-buffer-producer
static int producer(const hb_start_info *start, uint64_t items) {
  hb_handle_t empty = start->handles[EMPTY], full = start->handles[FULL];
  hb_handle_t mutex = start->handles[MUTEX];
  struct shared *sh = NULL;
  must(hb_region_map(start->handles[REGION], HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&sh), "map");
  /* Wired by a scenario: nobody else wrote N. The consumer reads it only after its first
   * wait(full), which follows our first post(full). */
  if (start->argc >= 3) sh->n = (uint32_t)strtoul(start->argv[2], NULL, 10);
  if (sh->n == 0) must(HB_ERR_INVALID_ARG, "the region holds no slot count N");
  uint64_t sum = 0;
  for (uint64_t i = 0; i < items; ++i) {
    uint64_t item = make_item(i);
    must(hb_sem_wait(empty, HB_FOREVER), "wait empty"); /* a free slot */
    must(hb_sem_wait(mutex, HB_FOREVER), "wait mutex"); /* enter the critical section */
    sh->buffer[sh->in] = item;
    sh->in = (sh->in + 1) % sh->n;
    must(hb_sem_post(mutex, 1), "post mutex"); /* leave it */
    must(hb_sem_post(full, 1), "post full");   /* one more item to take */
    sum += item;
  }
  sh->produced_sum = sum;
  return 0;
}

// DOC: bounded-buffer-consumer
static int consumer(const hb_start_info *start, uint64_t items) {
  hb_handle_t empty = start->handles[EMPTY], full = start->handles[FULL];
  hb_handle_t mutex = start->handles[MUTEX];
  struct shared *sh = NULL;
  must(hb_region_map(start->handles[REGION], HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&sh), "map");
  uint64_t sum = 0;
  for (uint64_t i = 0; i < items; ++i) {
    must(hb_sem_wait(full, HB_FOREVER), "wait full");
    must(hb_sem_wait(mutex, HB_FOREVER), "wait mutex");
    uint64_t item = sh->buffer[sh->out];
    sh->out = (sh->out + 1) % sh->n;
    must(hb_sem_post(mutex, 1), "post mutex");
    must(hb_sem_post(empty, 1), "post empty"); /* one more free slot */
    if (item != make_item(i)) {
      say("consumer: item %llu is %llu, expected %llu", (unsigned long long)i,
          (unsigned long long)item, (unsigned long long)make_item(i));
      return 1;
    }
    sum += item;
  }
  sh->consumed_sum = sum;
  return 0;
}

static hb_handle_t dup_with(hb_handle_t h, uint32_t rights) {
  hb_handle_t out = HB_INVALID;
  must(hb_handle_dup(h, rights, &out), "dup");
  return out;
}

/* Spawns this same program as ROLE with `handles` (moved) in its start message. */
static hb_task_id_t spawn_role(const char *role, uint64_t items, hb_handle_t handles[4]) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* hosted: our own path */
  if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
  self[n] = 0;
  char args[64]; /* "ROLE\0ITEMS\0" */
  int len = snprintf(args, sizeof args, "%s%c%llu", role, 0, (unsigned long long)items);
  hb_msg_out m = {args, (uint32_t)len + 1, 4, handles};
  hb_task_id_t child = 0;
  must(hb_task_spawn(self, &m, &child), "spawn");
  return child;
}

int main(void) {
  hb_start_info start = start_or_exit("bounded_buffer", 0);
  if (start.argc >= 2 && strcmp(start.argv[0], "producer") == 0)
    return producer(&start, strtoull(start.argv[1], NULL, 10));
  if (start.argc >= 2 && strcmp(start.argv[0], "consumer") == 0)
    return consumer(&start, strtoull(start.argv[1], NULL, 10));

  /* The parent. */
  uint64_t items = (uint64_t)arg_number(&start, 0, 5000);
  uint32_t n = (uint32_t)arg_number(&start, 1, 8);
  if (n < 1 || n > 65536) {
    say("usage: bounded-buffer [ITEMS] [N]   (1 <= N <= 65536)");
    return 2;
  }
  hb_handle_t region = HB_INVALID;
  must(hb_region_create(sizeof(struct shared) + n * sizeof(uint64_t), 0, &region), "region_create");
  struct shared *sh = NULL;
  must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&sh), "map");
  sh->n = n; /* the region starts zero-filled: in = out = 0 */

  hb_handle_t empty, full, mutex;
  must(hb_sem_create(n, n, &empty), "sem empty"); /* n free slots */
  must(hb_sem_create(0, n, &full), "sem full");   /* no item yet */
  must(hb_sem_create(1, 1, &mutex), "sem mutex"); /* a binary semaphore: one task inside */

  /* Handles in a message need HB_RIGHT_TRANSFER; the rest is what each child may do. */
  const uint32_t T = HB_RIGHT_TRANSFER, rw = HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | T;
  hb_handle_t for_producer[4] = {dup_with(region, rw), dup_with(empty, HB_RIGHT_RECV | T),
                                 dup_with(full, HB_RIGHT_SEND | T),
                                 dup_with(mutex, HB_RIGHT_SEND | HB_RIGHT_RECV | T)};
  hb_handle_t for_consumer[4] = {dup_with(region, rw), dup_with(empty, HB_RIGHT_SEND | T),
                                 dup_with(full, HB_RIGHT_RECV | T),
                                 dup_with(mutex, HB_RIGHT_SEND | HB_RIGHT_RECV | T)};
  hb_time_t t0 = hb_clock_ns();
  hb_task_id_t c = spawn_role("consumer", items, for_consumer);
  hb_task_id_t p = spawn_role("producer", items, for_producer);
  int32_t pcode = -1, ccode = -1;
  must(hb_task_wait(p, &pcode, HB_FOREVER), "wait producer");
  must(hb_task_wait(c, &ccode, HB_FOREVER), "wait consumer");
  hb_time_t ns = hb_clock_ns() - t0;

  uint64_t expected = 0;
  for (uint64_t i = 0; i < items; ++i) expected += make_item(i);
  say("%llu items through a buffer of %u slots in %llu ms (%llu ns per item)",
      (unsigned long long)items, n, (unsigned long long)(ns / 1000000),
      (unsigned long long)(items ? ns / items : 0));
  say("checksums: produced %llu, consumed %llu, expected %llu", (unsigned long long)sh->produced_sum,
      (unsigned long long)sh->consumed_sum, (unsigned long long)expected);
  int ok = pcode == 0 && ccode == 0 && sh->produced_sum == expected &&
           sh->consumed_sum == expected && sh->in == sh->out;
  if (ok)
    say("bounded_buffer: OK");
  else
    say("bounded_buffer: FAILED (producer exit %d, consumer exit %d)", pcode, ccode);
  hb_region_unmap(sh);
  return ok ? 0 : 1;
}
