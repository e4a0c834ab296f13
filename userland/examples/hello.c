/* hello - the smallest Harbor program: prints its task id and arguments, exits with a code.
 *
 *   start message: args  [CODE [WORDS...]]   (CODE: the exit code, default 0)
 *
 *   harbor-emu exec hello 3 from the emulator     # prints, then harbor-emu exits with 3
 */
#include "example.h"

#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("hello", 0);
  char words[256] = "";
  for (uint32_t i = 1; i < start.argc; ++i) {
    strncat(words, " ", sizeof words - strlen(words) - 1);
    strncat(words, start.argv[i], sizeof words - strlen(words) - 1);
  }
  long code = arg_number(&start, 0, 0);
  say("hello from task %llu (started by %llu):%s", (unsigned long long)hb_task_self(),
      (unsigned long long)start.sender, words);
  hb_task_exit((int32_t)code);
}
