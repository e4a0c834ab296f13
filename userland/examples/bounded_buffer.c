/* bounded_buffer - the textbook bounded buffer, in memory shared by two tasks.
 *
 *   harbor-emu exec bounded-buffer [ITEMS] [N]        (defaults: 5000 items, N = 8)
 *
 * The two roles can also be started by a scenario file that makes the region and the
 * semaphores itself (docs/emulator.md): "producer ITEMS N" and "consumer ITEMS", with the
 * handles [REGION, EMPTY, FULL, MUTEX]; the producer then formats the region for N slots.
 *
 * One program, three roles (docs/shared-memory.md walks through it); the buffer itself is
 * harbor/bounded_buffer.h (docs/bounded-buffer.md), whose put and get are the textbook's:
 *   parent    makes the buffer (a region and the semaphores empty, full, mutex), spawns a
 *             producer and a consumer (this same program) with handles for their role in
 *             their start messages, waits for both and compares the checksums they send it;
 *   producer  for each item: put   = wait(empty); wait(mutex); buffer[in] = item;
 *                                    in = (in + 1) % N; post(mutex); post(full)
 *   consumer  for each item: get   = wait(full); wait(mutex); item = buffer[out];
 *                                    out = (out + 1) % N; post(mutex); post(empty)
 *
 * The kernel is involved only in the semaphores: the items themselves go through plain
 * loads and stores in the shared region. Each child gets only the rights it needs: the
 * producer may wait on `empty` and post `full`, the consumer the reverse.
 */
#include "example.h"

#include <harbor/bounded_buffer.h>

#include <string.h>
#include <unistd.h>

static uint64_t make_item(uint64_t i) { return i * 2654435761u + 1; }

static void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("bounded_buffer: %s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

/* Tells the parent (if a task started us, not a scenario) the checksum of a role. */
static void report_sum(const hb_start_info *start, uint64_t sum) {
  if (start->sender == 0) return;
  hb_msg_out m = {&sum, sizeof sum, 0, NULL};
  must(hb_send_task(start->sender, &m, 0, HB_FOREVER), "send checksum");
}

// DOC: bounded-buffer-producer
static int producer(const hb_start_info *start, uint64_t items) {
  hb_bounded_buffer_t b;
  if (start->argc >= 3) /* wired by a scenario: the region is fresh, we format it for N */
    must(hb_bounded_buffer_format(start->handles, start->handle_count, sizeof(uint64_t),
                                  (uint32_t)strtoul(start->argv[2], NULL, 10), &b), "format");
  else
    must(hb_bounded_buffer_attach(start->handles, start->handle_count, sizeof(uint64_t), &b),
         "attach");
  uint64_t sum = 0;
  for (uint64_t i = 0; i < items; ++i) {
    uint64_t item = make_item(i);
    must(hb_bounded_buffer_put(&b, &item, HB_FOREVER), "put"); /* waits for a free slot */
    sum += item;
  }
  report_sum(start, sum);
  return 0;
}

// DOC: bounded-buffer-consumer
static int consumer(const hb_start_info *start, uint64_t items) {
  hb_bounded_buffer_t b; /* a scenario's region may still be unformatted: get waits first */
  must(hb_bounded_buffer_attach(start->handles, start->handle_count, sizeof(uint64_t), &b),
       "attach");
  uint64_t sum = 0;
  for (uint64_t i = 0; i < items; ++i) {
    uint64_t item = 0;
    must(hb_bounded_buffer_get(&b, &item, HB_FOREVER), "get"); /* waits for an item */
    if (item != make_item(i)) {
      say("consumer: item %llu is %llu, expected %llu", (unsigned long long)i,
          (unsigned long long)item, (unsigned long long)make_item(i));
      return 1;
    }
    sum += item;
  }
  report_sum(start, sum);
  return 0;
}

/* Spawns this same program as ROLE with the buffer's handles for that role (moved). */
static hb_task_id_t spawn_role(const hb_bounded_buffer_t *b, uint32_t role_bit,
                               const char *role, uint64_t items) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* hosted: our own path */
  if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
  self[n] = 0;
  char args[64]; /* "ROLE\0ITEMS\0" */
  int len = snprintf(args, sizeof args, "%s%c%llu", role, 0, (unsigned long long)items);
  hb_handle_t handles[HB_BOUNDED_BUFFER_HANDLES];
  must(hb_bounded_buffer_grant(b, role_bit, handles), "grant");
  hb_msg_out m = {args, (uint32_t)len + 1, HB_BOUNDED_BUFFER_HANDLES, handles};
  hb_task_id_t child = 0;
  must(hb_task_spawn(self, &m, &child), "spawn");
  return child;
}

static uint64_t receive_sum(hb_task_id_t from) {
  uint64_t sum = 0;
  hb_msg_in in = {0};
  in.data = &sum;
  in.cap = sizeof sum;
  in.sender = from;
  must(hb_recv(HB_INBOX, &in, HB_RECV_FROM, HB_FOREVER), "receive a checksum");
  return sum;
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
  if (n < 1 || n > HB_BOUNDED_BUFFER_SLOTS_MAX) {
    say("usage: bounded-buffer [ITEMS] [N]   (1 <= N <= 65536)");
    return 2;
  }
  hb_bounded_buffer_t b; /* empty = sem(N, N), full = sem(0, N), mutex = sem(1, 1) */
  must(hb_bounded_buffer_create(sizeof(uint64_t), n, &b), "create");

  hb_time_t t0 = hb_clock_ns();
  hb_task_id_t c = spawn_role(&b, HB_BOUNDED_BUFFER_CONSUMER, "consumer", items);
  hb_task_id_t p = spawn_role(&b, HB_BOUNDED_BUFFER_PRODUCER, "producer", items);
  int32_t pcode = -1, ccode = -1;
  must(hb_task_wait(p, &pcode, HB_FOREVER), "wait producer");
  must(hb_task_wait(c, &ccode, HB_FOREVER), "wait consumer");
  hb_time_t ns = hb_clock_ns() - t0;
  uint64_t produced = pcode == 0 ? receive_sum(p) : 0, consumed = ccode == 0 ? receive_sum(c) : 0;

  uint64_t expected = 0;
  for (uint64_t i = 0; i < items; ++i) expected += make_item(i);
  say("%llu items through a buffer of %u slots in %llu ms (%llu ns per item)",
      (unsigned long long)items, n, (unsigned long long)(ns / 1000000),
      (unsigned long long)(items ? ns / items : 0));
  say("checksums: produced %llu, consumed %llu, expected %llu", (unsigned long long)produced,
      (unsigned long long)consumed, (unsigned long long)expected);
  uint64_t left = 0; /* every item was taken: the buffer is empty again */
  int ok = pcode == 0 && ccode == 0 && produced == expected && consumed == expected &&
           hb_bounded_buffer_get(&b, &left, HB_NOWAIT) == HB_ERR_WOULD_BLOCK;
  if (ok)
    say("bounded_buffer: OK");
  else
    say("bounded_buffer: FAILED (producer exit %d, consumer exit %d)", pcode, ccode);
  hb_bounded_buffer_detach(&b);
  return ok ? 0 : 1;
}
