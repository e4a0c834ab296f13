// tests/hbidl/rpc_test.cc - the code hbidl generates from types.hbidl, between real task
// processes (Harbor::testing): every type round-trips at its bounds; the stubs refuse what
// they cannot send; the server refuses every malformed request with an error reply and keeps
// serving; a server's error, a crash, a dropped reply and a timeout reach the client as the
// statuses docs/rpc.md promises.
#include <gtest/gtest.h>
#include <harbor/testing.hpp>

#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "types_rpc.h"
#include "types_rpc_wire.h"
#include "types_server.h"

namespace {

using harbor::testing::Machine;
using harbor::testing::Start;

constexpr hb_time_t kTimeout = 10'000'000'000ull;  // 10 s: a hang fails, never blocks ctest

// A machine whose test body holds a send right to a types server task.
struct Served {
  Machine machine;
  harbor::Port port = machine.port(HB_PORT_RENDEZVOUS, 0);
  hb_task_id_t server = machine.spawn(
      [](const Start& start) { return types_echo_serve(start.handle(0)) == HB_ERR_PEER_CLOSED ? 0 : 1; },
      {port.recv.release()}, "types-server");
  hb_handle_t send() const { return port.send.get(); }
  // Waits until the server answers: it has taken its receive right out of its start message.
  // (Until then the kernel refuses to move another port's receive right into the port:
  // kernel/ipc_send.cc, no-receive-cycles.)
  void ready() const { ASSERT_EQ(types_fail(send(), kTimeout, HB_OK), HB_OK); }
};

// Sends raw request bytes (and handles) with hb_call; returns the call's error or the status
// of the reply.
hb_status_t raw_call(hb_handle_t port, const std::vector<uint8_t>& bytes,
                     std::vector<hb_handle_t> handles = {}) {
  uint8_t reply[256];
  hb_handle_t reply_handles[HB_MSG_HANDLES_MAX];
  hb_msg_out out{bytes.data(), static_cast<uint32_t>(bytes.size()),
                 static_cast<uint32_t>(handles.size()), handles.data()};
  hb_msg_in in{};
  in.data = reply;
  in.cap = sizeof reply;
  in.handles = reply_handles;
  in.handle_cap = HB_MSG_HANDLES_MAX;
  hb_status_t s = hb_call(port, &out, &in, kTimeout);
  if (s != HB_OK) return s;
  if (in.len < 4) return HB_ERR_INVALID_ARG;
  s = static_cast<hb_status_t>(hbidl_get_u32(reply));
  if (s != HB_OK) {
    EXPECT_EQ(in.len, 4u) << "an error reply is the status alone";
    EXPECT_EQ(in.handle_count, 0u);
  }
  for (uint32_t i = 0; i < in.handle_count; ++i) hb_handle_close(reply_handles[i]);
  return s;
}

// A well-formed types.misc request: flag, hue, text "hi", numbers {1, 2}.
std::vector<uint8_t> misc_request() {
  std::vector<uint8_t> r(TYPES_MISC_REQUEST_SIZE, 0);
  hbidl_put_u32(r.data(), TYPES_INTERFACE_ID);
  hbidl_put_u32(r.data() + 4, TYPES_MISC_METHOD);
  hbidl_put_u8(r.data() + 8, 1);                               // flag
  hbidl_put_u16(r.data() + 9, static_cast<uint16_t>(COLOR_BLUE));  // hue
  hbidl_put_u32(r.data() + 11, 2);                             // text length
  std::memcpy(r.data() + 15, "hi", 2);
  hbidl_put_u32(r.data() + 31, 2);                             // numbers count
  hbidl_put_u32(r.data() + 35, 1);
  hbidl_put_u32(r.data() + 39, 2);
  return r;
}

// ---- round trips at the bounds ------------------------------------------------------------

TEST(HbidlRoundTrip, EveryIntegerAtItsBounds) {
  Served s;
  struct Case {
    uint8_t a; uint16_t b; uint32_t c; uint64_t d; int8_t e; int16_t f; int32_t g; int64_t h;
  };
  for (const Case& v : {Case{0, 0, 0, 0, INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN},
                        Case{UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX, INT8_MAX, INT16_MAX,
                             INT32_MAX, INT64_MAX},
                        Case{1, 0x1234, 0x12345678, 0x0123456789abcdefull, -1, -2, -3, -4}}) {
    Case got{};
    ASSERT_EQ(types_ints(s.send(), kTimeout, v.a, v.b, v.c, v.d, v.e, v.f, v.g, v.h, &got.a,
                         &got.b, &got.c, &got.d, &got.e, &got.f, &got.g, &got.h), HB_OK);
    EXPECT_EQ(got.a, v.a);
    EXPECT_EQ(got.b, v.b);
    EXPECT_EQ(got.c, v.c);
    EXPECT_EQ(got.d, v.d);
    EXPECT_EQ(got.e, v.e);
    EXPECT_EQ(got.f, v.f);
    EXPECT_EQ(got.g, v.g);
    EXPECT_EQ(got.h, v.h);
  }
}

TEST(HbidlRoundTrip, BoolEnumStringAndArrayAtTheirBounds) {
  Served s;
  const int32_t full[4] = {INT32_MIN, -1, 0, INT32_MAX};
  struct Case { bool flag; color hue; const char* text; uint32_t count; };
  for (const Case& v : {Case{false, COLOR_RED, "", 0}, Case{true, COLOR_BLUE, "0123456789abcdef", 4},
                        Case{true, COLOR_GREEN, "x", 1}}) {
    bool flag = !v.flag;
    color hue = COLOR_GREEN;
    char text[17] = "stale";
    int32_t numbers[4] = {9, 9, 9, 9};
    uint32_t count = 99;
    ASSERT_EQ(types_misc(s.send(), kTimeout, v.flag, v.hue, v.text, full, v.count, &flag, &hue,
                         text, numbers, &count), HB_OK);
    EXPECT_EQ(flag, v.flag);
    EXPECT_EQ(hue, v.hue);
    EXPECT_STREQ(text, v.text);
    ASSERT_EQ(count, v.count);
    for (uint32_t i = 0; i < count; ++i) EXPECT_EQ(numbers[i], full[i]) << "element " << i;
  }
}

TEST(HbidlRoundTrip, NestedStructsWithFullArrays) {
  Served s;
  outer v{};
  std::strcpy(v.label, "8bytes!!");
  v.one = inner{true, COLOR_RED, 3, {0, 1, UINT16_MAX}};
  v.many_count = 2;
  v.many[0] = inner{false, COLOR_BLUE, 0, {}};
  v.many[1] = inner{true, COLOR_GREEN, 1, {7}};
  v.tail = UINT64_MAX;
  outer got{};
  ASSERT_EQ(types_nested(s.send(), kTimeout, &v, &got), HB_OK);
  EXPECT_STREQ(got.label, "8bytes!!");
  EXPECT_EQ(got.one.flag, true);
  EXPECT_EQ(got.one.hue, COLOR_RED);
  EXPECT_EQ(got.one.small_count, 3u);
  EXPECT_EQ(got.one.small[2], UINT16_MAX);
  EXPECT_EQ(got.many_count, 2u);
  EXPECT_EQ(got.many[0].hue, COLOR_BLUE);
  EXPECT_EQ(got.many[1].small_count, 1u);
  EXPECT_EQ(got.many[1].small[0], 7u);
  EXPECT_EQ(got.tail, UINT64_MAX);
}

TEST(HbidlRoundTrip, HandlesMoveBothWaysWithTheirRights) {
  Served s;
  s.ready();
  harbor::Port other = s.machine.port();
  hb_handle_t region = HB_INVALID, sem = HB_INVALID, got = HB_INVALID;
  ASSERT_EQ(hb_region_create(4096, 0, &region), HB_OK);
  ASSERT_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  hb_handle_t port_in = other.send.release();
  ASSERT_EQ(types_handles(s.send(), kTimeout, port_in, region, sem, &got), HB_OK);
  hb_handle_info_t info;
  EXPECT_EQ(hb_handle_info(port_in, &info), HB_ERR_BAD_HANDLE) << "moved into the request";
  EXPECT_EQ(hb_handle_info(region, &info), HB_ERR_BAD_HANDLE);
  ASSERT_EQ(hb_handle_info(got, &info), HB_OK);
  EXPECT_EQ(info.type, static_cast<uint32_t>(HB_OBJ_PORT));
  EXPECT_TRUE(info.rights & HB_RIGHT_SEND);
  EXPECT_EQ(hb_handle_close(got), HB_OK);
}

// ---- what the stubs refuse before sending -------------------------------------------------

TEST(HbidlStub, RefusesArgumentsBeyondTheirBoundsAndSendsNothing) {
  Served s;
  bool flag;
  color hue;
  char text[17];
  int32_t numbers[5] = {};
  uint32_t count;
  EXPECT_EQ(types_misc(s.send(), kTimeout, true, COLOR_RED, "0123456789abcdefX", numbers, 0,
                       &flag, &hue, text, numbers, &count), HB_ERR_INVALID_ARG);
  EXPECT_EQ(types_misc(s.send(), kTimeout, true, COLOR_RED, "ok", numbers, 5, &flag, &hue, text,
                       numbers, &count), HB_ERR_INVALID_ARG);
  outer v{}, got{};
  std::memset(v.label, 'x', sizeof v.label);  // no NUL within 8 + 1 bytes
  EXPECT_EQ(types_nested(s.send(), kTimeout, &v, &got), HB_ERR_INVALID_ARG);
  EXPECT_EQ(types_misc(s.send(), kTimeout, true, COLOR_RED, "ok", numbers, 1, &flag, &hue, text,
                       numbers, &count), HB_OK) << "the server saw none of the refused calls";
}

TEST(HbidlStub, PassesTheServersOwnErrorThrough) {
  Served s;
  EXPECT_EQ(types_fail(s.send(), kTimeout, HB_ERR_NO_MEMORY), HB_ERR_NO_MEMORY);
  EXPECT_EQ(types_fail(s.send(), kTimeout, HB_ERR_NOT_FOUND), HB_ERR_NOT_FOUND);
  EXPECT_EQ(types_fail(s.send(), kTimeout, HB_OK), HB_OK);
  EXPECT_EQ(types_fail(s.send(), kTimeout, 5), HB_ERR_INVALID_ARG)
      << "a positive status is not a status: a malformed reply";
}

// ---- what the server refuses --------------------------------------------------------------

TEST(HbidlServer, RefusesMalformedRequestsWithAnErrorReplyAndKeepsServing) {
  Served s;
  struct Case {
    const char* what;
    void (*spoil)(std::vector<uint8_t>&);
    hb_status_t want;
  };
  const Case cases[] = {
      {"well formed", [](std::vector<uint8_t>&) {}, HB_OK},
      {"another interface", [](std::vector<uint8_t>& r) { hbidl_put_u32(r.data(), 0x12345678); },
       HB_ERR_WRONG_TYPE},
      {"no such method", [](std::vector<uint8_t>& r) { hbidl_put_u32(r.data() + 4, 99); },
       HB_ERR_NOT_FOUND},
      {"too short for a header", [](std::vector<uint8_t>& r) { r.resize(7); }, HB_ERR_INVALID_ARG},
      {"a byte short", [](std::vector<uint8_t>& r) { r.pop_back(); }, HB_ERR_INVALID_ARG},
      {"a byte long", [](std::vector<uint8_t>& r) { r.push_back(0); }, HB_ERR_INVALID_ARG},
      {"longer than any request", [](std::vector<uint8_t>& r) { r.resize(1000); },
       HB_ERR_INVALID_ARG},
      {"a whole HB_MSG_MAX message", [](std::vector<uint8_t>& r) { r.resize(HB_MSG_MAX); },
       HB_ERR_INVALID_ARG},
      {"bool 2", [](std::vector<uint8_t>& r) { r[8] = 2; }, HB_ERR_INVALID_ARG},
      {"enum value 1", [](std::vector<uint8_t>& r) { hbidl_put_u16(r.data() + 9, 1); },
       HB_ERR_INVALID_ARG},
      {"string length 17", [](std::vector<uint8_t>& r) { hbidl_put_u32(r.data() + 11, 17); },
       HB_ERR_INVALID_ARG},
      {"string length 2^32-1",
       [](std::vector<uint8_t>& r) { hbidl_put_u32(r.data() + 11, UINT32_MAX); },
       HB_ERR_INVALID_ARG},
      {"NUL inside a string", [](std::vector<uint8_t>& r) { r[16] = 0; }, HB_ERR_INVALID_ARG},
      {"array count 5", [](std::vector<uint8_t>& r) { hbidl_put_u32(r.data() + 31, 5); },
       HB_ERR_INVALID_ARG},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> r = misc_request();
    c.spoil(r);
    EXPECT_EQ(raw_call(s.send(), r), c.want) << c.what;
  }
  // A message sent without hb_call cannot be answered: it is dropped, the server goes on.
  std::vector<uint8_t> r = misc_request();
  hb_msg_out one_way{r.data(), static_cast<uint32_t>(r.size()), 0, nullptr};
  ASSERT_EQ(hb_send(s.send(), &one_way, 0, kTimeout), HB_OK);
  EXPECT_EQ(raw_call(s.send(), misc_request()), HB_OK) << "the server still serves";
}

TEST(HbidlServer, ChecksEveryHandlesKindAndRights) {
  Served s;
  s.ready();
  auto request = [] {
    std::vector<uint8_t> r(TYPES_HANDLES_REQUEST_SIZE, 0);
    hbidl_put_u32(r.data(), TYPES_INTERFACE_ID);
    hbidl_put_u32(r.data() + 4, TYPES_HANDLES_METHOD);
    return r;
  };
  auto handles = [&](uint32_t port_rights, uint32_t region_rights, bool swap) {
    harbor::Port p = s.machine.port();
    hb_handle_t port_h = HB_INVALID, region = HB_INVALID, region_h = HB_INVALID, sem = HB_INVALID;
    EXPECT_EQ(hb_handle_dup(p.send.get(), port_rights, &port_h), HB_OK);
    EXPECT_EQ(hb_region_create(4096, 0, &region), HB_OK);
    EXPECT_EQ(hb_handle_dup(region, region_rights, &region_h), HB_OK);
    hb_handle_close(region);
    EXPECT_EQ(hb_sem_create(0, 1, &sem), HB_OK);
    return swap ? std::vector<hb_handle_t>{region_h, port_h, sem}
                : std::vector<hb_handle_t>{port_h, region_h, sem};
  };
  const uint32_t kMove = HB_RIGHT_TRANSFER;
  EXPECT_EQ(raw_call(s.send(), request(), handles(HB_RIGHT_SEND | kMove,
                                                  HB_RIGHT_READ | HB_RIGHT_MAP | kMove, false)),
            HB_OK);
  EXPECT_EQ(raw_call(s.send(), request(), handles(HB_RIGHT_SEND | kMove,
                                                  HB_RIGHT_READ | HB_RIGHT_MAP | kMove, true)),
            HB_ERR_WRONG_TYPE) << "a region where a port belongs";
  EXPECT_EQ(raw_call(s.send(), request(), handles(HB_RIGHT_DUP | kMove,
                                                  HB_RIGHT_READ | HB_RIGHT_MAP | kMove, false)),
            HB_ERR_ACCESS) << "a port without SEND";
  EXPECT_EQ(raw_call(s.send(), request(), handles(HB_RIGHT_SEND | kMove, HB_RIGHT_READ | kMove,
                                                  false)),
            HB_ERR_ACCESS) << "a region without MAP";
  std::vector<hb_handle_t> two = handles(HB_RIGHT_SEND | kMove, HB_RIGHT_READ | HB_RIGHT_MAP | kMove,
                                         false);
  hb_handle_close(two.back());
  two.pop_back();
  EXPECT_EQ(raw_call(s.send(), request(), two), HB_ERR_INVALID_ARG) << "a handle missing";
}

// ---- failures: the lecture's "what if the server crashes?" --------------------------------

TEST(HbidlFailure, ACrashedServerIsPeerClosed) {
  Served s;
  EXPECT_EQ(types_crash(s.send(), kTimeout), HB_ERR_PEER_CLOSED);
  EXPECT_LT(s.machine.wait(s.server), 0) << "the server died of a signal";
  EXPECT_EQ(types_fail(s.send(), kTimeout, HB_OK), HB_ERR_PEER_CLOSED)
      << "and every later call says so at once";
}

TEST(HbidlFailure, AServerThatDropsTheReplyIsPeerClosed) {
  Machine machine;
  harbor::Port port = machine.port(HB_PORT_RENDEZVOUS, 0);
  auto server = machine.spawn([](const Start& start) {  // takes one request, never answers
    uint8_t buffer[64];
    hb_msg_in in{};
    in.data = buffer;
    in.cap = sizeof buffer;
    if (hb_recv(start.handle(0), &in, 0, HB_FOREVER) != HB_OK) return 1;
    return hb_handle_close(in.reply) == HB_OK ? 0 : 2;
  }, {port.recv.release()}, "dropper");
  EXPECT_EQ(types_fail(port.send.get(), kTimeout, HB_OK), HB_ERR_PEER_CLOSED);
  EXPECT_EQ(machine.wait(server), 0);
}

TEST(HbidlFailure, ASlowServerTimesTheClientOutAndServesTheNextCall) {
  Served s;
  s.ready();
  hb_handle_t sem = HB_INVALID, give = HB_INVALID;
  ASSERT_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  ASSERT_EQ(hb_handle_dup(sem, HB_RIGHTS_SAME, &give), HB_OK);
  // The server waits for the semaphore that only this test posts, after the timeout.
  EXPECT_EQ(types_slow(s.send(), 50'000'000, give), HB_ERR_TIMED_OUT);
  ASSERT_EQ(hb_sem_post(sem, 1), HB_OK);
  EXPECT_EQ(types_fail(s.send(), kTimeout, HB_ERR_NO_MEMORY), HB_ERR_NO_MEMORY)
      << "the late answer went nowhere; the server serves the next call";
}

TEST(HbidlFailure, ADeadServerIsPeerClosedBeforeAnythingIsSent) {
  Served s;
  ASSERT_TRUE(s.machine.kill(s.server));
  s.machine.wait(s.server);
  EXPECT_EQ(types_fail(s.send(), kTimeout, HB_OK), HB_ERR_PEER_CLOSED);
}

}  // namespace
