/* userland/lib/pipe/pipe.c - anonymous pipes (harbor/pipe.h): a bounded port carrying raw
 * bytes, one message per chunk of at most HB_PIPE_ATOMIC bytes.
 *
 * What the kernel does for us (SPEC 2), and so what this file never has to:
 *   (K1) a full port blocks the writer (or WOULD_BLOCK / TIMED_OUT): a full pipe;
 *   (K2) the last send right gone and the queue empty: the receive is PEER_CLOSED, which is
 *        end of file, also when a writer died (its handles are closed with it);
 *   (K3) the receive right gone (closed, or its owner dead): every send is PEER_CLOSED;
 *   (K4) a message is delivered whole, exactly once, in FIFO order: a chunk is never torn or
 *        interleaved, so a write of at most HB_PIPE_ATOMIC bytes is atomic;
 *   (K5) a bad buffer is HB_ERR_FAULT with nothing sent, or with the message still queued.
 * What is left to this file: cutting writes into chunks, and the tail of a chunk longer than
 * the read that took it (tail.h). */
#include <harbor/pipe.h>

#include <string.h>

#include "tail.h"

hb_status_t hb_pipe_create(uint32_t capacity, hb_handle_t *read_end, hb_handle_t *write_end) {
  if (capacity > HB_PIPE_CAPACITY_MAX) return HB_ERR_INVALID_ARG;
  if (capacity == 0) capacity = HB_PIPE_CAPACITY_DEFAULT;
  /* The kernel checks the out pointers (FAULT) before it creates anything. */
  return hb_port_create(HB_PORT_BOUNDED, capacity, 0, read_end, write_end);
}

/* Handles someone moved into the pipe with hb_send: a pipe carries bytes only, so they are
 * closed, never leaked. */
static void drop_handles(const hb_handle_t *handles, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) hb_handle_close(handles[i]);
}

/* The chunk waiting in the pipe is longer than len: take it whole into a tail, hand out the
 * first len bytes. Returns the count, or a status with the chunk still in the pipe. */
static int64_t read_into_tail(hb_handle_t end, unsigned char *buf, uint32_t len) {
  hb_pipe_tail *tail = hb_pipe_tail_claim(end);
  if (!tail) return HB_ERR_NO_MEMORY;
  hb_handle_t handles[HB_MSG_HANDLES_MAX];
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = tail->bytes;
  in.cap = sizeof tail->bytes;
  in.handles = handles;
  in.handle_cap = HB_MSG_HANDLES_MAX;
  /* The chunk is queued (the receive that reported BUFFER_TOO_SMALL left it there) and this
   * task holds the only receive right, so it is still there: no need to wait. */
  hb_status_t status = hb_recv(end, &in, 0, HB_NOWAIT);
  if (status != HB_OK) {
    tail->end = HB_INVALID;
    return status;
  }
  drop_handles(handles, in.handle_count);
  uint32_t n = in.len < len ? in.len : len;
  memcpy(buf, tail->bytes, n);
  tail->offset = n;
  tail->length = in.len;
  if (tail->offset == tail->length) tail->end = HB_INVALID;
  return n;
}

int64_t hb_pipe_read(hb_handle_t read_end, void *buf, uint32_t len, hb_time_t timeout) {
  if (len == 0) return HB_ERR_INVALID_ARG; /* 0 is end of file: a read of nothing is a bug */
  if (!buf) return HB_ERR_FAULT;
  unsigned char *out = (unsigned char *)buf;

  /* (1) What is left of the last chunk comes first: those bytes came before anything queued. */
  hb_pipe_tail *tail = hb_pipe_tail_find(read_end);
  if (tail) {
    uint32_t left = tail->length - tail->offset;
    uint32_t n = left < len ? left : len;
    memcpy(out, tail->bytes + tail->offset, n);
    tail->offset += n;
    if (tail->offset == tail->length) tail->end = HB_INVALID;
    return n;
  }

  /* (2) The next chunk, straight into the caller's buffer (one copy, often the kernel's
   * fast path: sender to receiver). */
  for (;;) {
    hb_handle_t handles[HB_MSG_HANDLES_MAX];
    hb_msg_in in;
    memset(&in, 0, sizeof in);
    in.data = out;
    in.cap = len < HB_PIPE_ATOMIC ? len : HB_PIPE_ATOMIC;
    in.handles = handles;
    in.handle_cap = HB_MSG_HANDLES_MAX;
    hb_status_t status = hb_recv(read_end, &in, 0, timeout);
    if (status == HB_ERR_PEER_CLOSED) return 0; /* (K2) end of file */
    /* (3) A chunk longer than len: it stayed queued; take it through a tail. */
    if (status == HB_ERR_BUFFER_TOO_SMALL && in.len > in.cap) return read_into_tail(read_end, out, len);
    if (status != HB_OK) return status;
    drop_handles(handles, in.handle_count);
    if (in.len > 0) return in.len;
    /* An empty message (someone's hb_send of 0 bytes; hb_pipe_write never sends one) is
     * no data and no end of file: skip it. */
  }
}

int64_t hb_pipe_write(hb_handle_t write_end, const void *buf, uint32_t len, hb_time_t timeout) {
  if (len == 0) return HB_ERR_INVALID_ARG;
  if (!buf) return HB_ERR_FAULT;
  const unsigned char *in = (const unsigned char *)buf;
  /* One deadline for the whole write: a long write must not wait `timeout` per chunk. */
  const int finite = timeout != HB_NOWAIT && timeout != HB_FOREVER && len > HB_PIPE_ATOMIC;
  const hb_time_t deadline = finite ? hb_clock_ns() + timeout : 0;
  hb_time_t wait = timeout;
  uint32_t done = 0;
  while (done < len) {
    uint32_t chunk = len - done < HB_PIPE_ATOMIC ? len - done : HB_PIPE_ATOMIC;
    hb_msg_out m;
    memset(&m, 0, sizeof m);
    m.data = in + done;
    m.len = chunk;
    hb_status_t status = hb_send(write_end, &m, 0, wait); /* (K1) (K3) (K5) */
    if (status != HB_OK) return done > 0 ? (int64_t)done : (int64_t)status;
    done += chunk;
    if (finite && done < len) {
      hb_time_t now = hb_clock_ns();
      if (now >= deadline) return done; /* the rest would be TIMED_OUT at once */
      wait = deadline - now;
    }
  }
  return done;
}

hb_status_t hb_pipe_close(hb_handle_t end) {
  hb_status_t status = hb_handle_close(end);
  /* A closed end's tail is gone with it; so is a stale entry for a number that names
   * nothing (BAD_HANDLE). An end that cannot be closed (HB_INBOX) keeps its tail. */
  if (status == HB_OK || status == HB_ERR_BAD_HANDLE) hb_pipe_tail_drop(end);
  return status;
}
