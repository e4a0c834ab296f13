// NameServiceBootstrapTest: how every task finds the name service (kernel/kernel.h
// "name-service-bootstrap", SPEC 7), independent of what the server says. The machine runs
// MachineOptions::name_server as its system task; here that is a small stand-in server of
// this test (it answers every call with the caller's id), so these tests pin the kernel's
// and the machine's part only: handle HB_NAME_SERVICE in every later task, its rights, that
// it cannot be closed or given away, the system task's reserved id, that wait_all does not
// wait for it, and that its death is HB_ERR_PEER_CLOSED for callers. The server itself is
// tested in tests/names/.
#include <gtest/gtest.h>
#include <harbor/sys.h>
#include <hosted/machine.h>
#include <kernel/kernel.h>
#include <kernel/task.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>

extern "C" const char hb_runtime_attach_explicitly = 1;
namespace harbor::runtime {
bool attach_channel(int fd);
}  // namespace harbor::runtime

namespace {

constexpr uint64_t kSecond = 1000000000ull;

// The stand-in name server: receives on its own HB_NAME_SERVICE (in the system task, the
// receive right of the service's port) and answers every call with the caller's task id; a
// call of "die" ends it (exit 5) without an answer.
int echo_server(int channel_fd) {
  if (!harbor::runtime::attach_channel(channel_fd)) return 127;
  close(channel_fd);
  hb_handle_info_t info{};
  if (hb_handle_info(HB_NAME_SERVICE, &info) != HB_OK || info.type != HB_OBJ_PORT ||
      !(info.rights & HB_RIGHT_RECV))
    return 1;
  if (hb_handle_close(HB_NAME_SERVICE) != HB_ERR_ACCESS) return 3;  // it cannot drop it
  const hb_handle_t port = HB_NAME_SERVICE;
  for (;;) {
    char request[16] = {};
    hb_handle_t handles[HB_MSG_HANDLES_MAX];
    hb_msg_in in{};
    in.data = request;
    in.cap = sizeof request;
    in.handles = handles;
    in.handle_cap = HB_MSG_HANDLES_MAX;
    if (hb_recv(port, &in, 0, HB_FOREVER) != HB_OK) return 2;
    for (uint32_t i = 0; i < in.handle_count; ++i) hb_handle_close(handles[i]);
    if (in.len == 3 && std::memcmp(request, "die", 3) == 0) return 5;
    hb_task_id_t who = in.sender;
    hb_msg_out answer{&who, sizeof who, 0, nullptr};
    if (in.reply != HB_INVALID) hb_reply(in.reply, &answer);
  }
}

class NameServiceBootstrapTest : public ::testing::Test {
 protected:
  void start_machine(bool with_name_service) {
    hosted::MachineOptions options;
    options.cores = 2;
    if (with_name_service) options.name_server = echo_server;
    m_machine = std::make_unique<hosted::Machine>(options);
  }
  hb_task_id_t spawn(std::function<int()> fn, const char* name) {
    hosted::Machine::Started started = m_machine->start_function(
        [fn](int channel_fd) {
          if (!harbor::runtime::attach_channel(channel_fd)) return 127;
          close(channel_fd);
          return fn();
        },
        name);
    EXPECT_EQ(HB_OK, started.status);
    return started.task;
  }
  int32_t exit_code(hb_task_id_t task) {
    hosted::Machine::Exit exit = m_machine->wait(task, 60 * kSecond);
    EXPECT_EQ(HB_OK, exit.status);
    return exit.code;
  }
  std::unique_ptr<hosted::Machine> m_machine;
};

// A call to HB_NAME_SERVICE: the answer's task id, or the failure as a negative number.
int64_t call_name_service(const char* text) {
  hb_task_id_t answer = 0;
  hb_msg_out out{text, static_cast<uint32_t>(std::strlen(text)), 0, nullptr};
  hb_msg_in in{};
  in.data = &answer;
  in.cap = sizeof answer;
  hb_status_t s = hb_call(HB_NAME_SERVICE, &out, &in, 10 * kSecond);
  return s == HB_OK ? static_cast<int64_t>(answer) : s;
}

TEST_F(NameServiceBootstrapTest, EveryTaskReachesTheServerThroughHandle2) {
  start_machine(true);
  hb_task_id_t first = spawn([] { return call_name_service("hi") == hb_task_self() ? 0 : 1; },
                             "first");
  hb_task_id_t second = spawn([] { return call_name_service("hi") == hb_task_self() ? 0 : 1; },
                              "second");
  EXPECT_EQ(1u, first) << "user tasks keep the ids 1, 2, ...: the server has a reserved one";
  EXPECT_EQ(2u, second);
  EXPECT_EQ(0, exit_code(first));
  EXPECT_EQ(0, exit_code(second));
}

TEST_F(NameServiceBootstrapTest, Handle2IsASendRightThatCannotBeClosedOrGivenAway) {
  start_machine(true);
  hb_task_id_t t = spawn(
      [] {
        hb_handle_info_t info{};
        if (hb_handle_info(HB_NAME_SERVICE, &info) != HB_OK) return 1;
        if (info.type != HB_OBJ_PORT) return 2;
        if (info.rights != (HB_RIGHT_SEND | HB_RIGHT_DUP)) return 3;
        if (hb_handle_close(HB_NAME_SERVICE) != HB_ERR_ACCESS) return 4;
        // No HB_RIGHT_TRANSFER: it cannot leave in a message (every task has its own).
        hb_handle_t r, s;
        if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s) != HB_OK) return 5;
        hb_handle_t give = HB_NAME_SERVICE;
        hb_msg_out m{"x", 1, 1, &give};
        if (hb_send(s, &m, 0, HB_NOWAIT) != HB_ERR_ACCESS) return 6;
        // A copy works like the original, and the copy can be closed.
        hb_handle_t copy = HB_INVALID;
        if (hb_handle_dup(HB_NAME_SERVICE, HB_RIGHT_SEND, &copy) != HB_OK) return 7;
        hb_task_id_t answer = 0;
        hb_msg_out out{"hi", 2, 0, nullptr};
        hb_msg_in in{};
        in.data = &answer;
        in.cap = sizeof answer;
        if (hb_call(copy, &out, &in, 10 * kSecond) != HB_OK || answer != hb_task_self()) return 8;
        if (hb_handle_close(copy) != HB_OK) return 9;
        return call_name_service("hi") == hb_task_self() ? 0 : 10;
      },
      "rights");
  EXPECT_EQ(0, exit_code(t));
}

TEST_F(NameServiceBootstrapTest, TheServerIsTheSystemTaskAndWaitAllDoesNotWaitForIt) {
  start_machine(true);
  bool found = false;
  m_machine->with_kernel([&](kernel::Kernel& k) {
    kernel::Task* server = k.find_task(kernel::Kernel::kSystemTaskId);
    found = server != nullptr;
    if (server) {
      EXPECT_STREQ("names", server->name());
      EXPECT_TRUE(server->has_name_service()) << "its handle 2 is the service's receive side";
    }
  });
  EXPECT_TRUE(found);
  hb_task_id_t t = spawn([] { return 0; }, "quick");
  EXPECT_EQ(0, exit_code(t));
  EXPECT_TRUE(m_machine->wait_all(10 * kSecond)) << "only the daemon is left";
}

// The service's receive right is never in transit (it is installed in the server's table,
// not sent in its start message), so a message carrying another receive right can go to
// the service at once, even before the server ran: hb_mailbox_open sends one.
TEST_F(NameServiceBootstrapTest, AReceiveRightCanBeSentToTheServiceFromTheStart) {
  start_machine(true);
  hb_task_id_t t = spawn(
      [] {
        hb_handle_t r, s;
        if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s) != HB_OK) return 1;
        hb_msg_out out{"hi", 2, 1, &r};
        hb_task_id_t answer = 0;
        hb_msg_in in{};
        in.data = &answer;
        in.cap = sizeof answer;
        return hb_call(HB_NAME_SERVICE, &out, &in, 10 * kSecond) == HB_OK ? 0 : 2;
      },
      "early");
  EXPECT_EQ(0, exit_code(t));
}

TEST_F(NameServiceBootstrapTest, AServerThatDiedIsPeerClosedForEveryCaller) {
  start_machine(true);
  hb_task_id_t killer = spawn(
      [] {
        hb_msg_out out{"die", 3, 0, nullptr};
        char buf[8];
        hb_msg_in in{};
        in.data = buf;
        in.cap = sizeof buf;
        // The server exits holding our request: the reply capability dies with it.
        return hb_call(HB_NAME_SERVICE, &out, &in, 10 * kSecond) == HB_ERR_PEER_CLOSED ? 0 : 1;
      },
      "killer");
  EXPECT_EQ(0, exit_code(killer));
  EXPECT_EQ(5, m_machine->wait(kernel::Kernel::kSystemTaskId, 10 * kSecond).code);
  hb_task_id_t later = spawn([] { return call_name_service("hi") == HB_ERR_PEER_CLOSED ? 0 : 1; },
                             "later");
  EXPECT_EQ(0, exit_code(later));
}

TEST_F(NameServiceBootstrapTest, WithoutANameServiceHandle2IsAnOrdinaryHandle) {
  start_machine(false);
  hb_task_id_t t = spawn(
      [] {
        hb_handle_info_t info{};
        if (hb_handle_info(HB_NAME_SERVICE, &info) != HB_ERR_BAD_HANDLE) return 1;
        hb_handle_t r, s;
        if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s) != HB_OK) return 2;
        if (r != HB_NAME_SERVICE) return 3;  // the first free slot, as before
        return hb_handle_close(r) == HB_OK ? 0 : 4;
      },
      "plain");
  EXPECT_EQ(1u, t);
  EXPECT_EQ(0, exit_code(t));
}

}  // namespace
