/* userland/lib/pipe/fifo.c - named pipes (harbor/pipe.h, docs/pipes.md "Named pipes").
 *
 * The trap: if the name service held a write end (a send right to the pipe's port), the
 * reader would never see end of file, since that right is never closed. So what the name
 * names is not the pipe: it is an OS-owned mailbox (hb_mailbox_open) where readers and
 * writers meet, and the pipe itself is made by the reader when it opens. Two OS-owned names
 * per fifo, both outliving their creator:
 *   NAME       the mailbox. A writer's open is one hb_call into it (a JOIN); the reader
 *              answers it with a write end.
 *   NAME.fifo  a one-page region holding the descriptor: "FIFO" and the capacity. Readers
 *              only read it, so nobody can take it away (not even a reader that dies).
 * The steps of a reader's open:
 *   (R1) read the capacity from NAME.fifo;
 *   (R2) make the pipe; answer every JOIN with a duplicate of the write end;
 *   (R3) wait for JOINs until at least one writer has its end (POSIX: a reader's open waits
 *        for a writer), then answer only those already queued;
 *   (R4) close its own write end: from here the writers' ends are the only ones, and end of
 *        file comes when they are gone (or dead), from the kernel.
 * A writer whose JOIN meets a reader that gave up or died (the reply capability dropped)
 * calls again, within its timeout. */
#include <harbor/names.h>
#include <harbor/pipe.h>

#include <string.h>

#define FIFO_SUFFIX ".fifo"

typedef struct fifo_desc {
  char magic[4]; /* "FIFO" */
  uint32_t capacity;
} fifo_desc;

static const char kJoin[4] = {'J', 'O', 'I', 'N'};

/* The time left until `deadline`, for timeouts spread over several calls. */
static hb_time_t left_until(hb_time_t timeout, hb_time_t deadline) {
  if (timeout == HB_NOWAIT || timeout == HB_FOREVER) return timeout;
  hb_time_t now = hb_clock_ns();
  return now >= deadline ? 1 : deadline - now; /* 1 ns: expires at once, TIMED_OUT */
}

/* NAME.fifo, for a name the name service already accepted (so its pointer is good). */
static hb_status_t desc_name(const char *name, char out[HB_NAME_MAX + 1]) {
  size_t n = strlen(name);
  if (n > HB_FIFO_NAME_MAX) return HB_ERR_INVALID_ARG;
  memcpy(out, name, n);
  memcpy(out + n, FIFO_SUFFIX, sizeof FIFO_SUFFIX);
  return HB_OK;
}

/* Maps the descriptor region `region` and reads (or, with `write`, writes) *desc. */
static hb_status_t desc_access(hb_handle_t region, fifo_desc *desc, int write) {
  void *at = 0;
  uint32_t rights = HB_RIGHT_READ | (write ? HB_RIGHT_WRITE : 0);
  hb_status_t status = hb_region_map(region, rights, &at);
  if (status != HB_OK) return status;
  if (write) memcpy(at, desc, sizeof *desc);
  else memcpy(desc, at, sizeof *desc);
  hb_region_unmap(at);
  return HB_OK;
}

hb_status_t hb_fifo_create(const char *name, uint32_t capacity) {
  if (capacity > HB_PIPE_CAPACITY_MAX) return HB_ERR_INVALID_ARG;
  hb_handle_t probe;
  hb_status_t status = hb_name_lookup(name, HB_RIGHTS_SAME, HB_NOWAIT, &probe);
  if (status == HB_OK) {
    hb_handle_close(probe);
    return HB_ERR_ALREADY_EXISTS;
  }
  if (status != HB_ERR_NOT_FOUND) return status; /* the name's own errors: INVALID_ARG, FAULT */
  char dname[HB_NAME_MAX + 1];
  status = desc_name(name, dname);
  if (status != HB_OK) return status;
  /* The descriptor first: once the mailbox's name exists, readers may look for it. (A region
   * left by an earlier fifo of this name is reused: the descriptor is written again.) */
  hb_handle_t region;
  status = hb_region_open(dname, 4096, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP, &region);
  if (status != HB_OK) return status;
  fifo_desc desc;
  memcpy(desc.magic, "FIFO", 4);
  desc.capacity = capacity ? capacity : HB_PIPE_CAPACITY_DEFAULT;
  status = desc_access(region, &desc, 1);
  hb_handle_close(region);
  if (status != HB_OK) return status;
  hb_handle_t send;
  status = hb_mailbox_open(name, HB_PORT_UNBOUNDED, 0, 0, &send);
  if (status != HB_OK) return status;
  hb_handle_close(send);
  return HB_OK;
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

/* Answers one JOIN with a duplicate of the write end; 0 if the writer is gone. */
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

static hb_status_t open_reader(const char *name, hb_handle_t mailbox, hb_time_t timeout,
                               hb_handle_t *out) {
  const hb_time_t deadline =
      timeout == HB_NOWAIT || timeout == HB_FOREVER ? 0 : hb_clock_ns() + timeout;
  /* (R1) */
  char dname[HB_NAME_MAX + 1];
  hb_status_t status = desc_name(name, dname);
  if (status != HB_OK) return status;
  hb_handle_t region;
  status = hb_region_open(dname, 0, HB_RIGHT_READ | HB_RIGHT_MAP, &region);
  if (status == HB_ERR_NOT_FOUND) return HB_ERR_WRONG_TYPE; /* a mailbox, but not a fifo's */
  if (status != HB_OK) return status;
  fifo_desc desc;
  status = desc_access(region, &desc, 0);
  hb_handle_close(region);
  if (status != HB_OK) return status;
  if (memcmp(desc.magic, "FIFO", 4) != 0 || desc.capacity == 0 ||
      desc.capacity > HB_PIPE_CAPACITY_MAX)
    return HB_ERR_WRONG_TYPE;
  /* (R2) */
  hb_handle_t read_end, write_end;
  status = hb_pipe_create(desc.capacity, &read_end, &write_end);
  if (status != HB_OK) return status;
  uint32_t writers = 0;
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
    /* A message longer than any of ours: the mailbox is used for something else. */
    if (status == HB_ERR_BUFFER_TOO_SMALL) status = HB_ERR_WRONG_TYPE;
    if (status != HB_OK) break;
    for (uint32_t i = 0; i < in.handle_count; ++i) hb_handle_close(handles[i]);
    if (in.reply == HB_INVALID) continue; /* not a JOIN (nobody waits for an answer) */
    if (in.len != sizeof kJoin || memcmp(bytes, kJoin, sizeof kJoin) != 0) {
      hb_handle_close(in.reply); /* not a JOIN: its caller gets PEER_CLOSED */
      continue;
    }
    writers += (uint32_t)answer_join(in.reply, write_end);
  }
  /* (R4) */
  hb_handle_close(write_end);
  if (writers > 0 && status == HB_ERR_WOULD_BLOCK) {
    *out = read_end;
    return HB_OK;
  }
  hb_handle_close(read_end);
  if (status == HB_ERR_PEER_CLOSED) return HB_ERR_NOT_FOUND; /* the fifo was removed */
  return status;
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
  if (end == HB_PIPE_READ) status = open_reader(name, recv, timeout, out);
  else status = open_writer(send, timeout, out);
  if (recv != HB_INVALID) hb_handle_close(recv);
  hb_handle_close(send);
  return status;
}
