/* userland/lib/names/client.c - harbor/names.h: each call is an hb_call to HB_NAME_SERVICE
 * carrying one request of protocol.h.
 *
 * The client keeps one private port per task (struct own_port below). It serves twice:
 *   - as the task's lifeline: the server gets a send right to it with the task's first
 *     registration; the port dies with the task (the task holds its receive right), and the
 *     server sees that with hb_handle_info (registrants.h);
 *   - to copy a name through the kernel: a library cannot tell a good pointer from a bad
 *     one without touching it (and a bad one would crash the task), but the kernel can, so
 *     the client sends the name's bytes to its own port and receives them into its buffer.
 *     A bad pointer is then HB_ERR_FAULT, as for every call of harbor/sys.h.
 * Out-pointers are written by the kernel too (the reply's handle lands in *out, or a
 * hb_handle_dup writes it), for the same reason.
 */
#include <harbor/names.h>
#include <stdint.h>
#include <string.h>

#include "name_rules.h"
#include "protocol.h"

#define TRAVEL (HB_RIGHT_DUP | HB_RIGHT_TRANSFER)
#define REGION_RIGHTS (HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | TRAVEL)
#define PAGE 4096u /* both targets; a copy never crosses a page it does not need */

/* The task's private port. The send right is badged with a value made up at creation: a
 * forked child, or the same process attached to a new machine (Harbor::testing), still sees
 * these numbers in memory, but they name nothing of its own there, or something else - the
 * badge check tells. */
static struct {
  hb_handle_t recv;
  hb_handle_t send;          /* badged with `badge` */
  uint64_t badge;
  int server_has_lifeline;   /* a REGISTER of ours succeeded with a lifeline attached */
} own;
static uint64_t own_counter;

static hb_status_t own_port(void) {  // DOC: names-lifeline
  hb_handle_info_t info;
  /* On a machine started without a name service, HB_NAME_SERVICE is an ordinary slot: empty,
   * or whatever the task made first (that could even be our own port). Unless it is a send
   * right to a port, there is no service to call. */
  if (hb_handle_info(HB_NAME_SERVICE, &info) != HB_OK || info.type != HB_OBJ_PORT ||
      !(info.rights & HB_RIGHT_SEND))
    return HB_ERR_BAD_HANDLE;
  if (own.badge != 0 && hb_handle_info(own.send, &info) == HB_OK && info.type == HB_OBJ_PORT &&
      info.badge == own.badge) {
    if (!(info.flags & HB_INFO_PEER_CLOSED)) return HB_OK;
    hb_handle_close(own.send); /* ours, but someone closed its receive right: start again */
  }
  hb_handle_t recv, plain, send;
  hb_status_t s = hb_port_create(HB_PORT_BOUNDED, 1, 0, &recv, &plain);
  if (s != HB_OK) return s;
  uint64_t badge = (hb_clock_ns() ^ (uint64_t)hb_task_self() << 40 ^ ++own_counter << 20) | 1u;
  s = hb_badge_mint(plain, badge, &send);
  hb_handle_close(plain);
  if (s != HB_OK) {
    hb_handle_close(recv);
    return s;
  }
  own.recv = recv;
  own.send = send;
  own.badge = badge;
  own.server_has_lifeline = 0;
  return HB_OK;
}

/* n bytes from src (which the task may not own) to dst, copied by the kernel. */
// DOC: names-kernel-copy
static hb_status_t kernel_copy(void *dst, const void *src, uint32_t n) {
  hb_msg_out m = {src, n, 0, 0};
  hb_status_t s = hb_send(own.send, &m, 0, HB_NOWAIT);
  if (s != HB_OK) return s; /* HB_ERR_FAULT: src is not the task's */
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = dst;
  in.cap = n;
  return hb_recv(own.recv, &in, 0, HB_NOWAIT);
}

/* The name at `name` into field[64] (NUL-padded): INVALID_ARG unless a valid name, FAULT if
 * the task does not own the bytes. Reads page by page, so a name that ends just before an
 * unmapped page is fine. */
static hb_status_t copy_name(const char *name, uint8_t *field) {
  if (name == 0) return HB_ERR_INVALID_ARG;
  hb_status_t s = own_port();
  if (s != HB_OK) return s;
  uint32_t got = 0;
  while (got < HB_NAMES_NAME_FIELD) {
    uintptr_t at = (uintptr_t)name + got;
    uint32_t n = PAGE - (uint32_t)(at % PAGE);
    if (n > HB_NAMES_NAME_FIELD - got) n = HB_NAMES_NAME_FIELD - got;
    s = kernel_copy(field + got, (const void *)at, n);
    if (s != HB_OK) return s;
    uint32_t end = got + n;
    for (; got < end; ++got)
      if (field[got] == 0) break;
    if (got < end) break; /* the NUL is in */
  }
  int32_t length = hb_names_name_length(field, HB_NAMES_NAME_FIELD);
  if (length < 0) return HB_ERR_INVALID_ARG;
  memset(field + length, 0, HB_NAMES_NAME_FIELD - (uint32_t)length);
  return HB_OK;
}

/* One request, one reply: the server's status, or why there was none. `reply_handles`
 * (room for `reply_cap`) receives what the reply moves. */
static hb_status_t call(const uint8_t *request, uint32_t len, const hb_handle_t *handles,
                        uint32_t count, hb_handle_t *reply_handles, uint32_t reply_cap) {
  uint8_t reply[HB_NAMES_REPLY_LEN];
  hb_msg_out out = {request, len, count, handles};
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = reply;
  in.cap = sizeof reply;
  in.handles = reply_handles;
  in.handle_cap = reply_cap;
  hb_status_t s = hb_call(HB_NAME_SERVICE, &out, &in, HB_FOREVER);
  if (s != HB_OK) return s;
  s = (hb_status_t)hb_names_get_u32(reply);
  /* HB_OK comes with exactly the handles asked for, an error with none: anything else is
   * not the protocol, and a service that does not speak it is as good as gone. */
  if (in.len != HB_NAMES_REPLY_LEN || (s == HB_OK && in.handle_count != reply_cap) ||
      (s != HB_OK && in.handle_count != 0)) {
    for (uint32_t i = 0; i < in.handle_count; ++i) hb_handle_close(reply_handles[i]);
    return HB_ERR_PEER_CLOSED;
  }
  return s;
}

/* After a failed hb_call, handles it was to move are either still ours (the send failed) or
 * gone (it was sent): closing them is right in the first case and BAD_HANDLE in the second. */
static void close_all(const hb_handle_t *handles, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) hb_handle_close(handles[i]);
}

/* The server hands out rights + DUP|TRANSFER (the handle had to travel): keep exactly
 * `rights`. */
static hb_status_t narrow(hb_handle_t *out, uint32_t rights) {
  if (rights == HB_RIGHTS_SAME || (rights & TRAVEL) == TRAVEL) return HB_OK;
  hb_handle_t got = *out;
  hb_status_t s = hb_handle_dup(got, rights, out);
  hb_handle_close(got);
  return s;
}

hb_status_t hb_name_register(const char *name, hb_handle_t h) {
  uint8_t request[HB_NAMES_REGISTER_LEN] = {0};
  hb_status_t s = copy_name(name, request + HB_NAMES_REGISTER_NAME);
  if (s != HB_OK) return s;
  hb_names_put_u32(request, HB_NAMES_OP_REGISTER);
  for (int attempt = 0; attempt < 2; ++attempt) {
    hb_handle_t moved[2];
    uint32_t count = 1;
    s = hb_handle_dup(h, HB_RIGHTS_SAME, &moved[0]); /* the server's copy */
    if (s != HB_OK) return s;
    int with_lifeline = !own.server_has_lifeline;
    if (with_lifeline) {
      s = hb_handle_dup(own.send, HB_RIGHTS_SAME, &moved[1]);
      if (s != HB_OK) {
        hb_handle_close(moved[0]);
        return s;
      }
      count = 2;
    }
    s = call(request, sizeof request, moved, count, 0, 0);
    if (s != HB_OK) close_all(moved, count);
    if (s == HB_NAMES_NEED_LIFELINE) { /* the server holds none of ours (any more) */
      own.server_has_lifeline = 0;
      continue;
    }
    if (s == HB_OK && with_lifeline) own.server_has_lifeline = 1;
    return s;
  }
  return HB_ERR_INVALID_ARG; /* asked twice for a lifeline it was given: not our server */
}

hb_status_t hb_name_lookup(const char *name, uint32_t rights, hb_time_t timeout,
                           hb_handle_t *out) {
  if (out == 0 || (rights != HB_RIGHTS_SAME && (rights & ~HB_RIGHTS_ALL))) return HB_ERR_INVALID_ARG;
  uint8_t request[HB_NAMES_LOOKUP_LEN] = {0};
  hb_status_t s = copy_name(name, request + HB_NAMES_LOOKUP_NAME);
  if (s != HB_OK) return s;
  hb_names_put_u32(request, HB_NAMES_OP_LOOKUP);
  hb_names_put_u32(request + 4, rights);
  hb_names_put_u64(request + 8, timeout);
  s = call(request, sizeof request, 0, 0, out, 1); /* the kernel writes *out */
  return s == HB_OK ? narrow(out, rights) : s;
}

hb_status_t hb_name_unregister(const char *name) {
  uint8_t request[HB_NAMES_UNREGISTER_LEN] = {0};
  hb_status_t s = copy_name(name, request + HB_NAMES_UNREGISTER_NAME);
  if (s != HB_OK) return s;
  hb_names_put_u32(request, HB_NAMES_OP_UNREGISTER);
  return call(request, sizeof request, 0, 0, 0, 0);
}

/* The second OPEN of a first opener: offers what it made. The server stores it if the name
 * is still free, else (another task was faster) closes it and answers with the other's. */
static hb_status_t offer(const uint8_t *request, hb_handle_t *made, uint32_t made_count,
                         hb_handle_t *got, uint32_t got_count) {
  hb_status_t s = call(request, HB_NAMES_OPEN_LEN, made, made_count, got, got_count);
  if (s != HB_OK) close_all(made, made_count);
  return s;
}

hb_status_t hb_mailbox_open(const char *name, uint32_t mode, uint32_t capacity,
                            hb_handle_t *recv_out, hb_handle_t *send_out) {
  if (recv_out == 0 && send_out == 0) return HB_ERR_INVALID_ARG;
  uint8_t request[HB_NAMES_OPEN_LEN] = {0};
  hb_status_t s = copy_name(name, request + HB_NAMES_OPEN_NAME);
  if (s != HB_OK) return s;
  hb_names_put_u32(request, HB_NAMES_OP_OPEN);
  hb_names_put_u32(request + 4, HB_NAMES_KIND_MAILBOX);
  hb_handle_t got[2]; /* [send, recv] */
  s = call(request, sizeof request, 0, 0, got, 2);
  if (s == HB_ERR_NOT_FOUND) { /* first open: make the mailbox, offer it */
    hb_handle_t made[2];
    s = hb_port_create(mode, capacity, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV, &made[1], &made[0]);
    if (s != HB_OK) return s;
    s = offer(request, made, 2, got, 2);
    if (s != HB_OK) return s;
  } else if (s != HB_OK) {
    return s;
  }
  /* Into the caller's out-pointers through the kernel (a bad pointer is FAULT). */
  hb_status_t sent = HB_OK, received = HB_OK;
  if (send_out != 0) sent = hb_handle_dup(got[0], HB_RIGHTS_SAME, send_out);
  if (recv_out != 0 && sent == HB_OK) received = hb_handle_dup(got[1], HB_RIGHTS_SAME, recv_out);
  if (received != HB_OK && send_out != 0) hb_handle_close(*send_out); /* all or nothing */
  hb_handle_close(got[0]);
  hb_handle_close(got[1]);
  return sent != HB_OK ? sent : received;
}

hb_status_t hb_region_open(const char *name, uint64_t size, uint32_t rights, hb_handle_t *out) {
  if (out == 0) return HB_ERR_INVALID_ARG;
  if (rights != HB_RIGHTS_SAME && (rights & ~(uint32_t)REGION_RIGHTS)) return HB_ERR_ACCESS;
  uint8_t request[HB_NAMES_OPEN_LEN] = {0};
  hb_status_t s = copy_name(name, request + HB_NAMES_OPEN_NAME);
  if (s != HB_OK) return s;
  hb_names_put_u32(request, HB_NAMES_OP_OPEN);
  hb_names_put_u32(request + 4, HB_NAMES_KIND_REGION);
  hb_names_put_u32(request + 8, rights);
  s = call(request, sizeof request, 0, 0, out, 1);
  if (s == HB_ERR_NOT_FOUND && size > 0) { /* first open: make it, offer it without MANAGE */
    hb_handle_t region, offered;
    s = hb_region_create(size, 0, &region);
    if (s != HB_OK) return s;
    s = hb_handle_dup(region, REGION_RIGHTS, &offered);
    hb_handle_close(region);
    if (s != HB_OK) return s;
    s = offer(request, &offered, 1, out, 1);
  }
  return s == HB_OK ? narrow(out, rights) : s;
}
