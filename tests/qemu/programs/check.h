/* tests/qemu/programs/check.h - assertions for the portable test programs.
 *
 * Written only against harbor/sys.h (no libc): the same program runs under QEMU (x86-64
 * runtime) and under harbor-emu (hosted runtime). A failed check prints expected against
 * actual, with HB_ERR_* names, and the program ends with a non-zero exit code.
 */
#ifndef HARBOR_TESTS_QEMU_CHECK_H
#define HARBOR_TESTS_QEMU_CHECK_H

#include <harbor/sys.h>

static int t_failures;
static const char *t_name = "test";

static inline uint32_t t_len(const char *s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}

static inline int t_equal(const char *a, const char *b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

static inline void t_print(const char *s) { hb_debug_write(s, t_len(s)); }

static inline void t_print_int(int64_t v) {
  char buffer[24];
  int at = 23;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  buffer[at] = '\0';
  do {
    buffer[--at] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) buffer[--at] = '-';
  t_print(buffer + at);
}

static inline void t_print_value(int64_t v) {
  t_print_int(v);
  if (v < 0 && v >= HB_ERR_WRONG_TYPE) {
    t_print(" (");
    t_print(hb_strerror((hb_status_t)v));
    t_print(")");
  }
}

static inline void t_fail(int line, const char *what, int64_t actual, int64_t expected) {
  ++t_failures;
  t_print("FAIL ");
  t_print(t_name);
  t_print(":");
  t_print_int(line);
  t_print(": ");
  t_print(what);
  t_print(" = ");
  t_print_value(actual);
  t_print(", expected ");
  t_print_value(expected);
  t_print("\n");
}

#define CHECK_EQ(actual, expected)                                        \
  do {                                                                    \
    int64_t t_a = (int64_t)(actual), t_e = (int64_t)(expected);           \
    if (t_a != t_e) t_fail(__LINE__, #actual, t_a, t_e);                  \
  } while (0)

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) t_fail(__LINE__, #cond, 0, 1);                           \
  } while (0)

/* The start message: `role` (the first argument, "" if none) and up to 4 handles. */
typedef struct t_start {
  char role[64];
  uint32_t handle_count;
  hb_handle_t handles[4];
  hb_task_id_t sender;
} t_start;

static inline void t_get_start(t_start *s) {
  char bytes[64];
  hb_msg_in in = {0};
  in.data = bytes;
  in.cap = sizeof(bytes) - 1;
  in.handles = s->handles;
  in.handle_cap = 4;
  s->role[0] = '\0';
  s->handle_count = 0;
  s->sender = 0;
  if (hb_recv(HB_INBOX, &in, 0, HB_NOWAIT) != HB_OK) return;
  uint32_t n = in.len < sizeof(s->role) - 1 ? in.len : sizeof(s->role) - 1;
  for (uint32_t i = 0; i < n; ++i) s->role[i] = bytes[i];
  s->role[n] = '\0';
  s->handle_count = in.handle_count;
  s->sender = in.sender;
}

static inline int t_role_is(const t_start *s, const char *role) {
  uint32_t n = t_len(role);
  return t_len(s->role) == n && t_equal(s->role, role, n);
}

/* Program images. QEMU: hb_task_spawn takes the name of an image built into the boot image
 * ("rendezvous"). Hosted: it takes an executable path; tests/portable builds every program
 * into one directory and compiles them with T_IMAGE_DIR set to it ("/.../images/"), so the
 * same name works from any current directory. */
#ifndef T_IMAGE_DIR
#define T_IMAGE_DIR ""
#endif

/* T_IMAGE_DIR followed by `name`, in `out` (cap bytes); 0 if it does not fit. */
static inline const char *t_image(const char *name, char *out, uint32_t cap) {
  const char *dir = T_IMAGE_DIR;
  uint32_t d = t_len(dir), n = t_len(name);
  if (d + n + 1 > cap) return 0;
  for (uint32_t i = 0; i < d; ++i) out[i] = dir[i];
  for (uint32_t i = 0; i <= n; ++i) out[d + i] = name[i];
  return out;
}

/* Starts the program `image` (a name, see t_image) with `role` (sent with its NUL) and
 * `count` handles (moved). */
static inline hb_status_t t_spawn(const char *image, const char *role, const hb_handle_t *handles,
                                  uint32_t count, hb_task_id_t *id) {
  char path[512];
  if (!t_image(image, path, sizeof(path))) return HB_ERR_INVALID_ARG;
  hb_msg_out m = {role, t_len(role) + 1, count, handles};
  return hb_task_spawn(path, &m, id);
}

static inline hb_status_t t_send_text(hb_handle_t port, const char *text, hb_time_t timeout) {
  hb_msg_out m = {text, t_len(text), 0, 0};
  return hb_send(port, &m, 0, timeout);
}

/* Receives into buf (cap bytes); returns the status, *len the length. */
static inline hb_status_t t_recv(hb_handle_t port, char *buf, uint32_t cap, uint32_t *len,
                                 hb_time_t timeout) {
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = cap;
  hb_status_t s = hb_recv(port, &in, 0, timeout);
  if (len) *len = in.len;
  return s;
}

/* Sleeps `ns` by waiting on a port that never gets a message. */
static inline void t_sleep(hb_time_t ns) {
  hb_handle_t r, s;
  if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s) != HB_OK) return;
  char b[1];
  t_recv(r, b, 1, 0, ns);
  hb_handle_close(r);
  hb_handle_close(s);
}

#define T_MS(n) ((hb_time_t)(n) * 1000000ull)

/* main's return value: 0 when every check passed. */
static inline int t_done(void) {
  if (t_failures) {
    t_print(t_name);
    t_print(": ");
    t_print_int(t_failures);
    t_print(" check(s) failed\n");
  }
  return t_failures ? 1 : 0;
}

#endif
