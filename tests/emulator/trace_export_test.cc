// tests/emulator/trace_export_test.cc - the trace exporters are pure functions of a record
// list: feed them a hand-made conversation and check what a reader would see.
#include "trace_export.h"

#include <harbor/abi/syscalls.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <vector>

namespace {

using kernel::TraceKind;
using kernel::TraceRecord;

constexpr hb_task_id_t kProducer = 1;
constexpr hb_task_id_t kConsumer = 2;
constexpr uint64_t kPort = 7;

// A small story, recorded the way the kernel records it:
//  - the consumer blocks in recv on the empty port `jobs`;
//  - the producer sends message 42 (5 B): the consumer is waiting, so the kernel hands it
//    over at once (Receive, then the consumer's Wake, then the Send with peer = consumer);
//  - the producer sends message 43 (3 B): nobody waits, it is queued (depth 1);
//  - the consumer receives it without blocking (depth 0); the producer exits.
// In deterministic mode all records of one syscall share one logical time.
class TraceExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    names.tasks[kProducer] = "producer";
    names.tasks[kConsumer] = "consumer";
    names.objects[kPort] = "port jobs";
    add(1000, TraceKind::SyscallEnter, kConsumer, HB_SYS_RECV, 0, 0, 0, 0, 1);
    add(1000, TraceKind::Block, kConsumer, HB_SYS_RECV, kPort, 2, 0, 0, 1);
    add(2000, TraceKind::SyscallEnter, kProducer, HB_SYS_SEND, 0, 0, 0, 0, 0);
    add(2000, TraceKind::Receive, kConsumer, 0, 0, 5, kProducer, 42, 0);
    add(2000, TraceKind::Wake, kConsumer, 0, 0, HB_OK, 0, 0, 0);
    add(2000, TraceKind::Send, kProducer, 0, kPort, 5, kConsumer, 42, 0);
    add(2000, TraceKind::SyscallExit, kProducer, HB_SYS_SEND, 0, HB_OK, 0, 0, 0);
    add(3000, TraceKind::SyscallEnter, kProducer, HB_SYS_SEND, 0, 0, 0, 0, 0);
    add(3000, TraceKind::Send, kProducer, 0, kPort, 3, 0, 43, 0);
    add(3000, TraceKind::QueueDepth, kProducer, 0, kPort, 1, 0, 0, 0);
    add(3000, TraceKind::SyscallExit, kProducer, HB_SYS_SEND, 0, HB_OK, 0, 0, 0);
    add(4000, TraceKind::SyscallEnter, kConsumer, HB_SYS_RECV, 0, 0, 0, 0, 1);
    add(4000, TraceKind::Receive, kConsumer, 0, 0, 3, kProducer, 43, 1);
    add(4000, TraceKind::QueueDepth, 0, 0, kPort, 0, 0, 0, 1);
    add(4000, TraceKind::SyscallExit, kConsumer, HB_SYS_RECV, 0, HB_OK, 0, 0, 1);
    add(5000, TraceKind::TaskExit, kProducer, 0, 0, 0, 0, 0, 0);
  }

  void add(uint64_t time, TraceKind kind, hb_task_id_t task, uint16_t syscall, uint64_t object,
           int64_t value, hb_task_id_t peer, uint64_t message, uint32_t core) {
    TraceRecord r{};
    r.time = time;
    r.sequence = records.size() + 1;
    r.task = task;
    r.peer = peer;
    r.object = object;
    r.message = message;
    r.value = value;
    r.core = core;
    r.syscall = syscall;
    r.kind = kind;
    records.push_back(r);
  }

  emu::TraceNames names;
  std::vector<TraceRecord> records;
};

TEST_F(TraceExportTest, TextHasOneLinePerRecordWithCoreTimeTaskAndEvent) {
  std::ostringstream out;
  emu::write_trace_text(out, records, names);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), records.size());
  auto has = [&](size_t i, const std::string& part) {
    EXPECT_NE(lines[i].find(part), std::string::npos) << "line " << i << ": " << lines[i];
  };
  EXPECT_EQ(lines[0].rfind("c1", 0), 0u) << lines[0];
  has(0, "+0.000us");
  has(0, "consumer[2]");
  has(0, "syscall recv");
  has(1, "block in recv on port jobs");
  has(2, "+1.000us");
  has(3, "receive msg 42 (5 B) from producer[1]");
  has(4, "wake: OK");
  has(5, "send msg 42 (5 B) into port jobs, handed to consumer[2]");
  has(6, "return send = OK");
  has(8, "send msg 43 (3 B) into port jobs");
  has(9, "port jobs holds 1");
  has(13, "kernel");
  has(15, "exit with 0");
}

TEST_F(TraceExportTest, TextNamesStatusesAndUnknownTasks) {
  TraceRecord r = records[4];  // the wake
  r.value = HB_ERR_PEER_CLOSED;
  r.task = 99;
  const std::string line = emu::format_trace_line(r, names, 0);
  EXPECT_NE(line.find("task[99]"), std::string::npos) << line;
  EXPECT_NE(line.find("wake: HB_ERR_PEER_CLOSED"), std::string::npos) << line;
}

TEST_F(TraceExportTest, TextOfNoRecordsIsEmpty) {
  std::ostringstream out;
  emu::write_trace_text(out, {}, names);
  EXPECT_TRUE(out.str().empty());
}

TEST_F(TraceExportTest, MermaidDrawsParticipantsArrowsAndNotes) {
  std::ostringstream out;
  emu::write_trace_mermaid(out, records, names);
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("sequenceDiagram\n", 0), 0u) << text;
  // The consumer appears first (it blocked first), then the producer.
  const size_t consumer = text.find("participant T2 as consumer[2]");
  const size_t producer = text.find("participant T1 as producer[1]");
  ASSERT_NE(consumer, std::string::npos) << text;
  ASSERT_NE(producer, std::string::npos) << text;
  EXPECT_LT(consumer, producer);
  EXPECT_NE(text.find("T1->>T2: msg 42 (5 B) via port jobs"), std::string::npos) << text;
  EXPECT_NE(text.find("T1->>T2: msg 43 (3 B) via port jobs"), std::string::npos) << text;
  EXPECT_NE(text.find("Note over T2: blocks in recv on port jobs"), std::string::npos) << text;
  EXPECT_NE(text.find("Note over T2: wakes: OK"), std::string::npos) << text;
  EXPECT_NE(text.find("Note over T1: exits with 0"), std::string::npos) << text;
  // The note about blocking comes before the arrow that ends it.
  EXPECT_LT(text.find("blocks in recv"), text.find("->>"));
  // Syscall entries, depths and copies are not part of the conversation.
  EXPECT_EQ(text.find("syscall"), std::string::npos) << text;
}

TEST_F(TraceExportTest, MermaidDrawsStartMessagesFromTheKernel) {
  records.clear();
  add(10, TraceKind::Receive, kProducer, 0, 0, 0, 0, 1, 0);
  std::ostringstream out;
  emu::write_trace_mermaid(out, records, names);
  EXPECT_NE(out.str().find("participant K as kernel"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("K->>T1: start message"), std::string::npos) << out.str();
}

TEST_F(TraceExportTest, MermaidKeepsSemicolonsAndHashesOutOfLabels) {
  names.tasks[kProducer] = "evil;name#1";
  std::ostringstream out;
  emu::write_trace_mermaid(out, records, names);
  EXPECT_EQ(out.str().find(';'), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find('#'), std::string::npos) << out.str();
}

std::vector<nlohmann::json> events_with(const nlohmann::json& trace, const std::string& ph) {
  std::vector<nlohmann::json> out;
  for (const auto& e : trace.at("traceEvents"))
    if (e.at("ph") == ph) out.push_back(e);
  return out;
}

TEST_F(TraceExportTest, ChromeHasOneNamedTrackPerTask) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  std::map<int64_t, std::string> tracks;
  for (const auto& e : events_with(trace, "M"))
    if (e.at("name") == "thread_name") tracks[e.at("tid")] = e.at("args").at("name");
  EXPECT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[kProducer], "producer[1]");
  EXPECT_EQ(tracks[kConsumer], "consumer[2]");
}

TEST_F(TraceExportTest, ChromeSyscallsAreCompleteEventsEndingAtExitOrWake) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto slices = events_with(trace, "X");
  ASSERT_EQ(slices.size(), 4u);
  // Records of one logical time are spread 1 ns apart, in record order.
  // The first recv blocked: it ends at its wake (record 5, at 1000 + 2 ns).
  const auto& blocked = slices[0];
  EXPECT_EQ(blocked.at("name"), "recv");
  EXPECT_EQ(blocked.at("tid"), kConsumer);
  EXPECT_DOUBLE_EQ(blocked.at("ts").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(blocked.at("dur").get<double>(), 1.002);
  EXPECT_EQ(blocked.at("args").at("blocked"), true);
  const auto& send = slices[1];
  EXPECT_EQ(send.at("name"), "send");
  EXPECT_EQ(send.at("tid"), kProducer);
  EXPECT_DOUBLE_EQ(send.at("ts").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(send.at("dur").get<double>(), 0.004);
  EXPECT_EQ(send.at("args").at("result"), "OK");
}

TEST_F(TraceExportTest, ChromeFlowGoesFromSendToReceiveByMessageId) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto starts = events_with(trace, "s");
  const auto finishes = events_with(trace, "f");
  ASSERT_EQ(starts.size(), 2u);
  ASSERT_EQ(finishes.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(starts[i].at("id"), 42 + i);
    EXPECT_EQ(finishes[i].at("id"), 42 + i);
    EXPECT_EQ(starts[i].at("tid"), kProducer);
    EXPECT_EQ(finishes[i].at("tid"), kConsumer);
    EXPECT_EQ(finishes[i].at("bp"), "e");
    EXPECT_LE(starts[i].at("ts").get<double>(), finishes[i].at("ts").get<double>());
  }
  // Handed over at once: the flow starts where the receiver got it, inside the send.
  EXPECT_DOUBLE_EQ(starts[0].at("ts").get<double>(), 1.001);
  // Queued: it starts at the send and ends a syscall later.
  EXPECT_DOUBLE_EQ(starts[1].at("ts").get<double>(), 2.001);
  EXPECT_DOUBLE_EQ(finishes[1].at("ts").get<double>(), 3.001);
}

TEST_F(TraceExportTest, ChromeCountsQueueDepthPerPort) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto counters = events_with(trace, "C");
  ASSERT_EQ(counters.size(), 2u);
  EXPECT_EQ(counters[0].at("name"), "depth: port jobs");
  EXPECT_EQ(counters[0].at("args").at("messages"), 1);
  EXPECT_EQ(counters[1].at("args").at("messages"), 0);
}

TEST_F(TraceExportTest, ChromeClosesSyscallsLeftOpenAtTheEnd) {
  records.resize(2);  // the consumer entered recv and blocked; nothing else happened
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto slices = events_with(trace, "X");
  ASSERT_EQ(slices.size(), 1u);
  EXPECT_EQ(slices[0].at("args").at("result"), "unfinished");
}

TEST_F(TraceExportTest, ChromeOutputIsValidJsonAndRepeats) {
  std::ostringstream a, b;
  emu::write_trace_chrome(a, records, names);
  emu::write_trace_chrome(b, records, names);
  EXPECT_EQ(a.str(), b.str());
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(a.str()));
  EXPECT_TRUE(parsed.contains("traceEvents"));
}

TEST(TraceSortTest, SortBySequenceRestoresGlobalOrder) {
  std::vector<TraceRecord> records(3);
  records[0].sequence = 3;
  records[1].sequence = 1;
  records[2].sequence = 2;
  emu::sort_by_sequence(records);
  EXPECT_EQ(records[0].sequence, 1u);
  EXPECT_EQ(records[2].sequence, 3u);
}

}  // namespace

namespace {

TEST(TraceSortTest, BlocksAreAttributedToTheSyscallTheTaskEnteredLast) {
  std::vector<kernel::TraceRecord> records(4);
  records[0].kind = kernel::TraceKind::SyscallEnter;
  records[0].task = 1;
  records[0].syscall = HB_SYS_SEND;
  records[1].kind = kernel::TraceKind::SyscallEnter;
  records[1].task = 2;
  records[1].syscall = HB_SYS_RECV;
  records[2].kind = kernel::TraceKind::Block;  // the kernel leaves syscall 0 here
  records[2].task = 1;
  records[3].kind = kernel::TraceKind::Block;
  records[3].task = 2;
  records[3].syscall = HB_SYS_CALL;  // a syscall the kernel did record is kept
  emu::attribute_syscalls(records);
  EXPECT_EQ(records[2].syscall, HB_SYS_SEND);
  EXPECT_EQ(records[3].syscall, HB_SYS_CALL);
}

}  // namespace
