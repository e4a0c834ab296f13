/* main_args: main(argc, argv) receives the task's arguments on both targets (SPEC 4): argv[0]
 * names the program, argv[1..] are the start message's arguments, argv[argc] is NULL; the
 * start message is still there for hb_start_args (the mechanism underneath). argv[0] is also
 * the portable way for a program to start a copy of itself: hb_task_spawn(argv[0], ...) works
 * hosted (the path it was started from) and on bare metal (its image's name). */
#include <harbor/runtime.h>

#include "check.h"

static int ends_with(const char *s, const char *tail) {
  uint32_t n = t_len(s), m = t_len(tail);
  return n >= m && t_equal(s + n - m, tail, m);
}

static int child(int argc, char **argv) {
  CHECK_EQ(argc, 4);
  CHECK(ends_with(argv[0], "main_args"));
  CHECK(t_len(argv[1]) == 5 && t_equal(argv[1], "child", 5));
  CHECK(t_len(argv[2]) == 9 && t_equal(argv[2], "two words", 9));
  CHECK(t_len(argv[3]) == 0);  /* an empty argument is an argument */
  CHECK(argv[4] == 0);
  hb_start_info start;
  CHECK_EQ(hb_start_args(&start), HB_OK);  /* the same arguments, from the start message */
  CHECK_EQ(start.argc, 3u);
  CHECK(t_len(start.argv[1]) == 9 && t_equal(start.argv[1], "two words", 9));
  return t_done();
}

int main(int argc, char **argv) {
  t_name = "main_args";
  if (argc > 1 && t_len(argv[1]) == 5 && t_equal(argv[1], "child", 5)) return child(argc, argv);
  CHECK(argc >= 1);
  CHECK(ends_with(argv[0], "main_args"));
  static const char args[] = "child\0two words\0";  /* three arguments: the last one empty */
  hb_msg_out m = {args, sizeof(args), 0, 0};
  hb_task_id_t id = 0;
  CHECK_EQ(hb_task_spawn(argv[0], &m, &id), HB_OK);  /* a copy of itself, by argv[0] */
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(id, &code, T_MS(10000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
