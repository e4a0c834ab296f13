// userland/lib/names/server.cc - hb_names_serve: the name server's receive loop.
//
// The classic server loop of a microkernel (docs/syscalls.md, hb_reply_recv): answer the
// last request and wait for the next in one call. Three things make this one particular:
//   - a request may not be answered at once (a lookup waiting for its name): then the loop
//     only receives, and the answer goes later from NameServer::answer_waiters;
//   - the loop waits at most until the earliest deadline of such a lookup, and forever when
//     none has one, so an idle service never wakes;
//   - an answer that moves handles is sent with hb_reply alone: if the caller is gone the
//     handles stay here, and must be closed (hb_reply_recv would not say which half failed).
#include "server.h"

#include "name_server.h"
#include "protocol.h"

namespace {

using harbor::names::Answer;
using harbor::names::kNoDeadline;
using harbor::names::NameServer;

// Static storage, zero at start: the server allocates nothing. The buffer takes the largest
// message anyone can send, so that no request can stay stuck in the queue for being too big
// (BUFFER_TOO_SMALL leaves a message queued): garbage is received, and refused.
constinit NameServer g_server{};
uint8_t g_request[HB_MSG_MAX];
hb_handle_t g_handles[HB_MSG_HANDLES_MAX];

hb_time_t timeout_until(uint64_t deadline) {
  if (deadline == kNoDeadline) return HB_FOREVER;
  uint64_t now = hb_clock_ns();
  return deadline > now ? deadline - now : HB_NOWAIT;
}

bool is_port_error(hb_status_t s) {
  return s == HB_ERR_BAD_HANDLE || s == HB_ERR_WRONG_TYPE || s == HB_ERR_ACCESS;
}

}  // namespace

extern "C" hb_status_t hb_names_serve(hb_handle_t port) {
  Answer last;  // the answer still to send (last.reply == HB_INVALID: none)
  for (;;) {
    hb_msg_in in{};
    in.data = g_request;
    in.cap = sizeof g_request;
    in.handles = g_handles;
    in.handle_cap = HB_MSG_HANDLES_MAX;
    hb_time_t timeout = timeout_until(g_server.earliest_deadline());

    uint8_t bytes[HB_NAMES_STATS_REPLY_LEN] = {};
    hb_names_put_u32(bytes, static_cast<uint32_t>(last.status));
    for (uint32_t i = 0; i < 4; ++i) hb_names_put_u32(bytes + 8 + 4 * i, last.stats[i]);
    hb_msg_out out{bytes, last.with_stats ? HB_NAMES_STATS_REPLY_LEN : HB_NAMES_REPLY_LEN,
                   last.count, last.handles};
    hb_status_t status;
    if (last.reply != HB_INVALID && last.count > 0) {
      if (hb_reply(last.reply, &out) != HB_OK) {  // the caller gave up or died
        for (uint32_t i = 0; i < last.count; ++i) hb_handle_close(last.handles[i]);
        hb_handle_close(last.reply);  // kept by an error of ours; else already consumed
      }
      status = hb_recv(port, &in, 0, timeout);
    } else if (last.reply != HB_INVALID) {
      status = hb_reply_recv(last.reply, &out, port, &in, timeout);
      if (is_port_error(status)) {
        // These may be about the reply half (the capability is then kept and nothing was
        // received): drop it, and let a plain receive say whether the port itself is bad.
        hb_handle_close(last.reply);
        status = hb_recv(port, &in, 0, timeout);
      }
    } else {
      status = hb_recv(port, &in, 0, timeout);
    }
    last = Answer{};

    if (status == HB_ERR_TIMED_OUT || status == HB_ERR_WOULD_BLOCK) {
      g_server.expire(hb_clock_ns());
      continue;
    }
    if (status == HB_ERR_NO_MEMORY) {  // no room for the request's handles: make some
      g_server.sweep_all();
      continue;
    }
    if (status == HB_ERR_PEER_CLOSED || is_port_error(status)) return status;
    if (status != HB_OK) continue;  // FAULT, BUFFER_TOO_SMALL: cannot happen with our buffers

    uint64_t now = hb_clock_ns();
    g_server.sweep(2);  // before: a STATS answer then counts what is really left
    last = g_server.handle(in, g_request, g_handles, now);
    g_server.expire(now);
  }
}
