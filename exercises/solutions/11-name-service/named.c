/* named.c - exercise 11, reference solution. */
#include "named.h"

#include <string.h>

int named_server(const char *name, int requests) {
  hb_handle_t recv, send;
  hb_status_t s = hb_port_create(HB_PORT_BOUNDED, 4, 0, &recv, &send);
  if (s != HB_OK) return s;
  s = hb_name_register(name, send);
  for (int i = 0; s == HB_OK && i < requests; ++i) {
    char buf[256], out[256];
    hb_msg_in in = {0};
    in.data = buf;
    in.cap = sizeof buf;
    s = hb_recv(recv, &in, 0, HB_FOREVER);
    if (s != HB_OK) break;
    for (uint32_t k = 0; k < in.len; ++k) out[k] = buf[in.len - 1 - k];
    hb_msg_out reply = {out, in.len, 0, 0};
    s = hb_reply(in.reply, &reply);
  }
  hb_status_t u = hb_name_unregister(name);
  if (s == HB_OK) s = u;
  hb_handle_close(send);
  hb_handle_close(recv);
  return s;
}

int named_client(const char *name, const char *request, char *answer, uint32_t cap,
                 hb_time_t timeout) {
  hb_handle_t port;
  hb_status_t s = hb_name_lookup(name, HB_RIGHT_SEND, timeout, &port);
  if (s != HB_OK) return s;
  hb_msg_out out = {request, (uint32_t)strlen(request), 0, 0};
  hb_msg_in in = {0};
  in.data = answer;
  in.cap = cap - 1;
  s = hb_call(port, &out, &in, HB_FOREVER);
  if (s == HB_OK) answer[in.len] = '\0';
  hb_handle_close(port);
  return s;
}
