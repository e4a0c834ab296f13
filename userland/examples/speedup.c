/* speedup - "Information sharing, computation speed-up, modularity, convenience": the
 * second reason for cooperating processes. A job is split into N pieces that N tasks work on
 * at once, on N cores.
 *
 *   harbor-emu --cores 2 exec speedup [WORKERS] [ELEMENTS]     (defaults: 2 workers, 262144)
 *
 * The parent fills a grant region with ELEMENTS numbers and times one job three ways: alone
 * (a loop in the parent, no IPC at all), with 1 worker task, and with WORKERS worker tasks.
 * Each worker gets a read-only grant of the data and a send right to the parent's result
 * port in its start message, computes a checksum over its slice (a deliberately expensive
 * mix per number: the job is computation, not memory traffic), sends it, and exits. The
 * parent adds the partial checksums. The timings are printed, never checked: they depend on
 * the cores the host really gives (with --deterministic one task runs at a time, so there is
 * no speed-up to see, and on a busy host there may be little). What is checked (exit code
 * 0): every way computes the same checksum.
 *
 * Speed-up = time alone / time with N workers; Amdahl's law says it stays below N, by the
 * part that does not split: spawning the tasks, mapping the region, collecting the results.
 */
#include "course.h"

#define ROUNDS 64 /* mixing rounds per number */
#define MAX_WORKERS 16

static uint64_t mix(uint64_t x) {
  for (int r = 0; r < ROUNDS; ++r) {
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
  }
  return x;
}

static uint64_t checksum(const uint64_t *data, uint64_t from, uint64_t to) {
  uint64_t sum = 0;
  for (uint64_t i = from; i < to; ++i) sum += mix(data[i]);
  return sum;
}

// DOC: speedup-worker
static int worker(const hb_start_info *start) {
  uint64_t index = course_arg(start, 1, 0), workers = course_arg(start, 2, 1);
  const uint64_t *data = 0;
  must(hb_region_map(start->handles[0], HB_RIGHT_READ, (void **)&data), "map the data");
  uint64_t elements = data[0]; /* the first word is the count; the numbers follow */
  uint64_t from = 1 + elements * index / workers, to = 1 + elements * (index + 1) / workers;
  uint64_t partial = checksum(data, from, to);
  hb_msg_out m = {&partial, sizeof partial, 0, 0};
  must(hb_send(start->handles[1], &m, 0, HB_FOREVER), "send the result");
  return 0;
}

/* Runs the job on `workers` tasks; returns the checksum, *ns the time it took. */
static uint64_t run_workers(hb_handle_t region, uint64_t workers, hb_time_t *ns) {
  hb_handle_t results, results_send;
  must(hb_port_create(HB_PORT_BOUNDED, MAX_WORKERS, 0, &results, &results_send), "result port");
  hb_task_id_t ids[MAX_WORKERS];
  hb_time_t t0 = hb_clock_ns();
  for (uint64_t i = 0; i < workers; ++i) {
    hb_handle_t give[2] = {
        course_dup(region, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER), /* read-only */
        course_dup(results_send, HB_RIGHT_SEND | HB_RIGHT_TRANSFER)};
    ids[i] = course_spawn("worker", i, workers, give, 2);
  }
  uint64_t sum = 0;
  for (uint64_t i = 0; i < workers; ++i) {
    uint64_t partial = 0;
    hb_msg_in in = {0};
    in.data = &partial;
    in.cap = sizeof partial;
    must(hb_recv(results, &in, 0, HB_FOREVER), "a result");
    sum += partial;
  }
  *ns = hb_clock_ns() - t0;
  for (uint64_t i = 0; i < workers; ++i)
    if (course_wait(ids[i]) != 0) must(HB_ERR_INVALID_ARG, "a worker failed");
  hb_handle_close(results);
  hb_handle_close(results_send);
  return sum;
}

int main(void) {
  hb_start_info start = course_start();
  if (course_role_is(&start, "worker")) return worker(&start);

  uint64_t workers = course_arg(&start, 0, 2), elements = course_arg(&start, 1, 262144);
  if (workers < 1 || workers > MAX_WORKERS || elements < workers || elements > (1u << 24)) {
    say("usage: speedup [WORKERS] [ELEMENTS]   (1..16 workers, WORKERS..16777216 elements)");
    return 2;
  }
  hb_handle_t region = HB_INVALID;
  must(hb_region_create((elements + 1) * sizeof(uint64_t), 0, &region), "region_create");
  uint64_t *data = 0;
  must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&data), "map");
  data[0] = elements;
  for (uint64_t i = 1; i <= elements; ++i) data[i] = i * 0x9e3779b97f4a7c15ull;

  hb_time_t t0 = hb_clock_ns();
  uint64_t alone = checksum(data, 1, elements + 1);
  hb_time_t alone_ns = hb_clock_ns() - t0, one_ns = 0, many_ns = 0;
  uint64_t one = run_workers(region, 1, &one_ns);
  uint64_t many = run_workers(region, workers, &many_ns);

  say("%llu numbers, %u mixing rounds each", (unsigned long long)elements, (unsigned)ROUNDS);
  say("  alone (no tasks):  %llu us", course_us(alone_ns));
  say("  1 worker task:     %llu us", course_us(one_ns));
  say("  %llu worker tasks:  %llu us   speed-up %llu.%llu%llux over alone",
      (unsigned long long)workers, course_us(many_ns),
      (unsigned long long)(alone_ns / (many_ns ? many_ns : 1)),
      (unsigned long long)(alone_ns * 10 / (many_ns ? many_ns : 1) % 10),
      (unsigned long long)(alone_ns * 100 / (many_ns ? many_ns : 1) % 10));
  int ok = one == alone && many == alone;
  say(ok ? "speedup: OK (the same checksum every way)" : "speedup: FAILED (checksums differ)");
  hb_region_unmap(data);
  return ok ? 0 : 1;
}
