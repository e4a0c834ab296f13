// tests/pipes/fifo_test.cc - named pipes (hb_fifo_create, hb_fifo_open; docs/pipes.md "Named
// pipes") between real task processes, with the machine's real name service: writers and a
// reader meet by name, end of file still comes (the trap: a write end held by the name
// service would prevent it), a dead writer or reader is noticed, late writers join the next
// open, and every bad argument has its status.
#include <gtest/gtest.h>
#include <harbor/names.h>
#include <harbor/pipe.h>
#include <harbor/testing.hpp>

#include <string>
#include <vector>

namespace {

using harbor::testing::Machine;
using harbor::testing::Start;

constexpr hb_time_t kSecond = 1'000'000'000ull;

std::string read_all(hb_handle_t r) {
  std::string all;
  char buf[256];
  for (;;) {
    int64_t n = hb_pipe_read(r, buf, sizeof buf, 10 * kSecond);
    if (n == 0) return all;
    if (n < 0) {
      ADD_FAILURE() << "hb_pipe_read: " << hb_strerror(static_cast<hb_status_t>(n));
      return all;
    }
    all.append(buf, static_cast<size_t>(n));
  }
}

// A task that opens `name` for writing, writes `text`, and closes (or, with `stay`, blocks
// until killed while holding its end).
hb_task_id_t spawn_writer(Machine& machine, const std::string& name, const std::string& text,
                          bool stay = false) {
  return machine.spawn([name, text, stay]() {
    hb_handle_t w = HB_INVALID;
    hb_status_t s = hb_fifo_open(name.c_str(), HB_PIPE_WRITE, 10 * kSecond, &w);
    if (s != HB_OK) return 10 - s;
    if (hb_pipe_write(w, text.data(), static_cast<uint32_t>(text.size()), 10 * kSecond) !=
        static_cast<int64_t>(text.size()))
      return 2;
    if (stay) {
      char byte;
      hb_msg_in in{};
      in.data = &byte;
      in.cap = 1;
      for (;;) hb_recv(HB_INBOX, &in, 0, HB_FOREVER);
    }
    return hb_pipe_close(w) == HB_OK ? 0 : 3;
  }, {}, "writer");
}

TEST(Fifo, AWriterAndAReaderMeetByNameAndTheReaderSeesEndOfFile) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("logs", 0), HB_OK);
  hb_task_id_t writer = spawn_writer(machine, "logs", "hello by name");
  hb_handle_t r = HB_INVALID;
  ASSERT_EQ(hb_fifo_open("logs", HB_PIPE_READ, 10 * kSecond, &r), HB_OK);
  EXPECT_EQ(read_all(r), "hello by name")
      << "end of file although the name service still knows `logs`";
  EXPECT_EQ(machine.wait(writer), 0);
  EXPECT_EQ(hb_pipe_close(r), HB_OK);
}

TEST(Fifo, EveryReaderOpenIsASessionAndLateWritersJoinTheNextOne) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("jobs", 0), HB_OK);
  std::vector<hb_task_id_t> writers;
  for (int i = 0; i < 3; ++i) writers.push_back(spawn_writer(machine, "jobs", "<" + std::to_string(i) + ">"));
  // Read sessions until every writer's text has arrived; each session ends with end of file.
  std::string all;
  for (int session = 0; session < 3 && all.size() < 9; ++session) {
    hb_handle_t r = HB_INVALID;
    ASSERT_EQ(hb_fifo_open("jobs", HB_PIPE_READ, 10 * kSecond, &r), HB_OK) << "session " << session;
    all += read_all(r);
    EXPECT_EQ(hb_pipe_close(r), HB_OK);
  }
  EXPECT_EQ(all.size(), 9u) << all;
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(all.find("<" + std::to_string(i) + ">"), std::string::npos) << all;
  for (hb_task_id_t t : writers) EXPECT_EQ(machine.wait(t), 0);
}

TEST(Fifo, AWriterThatDiesEndsItsSession) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("doomed", 0), HB_OK);
  hb_task_id_t writer = spawn_writer(machine, "doomed", "last", /*stay=*/true);
  hb_handle_t r = HB_INVALID;
  ASSERT_EQ(hb_fifo_open("doomed", HB_PIPE_READ, 10 * kSecond, &r), HB_OK);
  char buf[8];
  ASSERT_EQ(hb_pipe_read(r, buf, sizeof buf, 10 * kSecond), 4);
  EXPECT_TRUE(machine.kill(writer));
  EXPECT_EQ(hb_pipe_read(r, buf, sizeof buf, 10 * kSecond), 0) << "its end died with it";
  EXPECT_EQ(machine.wait(writer), -9);
}

TEST(Fifo, WritersGetPeerClosedWhenTheReaderCloses) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("gone", 2), HB_OK);
  hb_task_id_t reader = machine.spawn([]() {
    hb_handle_t r = HB_INVALID;
    if (hb_fifo_open("gone", HB_PIPE_READ, 10 * kSecond, &r) != HB_OK) return 1;
    return hb_pipe_close(r) == HB_OK ? 0 : 2;
  }, {}, "reader");
  hb_handle_t w = HB_INVALID;
  ASSERT_EQ(hb_fifo_open("gone", HB_PIPE_WRITE, 10 * kSecond, &w), HB_OK);
  EXPECT_EQ(machine.wait(reader), 0);
  EXPECT_EQ(hb_pipe_write(w, "x", 1, kSecond), HB_ERR_PEER_CLOSED);
}

TEST(Fifo, ThePipeHasTheCapacityTheFifoWasCreatedWith) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("narrow", 2), HB_OK);
  // The reader opens, then reads only once told to (a message in its inbox).
  hb_task_id_t reader = machine.spawn([]() {
    hb_handle_t r = HB_INVALID;
    if (hb_fifo_open("narrow", HB_PIPE_READ, 10 * kSecond, &r) != HB_OK) return 1;
    char go;
    hb_msg_in in{};
    in.data = &go;
    in.cap = 1;
    if (hb_recv(HB_INBOX, &in, 0, 10 * kSecond) != HB_OK) return 2;
    return read_all(r) == "ab" ? 0 : 3;
  }, {}, "reader");
  hb_handle_t w = HB_INVALID;
  ASSERT_EQ(hb_fifo_open("narrow", HB_PIPE_WRITE, 10 * kSecond, &w), HB_OK);
  EXPECT_EQ(hb_pipe_write(w, "a", 1, HB_NOWAIT), 1);
  EXPECT_EQ(hb_pipe_write(w, "b", 1, HB_NOWAIT), 1);
  EXPECT_EQ(hb_pipe_write(w, "c", 1, HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "capacity 2: full";
  hb_msg_out go{"g", 1, 0, nullptr};
  ASSERT_EQ(hb_send_task(reader, &go, 0, 10 * kSecond), HB_OK);
  EXPECT_EQ(hb_pipe_close(w), HB_OK);
  EXPECT_EQ(machine.wait(reader), 0);
}

TEST(FifoErrors, BadNamesEndsAndUnknownFifosAreRefused) {
  Machine machine;
  hb_handle_t h = 77;
  EXPECT_EQ(hb_fifo_open("nobody-made-this", HB_PIPE_READ, kSecond, &h), HB_ERR_NOT_FOUND);
  EXPECT_EQ(hb_fifo_open("nobody-made-this", HB_PIPE_WRITE, kSecond, &h), HB_ERR_NOT_FOUND);
  EXPECT_EQ(h, 77) << "out-parameter untouched";
  EXPECT_EQ(hb_fifo_create("bad name", 0), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_fifo_create(std::string(59, 'n').c_str(), 0), HB_ERR_INVALID_ARG)
      << "58 bytes at most: the descriptor's name adds \".fifo\"";
  EXPECT_EQ(hb_fifo_create(std::string(58, 'n').c_str(), 0), HB_OK);
  EXPECT_EQ(hb_fifo_create("ok", HB_PIPE_CAPACITY_MAX + 1), HB_ERR_INVALID_ARG);
  ASSERT_EQ(hb_fifo_create("ok", 0), HB_OK);
  EXPECT_EQ(hb_fifo_create("ok", 0), HB_ERR_ALREADY_EXISTS);
  EXPECT_EQ(hb_fifo_open("ok", 0, kSecond, &h), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_fifo_open("ok", HB_PIPE_READ | HB_PIPE_WRITE, kSecond, &h), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_fifo_open("ok", HB_PIPE_READ, kSecond, nullptr), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_fifo_open("ok", HB_PIPE_WRITE, HB_NOWAIT, &h), HB_ERR_INVALID_ARG)
      << "a writer's open always waits for the reader's answer";
  EXPECT_EQ(hb_fifo_open("ok", HB_PIPE_READ, HB_NOWAIT, &h), HB_ERR_WOULD_BLOCK);
  EXPECT_EQ(hb_fifo_open("ok", HB_PIPE_READ, 20'000'000, &h), HB_ERR_TIMED_OUT)
      << "the descriptor went back after the NOWAIT attempt";
  EXPECT_EQ(hb_fifo_open("ok", HB_PIPE_WRITE, 20'000'000, &h), HB_ERR_TIMED_OUT) << "no reader";
  // A writer that gave up left a join in the mailbox; the next reader drops it and still
  // waits for a live writer.
  hb_task_id_t writer = spawn_writer(machine, "ok", "fine");
  ASSERT_EQ(hb_fifo_open("ok", HB_PIPE_READ, 10 * kSecond, &h), HB_OK);
  EXPECT_EQ(read_all(h), "fine");
  EXPECT_EQ(machine.wait(writer), 0);
}

TEST(Fifo, AReaderKilledWhileOpeningTakesNothingWithIt) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("sturdy", 3), HB_OK);
  const hb_task_id_t test_body = machine.self();
  hb_task_id_t doomed = machine.spawn([test_body]() {
    hb_msg_out opening{"o", 1, 0, nullptr};
    hb_send_task(test_body, &opening, 0, 10 * kSecond);
    hb_handle_t r = HB_INVALID;
    return static_cast<int>(hb_fifo_open("sturdy", HB_PIPE_READ, HB_FOREVER, &r));  // no writer
  }, {}, "doomed-reader");
  char byte;
  hb_msg_in in{};
  in.data = &byte;
  in.cap = 1;
  ASSERT_EQ(hb_recv(HB_INBOX, &in, 0, 10 * kSecond), HB_OK);  // it is opening (or about to)
  EXPECT_TRUE(machine.kill(doomed));
  EXPECT_EQ(machine.wait(doomed), -9);
  // The next reader still finds the fifo's capacity (it is in a region, not in a message the
  // dead reader could have taken) and meets a writer.
  hb_task_id_t writer = spawn_writer(machine, "sturdy", "still here");
  hb_handle_t r = HB_INVALID;
  ASSERT_EQ(hb_fifo_open("sturdy", HB_PIPE_READ, 10 * kSecond, &r), HB_OK);
  EXPECT_EQ(read_all(r), "still here");
  EXPECT_EQ(machine.wait(writer), 0);
}

TEST(FifoErrors, ANameThatIsNotAFifoIsWrongType) {
  Machine machine;
  harbor::Port port = machine.port();
  ASSERT_EQ(hb_name_register("plain-port", port.send.get()), HB_OK);
  hb_handle_t h = HB_INVALID;
  EXPECT_EQ(hb_fifo_open("plain-port", HB_PIPE_READ, kSecond, &h), HB_ERR_WRONG_TYPE);
  hb_handle_t mailbox = HB_INVALID;
  ASSERT_EQ(hb_mailbox_open("just-a-mailbox", HB_PORT_BOUNDED, 4, nullptr, &mailbox), HB_OK);
  EXPECT_EQ(hb_fifo_open("just-a-mailbox", HB_PIPE_READ, kSecond, &h), HB_ERR_WRONG_TYPE)
      << "a mailbox without a fifo's descriptor";
  EXPECT_EQ(hb_fifo_create("plain-port", 0), HB_ERR_ALREADY_EXISTS);
}

TEST(FifoErrors, AnUnregisteredFifoIsGone) {
  Machine machine;
  ASSERT_EQ(hb_fifo_create("temp", 0), HB_OK);
  ASSERT_EQ(hb_name_unregister("temp"), HB_OK);
  hb_handle_t h = HB_INVALID;
  EXPECT_EQ(hb_fifo_open("temp", HB_PIPE_READ, kSecond, &h), HB_ERR_NOT_FOUND);
  EXPECT_EQ(hb_fifo_create("temp", 0), HB_OK) << "the name is free again";
}

}  // namespace
