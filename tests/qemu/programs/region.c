/* region: a grant region shared between two tasks: both see the same memory, a read-only
 * grant cannot be written (the MMU kills the writer), revocation ends every mapping. */
#include "check.h"

static void wait_text(const char *expected) {
  char buf[16];
  uint32_t len = 0;
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), &len, T_MS(5000)), HB_OK);
  CHECK(len == t_len(expected) && t_equal(buf, expected, len));
}

static void send_text(hb_task_id_t to, const char *text) {
  hb_msg_out m = {text, t_len(text), 0, 0};
  CHECK_EQ(hb_send_task(to, &m, 0, T_MS(5000)), HB_OK);
}

static int child(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  hb_handle_t h = s->handles[0];
  void *q = 0;
  CHECK_EQ(hb_region_map(h, HB_RIGHT_READ | HB_RIGHT_WRITE, &q), HB_ERR_ACCESS);
  CHECK_EQ(hb_region_map(h, HB_RIGHT_READ, &q), HB_OK);
  volatile char *bytes = (volatile char *)q;
  if (t_role_is(s, "writer")) bytes[0] = 'X';  /* read-only: killed here */
  if (t_role_is(s, "reader")) {
    CHECK(t_equal((const char *)q, "hello", 6));
    send_text(s->sender, "mapped");
    wait_text("go");
    CHECK(t_equal((const char *)q, "changed", 8));  /* the same memory, not a copy */
    CHECK_EQ(hb_region_unmap((char *)q + 1), HB_ERR_INVALID_ARG);
    CHECK_EQ(hb_region_unmap(q), HB_OK);
  }
  if (t_role_is(s, "revoked")) {
    send_text(s->sender, "mapped");
    wait_text("go");
    return bytes[0];  /* revoked: killed here */
  }
  return t_done();
}

static int32_t run_child(const char *role, hb_handle_t rw, int signal) {
  hb_handle_t ro;
  hb_task_id_t id = 0;
  int32_t code = 12345;
  CHECK_EQ(hb_handle_dup(rw, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &ro), HB_OK);
  CHECK_EQ(t_spawn("region", role, &ro, 1, &id), HB_OK);
  if (signal) {
    wait_text("mapped");
    if (signal == 2) CHECK_EQ(hb_region_revoke(rw), HB_OK);
    send_text(id, "go");
  }
  CHECK_EQ(hb_task_wait(id, &code, T_MS(5000)), HB_OK);
  return code;
}

int main(void) {
  t_name = "region";
  t_start s;
  t_get_start(&s);
  if (s.role[0]) return child(&s);

  hb_handle_t rw;
  void *p = 0;
  CHECK_EQ(hb_region_create(8192, 0, &rw), HB_OK);
  CHECK_EQ(hb_region_map(rw, HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
  char *bytes = (char *)p;
  for (int i = 0; i < 6; ++i) bytes[i] = "hello"[i];
  CHECK_EQ(run_child("writer", rw, 0) < 0, 1);
  /* The reader maps, we write, it sees the change. */
  hb_handle_t ro;
  hb_task_id_t id = 0;
  int32_t code = -1;
  CHECK_EQ(hb_handle_dup(rw, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &ro), HB_OK);
  CHECK_EQ(t_spawn("region", "reader", &ro, 1, &id), HB_OK);
  wait_text("mapped");
  for (int i = 0; i < 8; ++i) bytes[i] = "changed"[i];
  send_text(id, "go");
  CHECK_EQ(hb_task_wait(id, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  /* Revocation: the child's mapping stops working (so does ours: we do not touch it). */
  CHECK_EQ(run_child("revoked", rw, 2) < 0, 1);
  return t_done();
}
