// The name server under garbage (label fuzz): one task sends it seeded random requests -
// random bytes of random lengths, requests that are almost right (a real operation, a wrong
// length, a bad name, odd rights and kinds), random handles of every kind attached, with
// hb_call (a reply capability, reply buffers too small for the answer) and with a plain
// hb_send (none). Then the server must still serve a valid register and lookup, and must
// hold exactly the handles its own bookkeeping accounts for: its handle table, read from the
// kernel, against what HB_NAMES_OP_STATS says (protocol.h). A handle it forgot to close
// would show as one more in the kernel's count.
//
// Short form (ctest): HARBOR_NAMES_FUZZ_REQUESTS requests (default 3000), seed printed.
// Long form: HARBOR_NAMES_FUZZ_REQUESTS=200000 HARBOR_SEED=N \
//              build/dev/tests/names/harbor_names_fuzz --gtest_filter='*Garbage*'
#include <harbor/names.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "names_machine.h"
#include "protocol.h"

extern "C" const char hb_runtime_attach_explicitly = 1;

namespace {

using names_test::kMs;
using names_test::kSecond;
using names_test::NamesMachineTest;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value ? std::strtoull(value, nullptr, 10) : fallback;
}

// STATS through a raw call: {names, owners, waiters, held}, or status < 0.
struct Stats {
  hb_status_t status;
  uint32_t names, owners, waiters, held;
};
Stats server_stats() {
  uint8_t request[HB_NAMES_STATS_LEN] = {};
  hb_names_put_u32(request, HB_NAMES_OP_STATS);
  uint8_t reply[HB_NAMES_STATS_REPLY_LEN] = {};
  hb_msg_out out{request, sizeof request, 0, nullptr};
  hb_msg_in in{};
  in.data = reply;
  in.cap = sizeof reply;
  Stats s{hb_call(HB_NAME_SERVICE, &out, &in, 10 * kSecond), 0, 0, 0, 0};
  if (s.status == HB_OK && in.len != HB_NAMES_STATS_REPLY_LEN) s.status = -100;
  if (s.status == HB_OK) s.status = static_cast<hb_status_t>(hb_names_get_u32(reply));
  s.names = hb_names_get_u32(reply + 8);
  s.owners = hb_names_get_u32(reply + 12);
  s.waiters = hb_names_get_u32(reply + 16);
  s.held = hb_names_get_u32(reply + 20);
  return s;
}

// A fresh handle of a random kind (the fuzzer's to move), or HB_INVALID.
hb_handle_t random_handle(std::mt19937_64& random) {
  hb_handle_t a = HB_INVALID, b = HB_INVALID;
  switch (random() % 6) {
    case 0:  // a send right (the other end closed: a dead port, sometimes)
      if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &a, &b) != HB_OK) return HB_INVALID;
      if (random() % 2) {
        hb_handle_close(a);
        return b;
      }
      hb_handle_close(b);
      return a;  // or a receive right
    case 1: {
      hb_handle_t rx;
      if (hb_port_create(HB_PORT_BOUNDED, 2, 0, &rx, &a) != HB_OK) return HB_INVALID;
      return random() % 2 ? (hb_handle_close(rx), a) : a;  // alive or dead port
    }
    case 2:
      return hb_sem_create(0, 3, &a) == HB_OK ? a : HB_INVALID;
    case 3:
      return hb_region_create(4096, 0, &a) == HB_OK ? a : HB_INVALID;
    case 4:  // a shared receive right: what a mailbox is made of
      if (hb_port_create(HB_PORT_UNBOUNDED, 0, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV, &a, &b) !=
          HB_OK)
        return HB_INVALID;
      hb_handle_close(b);
      return a;
    default:  // a copy of a legitimately registered port
      if (hb_name_lookup("fz.port", HB_RIGHTS_SAME, HB_NOWAIT, &a) != HB_OK) return HB_INVALID;
      return a;
  }
}

const char* const kNames[] = {"fz.port", "fz.sem", "fz.new", "fz.box", "fz.shm", "x"};

// A request that is almost right: a real operation (or not), a length near its own, a name
// from a small pool or garbage, random rights/kinds, short timeouts (a lookup that waits
// must not outlive the run by much).
uint32_t almost_request(std::mt19937_64& random, uint8_t* bytes) {
  static const uint32_t lens[] = {HB_NAMES_REGISTER_LEN, HB_NAMES_LOOKUP_LEN,
                                  HB_NAMES_UNREGISTER_LEN, HB_NAMES_OPEN_LEN, HB_NAMES_STATS_LEN};
  uint32_t op = 1 + random() % 6;
  uint32_t len = op <= 5 ? lens[op - 1] : static_cast<uint32_t>(random() % 96);
  if (random() % 4 == 0) len = static_cast<uint32_t>(len + random() % 5 - 2);
  std::memset(bytes, 0, 96);
  hb_names_put_u32(bytes, op);
  uint32_t name_at = op == HB_NAMES_OP_LOOKUP || op == HB_NAMES_OP_OPEN ? 16 : 8;
  switch (random() % 4) {
    case 0: hb_names_put_u32(bytes + 4, static_cast<uint32_t>(random())); break;
    case 1: hb_names_put_u32(bytes + 4, random() % 2 ? HB_RIGHTS_SAME : 1 + random() % 3); break;
    default: break;
  }
  if (op == HB_NAMES_OP_LOOKUP) hb_names_put_u64(bytes + 8, random() % 3 ? 0 : random() % (2 * kMs));
  if (op == HB_NAMES_OP_OPEN) {  // often a real kind, so that some opens store an object
    if (random() % 2) hb_names_put_u32(bytes + 4, 1 + random() % 2);
    hb_names_put_u32(bytes + 8, static_cast<uint32_t>(random() % 256));
  }
  const char* name = kNames[random() % (sizeof kNames / sizeof *kNames)];
  std::memcpy(bytes + name_at, name, std::strlen(name));
  if (random() % 5 == 0) bytes[name_at + random() % 64] = static_cast<uint8_t>(random());
  return len;
}

int fuzz(uint64_t seed, uint64_t requests) {
  std::mt19937_64 random(seed);
  hb_handle_t rx, tx, sem;
  TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 4, 0, &rx, &tx), HB_OK);
  TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
  TASK_EXPECT(hb_name_register("fz.port", tx), HB_OK);
  TASK_EXPECT(hb_name_register("fz.sem", sem), HB_OK);
  std::vector<uint8_t> bytes(HB_MSG_MAX);
  uint64_t answered = 0;
  for (uint64_t i = 0; i < requests; ++i) {
    uint32_t len;
    if (random() % 2) {
      len = almost_request(random, bytes.data());
    } else {  // random bytes, mostly short, sometimes up to the largest message
      len = static_cast<uint32_t>(random() % 8 == 0 ? random() % (HB_MSG_MAX + 1) : random() % 128);
      for (uint32_t b = 0; b < len; ++b) bytes[b] = static_cast<uint8_t>(random());
      if (len >= 4 && random() % 2) hb_names_put_u32(bytes.data(), 1 + random() % 5);
    }
    hb_handle_t handles[HB_MSG_HANDLES_MAX];
    uint32_t count = random() % 3 == 0 ? 0 : static_cast<uint32_t>(random() % 3);
    if (random() % 50 == 0) count = HB_MSG_HANDLES_MAX;
    uint32_t made = 0;
    for (uint32_t h = 0; h < count; ++h) {
      hb_handle_t handle = random_handle(random);
      if (handle != HB_INVALID) handles[made++] = handle;
    }
    hb_msg_out out{bytes.data(), len, made, handles};
    hb_status_t sent;
    if (random() % 4 != 0) {
      uint8_t reply[32];
      hb_handle_t got[2];
      hb_msg_in in{};
      in.data = reply;
      in.cap = static_cast<uint32_t>(random() % 4 == 0 ? random() % 8 : sizeof reply);
      in.handles = got;
      in.handle_cap = static_cast<uint32_t>(random() % 3);
      sent = hb_call(HB_NAME_SERVICE, &out, &in, 2 * kSecond);
      if (sent == HB_OK) {
        ++answered;
        for (uint32_t h = 0; h < in.handle_count; ++h) hb_handle_close(got[h]);
      }
    } else {
      sent = hb_send(HB_NAME_SERVICE, &out, 0, 2 * kSecond);
    }
    // Handles of a message that was not sent are still ours (moved ones are gone: closing
    // them again is HB_ERR_BAD_HANDLE, and harmless).
    if (sent != HB_OK)
      for (uint32_t h = 0; h < made; ++h) hb_handle_close(handles[h]);
    TASK_EXPECT(sent == HB_ERR_PEER_CLOSED, false);  // the server must never die
  }
  std::printf("names fuzz: %llu requests, %llu answered\n",
              static_cast<unsigned long long>(requests), static_cast<unsigned long long>(answered));
  // Still a working name service (fz.port and fz.sem may be gone: the garbage can hold a
  // real UNREGISTER of ours).
  hb_handle_t h;
  TASK_EXPECT(hb_name_register("fz.final", tx), HB_OK);
  TASK_EXPECT(hb_name_lookup("fz.final", HB_RIGHT_SEND, HB_NOWAIT, &h), HB_OK);
  hb_msg_out ping{"ping", 4, 0, nullptr};
  TASK_EXPECT(hb_send(h, &ping, 0, HB_NOWAIT), HB_OK);
  return 0;
}

using NamesFuzzTest = NamesMachineTest;

TEST_F(NamesFuzzTest, GarbageRequestsNeverCrashTheServerNorLeakAHandle) {
  uint64_t seed = env_or("HARBOR_SEED", std::random_device{}());
  uint64_t requests = env_or("HARBOR_NAMES_FUZZ_REQUESTS", 3000);
  std::printf("names fuzz: seed %llu (replay: HARBOR_SEED=%llu HARBOR_NAMES_FUZZ_REQUESTS=%llu "
              "%s --gtest_filter='*Garbage*')\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(requests), "harbor_names_fuzz");
  SCOPED_TRACE("seed " + std::to_string(seed));
  uint32_t base = server_handles();  // what the server holds with no name: inbox, its port
  EXPECT_EQ(0, run([seed, requests] { return fuzz(seed, requests); }, "fuzzer"));
  EXPECT_TRUE(server_running()) << "the name server died";
  // The fuzzer has exited; its names go lazily. A few requests let the sweep find it.
  EXPECT_EQ(0, run([] {
    for (int i = 0; i < 8; ++i) {
      Stats s = server_stats();
      TASK_EXPECT(s.status, HB_OK);
      if (s.owners == 0 && s.waiters == 0) {
        std::printf("names fuzz: after: %u names (OS-owned), %u handles held\n", s.names,
                    s.held);
        return 0;
      }
      names_test::sleep_ns(5 * kMs);  // a waiting lookup's deadline (2 ms at most)
    }
    return names_test::task_failed(__FILE__, __LINE__, "owners or waiters left", 1, 0);
  }, "checker"));
  // Run once more to read the final count precisely, now that nothing is left to purge.
  int held = run([] {
    Stats s = server_stats();
    return s.status == HB_OK ? static_cast<int>(s.held) : -1;
  }, "stats");
  ASSERT_GE(held, 0);
  EXPECT_EQ(base + static_cast<uint32_t>(held), server_handles())
      << "the server's handle table holds handles its bookkeeping does not know: a leak";
}

}  // namespace
