/* bad_pointer: a pointer the task does not own is HB_ERR_FAULT, never a crash, and the
 * call changes nothing. */
#include "check.h"

#define KERNEL_ADDRESS ((uintptr_t)0x100000)  /* x86-64: the kernel image; hosted: unmapped */
#define NOWHERE ((uintptr_t)0x10)

int main(void) {
  t_name = "bad_pointer";
  t_start s;
  t_get_start(&s);

  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, 0, &r, &snd), HB_OK);
  /* The message descriptor itself, then the bytes it points at. */
  CHECK_EQ(hb_send(snd, (const hb_msg_out *)NOWHERE, 0, HB_NOWAIT), HB_ERR_FAULT);
  CHECK_EQ(hb_send(snd, (const hb_msg_out *)KERNEL_ADDRESS, 0, HB_NOWAIT), HB_ERR_FAULT);
  hb_msg_out m = {(const void *)KERNEL_ADDRESS, 16, 0, 0};
  CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_ERR_FAULT);
  CHECK_EQ(hb_debug_write((const char *)KERNEL_ADDRESS, 8), HB_ERR_FAULT);
  /* Out-parameters: nothing is created when they fault. */
  hb_handle_t good;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, (hb_handle_t *)KERNEL_ADDRESS, &good),
           HB_ERR_FAULT);
  CHECK_EQ(hb_sem_create(0, 1, (hb_handle_t *)NOWHERE), HB_ERR_FAULT);
  /* Receiving into memory we do not own: the message stays queued. */
  CHECK_EQ(t_send_text(snd, "kept", HB_NOWAIT), HB_OK);
  CHECK_EQ(hb_recv(r, (hb_msg_in *)KERNEL_ADDRESS, 0, HB_NOWAIT), HB_ERR_FAULT);
  hb_msg_in in = {0};
  in.data = (void *)KERNEL_ADDRESS;
  in.cap = 16;
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_ERR_FAULT);
  char buf[8];
  uint32_t len = 0;
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_OK);
  CHECK(len == 4 && t_equal(buf, "kept", 4));
  /* Spawning: a bad name pointer, and a name that is no image. */
  hb_task_id_t id;
  CHECK_EQ(hb_task_spawn((const char *)KERNEL_ADDRESS, 0, &id), HB_ERR_FAULT);
  CHECK_EQ(hb_task_spawn("no-such-program", 0, &id), HB_ERR_NOT_FOUND);
  return t_done();
}
