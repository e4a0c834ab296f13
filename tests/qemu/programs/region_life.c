/* region_life: a grant region lives while a handle or a mapping to it does, not as long as
 * the task that made it; one task may map it twice (two addresses, one memory); unmapping
 * one mapping leaves the other; after unmap the address is gone. */
#include "check.h"

/* Makes a region, writes into it, gives the parent the handle and exits. */
static int maker(const t_start *s) {
  hb_handle_t h;
  void *p = 0;
  CHECK_EQ(hb_region_create(100, 0, &h), HB_OK);  /* rounded up to a page */
  CHECK_EQ(hb_region_map(h, HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
  if (p) {
    char *bytes = (char *)p;
    for (int i = 0; i < 4096; ++i) bytes[i] = (char)(i & 0x7f);
    for (int i = 0; i < 12; ++i) bytes[i] = "from the dead"[i];
  }
  hb_msg_out m = {"region", 6, 1, &h};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  return t_done();  /* exits still mapped: the mapping goes, the memory stays */
}

/* Maps the region it is given, unmaps it, then touches the old address: killed. */
static int stale(const t_start *s) {
  void *p = 0;
  CHECK_EQ(hb_region_map(s->handles[0], HB_RIGHT_READ, &p), HB_OK);
  CHECK_EQ(hb_region_unmap(p), HB_OK);
  CHECK_EQ(hb_region_unmap(p), HB_ERR_INVALID_ARG);
  if (t_failures) return t_done();
  return *(volatile char *)p;  /* unmapped: killed here */
}

int main(void) {
  t_name = "region_life";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "maker")) return maker(&s);
  if (t_role_is(&s, "stale")) return stale(&s);

  hb_handle_t h = HB_INVALID, bad;
  CHECK_EQ(hb_region_create(0, 0, &bad), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_region_create(4096, 1, &bad), HB_ERR_INVALID_ARG);  /* flags must be 0 */
  hb_task_id_t child = 0;
  int32_t code = -1;
  CHECK_EQ(t_spawn("region_life", "maker", 0, 0, &child), HB_OK);
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = &h;
  in.handle_cap = 1;
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);

  /* The maker is gone; its region is not. Two mappings of it here. */
  void *a = 0, *b = 0;
  CHECK_EQ(hb_region_map(h, HB_RIGHT_READ | HB_RIGHT_WRITE, &a), HB_OK);
  CHECK_EQ(hb_region_map(h, HB_RIGHT_READ, &b), HB_OK);
  if (!a || !b) return t_done();
  CHECK(a != b);
  CHECK(t_equal((const char *)a, "from the dead", 12));
  CHECK_EQ(((volatile char *)b)[4095], (char)(4095 & 0x7f));  /* the whole page */
  ((volatile char *)a)[100] = 'Z';
  CHECK_EQ(((volatile char *)b)[100], 'Z');
  CHECK_EQ(hb_region_unmap(a), HB_OK);
  CHECK_EQ(((volatile char *)b)[100], 'Z');  /* the other mapping still works */
  /* The handle closed, the mapping keeps the memory. */
  hb_handle_t dup;
  CHECK_EQ(hb_handle_dup(h, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &dup), HB_OK);
  CHECK_EQ(t_spawn("region_life", "stale", &dup, 1, &child), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK(code < 0);
  CHECK_EQ(hb_handle_close(h), HB_OK);
  CHECK_EQ(((volatile char *)b)[100], 'Z');
  CHECK(t_equal((const char *)b, "from the dead", 12));
  CHECK_EQ(hb_region_unmap(b), HB_OK);
  CHECK_EQ(hb_region_unmap(b), HB_ERR_INVALID_ARG);
  return t_done();
}
