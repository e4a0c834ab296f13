/* exercises/lib/grade_check.c - see grade_check.h. Hosted only (stdio for formatting). */
#include "grade_check.h"
#include "grade_track.h" /* the prototypes; the macros are #undef-ed below */

#undef hb_port_create
#undef hb_region_create
#undef hb_sem_create
#undef hb_handle_dup
#undef hb_badge_mint

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GRADE_SELF
#error "GRADE_SELF (the driver's own path) is defined by exercises/grade"
#endif

void grade_print(const char *format, ...) {
  char line[1024];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  hb_debug_write(line, (uint32_t)n);
}

static void fail_now(void) __attribute__((noreturn));
static void fail_now(void) { hb_task_exit(GRADE_EXIT_FAIL); }

void grade_fail(const char *expected, const char *actual, const char *hint) {
  grade_print("GRADE-FAIL expected: %s\n", expected);
  grade_print("GRADE-FAIL actual: %s\n", actual);
  if (hint && *hint) grade_print("GRADE-FAIL hint: %s\n", hint);
  fail_now();
}

void grade_expect_int(int64_t expected, int64_t actual, const char *what, const char *hint) {
  if (expected == actual) return;
  char e[256], a[256];
  /* Functions return 0, a count, or a negative HB_ERR_*: name a status when it is one. */
  const char *name = actual < 0 && actual >= -64 ? hb_strerror((hb_status_t)actual) : 0;
  snprintf(e, sizeof e, "%s = %lld", what, (long long)expected);
  if (name && strncmp(name, "HB_ERR_", 7) == 0)
    snprintf(a, sizeof a, "%s = %lld (%s)", what, (long long)actual, name);
  else
    snprintf(a, sizeof a, "%s = %lld", what, (long long)actual);
  grade_fail(e, a, hint);
}

void grade_expect_status(hb_status_t expected, hb_status_t actual, const char *what,
                         const char *hint) {
  if (expected == actual) return;
  char e[256], a[256];
  snprintf(e, sizeof e, "%s returns %s", what, hb_strerror(expected));
  snprintf(a, sizeof a, "%s returns %s", what, hb_strerror(actual));
  grade_fail(e, a, hint);
}

void grade_expect_str(const char *expected, const char *actual, const char *what,
                      const char *hint) {
  if (!actual) actual = "(null)";
  if (strcmp(expected, actual) == 0) return;
  size_t at = 0;
  while (expected[at] && expected[at] == actual[at]) ++at;
  char e[512], a[512];
  snprintf(e, sizeof e, "%s = \"%s\"", what, expected);
  snprintf(a, sizeof a, "%s = \"%s\" (first difference at byte %zu)", what, actual, at);
  grade_fail(e, a, hint);
}

/* ---- leaks ---------------------------------------------------------------------------- */

#define GRADE_TRACKED_MAX 256
static struct {
  hb_handle_t handle;
  const char *made_by;
} tracked[GRADE_TRACKED_MAX];
static int tracked_count;
static int tracking;

static void track(hb_handle_t h, const char *made_by) {
  if (!tracking || h == HB_INVALID || tracked_count == GRADE_TRACKED_MAX) return;
  tracked[tracked_count].handle = h;
  tracked[tracked_count].made_by = made_by;
  ++tracked_count;
}

void grade_student_begin(void) {
  tracked_count = 0;
  tracking = 1;
}

static const char *type_name(uint32_t type) {
  switch (type) {
    case HB_OBJ_PORT: return "port";
    case HB_OBJ_REPLY: return "reply capability";
    case HB_OBJ_REGION: return "region";
    case HB_OBJ_SEMAPHORE: return "semaphore";
    default: return "object";
  }
}

static void rights_text(uint32_t rights, char *out, size_t cap) {
  static const char *names[] = {"send", "recv", "dup", "transfer", "read", "write", "map",
                                "manage"};
  out[0] = '\0';
  for (int i = 0; i < 8; ++i)
    if (rights & (1u << i)) {
      if (out[0]) strncat(out, "+", cap - strlen(out) - 1);
      strncat(out, names[i], cap - strlen(out) - 1);
    }
}

static int report_if_open(hb_handle_t h, const char *what) {
  hb_handle_info_t info;
  if (hb_handle_info(h, &info) != HB_OK) return 0;  /* closed, or moved away in a message */
  char rights[96];
  rights_text(info.rights, rights, sizeof rights);
  grade_print("GRADE-LEAK handle %d (%s, rights %s) from %s is still open\n", (int)h,
              type_name(info.type), rights, what);
  return 1;
}

void grade_check_leaks(const char *hint) {
  tracking = 0;
  int leaks = 0;
  for (int i = 0; i < tracked_count; ++i) leaks += report_if_open(tracked[i].handle, tracked[i].made_by);
  if (leaks) {
    if (hint && *hint) grade_print("GRADE-LEAK hint: %s\n", hint);
    hb_task_exit(GRADE_EXIT_LEAK);
  }
}

void grade_expect_closed(hb_handle_t h, const char *what, const char *hint) {
  if (report_if_open(h, what)) {
    if (hint && *hint) grade_print("GRADE-LEAK hint: %s\n", hint);
    hb_task_exit(GRADE_EXIT_LEAK);
  }
}

/* The student's files are compiled with -include grade_track.h, which renames their calls
 * of these five to the functions below: only the student's own handles are remembered. */
hb_status_t grade_track_port_create(uint32_t mode, uint32_t capacity, uint32_t flags,
                                    hb_handle_t *recv_out, hb_handle_t *send_out) {
  hb_status_t s = hb_port_create(mode, capacity, flags, recv_out, send_out);
  if (s == HB_OK) {
    track(*recv_out, "hb_port_create (receive right)");
    track(*send_out, "hb_port_create (send right)");
  }
  return s;
}
hb_status_t grade_track_region_create(uint64_t size, uint32_t flags, hb_handle_t *out) {
  hb_status_t s = hb_region_create(size, flags, out);
  if (s == HB_OK) track(*out, "hb_region_create");
  return s;
}
hb_status_t grade_track_sem_create(uint32_t initial, uint32_t max, hb_handle_t *out) {
  hb_status_t s = hb_sem_create(initial, max, out);
  if (s == HB_OK) track(*out, "hb_sem_create");
  return s;
}
hb_status_t grade_track_handle_dup(hb_handle_t h, uint32_t rights, hb_handle_t *out) {
  hb_status_t s = hb_handle_dup(h, rights, out);
  if (s == HB_OK) track(*out, "hb_handle_dup");
  return s;
}
hb_status_t grade_track_badge_mint(hb_handle_t send, uint64_t badge, hb_handle_t *out) {
  hb_status_t s = hb_badge_mint(send, badge, out);
  if (s == HB_OK) track(*out, "hb_badge_mint");
  return s;
}

/* ---- helper tasks --------------------------------------------------------------------- */

/* A task is named after the last part of its image's path, so the grader links the driver
 * under each helper's name (grade.json "helpers"): "right:50" runs DIR/right when it exists,
 * and traces and verdicts say right[2], not driver[2]. */
hb_status_t grade_spawn_role(const char *role, const hb_handle_t *handles, uint32_t count,
                             hb_task_id_t *id) {
  hb_msg_out start = {role, (uint32_t)strlen(role) + 1, count, handles};
  char image[1024];
  const char *slash = strrchr(GRADE_SELF, '/');
  size_t dir = slash ? (size_t)(slash - GRADE_SELF) + 1 : 0;
  size_t name = strcspn(role, ":");
  if (dir + name + 1 <= sizeof image) {
    memcpy(image, GRADE_SELF, dir);
    memcpy(image + dir, role, name);
    image[dir + name] = '\0';
    hb_status_t s = hb_task_spawn(image, &start, id);
    if (s != HB_ERR_NOT_FOUND) return s;
  }
  return hb_task_spawn(GRADE_SELF, &start, id);
}

void grade_join(hb_task_id_t id, const char *role) {
  int32_t code = 0;
  hb_status_t s = hb_task_wait(id, &code, HB_FOREVER);
  if (s != HB_OK) {
    char a[128];
    snprintf(a, sizeof a, "hb_task_wait returned %s", hb_strerror(s));
    grade_fail("the helper task ends", a, "");
  }
  if (code == GRADE_EXIT_LEAK) {
    grade_print("GRADE-LEAK the %s task's code left handles open (see its lines above)\n", role);
    hb_task_exit(GRADE_EXIT_LEAK);
  }
  if (code != 0) {
    char e[128], a[128];
    snprintf(e, sizeof e, "the %s task exits 0", role);
    snprintf(a, sizeof a, "it exited %d%s", (int)code,
             code < 0 ? " (killed: a crash or a signal)" : " (its GRADE-FAIL lines are above)");
    grade_fail(e, a, "");
  }
}
