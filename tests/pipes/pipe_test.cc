// tests/pipes/pipe_test.cc - POSIX pipe semantics of harbor/pipe.h between real task
// processes (Harbor::testing): partial reads, a full pipe blocking its writers, end of file
// when every writer closed or died, PEER_CLOSED when the reader closed or died, atomic
// writes from several writers (also under the deterministic scheduler, seed by seed), ends
// passed to children, timeouts.
#include <gtest/gtest.h>
#include <harbor/pipe.h>
#include <harbor/pipe.hpp>
#include <harbor/testing.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using harbor::testing::Machine;
using harbor::testing::Options;
using harbor::testing::Start;

struct Pipe {
  hb_handle_t r{HB_INVALID}, w{HB_INVALID};
};

Pipe make_pipe(uint32_t capacity = 0) {
  Pipe p;
  EXPECT_EQ(hb_pipe_create(capacity, &p.r, &p.w), HB_OK);
  return p;
}

hb_handle_t dup(hb_handle_t h) {
  hb_handle_t out = HB_INVALID;
  EXPECT_EQ(hb_handle_dup(h, HB_RIGHTS_SAME, &out), HB_OK);
  return out;
}

int64_t write_text(hb_handle_t w, const std::string& text, hb_time_t timeout = HB_FOREVER) {
  return hb_pipe_write(w, text.data(), static_cast<uint32_t>(text.size()), timeout);
}

// Reads until end of file (or an error: then a failure); everything read.
std::string read_all(hb_handle_t r, uint32_t chunk = 4096) {
  std::string all;
  std::vector<char> buf(chunk);
  for (;;) {
    int64_t n = hb_pipe_read(r, buf.data(), chunk, 10'000'000'000ull);
    if (n == 0) return all;
    if (n < 0) {
      ADD_FAILURE() << "hb_pipe_read: " << hb_strerror(static_cast<hb_status_t>(n))
                    << " after " << all.size() << " bytes";
      return all;
    }
    all.append(buf.data(), static_cast<size_t>(n));
  }
}

std::string read_some(hb_handle_t r, uint32_t len, hb_time_t timeout = HB_FOREVER) {
  std::vector<char> buf(len);
  int64_t n = hb_pipe_read(r, buf.data(), len, timeout);
  if (n < 0) return "<" + std::string(hb_strerror(static_cast<hb_status_t>(n))) + ">";
  return std::string(buf.data(), static_cast<size_t>(n));
}

// A task that holds its ends until it is killed: its inbox never gets a message.
void block_until_killed() {
  char byte;
  hb_msg_in in{};
  in.data = &byte;
  in.cap = 1;
  for (;;) hb_recv(HB_INBOX, &in, 0, HB_FOREVER);
}

TEST(Pipe, ReadReturnsWhatWasWrittenInOrderThenEndOfFile) {
  Machine machine;
  Pipe p = make_pipe();
  EXPECT_EQ(write_text(p.w, "hello "), 6);
  EXPECT_EQ(write_text(p.w, "world"), 5);
  EXPECT_EQ(hb_pipe_close(p.w), HB_OK);
  EXPECT_EQ(read_all(p.r), "hello world");
  char c;
  EXPECT_EQ(hb_pipe_read(p.r, &c, 1, HB_NOWAIT), 0) << "end of file stays end of file";
  EXPECT_EQ(hb_pipe_close(p.r), HB_OK);
}

TEST(Pipe, ReadReturnsAsSoonAsAnyBytesAreThere) {
  Machine machine;
  Pipe p = make_pipe();
  EXPECT_EQ(write_text(p.w, "abc"), 3);
  EXPECT_EQ(read_some(p.r, 100), "abc") << "a read does not wait to fill its buffer";
}

TEST(Pipe, ShortReadsTakeAChunkPieceByPieceAndNothingIsLost) {
  Machine machine;
  Pipe p = make_pipe();
  std::string text(100, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(write_text(p.w, text), 100);
  EXPECT_EQ(write_text(p.w, "NEXT"), 4);
  EXPECT_EQ(read_some(p.r, 30), text.substr(0, 30));
  EXPECT_EQ(read_some(p.r, 30), text.substr(30, 30));
  EXPECT_EQ(read_some(p.r, 1000), text.substr(60)) << "the rest of the chunk, before the next";
  EXPECT_EQ(read_some(p.r, 1000), "NEXT");
}

TEST(Pipe, AWriteLongerThanAtomicArrivesWholeAndInOrder) {
  Machine machine;
  Pipe p = make_pipe(4);
  std::string big(3 * HB_PIPE_ATOMIC + 123, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + (i >> 11));
  hb_handle_t w = p.w;
  hb_task_id_t writer = machine.spawn([&big](const Start& s) {
    EXPECT_EQ(hb_pipe_write(s.handle(0), big.data(), static_cast<uint32_t>(big.size()), HB_FOREVER),
              static_cast<int64_t>(big.size()));
  }, {w}, "writer");
  EXPECT_EQ(read_all(p.r, 1000), big);
  EXPECT_EQ(machine.wait(writer), 0);
}

TEST(Pipe, AReadLongerThanAChunkReturnsOneChunkAtATime) {
  Machine machine;
  Pipe p = make_pipe();
  std::string data(HB_PIPE_ATOMIC + 1000, 'x');
  data.back() = 'z';
  ASSERT_EQ(write_text(p.w, data), static_cast<int64_t>(data.size()));
  std::vector<char> big(1u << 20);  // 1 MiB: far more than a message can carry
  EXPECT_EQ(hb_pipe_read(p.r, big.data(), static_cast<uint32_t>(big.size()), HB_NOWAIT),
            HB_PIPE_ATOMIC) << "the first chunk";
  ASSERT_EQ(hb_pipe_read(p.r, big.data(), static_cast<uint32_t>(big.size()), HB_NOWAIT), 1000)
      << "then the second";
  EXPECT_EQ(big[999], 'z');
  EXPECT_EQ(hb_pipe_read(p.r, big.data(), UINT32_MAX, HB_NOWAIT), HB_ERR_WOULD_BLOCK)
      << "a len of 4 GiB is a valid request (the kernel is asked for at most a chunk)";
}

TEST(Pipe, AFullPipeBlocksItsWriterUntilTheReaderTakesSome) {
  Machine machine;
  Pipe p = make_pipe(2);
  EXPECT_EQ(write_text(p.w, "one"), 3);
  EXPECT_EQ(write_text(p.w, "two"), 3);
  EXPECT_EQ(write_text(p.w, "three", HB_NOWAIT), HB_ERR_WOULD_BLOCK) << "capacity 2: full";
  EXPECT_EQ(write_text(p.w, "three", 20'000'000), HB_ERR_TIMED_OUT);
  // A child reads one chunk after we blocked; our blocked write then completes.
  hb_task_id_t reader = machine.spawn([](const Start& s) {
    hb_handle_t r = s.handle(0);
    std::string got = read_some(r, 64);
    EXPECT_EQ(got, "one");
    EXPECT_EQ(read_some(r, 64), "two");
    EXPECT_EQ(read_some(r, 64), "three");
    EXPECT_EQ(read_some(r, 64), "") << "end of file once the writer closed";
  }, {p.r}, "reader");
  EXPECT_EQ(write_text(p.w, "three", HB_FOREVER), 5);
  EXPECT_EQ(hb_pipe_close(p.w), HB_OK);
  EXPECT_EQ(machine.wait(reader), 0);
}

TEST(Pipe, EndOfFileComesOnlyWhenEveryWriterHasClosed) {
  Machine machine;
  Pipe p = make_pipe();
  hb_handle_t second = dup(p.w);
  hb_task_id_t a = machine.spawn([](const Start& s) {
    EXPECT_EQ(write_text(s.handle(0), "from a;"), 7);
  }, {p.w}, "writer-a");
  EXPECT_EQ(machine.wait(a), 0);
  EXPECT_EQ(read_some(p.r, 64), "from a;");
  EXPECT_EQ(read_some(p.r, 64, HB_NOWAIT), "<" + std::string(hb_strerror(HB_ERR_WOULD_BLOCK)) + ">")
      << "a write end is still open (ours): no end of file yet";
  EXPECT_EQ(write_text(second, "from us"), 7);
  EXPECT_EQ(hb_pipe_close(second), HB_OK);
  EXPECT_EQ(read_all(p.r), "from us");
}

TEST(Pipe, AWriterThatDiesIsAClosedWriter) {
  Machine machine;
  Pipe p = make_pipe();
  hb_task_id_t writer = machine.spawn([](const Start& s) {
    EXPECT_EQ(write_text(s.handle(0), "last words"), 10);
    block_until_killed();
  }, {p.w}, "doomed-writer");
  EXPECT_EQ(read_some(p.r, 64), "last words");
  EXPECT_TRUE(machine.kill(writer));
  EXPECT_EQ(read_some(p.r, 64), "") << "end of file: the kernel closed the dead writer's end";
  EXPECT_EQ(machine.wait(writer), -9);
}

TEST(Pipe, WritersGetPeerClosedOnceTheReaderClosed) {
  Machine machine;
  Pipe p = make_pipe();
  EXPECT_EQ(write_text(p.w, "unread"), 6);
  EXPECT_EQ(hb_pipe_close(p.r), HB_OK);
  EXPECT_EQ(write_text(p.w, "x"), HB_ERR_PEER_CLOSED);
  EXPECT_EQ(write_text(p.w, "x", HB_NOWAIT), HB_ERR_PEER_CLOSED);
}

TEST(Pipe, AWriterBlockedOnAFullPipeWakesWithPeerClosedWhenTheReaderDies) {
  Machine machine;
  Pipe p = make_pipe(1);
  hb_task_id_t reader = machine.spawn([](const Start&) {
    block_until_killed();
  }, {p.r}, "doomed-reader");
  EXPECT_EQ(write_text(p.w, "fills it"), 8);
  // A second writer blocks on the full pipe; then the reader dies. (Should the kill come
  // before the write blocks, the write meets a dead port: PEER_CLOSED all the same.)
  hb_handle_t w2 = dup(p.w);
  hb_task_id_t blocked = machine.spawn([](const Start& s) {
    return write_text(s.handle(0), "blocked", HB_FOREVER) == HB_ERR_PEER_CLOSED ? 0 : 1;
  }, {w2}, "blocked-writer");
  EXPECT_TRUE(machine.kill(reader));
  EXPECT_EQ(machine.wait(blocked), 0) << "the blocked writer woke with PEER_CLOSED";
  EXPECT_EQ(write_text(p.w, "again"), HB_ERR_PEER_CLOSED);
}

TEST(Pipe, TimeoutsAndNoWaitOnAnEmptyPipe) {
  Machine machine;
  Pipe p = make_pipe();
  char buf[8];
  EXPECT_EQ(hb_pipe_read(p.r, buf, sizeof buf, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  EXPECT_EQ(hb_pipe_read(p.r, buf, sizeof buf, 10'000'000), HB_ERR_TIMED_OUT);
  EXPECT_EQ(write_text(p.w, "ok"), 2);
  EXPECT_EQ(hb_pipe_read(p.r, buf, sizeof buf, HB_NOWAIT), 2) << "nothing was lost";
}

TEST(Pipe, EndsPassToChildrenLikeAnyHandle) {
  // The shell's `producer | consumer`: one pipe, two children, each gets one end.
  Machine machine;
  Pipe p = make_pipe();
  hb_task_id_t producer = machine.spawn([](const Start& s) {
    for (int i = 0; i < 100; ++i)
      EXPECT_EQ(write_text(s.handle(0), "line " + std::to_string(i) + "\n"),
                static_cast<int64_t>(6 + std::to_string(i).size()));
  }, {p.w}, "producer");
  hb_task_id_t consumer = machine.spawn([](const Start& s) {
    std::string all = read_all(s.handle(0), 7);
    std::string want;
    for (int i = 0; i < 100; ++i) want += "line " + std::to_string(i) + "\n";
    return all == want ? 0 : 1;
  }, {p.r}, "consumer");
  EXPECT_EQ(machine.wait(producer), 0);
  EXPECT_EQ(machine.wait(consumer), 0) << "the consumer read every line, in order, then EOF";
}

// ---- atomic writes from several writers -------------------------------------------------

// A record: writer id, sequence number, filler derived from both, a checksum at the end.
std::vector<uint8_t> record(uint32_t writer, uint32_t seq, uint32_t size) {
  std::vector<uint8_t> r(size);
  std::memcpy(r.data(), &writer, 4);
  std::memcpy(r.data() + 4, &seq, 4);
  uint32_t sum = writer * 7 + seq;
  for (uint32_t i = 8; i + 4 < size; ++i) {
    r[i] = static_cast<uint8_t>(writer * 31 + seq * 17 + i);
    sum = sum * 31 + r[i];
  }
  std::memcpy(r.data() + size - 4, &sum, 4);
  return r;
}

struct AtomicRun {
  uint32_t writers, records, size, read_len;
};

// Each writer writes `records` records of `size` bytes (<= HB_PIPE_ATOMIC) in one write each;
// the reader reads the stream in `read_len` pieces and checks that it is whole records, each
// intact, each writer's in its own order.
void run_atomic_writers(Machine& machine, const AtomicRun& run) {
  Pipe p = make_pipe(4);
  std::vector<hb_task_id_t> writers;
  for (uint32_t id = 0; id < run.writers; ++id) {
    hb_handle_t w = id + 1 == run.writers ? p.w : dup(p.w);
    writers.push_back(machine.spawn([id, run](const Start& s) {
      for (uint32_t seq = 0; seq < run.records; ++seq) {
        std::vector<uint8_t> r = record(id, seq, run.size);
        if (hb_pipe_write(s.handle(0), r.data(), run.size, HB_FOREVER) != run.size) return 1;
      }
      return 0;
    }, {w}, "writer-" + std::to_string(id)));
  }
  std::string stream = read_all(p.r, run.read_len);
  ASSERT_EQ(stream.size(), size_t{run.writers} * run.records * run.size);
  std::vector<uint32_t> next(run.writers, 0);
  for (size_t at = 0; at < stream.size(); at += run.size) {
    uint32_t writer, seq;
    std::memcpy(&writer, stream.data() + at, 4);
    std::memcpy(&seq, stream.data() + at + 4, 4);
    ASSERT_LT(writer, run.writers) << "a record torn at byte " << at;
    ASSERT_EQ(seq, next[writer]) << "writer " << writer << "'s records out of order at byte " << at;
    ++next[writer];
    std::vector<uint8_t> want = record(writer, seq, run.size);
    ASSERT_EQ(std::memcmp(stream.data() + at, want.data(), run.size), 0)
        << "record " << seq << " of writer " << writer << " interleaved with another write";
  }
  for (hb_task_id_t t : writers) EXPECT_EQ(machine.wait(t), 0);
}

TEST(Pipe, SmallWritesOfSeveralWritersAreNeverInterleaved) {
  Machine machine;
  run_atomic_writers(machine, {4, 200, 100, 37});
}

TEST(Pipe, WritesOfExactlyAtomicBytesAreNeverInterleaved) {
  Machine machine;
  run_atomic_writers(machine, {3, 6, HB_PIPE_ATOMIC, 5000});
}

class PipeSeeds : public ::testing::TestWithParam<uint64_t> {};

TEST_P(PipeSeeds, AtomicWritesHoldUnderTheDeterministicScheduler) {
  Options options;
  options.deterministic = true;
  options.seed = GetParam();
  options.echo_console = false;
  Machine machine(options);
  run_atomic_writers(machine, {3, 40, 300, 128});
}

INSTANTIATE_TEST_SUITE_P(Seeds, PipeSeeds, ::testing::Values(0, 1, 2, 3, 4, 5, 6, 7));

}  // namespace

namespace {

TEST(PipeCpp, EndsReadWriteAndCloseThemselves) {
  harbor::testing::Machine machine;
  auto pipe = harbor::Pipe::create(4);
  ASSERT_TRUE(pipe) << pipe.message();
  EXPECT_EQ(pipe->read.dup().error(), HB_ERR_ACCESS) << "one read end";
  {
    auto second = pipe->write.dup();
    ASSERT_TRUE(second);
    auto wrote = second->write(harbor::as_bytes("abc"));
    ASSERT_TRUE(wrote);
    EXPECT_EQ(*wrote, 3u);
  }  // the duplicate closes itself here
  auto wrote = pipe->write.write(harbor::as_bytes("de"));
  ASSERT_TRUE(wrote);
  pipe->write.reset();  // the last write end: end of file once the pipe is empty
  std::byte buf[2];
  std::string got;
  for (;;) {
    auto n = pipe->read.read(buf, HB_NOWAIT);
    ASSERT_TRUE(n) << n.message();
    if (*n == 0) break;
    got.append(reinterpret_cast<const char*>(buf), *n);
  }
  EXPECT_EQ(got, "abcde") << "short reads through a tail, then end of file";
  auto bad = pipe->write.write(harbor::as_bytes("x"));
  EXPECT_EQ(bad.error(), HB_ERR_BAD_HANDLE) << "a reset end is HB_INVALID";
}

}  // namespace

namespace {

// A function task is a fork of the test body: it starts with a copy of the test body's table
// of tails, whose handle numbers mean nothing in the new task. The hosted runtime's attach
// path must forget it (hb_pipe_forget_tails, userland/lib/pipe/tail.h).
TEST(PipeTails, AForkedTaskDoesNotInheritTheTestBodysTails) {
  harbor::testing::Machine machine;
  hb_handle_t r, w;
  ASSERT_EQ(hb_pipe_create(0, &r, &w), HB_OK);
  ASSERT_EQ(hb_pipe_write(w, "parent's bytes", 14, HB_NOWAIT), 14);
  char c;
  ASSERT_EQ(hb_pipe_read(r, &c, 1, HB_NOWAIT), 1);  // the test body now holds a tail for r
  hb_task_id_t child = machine.spawn([r]() {
    // The child's first pipe may well get the number the parent's read end has.
    hb_handle_t cr, cw;
    if (hb_pipe_create(0, &cr, &cw) != HB_OK) return 1;
    if (hb_pipe_write(cw, "mine", 4, HB_NOWAIT) != 4) return 2;
    char buf[32];
    int64_t n = hb_pipe_read(cr, buf, sizeof buf, HB_NOWAIT);
    if (n != 4 || std::memcmp(buf, "mine", 4) != 0) {
      std::string got = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::to_string(n);
      ADD_FAILURE() << "read " << got << " (the parent's end was " << r << ", ours " << cr << ")";
      return 3;
    }
    return 0;
  }, {}, "child");
  EXPECT_EQ(machine.wait(child), 0);
  EXPECT_EQ(hb_pipe_close(r), HB_OK);
  EXPECT_EQ(hb_pipe_close(w), HB_OK);
}

}  // namespace
