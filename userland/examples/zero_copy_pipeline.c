/* zero_copy_pipeline - three stages hand 1 MiB regions along instead of copying them.
 *
 *   harbor-emu exec zero-copy-pipeline [ROUNDS] [MIB]      (defaults: 16 rounds of 1 MiB)
 *
 *   parent   makes two ports, spawns the three stages (this same program), waits for them;
 *   stage 1  per round: creates a region, maps it, fills it, unmaps it and sends the
 *            *handle* to stage 2 (the message is 16 bytes and one handle: the data stays
 *            where it is); at the end closes its send right;
 *   stage 2  per region: maps it read-write, transforms every word in place, unmaps it, and
 *            passes on a read-only handle (hb_handle_dup without HB_RIGHT_WRITE);
 *   stage 3  maps each region read-only and verifies every word.
 *
 * The kernel copies 16 bytes per hop and 0 bytes of the data; compare with sending 1 MiB as
 * 16 messages of 64 KiB, each copied twice (into the kernel and out of it). See
 * docs/shared-memory.md.
 */
#include "example.h"

#include <string.h>
#include <unistd.h>

struct note { /* what travels in the message, beside the region handle */
  uint64_t round;
  uint64_t bytes;
};

static void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("zero_copy_pipeline: %s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

static uint32_t original(uint64_t round, uint64_t i) { return (uint32_t)(round * 1000003u + i); }
static uint32_t transformed(uint32_t word) { return word * 2654435761u ^ 0x5bd1e995u; }

/* Receives a note and a region handle; HB_ERR_PEER_CLOSED when the stage before is done. */
static hb_status_t receive(hb_handle_t port, struct note *note, hb_handle_t *region) {
  hb_msg_in in = {0};
  in.data = note;
  in.cap = sizeof *note;
  in.handles = region;
  in.handle_cap = 1;
  hb_status_t s = hb_recv(port, &in, 0, HB_FOREVER);
  if (s == HB_OK && (in.len != sizeof *note || in.handle_count != 1)) s = HB_ERR_INVALID_ARG;
  return s;
}

// DOC: pipeline-moves-the-handle
static void pass_on(hb_handle_t port, const struct note *note, hb_handle_t region) {
  hb_msg_out m = {note, sizeof *note, 1, &region}; /* the handle moves; the data stays */
  must(hb_send(port, &m, 0, HB_FOREVER), "send");
}

static int stage1(hb_handle_t out, uint64_t rounds, uint64_t bytes) {
  for (uint64_t r = 0; r < rounds; ++r) {
    hb_handle_t region = HB_INVALID;
    must(hb_region_create(bytes, 0, &region), "region_create");
    uint32_t *words = NULL;
    must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&words), "map");
    for (uint64_t i = 0; i < bytes / 4; ++i) words[i] = original(r, i);
    must(hb_region_unmap(words), "unmap");
    struct note note = {r, bytes};
    pass_on(out, &note, region);
  }
  hb_handle_close(out); /* no more: stage 2 sees HB_ERR_PEER_CLOSED */
  return 0;
}

static int stage2(hb_handle_t in, hb_handle_t out) {
  struct note note;
  hb_handle_t region;
  hb_status_t s;
  while ((s = receive(in, &note, &region)) == HB_OK) {
    uint32_t *words = NULL;
    must(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, (void **)&words), "map");
    for (uint64_t i = 0; i < note.bytes / 4; ++i) words[i] = transformed(words[i]); /* in place */
    must(hb_region_unmap(words), "unmap");
    hb_handle_t read_only = HB_INVALID; /* stage 3 only needs to look (TRANSFER: it travels) */
    must(hb_handle_dup(region, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &read_only),
         "dup read-only");
    hb_handle_close(region);
    pass_on(out, &note, read_only);
  }
  if (s != HB_ERR_PEER_CLOSED) must(s, "receive");
  hb_handle_close(out);
  return 0;
}

static int stage3(hb_handle_t in) {
  struct note note;
  hb_handle_t region;
  hb_status_t s;
  uint64_t rounds = 0, bytes = 0;
  while ((s = receive(in, &note, &region)) == HB_OK) {
    const uint32_t *words = NULL;
    must(hb_region_map(region, HB_RIGHT_READ, (void **)&words), "map read-only");
    for (uint64_t i = 0; i < note.bytes / 4; ++i)
      if (words[i] != transformed(original(note.round, i))) {
        say("stage 3: round %llu word %llu is wrong", (unsigned long long)note.round,
            (unsigned long long)i);
        return 1;
      }
    must(hb_region_unmap((void *)words), "unmap");
    hb_handle_close(region); /* the last handle: the region's memory is freed */
    ++rounds;
    bytes += note.bytes;
  }
  if (s != HB_ERR_PEER_CLOSED) must(s, "receive");
  say("stage 3: verified %llu regions, %llu MiB, none of it copied by the kernel",
      (unsigned long long)rounds, (unsigned long long)(bytes >> 20));
  return 0;
}

/* Spawns this same program as stage `stage` with `handles` (moved) in its start message. */
static hb_task_id_t spawn_stage(int stage, uint64_t rounds, uint64_t mib, hb_handle_t *handles,
                                uint32_t count) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* hosted: our own path */
  if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
  self[n] = 0;
  char args[64]; /* "stage\0S\0ROUNDS\0MIB\0" */
  int len = snprintf(args, sizeof args, "stage%c%d%c%llu%c%llu", 0, stage, 0,
                     (unsigned long long)rounds, 0, (unsigned long long)mib);
  hb_msg_out m = {args, (uint32_t)len + 1, count, handles};
  hb_task_id_t child = 0;
  must(hb_task_spawn(self, &m, &child), "spawn");
  return child;
}

int main(void) {
  hb_start_info start = start_or_exit("zero_copy_pipeline", 0);
  if (start.argc >= 4 && strcmp(start.argv[0], "stage") == 0) {
    int stage = atoi(start.argv[1]);
    uint64_t rounds = strtoull(start.argv[2], NULL, 10), mib = strtoull(start.argv[3], NULL, 10);
    if (stage == 1 && start.handle_count == 1) return stage1(start.handles[0], rounds, mib << 20);
    if (stage == 2 && start.handle_count == 2) return stage2(start.handles[0], start.handles[1]);
    if (stage == 3 && start.handle_count == 1) return stage3(start.handles[0]);
    say("zero_copy_pipeline: bad stage start message");
    return 2;
  }

  /* The parent: stage 1 --port a--> stage 2 --port b--> stage 3 */
  uint64_t rounds = (uint64_t)arg_number(&start, 0, 16);
  uint64_t mib = (uint64_t)arg_number(&start, 1, 1);
  if (mib < 1 || mib > 256) {
    say("usage: zero-copy-pipeline [ROUNDS] [MIB]   (1 <= MIB <= 256)");
    return 2;
  }
  hb_handle_t a_recv, a_send, b_recv, b_send;
  must(hb_port_create(HB_PORT_BOUNDED, 2, 0, &a_recv, &a_send), "port a");
  must(hb_port_create(HB_PORT_BOUNDED, 2, 0, &b_recv, &b_send), "port b");
  hb_time_t t0 = hb_clock_ns();
  hb_handle_t h3[1] = {b_recv}, h2[2] = {a_recv, b_send}, h1[1] = {a_send};
  hb_task_id_t s3 = spawn_stage(3, rounds, mib, h3, 1);
  hb_task_id_t s2 = spawn_stage(2, rounds, mib, h2, 2);
  hb_task_id_t s1 = spawn_stage(1, rounds, mib, h1, 1);
  int32_t c1 = -1, c2 = -1, c3 = -1;
  must(hb_task_wait(s1, &c1, HB_FOREVER), "wait stage 1");
  must(hb_task_wait(s2, &c2, HB_FOREVER), "wait stage 2");
  must(hb_task_wait(s3, &c3, HB_FOREVER), "wait stage 3");
  hb_time_t ns = hb_clock_ns() - t0;
  say("%llu x %llu MiB through 3 stages in %llu ms; exit codes %d %d %d",
      (unsigned long long)rounds, (unsigned long long)mib, (unsigned long long)(ns / 1000000), c1,
      c2, c3);
  int ok = c1 == 0 && c2 == 0 && c3 == 0;
  say(ok ? "zero_copy_pipeline: OK" : "zero_copy_pipeline: FAILED");
  return ok ? 0 : 1;
}
