/* tests/qemu/programs/name_service.c - the name service (SPEC 7, harbor/names.h) from a
 * plain program, on both targets: hosted under harbor-emu (portable.name_service) and under
 * QEMU, where the boot starts the server image "names" before init. (This program is not
 * called "names": that image name is the server's.)
 *
 * The parent checks; children play roles given in their start message:
 *   server    registers "pt.echo" and answers one call with "pong"
 *   owner     registers "pt.owned" (a semaphore) and exits: its name must go with it
 *   producer  opens the region "pt.shm" (creating it), writes "made" into it, exits
 *   receiver  opens the mailbox "pt.box" and receives one message, exit 0 if it is "hi"
 */
#include <harbor/names.h>

#include "check.h"

#define SELF "name_service"

static int role_server(void) {
  hb_handle_t rx, tx;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 2, 0, &rx, &tx), HB_OK);
  CHECK_EQ(hb_name_register("pt.echo", tx), HB_OK);
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf;
  CHECK_EQ(hb_recv(rx, &in, 0, T_MS(20000)), HB_OK);
  hb_msg_out answer = {"pong", 4, 0, 0};
  CHECK_EQ(hb_reply(in.reply, &answer), HB_OK);
  return t_done();
}

static int role_owner(void) {
  hb_handle_t sem;
  CHECK_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  CHECK_EQ(hb_name_register("pt.owned", sem), HB_OK);
  return t_done();
}

static int role_producer(void) {
  hb_handle_t region;
  void *at = 0;
  CHECK_EQ(hb_region_open("pt.shm", 4096, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP,
                          &region), HB_OK);
  CHECK_EQ(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), HB_OK);
  if (at) {
    char *p = (char *)at;
    p[0] = 'm', p[1] = 'a', p[2] = 'd', p[3] = 'e', p[4] = 0;
  }
  return t_done();
}

static int role_receiver(void) {
  hb_handle_t rx;
  CHECK_EQ(hb_mailbox_open("pt.box", HB_PORT_BOUNDED, 4, &rx, 0), HB_OK);
  char buf[8];
  uint32_t len = 0;
  CHECK_EQ(t_recv(rx, buf, sizeof buf, &len, T_MS(20000)), HB_OK);
  CHECK_EQ(len, 2);
  CHECK(t_equal(buf, "hi", 2));
  return t_done();
}

static void spawn_and_wait(const char *role, int32_t expected_code) {
  hb_task_id_t child;
  int32_t code = -1;
  CHECK_EQ(t_spawn(SELF, role, 0, 0, &child), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(30000)), HB_OK);
  CHECK_EQ(code, expected_code);
}

int main(void) {
  t_name = SELF;
  t_start start;
  t_get_start(&start);
  if (t_role_is(&start, "server")) return role_server();
  if (t_role_is(&start, "owner")) return role_owner();
  if (t_role_is(&start, "producer")) return role_producer();
  if (t_role_is(&start, "receiver")) return role_receiver();

  /* Register, look up with fewer rights, unregister. */
  hb_handle_t rx, tx, h = HB_INVALID;
  hb_handle_info_t info;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 2, 0, &rx, &tx), HB_OK);
  CHECK_EQ(hb_name_register("pt.mine", tx), HB_OK);
  CHECK_EQ(hb_name_register("pt.mine", tx), HB_ERR_ALREADY_EXISTS);
  CHECK_EQ(hb_name_lookup("pt.mine", HB_RIGHT_SEND, HB_NOWAIT, &h), HB_OK);
  CHECK_EQ(hb_handle_info(h, &info), HB_OK);
  CHECK_EQ(info.rights, HB_RIGHT_SEND);
  CHECK_EQ(hb_name_lookup("pt.mine", HB_RIGHT_RECV, HB_NOWAIT, &h), HB_ERR_ACCESS);
  CHECK_EQ(hb_name_unregister("pt.mine"), HB_OK);
  CHECK_EQ(hb_name_lookup("pt.mine", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
  CHECK_EQ(hb_name_lookup("pt.mine", HB_RIGHTS_SAME, T_MS(20), &h), HB_ERR_TIMED_OUT);

  /* Names that are not names, and a pointer that is not ours. */
  char too_long[HB_NAME_MAX + 2];
  for (int i = 0; i <= HB_NAME_MAX; ++i) too_long[i] = 'x';
  too_long[HB_NAME_MAX + 1] = 0;
  CHECK_EQ(hb_name_register(too_long, tx), HB_ERR_INVALID_ARG);
  too_long[HB_NAME_MAX] = 0; /* 63 bytes: the longest name */
  CHECK_EQ(hb_name_register(too_long, tx), HB_OK);
  CHECK_EQ(hb_name_register("", tx), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_name_register("a b", tx), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_name_register((const char *)0x10, tx), HB_ERR_FAULT);
  CHECK_EQ(hb_name_lookup("pt.mine", HB_RIGHTS_SAME, HB_NOWAIT, 0), HB_ERR_INVALID_ARG);

  /* A server found by name; the client waits for it to appear. */
  hb_task_id_t server;
  CHECK_EQ(t_spawn(SELF, "server", 0, 0, &server), HB_OK);
  hb_handle_t echo = HB_INVALID;
  CHECK_EQ(hb_name_lookup("pt.echo", HB_RIGHT_SEND, T_MS(20000), &echo), HB_OK);
  char answer[8];
  hb_msg_out out = {"ping", 4, 0, 0};
  hb_msg_in in = {0};
  in.data = answer;
  in.cap = sizeof answer;
  CHECK_EQ(hb_call(echo, &out, &in, T_MS(20000)), HB_OK);
  CHECK(in.len == 4 && t_equal(answer, "pong", 4));
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(server, &code, T_MS(30000)), HB_OK);
  CHECK_EQ(code, 0);
  /* The server exited: its port died, and its name with it. */
  CHECK_EQ(hb_name_lookup("pt.echo", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);

  /* A semaphore outlives its creator (the service held a copy), but not its name. */
  spawn_and_wait("owner", 0);
  CHECK_EQ(hb_name_lookup("pt.owned", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);

  /* A region by name outlives its producer (shm_open), until unlinked. */
  spawn_and_wait("producer", 0);
  hb_handle_t region;
  void *at = 0;
  CHECK_EQ(hb_region_open("pt.shm", 0, HB_RIGHT_READ | HB_RIGHT_MAP, &region), HB_OK);
  CHECK_EQ(hb_region_map(region, HB_RIGHT_READ, &at), HB_OK);
  CHECK(at != 0 && t_equal((const char *)at, "made", 5));
  CHECK_EQ(hb_name_unregister("pt.shm"), HB_OK); /* shm_unlink: anyone may */
  CHECK_EQ(hb_region_open("pt.shm", 0, HB_RIGHT_READ, &h), HB_ERR_NOT_FOUND);

  /* A mailbox by name: the receiver opens it, the parent sends into it. */
  hb_task_id_t receiver;
  CHECK_EQ(t_spawn(SELF, "receiver", 0, 0, &receiver), HB_OK);
  hb_handle_t box = HB_INVALID;
  CHECK_EQ(hb_mailbox_open("pt.box", HB_PORT_BOUNDED, 4, 0, &box), HB_OK);
  CHECK_EQ(t_send_text(box, "hi", T_MS(20000)), HB_OK);
  CHECK_EQ(hb_task_wait(receiver, &code, T_MS(30000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_name_lookup("pt.box", HB_RIGHT_SEND, HB_NOWAIT, &h), HB_OK); /* OS-owned: stays */
  CHECK_EQ(hb_name_unregister("pt.box"), HB_OK);
  return t_done();
}
