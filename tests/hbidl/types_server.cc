// tests/hbidl/types_server.cc - see types_server.h.
#include "types_server.h"

#include <cstdlib>
#include <cstring>

namespace {

hb_status_t ints(void*, uint8_t a, uint16_t b, uint32_t c, uint64_t d, int8_t e, int16_t f,
                 int32_t g, int64_t h, uint8_t* a2, uint16_t* b2, uint32_t* c2, uint64_t* d2,
                 int8_t* e2, int16_t* f2, int32_t* g2, int64_t* h2) {
  *a2 = a, *b2 = b, *c2 = c, *d2 = d, *e2 = e, *f2 = f, *g2 = g, *h2 = h;
  return HB_OK;
}

hb_status_t misc(void*, bool flag, color hue, const char* text, const int32_t* numbers,
                 uint32_t numbers_count, bool* flag2, color* hue2, char text2[17],
                 int32_t numbers2[4], uint32_t* numbers2_count) {
  *flag2 = flag;
  *hue2 = hue;
  std::strcpy(text2, text);
  std::memcpy(numbers2, numbers, numbers_count * sizeof numbers[0]);
  *numbers2_count = numbers_count;
  return HB_OK;
}

hb_status_t nested(void*, const outer* value, outer* value2) {
  *value2 = *value;
  return HB_OK;
}

// Checked by the generated dispatch already: port_in is a port with SEND, region a region
// with READ and MAP. The method owns the three handles: it closes them, and answers with the
// send right of a new port.
hb_status_t handles(void*, hb_handle_t port_in, hb_handle_t region, hb_handle_t anything,
                    hb_handle_t* port_out) {
  hb_handle_close(port_in);
  hb_handle_close(region);
  hb_handle_close(anything);
  hb_handle_t recv = HB_INVALID;
  hb_status_t s = hb_port_create(HB_PORT_BOUNDED, 1, 0, &recv, port_out);
  if (s == HB_OK) hb_handle_close(recv);
  return s;
}

hb_status_t fail(void*, int32_t status) { return status; }

hb_status_t slow(void*, hb_handle_t wait_for) {
  hb_status_t s = hb_sem_wait(wait_for, HB_FOREVER);
  hb_handle_close(wait_for);
  return s;
}

hb_status_t crash(void*) { std::abort(); }

constexpr types_ops kOps = {ints, misc, nested, handles, fail, slow, crash};

}  // namespace

const types_ops& types_echo_ops() { return kOps; }

hb_status_t types_echo_serve(hb_handle_t port) { return types_serve(port, &kOps, nullptr); }
