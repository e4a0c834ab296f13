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

// A small story: the consumer blocks on an empty port; the producer sends message 42
// (5 bytes); the consumer wakes with it; the producer exits.
class TraceExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    names.tasks[kProducer] = "producer";
    names.tasks[kConsumer] = "consumer";
    names.objects[kPort] = "jobs";
    add(1000, TraceKind::SyscallEnter, kConsumer, HB_SYS_RECV, kPort, 0, 0, 0, 1);
    add(1100, TraceKind::Block, kConsumer, HB_SYS_RECV, kPort, 0, 0, 0, 1);
    add(2000, TraceKind::SyscallEnter, kProducer, HB_SYS_SEND, 0, 0, 0, 0, 0);
    add(2100, TraceKind::Send, kProducer, HB_SYS_SEND, kPort, 5, 0, 42, 0);
    add(2150, TraceKind::QueueDepth, kProducer, HB_SYS_SEND, kPort, 1, 0, 0, 0);
    add(2200, TraceKind::Receive, kConsumer, HB_SYS_SEND, kPort, 0, kProducer, 42, 0);
    add(2300, TraceKind::Wake, kConsumer, 0, 0, HB_OK, 0, 0, 0);
    add(2400, TraceKind::SyscallExit, kProducer, HB_SYS_SEND, 0, HB_OK, 0, 0, 0);
    add(2500, TraceKind::SyscallExit, kConsumer, HB_SYS_RECV, 0, HB_OK, 0, 0, 1);
    add(3000, TraceKind::TaskExit, kProducer, HB_SYS_TASK_EXIT, 0, 0, 0, 0, 0);
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
  EXPECT_EQ(lines[0].rfind("c1", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("+0.000us"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("consumer[2]"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("syscall recv"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("block in recv on port jobs"), std::string::npos) << lines[1];
  EXPECT_NE(lines[3].find("+1.100us"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("send msg 42 (5 B) into port jobs"), std::string::npos) << lines[3];
  EXPECT_NE(lines[5].find("receive msg 42 from port jobs, sent by producer[1]"),
            std::string::npos)
      << lines[5];
  EXPECT_NE(lines[6].find("wake: OK"), std::string::npos) << lines[6];
  EXPECT_NE(lines[9].find("exit with 0"), std::string::npos) << lines[9];
}

TEST_F(TraceExportTest, TextNamesStatusesAndUnknownTasks) {
  TraceRecord r = records[6];
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
  add(10, TraceKind::Receive, kProducer, HB_SYS_RECV, 3, 0, 0, 1, 0);
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

TEST_F(TraceExportTest, ChromeSyscallsAreCompleteEventsInMicroseconds) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto slices = events_with(trace, "X");
  ASSERT_EQ(slices.size(), 2u);
  for (const auto& s : slices) {
    if (s.at("tid") == kConsumer) {
      EXPECT_EQ(s.at("name"), "recv");
      EXPECT_DOUBLE_EQ(s.at("ts").get<double>(), 0.0);
      EXPECT_DOUBLE_EQ(s.at("dur").get<double>(), 1.5);
      EXPECT_EQ(s.at("args").at("result"), "OK");
    } else {
      EXPECT_EQ(s.at("name"), "send");
      EXPECT_DOUBLE_EQ(s.at("ts").get<double>(), 1.0);
      EXPECT_DOUBLE_EQ(s.at("dur").get<double>(), 0.4);
    }
  }
}

TEST_F(TraceExportTest, ChromeFlowGoesFromSendToReceiveByMessageId) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto starts = events_with(trace, "s");
  const auto finishes = events_with(trace, "f");
  ASSERT_EQ(starts.size(), 1u);
  ASSERT_EQ(finishes.size(), 1u);
  EXPECT_EQ(starts[0].at("id"), 42);
  EXPECT_EQ(finishes[0].at("id"), 42);
  EXPECT_EQ(starts[0].at("tid"), kProducer);
  EXPECT_EQ(finishes[0].at("tid"), kConsumer);
  EXPECT_EQ(finishes[0].at("bp"), "e");
  EXPECT_LE(starts[0].at("ts").get<double>(), finishes[0].at("ts").get<double>());
}

TEST_F(TraceExportTest, ChromeCountsQueueDepthPerPort) {
  const nlohmann::json trace = emu::trace_to_chrome_json(records, names);
  const auto counters = events_with(trace, "C");
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].at("name"), "depth: port jobs");
  EXPECT_EQ(counters[0].at("args").at("messages"), 1);
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
