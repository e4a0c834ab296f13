/* transfer.c - exercise 06, reference solution. */
#include "transfer.h"

int boss(hb_task_id_t worker_id, char *answer, uint32_t cap) {
  hb_handle_t recv, send, send_only;
  hb_status_t s = hb_port_create(HB_PORT_BOUNDED, 1, 0, &recv, &send);
  if (s != HB_OK) return s;
  s = hb_handle_dup(send, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &send_only);
  hb_handle_close(send);
  if (s != HB_OK) {
    hb_handle_close(recv);
    return s;
  }
  hb_msg_out job = {"job", 3, 1, &send_only};
  s = hb_send_task(worker_id, &job, 0, HB_FOREVER);
  if (s != HB_OK) {
    hb_handle_close(send_only); /* untouched when the send failed */
    hb_handle_close(recv);
    return s;
  }
  hb_msg_in in = {0};
  in.data = answer;
  in.cap = cap - 1;
  s = hb_recv(recv, &in, 0, HB_FOREVER);
  if (s == HB_OK) answer[in.len] = '\0';
  hb_handle_close(recv);
  return s;
}

int worker(void) {
  char buf[16];
  hb_handle_t got[1] = {HB_INVALID};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf;
  in.handles = got;
  in.handle_cap = 1;
  hb_status_t s = hb_recv(HB_INBOX, &in, 0, HB_FOREVER);
  if (s != HB_OK) return s;
  if (in.handle_count != 1) return HB_ERR_INVALID_ARG;
  hb_msg_out done = {"done", 4, 0, 0};
  s = hb_send(got[0], &done, 0, HB_FOREVER);
  hb_handle_close(got[0]);
  return s;
}
