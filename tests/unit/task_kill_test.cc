// TaskKillTest: hb_task_kill (SPEC 3): only the parent may end a child; the child's wait then
// reports -9, everything it held is reclaimed and its peers see HB_ERR_PEER_CLOSED; a child
// that has exited keeps its own code; a bad id changes nothing.
#include "harness.h"

namespace harbor::test {
namespace {

class TaskKillTest : public Harness {
 protected:
  void SetUp() override {
    Harness::SetUp();
    arch::test::add_image("child");
    parent = spawn("parent");
  }
  hb_task_id_t child() {
    hb_task_id_t id = 0;
    EXPECT_STATUS(HB_OK, parent.spawn("child", "", {}, &id));
    return id;
  }
  int64_t kill(const TaskHandle& who, hb_task_id_t id) {
    return who.syscall(HB_SYS_TASK_KILL, id);
  }
  TaskHandle parent;
};

TEST_F(TaskKillTest, AKilledChildIsGoneAndItsWaitReportsMinusNine) {
  hb_task_id_t id = child();
  EXPECT_STATUS(HB_OK, kill(parent, id));
  ASSERT_NE(nullptr, kernel().find_task(id)) << "a zombie until its parent collects it";
  EXPECT_FALSE(adopt(id).alive());
  int32_t code = 0;
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_EQ(-9, code);
  EXPECT_EQ(nullptr, kernel().find_task(id));
}

TEST_F(TaskKillTest, ABlockedChildIsTakenOutOfItsWaitAndItsPortsDie) {
  hb_task_id_t id = child();
  TaskHandle kid = adopt(id);
  PortPair p = kid.port(HB_PORT_RENDEZVOUS, 0);
  hb_handle_t gift = HB_INVALID;
  ASSERT_STATUS(HB_OK, kid.dup(p.send, HB_RIGHTS_SAME, &gift));
  ASSERT_STATUS(HB_OK, kid.send_task(parent.id(), "port", {gift}));
  ASSERT_STATUS(HB_OK, parent.recv(HB_INBOX));
  hb_handle_t to_kid = parent.got().handles.at(0);
  ASSERT_STATUS(kernel::kBlocked, kid.recv(p.recv, HB_FOREVER));
  EXPECT_STATUS(HB_OK, kill(parent, id));
  EXPECT_FALSE(kid.alive());
  EXPECT_STATUS(HB_ERR_PEER_CLOSED, parent.send(to_kid, "anyone there?"));
  int32_t code = 0;
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_EQ(-9, code);
}

TEST_F(TaskKillTest, OnlyTheParentMayKill) {
  hb_task_id_t id = child();
  TaskHandle stranger = spawn("stranger");
  EXPECT_STATUS(HB_ERR_ACCESS, kill(stranger, id));
  EXPECT_STATUS(HB_ERR_ACCESS, kill(adopt(id), parent.id())) << "nor a child its parent";
  EXPECT_STATUS(HB_ERR_ACCESS, kill(parent, parent.id())) << "nor a task itself";
  EXPECT_TRUE(adopt(id).alive());
}

TEST_F(TaskKillTest, AnUnknownOrCollectedIdIsNotFound) {
  EXPECT_STATUS(HB_ERR_NOT_FOUND, kill(parent, 0));
  EXPECT_STATUS(HB_ERR_NOT_FOUND, kill(parent, 987654));
  hb_task_id_t id = child();
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(3));
  int32_t code = 0;
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_STATUS(HB_ERR_NOT_FOUND, kill(parent, id));
}

TEST_F(TaskKillTest, AChildThatExitedKeepsItsOwnCode) {
  hb_task_id_t id = child();
  ASSERT_STATUS(kernel::kBlocked, adopt(id).exit(42));
  EXPECT_STATUS(HB_OK, kill(parent, id));
  int32_t code = 0;
  ASSERT_STATUS(HB_OK, parent.wait(id, &code));
  EXPECT_EQ(42, code);
}

}  // namespace
}  // namespace harbor::test
