/* tests/driver.c - exercise 10's public tests: `driver TEST` (see grade.json).
 * `writer | upper | reader`: the test task is the writer and the reader, the student's
 * upper_filter runs in a helper task ("upper:EXPECTED": it must return EXPECTED). */
#include "filter.h"
#include "grade_check.h"

#include <harbor/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int upper_task(const char *role, const hb_start_info *start) {
  int64_t want = atoll(role + 6);
  grade_student_begin();
  int64_t got = upper_filter(start->handles[0], start->handles[1]);
  grade_expect_int(want, got, "upper_filter(in, out)",
                   want < 0 ? "hb_pipe_write said HB_ERR_PEER_CLOSED: return it"
                            : "return how many bytes were copied, once the input ended");
  grade_expect_closed(start->handles[0], "the read end `in`", "close both ends at the end");
  grade_expect_closed(start->handles[1], "the write end `out`", "close both ends at the end");
  grade_check_leaks("close every handle you make");
  return 0;
}

static char text[200000], got[200000];

/* The input of each test: "short", "long" (more than two HB_PIPE_ATOMIC chunks), "none",
 * "x1000". Both the writer task and the checking reader make it. */
static int64_t make_text(const char *kind) {
  if (strcmp(kind, "short") == 0) {
    strcpy(text, "hello, Harbor pipes! 123");
    return (int64_t)strlen(text);
  }
  if (strcmp(kind, "long") == 0) {
    for (int64_t i = 0; i < 150000; ++i) text[i] = (char)('a' + (i * 7) % 26);
    return 150000;
  }
  if (strcmp(kind, "x1000") == 0) {
    memset(text, 'x', 1000);
    return 1000;
  }
  return 0;
}

/* "writer:KIND": writes the text in pieces of 1..5000 bytes (so that the filter's reads see
 * any boundary), then closes its write end: end of file for the filter. A separate task, so
 * that the test task only reads: one task writing everything before reading would itself
 * deadlock against the filter once both pipes are full. */
static int writer_task(const char *kind, hb_handle_t to) {
  int64_t len = make_text(kind);
  for (int64_t at = 0, step = 1; at < len; at += step, step = step * 3 % 4999 + 1) {
    if (at + step > len) step = len - at;
    int64_t n = hb_pipe_write(to, text + at, (uint32_t)step, HB_FOREVER);
    if (n == HB_ERR_PEER_CLOSED && strcmp(kind, "x1000") == 0) break; /* reader_goes_away */
    grade_expect_int(step, n, "the writer's hb_pipe_write", "the filter must keep reading its input");
  }
  hb_pipe_close(to);
  return 0;
}

/* Starts `writer:KIND | upper`; returns our read end of the filter's output. */
static hb_handle_t start_pipeline(const char *kind, int64_t expected, hb_task_id_t ids[2]) {
  hb_handle_t a_read, a_write, b_read, b_write;
  grade_expect_status(HB_OK, hb_pipe_create(4, &a_read, &a_write), "hb_pipe_create", "");
  grade_expect_status(HB_OK, hb_pipe_create(4, &b_read, &b_write), "hb_pipe_create", "");
  hb_handle_t theirs[2] = {a_read, b_write};
  char role[48];
  snprintf(role, sizeof role, "upper:%lld", (long long)expected);
  grade_expect_status(HB_OK, grade_spawn_role(role, theirs, 2, &ids[0]), "hb_task_spawn", "");
  snprintf(role, sizeof role, "writer:%s", kind);
  grade_expect_status(HB_OK, grade_spawn_role(role, &a_write, 1, &ids[1]), "hb_task_spawn", "");
  return b_read;
}

/* Reads until end of file; returns the byte count. */
static int64_t read_all(hb_handle_t from, char *buf, int64_t cap) {
  int64_t total = 0;
  for (;;) {
    int64_t n = hb_pipe_read(from, buf + total, (uint32_t)(cap - total > 65536 ? 65536 : cap - total),
                             HB_FOREVER);
    if (n == 0) return total;
    grade_expect_int(1, n > 0, "hb_pipe_read of the filter's output succeeds", "");
    total += n;
    if (total == cap) return total;
  }
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) return 2;
  const char *test = start.argv[0];
  if (strncmp(test, "upper:", 6) == 0) return upper_task(test, &start);
  if (strncmp(test, "writer:", 7) == 0) return writer_task(test + 7, start.handles[0]);
  hb_task_id_t ids[2];

  if (strcmp(test, "short_text") == 0 || strcmp(test, "many_pieces") == 0 ||
      strcmp(test, "empty_input") == 0) {
    const char *kind = strcmp(test, "short_text") == 0   ? "short"
                       : strcmp(test, "many_pieces") == 0 ? "long"
                                                          : "none";
    int64_t len = make_text(kind);
    hb_handle_t from = start_pipeline(kind, len, ids);
    int64_t n = read_all(from, got, sizeof got);
    grade_expect_int(len, n, "bytes out of the filter",
                     "read until hb_pipe_read returns 0, write every byte you read, then close "
                     "`out`; a read returns as soon as some bytes are there, not a full buffer");
    for (int64_t i = 0; i < len; ++i) {
      char want = text[i] >= 'a' && text[i] <= 'z' ? (char)(text[i] - 32) : text[i];
      if (got[i] != want) {
        char e[64], a[64];
        snprintf(e, sizeof e, "byte %lld = '%c'", (long long)i, want);
        snprintf(a, sizeof a, "byte %lld = '%c'", (long long)i, got[i]);
        grade_fail(e, a, "a..z become A..Z; everything else passes unchanged, in order");
      }
    }
    grade_join(ids[0], "upper");
    grade_join(ids[1], "writer");
    return 0;
  }
  if (strcmp(test, "reader_goes_away") == 0) {
    hb_handle_t from = start_pipeline("x1000", HB_ERR_PEER_CLOSED, ids);
    hb_pipe_close(from); /* nobody will read the filter's output */
    grade_join(ids[0], "upper");
    grade_join(ids[1], "writer");
    return 0;
  }
  grade_print("driver: no test named %s\n", test);
  return 2;
}
