// region_task - the user program of the grant-region and semaphore integration tests
// (tests/integration/region_test.cc).
//
// One mode per behaviour, the mode is the first argument. A "parent" mode is started by the
// test as a root task; it makes regions and semaphores and spawns children of this same
// program (/proc/self/exe) with handles in their start messages or in later messages, and
// collects their exit codes with hb_task_wait (a child killed by a signal reports minus the
// signal number). Exit code 0 means every check passed; a failed check prints
// "FAIL <what>: <status>" (the test shows the console) and exits with 1.
//
//   basic SIZE | map-rules | unmap-rules | quota     one task, no children
//   grant-ro | move | revoke | owner-exit | sem      parents (their children: see each one)
//   stress ITEMS PRODUCERS CONSUMERS [nomutex]        bounded buffer in a region, checksummed
#include <harbor/abi/syscalls.h>
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

hb_start_info g_start;
constexpr uint64_t kMs = 1000000;
constexpr hb_time_t kLong = 20000 * kMs;  // a bounded "forever": tests must end
constexpr uint32_t kRo = HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER;
constexpr uint32_t kRw = HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | HB_RIGHT_TRANSFER;

void say(const std::string& text) { hb_print((text + "\n").c_str()); }

[[noreturn]] void fail(const std::string& what, hb_status_t status) {
  say("FAIL " + what + ": " + hb_strerror(status) + " (" + std::to_string(status) + ")");
  hb_task_exit(1);
}

void expect(const std::string& what, hb_status_t got, hb_status_t want) {
  if (got != want) fail(what + " expected " + hb_strerror(want), got);
}

void check(bool ok, const std::string& what) {
  if (!ok) fail(what, HB_ERR_INVALID_ARG);
}

uint64_t arg(uint32_t index, uint64_t fallback) {
  return index < g_start.argc ? std::strtoull(g_start.argv[index], nullptr, 0) : fallback;
}

hb_handle_t start_handle(uint32_t index) {
  if (index >= g_start.handle_count) fail("missing start handle " + std::to_string(index), HB_ERR_BAD_HANDLE);
  return g_start.handles[index];
}

hb_handle_t dup(hb_handle_t h, uint32_t rights) {
  hb_handle_t out = HB_INVALID;
  expect("dup", hb_handle_dup(h, rights, &out), HB_OK);
  return out;
}

hb_handle_t region(uint64_t size) {
  hb_handle_t r = HB_INVALID;
  expect("region_create", hb_region_create(size, 0, &r), HB_OK);
  return r;
}

uint8_t* map(hb_handle_t r, uint32_t rights, const std::string& what = "map") {
  void* at = nullptr;
  expect(what, hb_region_map(r, rights, &at), HB_OK);
  return static_cast<uint8_t*>(at);
}

hb_handle_t sem(uint32_t initial, uint32_t max) {
  hb_handle_t s = HB_INVALID;
  expect("sem_create", hb_sem_create(initial, max, &s), HB_OK);
  return s;
}

uint8_t pattern(uint64_t seed, uint64_t i) { return static_cast<uint8_t>(seed * 131 + i * 7 + (i >> 12)); }

void fill(uint8_t* p, uint64_t size, uint64_t seed) {
  for (uint64_t i = 0; i < size; ++i) p[i] = pattern(seed, i);
}

void verify(const uint8_t* p, uint64_t size, uint64_t seed, const std::string& what) {
  for (uint64_t i = 0; i < size; ++i)
    if (p[i] != pattern(seed, i)) fail(what + ": byte " + std::to_string(i) + " differs", HB_ERR_INVALID_ARG);
}

// Our own executable's path (the emulator resolves an image path in its own process, so
// "/proc/self/exe" would name the emulator).
std::string self_path() {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) fail("readlink /proc/self/exe", HB_ERR_NOT_FOUND);
  return std::string(path, static_cast<size_t>(n));
}

// Spawns this program with `args` and `handles` (moved) in its start message.
hb_task_id_t spawn(const std::vector<std::string>& args, std::vector<hb_handle_t> handles = {}) {
  std::string bytes;
  for (const std::string& a : args) bytes += a + '\0';
  hb_msg_out m{bytes.data(), static_cast<uint32_t>(bytes.size()),
               static_cast<uint32_t>(handles.size()), handles.data()};
  hb_task_id_t child = 0;
  expect("spawn " + args[0], hb_task_spawn(self_path().c_str(), &m, &child), HB_OK);
  return child;
}

int32_t wait_child(hb_task_id_t child, hb_time_t timeout = kLong) {
  int32_t code = 0;
  expect("wait child", hb_task_wait(child, &code, timeout), HB_OK);
  return code;
}

// Sends one handle (moved) and a word to a task's inbox, or receives one.
void send_handle(hb_task_id_t to, hb_handle_t h) {
  uint32_t word = 0x5eed;
  hb_msg_out m{&word, 4, 1, &h};
  expect("send handle", hb_send_task(to, &m, 0, kLong), HB_OK);
}

hb_handle_t recv_handle(hb_handle_t port) {
  uint32_t word = 0;
  hb_handle_t h = HB_INVALID;
  hb_msg_in in{};
  in.data = &word;
  in.cap = 4;
  in.handles = &h;
  in.handle_cap = 1;
  expect("recv handle", hb_recv(port, &in, 0, kLong), HB_OK);
  check(in.handle_count == 1, "message carries one handle");
  return h;
}

// Sanitizers catch SIGSEGV/SIGBUS and turn them into exit codes, and intercept sigaction():
// restore the default action with the raw system call, so a fault kills us as it should.
void die_on_faults() {
  struct {
    void* handler;
    unsigned long flags;
    void* restorer;
    unsigned long mask;
  } default_action{};
  syscall(SYS_rt_sigaction, SIGSEGV, &default_action, nullptr, sizeof(unsigned long));
  syscall(SYS_rt_sigaction, SIGBUS, &default_action, nullptr, sizeof(unsigned long));
}

// ---- one task ----------------------------------------------------------------------------

int mode_basic() {
  const uint64_t size = arg(1, 65536);
  hb_handle_t r = region(size);
  hb_handle_info_t info{};
  expect("info", hb_handle_info(r, &info), HB_OK);
  check(info.type == HB_OBJ_REGION, "handle type is region");
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  check(reinterpret_cast<uint64_t>(p) % 4096 == 0, "mapping is page-aligned");
  for (uint64_t i = 0; i < size; i += 512) check(p[i] == 0, "new region is zero-filled");
  fill(p, size, 1);
  verify(p, size, 1, "read back");
  // A second mapping of the same region, read-only, sees the same bytes.
  uint8_t* q = map(r, HB_RIGHT_READ);
  check(q != p, "second mapping has its own address");
  verify(q, size, 1, "second mapping");
  p[size - 1] = 0xee;
  check(q[size - 1] == 0xee, "second mapping sees a write through the first");
  expect("unmap", hb_region_unmap(p), HB_OK);
  expect("unmap second", hb_region_unmap(q), HB_OK);
  expect("close", hb_handle_close(r), HB_OK);
  return 0;
}

int mode_map_rules() {
  hb_handle_t r = region(8192);
  void* at = nullptr;
  hb_handle_t no_map = dup(r, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_DUP);
  expect("map without MAP", hb_region_map(no_map, HB_RIGHT_READ, &at), HB_ERR_ACCESS);
  hb_handle_t ro = dup(r, HB_RIGHT_READ | HB_RIGHT_MAP);
  expect("writable map of a read-only handle", hb_region_map(ro, HB_RIGHT_READ | HB_RIGHT_WRITE, &at),
         HB_ERR_ACCESS);
  hb_handle_t no_read = dup(r, HB_RIGHT_MAP | HB_RIGHT_WRITE);
  expect("map without READ", hb_region_map(no_read, HB_RIGHT_READ, &at), HB_ERR_ACCESS);
  expect("map asking nothing", hb_region_map(r, 0, &at), HB_ERR_INVALID_ARG);
  expect("map asking write only", hb_region_map(r, HB_RIGHT_WRITE, &at), HB_ERR_INVALID_ARG);
  expect("map asking SEND", hb_region_map(r, HB_RIGHT_READ | HB_RIGHT_SEND, &at), HB_ERR_INVALID_ARG);
  expect("map a semaphore", hb_region_map(sem(0, 1), HB_RIGHT_READ, &at), HB_ERR_WRONG_TYPE);
  // A number we were never given names nothing: no handle, no mapping.
  expect("map a handle we do not hold", hb_region_map(777, HB_RIGHT_READ, &at), HB_ERR_BAD_HANDLE);
  expect("map to a NULL out-pointer", hb_region_map(r, HB_RIGHT_READ, nullptr), HB_ERR_FAULT);
  expect("map to a bad out-pointer",
         hb_region_map(r, HB_RIGHT_READ, reinterpret_cast<void**>(16)), HB_ERR_FAULT);
  check(at == nullptr, "failed maps write nothing");
  expect("size 0", hb_region_create(0, 0, &no_map), HB_ERR_INVALID_ARG);
  expect("size above 256 MiB", hb_region_create((256ull << 20) + 1, 0, &no_map), HB_ERR_INVALID_ARG);
  expect("unknown flags", hb_region_create(4096, 1, &no_map), HB_ERR_INVALID_ARG);
  // The read-only handle maps read-only, and reads what the writer wrote.
  uint8_t* w = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  uint8_t* q = map(ro, HB_RIGHT_READ);
  fill(w, 8192, 5);
  verify(q, 8192, 5, "read-only view");
  expect("revoke without MANAGE", hb_region_revoke(ro), HB_ERR_ACCESS);
  expect("unmap", hb_region_unmap(w), HB_OK);
  expect("unmap", hb_region_unmap(q), HB_OK);
  return 0;
}

int mode_unmap_rules() {
  hb_handle_t r = region(16384);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  fill(p, 16384, 2);
  expect("unmap inside a mapping", hb_region_unmap(p + 4096), HB_ERR_INVALID_ARG);
  expect("unmap one byte in", hb_region_unmap(p + 1), HB_ERR_INVALID_ARG);
  expect("unmap NULL", hb_region_unmap(nullptr), HB_ERR_INVALID_ARG);
  expect("unmap a stack address", hb_region_unmap(&r), HB_ERR_INVALID_ARG);
  verify(p, 16384, 2, "a refused unmap leaves the mapping alone");
  expect("unmap", hb_region_unmap(p), HB_OK);
  expect("double unmap", hb_region_unmap(p), HB_ERR_INVALID_ARG);
  // The address range is reused for the next mapping, and it works.
  uint8_t* again = map(r, HB_RIGHT_READ);
  verify(again, 16384, 2, "mapped again");
  expect("unmap again", hb_region_unmap(again), HB_OK);
  // Closing the handle does not end a mapping: the mapping keeps the memory alive.
  uint8_t* kept = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  expect("close while mapped", hb_handle_close(r), HB_OK);
  verify(kept, 16384, 2, "mapping outlives its handle");
  kept[0] = 9;
  expect("unmap after close", hb_region_unmap(kept), HB_OK);
  return 0;
}

// Regions quota (default 64) and mappings quota (default 128): exhausted, then returned.
int mode_quota() {
  const uint32_t regions = static_cast<uint32_t>(arg(1, 64));
  const uint32_t mappings = static_cast<uint32_t>(arg(2, 128));
  std::vector<hb_handle_t> made;
  for (uint32_t i = 0; i < regions; ++i) made.push_back(region(4096));
  hb_handle_t extra = HB_INVALID;
  expect("one region past the quota", hb_region_create(4096, 0, &extra), HB_ERR_NO_MEMORY);
  expect("close one", hb_handle_close(made.back()), HB_OK);
  made.pop_back();
  made.push_back(region(4096));  // the quota came back
  // A mapping keeps a region (and its quota) alive after its last handle is closed.
  uint8_t* p = map(made.back(), HB_RIGHT_READ | HB_RIGHT_WRITE);
  expect("close the mapped one", hb_handle_close(made.back()), HB_OK);
  made.pop_back();
  expect("quota still held by the mapping", hb_region_create(4096, 0, &extra), HB_ERR_NO_MEMORY);
  expect("unmap", hb_region_unmap(p), HB_OK);
  made.push_back(region(4096));  // freed with its mapping
  for (hb_handle_t h : made) expect("close", hb_handle_close(h), HB_OK);
  made.clear();

  hb_handle_t r = region(4096);
  std::vector<void*> maps;
  for (uint32_t i = 0; i < mappings; ++i) maps.push_back(map(r, HB_RIGHT_READ));
  void* at = nullptr;
  expect("one mapping past the quota", hb_region_map(r, HB_RIGHT_READ, &at), HB_ERR_NO_MEMORY);
  expect("unmap one", hb_region_unmap(maps.back()), HB_OK);
  maps.back() = map(r, HB_RIGHT_READ, "map after the quota came back");
  for (void* m : maps) expect("unmap", hb_region_unmap(m), HB_OK);
  say("quota ok");
  return 0;
}

// ---- parents and children ------------------------------------------------------------------

// grant-ro: a read-only grant reads, and its write kills the writer only.
//   child ro-reader SEED WRITE: receives the handle in a message, checks its rights and the
//   bytes; with WRITE=1 then writes (and must die of SIGSEGV).
int mode_ro_reader() {
  const uint64_t seed = arg(1, 0);
  const bool write = arg(2, 0) != 0;
  hb_handle_t r = recv_handle(HB_INBOX);
  hb_handle_info_t info{};
  expect("info", hb_handle_info(r, &info), HB_OK);
  check(info.rights == kRo, "read-only grant has READ|MAP|TRANSFER");
  void* at = nullptr;
  expect("writable map of a read-only grant", hb_region_map(r, HB_RIGHT_READ | HB_RIGHT_WRITE, &at),
         HB_ERR_ACCESS);
  hb_handle_t copy = HB_INVALID;
  expect("dup without DUP", hb_handle_dup(r, HB_RIGHTS_SAME, &copy), HB_ERR_ACCESS);
  expect("revoke without MANAGE", hb_region_revoke(r), HB_ERR_ACCESS);
  volatile uint8_t* p = map(r, HB_RIGHT_READ);
  verify(const_cast<uint8_t*>(p), 4 * 4096, seed, "reader");
  say("reader saw the data");
  if (!write) return 0;
  die_on_faults();
  p[100] = 1;  // SIGSEGV: the host MMU refuses
  say("FAIL a write through a read-only mapping did not fault");
  return 1;
}

int mode_grant_ro() {
  hb_handle_t r = region(4 * 4096);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  fill(p, 4 * 4096, 3);
  hb_task_id_t writer = spawn({"ro-reader", "3", "1"});
  send_handle(writer, dup(r, kRo));
  int32_t code = wait_child(writer);
  if (code != -SIGSEGV) fail("read-only writer exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  verify(p, 4 * 4096, 3, "granter after the writer died");
  fill(p, 4 * 4096, 4);  // the granter lives on and still writes
  hb_task_id_t reader = spawn({"ro-reader", "4", "0"});
  send_handle(reader, dup(r, kRo));
  code = wait_child(reader);
  if (code != 0) fail("second reader exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  expect("unmap", hb_region_unmap(p), HB_OK);
  say("read-only writer died with " + std::to_string(-SIGSEGV));
  return 0;
}

// move: a region handle moved to a child and back, through messages.
//   child mover: gets the region in its inbox, adds 1 to each byte, sends it back on the port
//   in its start message; its own handle is gone after the send.
int mode_mover() {
  hb_handle_t back = start_handle(0);
  hb_handle_t r = recv_handle(HB_INBOX);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  verify(p, 65536, 6, "mover");
  for (uint64_t i = 0; i < 65536; ++i) ++p[i];
  expect("mover unmap", hb_region_unmap(p), HB_OK);
  hb_msg_out m{"back", 4, 1, &r};
  expect("send back", hb_send(back, &m, 0, kLong), HB_OK);
  hb_handle_info_t info{};
  expect("moved handle is gone", hb_handle_info(r, &info), HB_ERR_BAD_HANDLE);
  return 0;
}

int mode_move() {
  hb_handle_t recv = HB_INVALID, send = HB_INVALID;
  expect("port", hb_port_create(HB_PORT_BOUNDED, 2, 0, &recv, &send), HB_OK);
  hb_handle_t r = region(65536);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  fill(p, 65536, 6);
  expect("unmap", hb_region_unmap(p), HB_OK);
  hb_task_id_t child = spawn({"mover"}, {send});
  send_handle(child, r);  // moved, not duplicated
  hb_handle_info_t info{};
  expect("our handle went with the message", hb_handle_info(r, &info), HB_ERR_BAD_HANDLE);
  hb_handle_t back = recv_handle(recv);
  expect("info", hb_handle_info(back, &info), HB_OK);
  check(info.type == HB_OBJ_REGION, "came back as a region");
  check(info.rights == (HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | HB_RIGHT_MANAGE |
                        HB_RIGHT_DUP | HB_RIGHT_TRANSFER),
        "moving keeps the rights");
  p = map(back, HB_RIGHT_READ);
  for (uint64_t i = 0; i < 65536; ++i)
    if (p[i] != static_cast<uint8_t>(pattern(6, i) + 1)) fail("the child's change", HB_ERR_INVALID_ARG);
  int32_t code = wait_child(child);
  if (code != 0) fail("mover exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  expect("unmap", hb_region_unmap(p), HB_OK);
  return 0;
}

// revoke: every mapping stops working, no new ones, unmap still works.
//   child victim: maps the region it got at start, reads it, posts `ready`, waits for `go`,
//   then reads again (must die of SIGBUS).
//   child late-mapper: maps a revoked region (PEER_CLOSED), exits 0.
int mode_victim() {
  hb_handle_t r = start_handle(0), ready = start_handle(1), go = start_handle(2);
  volatile uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  verify(const_cast<uint8_t*>(p), 8192, 7, "victim");
  expect("post ready", hb_sem_post(ready, 1), HB_OK);
  expect("wait go", hb_sem_wait(go, kLong), HB_OK);
  die_on_faults();
  uint8_t seen = p[0];  // SIGBUS: the memory is gone
  say("FAIL read " + std::to_string(seen) + " after revoke");
  return 1;
}

int mode_late_mapper() {
  void* at = nullptr;
  expect("map after revoke", hb_region_map(start_handle(0), HB_RIGHT_READ, &at), HB_ERR_PEER_CLOSED);
  return 0;
}

int mode_revoke() {
  hb_handle_t r = region(8192);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  fill(p, 8192, 7);
  hb_handle_t ready = sem(0, 1), go = sem(0, 1);
  hb_task_id_t victim =
      spawn({"victim"}, {dup(r, kRw), dup(ready, HB_RIGHTS_SAME), dup(go, HB_RIGHTS_SAME)});
  expect("wait ready", hb_sem_wait(ready, kLong), HB_OK);
  expect("revoke", hb_region_revoke(r), HB_OK);
  expect("revoke again", hb_region_revoke(r), HB_OK);
  expect("post go", hb_sem_post(go, 1), HB_OK);
  int32_t code = wait_child(victim);
  if (code != -SIGBUS) fail("victim exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  void* at = nullptr;
  expect("map after revoke", hb_region_map(r, HB_RIGHT_READ, &at), HB_ERR_PEER_CLOSED);
  code = wait_child(spawn({"late-mapper"}, {dup(r, kRo)}));
  if (code != 0) fail("late mapper exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  // The kernel never touches region memory on its own: a message buffer in the revoked
  // mapping is a bad pointer like any other (HB_ERR_FAULT), and we are not killed.
  hb_handle_t pr = HB_INVALID, ps = HB_INVALID;
  expect("port", hb_port_create(HB_PORT_BOUNDED, 1, 0, &pr, &ps), HB_OK);
  hb_msg_out from_revoked{p, 64, 0, nullptr};
  expect("send from a revoked region", hb_send(ps, &from_revoked, 0, HB_NOWAIT), HB_ERR_FAULT);
  uint64_t word = 42;
  hb_msg_out ok{&word, 8, 0, nullptr};
  expect("send", hb_send(ps, &ok, 0, HB_NOWAIT), HB_OK);
  hb_msg_in into_revoked{};
  into_revoked.data = p;
  into_revoked.cap = 64;
  expect("receive into a revoked region", hb_recv(pr, &into_revoked, 0, HB_NOWAIT), HB_ERR_FAULT);
  expect("unmap after revoke", hb_region_unmap(p), HB_OK);
  expect("double unmap after revoke", hb_region_unmap(p), HB_ERR_INVALID_ARG);
  expect("close", hb_handle_close(r), HB_OK);
  say("victim died with " + std::to_string(-SIGBUS));
  return 0;
}

// owner-exit: the creator exits while others map; their memory stays valid.
//   child owner: creates and fills a 1 MiB region, sends a full handle on the port of its
//   start message, waits for `go`, exits with its mapping and handle still open.
int mode_owner() {
  hb_handle_t to_parent = start_handle(0), go = start_handle(1);
  hb_handle_t r = region(1 << 20);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  fill(p, 1 << 20, 8);
  hb_handle_t grant = dup(r, HB_RIGHTS_SAME);
  hb_msg_out m{"mine", 4, 1, &grant};
  expect("send grant", hb_send(to_parent, &m, 0, kLong), HB_OK);
  expect("wait go", hb_sem_wait(go, kLong), HB_OK);
  hb_task_exit(0);  // the kernel unmaps and closes for us
}

int mode_owner_exit() {
  hb_handle_t recv = HB_INVALID, send = HB_INVALID;
  expect("port", hb_port_create(HB_PORT_BOUNDED, 2, 0, &recv, &send), HB_OK);
  hb_handle_t go = sem(0, 1);
  hb_task_id_t owner = spawn({"owner"}, {send, dup(go, HB_RIGHTS_SAME)});
  hb_handle_t r = recv_handle(recv);
  uint8_t* p = map(r, HB_RIGHT_READ | HB_RIGHT_WRITE);
  verify(p, 1 << 20, 8, "before the owner exits");
  expect("post go", hb_sem_post(go, 1), HB_OK);
  int32_t code = wait_child(owner);
  if (code != 0) fail("owner exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  verify(p, 1 << 20, 8, "after the owner exited");
  fill(p, 1 << 20, 9);
  uint8_t* q = map(r, HB_RIGHT_READ, "map after the owner exited");
  verify(q, 1 << 20, 9, "a new mapping");
  hb_task_id_t reader = spawn({"ro-reader-big"});
  send_handle(reader, dup(r, kRo));
  code = wait_child(reader);
  if (code != 0) fail("reader exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  expect("unmap", hb_region_unmap(p), HB_OK);
  expect("unmap", hb_region_unmap(q), HB_OK);
  return 0;
}

int mode_ro_reader_big() {
  hb_handle_t r = recv_handle(HB_INBOX);
  verify(map(r, HB_RIGHT_READ), 1 << 20, 9, "third task after the owner exited");
  return 0;
}

// sem: timeouts and overflow across processes.
//   child sem-child: S (wait) and ACK (post) from its start message.
int mode_sem_child() {
  hb_handle_t s = start_handle(0), ack = start_handle(1);
  expect("wait NOWAIT on 0", hb_sem_wait(s, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  uint64_t t0 = hb_clock_ns();
  expect("wait 30ms on 0", hb_sem_wait(s, 30 * kMs), HB_ERR_TIMED_OUT);
  check(hb_clock_ns() - t0 >= 30 * kMs, "timed out no earlier than asked");
  expect("post ack", hb_sem_post(ack, 1), HB_OK);
  t0 = hb_clock_ns();
  expect("wait woken by the parent", hb_sem_wait(s, kLong), HB_OK);
  check(hb_clock_ns() - t0 < kLong, "woken before the timeout");
  expect("post 2", hb_sem_post(s, 2), HB_OK);
  expect("post past max", hb_sem_post(s, 1), HB_ERR_INVALID_ARG);
  expect("post 0", hb_sem_post(s, 0), HB_ERR_INVALID_ARG);
  expect("post ack", hb_sem_post(ack, 1), HB_OK);
  return 0;
}

int mode_sem() {
  hb_handle_t s = sem(0, 2), ack = sem(0, 1);
  expect("post 3 on max 2", hb_sem_post(s, 3), HB_ERR_INVALID_ARG);
  expect("nothing changed", hb_sem_wait(s, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  hb_handle_t post_only = dup(s, HB_RIGHT_SEND), wait_only = dup(s, HB_RIGHT_RECV);
  expect("wait without RECV", hb_sem_wait(post_only, HB_NOWAIT), HB_ERR_ACCESS);
  expect("post without SEND", hb_sem_post(wait_only, 1), HB_ERR_ACCESS);
  expect("bad max", hb_sem_create(0, 0, &ack), HB_ERR_INVALID_ARG);
  hb_task_id_t child = spawn({"sem-child"}, {dup(s, HB_RIGHTS_SAME), dup(ack, HB_RIGHTS_SAME)});
  expect("wait ack 1", hb_sem_wait(ack, kLong), HB_OK);
  usleep(20000);  // let the child block
  expect("post wakes the child", hb_sem_post(post_only, 1), HB_OK);
  expect("wait ack 2", hb_sem_wait(ack, kLong), HB_OK);
  // The child filled it to max: the overflow changed nothing.
  expect("post past max here too", hb_sem_post(s, 1), HB_ERR_INVALID_ARG);
  expect("take 1", hb_sem_wait(wait_only, HB_NOWAIT), HB_OK);
  expect("take 2", hb_sem_wait(s, HB_NOWAIT), HB_OK);
  expect("empty again", hb_sem_wait(s, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  int32_t code = wait_child(child);
  if (code != 0) fail("sem child exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  return 0;
}

// stress: the textbook bounded buffer, several producers and consumers.
struct Ring {
  static constexpr uint32_t kSlots = 1024;
  static constexpr uint32_t kTasks = 8;
  uint64_t in, out;
  uint64_t produced_sum[kTasks], consumed_sum[kTasks], consumed[kTasks];
  uint64_t last_seen[kTasks][kTasks];  // per consumer, per producer: last sequence + 1
  uint64_t buffer[kSlots];
};

uint64_t item(uint64_t producer, uint64_t k) { return (producer << 48) | k; }
uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x9e3779b97f4a7c15ull;
  return x ^ (x >> 29);
}

// stress-worker ROLE INDEX COUNT with handles region, empty, full [, mutex]. Without a
// mutex (one producer, one consumer) `in` is only written by the producer, `out` only by
// the consumer, and empty/full alone keep them apart.
int mode_stress_worker() {
  const bool producer = std::string(g_start.argv[1]) == "producer";
  const uint64_t index = arg(2, 0), count = arg(3, 0);
  hb_handle_t empty = start_handle(1), full = start_handle(2);
  hb_handle_t mutex = g_start.handle_count > 3 ? start_handle(3) : HB_INVALID;
  auto* ring = reinterpret_cast<Ring*>(map(start_handle(0), HB_RIGHT_READ | HB_RIGHT_WRITE));
  uint64_t sum = 0;
  for (uint64_t k = 0; k < count; ++k) {
    expect("wait", hb_sem_wait(producer ? empty : full, kLong), HB_OK);
    if (mutex != HB_INVALID) expect("lock", hb_sem_wait(mutex, kLong), HB_OK);
    if (producer) {
      uint64_t v = item(index, k);
      ring->buffer[ring->in++ % Ring::kSlots] = v;
      sum += mix(v);
    } else {
      uint64_t v = ring->buffer[ring->out++ % Ring::kSlots];
      uint64_t from = v >> 48, seq = v & 0xffffffffffffull;
      if (from >= Ring::kTasks || seq + 1 <= ring->last_seen[index][from])
        fail("item out of order from producer " + std::to_string(from), HB_ERR_INVALID_ARG);
      ring->last_seen[index][from] = seq + 1;
      sum += mix(v);
    }
    if (mutex != HB_INVALID) expect("unlock", hb_sem_post(mutex, 1), HB_OK);
    expect("post", hb_sem_post(producer ? full : empty, 1), HB_OK);
  }
  (producer ? ring->produced_sum : ring->consumed_sum)[index] = sum;
  if (!producer) ring->consumed[index] = count;
  return 0;
}

int mode_stress() {
  const uint64_t items = arg(1, 100000);
  const uint32_t producers = static_cast<uint32_t>(arg(2, 1)), consumers = static_cast<uint32_t>(arg(3, 1));
  const bool use_mutex = g_start.argc <= 4 || std::string(g_start.argv[4]) != "nomutex";
  check(producers >= 1 && consumers >= 1 && producers <= Ring::kTasks && consumers <= Ring::kTasks &&
            items % producers == 0 && items % consumers == 0 &&
            (use_mutex || (producers == 1 && consumers == 1)),
        "stress arguments");
  hb_handle_t r = region(sizeof(Ring));
  auto* ring = reinterpret_cast<Ring*>(map(r, HB_RIGHT_READ));
  hb_handle_t empty = sem(Ring::kSlots, Ring::kSlots), full = sem(0, Ring::kSlots), mutex = sem(1, 1);
  std::vector<hb_task_id_t> children;
  uint64_t t0 = hb_clock_ns();
  auto start = [&](const char* role, uint32_t i, uint64_t count) {
    std::vector<hb_handle_t> handles = {dup(r, kRw), dup(empty, HB_RIGHTS_SAME), dup(full, HB_RIGHTS_SAME)};
    if (use_mutex) handles.push_back(dup(mutex, HB_RIGHTS_SAME));
    children.push_back(spawn({"stress-worker", role, std::to_string(i), std::to_string(count)}, handles));
  };
  for (uint32_t i = 0; i < consumers; ++i) start("consumer", i, items / consumers);
  for (uint32_t i = 0; i < producers; ++i) start("producer", i, items / producers);
  for (hb_task_id_t child : children)
    if (int32_t code = wait_child(child, 5 * kLong); code != 0) fail("worker exit code " + std::to_string(code), HB_ERR_INVALID_ARG);
  uint64_t produced = 0, consumed = 0, count = 0, expected = 0;
  for (uint32_t i = 0; i < producers; ++i) {
    produced += ring->produced_sum[i];
    for (uint64_t k = 0; k < items / producers; ++k) expected += mix(item(i, k));
  }
  for (uint32_t i = 0; i < consumers; ++i) {
    consumed += ring->consumed_sum[i];
    count += ring->consumed[i];
  }
  check(count == items && ring->in == items && ring->out == items, "every item consumed once");
  check(produced == expected && consumed == expected, "checksums agree");
  say("stress " + std::to_string(items) + " items checksum " + std::to_string(consumed) + " in " +
      std::to_string((hb_clock_ns() - t0) / kMs) + " ms");
  return 0;
}

}  // namespace

int main() {
  hb_status_t s = hb_start_args(&g_start);
  if (s != HB_OK) fail("start args", s);
  const std::string mode = g_start.argc > 0 ? g_start.argv[0] : "";
  struct {
    const char* name;
    int (*run)();
  } const modes[] = {
      {"basic", mode_basic},           {"map-rules", mode_map_rules},
      {"unmap-rules", mode_unmap_rules}, {"quota", mode_quota},
      {"grant-ro", mode_grant_ro},     {"ro-reader", mode_ro_reader},
      {"move", mode_move},             {"mover", mode_mover},
      {"revoke", mode_revoke},         {"victim", mode_victim},
      {"late-mapper", mode_late_mapper}, {"owner-exit", mode_owner_exit},
      {"owner", mode_owner},           {"ro-reader-big", mode_ro_reader_big},
      {"sem", mode_sem},               {"sem-child", mode_sem_child},
      {"stress", mode_stress},         {"stress-worker", mode_stress_worker},
  };
  for (const auto& m : modes)
    if (mode == m.name) hb_task_exit(m.run());
  say("FAIL unknown mode '" + mode + "'");
  hb_task_exit(2);
}
