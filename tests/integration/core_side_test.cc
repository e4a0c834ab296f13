// CoreSideMachineTest: the kernel lock's core side under real concurrency (kernel/
// kernel_lock.h, docs/design.md §3c). Task processes on two emulated cores send, receive,
// call and reply at the same time; each core's serving threads run those syscalls under
// their own core's lock and their port's lock only. What must hold is what held with one
// lock: nothing lost, nothing delivered twice, FIFO per sender, every answer to its own
// call; and the kernel must say that the common path really ran on the core side. Run under
// ThreadSanitizer in CI (the tsan preset), these tests are the race check of that path.
#include <gtest/gtest.h>
#include <harbor/sys.h>
#include <hosted/machine.h>
#include <kernel/kernel.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

// The test program attaches each forked task's runtime itself (userland/runtime/hosted/attach.h).
extern "C" const char hb_runtime_attach_explicitly = 1;
namespace harbor::runtime {
bool attach_channel(int fd);
}  // namespace harbor::runtime

namespace {

constexpr uint64_t kSecond = 1000000000ull;

// The start message's handles of the calling task (its capabilities, in order).
std::vector<hb_handle_t> start_handles() {
  hb_handle_t handles[HB_MSG_HANDLES_MAX];
  char bytes[64];
  hb_msg_in in{};
  in.data = bytes;
  in.cap = sizeof bytes;
  in.handles = handles;
  in.handle_cap = HB_MSG_HANDLES_MAX;
  if (hb_recv(HB_INBOX, &in, 0, HB_FOREVER) != HB_OK) return {};
  return std::vector<hb_handle_t>(handles, handles + in.handle_count);
}

struct Numbered {
  uint32_t sender;
  uint32_t seq;
  uint64_t payload;  // a function of (sender, seq): a torn or mixed-up copy shows
};
uint64_t payload_of(uint32_t sender, uint32_t seq) {
  return (uint64_t{sender} << 40) ^ (uint64_t{seq} * 0x9e3779b97f4a7c15ull);
}

// Sends `count` numbered messages on handle `port` (blocking when the port is full).
int send_numbered(hb_handle_t port, uint32_t sender, uint32_t count) {
  for (uint32_t seq = 0; seq < count; ++seq) {
    Numbered m{sender, seq, payload_of(sender, seq)};
    hb_msg_out out{&m, sizeof m, 0, nullptr};
    if (hb_send(port, &out, 0, 10 * kSecond) != HB_OK) return 10;
  }
  return 0;
}

// Receives senders * count messages on `port`: each sender's in order, each exactly once.
int receive_numbered(hb_handle_t port, uint32_t senders, uint32_t count) {
  std::vector<uint32_t> next(senders, 0);
  for (uint64_t i = 0; i < uint64_t{senders} * count; ++i) {
    Numbered m{};
    hb_msg_in in{};
    in.data = &m;
    in.cap = sizeof m;
    if (hb_recv(port, &in, 0, 10 * kSecond) != HB_OK) return 20;
    if (in.len != sizeof m || m.sender >= senders) return 21;
    if (m.seq != next[m.sender]) return 22;  // lost, repeated or out of order
    if (m.payload != payload_of(m.sender, m.seq)) return 23;
    ++next[m.sender];
  }
  Numbered extra{};
  hb_msg_in in{};
  in.data = &extra;
  in.cap = sizeof extra;
  // Nothing more: the queue is empty (or, the sender gone, closed).
  hb_status_t last = hb_recv(port, &in, 0, HB_NOWAIT);
  return last == HB_ERR_WOULD_BLOCK || last == HB_ERR_PEER_CLOSED ? 0 : 24;
}

class CoreSideMachineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hosted::MachineOptions options;
    options.cores = 2;
    options.kernel.per_core_caches = true;
    m_machine = std::make_unique<hosted::Machine>(options);
  }

  hb_task_id_t spawn(std::function<int()> fn, const char* name, uint32_t core,
                     std::vector<kernel::Capability> caps) {
    hosted::Machine::Started started = m_machine->start_function(
        [fn](int channel_fd) {
          if (!harbor::runtime::attach_channel(channel_fd)) return 127;
          close(channel_fd);
          return fn();
        },
        name, core, std::move(caps));
    EXPECT_EQ(HB_OK, started.status);
    return started.task;
  }
  int32_t wait(hb_task_id_t task) {
    hosted::Machine::Exit exit = m_machine->wait(task, 60 * kSecond);
    EXPECT_EQ(HB_OK, exit.status);
    return exit.code;
  }
  kernel::KernelStats stats() {
    kernel::KernelStats s;
    m_machine->with_kernel([&](kernel::Kernel& k) { s = k.stats_total(); });
    return s;
  }

  std::unique_ptr<hosted::Machine> m_machine;
};

TEST_F(CoreSideMachineTest, TwoPairsOnTwoCoresLoseNothingAndRunOnTheCoreSide) {
  constexpr uint32_t kCount = 5000;
  std::vector<hb_task_id_t> receivers, senders;
  for (uint32_t core = 0; core < 2; ++core) {
    hosted::Machine::PortCaps port = m_machine->make_port(HB_PORT_BOUNDED, 8, 0);
    ASSERT_EQ(HB_OK, port.status);
    receivers.push_back(spawn([] { return receive_numbered(start_handles().at(0), 1, kCount); },
                              "receiver", core, {port.recv}));
    senders.push_back(spawn([] { return send_numbered(start_handles().at(0), 0, kCount); },
                            "sender", core, {port.send}));
  }
  for (hb_task_id_t t : senders) EXPECT_EQ(0, wait(t));
  for (hb_task_id_t t : receivers) EXPECT_EQ(0, wait(t));
  kernel::KernelStats s = stats();
  // 4 * kCount sends and receives; only the start messages (which carry handles) retry.
  EXPECT_GE(s.core_side, 4u * kCount);
  EXPECT_LE(s.whole_kernel_retries, 8u);
}

TEST_F(CoreSideMachineTest, SendersOnBothCoresMeetAtOnePortInOrderAndExactlyOnce) {
  constexpr uint32_t kSenders = 4, kCount = 3000;
  hosted::Machine::PortCaps port = m_machine->make_port(HB_PORT_BOUNDED, 4, 0);
  ASSERT_EQ(HB_OK, port.status);
  std::vector<hb_task_id_t> senders;
  for (uint32_t i = 0; i < kSenders; ++i) {
    kernel::Capability send = m_machine->duplicate(port.send);
    senders.push_back(spawn([i] { return send_numbered(start_handles().at(0), i, kCount); },
                            "sender", i % 2, {send}));
  }
  m_machine->close(port.send);
  hb_task_id_t receiver = spawn(
      [] { return receive_numbered(start_handles().at(0), kSenders, kCount); }, "receiver", 0,
      {port.recv});
  for (hb_task_id_t t : senders) EXPECT_EQ(0, wait(t));
  EXPECT_EQ(0, wait(receiver));
}

TEST_F(CoreSideMachineTest, CallsFromBothCoresEachGetTheirOwnAnswer) {
  constexpr uint32_t kClients = 3, kCalls = 3000;
  hosted::Machine::PortCaps port = m_machine->make_port(HB_PORT_RENDEZVOUS, 0, 0);
  ASSERT_EQ(HB_OK, port.status);
  // The server answers each request with its payload turned around.
  hb_task_id_t server = spawn(
      [] {
        hb_handle_t recv = start_handles().at(0);
        Numbered m{};
        hb_msg_in in{};
        in.data = &m;
        in.cap = sizeof m;
        if (hb_recv(recv, &in, 0, 10 * kSecond) != HB_OK) return 30;
        for (uint64_t served = 1;; ++served) {
          m.payload = ~m.payload;
          hb_msg_out out{&m, sizeof m, 0, nullptr};
          in.cap = sizeof m;
          hb_status_t s = hb_reply_recv(in.reply, &out, recv, &in, 2 * kSecond);
          if (s == HB_ERR_TIMED_OUT || s == HB_ERR_PEER_CLOSED)
            return served == kClients * kCalls ? 0 : 31;
          if (s != HB_OK) return 32;
        }
      },
      "server", 1, {port.recv});
  std::vector<hb_task_id_t> clients;
  for (uint32_t i = 0; i < kClients; ++i) {
    kernel::Capability send = m_machine->duplicate(port.send);
    clients.push_back(spawn(
        [i] {
          hb_handle_t port = start_handles().at(0);
          for (uint32_t seq = 0; seq < kCalls; ++seq) {
            Numbered q{i, seq, payload_of(i, seq)}, a{};
            hb_msg_out out{&q, sizeof q, 0, nullptr};
            hb_msg_in in{};
            in.data = &a;
            in.cap = sizeof a;
            if (hb_call(port, &out, &in, 10 * kSecond) != HB_OK) return 40;
            if (a.sender != i || a.seq != seq || a.payload != ~payload_of(i, seq)) return 41;
          }
          return 0;
        },
        "client", i % 2, {send}));
  }
  m_machine->close(port.send);
  for (hb_task_id_t t : clients) EXPECT_EQ(0, wait(t));
  EXPECT_EQ(0, wait(server));
}

// The shared-memory half: two tasks on two cores hand a counter in a grant region back and
// forth with two semaphores (hb_sem_wait/hb_sem_post run on the core side too, under the
// semaphore's own lock). Every hand-off must see the other side's last write.
TEST_F(CoreSideMachineTest, SemaphorePingPongAcrossCoresOverASharedRegion) {
  constexpr uint32_t kRounds = 3000;
  hosted::Machine::ObjectCap region = m_machine->make_region(4096);
  hosted::Machine::ObjectCap ping = m_machine->make_semaphore(0, 1);
  hosted::Machine::ObjectCap pong = m_machine->make_semaphore(0, 1);
  ASSERT_EQ(HB_OK, region.status);
  ASSERT_EQ(HB_OK, ping.status);
  ASSERT_EQ(HB_OK, pong.status);
  auto player = [](bool first) {
    return [first] {
      std::vector<hb_handle_t> h = start_handles();
      if (h.size() != 3) return 70;
      void* at = nullptr;
      if (hb_region_map(h[0], HB_RIGHT_READ | HB_RIGHT_WRITE, &at) != HB_OK) return 71;
      volatile uint32_t* counter = static_cast<volatile uint32_t*>(at);
      const hb_handle_t mine = first ? h[2] : h[1], theirs = first ? h[1] : h[2];
      for (uint32_t round = 1; round <= kRounds; ++round) {
        if (first) {
          if (counter[0] != 2 * round - 2) return 72;
          counter[0] = 2 * round - 1;
          if (hb_sem_post(theirs, 1) != HB_OK) return 73;
          if (hb_sem_wait(mine, 10 * kSecond) != HB_OK) return 74;
        } else {
          if (hb_sem_wait(mine, 10 * kSecond) != HB_OK) return 75;
          if (counter[0] != 2 * round - 1) return 76;
          counter[0] = 2 * round;
          if (hb_sem_post(theirs, 1) != HB_OK) return 77;
        }
      }
      return 0;
    };
  };
  // ping wakes the second player, pong the first.
  hb_task_id_t first = spawn(player(true), "first", 0,
                             {m_machine->duplicate(region.cap), m_machine->duplicate(ping.cap),
                              m_machine->duplicate(pong.cap)});
  hb_task_id_t second = spawn(player(false), "second", 1, {region.cap, ping.cap, pong.cap});
  kernel::KernelStats before = stats();
  EXPECT_EQ(0, wait(first));
  EXPECT_EQ(0, wait(second));
  EXPECT_GE(stats().core_side - before.core_side, 2u * kRounds) << "waits and posts, core side";
}

// Messages that carry handles take the whole kernel while other tasks keep using the core
// side: the two sides must exclude each other, and each handle must arrive exactly once.
TEST_F(CoreSideMachineTest, WholeKernelSendsInterleaveWithCoreSideTraffic) {
  constexpr uint32_t kCount = 2000;
  hosted::Machine::PortCaps plain = m_machine->make_port(HB_PORT_BOUNDED, 8, 0);
  hosted::Machine::PortCaps carriers = m_machine->make_port(HB_PORT_BOUNDED, 8, 0);
  ASSERT_EQ(HB_OK, plain.status);
  ASSERT_EQ(HB_OK, carriers.status);
  hb_task_id_t plain_sender = spawn([] { return send_numbered(start_handles().at(0), 0, kCount); },
                                    "plain-sender", 0, {plain.send});
  hb_task_id_t plain_receiver =
      spawn([] { return receive_numbered(start_handles().at(0), 1, kCount); }, "plain-receiver", 1,
            {plain.recv});
  // Sends kCount messages, each carrying a new send right to a port of its own.
  hb_task_id_t handle_sender = spawn(
      [] {
        hb_handle_t port = start_handles().at(0);
        hb_handle_t own_recv = HB_INVALID, own_send = HB_INVALID;
        if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &own_recv, &own_send) != HB_OK) return 50;
        for (uint32_t seq = 0; seq < kCount; ++seq) {
          hb_handle_t copy = HB_INVALID;
          if (hb_handle_dup(own_send, HB_RIGHTS_SAME, &copy) != HB_OK) return 51;
          hb_msg_out out{&seq, sizeof seq, 1, &copy};
          if (hb_send(port, &out, 0, 10 * kSecond) != HB_OK) return 52;
        }
        return 0;
      },
      "handle-sender", 1, {carriers.send});
  hb_task_id_t handle_receiver = spawn(
      [] {
        hb_handle_t port = start_handles().at(0);
        for (uint32_t seq = 0; seq < kCount; ++seq) {
          uint32_t got = 0;
          hb_handle_t right = HB_INVALID;
          hb_msg_in in{};
          in.data = &got;
          in.cap = sizeof got;
          in.handles = &right;
          in.handle_cap = 1;
          if (hb_recv(port, &in, 0, 10 * kSecond) != HB_OK) return 60;
          if (got != seq || in.handle_count != 1) return 61;
          hb_handle_info_t info{};
          if (hb_handle_info(right, &info) != HB_OK || info.type != HB_OBJ_PORT) return 62;
          if (hb_handle_close(right) != HB_OK) return 63;
        }
        return 0;
      },
      "handle-receiver", 0, {carriers.recv});
  EXPECT_EQ(0, wait(plain_sender));
  EXPECT_EQ(0, wait(plain_receiver));
  EXPECT_EQ(0, wait(handle_sender));
  EXPECT_EQ(0, wait(handle_receiver));
  kernel::KernelStats s = stats();
  // Each carrier is sent with the whole kernel (and received so, unless its receiver was
  // already waiting: then the send hands it over).
  EXPECT_GE(s.whole_kernel_retries, kCount);
  EXPECT_GE(s.core_side, 2u * kCount) << "the plain pair stayed on the core side";
}

}  // namespace
