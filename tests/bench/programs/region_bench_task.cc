// region_bench_task - the Harbor task program of the grant-region benchmarks
// (tests/bench/region_bench.cc). Started as a root task through hosted::Machine; the
// measuring parent spawns its reader (this same program) itself.
//
// One transfer = SIZE bytes the parent produced in a region become the reader's to use:
// the reader reads every 64-bit word (a checksum) and answers. Nothing is copied.
//
//   shared SIZE N WARMUP    the region is mapped once by both; a transfer is a semaphore
//                           post (go) and wait (done) around the reader's pass over it
//   handoff SIZE N WARMUP   a transfer is a message carrying a read-only handle to the
//                           region; the reader maps it, reads it, unmaps it, closes the
//                           handle and posts done (so mmap and page faults are included)
//
// Timing excludes process start-up and the warm-up transfers; the parent reports
// "BENCH ns=<n>" on the console. Failures print "FAIL <what>: <status>" and exit 1.
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

hb_start_info g_start;
constexpr hb_time_t kTimeout = 60ull * 1000000000ull;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

[[noreturn]] void fail(const std::string& what, hb_status_t status) {
  hb_print(("FAIL " + what + ": " + hb_strerror(status) + "\n").c_str());
  hb_task_exit(1);
}

void must(hb_status_t s, const char* what) {
  if (s != HB_OK) fail(what, s);
}

uint64_t arg(uint32_t index) {
  if (index >= g_start.argc) fail("missing argument", HB_ERR_INVALID_ARG);
  return std::strtoull(g_start.argv[index], nullptr, 0);
}

hb_handle_t dup(hb_handle_t h, uint32_t rights) {
  hb_handle_t out = HB_INVALID;
  must(hb_handle_dup(h, rights, &out), "dup");
  return out;
}

uint64_t checksum(const uint64_t* words, uint64_t count) {
  uint64_t a = 0, b = 0;
  for (uint64_t i = 0; i < count; i += 2) {  // two chains: the loop runs at load speed
    a += words[i];
    b ^= words[i + 1];
  }
  return a + b;
}

// Spawns this program as the reader; handles moved.
hb_task_id_t spawn_reader(const std::string& mode, uint64_t size, uint64_t expected,
                          hb_handle_t* handles, uint32_t count) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) fail("readlink", HB_ERR_NOT_FOUND);
  self[n] = 0;
  std::string args = mode + '\0' + std::to_string(size) + '\0' + std::to_string(expected) + '\0';
  hb_msg_out m{args.data(), static_cast<uint32_t>(args.size()), count, handles};
  hb_task_id_t child = 0;
  must(hb_task_spawn(self, &m, &child), "spawn reader");
  return child;
}

// reader-shared SIZE EXPECTED: handles region (read-only), go (wait), done (post).
int reader_shared() {
  const uint64_t size = arg(1), expected = arg(2);
  hb_handle_t go = g_start.handles[1], done = g_start.handles[2];
  void* at = nullptr;
  must(hb_region_map(g_start.handles[0], HB_RIGHT_READ, &at), "reader map");
  for (;;) {
    hb_status_t s = hb_sem_wait(go, kTimeout);
    if (s == HB_ERR_TIMED_OUT) return 0;
    must(s, "wait go");
    if (checksum(static_cast<const uint64_t*>(at), size / 8) != expected)
      fail("reader checksum", HB_ERR_INVALID_ARG);
    must(hb_sem_post(done, 1), "post done");
  }
}

// reader-handoff SIZE EXPECTED: handle done (post); regions arrive in the inbox.
int reader_handoff() {
  const uint64_t size = arg(1), expected = arg(2);
  hb_handle_t done = g_start.handles[0];
  for (;;) {
    uint64_t word = 0;
    hb_handle_t region = HB_INVALID;
    hb_msg_in in{};
    in.data = &word;
    in.cap = sizeof word;
    in.handles = &region;
    in.handle_cap = 1;
    must(hb_recv(HB_INBOX, &in, 0, kTimeout), "reader recv");
    if (in.handle_count == 0) return 0;  // the parent's "stop"
    void* at = nullptr;
    must(hb_region_map(region, HB_RIGHT_READ, &at), "reader map");
    if (checksum(static_cast<const uint64_t*>(at), size / 8) != expected)
      fail("reader checksum", HB_ERR_INVALID_ARG);
    must(hb_region_unmap(at), "reader unmap");
    must(hb_handle_close(region), "reader close");
    must(hb_sem_post(done, 1), "post done");
  }
}

int parent(bool shared) {
  const uint64_t size = arg(1), n = arg(2), warmup = arg(3);
  if (size % 16 || size == 0) fail("size must be a multiple of 16", HB_ERR_INVALID_ARG);
  hb_handle_t region = HB_INVALID;
  must(hb_region_create(size, 0, &region), "region_create");
  void* at = nullptr;
  must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &at), "map");
  auto* words = static_cast<uint64_t*>(at);
  for (uint64_t i = 0; i < size / 8; ++i) words[i] = i * 0x9e3779b97f4a7c15ull;  // produced
  const uint64_t expected = checksum(words, size / 8);
  hb_handle_t go = HB_INVALID, done = HB_INVALID;
  must(hb_sem_create(0, 1, &go), "sem go");
  must(hb_sem_create(0, 1, &done), "sem done");
  const uint32_t ro = HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER;
  hb_task_id_t reader;
  if (shared) {
    hb_handle_t handles[3] = {dup(region, ro), dup(go, HB_RIGHT_RECV | HB_RIGHT_TRANSFER),
                              dup(done, HB_RIGHT_SEND | HB_RIGHT_TRANSFER)};
    reader = spawn_reader("reader-shared", size, expected, handles, 3);
  } else {
    hb_handle_t handles[1] = {dup(done, HB_RIGHT_SEND | HB_RIGHT_TRANSFER)};
    reader = spawn_reader("reader-handoff", size, expected, handles, 1);
  }
  auto transfer = [&] {
    if (shared) {
      must(hb_sem_post(go, 1), "post go");
    } else {
      hb_handle_t grant = dup(region, ro);
      uint64_t word = 1;
      hb_msg_out m{&word, sizeof word, 1, &grant};
      must(hb_send_task(reader, &m, 0, kTimeout), "send grant");
    }
    must(hb_sem_wait(done, kTimeout), "wait done");
  };
  for (uint64_t i = 0; i < warmup; ++i) transfer();
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n; ++i) transfer();
  uint64_t ns = now_ns() - t0;
  // The shared reader is left waiting on `go`: the harness ends the machine, which kills it.
  if (!shared) {
    uint64_t word = 0;
    hb_msg_out stop{&word, sizeof word, 0, nullptr};
    must(hb_send_task(reader, &stop, 0, kTimeout), "send stop");
  }
  hb_print(("BENCH ns=" + std::to_string(ns) + "\n").c_str());
  return 0;
}

}  // namespace

int main() {
  if (hb_start_args(&g_start) != HB_OK) fail("start args", HB_ERR_INVALID_ARG);
  const std::string mode = g_start.argc ? g_start.argv[0] : "";
  if (mode == "shared") hb_task_exit(parent(true));
  if (mode == "handoff") hb_task_exit(parent(false));
  if (mode == "reader-shared") hb_task_exit(reader_shared());
  if (mode == "reader-handoff") hb_task_exit(reader_handoff());
  fail("unknown mode " + mode, HB_ERR_INVALID_ARG);
}
