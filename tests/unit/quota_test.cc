// QuotaTest: per-task quotas bound handles, ports and queued kernel bytes; exceeding any is
// HB_ERR_NO_MEMORY and closing what was made gives the quota back. Every failed call leaves
// the kernel as it was (SPEC 2-3).
#include "harness.h"

#include <arch/test_control.h>
#include <kernel/message.h>

#include <functional>

namespace harbor::test {
namespace {

class QuotaTest : public Harness {};

TEST_F(QuotaTest, PortQuotaExhaustedIsNoMemoryAndClosingGivesItBack) {
  kernel::KernelConfig config;
  config.quota.ports = 2;
  reset(config);
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair p1 = a.port(HB_PORT_BOUNDED, 1);
  a.port(HB_PORT_RENDEZVOUS);
  uint32_t used = a.handles_used();
  hb_handle_t r = -7, s = -7;
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.port_create(HB_PORT_UNBOUNDED, 0, 0, &r, &s));
  EXPECT_EQ(-7, r);
  EXPECT_EQ(used, a.handles_used());
  EXPECT_EQ(2u, a.ports_charged());
  b.port(HB_PORT_BOUNDED, 1);  // b's quota is its own
  ASSERT_STATUS(HB_OK, a.close(p1.recv));
  ASSERT_STATUS(HB_OK, a.close(p1.send));
  EXPECT_EQ(1u, a.ports_charged());
  EXPECT_STATUS(HB_OK, a.port_create(HB_PORT_UNBOUNDED, 0, 0, &r, &s));
}

TEST_F(QuotaTest, SemaphoreQuotaExhaustedIsNoMemory) {
  kernel::KernelConfig config;
  config.quota.semaphores = 1;
  reset(config);
  TaskHandle a = spawn("a");
  hb_handle_t s1, s2 = -7;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &s1));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.sem_create(0, 1, &s2));
  EXPECT_EQ(-7, s2);
  ASSERT_STATUS(HB_OK, a.close(s1));
  EXPECT_STATUS(HB_OK, a.sem_create(0, 1, &s2));
}

TEST_F(QuotaTest, AMessageHeldByABlockedSenderIsChargedToIt) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_RENDEZVOUS);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(kernel::kBlocked, sender.send(tx, std::string(100, 'x'), {}, 0, HB_FOREVER));
  EXPECT_EQ(kernel::message_charge(100), sender.queued_bytes());
  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ(0u, sender.queued_bytes());
}

TEST_F(QuotaTest, QuotaLimitsAMessageEvenOnABoundedPort) {
  kernel::KernelConfig config;
  config.quota.queued_bytes = kernel::message_charge(10);
  reset(config);
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 8);
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.send(p.send, std::string(11, 'x')));
  EXPECT_STATUS(HB_OK, a.send(p.send, std::string(10, 'x')));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.send(p.send, ""));
}

TEST_F(QuotaTest, SpawnChargesTheStartMessageToTheParentUntilTheChildReadsIt) {
  arch::test::add_image("child");
  TaskHandle parent = spawn("parent");
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "0123456789", {}, &id));
  EXPECT_EQ(kernel::message_charge(10), parent.queued_bytes());
  ASSERT_STATUS(HB_OK, adopt(id).recv(HB_INBOX));
  EXPECT_EQ(0u, parent.queued_bytes());
}

// Every failing call of this table must leave handles, quotas and the kernel heap exactly
// as they were.
TEST_F(QuotaTest, EveryFailedCallLeavesHandlesQuotaAndHeapUnchanged) {
  kernel::KernelConfig config;
  config.inbox_capacity = 1;
  reset(config);
  arch::test::add_image("child");
  TaskHandle a = spawn("a"), b = spawn("b");
  PortPair full = a.port(HB_PORT_BOUNDED, 1);
  PortPair rv = a.port(HB_PORT_RENDEZVOUS);
  PortPair dead = b.port(HB_PORT_BOUNDED, 1);
  hb_handle_t dead_tx = transfer(b, dead.send, a);
  ASSERT_STATUS(HB_OK, b.close(dead.recv));
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  hb_handle_t sem, no_transfer, badged;
  ASSERT_STATUS(HB_OK, a.sem_create(0, 1, &sem));
  ASSERT_STATUS(HB_OK, a.dup(gift.send, HB_RIGHT_SEND, &no_transfer));
  ASSERT_STATUS(HB_OK, a.mint(gift.send, 3, &badged));
  ASSERT_STATUS(HB_OK, a.send(full.send, "fills it"));
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "fills b's inbox"));
  std::string big(HB_MSG_MAX + 1, 'x');
  std::vector<hb_handle_t> seventeen(17, gift.send);

  hb_handle_t out = -7, out2 = -7;
  int32_t code = 0;
  hb_task_id_t id = 0;
  struct Case {
    const char* what;
    int64_t expected;
    std::function<int64_t()> call;
  };
  std::vector<Case> cases = {
      {"send, bad handle", HB_ERR_BAD_HANDLE, [&] { return a.send(0x4444, "x", {gift.send}); }},
      {"send, wrong type", HB_ERR_WRONG_TYPE, [&] { return a.send(sem, "x", {gift.send}); }},
      {"send, no SEND right", HB_ERR_ACCESS, [&] { return a.send(full.recv, "x", {gift.send}); }},
      {"send, full, NOWAIT", HB_ERR_WOULD_BLOCK, [&] { return a.send(full.send, "x", {gift.send}); }},
      {"send, rendezvous, NOWAIT", HB_ERR_WOULD_BLOCK,
       [&] { return a.send(rv.send, "x", {gift.send}); }},
      {"send, SYNC NOWAIT", HB_ERR_WOULD_BLOCK,
       [&] { return a.send(gift.send, "x", {sem}, HB_SEND_SYNC); }},
      {"send, dead port", HB_ERR_PEER_CLOSED, [&] { return a.send(dead_tx, "x", {gift.send}); }},
      {"send, too big", HB_ERR_TOO_BIG, [&] { return a.send(gift.send, big); }},
      {"send, 17 handles", HB_ERR_TOO_BIG, [&] { return a.send(full.send, "x", seventeen); }},
      {"send, handle twice", HB_ERR_INVALID_ARG,
       [&] { return a.send(rv.send, "x", {sem, sem}); }},
      {"send, no TRANSFER", HB_ERR_ACCESS, [&] { return a.send(rv.send, "x", {no_transfer}); }},
      {"send, own recv right", HB_ERR_INVALID_ARG,
       [&] { return a.send(gift.send, "x", {gift.recv}); }},
      {"send, bad flags", HB_ERR_INVALID_ARG, [&] { return a.send(gift.send, "x", {}, 0x80); }},
      {"send_task, unknown id", HB_ERR_NOT_FOUND, [&] { return a.send_task(777777, "x", {sem}); }},
      {"send_task, full inbox", HB_ERR_WOULD_BLOCK, [&] { return a.send_task(b.id(), "x", {sem}); }},
      {"recv, empty", HB_ERR_WOULD_BLOCK, [&] { return a.recv(gift.recv); }},
      {"recv, no RECV right", HB_ERR_ACCESS, [&] { return a.recv(full.send); }},
      {"recv, FROM 0", HB_ERR_INVALID_ARG, [&] { return a.recv(full.recv, 0, HB_RECV_FROM, 0); }},
      {"call, NOWAIT", HB_ERR_INVALID_ARG, [&] { return a.call(gift.send, "x", {sem}, HB_NOWAIT); }},
      {"call, dead port", HB_ERR_PEER_CLOSED, [&] { return a.call(dead_tx, "x", {sem}); }},
      {"reply, not a reply", HB_ERR_WRONG_TYPE, [&] { return a.reply(gift.send, "x"); }},
      {"close, bad handle", HB_ERR_BAD_HANDLE, [&] { return a.close(0x4444); }},
      {"close, inbox", HB_ERR_ACCESS, [&] { return a.close(HB_INBOX); }},
      {"dup, superset", HB_ERR_ACCESS, [&] { return a.dup(gift.send, HB_RIGHTS_ALL, &out); }},
      {"dup, no DUP", HB_ERR_ACCESS, [&] { return a.dup(no_transfer, HB_RIGHT_SEND, &out); }},
      {"dup, unknown bits", HB_ERR_INVALID_ARG, [&] { return a.dup(gift.send, 1u << 12, &out); }},
      {"mint, badge 0", HB_ERR_INVALID_ARG, [&] { return a.mint(gift.send, 0, &out); }},
      {"mint, re-mint", HB_ERR_ACCESS, [&] { return a.mint(badged, 4, &out); }},
      {"port_create, bad mode", HB_ERR_INVALID_ARG,
       [&] { return a.port_create(9, 0, 0, &out, &out2); }},
      {"sem_create, max 0", HB_ERR_INVALID_ARG, [&] { return a.sem_create(0, 0, &out); }},
      {"sem_wait, empty", HB_ERR_WOULD_BLOCK, [&] { return a.sem_wait(sem); }},
      {"sem_post, beyond max", HB_ERR_INVALID_ARG, [&] { return a.sem_post(sem, 2); }},
      {"spawn, no image", HB_ERR_NOT_FOUND,
       [&] { return a.spawn("no-such-image", "args", {gift.send}, &id); }},
      {"wait, not my child", HB_ERR_ACCESS, [&] { return a.wait(b.id(), &code); }},
      {"wait, unknown id", HB_ERR_NOT_FOUND, [&] { return a.wait(888888, &code); }},
  };
  for (const Case& c : cases) {
    uint32_t handles = a.handles_used(), b_handles = b.handles_used();
    uint64_t bytes = a.queued_bytes(), ports = a.ports_charged(), sems = a.semaphores_charged();
    uint64_t heap = arch::test::heap_bytes();
    uint64_t objects = kernel().stats().objects_alive;
    uint32_t tasks = kernel().task_count();
    EXPECT_STATUS(c.expected, c.call()) << c.what;
    EXPECT_EQ(handles, a.handles_used()) << c.what << ": handles of the caller";
    EXPECT_EQ(b_handles, b.handles_used()) << c.what << ": handles of another task";
    EXPECT_EQ(bytes, a.queued_bytes()) << c.what << ": queued-bytes quota";
    EXPECT_EQ(ports, a.ports_charged()) << c.what << ": port quota";
    EXPECT_EQ(sems, a.semaphores_charged()) << c.what << ": semaphore quota";
    EXPECT_EQ(heap, arch::test::heap_bytes()) << c.what << ": kernel heap";
    EXPECT_EQ(objects, kernel().stats().objects_alive) << c.what << ": kernel objects";
    EXPECT_EQ(tasks, kernel().task_count()) << c.what << ": tasks";
    EXPECT_FALSE(a.blocked()) << c.what;
    EXPECT_EQ(-7, out) << c.what << ": out-parameter written by a failed call";
    EXPECT_EQ(-7, out2) << c.what << ": out-parameter written by a failed call";
  }
}

}  // namespace
}  // namespace harbor::test
