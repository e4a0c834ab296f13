/* pipes: harbor/pipe.h between tasks, the same program on both targets (hosted under
 * harbor-emu, bare metal under QEMU). Partial reads, a full pipe, end of file after every
 * writer closed or exited, PEER_CLOSED once the reader is gone, small writes of several
 * writer tasks never interleaved (checksummed records), timeouts, and bad arguments.
 * Roles (the first argument): "" the test, "writer" (handles: a write end; writes
 * kRecords records of its id), "quitter" (a read end: reads one chunk, then exits). */
#include <harbor/pipe.h>

#include "check.h"

#define KERNEL_ADDRESS ((void *)0x100000) /* x86-64: the kernel image; hosted: unmapped */

enum { kWriters = 3, kRecords = 40, kRecordSize = 100 };

/* A record: writer id, sequence number, bytes derived from both, a checksum byte last. */
static void make_record(unsigned char *r, uint32_t writer, uint32_t seq) {
  unsigned char sum = 0;
  r[0] = (unsigned char)writer;
  r[1] = (unsigned char)seq;
  for (uint32_t i = 2; i + 1 < kRecordSize; ++i) {
    r[i] = (unsigned char)(writer * 31 + seq * 7 + i);
    sum = (unsigned char)(sum * 3 + r[i]);
  }
  r[kRecordSize - 1] = sum;
}

static int writer(const t_start *s) {
  hb_handle_t w = s->handles[0];
  uint32_t id = (uint32_t)(s->role[6] - '0'); /* "writer0".."writer2" */
  for (uint32_t seq = 0; seq < kRecords; ++seq) {
    unsigned char r[kRecordSize];
    make_record(r, id, seq);
    CHECK_EQ(hb_pipe_write(w, r, kRecordSize, T_MS(10000)), kRecordSize);
  }
  /* Exits without hb_pipe_close: the kernel closes the end with the task. */
  return t_done();
}

static int quitter(const t_start *s) {
  char buf[16];
  CHECK_EQ(hb_pipe_read(s->handles[0], buf, sizeof(buf), T_MS(10000)), 5);
  return t_done(); /* the read end goes with us: writers get PEER_CLOSED */
}

static void partial_reads_and_end_of_file(void) {
  hb_handle_t r, w;
  char buf[64];
  CHECK_EQ(hb_pipe_create(0, &r, &w), HB_OK);
  CHECK_EQ(hb_pipe_write(w, "hello, pipe", 11, HB_NOWAIT), 11);
  CHECK_EQ(hb_pipe_write(w, "!", 1, HB_NOWAIT), 1);
  CHECK_EQ(hb_pipe_read(r, buf, 5, HB_NOWAIT), 5);
  CHECK(t_equal(buf, "hello", 5));
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_NOWAIT), 6); /* the rest of that write */
  CHECK(t_equal(buf, ", pipe", 6));
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_NOWAIT), 1);
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), T_MS(5)), HB_ERR_TIMED_OUT);
  CHECK_EQ(hb_pipe_close(w), HB_OK);
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_FOREVER), 0); /* end of file, at once */
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_FOREVER), 0);
  CHECK_EQ(hb_pipe_close(r), HB_OK);
}

static void a_full_pipe_blocks(void) {
  hb_handle_t r, w;
  char buf[8];
  CHECK_EQ(hb_pipe_create(2, &r, &w), HB_OK);
  CHECK_EQ(hb_pipe_write(w, "a", 1, HB_NOWAIT), 1);
  CHECK_EQ(hb_pipe_write(w, "b", 1, HB_NOWAIT), 1);
  CHECK_EQ(hb_pipe_write(w, "c", 1, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_pipe_write(w, "c", 1, T_MS(5)), HB_ERR_TIMED_OUT);
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_NOWAIT), 1);
  CHECK_EQ(hb_pipe_write(w, "c", 1, HB_NOWAIT), 1); /* room again */
  CHECK_EQ(hb_pipe_close(r), HB_OK);
  CHECK_EQ(hb_pipe_write(w, "d", 1, HB_NOWAIT), HB_ERR_PEER_CLOSED);
  CHECK_EQ(hb_pipe_close(w), HB_OK);
}

static void bad_arguments(void) {
  hb_handle_t r, w;
  char buf[8];
  CHECK_EQ(hb_pipe_create(HB_PIPE_CAPACITY_MAX + 1, &r, &w), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_pipe_create(1, &r, &w), HB_OK);
  CHECK_EQ(hb_pipe_read(w, buf, sizeof(buf), HB_NOWAIT), HB_ERR_ACCESS);
  CHECK_EQ(hb_pipe_write(r, "x", 1, HB_NOWAIT), HB_ERR_ACCESS);
  CHECK_EQ(hb_pipe_read(4242, buf, sizeof(buf), HB_NOWAIT), HB_ERR_BAD_HANDLE);
  CHECK_EQ(hb_pipe_write(4242, "x", 1, HB_NOWAIT), HB_ERR_BAD_HANDLE);
  CHECK_EQ(hb_pipe_read(r, buf, 0, HB_NOWAIT), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_pipe_write(w, "x", 0, HB_NOWAIT), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_pipe_write(w, 0, 1, HB_NOWAIT), HB_ERR_FAULT);
  CHECK_EQ(hb_pipe_write(w, KERNEL_ADDRESS, 8, HB_NOWAIT), HB_ERR_FAULT);
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_NOWAIT), HB_ERR_WOULD_BLOCK); /* none sent */
  CHECK_EQ(hb_pipe_write(w, "kept", 4, HB_NOWAIT), 4);
  CHECK_EQ(hb_pipe_read(r, KERNEL_ADDRESS, 8, HB_NOWAIT), HB_ERR_FAULT);
  CHECK_EQ(hb_pipe_read(r, buf, sizeof(buf), HB_NOWAIT), 4); /* still there */
  CHECK(t_equal(buf, "kept", 4));
  CHECK_EQ(hb_pipe_close(r), HB_OK);
  CHECK_EQ(hb_pipe_close(w), HB_OK);
  CHECK_EQ(hb_pipe_close(w), HB_ERR_BAD_HANDLE);
}

static void several_writers_never_interleave(void) {
  hb_handle_t r, w;
  CHECK_EQ(hb_pipe_create(4, &r, &w), HB_OK);
  hb_task_id_t ids[kWriters];
  for (uint32_t i = 0; i < kWriters; ++i) {
    hb_handle_t end;
    CHECK_EQ(hb_handle_dup(w, HB_RIGHTS_SAME, &end), HB_OK);
    char role[8] = {'w', 'r', 'i', 't', 'e', 'r', (char)('0' + i), 0};
    CHECK_EQ(t_spawn("pipes", role, &end, 1, &ids[i]), HB_OK);
  }
  CHECK_EQ(hb_pipe_close(w), HB_OK); /* only the writers hold write ends now */
  /* Read the stream 37 bytes at a time (records straddle reads) into one record at a time. */
  unsigned char rec[kRecordSize];
  uint32_t have = 0, records = 0, next[kWriters] = {0, 0, 0};
  for (;;) {
    unsigned char buf[37];
    int64_t n = hb_pipe_read(r, buf, sizeof(buf), T_MS(10000));
    if (n <= 0) {
      CHECK_EQ(n, 0);
      break;
    }
    for (int64_t i = 0; i < n; ++i) {
      rec[have++] = buf[i];
      if (have < kRecordSize) continue;
      have = 0;
      ++records;
      uint32_t id = rec[0];
      CHECK(id < kWriters);
      if (id >= kWriters) continue;
      CHECK_EQ(rec[1], next[id]); /* each writer's records in its order */
      unsigned char want[kRecordSize];
      make_record(want, id, next[id]++);
      CHECK(t_equal((const char *)rec, (const char *)want, kRecordSize)); /* not interleaved */
    }
  }
  CHECK_EQ(records, kWriters * kRecords);
  CHECK_EQ(have, 0);
  for (uint32_t i = 0; i < kWriters; ++i) {
    int32_t code = -1;
    CHECK_EQ(hb_task_wait(ids[i], &code, T_MS(10000)), HB_OK);
    CHECK_EQ(code, 0);
  }
  CHECK_EQ(hb_pipe_close(r), HB_OK);
}

static void writers_see_the_reader_go(void) {
  hb_handle_t r, w;
  hb_task_id_t id;
  CHECK_EQ(hb_pipe_create(2, &r, &w), HB_OK);
  CHECK_EQ(t_spawn("pipes", "quitter", &r, 1, &id), HB_OK);
  CHECK_EQ(hb_pipe_write(w, "first", 5, T_MS(10000)), 5);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(id, &code, T_MS(10000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_pipe_write(w, "later", 5, T_MS(10000)), HB_ERR_PEER_CLOSED);
  CHECK_EQ(hb_pipe_close(w), HB_OK);
}

int main(void) {
  t_name = "pipes";
  t_start s;
  t_get_start(&s);
  if (t_len(s.role) == 7 && t_equal(s.role, "writer", 6)) return writer(&s);
  if (t_role_is(&s, "quitter")) return quitter(&s);
  partial_reads_and_end_of_file();
  a_full_pipe_blocks();
  bad_arguments();
  several_writers_never_interleave();
  writers_see_the_reader_go();
  if (!t_failures) t_print("pipes: all checks passed\n");
  return t_done();
}
