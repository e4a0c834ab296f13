/* credit_flow - producer and consumer by message passing, with flow control by "empty"
 * messages:
 *
 *     "The consumer starts out by sending N empty messages to the producer. Whenever the
 *      producer has an item to give to the consumer, it takes an empty message and sends
 *      back a full one. In this way, the total number of messages in the system remains
 *      constant in time."
 *
 * Both ports here are *unbounded*: the kernel would queue as many items as the producer
 * cares to send (charged to the producer's quota, lesson 04). The empties are credits: the
 * producer sends an item only when it holds one, so never more than N items wait in the
 * kernel, whatever the speeds of the two sides. The buffering is the consumer's promise, not
 * the port's capacity.
 *
 *   harbor-emu exec credit-flow [ITEMS] [N]           (defaults: 1000 items, N = 4 credits)
 *
 * Roles (this same program): the parent makes the two ports and spawns
 *   producer  handles [items: send, empties: receive]
 *   consumer  handles [items: receive, empties: send]
 * The consumer is slow on purpose (it yields before each batch), takes every item waiting at
 * once, and checks that never more than N were waiting: exit code 1 if more were. Exit code 0
 * when every item arrived in order and the bound held.
 */
#include "course.h"

enum { ITEMS, EMPTIES }; /* the order of the handles in each child's start message */

static uint64_t make_item(uint64_t i) { return i * 40503u + 7; }

// DOC: credit-flow-producer
static int producer(const hb_start_info *start, uint64_t items) {
  hb_handle_t out = start->handles[ITEMS], credits = start->handles[EMPTIES];
  for (uint64_t i = 0; i < items; ++i) {
    hb_msg_in empty = {0};
    must(hb_recv(credits, &empty, 0, HB_FOREVER), "receive an empty"); /* receive(consumer, &m) */
    uint64_t item = make_item(i);
    hb_msg_out full = {&item, sizeof item, 0, 0};
    must(hb_send(out, &full, 0, HB_FOREVER), "send a full message"); /* send(consumer, &m) */
  }
  return 0;
}

// DOC: credit-flow-consumer
static int consumer(const hb_start_info *start, uint64_t items, uint64_t n) {
  hb_handle_t in = start->handles[ITEMS], credits = start->handles[EMPTIES];
  hb_msg_out empty = {0, 0, 0, 0}; /* an empty message: no bytes at all */
  for (uint64_t i = 0; i < n; ++i) must(hb_send(credits, &empty, 0, HB_FOREVER), "first empties");
  uint64_t received = 0, most_waiting = 0;
  while (received < items) {
    for (int i = 0; i < 8; ++i) hb_yield(); /* a slow consumer: let the producer race ahead */
    /* Take everything that is waiting: one blocking receive, then non-blocking ones. */
    uint64_t batch[999];
    uint64_t count = 0;
    hb_time_t wait = HB_FOREVER;
    for (;;) {
      hb_msg_in full = {0};
      full.data = &batch[count < 999 ? count : 998];
      full.cap = sizeof batch[0];
      hb_status_t s = hb_recv(in, &full, 0, wait);
      /* Nothing more waiting: a null message, or end of input (the producer is done and
       * gone) once we hold some of the batch. */
      if (count > 0 && (s == HB_ERR_WOULD_BLOCK || s == HB_ERR_PEER_CLOSED)) break;
      must(s, "receive a full message");
      ++count;
      wait = HB_NOWAIT;
    }
    if (count > most_waiting) most_waiting = count;
    if (count > n) {
      say("consumer: %llu items were waiting at once, more than the %llu credits",
          (unsigned long long)count, (unsigned long long)n);
      return 1;
    }
    for (uint64_t k = 0; k < count; ++k, ++received) {
      if (batch[k] != make_item(received)) {
        say("consumer: item %llu is %llu, expected %llu", (unsigned long long)received,
            (unsigned long long)batch[k], (unsigned long long)make_item(received));
        return 1;
      }
      /* The last N credits would only be left over: the producer has nothing more to send. */
      if (received + n < items) must(hb_send(credits, &empty, 0, HB_FOREVER), "return an empty");
    }
  }
  say("consumer: %llu items in order; at most %llu waited at once, with %llu credits",
      (unsigned long long)items, (unsigned long long)most_waiting, (unsigned long long)n);
  return 0;
}

int main(void) {
  hb_start_info start = course_start();
  if (course_role_is(&start, "producer") || course_role_is(&start, "consumer")) {
    uint64_t items = course_arg(&start, 1, 0), n = course_arg(&start, 2, 1);
    if (start.handle_count < 2) must(HB_ERR_INVALID_ARG, "needs two handles");
    return course_role_is(&start, "producer") ? producer(&start, items)
                                               : consumer(&start, items, n);
  }

  uint64_t items = course_arg(&start, 0, 1000), n = course_arg(&start, 1, 4);
  if (n < 1 || n > 999 || items > 1000000) {
    say("usage: credit-flow [ITEMS] [N]   (1 <= N <= 999, ITEMS <= 1000000)");
    return 2;
  }
  hb_handle_t items_recv, items_send, empties_recv, empties_send;
  must(hb_port_create(HB_PORT_UNBOUNDED, 0, 0, &items_recv, &items_send), "items port");
  must(hb_port_create(HB_PORT_UNBOUNDED, 0, 0, &empties_recv, &empties_send), "empties port");

  hb_handle_t for_producer[2] = {items_send, empties_recv};
  hb_handle_t for_consumer[2] = {items_recv, empties_send};
  hb_time_t t0 = hb_clock_ns();
  hb_task_id_t c = course_spawn("consumer", items, n, for_consumer, 2);
  hb_task_id_t p = course_spawn("producer", items, n, for_producer, 2);
  int32_t pcode = course_wait(p), ccode = course_wait(c);
  say("%llu items with %llu credits in %llu us", (unsigned long long)items, (unsigned long long)n,
      course_us(hb_clock_ns() - t0));
  int ok = pcode == 0 && ccode == 0;
  say(ok ? "credit_flow: OK" : "credit_flow: FAILED (producer %d, consumer %d)", pcode, ccode);
  return ok ? 0 : 1;
}
