/* producer_consumer_monitor - the textbook ProducerConsumer monitor, with PutItem and
 * GetItem, shared by several producer and consumer tasks (harbor/monitor.h).
 *
 *   harbor-emu exec producer-consumer-monitor [ITEMS] [N] [PRODUCERS] [CONSUMERS]
 *   (defaults: 2000 items, N = 4 slots, 2 producers, 2 consumers)
 *
 * The lecture writes it in a language with monitors:
 *
 *   monitor ProducerConsumer
 *     condition notFull, notEmpty;
 *     item buffer[N]; integer count, in, out;
 *     procedure PutItem(x)  while count = N do wait(notFull);
 *                           buffer[in] := x; in := (in + 1) mod N; count := count + 1;
 *                           signal(notEmpty)
 *     function GetItem      while count = 0 do wait(notEmpty);
 *                           x := buffer[out]; out := (out + 1) mod N; count := count - 1;
 *                           signal(notFull); return x
 *
 * C has no monitors, so the compiler's two jobs are written out: every procedure begins
 * with hb_monitor_enter and ends with hb_monitor_exit (mutual exclusion), and the monitor's
 * variables live in its grant region (hb_monitor_data), where every task sees them.
 * `while`, not `if`: Harbor's monitors have Mesa semantics (docs/monitors.md), so a woken
 * task re-checks, because another may have taken the slot or item first. Hoare's version can
 * use `if` (the signaller hands the monitor straight to the woken task).
 *
 * The parent creates the monitor, spawns the producers and consumers (this same program)
 * with its handles, and compares the checksums they send back.
 */
#include "example.h"

#include <harbor/monitor.h>

#include <string.h>
#include <unistd.h>

enum { NOT_FULL = 0, NOT_EMPTY = 1 }; /* the monitor's condition variables */

struct producer_consumer { /* the monitor's variables, in the shared region */
  uint32_t n, count, in, out;
  uint64_t buffer[]; /* n slots */
};

static void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("producer_consumer_monitor: %s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

// DOC: monitor-put-item
static void PutItem(hb_monitor_t *m, uint64_t x) {
  must(hb_monitor_enter(m, HB_FOREVER), "enter");
  struct producer_consumer *pc = hb_monitor_data(m);
  while (pc->count == pc->n) must(hb_cond_wait(m, NOT_FULL, HB_FOREVER), "wait notFull");
  pc->buffer[pc->in] = x;
  pc->in = (pc->in + 1) % pc->n;
  pc->count++;
  must(hb_cond_signal(m, NOT_EMPTY), "signal notEmpty");
  must(hb_monitor_exit(m), "exit");
}

// DOC: monitor-get-item
static uint64_t GetItem(hb_monitor_t *m) {
  must(hb_monitor_enter(m, HB_FOREVER), "enter");
  struct producer_consumer *pc = hb_monitor_data(m);
  while (pc->count == 0) must(hb_cond_wait(m, NOT_EMPTY, HB_FOREVER), "wait notEmpty");
  uint64_t x = pc->buffer[pc->out];
  pc->out = (pc->out + 1) % pc->n;
  pc->count--;
  must(hb_cond_signal(m, NOT_FULL), "signal notFull");
  must(hb_monitor_exit(m), "exit");
  return x;
}

static uint64_t make_item(uint64_t i) { return i * 2654435761u + 1; }

struct report { /* what a child sends its parent at the end */
  uint32_t producer;
  uint32_t count;
  uint64_t sum;
};

/* A role: "producer FIRST STEP COUNT" puts items FIRST, FIRST+STEP, ...; "consumer COUNT"
 * gets COUNT items. Both send their checksum to the parent. */
static int child(const hb_start_info *start) {
  hb_monitor_t m;
  must(hb_monitor_attach(start->handles, start->handle_count, &m), "attach");
  int is_producer = strcmp(start->argv[0], "producer") == 0;
  struct report r = {(uint32_t)is_producer, 0, 0};
  if (is_producer) {
    uint64_t first = strtoull(start->argv[1], NULL, 10), step = strtoull(start->argv[2], NULL, 10);
    uint64_t count = strtoull(start->argv[3], NULL, 10);
    for (uint64_t k = 0; k < count; ++k, ++r.count) {
      uint64_t x = make_item(first + k * step);
      PutItem(&m, x);
      r.sum += x;
    }
  } else {
    uint64_t count = strtoull(start->argv[1], NULL, 10);
    for (uint64_t k = 0; k < count; ++k, ++r.count) r.sum += GetItem(&m);
  }
  hb_msg_out out = {&r, sizeof r, 0, NULL};
  must(hb_send_task(start->sender, &out, 0, HB_FOREVER), "report");
  hb_monitor_detach(&m);
  return 0;
}

static hb_task_id_t spawn_child(const hb_monitor_t *m, const char *args, uint32_t len) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* hosted: our own path */
  if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
  self[n] = 0;
  hb_handle_t handles[HB_MONITOR_HANDLES_MAX];
  uint32_t count = 0;
  must(hb_monitor_grant(m, handles, HB_MONITOR_HANDLES_MAX, &count), "grant");
  hb_msg_out msg = {args, len, count, handles};
  hb_task_id_t id = 0;
  must(hb_task_spawn(self, &msg, &id), "spawn");
  return id;
}

int main(void) {
  hb_start_info start = start_or_exit("producer_consumer_monitor", 0);
  if (start.argc >= 2 && start.handle_count > 0) return child(&start);

  uint64_t items = (uint64_t)arg_number(&start, 0, 2000);
  uint32_t n = (uint32_t)arg_number(&start, 1, 4);
  uint32_t producers = (uint32_t)arg_number(&start, 2, 2);
  uint32_t consumers = (uint32_t)arg_number(&start, 3, 2);
  if (n < 1 || n > 4096 || producers < 1 || consumers < 1 ||
      producers + consumers > HB_MONITOR_WAITERS_MAX) {
    say("usage: producer-consumer-monitor [ITEMS] [N] [PRODUCERS] [CONSUMERS]\n"
        "       (1 <= N <= 4096, PRODUCERS + CONSUMERS <= %u: one waiter slot each)",
        HB_MONITOR_WAITERS_MAX);
    return 2;
  }
  hb_monitor_t m;
  must(hb_monitor_create(2, producers + consumers,
                         sizeof(struct producer_consumer) + n * sizeof(uint64_t), &m), "create");
  struct producer_consumer *pc = hb_monitor_data(&m); /* nobody else runs yet */
  pc->n = n;

  char args[96];
  hb_task_id_t children[HB_MONITOR_WAITERS_MAX];
  uint32_t spawned = 0;
  for (uint32_t p = 0; p < producers; ++p) { /* producer p: items p, p + P, p + 2P, ... */
    uint64_t count = items / producers + (p < items % producers);
    int len = snprintf(args, sizeof args, "producer%c%u%c%u%c%llu", 0, p, 0, producers, 0,
                       (unsigned long long)count);
    children[spawned++] = spawn_child(&m, args, (uint32_t)len + 1);
  }
  for (uint32_t c = 0; c < consumers; ++c) {
    uint64_t count = items / consumers + (c < items % consumers);
    int len = snprintf(args, sizeof args, "consumer%c%llu", 0, (unsigned long long)count);
    children[spawned++] = spawn_child(&m, args, (uint32_t)len + 1);
  }
  uint64_t produced = 0, consumed = 0, put = 0, got = 0;
  for (uint32_t i = 0; i < producers + consumers; ++i) {
    struct report r;
    hb_msg_in in = {0};
    in.data = &r;
    in.cap = sizeof r;
    must(hb_recv(HB_INBOX, &in, 0, 60ull * 1000000000ull), "receive a report");
    if (r.producer)
      produced += r.sum, put += r.count;
    else
      consumed += r.sum, got += r.count;
  }
  int children_ok = 1;
  for (uint32_t i = 0; i < spawned; ++i) {
    int32_t code = -1;
    must(hb_task_wait(children[i], &code, HB_FOREVER), "wait for a child");
    children_ok &= code == 0;
  }
  uint64_t expected = 0;
  for (uint64_t i = 0; i < items; ++i) expected += make_item(i);
  say("%u producers put %llu items, %u consumers got %llu, through %u slots", producers,
      (unsigned long long)put, consumers, (unsigned long long)got, n);
  say("checksums: produced %llu, consumed %llu, expected %llu", (unsigned long long)produced,
      (unsigned long long)consumed, (unsigned long long)expected);
  must(hb_monitor_enter(&m, HB_FOREVER), "enter");
  int ok = children_ok && produced == expected && consumed == expected && put == items && got == items &&
           pc->count == 0;
  hb_monitor_exit(&m);
  say("producer_consumer_monitor: %s", ok ? "OK" : "FAILED");
  hb_monitor_detach(&m);
  return ok ? 0 : 1;
}
