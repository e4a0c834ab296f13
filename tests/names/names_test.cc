// The name service end to end (SPEC 7, harbor/names.h, docs/names.md): the real server as
// the machine's system task, the client library in real task processes.
#include <harbor/names.h>
#include <harbor/names.hpp>
#include <sys/mman.h>

#include <cstring>
#include <string>

#include "names_machine.h"

extern "C" const char hb_runtime_attach_explicitly = 1;

namespace {

using names_test::kMs;
using names_test::kSecond;
using names_test::NamesMachineTest;
using names_test::sleep_ns;

using NameServiceTest = NamesMachineTest;

// ---- register, lookup, unregister ------------------------------------------------------------

TEST_F(NameServiceTest, ALookedUpHandleReachesTheRegisteredPort) {
  EXPECT_EQ(0, run([] {
    hb_handle_t rx, tx, found = HB_INVALID;
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 4, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_name_register("echo", tx), HB_OK);
    TASK_EXPECT(hb_name_lookup("echo", HB_RIGHTS_SAME, HB_NOWAIT, &found), HB_OK);
    TASK_EXPECT(found != tx, true);  // a new handle; the caller kept its own
    hb_msg_out m{"ping", 4, 0, nullptr};
    TASK_EXPECT(hb_send(found, &m, 0, HB_NOWAIT), HB_OK);
    char buf[8];
    hb_msg_in in{};
    in.data = buf;
    in.cap = sizeof buf;
    TASK_EXPECT(hb_recv(rx, &in, 0, HB_NOWAIT), HB_OK);
    TASK_EXPECT(in.len, 4);
    TASK_EXPECT(hb_name_unregister("echo"), HB_OK);
    TASK_EXPECT(hb_name_lookup("echo", HB_RIGHTS_SAME, HB_NOWAIT, &found), HB_ERR_NOT_FOUND);
    TASK_EXPECT(hb_name_unregister("echo"), HB_ERR_NOT_FOUND);
    return 0;
  }));
}

TEST_F(NameServiceTest, AServerAndAClientFindEachOtherByName) {
  auto server = spawn([] {
    hb_handle_t rx, tx;
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 4, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_name_register("greeter", tx), HB_OK);
    char buf[16];
    hb_msg_in in{};
    in.data = buf;
    in.cap = sizeof buf;
    TASK_EXPECT(hb_recv(rx, &in, 0, 20 * kSecond), HB_OK);
    hb_msg_out answer{"hello", 5, 0, nullptr};
    TASK_EXPECT(hb_reply(in.reply, &answer), HB_OK);
    return 0;
  }, "server");
  auto client = spawn([] {
    hb_handle_t greeter;
    TASK_EXPECT(hb_name_lookup("greeter", HB_RIGHT_SEND, HB_FOREVER, &greeter), HB_OK);
    char buf[16];
    hb_msg_out out{"hi", 2, 0, nullptr};
    hb_msg_in in{};
    in.data = buf;
    in.cap = sizeof buf;
    TASK_EXPECT(hb_call(greeter, &out, &in, 20 * kSecond), HB_OK);
    TASK_EXPECT(std::string(buf, in.len) == "hello", true);
    return 0;
  }, "client");
  EXPECT_EQ(0, exit_code(client));
  EXPECT_EQ(0, exit_code(server));
}

TEST_F(NameServiceTest, LookupGivesExactlyTheRightsAskedAndNeverMore) {
  EXPECT_EQ(0, run([] {
    hb_handle_t rx, tx, h;
    hb_handle_info_t info{};
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 4, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_name_register("rights", tx), HB_OK);  // SEND|DUP|TRANSFER
    TASK_EXPECT(hb_name_lookup("rights", HB_RIGHT_SEND, HB_NOWAIT, &h), HB_OK);
    TASK_EXPECT(hb_handle_info(h, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_SEND);
    TASK_EXPECT(hb_name_lookup("rights", HB_RIGHT_SEND | HB_RIGHT_DUP, HB_NOWAIT, &h), HB_OK);
    TASK_EXPECT(hb_handle_info(h, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_SEND | HB_RIGHT_DUP);
    TASK_EXPECT(hb_name_lookup("rights", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_OK);
    TASK_EXPECT(hb_handle_info(h, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER);
    TASK_EXPECT(hb_name_lookup("rights", HB_RIGHT_SEND | HB_RIGHT_RECV, HB_NOWAIT, &h),
                HB_ERR_ACCESS);
    TASK_EXPECT(hb_name_lookup("rights", HB_RIGHT_MANAGE, HB_NOWAIT, &h), HB_ERR_ACCESS);
    TASK_EXPECT(hb_name_lookup("rights", 0x100, HB_NOWAIT, &h), HB_ERR_INVALID_ARG);
    return 0;
  }));
}

TEST_F(NameServiceTest, RegisterNeedsDupAndTransferAndALiveObject) {
  EXPECT_EQ(0, run([] {
    hb_handle_t rx, tx, no_dup, no_transfer;
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 4, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_handle_dup(tx, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &no_dup), HB_OK);
    TASK_EXPECT(hb_handle_dup(tx, HB_RIGHT_SEND | HB_RIGHT_DUP, &no_transfer), HB_OK);
    TASK_EXPECT(hb_name_register("a", no_dup), HB_ERR_ACCESS);
    TASK_EXPECT(hb_name_register("a", no_transfer), HB_ERR_ACCESS);
    TASK_EXPECT(hb_name_register("a", 0x7777), HB_ERR_BAD_HANDLE);
    TASK_EXPECT(hb_name_register("a", HB_INVALID), HB_ERR_BAD_HANDLE);
    TASK_EXPECT(hb_handle_close(rx), HB_OK);  // the port dies
    TASK_EXPECT(hb_name_register("a", tx), HB_ERR_PEER_CLOSED);
    hb_handle_t h;
    TASK_EXPECT(hb_name_lookup("a", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    // The handles the failed calls used are all still the caller's.
    hb_handle_info_t info;
    TASK_EXPECT(hb_handle_info(no_dup, &info), HB_OK);
    TASK_EXPECT(hb_handle_info(no_transfer, &info), HB_OK);
    return 0;
  }));
}

TEST_F(NameServiceTest, ATakenNameIsAlreadyExistsForEveryone) {
  EXPECT_EQ(0, run([] {
    hb_handle_t sem;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("taken", sem), HB_OK);
    TASK_EXPECT(hb_name_register("taken", sem), HB_ERR_ALREADY_EXISTS);
    return 0;
  }));
  EXPECT_EQ(0, run([] {  // the first task exited: its name is free again
    hb_handle_t sem;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("taken", sem), HB_OK);
    return 0;
  }));
  auto holder = spawn([] {
    hb_handle_t sem;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("held", sem), HB_OK);
    sleep_ns(60 * kSecond);  // stays alive, holding the name, until killed
    return 0;
  }, "holder");
  EXPECT_EQ(0, run([] {
    hb_handle_t sem, h;
    TASK_EXPECT(hb_name_lookup("held", HB_RIGHTS_SAME, 20 * kSecond, &h), HB_OK);
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("held", sem), HB_ERR_ALREADY_EXISTS);
    TASK_EXPECT(hb_name_unregister("held"), HB_ERR_ACCESS);  // not its name
    return 0;
  }));
  m_machine->kill(holder);
  exit_code(holder);
}

// ---- waiting lookups ---------------------------------------------------------------------------

TEST_F(NameServiceTest, AWaitingLookupIsAnsweredWhenTheNameAppears) {
  auto waiter = spawn([] {
    hb_handle_t sem, h;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("waiter.ready", sem), HB_OK);
    TASK_EXPECT(hb_name_lookup("late", HB_RIGHTS_SAME, HB_FOREVER, &h), HB_OK);
    hb_handle_info_t info;
    TASK_EXPECT(hb_handle_info(h, &info), HB_OK);
    TASK_EXPECT(info.type, HB_OBJ_SEMAPHORE);
    return 0;
  }, "waiter");
  auto registrant = spawn([] {
    hb_handle_t ready, sem;
    TASK_EXPECT(hb_name_lookup("waiter.ready", HB_RIGHTS_SAME, HB_FOREVER, &ready), HB_OK);
    sleep_ns(50 * kMs);  // most likely the waiter waits in the server by now
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("late", sem), HB_OK);
    sleep_ns(60 * kSecond);  // keeps the name alive until the waiter has it (killed below)
    return 0;
  }, "registrant");
  EXPECT_EQ(0, exit_code(waiter));
  m_machine->kill(registrant);
  exit_code(registrant);
}

TEST_F(NameServiceTest, NowaitIsNotFoundAndATimeoutIsTimedOut) {
  EXPECT_EQ(0, run([] {
    hb_handle_t h;
    TASK_EXPECT(hb_name_lookup("nobody", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    uint64_t before = hb_clock_ns();
    TASK_EXPECT(hb_name_lookup("nobody", HB_RIGHTS_SAME, 30 * kMs, &h), HB_ERR_TIMED_OUT);
    TASK_EXPECT(hb_clock_ns() - before >= 30 * kMs, true);  // not before the deadline
    return 0;
  }));
}

TEST_F(NameServiceTest, SeveralLookupsWaitingForOneNameAreAllAnswered) {
  auto waiting = [] {
    hb_handle_t h;
    TASK_EXPECT(hb_name_lookup("many", HB_RIGHT_SEND, 30 * kSecond, &h), HB_OK);
    hb_handle_info_t info;
    TASK_EXPECT(hb_handle_info(h, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_SEND);
    return 0;
  };
  hb_task_id_t waiters[4];
  for (auto& w : waiters) w = spawn(waiting, "waiting");
  auto registrant = spawn([] {
    hb_handle_t rx, tx;
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 1, 0, &rx, &tx), HB_OK);
    sleep_ns(30 * kMs);
    TASK_EXPECT(hb_name_register("many", tx), HB_OK);
    sleep_ns(30 * kSecond);
    return 0;
  }, "registrant");
  for (auto w : waiters) EXPECT_EQ(0, exit_code(w));
  m_machine->kill(registrant);
  exit_code(registrant);
}

// ---- who may unregister, and when names vanish ---------------------------------------------------

TEST_F(NameServiceTest, OnlyTheRegistrantMayUnregister) {
  auto owner = spawn([] {
    hb_handle_t sem, h;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("mine", sem), HB_OK);
    TASK_EXPECT(hb_name_lookup("other.done", HB_RIGHTS_SAME, 30 * kSecond, &h), HB_OK);
    TASK_EXPECT(hb_name_unregister("mine"), HB_OK);
    return 0;
  }, "owner");
  auto other = spawn([] {
    hb_handle_t h, sem;
    TASK_EXPECT(hb_name_lookup("mine", HB_RIGHTS_SAME, 30 * kSecond, &h), HB_OK);
    TASK_EXPECT(hb_name_unregister("mine"), HB_ERR_ACCESS);
    TASK_EXPECT(hb_name_lookup("mine", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_OK);  // still there
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("other.done", sem), HB_OK);
    sleep_ns(60 * kSecond);  // until the owner has seen other.done (killed below)
    return 0;
  }, "other");
  EXPECT_EQ(0, exit_code(owner));
  m_machine->kill(other);
  EXPECT_EQ(-9, exit_code(other)) << "killed while sleeping: every check before passed";
}

TEST_F(NameServiceTest, ARegistrantsNamesVanishWhenItExits) {
  EXPECT_EQ(0, run([] {
    hb_handle_t sem, region;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_region_create(4096, 0, &region), HB_OK);
    // Objects that outlive the task (the server holds copies): only the lifeline says it left.
    TASK_EXPECT(hb_name_register("exit.sem", sem), HB_OK);
    TASK_EXPECT(hb_name_register("exit.region", region), HB_OK);
    return 0;
  }, "registrant"));
  EXPECT_EQ(0, run([] {
    hb_handle_t h;
    TASK_EXPECT(hb_name_lookup("exit.sem", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    TASK_EXPECT(hb_name_lookup("exit.region", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    TASK_EXPECT(hb_sem_create(0, 1, &h), HB_OK);
    TASK_EXPECT(hb_name_register("exit.sem", h), HB_OK);  // free for someone else
    return 0;
  }, "after"));
}

TEST_F(NameServiceTest, ARegistrantsNamesVanishWhenItIsKilled) {
  uint32_t before = server_handles();
  auto victim = spawn([] {
    hb_handle_t sem;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    for (const char* name : {"killed.a", "killed.b", "killed.c"})
      TASK_EXPECT(hb_name_register(name, sem), HB_OK);
    sleep_ns(60 * kSecond);
    return 0;
  }, "victim");
  EXPECT_EQ(0, run([] {
    hb_handle_t h;
    TASK_EXPECT(hb_name_lookup("killed.c", HB_RIGHTS_SAME, 30 * kSecond, &h), HB_OK);
    return 0;
  }, "watcher"));
  EXPECT_TRUE(m_machine->kill(victim));
  EXPECT_EQ(-9, exit_code(victim));
  EXPECT_EQ(0, run([] {
    hb_handle_t h;
    for (const char* name : {"killed.a", "killed.b", "killed.c"})
      TASK_EXPECT(hb_name_lookup(name, HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    return 0;
  }, "after"));
  EXPECT_EQ(before, server_handles()) << "the server still holds the dead task's handles";
}

TEST_F(NameServiceTest, APortsNameVanishesWhenThePortDies) {
  EXPECT_EQ(0, run([] {
    hb_handle_t rx, tx, h;
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 1, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_name_register("short.lived", tx), HB_OK);
    TASK_EXPECT(hb_handle_close(rx), HB_OK);  // the port dies; the registrant lives on
    TASK_EXPECT(hb_name_lookup("short.lived", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 1, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_name_register("short.lived", tx), HB_OK);  // the name is free again
    return 0;
  }));
}

// ---- bad names and bad pointers ------------------------------------------------------------------

TEST_F(NameServiceTest, InvalidNamesAreInvalidArgAndBadPointersFault) {
  EXPECT_EQ(0, run([] {
    hb_handle_t sem, h;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    std::string longest(HB_NAME_MAX, 'x'), too_long(HB_NAME_MAX + 1, 'x');
    TASK_EXPECT(hb_name_register(longest.c_str(), sem), HB_OK);
    TASK_EXPECT(hb_name_register(too_long.c_str(), sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_register("", sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_register("a b", sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_register("kv@alpha", sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_register("a/b", sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_register("\xc3\xa9t\xc3\xa9", sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_register(nullptr, sem), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_lookup(nullptr, HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_unregister(""), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_name_lookup(longest.c_str(), HB_RIGHTS_SAME, HB_NOWAIT, nullptr),
                HB_ERR_INVALID_ARG);
    // Not NUL-terminated within 64 bytes: 100 letters, no NUL for a long way.
    char unterminated[100];
    std::memset(unterminated, 'a', sizeof unterminated);
    TASK_EXPECT(hb_name_lookup(unterminated, HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_INVALID_ARG);
    // Pointers the task does not own: an error, never a crash of the caller.
    const char* wild = reinterpret_cast<const char*>(0x10);
    TASK_EXPECT(hb_name_register(wild, sem), HB_ERR_FAULT);
    TASK_EXPECT(hb_name_lookup(wild, HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_FAULT);
    TASK_EXPECT(hb_name_unregister(wild), HB_ERR_FAULT);
    TASK_EXPECT(hb_region_open(wild, 4096, HB_RIGHTS_SAME, &h), HB_ERR_FAULT);
    TASK_EXPECT(hb_name_lookup(longest.c_str(), HB_RIGHTS_SAME, HB_NOWAIT,
                               reinterpret_cast<hb_handle_t*>(0x10)),
                HB_ERR_FAULT);
    // A name that ends right before an unmapped page is read without touching that page;
    // one that runs into it is a fault.
    char* pages = static_cast<char*>(
        mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    TASK_EXPECT(pages != MAP_FAILED, true);
    TASK_EXPECT(munmap(pages + 4096, 4096), 0);
    std::memcpy(pages + 4096 - 5, "edge", 5);
    TASK_EXPECT(hb_name_register(pages + 4096 - 5, sem), HB_OK);
    std::memcpy(pages + 4096 - 4, "edge", 4);  // no NUL before the hole
    TASK_EXPECT(hb_name_lookup(pages + 4096 - 4, HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_FAULT);
    return 0;
  }));
}

// ---- limits ------------------------------------------------------------------------------------

TEST_F(NameServiceTest, ATaskMayHoldAtMostNamesPerTaskNames) {
  EXPECT_EQ(0, run([] {
    hb_handle_t sem;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    char name[32];
    for (int i = 0; i < HB_NAMES_PER_TASK; ++i) {
      std::snprintf(name, sizeof name, "limit.%d", i);
      TASK_EXPECT(hb_name_register(name, sem), HB_OK);
    }
    TASK_EXPECT(hb_name_register("limit.one.more", sem), HB_ERR_NO_MEMORY);
    TASK_EXPECT(hb_name_unregister("limit.7"), HB_OK);
    TASK_EXPECT(hb_name_register("limit.one.more", sem), HB_OK);
    return 0;
  }));
}

TEST_F(NameServiceTest, TenThousandNamesAreAllFound) {
  constexpr int kTasks = 3, kEach = 3334;  // 10 002 names, under the per-task limit
  uint32_t before = server_handles();
  for (int t = 0; t < kTasks; ++t) {
    spawn([t] {
      hb_handle_t rx, tx;
      TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 1, 0, &rx, &tx), HB_OK);
      char name[32];
      for (int i = 0; i < kEach; ++i) {
        std::snprintf(name, sizeof name, "bulk.%d.%d", t, i);
        TASK_EXPECT(hb_name_register(name, tx), HB_OK);
      }
      std::snprintf(name, sizeof name, "bulk.done.%d", t);
      TASK_EXPECT(hb_name_register(name, tx), HB_OK);
      sleep_ns(120 * kSecond);  // keep them until killed
      return 0;
    }, "bulk");
  }
  EXPECT_EQ(0, run([] {
    hb_handle_t h;
    char name[32];
    for (int t = 0; t < kTasks; ++t) {
      std::snprintf(name, sizeof name, "bulk.done.%d", t);
      TASK_EXPECT(hb_name_lookup(name, HB_RIGHTS_SAME, 60 * kSecond, &h), HB_OK);
      TASK_EXPECT(hb_handle_close(h), HB_OK);
    }
    for (int t = 0; t < kTasks; ++t)
      for (int i = 0; i < kEach; ++i) {
        std::snprintf(name, sizeof name, "bulk.%d.%d", t, i);
        TASK_EXPECT(hb_name_lookup(name, HB_RIGHT_SEND, HB_NOWAIT, &h), HB_OK);
        TASK_EXPECT(hb_handle_close(h), HB_OK);
      }
    return 0;
  }, "reader"));
  EXPECT_GE(server_handles(), before + kTasks * kEach) << "one handle per name, held by the server";
}

// ---- OS-owned names: mailboxes and regions ---------------------------------------------------------

TEST_F(NameServiceTest, AMailboxIsSharedByItsReceiversAndOutlivesItsCreator) {
  EXPECT_EQ(0, run([] {  // makes it, and is gone
    hb_handle_t tx;
    TASK_EXPECT(hb_mailbox_open("jobs", HB_PORT_BOUNDED, 16, nullptr, &tx), HB_OK);
    hb_handle_info_t info;
    TASK_EXPECT(hb_handle_info(tx, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER);
    return 0;
  }, "creator"));
  auto receiver = [] {
    hb_handle_t rx;
    TASK_EXPECT(hb_mailbox_open("jobs", HB_PORT_BOUNDED, 16, &rx, nullptr), HB_OK);
    int jobs = 0;
    for (;;) {
      char buf[8];
      hb_msg_in in{};
      in.data = buf;
      in.cap = sizeof buf;
      TASK_EXPECT(hb_recv(rx, &in, 0, 30 * kSecond), HB_OK);
      if (in.len == 4 && std::memcmp(buf, "stop", 4) == 0) return 100 + jobs;
      ++jobs;
    }
  };
  auto a = spawn(receiver, "receiver");
  auto b = spawn(receiver, "receiver");
  EXPECT_EQ(0, run([] {
    hb_handle_t rx, tx;
    TASK_EXPECT(hb_mailbox_open("jobs", HB_PORT_RENDEZVOUS, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_handle_close(rx), HB_OK);  // a receive right closed: the mailbox lives on
    for (int i = 0; i < 20; ++i) {
      hb_msg_out m{"job", 3, 0, nullptr};
      TASK_EXPECT(hb_send(tx, &m, 0, 30 * kSecond), HB_OK);
    }
    for (int i = 0; i < 2; ++i) {
      hb_msg_out m{"stop", 4, 0, nullptr};
      TASK_EXPECT(hb_send(tx, &m, 0, 30 * kSecond), HB_OK);
    }
    return 0;
  }, "sender"));
  int ja = exit_code(a) - 100, jb = exit_code(b) - 100;
  EXPECT_EQ(20, ja + jb) << "every job exactly once, to one of the receivers";
  EXPECT_GE(ja, 0);
  EXPECT_GE(jb, 0);
  EXPECT_EQ(0, run([] {  // anyone may remove an OS-owned name
    hb_handle_t h;
    TASK_EXPECT(hb_name_lookup("jobs", HB_RIGHT_SEND, HB_NOWAIT, &h), HB_OK);
    TASK_EXPECT(hb_name_unregister("jobs"), HB_OK);
    TASK_EXPECT(hb_name_lookup("jobs", HB_RIGHT_SEND, HB_NOWAIT, &h), HB_ERR_NOT_FOUND);
    return 0;
  }));
}

TEST_F(NameServiceTest, ARegionByNameOutlivesItsProducerUntilUnlinked) {
  EXPECT_EQ(0, run([] {
    hb_handle_t region;
    void* at = nullptr;
    TASK_EXPECT(hb_region_open("shm.data", 4096, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP,
                               &region), HB_OK);
    hb_handle_info_t info;
    TASK_EXPECT(hb_handle_info(region, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP);
    TASK_EXPECT(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), HB_OK);
    std::memcpy(at, "produced", 9);
    return 0;  // exits: the region stays, named
  }, "producer"));
  EXPECT_EQ(0, run([] {
    hb_handle_t region, again;
    void* at = nullptr;
    TASK_EXPECT(hb_region_open("shm.data", 0, HB_RIGHT_READ | HB_RIGHT_MAP, &region), HB_OK);
    hb_handle_info_t info;
    TASK_EXPECT(hb_handle_info(region, &info), HB_OK);
    TASK_EXPECT(info.rights, HB_RIGHT_READ | HB_RIGHT_MAP);
    TASK_EXPECT(hb_region_map(region, HB_RIGHT_READ, &at), HB_OK);
    TASK_EXPECT(std::strcmp(static_cast<const char*>(at), "produced"), 0);
    TASK_EXPECT(hb_region_open("shm.data", 0, HB_RIGHT_MANAGE, &again), HB_ERR_ACCESS);
    TASK_EXPECT(hb_name_unregister("shm.data"), HB_OK);  // shm_unlink
    TASK_EXPECT(hb_region_open("shm.data", 0, HB_RIGHT_READ, &again), HB_ERR_NOT_FOUND);
    TASK_EXPECT(std::strcmp(static_cast<const char*>(at), "produced"), 0);  // mapping stays
    return 0;
  }, "consumer"));
}

TEST_F(NameServiceTest, TasksOpeningANewNameAtOnceGetTheSameObject) {
  constexpr int kOpeners = 4;
  for (int i = 0; i < kOpeners; ++i) {
    spawn([i] {
      hb_handle_t region;
      void* at = nullptr;
      TASK_EXPECT(hb_region_open("race", 4096, HB_RIGHTS_SAME, &region), HB_OK);
      TASK_EXPECT(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), HB_OK);
      static_cast<volatile uint64_t*>(at)[i] = 1000 + i;
      hb_handle_t rx, tx;  // mailboxes race the same way
      TASK_EXPECT(hb_mailbox_open("race.box", HB_PORT_UNBOUNDED, 0, &rx, &tx), HB_OK);
      hb_msg_out m{&i, sizeof i, 0, nullptr};
      TASK_EXPECT(hb_send(tx, &m, 0, HB_NOWAIT), HB_OK);
      return 0;
    }, "opener");
  }
  EXPECT_TRUE(m_machine->wait_all(60 * kSecond));
  EXPECT_EQ(0, run([] {
    hb_handle_t region, rx;
    void* at = nullptr;
    TASK_EXPECT(hb_region_open("race", 0, HB_RIGHT_READ | HB_RIGHT_MAP, &region), HB_OK);
    TASK_EXPECT(hb_region_map(region, HB_RIGHT_READ, &at), HB_OK);
    for (int i = 0; i < kOpeners; ++i)
      TASK_EXPECT(static_cast<volatile uint64_t*>(at)[i], 1000 + i);
    TASK_EXPECT(hb_mailbox_open("race.box", HB_PORT_UNBOUNDED, 0, &rx, nullptr), HB_OK);
    for (int i = 0; i < kOpeners; ++i) {
      int who;
      hb_msg_in in{};
      in.data = &who;
      in.cap = sizeof who;
      TASK_EXPECT(hb_recv(rx, &in, 0, HB_NOWAIT), HB_OK);
    }
    return 0;
  }, "checker"));
}

TEST_F(NameServiceTest, OpenCallsRefuseNamesOfOtherKinds) {
  EXPECT_EQ(0, run([] {
    hb_handle_t rx, tx, h;
    TASK_EXPECT(hb_port_create(HB_PORT_BOUNDED, 1, 0, &rx, &tx), HB_OK);
    TASK_EXPECT(hb_name_register("plain.port", tx), HB_OK);
    TASK_EXPECT(hb_mailbox_open("plain.port", HB_PORT_BOUNDED, 1, &h, nullptr), HB_ERR_WRONG_TYPE);
    TASK_EXPECT(hb_region_open("plain.port", 4096, HB_RIGHTS_SAME, &h), HB_ERR_WRONG_TYPE);
    TASK_EXPECT(hb_mailbox_open("box", HB_PORT_BOUNDED, 1, nullptr, &h), HB_OK);
    TASK_EXPECT(hb_region_open("box", 0, HB_RIGHTS_SAME, &h), HB_ERR_WRONG_TYPE);
    TASK_EXPECT(hb_region_open("no.such", 0, HB_RIGHTS_SAME, &h), HB_ERR_NOT_FOUND);
    TASK_EXPECT(hb_mailbox_open("bad.mode", 9, 1, &h, nullptr), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_mailbox_open("bad.mode", HB_PORT_BOUNDED, 1, nullptr, nullptr),
                HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_region_open("too.big", 1ull << 40, HB_RIGHTS_SAME, &h), HB_ERR_INVALID_ARG);
    TASK_EXPECT(hb_region_open("bad.rights", 4096, HB_RIGHT_SEND, &h), HB_ERR_ACCESS);
    return 0;
  }));
}

// ---- the C++ wrapper -----------------------------------------------------------------------------

TEST_F(NameServiceTest, TheCppWrapperReturnsHandlesThatCloseThemselves) {
  EXPECT_EQ(0, run([] {
    auto port = harbor::Port::create(HB_PORT_BOUNDED, 2);
    TASK_EXPECT(port.ok(), true);
    TASK_EXPECT(harbor::names::register_name("cpp.echo", port->send).error(), HB_OK);
    auto echo = harbor::names::lookup("cpp.echo", HB_RIGHT_SEND);
    TASK_EXPECT(echo.error(), HB_OK);
    TASK_EXPECT(harbor::send(*echo, harbor::as_bytes("hi")).error(), HB_OK);
    TASK_EXPECT(harbor::names::lookup("cpp.none").error(), HB_ERR_NOT_FOUND);
    auto box = harbor::names::mailbox_open("cpp.box");
    TASK_EXPECT(box.error(), HB_OK);
    TASK_EXPECT(harbor::names::region_open("cpp.shm", 0).error(), HB_ERR_NOT_FOUND);
    TASK_EXPECT(harbor::names::region_open("cpp.shm", 4096).error(), HB_OK);
    TASK_EXPECT(harbor::names::unregister("cpp.echo").error(), HB_OK);
    return 0;
  }));
}

// ---- no service ------------------------------------------------------------------------------------

TEST_F(NameServiceTest, WithoutANameServiceEveryCallIsBadHandle) {
  start_machine(false);
  EXPECT_EQ(0, run([] {
    hb_handle_t sem, h;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("x", sem), HB_ERR_BAD_HANDLE);
    TASK_EXPECT(hb_name_lookup("x", HB_RIGHTS_SAME, HB_NOWAIT, &h), HB_ERR_BAD_HANDLE);
    TASK_EXPECT(hb_name_unregister("x"), HB_ERR_BAD_HANDLE);
    return 0;
  }));
}

TEST_F(NameServiceTest, ADeadServiceIsPeerClosed) {
  EXPECT_TRUE(m_machine->kill(kernel::Kernel::kSystemTaskId));
  m_machine->wait(kernel::Kernel::kSystemTaskId, 10 * kSecond);
  EXPECT_EQ(0, run([] {
    hb_handle_t sem, h;
    TASK_EXPECT(hb_sem_create(0, 1, &sem), HB_OK);
    TASK_EXPECT(hb_name_register("x", sem), HB_ERR_PEER_CLOSED);
    TASK_EXPECT(hb_name_lookup("x", HB_RIGHTS_SAME, HB_FOREVER, &h), HB_ERR_PEER_CLOSED);
    return 0;
  }));
}

}  // namespace
