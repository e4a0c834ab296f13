// BadgeTest: hb_badge_mint stamps a badge on a send right; the receiver sees it in
// in->badge; a badge cannot be re-minted; badge 0 means "no badge" (SPEC 2-3, design.md).
#include "harness.h"

namespace harbor::test {
namespace {

class BadgeTest : public Harness {};

TEST_F(BadgeTest, ReceiverSeesTheBadgeOfTheRightUsed) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_BOUNDED, 4);
  hb_handle_t badged;
  ASSERT_STATUS(HB_OK, server.mint(p.send, 42, &badged));
  EXPECT_EQ(42u, server.info(badged).badge);
  hb_handle_t tx = transfer(server, badged, client);
  EXPECT_EQ(42u, client.info(tx).badge) << "the badge travels with the right";

  ASSERT_STATUS(HB_OK, client.send(tx, "who am I"));
  ASSERT_STATUS(HB_OK, server.send(p.send, "unbadged"));
  ASSERT_STATUS(HB_OK, server.recv(p.recv));
  EXPECT_EQ(42u, server.got().badge);
  EXPECT_EQ(client.id(), server.got().sender);
  ASSERT_STATUS(HB_OK, server.recv(p.recv));
  EXPECT_EQ(0u, server.got().badge);
}

TEST_F(BadgeTest, BadgeReachesABlockedReceiverAndACall) {
  TaskHandle server = spawn("server"), client = spawn("client");
  PortPair p = server.port(HB_PORT_RENDEZVOUS);
  hb_handle_t badged;
  ASSERT_STATUS(HB_OK, server.mint(p.send, 7, &badged));
  hb_handle_t tx = transfer(server, badged, client);
  ASSERT_STATUS(kernel::kBlocked, server.recv(p.recv, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, client.call(tx, "call"));
  EXPECT_RESUMED(server, HB_OK);
  EXPECT_EQ(7u, server.got().badge);
}

TEST_F(BadgeTest, BadgedRightCannotBeReminted) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_t badged, again = -7;
  ASSERT_STATUS(HB_OK, a.mint(p.send, 1, &badged));
  uint32_t used = a.handles_used();
  EXPECT_STATUS(HB_ERR_ACCESS, a.mint(badged, 2, &again));
  EXPECT_EQ(-7, again);
  EXPECT_EQ(used, a.handles_used());
}

TEST_F(BadgeTest, BadgeZeroIsInvalid) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_t out = -7;
  EXPECT_STATUS(HB_ERR_INVALID_ARG, a.mint(p.send, 0, &out));
  EXPECT_EQ(-7, out);
}

TEST_F(BadgeTest, DuplicateOfABadgedRightKeepsTheBadge) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_t badged, copy, reduced;
  ASSERT_STATUS(HB_OK, a.mint(p.send, 99, &badged));
  ASSERT_STATUS(HB_OK, a.dup(badged, HB_RIGHTS_SAME, &copy));
  ASSERT_STATUS(HB_OK, a.dup(badged, HB_RIGHT_SEND, &reduced));
  EXPECT_EQ(99u, a.info(copy).badge);
  EXPECT_EQ(99u, a.info(reduced).badge);
  ASSERT_STATUS(HB_OK, a.send(reduced, "x"));
  ASSERT_STATUS(HB_OK, a.recv(p.recv));
  EXPECT_EQ(99u, a.got().badge);
}

TEST_F(BadgeTest, MintNeedsSendAndDupRights) {
  TaskHandle a = spawn("a");
  PortPair p = a.port(HB_PORT_BOUNDED, 4);
  hb_handle_t send_only, out = -7;
  ASSERT_STATUS(HB_OK, a.dup(p.send, HB_RIGHT_SEND, &send_only));
  EXPECT_STATUS(HB_ERR_ACCESS, a.mint(send_only, 5, &out));
  EXPECT_STATUS(HB_ERR_ACCESS, a.mint(p.recv, 5, &out)) << "a receive right has no SEND";
  EXPECT_EQ(-7, out);
}

TEST_F(BadgeTest, DirectSendToATaskCarriesNoBadge) {
  TaskHandle a = spawn("a"), b = spawn("b");
  ASSERT_STATUS(HB_OK, a.send_task(b.id(), "direct"));
  ASSERT_STATUS(HB_OK, b.recv(HB_INBOX));
  EXPECT_EQ(0u, b.got().badge);
  EXPECT_EQ(a.id(), b.got().sender);
}

}  // namespace
}  // namespace harbor::test
