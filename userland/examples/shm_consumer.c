/* shm_consumer - the lecture's POSIX shared-memory consumer, line by line on Harbor:
 *
 *     const int SIZE = 4096;  const char *name = "OS";
 *     int fd;  char *ptr;
 *     fd = shm_open(name, O_RDONLY, 0666);                    -> hb_region_open(name, 0, read-only, &region)
 *     ptr = mmap(0, SIZE, PROT_READ, MAP_SHARED, fd, 0);      -> hb_region_map(region, HB_RIGHT_READ, &ptr)
 *     printf("%s", (char *)ptr);                              -> say("%s", ptr)
 *     shm_unlink(name);                                       -> hb_name_unregister(name)
 *
 *   harbor-emu exec shm-consumer after-producer    (runs shm-producer first, then this)
 *
 * As in the lecture, the consumer runs after the producer has finished: nothing here waits
 * for the data (lesson 05 is about that). Size 0 means "open only": HB_ERR_NOT_FOUND if no
 * producer made it. The handle is read-only, so a write through the mapping would fault.
 * Exit code 0 when it read "HelloWorld!" and the name is gone afterwards; 77 (skipped) on a
 * machine without a name service.
 */
#include "course.h"

#include <harbor/names.h>

static int run_producer_first(void) {
#ifdef COURSE_IMAGE
  const char *producer = "course_shm_producer";
#else
  static char producer[4200];
  const char *self = course_self();
  uint32_t dir = course_len(self);
  while (dir > 0 && self[dir - 1] != '/') --dir;
  for (uint32_t i = 0; i < dir; ++i) producer[i] = self[i];
  const char *tail = "shm-producer";
  for (uint32_t i = 0; i <= course_len(tail); ++i) producer[dir + i] = tail[i];
#endif
  hb_msg_out none = {0, 0, 0, 0};
  hb_task_id_t child = 0;
  must(hb_task_spawn(producer, &none, &child), "spawn shm-producer");
  return course_wait(child);
}

// DOC: shm-consumer-open
int main(void) {
  hb_start_info start = course_start();
  int after = course_role_is(&start, "after-producer");
#ifdef COURSE_AFTER_PRODUCER /* tests/course/qemu: init starts us with no arguments */
  after = after || start.argc == 0 || !start.argv[0][0];
#endif
  if (after) {
    int32_t code = run_producer_first();
    if (code != 0) return code; /* 77 (no name service) included */
  }
  const char *name = "OS";
  hb_handle_t region;
  const char *ptr = 0;

  hb_status_t s = hb_region_open(name, 0, HB_RIGHT_READ | HB_RIGHT_MAP, &region);
  if (s == HB_ERR_BAD_HANDLE) {
    say("shm-consumer: this machine runs no name service (HB_NAME_SERVICE is not a handle)");
    return 77;
  }
  must(s, "hb_region_open");
  must(hb_region_map(region, HB_RIGHT_READ, (void **)&ptr), "hb_region_map");
  say("shm-consumer: %s", ptr); /* printf("%s", (char *)ptr) */
  must(hb_name_unregister(name), "hb_name_unregister"); /* shm_unlink(name) */

  hb_handle_t again;
  hb_status_t gone = hb_region_open(name, 0, HB_RIGHT_READ | HB_RIGHT_MAP, &again);
  say("shm-consumer: after unregister, opening \"%s\" again: %s", name, hb_strerror(gone));
  int ok = course_same(ptr, "HelloWorld!") && gone == HB_ERR_NOT_FOUND;
  say(ok ? "shm_consumer: OK" : "shm_consumer: FAILED");
  return ok ? 0 : 1;
}
