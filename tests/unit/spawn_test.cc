// SpawnTest: hb_task_spawn queues the start message (bytes = arguments, handles = first
// capabilities) in the child's inbox; only the parent may hb_task_wait; a killed child
// reports a negative code (SPEC 3).
#include "harness.h"

namespace harbor::test {
namespace {

class SpawnTest : public Harness {
 protected:
  void SetUp() override {
    Harness::SetUp();
    arch::test::add_image("child");
    parent = spawn("parent");
  }
  TaskHandle parent;
};

TEST_F(SpawnTest, StartMessageWaitsInTheChildsInboxWithItsHandles) {
  PortPair p = parent.port(HB_PORT_BOUNDED, 4);
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "--verbose", {p.send}, &id));
  EXPECT_NE(0u, id);
  EXPECT_STATUS(HB_ERR_BAD_HANDLE, parent.close(p.send)) << "the handle moved to the child";
  TaskHandle child = adopt(id);
  ASSERT_TRUE(child.alive());
  ASSERT_STATUS(HB_OK, child.recv(HB_INBOX));
  EXPECT_EQ("--verbose", child.got().data);
  EXPECT_EQ(parent.id(), child.got().sender);
  ASSERT_EQ(1u, child.got().handles.size());
  ASSERT_STATUS(HB_OK, child.send(child.got().handles[0], "hello parent"));
  ASSERT_STATUS(HB_OK, parent.recv(p.recv));
  EXPECT_EQ("hello parent", parent.got().data);
}

TEST_F(SpawnTest, AChildIsNamedAfterTheLastPartOfItsImagePath) {
  const char* image = "/usr/local/lib/harbor/images/echo-server";  // hosted images are paths
  arch::test::add_image(image);
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn(image, "", {}, &id));
  ASSERT_NE(nullptr, adopt(id).task());
  EXPECT_STREQ("echo-server", adopt(id).task()->name());
  EXPECT_STREQ("parent", parent.task()->name()) << "a name without a slash stays as it is";
}

TEST_F(SpawnTest, RootTaskStartMessageComesFromTheKernel) {
  TaskHandle root = spawn("root", /*keep_start=*/true);
  ASSERT_STATUS(HB_OK, root.recv(HB_INBOX));
  EXPECT_EQ(0u, root.got().sender);
}

TEST_F(SpawnTest, SpawnWithoutStartMessageQueuesAnEmptyOne) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.syscall(HB_SYS_TASK_SPAWN,
                                      reinterpret_cast<uint64_t>("child"), 0,
                                      reinterpret_cast<uint64_t>(&id)));
  TaskHandle child = adopt(id);
  ASSERT_STATUS(HB_OK, child.recv(HB_INBOX));
  EXPECT_EQ(0u, child.got().len);
}

TEST_F(SpawnTest, UnknownImageIsNotFoundAndChangesNothing) {
  PortPair p = parent.port(HB_PORT_BOUNDED, 4);
  uint32_t used = parent.handles_used();
  uint32_t tasks = kernel().task_count();
  hb_task_id_t id = 0;
  EXPECT_STATUS(HB_ERR_NOT_FOUND, parent.spawn("no-such-image", "args", {p.send}, &id));
  EXPECT_EQ(used, parent.handles_used()) << "the start handles stayed";
  EXPECT_EQ(uint32_t{HB_OBJ_PORT}, parent.info(p.send).type);
  EXPECT_EQ(0u, parent.queued_bytes());
  EXPECT_EQ(tasks, kernel().task_count());
}

TEST_F(SpawnTest, WaitOnAZombieReturnsItsExitCode) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(42));
  int32_t code = 0;
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_EQ(42, code);
}

TEST_F(SpawnTest, WaitBlocksUntilTheChildExits) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  int32_t code = 0;
  ASSERT_STATUS(kernel::kBlocked, parent.wait(id, &code, HB_FOREVER));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(7));
  EXPECT_RESUMED(parent, HB_OK);
  EXPECT_EQ(7, code);
  EXPECT_EQ(nullptr, kernel().find_task(id)) << "collected: the zombie is reaped";
}

TEST_F(SpawnTest, WaitWithNowaitOnARunningChildWouldBlock) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  int32_t code = 0;
  EXPECT_STATUS(HB_ERR_WOULD_BLOCK, parent.wait(id, &code, HB_NOWAIT));
}

TEST_F(SpawnTest, KilledChildReportsMinusNine) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  int32_t code = 0;
  ASSERT_STATUS(kernel::kBlocked, parent.wait(id, &code, HB_FOREVER));
  kernel().task_died(*adopt(id).task(), -9);
  EXPECT_RESUMED(parent, HB_OK);
  EXPECT_EQ(-9, code);
}

TEST_F(SpawnTest, OnlyTheParentMayWait) {
  TaskHandle stranger = spawn("stranger");
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(1));
  int32_t code = 0;
  EXPECT_STATUS(HB_ERR_ACCESS, stranger.wait(id, &code));
  EXPECT_NE(nullptr, kernel().find_task(id)) << "the stranger did not reap it";
  EXPECT_STATUS(HB_OK, parent.wait(id, &code));
}

TEST_F(SpawnTest, WaitOnAnUnknownOrCollectedTaskIsNotFound) {
  int32_t code = 0;
  EXPECT_STATUS(HB_ERR_NOT_FOUND, parent.wait(123456, &code));
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(0));
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_STATUS(HB_ERR_NOT_FOUND, parent.wait(id, &code)) << "already collected";
}

TEST_F(SpawnTest, WaitWithNullExitCodeIsAllowed) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(0));
  EXPECT_STATUS(HB_OK, parent.wait(id, nullptr));
}

TEST_F(SpawnTest, TaskIdsAreNeverReused) {
  std::vector<hb_task_id_t> ids;
  for (int i = 0; i < 5; ++i) {
    hb_task_id_t id = 0;
    ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
    for (hb_task_id_t old : ids) EXPECT_NE(old, id);
    ids.push_back(id);
    ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(0));
    ASSERT_STATUS(HB_OK, parent.wait(id, nullptr));
  }
}

TEST_F(SpawnTest, AnOldIdStaysUnknownWhenItsTableSlotIsReused) {
  // A task lives in slot id % kMaxTasks; ids still count up, so the task that takes over a
  // slot must not answer to the old id.
  TaskHandle first = spawn("first");
  hb_task_id_t old_id = first.id();
  ASSERT_STATUS(kernel::kBlocked, first.exit(0));
  TaskHandle sender = spawn("sender");
  TaskHandle same_slot;
  for (uint32_t i = 0; i < kernel::Kernel::kMaxTasks + 1; ++i) {
    TaskHandle t = spawn("filler");
    if (t.id() % kernel::Kernel::kMaxTasks == old_id % kernel::Kernel::kMaxTasks) {
      same_slot = t;
      break;
    }
    ASSERT_STATUS(kernel::kBlocked, t.exit(0));
  }
  ASSERT_NE(0u, same_slot.id()) << "no task landed in the old slot";
  EXPECT_NE(old_id, same_slot.id());
  EXPECT_STATUS(HB_ERR_NOT_FOUND, sender.send_task(old_id, "to the old id"));
  EXPECT_STATUS(HB_OK, sender.send_task(same_slot.id(), "to the new one"));
}

TEST_F(SpawnTest, TaskSelfReturnsTheId) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  EXPECT_EQ(static_cast<int64_t>(id), adopt(id).self());
  EXPECT_EQ(static_cast<int64_t>(parent.id()), parent.self());
}

TEST_F(SpawnTest, OrphanedChildRunsOnAndIsReapedWhenItExits) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, parent.exit(0));
  TaskHandle child = adopt(id);
  EXPECT_TRUE(child.alive());
  ASSERT_STATUS(kernel::kBlocked, child.exit(5));
  EXPECT_EQ(nullptr, kernel().find_task(id)) << "nobody can wait for it: reaped at once";
}

TEST_F(SpawnTest, ZombieChildIsReapedWhenItsParentExits) {
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(3));
  ASSERT_NE(nullptr, kernel().find_task(id)) << "a zombie, waiting for its parent";
  ASSERT_STATUS(kernel::kBlocked, parent.exit(0));
  EXPECT_EQ(nullptr, kernel().find_task(id)) << "nobody can collect it now";
}

TEST_F(SpawnTest, UnreadStartMessageIsDestroyedWhenTheChildExits) {
  PortPair p = parent.port(HB_PORT_BOUNDED, 1);
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "arguments", {p.send}, &id));
  EXPECT_GT(parent.queued_bytes(), 0u);
  ASSERT_STATUS(kernel::kBlocked, parent.recv(p.recv, HB_FOREVER));
  kernel().task_died(*adopt(id).task(), -11);
  EXPECT_RESUMED(parent, HB_ERR_PEER_CLOSED) << "the send right in the start message closed";
  EXPECT_EQ(0u, parent.queued_bytes());
  int32_t code = 0;
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_EQ(-11, code);
}

TEST_F(SpawnTest, InboxCannotBeGivenToAChild) {
  hb_task_id_t id = 0;
  EXPECT_STATUS(HB_ERR_ACCESS, parent.spawn("child", "", {HB_INBOX}, &id))
      << "the inbox has no TRANSFER right";
  EXPECT_EQ(0u, id);
}

TEST_F(SpawnTest, ChildExitClosesItsHandlesAndKillsItsPorts) {
  PortPair p = parent.port(HB_PORT_BOUNDED, 4);
  hb_task_id_t id = 0;
  ASSERT_STATUS(HB_OK, parent.spawn("child", "", {p.send}, &id));
  ASSERT_STATUS(kernel::kBlocked, parent.recv(p.recv, HB_FOREVER))
      << "the child holds the only send right (in its start message)";
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(0));
  EXPECT_RESUMED(parent, HB_ERR_PEER_CLOSED);
}

}  // namespace
}  // namespace harbor::test
