/* x86_region_cache: grant regions made and closed again and again on one core take their
 * frames from that core's magazine (arch/x86_64/region.cc, frame_alloc), and
 * a new region still reads zeros, though its frames held the last one's bytes a moment ago.
 * ctest also checks the end-of-run line of core 0 for magazine hits
 * (HARBOR_QEMU_EXPECT, tests/qemu/CMakeLists.txt). */
#include "check.h"

#define ROUNDS 20
#define SIZE (16u * 1024u)

int main(void) {
  t_name = "x86_region_cache";
  t_start s;
  t_get_start(&s);
  for (uint32_t round = 0; round < ROUNDS && !t_failures; ++round) {
    hb_handle_t region = HB_INVALID;
    void *at = 0;
    CHECK_EQ(hb_region_create(SIZE, 0, &region), HB_OK);
    CHECK_EQ(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), HB_OK);
    if (!at) break;
    volatile uint64_t *words = (volatile uint64_t *)at;
    uint64_t nonzero = 0;
    for (uint32_t i = 0; i < SIZE / 8; ++i) nonzero += words[i] != 0;
    CHECK_EQ(nonzero, 0); /* the last round's pattern must not show through */
    for (uint32_t i = 0; i < SIZE / 8; ++i) words[i] = 0x5a5a5a5a00000000ull | round;
    CHECK_EQ(hb_region_unmap(at), HB_OK);
    CHECK_EQ(hb_handle_close(region), HB_OK);
  }
  return t_done();
}
