// tests/emulator/cli_test.cc - harbor-emu as its users run it: a real process, real tasks.
//
// Every run has a time limit (process.h), so a hung emulator fails a test instead of the
// suite. Paths come from CMake: HARBOR_EMU (the binary), HARBOR_EXAMPLES (the built
// example programs), and the scenario folders.
#include "process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

namespace {

namespace fs = std::filesystem;
using emu_test::Process;

const std::string kEmu = HARBOR_EMU;
const std::string kExamples = HARBOR_EXAMPLES;
const std::string kScenarios = TEST_SCENARIOS;
const std::string kPrograms = TEST_PROGRAMS;
const std::string kDocsScenarios = DOCS_SCENARIOS;
const std::string kShowcaseScenarios = SHOWCASE_SCENARIOS;

// A crash must reach the emulator as a signal: sanitizers would otherwise turn SIGSEGV into
// an ordinary error exit of the crashing task.
std::vector<std::string> crash_env() {
  auto add = [](const char* name) {
    const char* old = std::getenv(name);
    return std::string(name) + "=" + (old && *old ? std::string(old) + ":" : "") + "handle_segv=0";
  };
  return {add("ASAN_OPTIONS"), add("TSAN_OPTIONS")};
}

Process emu(std::vector<std::string> args, double limit = 30,
            const std::vector<std::string>& env = {}, const std::string& cwd = {}) {
  args.insert(args.begin(), kEmu);
  return emu_test::run(args, limit, env, cwd);
}

std::string explain(const Process& p) {
  return "exit " + std::to_string(p.exit_code) + (p.timed_out ? " (TIMED OUT)" : "") +
         "\n--- stdout ---\n" + p.out + "--- stderr ---\n" + p.err;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A fresh directory under the build tree's temp area, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "harbor-emu-test-XXXXXX").string();
    m_path = mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!m_path.empty()) fs::remove_all(m_path, ignored);
  }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// --- the showcase ------------------------------------------------------------------------

TEST(ShowcaseTest, RunsAllActsExitsZeroAndRepeatsByteForByte) {
  Process first = emu({}, 20);
  ASSERT_EQ(first.exit_code, 0) << explain(first);
  EXPECT_LT(first.seconds, 2.0) << "the showcase must stay under 2 s";
  for (const char* act : {"Act 1", "Act 2", "Act 3", "Act 4", "Act 5"})
    EXPECT_TRUE(contains(first.out, act)) << act << "\n" << explain(first);
  EXPECT_TRUE(contains(first.out, "All 5 acts went as expected")) << explain(first);
  // The lessons each act is about are visible in its trace excerpt and output.
  EXPECT_TRUE(contains(first.out, "block in send on port jobs")) << first.out;
  EXPECT_TRUE(contains(first.out, "block in recv on port meet")) << first.out;
  EXPECT_TRUE(contains(first.out, "block in send on port meet")) << first.out;
  EXPECT_TRUE(contains(first.out, "got \"hello from alice\"")) << first.out;
  EXPECT_TRUE(contains(first.out, "block in call")) << first.out;
  EXPECT_TRUE(contains(first.out, "wake: HB_ERR_PEER_CLOSED")) << first.out;

  Process second = emu({}, 20);
  ASSERT_EQ(second.exit_code, 0) << explain(second);
  EXPECT_EQ(first.out, second.out) << "the showcase is deterministic: its output must repeat";
}

TEST(ShowcaseTest, PassesUnderSeveralRandomInterleavings) {
  for (const char* seed : {"1", "2", "3", "42"}) {
    Process p = emu({"--seed", seed}, 20);
    EXPECT_EQ(p.exit_code, 0) << "seed " << seed << "\n" << explain(p);
    EXPECT_TRUE(contains(p.out, "seed " + std::string(seed))) << p.out;
  }
}

TEST(ShowcaseTest, RunsOnOneCore) {
  Process p = emu({"--cores", "1"}, 20);
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(contains(p.out, "1 core,")) << p.out;
}

TEST(ShowcaseTest, RunsPinnedToOneHostCpuWithoutSpinning) {
  Process p = emu({"--host-cpus", "0", "--no-spin"}, 20);
  EXPECT_EQ(p.exit_code, 0) << explain(p);
}

TEST(ShowcaseTest, EachActIsAScenarioFileThatPassesInRealTime) {
  for (const auto& entry : fs::directory_iterator(kShowcaseScenarios)) {
    Process p = emu({"run", entry.path().string()}, 30);
    EXPECT_EQ(p.exit_code, 0) << entry.path() << "\n" << explain(p);
  }
}

// --- the command line --------------------------------------------------------------------

TEST(CommandLineTest, HelpDocumentsCommandsOptionsAndExamples) {
  Process p = emu({"--help"});
  ASSERT_EQ(p.exit_code, 0) << explain(p);
  for (const char* part : {"run SCENARIO", "exec PROGRAM", "--cores", "--deterministic",
                           "--seed", "--trace", "--trace-out", "--stats", "--timeout",
                           "--host-cpus", "--no-spin",
                           "Examples:", "Exit status", "perfetto", "regions and semaphores",
                           "killed by SIGSEGV"})
    EXPECT_TRUE(contains(p.out, part)) << part << "\n" << p.out;
}

TEST(CommandLineTest, UsageErrorsExitTwo) {
  EXPECT_EQ(emu({"--no-such-option"}).exit_code, 2);
  EXPECT_EQ(emu({"--trace", "svg"}).exit_code, 2);
  EXPECT_EQ(emu({"--cores", "0"}).exit_code, 2);
  EXPECT_EQ(emu({"--host-cpus", "first"}).exit_code, 2);
  EXPECT_EQ(emu({"run"}).exit_code, 2);
  EXPECT_EQ(emu({"--timeout", "soon", "exec", "hello"}).exit_code, 2);
  Process p = emu({"--trace-out", "x.json"});
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  EXPECT_TRUE(contains(p.err, "--trace-out needs --trace")) << p.err;
}

// --- exec --------------------------------------------------------------------------------

TEST(ExecTest, ExitsWithTheProgramsExitCode) {
  Process p = emu({"exec", "hello", "3", "from", "the", "emulator"});
  EXPECT_EQ(p.exit_code, 3) << explain(p);
  EXPECT_TRUE(contains(p.out, "hello from task 1 (started by 0): from the emulator")) << p.out;
}

// main's return value reaches the kernel whole (userland/runtime/hosted/exit.cc): the trace's
// exit record and a waiting parent see 300, and harbor-emu's own status is 300 & 0xff, as a
// shell's `exit 300`.
TEST(ExecTest, ReturnFromMainOutsideAByteReachesTheKernelWhole) {
  const std::string probe = kPrograms + "/exit-probe";
  Process p = emu({"--trace", "text", "exec", probe, "return", "300"});
  EXPECT_EQ(p.exit_code, 300 & 0xff) << explain(p);
  EXPECT_TRUE(contains(p.out, "exit-probe[1]   exit with 300")) << p.out;
  Process child = emu({"exec", probe, "child", "return", "300"});
  EXPECT_EQ(child.exit_code, 0) << explain(child);
  EXPECT_TRUE(contains(child.out, "probe: child 2 ended with 300")) << child.out;
  Process negative = emu({"exec", probe, "child", "return", "-7"});
  EXPECT_TRUE(contains(negative.out, "probe: child 2 ended with -7")) << negative.out;
  Process in_range = emu({"exec", probe, "child", "return", "255"});
  EXPECT_TRUE(contains(in_range.out, "probe: child 2 ended with 255")) << in_range.out;
}

// A task killed by a signal is reported on stderr at once, without --trace (emulator/
// deaths.h); harbor-emu exec's status is 128 + the signal for the first task, as a shell's.
TEST(ExecTest, ATaskKilledByASignalIsReportedOnStderr) {
  const std::string probe = kPrograms + "/exit-probe";
  for (std::vector<std::string> mode : {std::vector<std::string>{},
                                        std::vector<std::string>{"--deterministic"}}) {
    std::vector<std::string> args = mode;
    args.insert(args.end(), {"exec", probe, "segv"});
    Process p = emu(args);
    EXPECT_EQ(p.exit_code, 128 + 11) << explain(p);
    EXPECT_TRUE(contains(p.err, "harbor-emu: task 1 (exit-probe) killed by SIGSEGV\n")) << explain(p);
  }
  // A child: its parent lives on and sees minus the signal.
  Process child = emu({"exec", probe, "child", "segv"});
  EXPECT_EQ(child.exit_code, 0) << explain(child);
  EXPECT_TRUE(contains(child.out, "probe: child 2 ended with -11")) << child.out;
  EXPECT_TRUE(contains(child.err, "harbor-emu: task 2 (")) << explain(child);
  EXPECT_TRUE(contains(child.err, ") killed by SIGSEGV\n")) << explain(child);
}

// A negative code a program chose (returned from main, or given to hb_task_exit) is no death:
// nothing on stderr, and exec's status is the code's low byte (-7: 249; not 135, SIGBUS's).
TEST(ExecTest, ANegativeCodeTheProgramChoseIsNoSignal) {
  const std::string probe = kPrograms + "/exit-probe";
  Process returned = emu({"exec", probe, "return", "-7"});
  EXPECT_EQ(returned.exit_code, -7 & 0xff) << explain(returned);
  EXPECT_FALSE(contains(returned.err, "killed")) << explain(returned);
  Process exited = emu({"exec", probe, "exit", "-11"});
  EXPECT_EQ(exited.exit_code, -11 & 0xff) << explain(exited);
  EXPECT_FALSE(contains(exited.err, "killed")) << explain(exited);
  Process child = emu({"exec", probe, "child", "exit", "-11"});
  EXPECT_EQ(child.exit_code, 0) << explain(child);
  EXPECT_TRUE(contains(child.out, "probe: child 2 ended with -11")) << child.out;
  EXPECT_FALSE(contains(child.err, "killed")) << explain(child);
}

TEST(ExecTest, PassesOptionLikeArgumentsToTheProgram) {
  Process p = emu({"--cores", "1", "exec", "hello", "0", "--help", "-x", "exec"});
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(contains(p.out, ": --help -x exec")) << p.out;
}

TEST(ExecTest, RunsAProgramGivenByPath) {
  Process p = emu({"exec", kExamples + "/hello", "5"});
  EXPECT_EQ(p.exit_code, 5) << explain(p);
}

TEST(ExecTest, FirstTaskMaySpawnOthers) {
  Process p = emu({"exec", "spawner", kExamples + "/hello", "3"});
  EXPECT_EQ(p.exit_code, 6) << "1 + 2 + 3\n" << explain(p);
  EXPECT_TRUE(contains(p.out, "hello: hello from task 4 (started by 1): child 3")) << p.out;
}

TEST(ExecTest, MissingProgramIs127) {
  Process p = emu({"exec", "no-such-program"});
  EXPECT_EQ(p.exit_code, 127) << explain(p);
  EXPECT_TRUE(contains(p.err, "no example program `no-such-program`")) << p.err;
}

TEST(ExecTest, TimeoutEndsAStuckProgram) {
  // A greeter waits for a "go" that nobody will ever send.
  Process p = emu({"--timeout", "300ms", "exec", "greeter"}, 20);
  EXPECT_EQ(p.exit_code, 124) << explain(p);
  EXPECT_FALSE(p.timed_out) << explain(p);
  EXPECT_TRUE(contains(p.out, "greeter[1] (blocked receiving on inbox of greeter[1])")) << p.out;
}

// --- run ---------------------------------------------------------------------------------

TEST(RunTest, PassingScenarioExitsZero) {
  Process p = emu({"run", kScenarios + "/pass.scn"});
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(contains(p.out, "== hello passes ==")) << p.out;
  EXPECT_TRUE(contains(p.out, "  greet: hello from task 1")) << p.out;
  EXPECT_TRUE(contains(p.out, "passed: every task ended as expected")) << p.out;
}

TEST(RunTest, FailedExpectationExplainsItselfAndExitsOne) {
  Process p = emu({"run", kScenarios + "/fail.scn"});
  EXPECT_EQ(p.exit_code, 1) << explain(p);
  EXPECT_TRUE(contains(p.out, "fail.scn:2: greet[1]: expected exit 0, got exit 3")) << p.out;
  EXPECT_TRUE(contains(p.out, "machine: ")) << p.out;
  EXPECT_TRUE(contains(p.out, "trace records:")) << p.out;
  EXPECT_TRUE(contains(p.out, "hint: ")) << p.out;
}

TEST(RunTest, ScenarioErrorsNameFileAndLineAndNothingStarts) {
  Process p = emu({"run", kScenarios + "/bad.scn"});
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  const std::string file = kScenarios + "/bad.scn";
  EXPECT_TRUE(contains(p.err, file + ":2: a bounded port needs a capacity")) << p.err;
  EXPECT_TRUE(contains(p.err, file + ":5: unknown directive `frobnicate`")) << p.err;
  EXPECT_TRUE(contains(p.err, file + ":6: `${nobody}` refers") ||
              contains(p.err, file + ":6: `${nobody}`"))
      << p.err;
  EXPECT_TRUE(contains(p.err, file + ":7: no port named `nowhere`")) << p.err;
  EXPECT_TRUE(contains(p.err, "nothing was started")) << p.err;
  EXPECT_TRUE(p.out.empty()) << "no task may have run:\n" << p.out;
}

TEST(RunTest, MissingProgramIsAScenarioError) {
  Process p = emu({"run", kScenarios + "/missing-program.scn"});
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  EXPECT_TRUE(contains(p.err, "missing-program.scn:1: no example program `no-such-program`"))
      << p.err;
}

TEST(RunTest, CoreBeyondTheMachineIsAScenarioError) {
  Process p = emu({"--cores", "1", "run", kScenarios + "/core1.scn"});
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  EXPECT_TRUE(contains(p.err, "core1.scn:1: task `greet` wants core 1, but the machine has 1"))
      << p.err;
  Process two = emu({"--cores", "2", "run", kScenarios + "/core1.scn"});
  EXPECT_EQ(two.exit_code, 0) << explain(two);
}

TEST(RunTest, MissingScenarioFileExitsTwo) {
  Process p = emu({"run", kScenarios + "/no-such.scn"});
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  EXPECT_TRUE(contains(p.err, "cannot read the scenario file")) << p.err;
}

TEST(RunTest, DeadlockTimesOutAndSaysWhoWaitsForWhat) {
  Process p = emu({"run", kScenarios + "/stuck.scn"}, 20);
  EXPECT_EQ(p.exit_code, 124) << explain(p);
  EXPECT_TRUE(contains(p.out, "ping[1] (blocked receiving on port a)")) << p.out;
  EXPECT_TRUE(contains(p.out, "pong[2] (blocked receiving on port b)")) << p.out;
}

TEST(RunTest, ProgramPathsAreRelativeToTheScenarioFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  fs::create_symlink(kExamples + "/hello", dir.path() + "/my-hello");
  {
    std::ofstream scn(dir.path() + "/local.scn");
    scn << "task local ./my-hello 7\n  expect exit 7\n";
  }
  Process p = emu({"run", "local.scn"}, 30, {}, dir.path());
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  Process elsewhere = emu({"run", dir.path() + "/local.scn"});
  EXPECT_EQ(elsewhere.exit_code, 0) << explain(elsewhere);
}

TEST(RunTest, EveryDocumentedScenarioPasses) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kDocsScenarios)) {
    if (entry.path().extension() != ".scn") continue;
    ++count;
    Process p = emu({"run", entry.path().string()}, 30, crash_env());
    EXPECT_EQ(p.exit_code, 0) << entry.path() << "\n" << explain(p);
    Process d = emu({"--deterministic", "run", entry.path().string()}, 30, crash_env());
    EXPECT_EQ(d.exit_code, 0) << entry.path() << " (deterministic)\n" << explain(d);
  }
  EXPECT_GE(count, 5);
}

TEST(RunTest, CrashOfAPortOwnerWakesItsSender) {
  Process p = emu({"run", kDocsScenarios + "/crash.scn"}, 30, crash_env());
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(contains(p.out, "owner[1]  exit -11 (killed by signal 11")) << p.out;
  EXPECT_TRUE(contains(p.err, "harbor-emu: task 1 (owner) killed by SIGSEGV\n")) << p.err;
}

// --- regions and semaphores wired by a scenario ---------------------------------------------

// read-only.scn names the test program scenario-probe like a built-in example: it is found
// through HARBOR_EXAMPLES_DIR.
std::vector<std::string> probe_env() { return {"HARBOR_EXAMPLES_DIR=" + kPrograms}; }

TEST(RegionScenarioTest, BoundedBufferExampleRunsWiredByAScenario) {
  for (std::vector<std::string> mode : {std::vector<std::string>{},
                                        std::vector<std::string>{"--deterministic"},
                                        std::vector<std::string>{"--seed", "5"}}) {
    std::vector<std::string> args = mode;
    for (const char* a : {"--stats", "run"}) args.push_back(a);
    args.push_back(kDocsScenarios + "/bounded-buffer.scn");
    Process p = emu(args, 60);
    ASSERT_EQ(p.exit_code, 0) << (mode.empty() ? "real time" : mode[0]) << "\n" << explain(p);
    // Every item went through (the consumer checks each), and the semaphores ended where
    // the bounded buffer leaves them: all slots free, no item left, the mutex open.
    for (const char* part : {"consumer[1]  exit 0", "producer[2]  exit 0",
                             "per region and semaphore", "region shelf", "4096 bytes, 0 mappings",
                             "count 8 of max 8", "count 0 of max 8", "count 1 of max 1"})
      EXPECT_TRUE(contains(p.out, part)) << part << "\n" << p.out;
    // What the kernel counted: each role maps the shelf once and is gone at the end; 3000
    // items, each one wait and one post on `empty` and `full`, two of each on `mutex`.
    for (const char* part : {"2 maps, 2 unmaps", "3000 posts, 3000 waits (",
                             "6000 posts, 6000 waits ("})
      EXPECT_TRUE(contains(p.out, part)) << part << "\n" << p.out;
  }
}

TEST(RegionScenarioTest, HandlesCarryTheRightsWritten) {
  Process p = emu({"run", kScenarios + "/read-only.scn"}, 30, probe_env());
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(contains(p.out, "probe: read-only ok")) << p.out;
}

TEST(RegionScenarioTest, MistakesNameFileAndLineAndNothingStarts) {
  Process p = emu({"run", kScenarios + "/bad-objects.scn"}, 30, probe_env());
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  const std::string file = kScenarios + "/bad-objects.scn";
  for (const std::string& want :
       {file + ":1: a region's size is 1 byte to 256 MiB", file + ":2: a region's size",
        file + ":3: a semaphore needs 0 <= INITIAL <= MAX",
        file + ":5: `jobs` is declared twice (a port already has that name)",
        file + ":6: no task gets semaphore `lonely`",
        file + ":9: `lonely` is a semaphore, but `map` takes a region",
        file + ":10: no semaphore named `nothing`", file + ":11: usage: map REGION ro|rw"})
    EXPECT_TRUE(contains(p.err, want)) << want << "\n" << p.err;
  EXPECT_TRUE(contains(p.err, "nothing was started")) << p.err;
  EXPECT_TRUE(p.out.empty()) << "no task may have run:\n" << p.out;
}

TEST(RegionScenarioTest, ATaskWaitingOnASemaphoreIsNamedWhenTheRunTimesOut) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  {
    std::ofstream scn(dir.path() + "/stuck.scn");
    scn << "timeout 300ms\nregion shelf 4K\nsemaphore never 0 1\n"
           "task waiter bounded-buffer producer 1 4\n  map shelf rw\n  sem never wait\n"
           "  sem never post\n  sem never wait post\n";
  }
  Process p = emu({"run", dir.path() + "/stuck.scn"}, 20);
  EXPECT_EQ(p.exit_code, 124) << explain(p);
  EXPECT_TRUE(contains(p.out, "waiter[1] (blocked on semaphore never)")) << p.out;
}

TEST(RunTest, DeterministicRunsRepeatTheirTrace) {
  const std::vector<std::string> args = {"--deterministic", "--trace", "text", "run",
                                         kDocsScenarios + "/fan-in.scn"};
  Process a = emu(args), b = emu(args);
  ASSERT_EQ(a.exit_code, 0) << explain(a);
  EXPECT_TRUE(contains(a.out, "== trace (")) << a.out;
  EXPECT_EQ(a.out, b.out);
  Process s1 = emu({"--seed", "9", "--trace", "text", "run", kDocsScenarios + "/fan-in.scn"});
  Process s2 = emu({"--seed", "9", "--trace", "text", "run", kDocsScenarios + "/fan-in.scn"});
  ASSERT_EQ(s1.exit_code, 0) << explain(s1);
  EXPECT_EQ(s1.out, s2.out) << "the same seed must give the same interleaving";
}

// --- traces and statistics ---------------------------------------------------------------

TEST(TraceTest, ChromeTraceIsJsonWithTracksSlicesFlowsAndCounters) {
  TempDir dir;
  const std::string file = dir.path() + "/trace.json";
  Process p = emu({"--deterministic", "--trace", "chrome", "--trace-out", file, "run",
                   kShowcaseScenarios + "/1-producer-consumer.scn"});
  ASSERT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(contains(p.err, "wrote ")) << p.err;
  nlohmann::json trace;
  ASSERT_NO_THROW(trace = nlohmann::json::parse(emu_test::read_file(file)));
  std::set<std::string> phases, tracks;
  for (const auto& e : trace.at("traceEvents")) {
    phases.insert(e.at("ph").get<std::string>());
    if (e.at("ph") == "M" && e.at("name") == "thread_name")
      tracks.insert(e.at("args").at("name").get<std::string>());
  }
  for (const char* ph : {"M", "X", "i", "s", "f", "C"})
    EXPECT_TRUE(phases.count(ph)) << "no \"" << ph << "\" events";
  EXPECT_TRUE(tracks.count("consumer[1]"));
  EXPECT_TRUE(tracks.count("producer[2]"));
}

TEST(TraceTest, MermaidTraceIsASequenceDiagramOfTheTasks) {
  TempDir dir;
  const std::string file = dir.path() + "/trace.mmd";
  Process p = emu({"--deterministic", "--trace", "mermaid", "--trace-out", file, "run",
                   kShowcaseScenarios + "/4-call-reply.scn"});
  ASSERT_EQ(p.exit_code, 0) << explain(p);
  const std::string text = emu_test::read_file(file);
  EXPECT_EQ(text.rfind("sequenceDiagram\n", 0), 0u) << text;
  EXPECT_TRUE(contains(text, "participant T1 as server[1]")) << text;
  EXPECT_TRUE(contains(text, "participant T2 as client[2]")) << text;
  EXPECT_TRUE(contains(text, "T2->>T1: msg")) << text;
  EXPECT_TRUE(contains(text, "T1->>T2: reply")) << text;
}

TEST(TraceTest, MermaidGoesToADefaultFileInTheCurrentDirectory) {
  TempDir dir;
  Process p = emu({"--trace", "mermaid", "exec", "hello"}, 30, {}, dir.path());
  ASSERT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_TRUE(fs::exists(dir.path() + "/harbor-trace.mmd")) << explain(p);
}

TEST(StatsOutputTest, PrintsPerCorePerTaskAndPerPortTables) {
  Process p = emu({"--stats", "--cores", "2", "run", kDocsScenarios + "/fan-in.scn"});
  ASSERT_EQ(p.exit_code, 0) << explain(p);
  for (const char* part : {"== statistics ==", "kernel: 3 tasks created", "per core",
                           "per task", "per port", "consumer[1]", "left[2]", "right[3]",
                           "port jobs", "inbox of consumer[1]"})
    EXPECT_TRUE(contains(p.out, part)) << part << "\n" << p.out;
}

// --- --report-json (exercises/grade reads it) -----------------------------------------------

nlohmann::json read_report(const std::string& file) {
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  return j;
}

TEST(ReportJsonTest, ADeadlockNamesTheWaitForCycleAsTheKernelSawIt) {
  TempDir dir;
  const std::string file = dir.path() + "/report.json";
  Process p = emu({"--deterministic", "--report-json", file, "run", kScenarios + "/stuck.scn"}, 20);
  ASSERT_EQ(p.exit_code, 124) << explain(p);
  nlohmann::json r = read_report(file);
  ASSERT_TRUE(r.is_object()) << emu_test::read_file(file);
  EXPECT_EQ(r["result"], "timed_out");
  EXPECT_EQ(r["machine"]["deterministic"], true);
  ASSERT_TRUE(r["deadlock"].is_object()) << r.dump(2);
  std::set<std::string> cycle(r["deadlock"]["cycle_names"].begin(),
                              r["deadlock"]["cycle_names"].end());
  EXPECT_EQ(cycle, (std::set<std::string>{"ping[1]", "pong[2]"})) << r.dump(2);
  EXPECT_EQ(r["deadlock"]["stuck_names"], nlohmann::json::array({"ping[1]", "pong[2]"}));
  EXPECT_EQ(r["deadlock"]["every_task_stuck"], true);
  bool saw_ping = false;
  for (const nlohmann::json& w : r["waits"]) {
    if (w["name"] != "ping[1]") continue;
    saw_ping = true;
    EXPECT_EQ(w["kind"], "receive");
    EXPECT_EQ(w["object"], "port a");
    EXPECT_EQ(w["has_deadline"], false);
    // pong holds the only send right to port a.
    EXPECT_EQ(w["waits_for_names"], nlohmann::json::array({"pong[2]"})) << w.dump();
  }
  EXPECT_TRUE(saw_ping) << r.dump(2);
}

TEST(ReportJsonTest, APassingRunReportsEachTasksEndAndNoDeadlock) {
  TempDir dir;
  const std::string file = dir.path() + "/report.json";
  Process p = emu({"--seed", "3", "--report-json", file, "run", kDocsScenarios + "/fan-in.scn"});
  ASSERT_EQ(p.exit_code, 0) << explain(p);
  nlohmann::json r = read_report(file);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["command"], "run");
  EXPECT_EQ(r["result"], "passed");
  EXPECT_EQ(r["exit_code"], 0);
  EXPECT_EQ(r["machine"]["seed"], 3);
  EXPECT_TRUE(r["deadlock"].is_null());
  EXPECT_TRUE(r["waits"].empty());
  ASSERT_EQ(r["tasks"].size(), 3u);
  for (const nlohmann::json& t : r["tasks"]) {
    EXPECT_EQ(t["exited"], true) << t.dump();
    EXPECT_EQ(t["code"], 0) << t.dump();
    EXPECT_EQ(t["signal"], 0) << t.dump();
  }
}

TEST(ReportJsonTest, ExecReportsTheProgramsExitCode) {
  TempDir dir;
  const std::string file = dir.path() + "/report.json";
  Process p = emu({"--deterministic", "--report-json", file, "exec", "hello", "3"});
  ASSERT_EQ(p.exit_code, 3) << explain(p);
  nlohmann::json r = read_report(file);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["command"], "exec");
  EXPECT_EQ(r["exit_code"], 3);
  EXPECT_EQ(r["tasks"][0]["code"], 3);
  EXPECT_EQ(r["tasks"][0]["signal"], 0);
}

TEST(ReportJsonTest, AReportThatCannotBeWrittenFailsAPassingRun) {
  Process p = emu({"--report-json", "/nonexistent-dir/report.json", "run",
                   kScenarios + "/pass.scn"});
  EXPECT_EQ(p.exit_code, 2) << explain(p);
  EXPECT_TRUE(contains(p.err, "cannot write the report to /nonexistent-dir/report.json")) << p.err;
}

TEST(ReportJsonTest, NoDeadlockWhileARunningTaskCouldStillWakeTheWaiters) {
  // ping and pong wait for each other, but poller, which never stops (it polls port c,
  // whose send right ping holds), also holds a send right to ping's port a: it could still
  // wake ping, so nobody is stuck for good. Without poller this is stuck.scn, a deadlock.
  TempDir dir;
  const std::string scn = dir.path() + "/not-stuck.scn", file = dir.path() + "/report.json";
  {
    std::ofstream out(scn);
    out << "timeout 300ms\nport a rendezvous\nport b rendezvous\nport c bounded 1\n"
           "task ping consumer 1\n  recv a\n  send b\n  send c\n"
           "task pong consumer 1\n  recv b\n  send a\n"
           "task poller polling receiver 1\n  recv c\n  send a\n";
  }
  Process p = emu({"--deterministic", "--report-json", file, "run", scn}, 20);
  ASSERT_EQ(p.exit_code, 124) << explain(p);
  nlohmann::json r = read_report(file);
  ASSERT_TRUE(r.is_object());
  EXPECT_TRUE(r["deadlock"].is_null()) << r.dump(2);
  for (const nlohmann::json& w : r["waits"]) {
    if (w["name"] == "ping[1]")
      EXPECT_EQ(w["waits_for_names"], nlohmann::json::array({"pong[2]", "poller[3]"})) << w.dump();
    if (w["name"] == "poller[3]") EXPECT_EQ(w["kind"], "running") << w.dump();
  }
}

TEST(ReportJsonTest, StopOnDeadlockEndsTheRunWhenEveryTaskWaitsForGood) {
  // A 60 s time limit, and the process limit of this test is 20 s: only an early stop passes.
  TempDir dir;
  const std::string file = dir.path() + "/report.json";
  Process p = emu({"--deterministic", "--stop-on-deadlock", "--timeout", "60s", "--report-json",
                   file, "run", kScenarios + "/stuck.scn"},
                  20);
  ASSERT_FALSE(p.timed_out) << explain(p);
  EXPECT_EQ(p.exit_code, 124) << explain(p);
  EXPECT_TRUE(contains(p.out, "stopped: every task waits for good (deadlock: ping[1] -> "
                              "pong[2] -> ping[1])")) << p.out;
  nlohmann::json r = read_report(file);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["result"], "deadlocked");
  EXPECT_EQ(r["deadlock"]["stuck_names"], nlohmann::json::array({"ping[1]", "pong[2]"}));
  // The waits were read before the tasks were ended.
  ASSERT_EQ(r["waits"].size(), 2u) << r.dump(2);
  EXPECT_EQ(r["waits"][0]["kind"], "receive");
}

TEST(ReportJsonTest, StopOnDeadlockLeavesARunWithAWakeableTaskToItsTimeLimit) {
  TempDir dir;
  const std::string scn = dir.path() + "/not-stuck.scn", file = dir.path() + "/report.json";
  {
    std::ofstream out(scn);
    out << "timeout 300ms\nport a rendezvous\nport b rendezvous\nport c bounded 1\n"
           "task ping consumer 1\n  recv a\n  send b\n  send c\n"
           "task pong consumer 1\n  recv b\n  send a\n"
           "task poller polling receiver 1\n  recv c\n  send a\n";
  }
  Process p = emu({"--deterministic", "--stop-on-deadlock", "--report-json", file, "run", scn},
                  20);
  ASSERT_EQ(p.exit_code, 124) << explain(p);
  EXPECT_FALSE(contains(p.out, "stopped:")) << p.out;
  nlohmann::json r = read_report(file);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["result"], "timed_out");
  EXPECT_TRUE(r["deadlock"].is_null());
}

TEST(ReportJsonTest, StopOnDeadlockChangesNothingInAPassingRun) {
  Process p = emu({"--stop-on-deadlock", "run", kDocsScenarios + "/fan-in.scn"});
  EXPECT_EQ(p.exit_code, 0) << explain(p);
  EXPECT_FALSE(contains(p.out, "stopped:")) << p.out;
}

}  // namespace

// --- what traces say about spawned tasks (SPEC 4) ------------------------------------------

// A child's start message is made by its parent's hb_task_spawn: the trace calls it a start
// message (text and Mermaid), never a reply, and names the children after their image even
// when they live shorter than the observer's poll.
TEST(SpawnTraceTest, AChildsStartMessageIsNoReplyAndTheChildHasItsImagesName) {
  Process text = emu({"--deterministic", "--trace", "text", "exec", "spawner",
                      kExamples + "/hello", "2"});
  EXPECT_EQ(text.exit_code, 3) << "1 + 2\n" << explain(text);
  EXPECT_TRUE(contains(text.out, "receive the start message (msg ")) << text.out;
  EXPECT_FALSE(contains(text.out, "a reply")) << text.out;
  EXPECT_TRUE(contains(text.out, "hello[2]")) << text.out;
  EXPECT_TRUE(contains(text.out, "hello[3]")) << text.out;
  EXPECT_FALSE(contains(text.out, "task[2]")) << text.out;
  TempDir dir;
  const std::string mmd = dir.path() + "/spawn.mmd";
  Process mermaid = emu({"--deterministic", "--trace", "mermaid", "--trace-out", mmd, "exec",
                         "spawner", kExamples + "/hello", "2"});
  EXPECT_EQ(mermaid.exit_code, 3) << explain(mermaid);
  std::ifstream in(mmd);
  const std::string diagram((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(diagram, "participant T2 as hello[2]")) << diagram;
  EXPECT_TRUE(contains(diagram, "T1->>T2: start message")) << diagram;
  EXPECT_FALSE(contains(diagram, "reply")) << diagram;
}

// --deterministic repeats byte for byte for exec with tasks that spawn tasks (SPEC 4).
TEST(SpawnTraceTest, ExecWithSpawnedTasksRepeatsByteForByte) {
  std::string first;
  for (int run = 0; run < 5; ++run) {
    Process p = emu({"--deterministic", "--trace", "text", "--stats", "exec", "spawner",
                     kExamples + "/hello", "3"});
    ASSERT_EQ(p.exit_code, 6) << explain(p);
    if (run == 0) first = p.out;
    EXPECT_EQ(first, p.out) << "run " << run << " differs";
  }
}
