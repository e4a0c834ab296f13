// emulator/scenario_objects.cc - the scenario parser's grant regions and semaphores: the
// `region` and `semaphore` directives, a task's `map` and `sem` handle lines, and the check
// that each is handed to some task (scenario_parser.h; the rest is scenario.cc).
//
// A region or semaphore is made by the machine and given to tasks as handles with exactly
// the rights their lines write (docs/emulator.md, section 3).
#include "scenario.h"

#include "scenario_parser.h"

#include <cctype>
#include <cstdint>
#include <charconv>
#include <limits>

namespace emu {

const RegionDecl* Scenario::find_region(std::string_view name) const {
  for (const RegionDecl& r : regions)
    if (r.name == name) return &r;
  return nullptr;
}

const SemaphoreDecl* Scenario::find_semaphore(std::string_view name) const {
  for (const SemaphoreDecl& s : semaphores)
    if (s.name == name) return &s;
  return nullptr;
}

std::optional<uint64_t> parse_size(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  uint64_t scale = 0;
  if (unit.empty()) scale = 1;
  else if (unit == "K" || unit == "KiB") scale = 1024;
  else if (unit == "M" || unit == "MiB") scale = 1024 * 1024;
  else return std::nullopt;
  if (value == 0 || value > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
  return value * scale;
}

namespace detail {

namespace {

// What a task may do with a scenario's region or semaphore: the rights its handle gets. DUP
// and TRANSFER always, so that it can pass the handle on (with these rights or fewer).
constexpr uint32_t kPassOn = HB_RIGHT_DUP | HB_RIGHT_TRANSFER;
constexpr uint64_t kMaxRegionSize = 256ull << 20;  // kernel::GrantRegion::kMaxSize

}  // namespace

void Parser::region(const Words& w) {
  if (w.size() != 3) {
    if (w.size() > 1) m_broken_names.insert(w[1]);  // no cascade of errors
    return fail("usage: region NAME SIZE, e.g. `region shelf 4KiB`");
  }
  RegionDecl r;
  r.name = w[1];
  r.line = m_line;
  if (!is_name(r.name))
    return fail("`" + r.name + "` is not a valid region name (letters, digits, _ and -)");
  if (!unique(r.name)) return;
  std::optional<uint64_t> size = parse_size(w[2]);
  if (!size || *size > kMaxRegionSize) {
    m_broken_names.insert(r.name);
    return fail("a region's size is 1 byte to 256 MiB, in bytes or with K, KiB, M or MiB, "
                "e.g. `region " + r.name + " 64KiB` (got `" + w[2] + "`)");
  }
  r.size = *size;
  m_scenario.regions.push_back(std::move(r));
}

void Parser::semaphore(const Words& w) {
  if (w.size() != 4) {
    if (w.size() > 1) m_broken_names.insert(w[1]);  // no cascade of errors
    return fail("usage: semaphore NAME INITIAL MAX, e.g. `semaphore free 8 8`");
  }
  SemaphoreDecl s;
  s.name = w[1];
  s.line = m_line;
  if (!is_name(s.name))
    return fail("`" + s.name + "` is not a valid semaphore name (letters, digits, _ and -)");
  if (!unique(s.name)) return;
  if (!parse_int(w[2], s.initial) || !parse_int(w[3], s.max) || s.max == 0 ||
      s.initial > s.max) {
    m_broken_names.insert(s.name);
    return fail("a semaphore needs 0 <= INITIAL <= MAX and MAX >= 1, e.g. `semaphore " +
                s.name + " 0 8` (got `" + w[2] + " " + w[3] + "`)");
  }
  m_scenario.semaphores.push_back(std::move(s));
}

// map REGION ro|rw [manage]: a handle to a grant region. ro = READ|MAP (a read-only grant:
// a writable mapping is HB_ERR_ACCESS), rw adds WRITE, manage adds MANAGE (revoke).
void Parser::map(TaskDecl& t, const Words& w) {
  const char* usage = "usage: map REGION ro|rw [manage], e.g. `map shelf ro`";
  if (w.size() < 3 || w.size() > 4) return fail(usage);
  HandleDecl h;
  h.kind = HandleKind::Map;
  h.object = w[1];
  h.line = m_line;
  h.rights = HB_RIGHT_READ | HB_RIGHT_MAP | kPassOn;
  if (w[2] == "rw") h.rights |= HB_RIGHT_WRITE;
  else if (w[2] != "ro") return fail(usage);
  if (w.size() == 4) {
    if (w[3] != "manage") return fail(usage);
    h.rights |= HB_RIGHT_MANAGE;
  }
  add_handle(t, std::move(h));
}

// sem SEMAPHORE wait|post [wait|post]: a handle to a semaphore. wait = HB_RIGHT_RECV
// (hb_sem_wait), post = HB_RIGHT_SEND (hb_sem_post).
void Parser::sem(TaskDecl& t, const Words& w) {
  const char* usage = "usage: sem SEMAPHORE wait|post [wait|post], e.g. `sem free wait post`";
  if (w.size() < 3 || w.size() > 4) return fail(usage);
  HandleDecl h;
  h.kind = HandleKind::Sem;
  h.object = w[1];
  h.line = m_line;
  h.rights = kPassOn;
  for (size_t i = 2; i < w.size(); ++i) {
    if (w[i] == "wait") h.rights |= HB_RIGHT_RECV;
    else if (w[i] == "post") h.rights |= HB_RIGHT_SEND;
    else return fail(usage);
  }
  add_handle(t, std::move(h));
}

// Part of (2): a region or semaphore that no task gets a handle to would only be made and
// freed again; it is a mistake in the file.
void Parser::check_objects(const std::set<std::string>& handed_out) {
  for (const RegionDecl& r : m_scenario.regions)
    if (!handed_out.count(r.name))
      fail("no task gets region `" + r.name + "`: give one `map " + r.name + " rw`", r.line);
  for (const SemaphoreDecl& s : m_scenario.semaphores)
    if (!handed_out.count(s.name))
      fail("no task gets semaphore `" + s.name + "`: give one `sem " + s.name + " wait`",
           s.line);
}

}  // namespace detail

}  // namespace emu
