// tests/pipes/pipe_errors_test.cc - every bad argument of harbor/pipe.h gets its own status
// and changes nothing: invalid handles, the wrong end, other kinds of object, len 0, NULL and
// unowned buffers, capacities out of range, the table of tails when it is full.
#include <gtest/gtest.h>
#include <harbor/pipe.h>
#include <harbor/testing.hpp>

#include <cstring>
#include <string>

namespace {

using harbor::testing::Machine;

struct Pipe {
  hb_handle_t r{HB_INVALID}, w{HB_INVALID};
};

Pipe make_pipe(uint32_t capacity = 0) {
  Pipe p;
  EXPECT_EQ(hb_pipe_create(capacity, &p.r, &p.w), HB_OK);
  return p;
}

// An address no hosted task owns (the first page is never mapped).
void* const kUnowned = reinterpret_cast<void*>(0x1000);

TEST(PipeErrors, CapacityOutOfRangeIsInvalidAndCreatesNothing) {
  Machine machine;
  hb_handle_t r = 77, w = 77;
  EXPECT_EQ(hb_pipe_create(HB_PIPE_CAPACITY_MAX + 1, &r, &w), HB_ERR_INVALID_ARG);
  EXPECT_EQ(r, 77);
  EXPECT_EQ(w, 77) << "out-parameters untouched";
  EXPECT_EQ(hb_pipe_create(HB_PIPE_CAPACITY_MAX, &r, &w), HB_OK) << "the maximum itself is fine";
  EXPECT_EQ(hb_pipe_create(0, nullptr, &w), HB_ERR_FAULT);
}

TEST(PipeErrors, EndsHaveTheRightsOfAPortsReceiveAndSendRights) {
  Machine machine;
  Pipe p = make_pipe();
  hb_handle_info_t info{};
  ASSERT_EQ(hb_handle_info(p.r, &info), HB_OK);
  EXPECT_EQ(info.type, static_cast<uint32_t>(HB_OBJ_PORT));
  EXPECT_EQ(info.rights, HB_RIGHT_RECV | HB_RIGHT_TRANSFER) << "one reader: no DUP";
  ASSERT_EQ(hb_handle_info(p.w, &info), HB_OK);
  EXPECT_EQ(info.rights, HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER);
}

TEST(PipeErrors, HandlesThatAreNotPipeEndsAreRefused) {
  Machine machine;
  Pipe p = make_pipe();
  char buf[4] = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(hb_pipe_read(12345, buf, 4, HB_NOWAIT), HB_ERR_BAD_HANDLE);
  EXPECT_EQ(hb_pipe_write(12345, buf, 4, HB_NOWAIT), HB_ERR_BAD_HANDLE);
  EXPECT_EQ(hb_pipe_read(HB_INVALID, buf, 4, HB_NOWAIT), HB_ERR_BAD_HANDLE);
  EXPECT_EQ(hb_pipe_close(12345), HB_ERR_BAD_HANDLE);
  EXPECT_EQ(hb_pipe_read(p.w, buf, 4, HB_NOWAIT), HB_ERR_ACCESS) << "a write end cannot read";
  EXPECT_EQ(hb_pipe_write(p.r, buf, 4, HB_NOWAIT), HB_ERR_ACCESS) << "a read end cannot write";
  hb_handle_t sem = HB_INVALID;
  ASSERT_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  EXPECT_EQ(hb_pipe_read(sem, buf, 4, HB_NOWAIT), HB_ERR_WRONG_TYPE);
  EXPECT_EQ(hb_pipe_write(sem, buf, 4, HB_NOWAIT), HB_ERR_WRONG_TYPE);
  // None of it touched the pipe.
  EXPECT_EQ(hb_pipe_write(p.w, "ok", 2, HB_NOWAIT), 2);
  EXPECT_EQ(hb_pipe_read(p.r, buf, 4, HB_NOWAIT), 2);
  EXPECT_EQ(hb_pipe_read(p.r, buf, 4, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
}

TEST(PipeErrors, LengthZeroIsInvalidBecauseZeroMeansEndOfFile) {
  Machine machine;
  Pipe p = make_pipe();
  char buf[4];
  EXPECT_EQ(hb_pipe_read(p.r, buf, 0, HB_NOWAIT), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_pipe_write(p.w, buf, 0, HB_NOWAIT), HB_ERR_INVALID_ARG);
  EXPECT_EQ(hb_pipe_read(p.r, buf, 4, HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "nothing was written";
}

TEST(PipeErrors, BadBuffersAreFaultsAndNothingIsLost) {
  Machine machine;
  Pipe p = make_pipe();
  EXPECT_EQ(hb_pipe_write(p.w, nullptr, 4, HB_NOWAIT), HB_ERR_FAULT);
  EXPECT_EQ(hb_pipe_write(p.w, kUnowned, 4, HB_NOWAIT), HB_ERR_FAULT);
  char buf[8];
  EXPECT_EQ(hb_pipe_read(p.r, buf, 8, HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "a failed write sent nothing";
  EXPECT_EQ(hb_pipe_write(p.w, "kept", 4, HB_NOWAIT), 4);
  EXPECT_EQ(hb_pipe_read(p.r, nullptr, 8, HB_NOWAIT), HB_ERR_FAULT);
  EXPECT_EQ(hb_pipe_read(p.r, kUnowned, 8, HB_NOWAIT), HB_ERR_FAULT);
  ASSERT_EQ(hb_pipe_read(p.r, buf, 8, HB_NOWAIT), 4) << "the chunk stayed in the pipe";
  EXPECT_EQ(std::string(buf, 4), "kept");
}

TEST(PipeErrors, ALongWriteFromAnUnownedBufferSendsNothing) {
  Machine machine;
  Pipe p = make_pipe();
  static char good[HB_PIPE_ATOMIC];
  std::memset(good, 'g', sizeof good);
  EXPECT_EQ(hb_pipe_write(p.w, good, HB_PIPE_ATOMIC, HB_NOWAIT), HB_PIPE_ATOMIC);
  EXPECT_EQ(hb_pipe_write(p.w, kUnowned, 2 * HB_PIPE_ATOMIC, HB_NOWAIT), HB_ERR_FAULT)
      << "its first chunk is already bad: nothing went in";
  static char back[HB_PIPE_ATOMIC];
  EXPECT_EQ(hb_pipe_read(p.r, back, sizeof back, HB_NOWAIT), HB_PIPE_ATOMIC);
  EXPECT_EQ(hb_pipe_read(p.r, back, sizeof back, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
}

TEST(PipeErrors, ALongWriteThatMeetsAFullPipeReturnsTheBytesThatWentIn) {
  Machine machine;
  Pipe p = make_pipe(2);
  static char data[3 * HB_PIPE_ATOMIC];
  for (size_t i = 0; i < sizeof data; ++i) data[i] = static_cast<char>(i / HB_PIPE_ATOMIC);
  EXPECT_EQ(hb_pipe_write(p.w, data, sizeof data, HB_NOWAIT), 2 * HB_PIPE_ATOMIC)
      << "two chunks fit, the third would block: the count, as POSIX write() returns";
  EXPECT_EQ(hb_pipe_write(p.w, data, 1, HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "then the error";
  static char back[HB_PIPE_ATOMIC];
  ASSERT_EQ(hb_pipe_read(p.r, back, sizeof back, HB_NOWAIT), HB_PIPE_ATOMIC);
  EXPECT_EQ(back[0], 0);
  ASSERT_EQ(hb_pipe_read(p.r, back, sizeof back, HB_NOWAIT), HB_PIPE_ATOMIC);
  EXPECT_EQ(back[0], 1);
}

TEST(PipeErrors, WhenEveryTailIsTakenALongChunkWaitsForABigEnoughRead) {
  Machine machine;
  Pipe pipes[HB_PIPE_TAILS + 1];
  char buf[16];
  for (Pipe& p : pipes) {
    p = make_pipe();
    ASSERT_EQ(hb_pipe_write(p.w, "0123456789", 10, HB_NOWAIT), 10);
  }
  for (uint32_t i = 0; i < HB_PIPE_TAILS; ++i)
    ASSERT_EQ(hb_pipe_read(pipes[i].r, buf, 3, HB_NOWAIT), 3) << "tail " << i;
  Pipe& last = pipes[HB_PIPE_TAILS];
  EXPECT_EQ(hb_pipe_read(last.r, buf, 3, HB_NOWAIT), HB_ERR_NO_MEMORY);
  ASSERT_EQ(hb_pipe_read(last.r, buf, 16, HB_NOWAIT), 10) << "the chunk stayed in the pipe";
  EXPECT_EQ(std::string(buf, 10), "0123456789");
  // Closing an end frees its tail (and loses its bytes); then there is room again.
  EXPECT_EQ(hb_pipe_close(pipes[0].r), HB_OK);
  ASSERT_EQ(hb_pipe_write(last.w, "abcdef", 6, HB_NOWAIT), 6);
  EXPECT_EQ(hb_pipe_read(last.r, buf, 2, HB_NOWAIT), 2);
  EXPECT_EQ(hb_pipe_read(last.r, buf, 16, HB_NOWAIT), 4);
  EXPECT_EQ(std::string(buf, 4), "cdef");
  // A tail whose end was closed behind the library's back (hb_handle_close) is reclaimed.
  EXPECT_EQ(hb_handle_close(pipes[1].r), HB_OK);
  ASSERT_EQ(hb_pipe_write(last.w, "xyz", 3, HB_NOWAIT), 3);
  EXPECT_EQ(hb_pipe_read(last.r, buf, 1, HB_NOWAIT), 1);
  EXPECT_EQ(hb_pipe_read(last.r, buf, 1, HB_NOWAIT), 1);
  // Leave no tail behind: this process's next test body is a new task whose handle numbers
  // start again (hb_pipe_forget_tails, tail.h).
  for (Pipe& p : pipes) hb_pipe_close(p.r);
}

TEST(PipeErrors, HandlesSentIntoAPipeAreClosedNotLeaked) {
  Machine machine;
  Pipe p = make_pipe();
  hb_handle_t sem = HB_INVALID;
  ASSERT_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  hb_msg_out m{};
  m.data = "hi";
  m.len = 2;
  m.handles = &sem;
  m.handle_count = 1;
  ASSERT_EQ(hb_send(p.w, &m, 0, HB_NOWAIT), HB_OK);
  char buf[8];
  EXPECT_EQ(hb_pipe_read(p.r, buf, 8, HB_NOWAIT), 2);
  EXPECT_EQ(std::string(buf, 2), "hi");
}

}  // namespace
