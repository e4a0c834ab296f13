/* userland/lib/pipe/fifo.c - named pipes (harbor/pipe.h, docs/pipes.md "Named pipes").
 *
 * The trap: if the name service held a write end (a send right to the pipe's port), the
 * reader would never see end of file, since that right is never closed. So what the name
 * names is not the pipe: it is an OS-owned mailbox (hb_mailbox_open) where readers and
 * writers meet, and the pipe itself is made by the reader when it opens. The mailbox holds:
 *   DESC  one message, sent by hb_fifo_create: "FIFO" + the capacity. Whoever opens for
 *         reading takes it, and puts it back when its open ends (so readers open one at a time);
 *   JOIN  an hb_call per writer that opens: the reader answers it with a write end.
 * The steps of a reader's open:
 *   (R1) take DESC (JOINs that come first wait in a small array of reply capabilities);
 *   (R2) make the pipe with DESC's capacity; answer every JOIN so far with a duplicate of the
 *        write end;
 *   (R3) wait for JOINs until at least one writer has its end (POSIX: a reader's open waits
 *        for a writer), then answer those that are already queued;
 *   (R4) put DESC back, close its own write end: from here the writers' ends are the only
 *        ones, and end of file comes when they are gone (or dead), from the kernel.
 * A writer's open is one hb_call (JOIN) answered by a write end; a writer whose call meets a
 * reader that gave up (the reply capability dropped) calls again, within its timeout. */
#include <harbor/names.h>
#include <harbor/pipe.h>

#include <string.h>

#define FIFO_STASH 16u /* JOINs a reader keeps before it has DESC (R1) */

typedef struct fifo_desc {
  char magic[4]; /* "FIFO" */
  uint32_t capacity;
} fifo_desc;

static const char kJoin[4] = {'J', 'O', 'I', 'N'};

static int is_desc(const unsigned char *bytes, uint32_t len) {
  return len == sizeof(fifo_desc) && memcmp(bytes, "FIFO", 4) == 0;
}

/* The time left until `deadline` (0: none left), for timeouts spread over several calls. */
static hb_time_t left_until(hb_time_t timeout, hb_time_t deadline) {
  if (timeout == HB_NOWAIT || timeout == HB_FOREVER) return timeout;
  hb_time_t now = hb_clock_ns();
  return now >= deadline ? 1 : deadline - now; /* 1 ns: expires at once, TIMED_OUT */
}

hb_status_t hb_fifo_create(const char *name, uint32_t capacity) {
  if (capacity > HB_PIPE_CAPACITY_MAX) return HB_ERR_INVALID_ARG;
  hb_handle_t probe;
  hb_status_t status = hb_name_lookup(name, HB_RIGHTS_SAME, HB_NOWAIT, &probe);
  if (status == HB_OK) {
    hb_handle_close(probe);
    return HB_ERR_ALREADY_EXISTS;
  }
  if (status != HB_ERR_NOT_FOUND) return status;
  hb_handle_t send;
  status = hb_mailbox_open(name, HB_PORT_UNBOUNDED, 0, 0, &send);
  if (status != HB_OK) return status;
  fifo_desc desc;
  memcpy(desc.magic, "FIFO", 4);
  desc.capacity = capacity ? capacity : HB_PIPE_CAPACITY_DEFAULT;
  hb_msg_out m;
  memset(&m, 0, sizeof m);
  m.data = &desc;
  m.len = sizeof desc;
  status = hb_send(send, &m, 0, HB_NOWAIT);
  hb_handle_close(send);
  if (status != HB_OK) hb_name_unregister(name); /* no half-made fifo */
  return status;
}

/* The mailbox of an existing fifo: NOT_FOUND if there is none (hb_mailbox_open alone would
 * make one). */
static hb_status_t open_mailbox(const char *name, hb_handle_t *recv_out, hb_handle_t *send_out) {
  hb_handle_t probe;
  hb_status_t status = hb_name_lookup(name, HB_RIGHTS_SAME, HB_NOWAIT, &probe);
  if (status != HB_OK) return status;
  hb_handle_close(probe);
  return hb_mailbox_open(name, HB_PORT_UNBOUNDED, 0, recv_out, send_out);
}

/* Answers one JOIN with a duplicate of the write end; false if the writer is gone. */
static int answer_join(hb_handle_t reply, hb_handle_t write_end) {
  hb_handle_t copy;
  if (hb_handle_dup(write_end, HB_RIGHTS_SAME, &copy) != HB_OK) {
    hb_handle_close(reply);
    return 0;
  }
  hb_msg_out m;
  memset(&m, 0, sizeof m);
  m.data = "W";
  m.len = 1;
  m.handles = &copy;
  m.handle_count = 1;
  if (hb_reply(reply, &m) != HB_OK) { /* the writer timed out or died: its end is ours */
    hb_handle_close(copy);
    return 0;
  }
  return 1;
}

static hb_status_t open_reader(hb_handle_t mailbox, hb_handle_t mailbox_send, hb_time_t timeout,
                               hb_handle_t *out) {
  const hb_time_t deadline =
      timeout == HB_NOWAIT || timeout == HB_FOREVER ? 0 : hb_clock_ns() + timeout;
  hb_handle_t stash[FIFO_STASH];
  uint32_t stashed = 0, writers = 0;
  int have_desc = 0;
  fifo_desc desc;
  hb_handle_t read_end = HB_INVALID, write_end = HB_INVALID;
  hb_status_t status = HB_OK;
  for (;;) {
    /* (R3) Once a writer has its end, take only what is already queued. */
    hb_time_t wait = writers > 0 ? HB_NOWAIT : left_until(timeout, deadline);
    unsigned char bytes[64];
    hb_handle_t handles[HB_MSG_HANDLES_MAX];
    hb_msg_in in;
    memset(&in, 0, sizeof in);
    in.data = bytes;
    in.cap = sizeof bytes;
    in.handles = handles;
    in.handle_cap = HB_MSG_HANDLES_MAX;
    status = hb_recv(mailbox, &in, 0, wait);
    /* A message longer than any of ours: the name is a mailbox used for something else. */
    if (status == HB_ERR_BUFFER_TOO_SMALL) status = HB_ERR_WRONG_TYPE;
    if (status != HB_OK) break;
    for (uint32_t i = 0; i < in.handle_count; ++i) hb_handle_close(handles[i]);
    if (in.reply == HB_INVALID) {
      if (is_desc(bytes, in.len) && !have_desc) {
        memcpy(&desc, bytes, sizeof desc);
        have_desc = 1;
        /* (R2) */
        status = hb_pipe_create(desc.capacity, &read_end, &write_end);
        if (status != HB_OK) break;
        for (uint32_t i = 0; i < stashed; ++i) writers += (uint32_t)answer_join(stash[i], write_end);
        stashed = 0;
      }
      continue;
    }
    if (in.len != sizeof kJoin || memcmp(bytes, kJoin, sizeof kJoin) != 0) {
      hb_handle_close(in.reply); /* not a JOIN: its caller gets PEER_CLOSED */
      continue;
    }
    if (have_desc) writers += (uint32_t)answer_join(in.reply, write_end);
    else if (stashed < FIFO_STASH) stash[stashed++] = in.reply; /* (R1) */
    else hb_handle_close(in.reply); /* its writer calls again (fifo_open_writer) */
  }
  /* (R4) */
  for (uint32_t i = 0; i < stashed; ++i) hb_handle_close(stash[i]);
  if (have_desc) {
    hb_msg_out m;
    memset(&m, 0, sizeof m);
    m.data = &desc;
    m.len = sizeof desc;
    hb_send(mailbox_send, &m, 0, HB_NOWAIT);
  }
  if (write_end != HB_INVALID) hb_handle_close(write_end);
  if (writers > 0 && status == HB_ERR_WOULD_BLOCK) {
    *out = read_end;
    return HB_OK;
  }
  if (read_end != HB_INVALID) hb_handle_close(read_end);
  if (status == HB_ERR_PEER_CLOSED) return HB_ERR_NOT_FOUND; /* the fifo was removed */
  return status == HB_OK ? HB_ERR_TIMED_OUT : status;
}

static hb_status_t open_writer(hb_handle_t mailbox_send, hb_time_t timeout, hb_handle_t *out) {
  if (timeout == HB_NOWAIT) return HB_ERR_INVALID_ARG; /* a join always waits for an answer */
  const hb_time_t deadline = timeout == HB_FOREVER ? 0 : hb_clock_ns() + timeout;
  for (;;) {
    unsigned char answer[4];
    hb_handle_t handles[HB_MSG_HANDLES_MAX];
    hb_msg_out req;
    memset(&req, 0, sizeof req);
    req.data = kJoin;
    req.len = sizeof kJoin;
    hb_msg_in rep;
    memset(&rep, 0, sizeof rep);
    rep.data = answer;
    rep.cap = sizeof answer;
    rep.handles = handles;
    rep.handle_cap = HB_MSG_HANDLES_MAX;
    hb_status_t status = hb_call(mailbox_send, &req, &rep, left_until(timeout, deadline));
    if (status == HB_OK) {
      for (uint32_t i = 1; i < rep.handle_count; ++i) hb_handle_close(handles[i]);
      if (rep.handle_count == 0) return HB_ERR_PEER_CLOSED;
      *out = handles[0];
      return HB_OK;
    }
    if (status != HB_ERR_PEER_CLOSED) return status;
    /* PEER_CLOSED: the mailbox is dead (the fifo removed), or a reader dropped our JOIN
     * (it gave up, or died while opening): then call again. */
    hb_handle_info_t info;
    if (hb_handle_info(mailbox_send, &info) != HB_OK || (info.flags & HB_INFO_PEER_CLOSED))
      return HB_ERR_NOT_FOUND;
  }
}

hb_status_t hb_fifo_open(const char *name, uint32_t end, hb_time_t timeout, hb_handle_t *out) {
  if ((end != HB_PIPE_READ && end != HB_PIPE_WRITE) || !out) return HB_ERR_INVALID_ARG;
  hb_handle_t recv = HB_INVALID, send = HB_INVALID;
  hb_status_t status = open_mailbox(name, end == HB_PIPE_READ ? &recv : 0, &send);
  if (status != HB_OK) return status;
  if (end == HB_PIPE_READ) status = open_reader(recv, send, timeout, out);
  else status = open_writer(send, timeout, out);
  if (recv != HB_INVALID) hb_handle_close(recv);
  hb_handle_close(send);
  return status;
}
