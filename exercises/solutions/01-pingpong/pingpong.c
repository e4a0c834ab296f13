/* pingpong.c - exercise 01, reference solution. */
#include "pingpong.h"

#include <stdio.h>
#include <string.h>

static hb_status_t send_text(hb_handle_t port, const char *text) {
  hb_msg_out out = {text, (uint32_t)strlen(text), 0, 0};
  return hb_send(port, &out, 0, HB_FOREVER);
}

/* Receives a text message into buf (NUL added). */
static hb_status_t recv_text(hb_handle_t port, char *buf, uint32_t cap) {
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = cap - 1;
  hb_status_t s = hb_recv(port, &in, 0, HB_FOREVER);
  if (s == HB_OK) buf[in.len] = '\0';
  return s;
}

static int finish(hb_handle_t a, hb_handle_t b, int status) {
  hb_handle_close(a);
  hb_handle_close(b);
  return status;
}

int ping(hb_handle_t to_pong, hb_handle_t from_pong, int rounds) {
  for (int n = 1; n <= rounds; ++n) {
    char text[32], answer[32], expected[32];
    snprintf(text, sizeof text, "ping %d", n);
    snprintf(expected, sizeof expected, "pong %d", n);
    hb_status_t s = send_text(to_pong, text);
    if (s == HB_OK) s = recv_text(from_pong, answer, sizeof answer);
    if (s != HB_OK) return finish(to_pong, from_pong, s);
    if (strcmp(answer, expected) != 0) return finish(to_pong, from_pong, HB_ERR_INVALID_ARG);
  }
  return finish(to_pong, from_pong, 0);
}

int pong(hb_handle_t from_ping, hb_handle_t to_ping, int rounds) {
  for (int n = 1; n <= rounds; ++n) {
    char text[32], answer[32];
    hb_status_t s = recv_text(from_ping, text, sizeof text);
    if (s != HB_OK) return finish(from_ping, to_ping, s);
    int got = 0;
    if (sscanf(text, "ping %d", &got) != 1) return finish(from_ping, to_ping, HB_ERR_INVALID_ARG);
    snprintf(answer, sizeof answer, "pong %d", got);
    s = send_text(to_ping, answer);
    if (s != HB_OK) return finish(from_ping, to_ping, s);
  }
  return finish(from_ping, to_ping, 0);
}
