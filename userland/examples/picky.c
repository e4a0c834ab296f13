/* picky - receives from a named sender first (HB_RECV_FROM), then from anyone.
 *
 *   start message: args  ALICE BOB   (the task ids of two greeters)
 *
 *   (1) "go" to bob; bob's greeting arrives and waits, queued in our inbox;
 *   (2) "go" to alice;
 *   (3) hb_recv with HB_RECV_FROM = alice: symmetric naming. Bob's message is older, but it
 *       is skipped: we wait for alice's, however long that takes;
 *   (4) hb_recv without it: asymmetric naming, the oldest message from anyone (bob's);
 *       in.sender says who it was.
 */
#include "example.h"

#include <string.h>

static int go(hb_task_id_t task) {
  hb_msg_out m = {"go", 2, 0, NULL};
  hb_status_t s = hb_send_task(task, &m, 0, HB_FOREVER);
  if (s != HB_OK) say("go to task %llu failed: %s", (unsigned long long)task, hb_strerror(s));
  return s == HB_OK;
}

static int receive(hb_task_id_t from, hb_task_id_t *sender, char *text, uint32_t cap) {
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = text;
  in.cap = cap - 1;
  in.sender = from;
  hb_status_t s = hb_recv(HB_INBOX, &in, from ? HB_RECV_FROM : 0, HB_FOREVER);
  if (s != HB_OK) {
    say("recv failed: %s", hb_strerror(s));
    return 0;
  }
  text[in.len] = '\0';
  *sender = in.sender;
  return 1;
}

int main(void) {
  hb_start_info start = start_or_exit("picky", 0);
  if (start.argc != 2) {
    say("usage: picky ALICE-ID BOB-ID");
    return 2;
  }
  hb_task_id_t alice = (hb_task_id_t)arg_number(&start, 0, 0);
  hb_task_id_t bob = (hb_task_id_t)arg_number(&start, 1, 0);

  if (!go(bob)) return 1;  /* (1) */
  let_others_run(4);        /* bob answers: his greeting is now queued in our inbox */
  if (!go(alice)) return 1; /* (2) */

  char text[64];
  hb_task_id_t sender = 0;
  if (!receive(alice, &sender, text, sizeof text)) return 1;  /* (3) */
  say("asked for task %llu by name, got \"%s\" from task %llu",
      (unsigned long long)alice, text, (unsigned long long)sender);
  int ok = sender == alice;

  if (!receive(0, &sender, text, sizeof text)) return 1;  /* (4) */
  say("asked anyone, got \"%s\" from task %llu", text, (unsigned long long)sender);
  ok = ok && sender == bob;
  return ok ? 0 : 1;
}
