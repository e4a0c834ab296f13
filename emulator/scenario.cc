// emulator/scenario.cc - the scenario parser: lines -> tokens -> directives -> checks.
// Grant regions and semaphores, their directives and checks, are in scenario_objects.cc
// (scenario_parser.h: the parser class both files implement).
//
// Two passes, so that every mistake in a file is reported at once:
//   (1) each line is split into tokens and applied as a directive (errors: bad syntax);
//   (2) the whole scenario is checked (errors: a port nobody receives from, a handle to an
//       undeclared port, region or semaphore, a region or semaphore no task gets, a ${task}
//       reference to a task that starts later, ...).
// Ports, regions and semaphores share one namespace: a handle line names its object, and
// the verb says which kind it must be (recv/send: a port, map: a region, sem: a semaphore).
#include "scenario.h"

#include "scenario_parser.h"

#include <cctype>
#include <cstdint>
#include <charconv>
#include <fstream>
#include <limits>
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace emu {

std::string ScenarioError::str() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason;
}

const PortDecl* Scenario::find_port(std::string_view name) const {
  for (const PortDecl& p : ports)
    if (p.name == name) return &p;
  return nullptr;
}

const TaskDecl* Scenario::find_task(std::string_view name) const {
  for (const TaskDecl& t : tasks)
    if (t.name == name) return &t;
  return nullptr;
}

std::optional<uint64_t> parse_duration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  uint64_t scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1'000;
  else if (unit == "ms") scale = 1'000'000;
  else if (unit == "s") scale = 1'000'000'000;
  else return std::nullopt;
  if (value > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
  return value * scale;
}

namespace {

// Splits a line into words. "double quotes" keep spaces (\" and \\ escape); '#' at the start
// of a word begins a comment. Returns false with `error` set for an unterminated quote.
bool tokenize(std::string_view line, std::vector<std::string>& words, std::string& error) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size() || line[i] == '#') break;
    std::string word;
    bool quoted = false;
    while (i < line.size() && (quoted || !std::isspace(static_cast<unsigned char>(line[i])))) {
      const char c = line[i++];
      if (c == '"') {
        quoted = !quoted;
      } else if (quoted && c == '\\' && i < line.size()) {
        const char next = line[i++];
        word += next == 'n' ? '\n' : next;
      } else {
        word += c;
      }
    }
    if (quoted) {
      error = "unterminated \" quote";
      return false;
    }
    words.push_back(std::move(word));
  }
  return true;
}

// The text after the directive word, trimmed, verbatim (for `title` and `say`).
std::string rest_of_line(std::string_view line, std::string_view keyword) {
  size_t at = line.find(keyword);
  std::string_view rest = line.substr(at + keyword.size());
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
    rest.remove_prefix(1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
    rest.remove_suffix(1);
  return std::string(rest);
}

}  // namespace

namespace detail {

bool is_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

void Parser::line(int number, std::string_view text) {
  m_line = number;
  std::vector<std::string> words;
  std::string error;
  if (!tokenize(text, words, error)) return fail(error);
  if (words.empty()) return;
  const std::string& verb = words[0];
  if (verb == "title") return title(rest_of_line(text, verb));
  if (verb == "say") return m_scenario.narration.push_back(rest_of_line(text, verb));
  if (verb == "timeout") return timeout(words);
  if (verb == "port") return port(words);
  if (verb == "region") return region(words);
  if (verb == "semaphore") return semaphore(words);
  if (verb == "task") return task(words);
  if (verb == "pipe") return pipe(words);
  if (verb == "core" || verb == "recv" || verb == "send" || verb == "map" || verb == "sem" ||
      verb == "expect" || verb == "kill") {
    if (m_scenario.tasks.empty())
      return fail("`" + verb + "` belongs to a task: write it after a `task` line");
    TaskDecl& t = m_scenario.tasks.back();
    if (verb == "core") return core(t, words);
    if (verb == "recv" || verb == "send") return handle(t, words);
    if (verb == "map") return map(t, words);
    if (verb == "sem") return sem(t, words);
    if (verb == "expect") return expect(t, words);
    return kill(t, words);
  }
  fail("unknown directive `" + verb +
       "` (expected title, say, timeout, port, region, semaphore, task, pipe, core, recv, "
       "send, map, sem, expect or kill)");
}

ParseResult Parser::finish() {
  check();
  std::stable_sort(m_errors.begin(), m_errors.end(),
                   [](const ScenarioError& a, const ScenarioError& b) {
                     auto key = [](int line) { return line == 0 ? INT32_MAX : line; };
                     return key(a.line) < key(b.line);  // about the whole file: last
                   });
  ParseResult result;
  result.errors = std::move(m_errors);
  if (result.errors.empty()) result.scenario = std::move(m_scenario);
  return result;
}

void Parser::fail(std::string reason, int line) {
  m_errors.push_back({m_scenario.file, line < 0 ? m_line : line, std::move(reason)});
}

// Ports, regions and semaphores share one namespace (handle lines name them).
bool Parser::unique(const std::string& name) {
  const char* kind = m_scenario.find_port(name)       ? "a port"
                     : m_scenario.find_region(name)    ? "a region"
                     : m_scenario.find_semaphore(name) ? "a semaphore"
                                                       : nullptr;
  if (kind) fail("`" + name + "` is declared twice (" + kind + " already has that name)");
  return kind == nullptr;
}

// What `name` is, for "`x` is a region, not a port".
const char* Parser::kind_of(const std::string& name) const {
  if (m_scenario.find_port(name)) return "a port";
  if (m_scenario.find_region(name)) return "a region";
  if (m_scenario.find_semaphore(name)) return "a semaphore";
  return nullptr;
}

void Parser::add_handle(TaskDecl& t, HandleDecl h) {
  if (t.handles.size() == HB_MSG_HANDLES_MAX)
    return fail("task `" + t.name + "` already has " + std::to_string(HB_MSG_HANDLES_MAX) +
                " handles, the most a start message carries");
  t.handles.push_back(std::move(h));
}

void Parser::title(std::string text) {
  if (!m_scenario.title.empty()) return fail("a second `title` (one per scenario)");
  if (text.empty()) return fail("`title` needs some text");
  m_scenario.title = std::move(text);
}

void Parser::timeout(const Words& w) {
  std::optional<uint64_t> ns = w.size() == 2 ? parse_duration(w[1]) : std::nullopt;
  if (!ns || *ns == 0)
    return fail("usage: timeout DURATION, e.g. `timeout 5s` (units: ns, us, ms, s)");
  m_scenario.timeout_ns = *ns;
}

void Parser::port(const Words& w) {
  if (w.size() < 3)
    return fail("usage: port NAME rendezvous|bounded CAPACITY|unbounded [system] [shared]");
  PortDecl p;
  p.name = w[1];
  p.line = m_line;
  if (!is_name(p.name)) return fail("`" + p.name + "` is not a valid port name (letters, digits, _ and -)");
  if (!unique(p.name)) return;
  m_broken_names.insert(p.name);  // until the line turns out fine: no cascade of errors
  size_t next = 3;
  if (w[2] == "rendezvous") {
    p.mode = HB_PORT_RENDEZVOUS;
    if (w.size() > 3 && w[3] == "0") next = 4;  // "rendezvous 0" is allowed, and means it
  } else if (w[2] == "bounded") {
    p.mode = HB_PORT_BOUNDED;
    if (w.size() < 4 || !parse_int(w[3], p.capacity) || p.capacity == 0)
      return fail("a bounded port needs a capacity of at least 1, e.g. `port " + p.name +
                  " bounded 4`");
    next = 4;
  } else if (w[2] == "unbounded") {
    p.mode = HB_PORT_UNBOUNDED;
  } else {
    return fail("unknown port mode `" + w[2] + "` (rendezvous, bounded N or unbounded)");
  }
  for (size_t i = next; i < w.size(); ++i) {
    if (w[i] == "system") p.flags |= HB_PORT_SYSTEM;
    else if (w[i] == "shared") p.flags |= HB_PORT_SHARED_RECV;
    else return fail("unexpected `" + w[i] + "` after the port mode (only system, shared)");
  }
  if ((p.flags & HB_PORT_SHARED_RECV) && !(p.flags & HB_PORT_SYSTEM))
    fail("only a `system` port can have a `shared` receive right");  // kept: no cascade
  m_broken_names.erase(p.name);
  m_scenario.ports.push_back(std::move(p));
}

void Parser::task(const Words& w) {
  if (w.size() < 3) return fail("usage: task NAME PROGRAM [ARG...]");
  if (!is_name(w[1])) return fail("`" + w[1] + "` is not a valid task name (letters, digits, _ and -)");
  if (m_scenario.find_task(w[1])) return fail("task `" + w[1] + "` is declared twice");
  TaskDecl t;
  t.name = w[1];
  t.program = w[2];
  t.args.assign(w.begin() + 3, w.end());
  t.line = m_line;
  m_scenario.tasks.push_back(std::move(t));
}

void Parser::core(TaskDecl& t, const Words& w) {
  uint32_t n = 0;
  if (w.size() != 2 || !parse_int(w[1], n) || n >= 64)
    return fail("usage: core N, with N from 0 to 63");
  t.core = n;
}

void Parser::handle(TaskDecl& t, const Words& w) {
  HandleDecl h;
  h.kind = w[0] == "recv" ? HandleKind::Recv : HandleKind::Send;
  h.line = m_line;
  const bool badge_form = h.kind == HandleKind::Send && w.size() == 4 && w[2] == "badge";
  if (w.size() != 2 && !badge_form)
    return fail(h.kind == HandleKind::Recv ? "usage: recv PORT" : "usage: send PORT [badge N]");
  h.object = w[1];
  if (badge_form && !parse_int(w[3], h.badge))
    return fail("the badge must be a number, e.g. `send " + h.object + " badge 7`");
  add_handle(t, std::move(h));
}

void Parser::expect(TaskDecl& t, const Words& w) {
  if (w.size() == 3 && w[1] == "output") return t.expect_output.push_back(w[2]);
  if (w.size() == 3 && w[1] == "exit") {
    if (!parse_int(w[2], t.expect_code)) return fail("`expect exit` needs a number");
    t.expect = ExpectKind::Exit;
    return;
  }
  if (w.size() == 2 && w[1] == "killed") {
    t.expect = ExpectKind::Killed;
    return;
  }
  if (w.size() == 2 && w[1] == "any") {
    t.expect = ExpectKind::Any;
    return;
  }
  fail("usage: expect exit N | expect killed | expect any | expect output \"TEXT\"");
}

void Parser::kill(TaskDecl& t, const Words& w) {
  std::optional<uint64_t> ns =
      w.size() == 3 && w[1] == "after" ? parse_duration(w[2]) : std::nullopt;
  if (!ns) return fail("usage: kill after DURATION, e.g. `kill after 200ms`");
  t.kill_after_ns = *ns;
}

// (2) Whole-file checks.
void Parser::check() {
  if (m_scenario.tasks.empty()) fail("no `task` declared: a scenario starts at least one", 0);

  std::map<std::string, int> receivers;  // port -> tasks holding its receive right
  std::set<std::string> handed_out;      // regions and semaphores some task gets
  for (const TaskDecl& t : m_scenario.tasks) {
    for (const HandleDecl& h : t.handles) {
      if (m_broken_names.count(h.object)) continue;  // its own line has the error
      const bool port_verb = h.kind == HandleKind::Recv || h.kind == HandleKind::Send;
      const char* want = port_verb ? "port" : h.kind == HandleKind::Map ? "region" : "semaphore";
      const char* verb = h.kind == HandleKind::Recv   ? "recv"
                         : h.kind == HandleKind::Send ? "send"
                         : h.kind == HandleKind::Map  ? "map"
                                                      : "sem";
      const bool found = port_verb ? m_scenario.find_port(h.object) != nullptr
                         : h.kind == HandleKind::Map ? m_scenario.find_region(h.object) != nullptr
                                                     : m_scenario.find_semaphore(h.object) != nullptr;
      if (!found) {
        if (const char* is = kind_of(h.object))
          fail("`" + h.object + "` is " + is + ", but `" + verb + "` takes a " + want, h.line);
        else
          fail("no " + std::string(want) + " named `" + h.object + "` (declare it with `" +
                   want + " " + h.object + " ...`)",
               h.line);
        continue;
      }
      if (h.kind == HandleKind::Recv) ++receivers[h.object];
      if (!port_verb) handed_out.insert(h.object);
    }
  }
  check_objects(handed_out);
  for (const PortDecl& p : m_scenario.ports) {
    const int n = receivers[p.name];
    if (n == 0)
      fail("nobody receives from port `" + p.name + "`: give one task `recv " + p.name + "`",
           p.line);
    if (n > 1 && !(p.flags & HB_PORT_SHARED_RECV))
      fail("port `" + p.name + "` has " + std::to_string(n) +
               " receivers, but a port has exactly one receive right (declare it "
               "`system shared` to share it)",
           p.line);
  }

  // ${TASK} in arguments: the task must start earlier, so that its id is known.
  for (size_t i = 0; i < m_scenario.tasks.size(); ++i) {
    const TaskDecl& t = m_scenario.tasks[i];
    for (const std::string& arg : t.args) {
      std::string out, missing;
      auto earlier = [&](const std::string& name) -> std::optional<std::string> {
        for (size_t j = 0; j < i; ++j)
          if (m_scenario.tasks[j].name == name) return "0";
        return std::nullopt;
      };
      if (expand_task_refs(arg, earlier, out, missing)) continue;
      if (m_scenario.find_task(missing))
        fail("`${" + missing + "}`: task `" + missing + "` starts after `" + t.name +
                 "`, so its id is not known yet (declare it earlier)",
             t.line);
      else
        fail("`" + arg + "` refers to `" + missing + "`, which is not a task", t.line);
    }
  }
}

}  // namespace detail

ParseResult parse_scenario(std::string_view text, const std::string& file) {
  detail::Parser parser(file);
  int number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    parser.line(++number, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return parser.finish();
}

ParseResult load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParseResult result;
    result.errors.push_back({path, 0, "cannot read the scenario file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace emu
