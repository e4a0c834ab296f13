// emulator/scenario.h - a scenario: the tasks to start and the ports, grant regions and
// semaphores wired between them.
//
// The file format (docs/emulator.md has the full reference and examples):
//
//   title   Producer and consumer            # one per file, printed before the run
//   say     The producer fills a bounded port.   # narration, printed before the run
//   timeout 5s                                # the whole run; default 10s
//   port    jobs bounded 2                    # NAME rendezvous|bounded N|unbounded [system] [shared]
//   region  shelf 4KiB                        # NAME SIZE (bytes; K, KiB, M, MiB)
//   semaphore free 8 8                        # NAME INITIAL MAX
//   task    producer producer 6               # NAME PROGRAM [ARG...]   (starts a task block)
//     core    0                               # emulated core (default: the machine picks)
//     send    jobs                            # handle #0 of its start message: send right
//     expect  exit 0                          # exit N | killed | any   (default: exit 0)
//   task    consumer consumer 6
//     recv    jobs                            # handle #0 of consumer's start message
//     expect  output "got 6 jobs"             # its console output must contain this
//     map     shelf ro                        # a handle to region shelf: ro|rw [manage]
//     sem     free wait                       # a handle to semaphore free: wait and/or post
//     kill    after 2s                        # SIGKILL it (tests of failure handling)
//
// Parsing is pure (no machine, no files but the one read): parse_scenario() returns either a
// Scenario or every error found, each as FILE:LINE: reason. Nothing starts unless it parsed.
#pragma once

#include <harbor/sys.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

struct ScenarioError {
  std::string file;
  int line{0};  // 0: about the file as a whole
  std::string reason;
  std::string str() const;  // "FILE:LINE: reason"
};

struct PortDecl {
  std::string name;
  uint32_t mode{HB_PORT_BOUNDED};
  uint32_t capacity{0};
  uint32_t flags{0};  // HB_PORT_SYSTEM | HB_PORT_SHARED_RECV
  int line{0};
};

struct RegionDecl {
  std::string name;
  uint64_t size{0};  // bytes, as written (the kernel rounds up to pages)
  int line{0};
};

struct SemaphoreDecl {
  std::string name;
  uint32_t initial{0};
  uint32_t max{1};
  int line{0};
};

// Recv/Send: a port's receive or send right; Map: a grant region; Sem: a semaphore.
enum class HandleKind { Recv, Send, Map, Sem };

// One handle of a task's start message. A task's handles are numbered in declaration order:
// the first `recv`/`send`/`map`/`sem` line of its block is handles[0] of its start message.
struct HandleDecl {
  HandleKind kind{HandleKind::Send};
  std::string object;  // the name of the port, region or semaphore
  uint64_t badge{0};   // send only: the badge the receiver sees in in->badge
  uint32_t rights{0};  // map and sem: the handle's rights (HB_RIGHT_*), as written
  int line{0};
};

enum class ExpectKind { Exit, Killed, Any };

struct TaskDecl {
  std::string name;
  std::string program;            // as written: a built-in example name or a path
  std::vector<std::string> args;  // may contain ${TASK}: that task's id, when it starts
  uint32_t core{UINT32_MAX};      // UINT32_MAX: the machine picks
  std::vector<HandleDecl> handles;
  ExpectKind expect{ExpectKind::Exit};
  int32_t expect_code{0};
  std::vector<std::string> expect_output;  // substrings of its console output
  std::optional<uint64_t> kill_after_ns;
  int line{0};
};

struct Scenario {
  std::string file;  // as given, for messages
  std::string title;
  std::vector<std::string> narration;  // `say` lines, in order
  uint64_t timeout_ns{10'000'000'000ull};
  std::vector<PortDecl> ports;
  std::vector<RegionDecl> regions;
  std::vector<SemaphoreDecl> semaphores;
  std::vector<TaskDecl> tasks;

  const PortDecl* find_port(std::string_view name) const;
  const RegionDecl* find_region(std::string_view name) const;
  const SemaphoreDecl* find_semaphore(std::string_view name) const;
  const TaskDecl* find_task(std::string_view name) const;
};

struct ParseResult {
  std::optional<Scenario> scenario;  // set exactly when errors is empty
  std::vector<ScenarioError> errors;
};

// Parses scenario text; `file` names it in error messages.
ParseResult parse_scenario(std::string_view text, const std::string& file);
// Reads and parses a file ("cannot read" is an error at line 0).
ParseResult load_scenario(const std::string& path);

// "250ms", "2s", "1500us", "10ns" -> nanoseconds; nullopt when malformed.
std::optional<uint64_t> parse_duration(std::string_view text);
// "4096", "64K", "64KiB", "1M", "1MiB" -> bytes; nullopt when malformed or 0.
std::optional<uint64_t> parse_size(std::string_view text);

// Replaces each ${NAME} in `arg` with lookup(NAME); false (and `missing` set) if a name has no
// value. "$$" stands for a literal '$'.
template <typename Lookup>
bool expand_task_refs(const std::string& arg, Lookup&& lookup, std::string& out,
                      std::string& missing);

// --- implementation of the template ---
template <typename Lookup>
bool expand_task_refs(const std::string& arg, Lookup&& lookup, std::string& out,
                      std::string& missing) {
  out.clear();
  for (size_t i = 0; i < arg.size(); ++i) {
    if (arg[i] != '$') {
      out += arg[i];
    } else if (i + 1 < arg.size() && arg[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (i + 1 < arg.size() && arg[i + 1] == '{') {
      const size_t close = arg.find('}', i + 2);
      if (close == std::string::npos) {
        missing = arg.substr(i);
        return false;
      }
      const std::string name = arg.substr(i + 2, close - i - 2);
      std::optional<std::string> value = lookup(name);
      if (!value) {
        missing = name;
        return false;
      }
      out += *value;
      i = close;
    } else {
      out += '$';
    }
  }
  return true;
}

}  // namespace emu
