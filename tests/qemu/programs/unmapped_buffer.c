/* unmapped_buffer: once a page leaves a task (hb_region_unmap, hb_region_revoke), the kernel
 * never reads or writes it on the task's behalf again, even though it used that very page a
 * moment before: x86-64 keeps recent user translations in a cache (arch/x86_64/paging.cc,
 * DOC: x86-translation-cache), and unmapping must clear them. A stale entry would make the
 * sends and receives below succeed on a page the task no longer has. */
#include "check.h"

/* Sends 5 bytes from `data` to the port and takes them back into `into`. */
static hb_status_t round_trip(hb_handle_t r, hb_handle_t s, const void *data, void *into) {
  hb_msg_out m = {data, 5, 0, 0};
  hb_status_t st = hb_send(s, &m, 0, HB_NOWAIT);
  if (st != HB_OK) return st;
  hb_msg_in in = {0};
  in.data = into;
  in.cap = 5;
  return hb_recv(r, &in, 0, HB_NOWAIT);
}

static void check_gone(hb_handle_t r, hb_handle_t s, char *page) {
  char local[8];
  /* reading it (send) and writing it (receive into it) are both faults now */
  CHECK_EQ(round_trip(r, s, page, local), HB_ERR_FAULT);
  CHECK_EQ(t_send_text(s, "later", HB_NOWAIT), HB_OK);
  hb_msg_in in = {0};
  in.data = page;
  in.cap = 5;
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_ERR_FAULT);
  /* the message was not lost: a good buffer still gets it */
  uint32_t len = 0;
  CHECK_EQ(t_recv(r, local, sizeof(local), &len, HB_NOWAIT), HB_OK);
  CHECK(len == 5 && t_equal(local, "later", 5));
}

int main(void) {
  t_name = "unmapped_buffer";
  hb_handle_t r, s, region;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s), HB_OK);
  CHECK_EQ(hb_region_create(4096, 0, &region), HB_OK);

  /* 1. unmap */
  void *at = 0;
  CHECK_EQ(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), HB_OK);
  if (!at) return t_done();
  char *page = (char *)at;
  for (int i = 0; i < 5; ++i) page[i] = "hello"[i];
  char local[8];
  CHECK_EQ(round_trip(r, s, page, page + 100), HB_OK); /* the kernel used the page both ways */
  CHECK(t_equal(page + 100, "hello", 5));
  CHECK_EQ(round_trip(r, s, page, local), HB_OK);
  CHECK_EQ(hb_region_unmap(at), HB_OK);
  check_gone(r, s, page);

  /* 2. revoke */
  CHECK_EQ(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), HB_OK);
  if (!at) return t_done();
  page = (char *)at;
  for (int i = 0; i < 5; ++i) page[i] = "again"[i];
  CHECK_EQ(round_trip(r, s, page, page + 100), HB_OK);
  CHECK(t_equal(page + 100, "again", 5));
  CHECK_EQ(hb_region_revoke(region), HB_OK);
  check_gone(r, s, page);
  return t_done();
}
