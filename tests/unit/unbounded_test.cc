// UnboundedTest: HB_PORT_UNBOUNDED: a sender never blocks; the queue is limited only by the
// *sender's* quota of queued kernel bytes, and exceeding it is HB_ERR_NO_MEMORY (SPEC 2).
#include "harness.h"

#include <kernel/message.h>

namespace harbor::test {
namespace {

class UnboundedTest : public Harness {
 protected:
  // A quota of exactly `messages` messages of 8 bytes each.
  void limit_quota_to(uint32_t messages) {
    kernel::KernelConfig config;
    config.quota.queued_bytes = messages * kernel::message_charge(8);
    reset(config);
  }
};

TEST_F(UnboundedTest, SendNeverBlocks) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t tx = transfer(owner, p.send, sender);
  for (int i = 0; i < 1000; ++i)
    ASSERT_STATUS(HB_OK, sender.send(tx, "12345678", {}, 0, HB_FOREVER)) << "message " << i;
  for (int i = 0; i < 1000; ++i) ASSERT_STATUS(HB_OK, owner.recv(p.recv)) << "message " << i;
}

TEST_F(UnboundedTest, ExceedingTheSendersQuotaIsNoMemory) {
  limit_quota_to(4);
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t tx = transfer(owner, p.send, sender);
  for (int i = 0; i < 4; ++i) ASSERT_STATUS(HB_OK, sender.send(tx, "12345678")) << i;
  EXPECT_STATUS(HB_ERR_NO_MEMORY, sender.send(tx, "12345678", {}, 0, HB_NOWAIT));
  EXPECT_STATUS(HB_ERR_NO_MEMORY, sender.send(tx, "12345678", {}, 0, HB_FOREVER))
      << "an unbounded send never blocks, even with a timeout";
  EXPECT_FALSE(sender.blocked());
  EXPECT_EQ(4 * kernel::message_charge(8), sender.queued_bytes()) << "the failures charged nothing";
}

TEST_F(UnboundedTest, QueuedMessageIsChargedToItsSenderNotItsReceiver) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(HB_OK, sender.send(tx, "12345678"));
  ASSERT_STATUS(HB_OK, sender.send(tx, "1234"));
  EXPECT_EQ(kernel::message_charge(8) + kernel::message_charge(4), sender.queued_bytes());
  EXPECT_EQ(0u, owner.queued_bytes());
}

TEST_F(UnboundedTest, QuotaReturnsToZeroAfterReceive) {
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t tx = transfer(owner, p.send, sender);
  for (int i = 0; i < 10; ++i) ASSERT_STATUS(HB_OK, sender.send(tx, std::string(100 + i, 'x')));
  EXPECT_GT(sender.queued_bytes(), 0u);
  for (int i = 0; i < 10; ++i) ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_EQ(0u, sender.queued_bytes());
}

TEST_F(UnboundedTest, ReceivingFreesQuotaForTheNextSend) {
  limit_quota_to(2);
  TaskHandle owner = spawn("owner"), sender = spawn("sender");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t tx = transfer(owner, p.send, sender);
  ASSERT_STATUS(HB_OK, sender.send(tx, "12345678"));
  ASSERT_STATUS(HB_OK, sender.send(tx, "12345678"));
  ASSERT_STATUS(HB_ERR_NO_MEMORY, sender.send(tx, "12345678"));
  ASSERT_STATUS(HB_OK, owner.recv(p.recv));
  EXPECT_STATUS(HB_OK, sender.send(tx, "12345678"));
}

TEST_F(UnboundedTest, FloodingSenderExhaustsOnlyItsOwnQuota) {
  limit_quota_to(3);
  TaskHandle owner = spawn("owner"), flood = spawn("flood"), polite = spawn("polite");
  PortPair p = owner.port(HB_PORT_UNBOUNDED);
  hb_handle_t d;
  ASSERT_STATUS(HB_OK, owner.dup(p.send, HB_RIGHTS_SAME, &d));
  hb_handle_t flood_tx = transfer(owner, p.send, flood);
  hb_handle_t polite_tx = transfer(owner, d, polite);
  int sent = 0;
  while (flood.send(flood_tx, "12345678") == HB_OK) ++sent;
  EXPECT_EQ(3, sent);
  EXPECT_STATUS(HB_OK, polite.send(polite_tx, "12345678")) << "its own quota is untouched";
  EXPECT_STATUS(HB_OK, owner.send_task(polite.id(), "the receiver can still send too"));
  // Nobody was killed by the full queue.
  EXPECT_TRUE(flood.alive());
  EXPECT_TRUE(owner.alive());
}

TEST_F(UnboundedTest, NoMemoryLeavesTheMovedHandlesWithTheSender) {
  limit_quota_to(1);
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_UNBOUNDED);
  PortPair gift = a.port(HB_PORT_BOUNDED, 1);
  ASSERT_STATUS(HB_OK, a.send(p.send, "12345678"));
  uint32_t handles = a.handles_used();
  EXPECT_STATUS(HB_ERR_NO_MEMORY, a.send(p.send, "12345678", {gift.send}));
  EXPECT_EQ(handles, a.handles_used());
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, a.info(gift.send).type);
}

}  // namespace
}  // namespace harbor::test
