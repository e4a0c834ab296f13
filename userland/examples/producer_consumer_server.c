/* producer_consumer_server - the ProducerConsumer monitor as a server task: the same
 * PutItem and GetItem as producer_consumer_monitor.c, with messages instead of shared memory.
 *
 *   harbor-emu exec producer-consumer-server [ITEMS] [N] [PRODUCERS] [CONSUMERS]
 *   (defaults: 2000 items, N = 4 slots, 2 producers, 2 consumers)
 *
 * How the parts of a monitor map onto a server (docs/monitors.md, "A monitor as a task"):
 *   the monitor's variables   the server's own memory: no other task can even see them;
 *   mutual exclusion          the server takes one request at a time (hb_recv, hb_reply):
 *                             there is no mutex because there is one thread;
 *   a procedure call          hb_call(port, {PUT, item}) or hb_call(port, {GET});
 *   wait(c)                   the server does not answer yet: it keeps the caller's reply
 *                             capability in c's queue, and the caller stays blocked in hb_call;
 *   signal(c)                 the server answers the oldest reply capability in c's queue.
 * The server serves the waiting request itself when it signals (it puts the held producer's
 * item in, or hands the held consumer an item), so a woken caller never has to re-check:
 * this is Hoare's discipline, which a server gets for free because nobody else can run
 * "inside" between the signal and the answer.
 */
#include "example.h"

#include <string.h>
#include <unistd.h>

enum { PUT = 1, GET = 2, STOP = 3 };

struct request {
  uint32_t op;
  uint32_t pad;
  uint64_t item; /* PUT */
};

struct answer {
  int32_t status;
  uint32_t pad;
  uint64_t item;  /* GET */
  uint64_t moved; /* STOP: items that went through */
};

static void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("producer_consumer_server: %s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

/* A condition variable of the server: a FIFO of held reply capabilities (with the item a
 * waiting producer brought). Each client has at most one call outstanding, so 16 is enough
 * for the 14 clients the parent allows. */
#define HELD_MAX 16
struct condition {
  hb_handle_t reply[HELD_MAX];
  uint64_t item[HELD_MAX];
  uint32_t head, count;
};

static void hold(struct condition *c, hb_handle_t reply, uint64_t item) { /* wait(c) */
  uint32_t at = (c->head + c->count++) % HELD_MAX;
  c->reply[at] = reply;
  c->item[at] = item;
}

static hb_handle_t oldest(struct condition *c, uint64_t *item) { /* for signal(c) */
  hb_handle_t reply = c->reply[c->head];
  *item = c->item[c->head];
  c->head = (c->head + 1) % HELD_MAX;
  c->count--;
  return reply;
}

/* A caller that died while held is simply gone (HB_ERR_PEER_CLOSED): the server goes on. */
static void answer(hb_handle_t reply, uint64_t item) {
  struct answer a = {HB_OK, 0, item, 0};
  hb_msg_out out = {&a, sizeof a, 0, NULL};
  hb_status_t s = hb_reply(reply, &out);
  if (s != HB_ERR_PEER_CLOSED) must(s, "reply");
}

// DOC: monitor-server-loop
static int server(uint32_t n, hb_handle_t port) {
  uint64_t buffer[4096];
  uint32_t count = 0, in = 0, out = 0;
  uint64_t moved = 0;
  struct condition not_full = {0}, not_empty = {0};
  for (;;) {
    struct request r;
    hb_msg_in msg = {0};
    msg.data = &r;
    msg.cap = sizeof r;
    must(hb_recv(port, &msg, 0, HB_FOREVER), "receive");
    if (msg.len != sizeof r || msg.reply == HB_INVALID) { /* not a call of ours: refuse */
      if (msg.reply != HB_INVALID) hb_handle_close(msg.reply);
      continue;
    }
    if (r.op == PUT) {
      if (count == n) { /* PutItem: while count = N do wait(notFull) */
        hold(&not_full, msg.reply, r.item);
        continue;
      }
      buffer[in] = r.item, in = (in + 1) % n, count++, moved++;
      answer(msg.reply, 0);
      if (not_empty.count > 0) { /* signal(notEmpty): serve the oldest waiting GetItem */
        uint64_t unused;
        hb_handle_t waiting = oldest(&not_empty, &unused);
        uint64_t x = buffer[out];
        out = (out + 1) % n, count--;
        answer(waiting, x);
      }
    } else if (r.op == GET) {
      if (count == 0) { /* GetItem: while count = 0 do wait(notEmpty) */
        hold(&not_empty, msg.reply, 0);
        continue;
      }
      uint64_t x = buffer[out];
      out = (out + 1) % n, count--;
      answer(msg.reply, x);
      if (not_full.count > 0) { /* signal(notFull): put the oldest waiting producer's item */
        uint64_t item;
        hb_handle_t waiting = oldest(&not_full, &item);
        buffer[in] = item, in = (in + 1) % n, count++, moved++;
        answer(waiting, 0);
      }
    } else if (r.op == STOP) {
      struct answer a = {count == 0 && not_full.count == 0 && not_empty.count == 0 ? HB_OK
                                                                                    : HB_ERR_INVALID_ARG,
                         0, 0, moved};
      hb_msg_out done = {&a, sizeof a, 0, NULL};
      must(hb_reply(msg.reply, &done), "reply to STOP");
      return 0;
    } else {
      struct answer a = {HB_ERR_INVALID_ARG, 0, 0, 0};
      hb_msg_out bad = {&a, sizeof a, 0, NULL};
      hb_reply(msg.reply, &bad);
    }
  }
}

static struct answer call(hb_handle_t port, uint32_t op, uint64_t item) {
  struct request r = {op, 0, item};
  struct answer a = {HB_ERR_INVALID_ARG, 0, 0, 0};
  hb_msg_out out = {&r, sizeof r, 0, NULL};
  hb_msg_in in = {0};
  in.data = &a;
  in.cap = sizeof a;
  must(hb_call(port, &out, &in, HB_FOREVER), "call");
  must(a.status, "the server's answer");
  return a;
}

static uint64_t make_item(uint64_t i) { return i * 2654435761u + 1; }

/* "producer FIRST STEP COUNT" puts items FIRST, FIRST+STEP, ...; "consumer COUNT" gets
 * COUNT items. Each sends its checksum to the parent, as in producer_consumer_monitor.c. */
static int client(const hb_start_info *start) {
  hb_handle_t port = start->handles[0];
  int is_producer = strcmp(start->argv[0], "producer") == 0;
  uint64_t sum = 0;
  if (is_producer) {
    uint64_t first = strtoull(start->argv[1], NULL, 10), step = strtoull(start->argv[2], NULL, 10);
    uint64_t count = strtoull(start->argv[3], NULL, 10);
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t x = make_item(first + k * step);
      call(port, PUT, x); /* PutItem(x): blocks in hb_call while the buffer is full */
      sum += x;
    }
  } else {
    uint64_t count = strtoull(start->argv[1], NULL, 10);
    for (uint64_t k = 0; k < count; ++k) sum += call(port, GET, 0).item; /* GetItem() */
  }
  uint64_t report[2] = {(uint64_t)is_producer, sum};
  hb_msg_out out = {report, sizeof report, 0, NULL};
  must(hb_send_task(start->sender, &out, 0, HB_FOREVER), "report");
  return 0;
}

static hb_task_id_t spawn_role(const char *args, uint32_t len, hb_handle_t handle) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* hosted: our own path */
  if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
  self[n] = 0;
  hb_msg_out msg = {args, len, 1, &handle};
  hb_task_id_t id = 0;
  must(hb_task_spawn(self, &msg, &id), "spawn");
  return id;
}

int main(void) {
  hb_start_info start = start_or_exit("producer_consumer_server", 0);
  if (start.argc >= 2 && start.handle_count == 1 && strcmp(start.argv[0], "server") == 0)
    return server((uint32_t)strtoul(start.argv[1], NULL, 10), start.handles[0]);
  if (start.argc >= 2 && start.handle_count == 1) return client(&start);

  uint64_t items = (uint64_t)arg_number(&start, 0, 2000);
  uint32_t n = (uint32_t)arg_number(&start, 1, 4);
  uint32_t producers = (uint32_t)arg_number(&start, 2, 2);
  uint32_t consumers = (uint32_t)arg_number(&start, 3, 2);
  if (n < 1 || n > 4096 || producers < 1 || consumers < 1 || producers + consumers > 14) {
    say("usage: producer-consumer-server [ITEMS] [N] [PRODUCERS] [CONSUMERS]\n"
        "       (1 <= N <= 4096, PRODUCERS + CONSUMERS <= 14)");
    return 2;
  }
  hb_handle_t recv_right, send_right;
  must(hb_port_create(HB_PORT_BOUNDED, 16, 0, &recv_right, &send_right), "port");
  char args[96];
  int len = snprintf(args, sizeof args, "server%c%u", 0, n);
  hb_task_id_t server_id = spawn_role(args, (uint32_t)len + 1, recv_right);
  hb_task_id_t children[14];
  uint32_t spawned = 0;
  for (uint32_t p = 0; p < producers; ++p) {
    uint64_t count = items / producers + (p < items % producers);
    len = snprintf(args, sizeof args, "producer%c%u%c%u%c%llu", 0, p, 0, producers, 0,
                   (unsigned long long)count);
    hb_handle_t h;
    must(hb_handle_dup(send_right, HB_RIGHTS_SAME, &h), "dup");
    children[spawned++] = spawn_role(args, (uint32_t)len + 1, h);
  }
  for (uint32_t c = 0; c < consumers; ++c) {
    uint64_t count = items / consumers + (c < items % consumers);
    len = snprintf(args, sizeof args, "consumer%c%llu", 0, (unsigned long long)count);
    hb_handle_t h;
    must(hb_handle_dup(send_right, HB_RIGHTS_SAME, &h), "dup");
    children[spawned++] = spawn_role(args, (uint32_t)len + 1, h);
  }
  uint64_t produced = 0, consumed = 0;
  int children_ok = 1;
  for (uint32_t i = 0; i < spawned; ++i) {
    uint64_t report[2] = {0, 0};
    hb_msg_in in = {0};
    in.data = report;
    in.cap = sizeof report;
    in.sender = children[i];
    must(hb_recv(HB_INBOX, &in, HB_RECV_FROM, HB_FOREVER), "receive a report");
    if (report[0])
      produced += report[1];
    else
      consumed += report[1];
    int32_t code = -1;
    must(hb_task_wait(children[i], &code, HB_FOREVER), "wait for a child");
    children_ok &= code == 0;
  }
  struct answer stop = call(send_right, STOP, 0); /* every client is done: nothing is held */
  int32_t code = -1;
  must(hb_task_wait(server_id, &code, HB_FOREVER), "wait for the server");

  uint64_t expected = 0;
  for (uint64_t i = 0; i < items; ++i) expected += make_item(i);
  say("%llu items through a server of %u slots (%u producers, %u consumers)",
      (unsigned long long)stop.moved, n, producers, consumers);
  say("checksums: produced %llu, consumed %llu, expected %llu", (unsigned long long)produced,
      (unsigned long long)consumed, (unsigned long long)expected);
  int ok = children_ok && code == 0 && stop.moved == items && produced == expected &&
           consumed == expected;
  say("producer_consumer_server: %s", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
