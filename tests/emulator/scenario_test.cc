// tests/emulator/scenario_test.cc - the scenario parser: what a good file means, and that a
// bad one is refused with FILE:LINE: reason for every mistake.
#include "scenario.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

using emu::ExpectKind;
using emu::HandleKind;

// All errors of a parse, one per line, for failure messages.
std::string all_errors(const emu::ParseResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.str() + "\n";
  return out;
}

TEST(ScenarioTest, ParsesPortsTasksHandlesAndExpectations) {
  const char* good = R"(title   Producer and consumer
say     The producer fills a bounded port.
say     # say keeps the whole line
timeout 250ms
port    jobs bounded 2
port    meet rendezvous
port    flood unbounded
port    lobby bounded 4 system shared

task consumer consumer 6      # a comment after the arguments
  core 1
  recv jobs
  recv meet
  recv flood
  recv lobby
  expect output "got 6"
  expect output done
task producer producer 6 "two words" ${consumer}
  core 0
  send jobs
  send meet badge 7
  send flood
  expect killed
  kill after 2s
task helper hb-helper
  recv lobby
  expect any
)";
  emu::ParseResult r = emu::parse_scenario(good, "good.scn");
  ASSERT_TRUE(r.errors.empty()) << all_errors(r);
  ASSERT_TRUE(r.scenario.has_value());
  const emu::Scenario& s = *r.scenario;
  EXPECT_EQ(s.title, "Producer and consumer");
  ASSERT_EQ(s.narration.size(), 2u);
  EXPECT_EQ(s.narration[1], "# say keeps the whole line");
  EXPECT_EQ(s.timeout_ns, 250'000'000u);

  ASSERT_EQ(s.ports.size(), 4u);
  EXPECT_EQ(s.ports[0].mode, uint32_t{HB_PORT_BOUNDED});
  EXPECT_EQ(s.ports[0].capacity, 2u);
  EXPECT_EQ(s.ports[0].line, 5);
  EXPECT_EQ(s.ports[1].mode, uint32_t{HB_PORT_RENDEZVOUS});
  EXPECT_EQ(s.ports[2].mode, uint32_t{HB_PORT_UNBOUNDED});
  EXPECT_EQ(s.ports[3].flags, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV);

  ASSERT_EQ(s.tasks.size(), 3u);
  const emu::TaskDecl& consumer = s.tasks[0];
  EXPECT_EQ(consumer.program, "consumer");
  EXPECT_EQ(consumer.args, std::vector<std::string>{"6"});
  EXPECT_EQ(consumer.core, 1u);
  ASSERT_EQ(consumer.handles.size(), 4u);
  EXPECT_EQ(consumer.handles[0].kind, HandleKind::Recv);
  EXPECT_EQ(consumer.handles[0].object, "jobs");
  EXPECT_EQ(consumer.expect, ExpectKind::Exit);
  EXPECT_EQ(consumer.expect_code, 0);
  EXPECT_EQ(consumer.expect_output, (std::vector<std::string>{"got 6", "done"}));

  const emu::TaskDecl& producer = s.tasks[1];
  EXPECT_EQ(producer.args, (std::vector<std::string>{"6", "two words", "${consumer}"}));
  ASSERT_EQ(producer.handles.size(), 3u);
  EXPECT_EQ(producer.handles[1].kind, HandleKind::Send);
  EXPECT_EQ(producer.handles[1].badge, 7u);
  EXPECT_EQ(producer.expect, ExpectKind::Killed);
  ASSERT_TRUE(producer.kill_after_ns.has_value());
  EXPECT_EQ(*producer.kill_after_ns, 2'000'000'000u);

  EXPECT_EQ(s.tasks[2].expect, ExpectKind::Any);
  EXPECT_EQ(s.tasks[2].core, UINT32_MAX);
}

TEST(ScenarioTest, ReportsEveryErrorWithFileAndLine) {
  const char* bad = R"(port jobs bounded 0
port jobs rendezvous
core 1
task a prog
  send nowhere
  expect exit x
  frobnicate
task a prog
)";
  emu::ParseResult r = emu::parse_scenario(bad, "bad.scn");
  EXPECT_FALSE(r.scenario.has_value());
  const std::string errors = all_errors(r);
  EXPECT_NE(errors.find("bad.scn:1: a bounded port needs a capacity of at least 1"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("bad.scn:3: `core` belongs to a task"), std::string::npos) << errors;
  EXPECT_NE(errors.find("bad.scn:6: `expect exit` needs a number"), std::string::npos) << errors;
  EXPECT_NE(errors.find("bad.scn:7: unknown directive `frobnicate`"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("bad.scn:8: task `a` is declared twice"), std::string::npos) << errors;
  EXPECT_NE(errors.find("bad.scn:5: no port named `nowhere`"), std::string::npos) << errors;
  EXPECT_NE(errors.find("bad.scn:2: nobody receives from port `jobs`"), std::string::npos)
      << errors;
}

TEST(ScenarioTest, RefusesTwoReceiversOnAnOrdinaryPort) {
  emu::ParseResult r = emu::parse_scenario(
      "port p bounded 1\ntask a x\n recv p\ntask b x\n recv p\n", "two.scn");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].reason.find("2 receivers"), std::string::npos);
}

TEST(ScenarioTest, AllowsSeveralReceiversOnASharedSystemPort) {
  emu::ParseResult r = emu::parse_scenario(
      "port p bounded 1 system shared\ntask a x\n recv p\ntask b x\n recv p\n", "ok.scn");
  EXPECT_TRUE(r.errors.empty()) << all_errors(r);
}

TEST(ScenarioTest, SharedNeedsSystem) {
  emu::ParseResult r = emu::parse_scenario("port p unbounded shared\ntask a x\n recv p\n", "s.scn");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].str(), "s.scn:1: only a `system` port can have a `shared` receive right");
}

TEST(ScenarioTest, TaskReferencesMustNameAnEarlierTask) {
  emu::ParseResult r = emu::parse_scenario(
      "task a x ${b}\ntask b x ${a} ${nobody}\n", "refs.scn");
  ASSERT_EQ(r.errors.size(), 2u) << all_errors(r);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].reason.find("starts after `a`"), std::string::npos);
  EXPECT_EQ(r.errors[1].line, 2);
  EXPECT_NE(r.errors[1].reason.find("`nobody`, which is not a task"), std::string::npos);
}

TEST(ScenarioTest, EmptyScenarioIsAnError) {
  emu::ParseResult r = emu::parse_scenario("# nothing\n\n", "empty.scn");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(), "empty.scn: no `task` declared: a scenario starts at least one");
}

TEST(ScenarioTest, UnterminatedQuoteIsAnError) {
  emu::ParseResult r = emu::parse_scenario("task a x \"open\n", "q.scn");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].str(), "q.scn:1: unterminated \" quote");
}

TEST(ScenarioTest, ARegionNoTaskGetsIsRefused) {
  emu::ParseResult r = emu::parse_scenario("region buf 4096\ntask a x\n", "r.scn");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].reason.find("no task gets region `buf`"), std::string::npos);
}

TEST(ScenarioTest, TooManyHandlesForAStartMessage) {
  std::string text = "port p unbounded\ntask r x\n recv p\ntask a x\n";
  for (int i = 0; i < 17; ++i) text += " send p\n";
  emu::ParseResult r = emu::parse_scenario(text, "h.scn");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_EQ(r.errors[0].line, 21);
}

TEST(ScenarioTest, WindowsLineEndingsAreFine) {
  emu::ParseResult r = emu::parse_scenario("task a x 1\r\n  expect exit 3\r\n", "crlf.scn");
  ASSERT_TRUE(r.errors.empty()) << all_errors(r);
  EXPECT_EQ(r.scenario->tasks[0].args, std::vector<std::string>{"1"});
  EXPECT_EQ(r.scenario->tasks[0].expect_code, 3);
}

TEST(ScenarioTest, LoadReportsAMissingFile) {
  emu::ParseResult r = emu::load_scenario("/nonexistent/harbor.scn");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(), "/nonexistent/harbor.scn: cannot read the scenario file");
}

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(emu::parse_duration("10ns"), 10u);
  EXPECT_EQ(emu::parse_duration("3us"), 3'000u);
  EXPECT_EQ(emu::parse_duration("250ms"), 250'000'000u);
  EXPECT_EQ(emu::parse_duration("2s"), 2'000'000'000u);
  EXPECT_FALSE(emu::parse_duration("2"));
  EXPECT_FALSE(emu::parse_duration("s"));
  EXPECT_FALSE(emu::parse_duration("2 s"));
  EXPECT_FALSE(emu::parse_duration("99999999999999999999s"));
}

TEST(ExpandTest, ReplacesTaskReferences) {
  auto ids = [](const std::string& name) -> std::optional<std::string> {
    if (name == "server") return "4";
    return std::nullopt;
  };
  std::string out, missing;
  EXPECT_TRUE(emu::expand_task_refs("to=${server}!", ids, out, missing));
  EXPECT_EQ(out, "to=4!");
  EXPECT_TRUE(emu::expand_task_refs("$$5 and $x", ids, out, missing));
  EXPECT_EQ(out, "$5 and $x");
  EXPECT_FALSE(emu::expand_task_refs("${client}", ids, out, missing));
  EXPECT_EQ(missing, "client");
}

TEST(ScenarioTest, ParsesRegionsSemaphoresAndTheirHandlesWithRights) {
  const char* text = R"(region    shelf 4KiB
region    raw 100
region    big 2M
semaphore free 8 8
semaphore lock 1 1
task t hello
  map shelf rw
  map raw ro
  map big ro manage
  sem free wait
  sem lock wait post
  sem free post
)";
  emu::ParseResult r = emu::parse_scenario(text, "objects.scn");
  ASSERT_TRUE(r.errors.empty()) << all_errors(r);
  const emu::Scenario& s = *r.scenario;
  ASSERT_EQ(s.regions.size(), 3u);
  EXPECT_EQ(s.regions[0].size, 4096u);
  EXPECT_EQ(s.regions[1].size, 100u);
  EXPECT_EQ(s.regions[2].size, 2u << 20);
  ASSERT_EQ(s.semaphores.size(), 2u);
  EXPECT_EQ(s.semaphores[0].initial, 8u);
  EXPECT_EQ(s.semaphores[1].max, 1u);
  const auto& h = s.tasks[0].handles;
  ASSERT_EQ(h.size(), 6u);
  const uint32_t pass = HB_RIGHT_DUP | HB_RIGHT_TRANSFER;
  EXPECT_EQ(h[0].kind, HandleKind::Map);
  EXPECT_EQ(h[0].object, "shelf");
  EXPECT_EQ(h[0].rights, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | pass);
  EXPECT_EQ(h[1].rights, HB_RIGHT_READ | HB_RIGHT_MAP | pass);  // a read-only grant
  EXPECT_EQ(h[2].rights, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_MANAGE | pass);
  EXPECT_EQ(h[3].kind, HandleKind::Sem);
  EXPECT_EQ(h[3].rights, HB_RIGHT_RECV | pass);
  EXPECT_EQ(h[4].rights, HB_RIGHT_RECV | HB_RIGHT_SEND | pass);
  EXPECT_EQ(h[5].rights, HB_RIGHT_SEND | pass);
}

TEST(ScenarioTest, RefusesBadRegionsAndSemaphoresWithFileAndLine) {
  const char* text = R"(region a
region b 0
region c 257M
region d 4X
semaphore e 2 1
semaphore f 0 0
semaphore g x 1
port p rendezvous
semaphore p 1 1
region unused 4K
task t hello
  recv p
  sem a wait
  map nowhere rw
  map p ro
  sem g
)";
  emu::ParseResult r = emu::parse_scenario(text, "bad.scn");
  ASSERT_FALSE(r.scenario.has_value());
  const std::string errors = all_errors(r);
  for (const char* want : {"bad.scn:1: usage: region NAME SIZE", "bad.scn:2: a region's size",
                           "bad.scn:3: a region's size", "bad.scn:4: a region's size",
                           "bad.scn:5: a semaphore needs", "bad.scn:6: a semaphore needs",
                           "bad.scn:7: a semaphore needs", "bad.scn:9: `p` is declared twice",
                           "bad.scn:10: no task gets region `unused`",
                           "bad.scn:14: no region named `nowhere`",
                           "bad.scn:15: `p` is a port, but `map` takes a region",
                           "bad.scn:16: usage: sem SEMAPHORE wait|post"})
    EXPECT_NE(errors.find(want), std::string::npos) << want << "\n" << errors;
  // `sem a wait` (line 13): `a` was declared on a line with an error; not reported again.
  EXPECT_EQ(errors.find("bad.scn:13:"), std::string::npos) << errors;
}

// ---- `pipe a | b` (emulator/scenario_pipes.cc) ------------------------------------------

TEST(ScenarioPipeTest, APipeLineGivesTheWriterASendRightAndTheReaderTheReceiveRight) {
  emu::ParseResult r = emu::parse_scenario(R"(port jobs bounded 2
task producer pipe-writer 10
  recv jobs
task consumer pipe-reader
pipe producer | consumer
)", "pipe.scn");
  ASSERT_TRUE(r.scenario.has_value()) << all_errors(r);
  const emu::PortDecl* p = r.scenario->find_port("producer|consumer");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->mode, static_cast<uint32_t>(HB_PORT_BOUNDED)) << "a pipe is a bounded port";
  EXPECT_EQ(p->capacity, 16u) << "HB_PIPE_CAPACITY_DEFAULT";
  EXPECT_EQ(p->line, 5);
  const emu::TaskDecl* producer = r.scenario->find_task("producer");
  ASSERT_EQ(producer->handles.size(), 2u);
  EXPECT_EQ(producer->handles[0].object, "jobs") << "its own lines first, as written";
  EXPECT_EQ(producer->handles[1].kind, HandleKind::Send) << "then the write end";
  EXPECT_EQ(producer->handles[1].object, "producer|consumer");
  const emu::TaskDecl* consumer = r.scenario->find_task("consumer");
  ASSERT_EQ(consumer->handles.size(), 1u);
  EXPECT_EQ(consumer->handles[0].kind, HandleKind::Recv);
  EXPECT_EQ(consumer->handles[0].object, "producer|consumer");
}

TEST(ScenarioPipeTest, AChainIsOnePipePerBarAndTheMiddleGetsReadThenWriteEnd) {
  emu::ParseResult r = emu::parse_scenario(
      "task a x\ntask b x\ntask c x\npipe a|b |c capacity 4\n", "chain.scn");
  ASSERT_TRUE(r.scenario.has_value()) << all_errors(r);
  ASSERT_EQ(r.scenario->ports.size(), 2u);
  EXPECT_EQ(r.scenario->ports[0].name, "a|b");
  EXPECT_EQ(r.scenario->ports[1].name, "b|c");
  EXPECT_EQ(r.scenario->ports[1].capacity, 4u);
  const emu::TaskDecl* b = r.scenario->find_task("b");
  ASSERT_EQ(b->handles.size(), 2u);
  EXPECT_EQ(b->handles[0].kind, HandleKind::Recv) << "stdin before stdout, as in a shell";
  EXPECT_EQ(b->handles[0].object, "a|b");
  EXPECT_EQ(b->handles[1].kind, HandleKind::Send);
  EXPECT_EQ(b->handles[1].object, "b|c");
}

TEST(ScenarioPipeTest, BadPipeLinesAreRefusedWithFileAndLine) {
  emu::ParseResult r = emu::parse_scenario(R"(task a x
pipe a | later
task later x
pipe a
pipe a | a
pipe a | later capacity 0
pipe a | later capacity lots
pipe a | | later
pipe a | later
pipe a | later
)", "badpipe.scn");
  EXPECT_FALSE(r.scenario.has_value());
  const std::string errors = all_errors(r);
  EXPECT_NE(errors.find("badpipe.scn:2: no task named `later` above this line"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("badpipe.scn:4: usage: pipe WRITER | READER"), std::string::npos) << errors;
  EXPECT_NE(errors.find("badpipe.scn:5: task `a` is piped into itself"), std::string::npos) << errors;
  EXPECT_NE(errors.find("badpipe.scn:6: a pipe's capacity is 1 to 1024"), std::string::npos) << errors;
  EXPECT_NE(errors.find("badpipe.scn:7: a pipe's capacity is 1 to 1024"), std::string::npos) << errors;
  EXPECT_NE(errors.find("badpipe.scn:8: usage: pipe"), std::string::npos) << errors;
  EXPECT_NE(errors.find("badpipe.scn:10: tasks `a` and `later` are already joined by a pipe (line 9)"),
            std::string::npos) << errors;
  EXPECT_EQ(errors.find("badpipe.scn:9:"), std::string::npos) << "line 9 is fine: " << errors;
}

}  // namespace
