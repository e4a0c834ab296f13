/* naming.c - exercise 03, reference solution. */
#include "naming.h"

static hb_status_t recv_text(char *out, uint32_t cap, uint32_t flags, hb_task_id_t *sender) {
  hb_msg_in in = {0};
  in.data = out;
  in.cap = cap - 1;
  in.sender = *sender;
  hb_status_t s = hb_recv(HB_INBOX, &in, flags, HB_FOREVER);
  if (s != HB_OK) return s;
  out[in.len] = '\0';
  *sender = in.sender;
  return HB_OK;
}

int greet_in_order(hb_task_id_t first, hb_task_id_t second, char *out1, char *out2,
                   uint32_t cap) {
  hb_status_t s = recv_text(out1, cap, HB_RECV_FROM, &first);
  if (s == HB_OK) s = recv_text(out2, cap, HB_RECV_FROM, &second);
  hb_msg_out ack = {"ack", 3, 0, 0};
  if (s == HB_OK) s = hb_send_task(first, &ack, 0, HB_FOREVER);
  if (s == HB_OK) s = hb_send_task(second, &ack, 0, HB_FOREVER);
  return s;
}

int recv_from_anyone(char *out, uint32_t cap, hb_task_id_t *sender) {
  *sender = 0;
  return recv_text(out, cap, 0, sender);
}
