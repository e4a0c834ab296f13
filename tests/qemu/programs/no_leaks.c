/* no_leaks: what a task makes and gives back is really given back. Hundreds of children
 * started and collected, thousands of ports, messages and semaphores made and closed, big
 * grant regions made and freed again and again: if any of it leaked (kernel memory, frames,
 * a task slot, quota), a later round would fail with NO_MEMORY long before the end. */
#include "check.h"

#define SPAWNS 300
#define ROUNDS 3000
#define BIG (48u << 20) /* x86-64 under QEMU has about 94 MiB of frames in all */

static char g_payload[8192];

int main(void) {
  t_name = "no_leaks";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "child")) return 5;

  /* Children: each started, run and collected. */
  for (uint32_t i = 0; i < SPAWNS && !t_failures; ++i) {
    hb_task_id_t id = 0;
    int32_t code = -1;
    CHECK_EQ(t_spawn("no_leaks", "child", 0, 0, &id), HB_OK);
    CHECK_EQ(hb_task_wait(id, &code, T_MS(10000)), HB_OK);
    CHECK_EQ(code, 5);
  }

  /* Ports with a message in flight, closed with the message still queued; semaphores. */
  for (uint32_t i = 0; i < ROUNDS && !t_failures; ++i) {
    hb_handle_t r, snd, sem;
    CHECK_EQ(hb_port_create(i % 2 ? HB_PORT_UNBOUNDED : HB_PORT_BOUNDED, i % 2 ? 0 : 4, 0, &r,
                            &snd),
             HB_OK);
    hb_msg_out m = {g_payload, 1 + (i * 97) % sizeof(g_payload), 0, 0};
    CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_OK);
    CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_OK);
    char b[8192];
    uint32_t len = 0;
    CHECK_EQ(t_recv(r, b, sizeof(b), &len, HB_NOWAIT), HB_OK);
    CHECK_EQ(hb_sem_create(0, 1, &sem), HB_OK);
    hb_msg_out carry = {"s", 1, 1, &sem};
    CHECK_EQ(hb_send(snd, &carry, 0, HB_NOWAIT), HB_OK);  /* dies in the queue */
    CHECK_EQ(hb_handle_close(r), HB_OK);
    CHECK_EQ(hb_handle_close(snd), HB_OK);
  }

  /* Big regions, one at a time: each time the same memory must be there to be had. */
  for (uint32_t i = 0; i < 6 && !t_failures; ++i) {
    hb_handle_t h;
    void *p = 0;
    CHECK_EQ(hb_region_create(BIG, 0, &h), HB_OK);
    CHECK_EQ(hb_region_map(h, HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
    if (p) {
      volatile char *bytes = (volatile char *)p;
      bytes[0] = (char)i;
      bytes[BIG - 1] = (char)(i + 1);
      CHECK_EQ(bytes[0], (char)i);
      CHECK_EQ(bytes[BIG - 1], (char)(i + 1));
      CHECK_EQ(hb_region_unmap(p), HB_OK);
    }
    CHECK_EQ(hb_handle_close(h), HB_OK);
  }
  hb_handle_t too_big;
  CHECK_EQ(hb_region_create((256ull << 20) + 1, 0, &too_big), HB_ERR_INVALID_ARG);

  /* The region quota: every one made is one given back. */
  hb_handle_t regions[200];
  uint32_t made = 0, again = 0;
  while (made < 200 && hb_region_create(4096, 0, &regions[made]) == HB_OK) ++made;
  CHECK(made > 0 && made < 200);
  while (made > 0) CHECK_EQ(hb_handle_close(regions[--made]), HB_OK);
  for (uint32_t round = 0; round < 2; ++round) {
    uint32_t n = 0;
    while (n < 200 && hb_region_create(4096, 0, &regions[n]) == HB_OK) ++n;
    if (round == 0) again = n;
    CHECK_EQ(n, again);
    while (n > 0) CHECK_EQ(hb_handle_close(regions[--n]), HB_OK);
  }
  return t_done();
}
