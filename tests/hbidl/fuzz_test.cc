// tests/hbidl/fuzz_test.cc - the generated server against random requests (label fuzz).
//
// The test body is a task of a hosted machine; it calls types_dispatch directly, as the
// server loop would, with random bytes and random handles: mutations of well-formed requests
// (so the checks deep inside a message are reached) and plain noise. For every request:
//   - dispatch returns, and the reply it built carries the status it returned;
//   - an error reply is the status alone, with no handle;
//   - every handle given to it is closed afterwards (refused: by the dispatch; accepted: the
//     echo methods close what they get), and a reply handle is new: nothing leaks.
// Short form (ctest): 3000 requests, seed 1. Long form (docs/rpc.md):
//   HBIDL_FUZZ_ITERATIONS=1000000 HBIDL_FUZZ_SEED=7 build/<dir>/tests/hbidl/hbidl_fuzz_tests
#include <gtest/gtest.h>
#include <harbor/testing.hpp>

#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "types_rpc.h"
#include "types_rpc_wire.h"
#include "types_server.h"

namespace {

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  return text ? std::strtoull(text, nullptr, 0) : fallback;
}

// Every method but slow (it would wait) and crash (it would end the test body).
constexpr uint32_t kMethods[] = {TYPES_INTS_METHOD, TYPES_MISC_METHOD, TYPES_NESTED_METHOD,
                                 TYPES_HANDLES_METHOD, TYPES_FAIL_METHOD};
constexpr uint32_t kSizes[] = {TYPES_INTS_REQUEST_SIZE, TYPES_MISC_REQUEST_SIZE,
                               TYPES_NESTED_REQUEST_SIZE, TYPES_HANDLES_REQUEST_SIZE,
                               TYPES_FAIL_REQUEST_SIZE};

// A random handle of a random kind with random rights (TRANSFER kept, so it could be sent).
hb_handle_t random_handle(std::mt19937_64& rng) {
  hb_handle_t h = HB_INVALID, other = HB_INVALID;
  switch (rng() % 3) {
    case 0:
      EXPECT_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &other, &h), HB_OK);
      hb_handle_close(other);
      break;
    case 1: EXPECT_EQ(hb_region_create(4096, 0, &h), HB_OK); break;
    default: EXPECT_EQ(hb_sem_create(0, 1, &h), HB_OK); break;
  }
  // Fewer rights, at random (a subset the object does not have is ACCESS: keep all then).
  hb_handle_t reduced = HB_INVALID;
  const uint32_t rights = (static_cast<uint32_t>(rng()) & HB_RIGHTS_ALL) | HB_RIGHT_TRANSFER;
  if (hb_handle_dup(h, rights, &reduced) != HB_OK) return h;
  hb_handle_close(h);
  return reduced;
}

TEST(HbidlFuzz, TheServerAnswersOrRefusesEveryRequestAndLeaksNoHandle) {
  harbor::testing::Machine machine;
  const uint64_t seed = env_number("HBIDL_FUZZ_SEED", 1);
  const uint64_t iterations = env_number("HBIDL_FUZZ_ITERATIONS", 3000);
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> request(HB_MSG_MAX);
  uint64_t accepted = 0;
  for (uint64_t n = 0; n < iterations; ++n) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", request " + std::to_string(n) +
                 " (rerun: HBIDL_FUZZ_SEED=" + std::to_string(seed) + ")");
    // (1) the bytes: a method's exact size with its header, or any size; random content,
    //     then small integers written at random places (counts, lengths, enum values that
    //     pass the bound checks and reach the next check).
    const size_t which = rng() % std::size(kMethods);
    uint32_t len = (rng() % 4 == 0) ? static_cast<uint32_t>(rng() % 200) : kSizes[which];
    for (uint32_t i = 0; i < len; ++i) request[i] = static_cast<uint8_t>(rng());
    if (len >= 8 && rng() % 8 != 0) {
      hbidl_put_u32(request.data(), TYPES_INTERFACE_ID);
      hbidl_put_u32(request.data() + 4, kMethods[which]);
    }
    for (int k = 0; len > 8 && k < 4; ++k) {
      const uint32_t at = 8 + static_cast<uint32_t>(rng() % (len - 8));
      request[at] = static_cast<uint8_t>(rng() % 3);
      if (at + 4 <= len && rng() % 2) hbidl_put_u32(request.data() + at, static_cast<uint32_t>(rng() % 20));
    }
    // (2) the handles: usually what the method takes, sometimes more or fewer
    uint32_t handle_count = kMethods[which] == TYPES_HANDLES_METHOD ? 3 : 0;
    if (rng() % 4 == 0) handle_count = static_cast<uint32_t>(rng() % 5);
    hb_handle_t handles[HB_MSG_HANDLES_MAX];
    for (uint32_t i = 0; i < handle_count; ++i) handles[i] = random_handle(rng);
    std::vector<hb_handle_t> given(handles, handles + handle_count);

    hb_msg_in in{};
    in.data = request.data();
    in.cap = static_cast<uint32_t>(request.size());
    in.len = len;
    in.handles = handles;
    in.handle_cap = HB_MSG_HANDLES_MAX;
    in.handle_count = handle_count;
    types_reply_buffer buffer;
    hb_msg_out reply{};
    const hb_status_t s = types_dispatch(&types_echo_ops(), nullptr, &in, &buffer, &reply);

    ASSERT_EQ(reply.data, buffer.data);
    ASSERT_GE(reply.len, 4u);
    ASSERT_EQ(static_cast<hb_status_t>(hbidl_get_u32(buffer.data)), s);
    if (s != HB_OK) {
      ASSERT_EQ(reply.len, 4u) << "an error reply is the status alone";
      ASSERT_EQ(reply.handle_count, 0u);
    } else {
      ++accepted;
    }
    for (hb_handle_t h : given) {
      hb_handle_info_t info;
      ASSERT_EQ(hb_handle_info(h, &info), HB_ERR_BAD_HANDLE) << "handle " << h << " leaked";
    }
    for (uint32_t i = 0; i < reply.handle_count; ++i) ASSERT_EQ(hb_handle_close(reply.handles[i]), HB_OK);
  }
  // The mutations must reach the methods too, or the deep checks were never exercised.
  EXPECT_GT(accepted, iterations / 50) << "too few well-formed requests: the fuzzer is blind";
  RecordProperty("accepted", static_cast<int>(accepted));
}

}  // namespace
