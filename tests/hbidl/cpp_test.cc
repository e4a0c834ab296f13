// tests/hbidl/cpp_test.cc - the C++20 layer hbidl writes (types_rpc.hpp): a server class run
// by types_rpc::serve, a types_rpc::Client with harbor::Result<T>, move-only handles both
// ways, fixed-size strings and arrays, and the same statuses as the C stubs.
#include <gtest/gtest.h>
#include <harbor/testing.hpp>

#include <cstring>
#include <span>
#include <string_view>

#include "types_rpc.hpp"

namespace {

using harbor::testing::Machine;
using harbor::testing::Start;

constexpr hb_time_t kTimeout = 10'000'000'000ull;

// The same behaviour as types_server.cc, as a class whose members types_rpc::kOps calls.
class Echo {
 public:
  hb_status_t ints(uint8_t a, uint16_t b, uint32_t c, uint64_t d, int8_t e, int16_t f, int32_t g,
                   int64_t h, uint8_t* a2, uint16_t* b2, uint32_t* c2, uint64_t* d2, int8_t* e2,
                   int16_t* f2, int32_t* g2, int64_t* h2) {
    *a2 = a, *b2 = b, *c2 = c, *d2 = d, *e2 = e, *f2 = f, *g2 = g, *h2 = h;
    return HB_OK;
  }
  hb_status_t misc(bool flag, color hue, const char* text, const int32_t* numbers,
                   uint32_t numbers_count, bool* flag2, color* hue2, char text2[17],
                   int32_t numbers2[4], uint32_t* numbers2_count) {
    *flag2 = flag, *hue2 = hue;
    std::strcpy(text2, text);
    std::memcpy(numbers2, numbers, numbers_count * sizeof numbers[0]);
    *numbers2_count = numbers_count;
    return HB_OK;
  }
  hb_status_t nested(const outer* value, outer* value2) {
    *value2 = *value;
    return HB_OK;
  }
  hb_status_t handles(hb_handle_t port_in, hb_handle_t region, hb_handle_t anything,
                      hb_handle_t* port_out) {
    hb_handle_close(region);
    hb_handle_close(anything);
    *port_out = port_in;  // hand the same send right back
    return HB_OK;
  }
  hb_status_t fail(int32_t status) { return status; }
  hb_status_t slow(hb_handle_t wait_for) {
    hb_handle_close(wait_for);
    return HB_OK;
  }
  hb_status_t crash() { return HB_ERR_NOT_FOUND; }
};

TEST(HbidlCpp, AClientCallsAServerClass) {
  Machine machine;
  harbor::Port port = machine.port(HB_PORT_RENDEZVOUS, 0);
  auto server = machine.spawn([](const Start& start) {
    Echo echo;
    harbor::Handle service(start.handle(0));
    return types_rpc::serve(service, echo) == HB_ERR_PEER_CLOSED ? 0 : 1;
  }, {port.recv.release()}, "echo-class");
  {
    types_rpc::Client client(std::move(port.send), kTimeout);

    auto ints = client.ints(1, 2, 3, 4, -5, -6, -7, INT64_MIN);
    ASSERT_TRUE(ints) << ints.message();
    EXPECT_EQ(ints->d2, 4u);
    EXPECT_EQ(ints->h2, INT64_MIN);

    const int32_t numbers[] = {7, 8, 9};
    auto misc = client.misc(true, COLOR_BLUE, "sixteen-bytes-ok", std::span<const int32_t>(numbers));
    ASSERT_TRUE(misc) << misc.message();
    EXPECT_EQ(misc->text2.view(), "sixteen-bytes-ok");
    ASSERT_EQ(misc->numbers2.span().size(), 3u);
    EXPECT_EQ(misc->numbers2.span()[2], 9);
    EXPECT_EQ(client.misc(true, COLOR_BLUE, "seventeen-bytes!!", {}).error(), HB_ERR_INVALID_ARG);

    harbor::Port other = machine.port();
    hb_handle_t region_raw = HB_INVALID, sem_raw = HB_INVALID;
    ASSERT_EQ(hb_region_create(4096, 0, &region_raw), HB_OK);
    ASSERT_EQ(hb_sem_create(0, 1, &sem_raw), HB_OK);
    harbor::Handle sem_only_send;
    {
      hb_handle_t h = HB_INVALID;
      ASSERT_EQ(hb_handle_dup(sem_raw, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &h), HB_OK);
      sem_only_send = harbor::Handle(h);
      hb_handle_close(sem_raw);
    }
    harbor::Result<harbor::Handle> back =
        client.handles(std::move(other.send), harbor::Handle(region_raw), std::move(sem_only_send));
    ASSERT_TRUE(back) << back.message();
    EXPECT_FALSE(other.send.valid()) << "given away";
    hb_handle_info_t info;
    ASSERT_EQ(hb_handle_info(back->get(), &info), HB_OK);
    EXPECT_EQ(info.type, static_cast<uint32_t>(HB_OBJ_PORT));

    EXPECT_EQ(client.fail(HB_ERR_NO_MEMORY).error(), HB_ERR_NO_MEMORY);
    EXPECT_TRUE(client.fail(HB_OK).ok());
  }  // the client's destructor closes the send right: the server's loop ends
  EXPECT_EQ(machine.wait(server), 0);
}

TEST(HbidlCpp, AHandleGivenToAFailedCallIsClosedNotLeaked) {
  Machine machine;
  harbor::Port port = machine.port(HB_PORT_RENDEZVOUS, 0);
  port.recv.reset();  // no server: every call is PEER_CLOSED before anything is sent
  types_rpc::Client client(std::move(port.send), kTimeout);
  hb_handle_t raw = HB_INVALID;
  ASSERT_EQ(hb_sem_create(0, 1, &raw), HB_OK);
  EXPECT_EQ(client.slow(harbor::Handle(raw)).error(), HB_ERR_PEER_CLOSED);
  hb_handle_info_t info;
  EXPECT_EQ(hb_handle_info(raw, &info), HB_ERR_BAD_HANDLE) << "closed by the wrapper";
}

}  // namespace
