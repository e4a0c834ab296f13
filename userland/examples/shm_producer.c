/* shm_producer - the lecture's POSIX shared-memory producer, line by line on Harbor:
 *
 *     const int SIZE = 4096;  const char *name = "OS";
 *     const char *message_0 = "Hello";  const char *message_1 = "World!";
 *     int fd;  char *ptr;
 *     fd = shm_open(name, O_CREAT | O_RDWR, 0666);           -> hb_region_open(name, SIZE, rw, &region)
 *     ftruncate(fd, SIZE);                                    -> (the size is given at creation)
 *     ptr = mmap(0, SIZE, PROT_WRITE, MAP_SHARED, fd, 0);     -> hb_region_map(region, READ|WRITE, &ptr)
 *     sprintf(ptr, "%s", message_0);  ptr += strlen(message_0);
 *     sprintf(ptr, "%s", message_1);  ptr += strlen(message_1);
 *
 *   harbor-emu exec shm-consumer after-producer     (this producer, then shm-consumer)
 *
 * The name lives in the name service (harbor/names.h): hb_region_open creates the region on
 * first open and the name outlives this task, as a POSIX name outlives its process, until
 * someone hb_name_unregister()s it (the consumer does: the lecture's shm_unlink). Needs a
 * machine with a name service: exit code 77 (ctest's "skipped") when there is none.
 */
#include "course.h"

#include <harbor/names.h>

// DOC: shm-producer-open
int main(void) {
  const uint64_t SIZE = 4096;
  const char *name = "OS";
  const char *message_0 = "Hello";
  const char *message_1 = "World!";
  hb_handle_t region;
  char *ptr = 0;

  hb_status_t s = hb_region_open(name, SIZE, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP, &region);
  if (s == HB_ERR_BAD_HANDLE) {
    say("this machine runs no name service (HB_NAME_SERVICE is not a handle)");
    return 77;
  }
  must(s, "hb_region_open");
  must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&ptr), "hb_region_map");
  for (const char *c = message_0; *c; ++c) *ptr++ = *c; /* sprintf(ptr, "%s", message_0) */
  for (const char *c = message_1; *c; ++c) *ptr++ = *c; /* the region is zero-filled: NUL ends it */
  say("wrote \"%s%s\" into region \"%s\"", message_0, message_1, name);
  return 0;
}
