// it_task - the user program the hosted integration tests start (tests/integration/).
//
// One small program with one mode per behaviour; the mode is its first argument, its initial
// capabilities come in the start message (harbor/runtime.h). Exit code 0 means every check
// passed; a failed check prints "FAIL <what>: <status>" (the test shows the console) and
// exits with 1. Modes:
//
//   exit CODE            hb_task_exit(CODE)
//   return CODE          return CODE from main (the process's exit status)
//   hello                print "hello from task <id>"
//   crash | suicide      SIGSEGV | SIGKILL ourselves
//   hold [MS]            keep our capabilities MS ms (0 / none: forever), then exit 0
//   send N SIZE [sync]   send N messages (0: until the port dies) of SIZE bytes on handle 0;
//                        exits 3 on HB_ERR_PEER_CLOSED
//   recv N SIZE          receive N messages (0: until closed) on handle 0, checking the FIFO
//                        order of each sender and every byte; exits 3 on HB_ERR_PEER_CLOSED
//   rendezvous | bounded CAP | timeout MS | fill-then-block | badptr | badbuf | scribble | spawn |
//   bigcall-server | bigcall-client | bench N
//                        see each function below
#include <harbor/abi/syscalls.h>
#include <harbor/ipc.hpp>
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace harbor::runtime {
int64_t raw_syscall(uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5);
}

namespace {

hb_start_info g_start;

void say(const std::string& text) { hb_print((text + "\n").c_str()); }

[[noreturn]] void fail(const char* what, hb_status_t status) {
  say(std::string("FAIL ") + what + ": " + hb_strerror(status) + " (" +
      std::to_string(status) + ")");
  hb_task_exit(1);
}

void expect(const char* what, hb_status_t got, hb_status_t want) {
  if (got != want)
    fail((std::string(what) + " expected " + hb_strerror(want)).c_str(), got);
}

uint32_t arg_u32(uint32_t index, uint32_t fallback = 0) {
  return index < g_start.argc ? static_cast<uint32_t>(std::strtoul(g_start.argv[index], nullptr, 0))
                              : fallback;
}

hb_handle_t handle(uint32_t index) {
  if (index >= g_start.handle_count) fail("missing start handle", HB_ERR_BAD_HANDLE);
  return g_start.handles[index];
}

uint64_t host_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

constexpr uint64_t kMs = 1000000;

// Message `seq` of `size` bytes (send/recv, bigcall): the sequence number, then bytes that
// depend on both, so a byte lost, doubled or moved is seen.
void fill_message(uint8_t* bytes, uint32_t size, uint32_t seq) {
  std::memcpy(bytes, &seq, 4);
  for (uint32_t i = 4; i < size; ++i) bytes[i] = static_cast<uint8_t>(seq * 31 + i * 7 + (i >> 8));
}

bool message_is(const uint8_t* bytes, uint32_t size, uint32_t seq) {
  uint32_t got;
  std::memcpy(&got, bytes, 4);
  if (got != seq) return false;
  for (uint32_t i = 4; i < size; ++i)
    if (bytes[i] != static_cast<uint8_t>(seq * 31 + i * 7 + (i >> 8))) return false;
  return true;
}

int mode_hold() {
  uint32_t ms = arg_u32(1);
  if (ms == 0) {
    hb_msg_in in{};
    hb_recv(HB_INBOX, &in, 0, HB_FOREVER);  // nobody sends: blocks until killed
    return 0;
  }
  usleep(ms * 1000);
  return 0;
}

int mode_send() {
  uint32_t count = arg_u32(1);
  uint32_t size = arg_u32(2, 4);
  uint32_t flags = (g_start.argc > 3 && std::strcmp(g_start.argv[3], "sync") == 0) ? HB_SEND_SYNC : 0;
  if (size < 4) size = 4;
  std::vector<uint8_t> payload(size);
  hb_handle_t port = handle(0);
  for (uint32_t seq = 0; count == 0 || seq < count; ++seq) {
    fill_message(payload.data(), size, seq);
    hb_msg_out m{payload.data(), size, 0, nullptr};
    hb_status_t s = hb_send(port, &m, flags, HB_FOREVER);
    if (s == HB_ERR_PEER_CLOSED) return 3;
    if (s != HB_OK) fail("send", s);
  }
  return 0;
}

int mode_recv() {
  uint32_t count = arg_u32(1);
  uint32_t size = arg_u32(2, 4);
  std::vector<uint8_t> buffer(size < 4 ? 4 : size);
  struct Seen {
    hb_task_id_t sender;
    uint32_t next;
  };
  std::vector<Seen> seen;
  hb_handle_t port = handle(0);
  for (uint32_t n = 0; count == 0 || n < count; ++n) {
    hb_msg_in in{};
    in.data = buffer.data();
    in.cap = static_cast<uint32_t>(buffer.size());
    hb_status_t s = hb_recv(port, &in, 0, HB_FOREVER);
    if (s == HB_ERR_PEER_CLOSED) return 3;
    if (s != HB_OK) fail("recv", s);
    if (in.len != size) fail("recv length", HB_ERR_INVALID_ARG);
    uint32_t seq;
    std::memcpy(&seq, buffer.data(), 4);
    Seen* entry = nullptr;
    for (Seen& e : seen)
      if (e.sender == in.sender) entry = &e;
    if (!entry) {
      seen.push_back({in.sender, 0});
      entry = &seen.back();
    }
    if (seq != entry->next) {
      say("FAIL order: from " + std::to_string(in.sender) + " got " + std::to_string(seq) +
          ", expected " + std::to_string(entry->next));
      hb_task_exit(1);
    }
    if (!message_is(buffer.data(), size, seq))
      fail(("message " + std::to_string(seq) + " changed on its way").c_str(), HB_ERR_INVALID_ARG);
    entry->next = seq + 1;
  }
  return 0;
}

// Rendezvous: handle 0 sends to a capacity-0 port whose receiver starts receiving later.
// A send that cannot meet a receiver does not complete.
int mode_rendezvous() {
  hb_handle_t port = handle(0);
  uint32_t value = 0;  // sequence number 0, as "recv" expects
  hb_msg_out m{&value, 4, 0, nullptr};
  expect("rendezvous send NOWAIT", hb_send(port, &m, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  uint64_t t0 = host_now_ns();
  expect("rendezvous send 20ms", hb_send(port, &m, 0, 20 * kMs), HB_ERR_TIMED_OUT);
  if (host_now_ns() - t0 < 20 * kMs) fail("rendezvous timed out early", HB_ERR_TIMED_OUT);
  say("ready");
  expect("rendezvous send FOREVER", hb_send(port, &m, 0, HB_FOREVER), HB_OK);
  return 0;
}

// Bounded: handle 0 sends to a port of capacity CAP that nobody receives from.
int mode_bounded() {
  uint32_t capacity = arg_u32(1, 1);
  hb_handle_t port = handle(0);
  uint32_t value = 1;
  hb_msg_out m{&value, 4, 0, nullptr};
  for (uint32_t i = 0; i < capacity; ++i) expect("bounded send", hb_send(port, &m, 0, HB_NOWAIT), HB_OK);
  expect("bounded send when full", hb_send(port, &m, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  uint64_t t0 = host_now_ns();
  expect("bounded send 20ms when full", hb_send(port, &m, 0, 20 * kMs), HB_ERR_TIMED_OUT);
  if (host_now_ns() - t0 < 20 * kMs) fail("bounded timed out early", HB_ERR_TIMED_OUT);
  return 0;
}

// Timeouts on a port of our own, measured with the kernel's clock (logical in deterministic
// mode, where a timeout passes without waiting in real time).
int mode_timeout() {
  uint32_t ms = arg_u32(1, 30);
  auto port = harbor::Port::create(HB_PORT_BOUNDED, 4);
  if (!port) fail("port_create", port.error());
  hb_msg_in in{};
  expect("recv NOWAIT", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  uint64_t t0 = hb_clock_ns();
  expect("recv timeout", hb_recv(port->recv.get(), &in, 0, ms * kMs), HB_ERR_TIMED_OUT);
  uint64_t waited = hb_clock_ns() - t0;
  if (waited < ms * kMs) fail("recv timed out early", HB_ERR_TIMED_OUT);
  if (waited > ms * kMs + 5000 * kMs) fail("recv timed out very late", HB_ERR_TIMED_OUT);
  // A message that is there is received at once, timeout or not.
  auto sent = harbor::send(port->send, harbor::as_bytes("x"), {}, 0, HB_NOWAIT);
  if (!sent) fail("send", sent.error());
  std::byte buffer[8];
  auto got = harbor::recv(port->recv, buffer, 0, 1 * kMs);
  if (!got) fail("recv after send", got.error());
  return 0;
}

// Fills a bounded port (handle 0) and then blocks on it: its owner dies meanwhile.
int mode_fill_then_block() {
  hb_handle_t port = handle(0);
  uint32_t value = 1;
  hb_msg_out m{&value, 4, 0, nullptr};
  hb_status_t s;
  while ((s = hb_send(port, &m, 0, HB_NOWAIT)) == HB_OK) {
  }
  if (s == HB_ERR_PEER_CLOSED) return 0;  // the owner was already gone
  expect("fill", s, HB_ERR_WOULD_BLOCK);
  say("blocking");
  expect("blocked send after owner death", hb_send(port, &m, 0, HB_FOREVER), HB_ERR_PEER_CLOSED);
  expect("send to a dead port", hb_send(port, &m, 0, HB_NOWAIT), HB_ERR_PEER_CLOSED);
  return 0;
}

// Bad pointers are HB_ERR_FAULT, garbage is an error; nothing crashes.
int mode_badptr() {
  auto* bad_out = reinterpret_cast<const hb_msg_out*>(8);
  auto* bad_in = reinterpret_cast<hb_msg_in*>(16);
  auto port = harbor::Port::create(HB_PORT_BOUNDED, 4);
  if (!port) fail("port_create", port.error());
  expect("send bad msg", hb_send(port->send.get(), bad_out, 0, HB_NOWAIT), HB_ERR_FAULT);
  hb_msg_out m{reinterpret_cast<const void*>(24), 100, 0, nullptr};
  expect("send bad data", hb_send(port->send.get(), &m, 0, HB_NOWAIT), HB_ERR_FAULT);
  expect("recv bad msg", hb_recv(port->recv.get(), bad_in, 0, HB_NOWAIT), HB_ERR_FAULT);
  expect("debug_write bad text", hb_debug_write(reinterpret_cast<const char*>(32), 10), HB_ERR_FAULT);
  expect("port_create bad out",
         hb_port_create(HB_PORT_BOUNDED, 1, 0, reinterpret_cast<hb_handle_t*>(40), nullptr),
         HB_ERR_FAULT);
  // A message whose data is fine but whose receive buffer is not.
  uint32_t value = 5;
  hb_msg_out good{&value, 4, 0, nullptr};
  expect("send good", hb_send(port->send.get(), &good, 0, HB_NOWAIT), HB_OK);
  hb_msg_in in{};
  in.data = reinterpret_cast<void*>(48);
  in.cap = 64;
  expect("recv into a bad buffer", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_ERR_FAULT);
  // Garbage straight into the channel: an unknown syscall number.
  int64_t r = harbor::runtime::raw_syscall(9999, 1, 2, 3, 4, 5, 6);
  expect("unknown syscall", static_cast<hb_status_t>(r), HB_ERR_INVALID_ARG);
  r = harbor::runtime::raw_syscall(0, 0, 0, 0, 0, 0, 0);
  expect("syscall 0", static_cast<hb_status_t>(r), HB_ERR_INVALID_ARG);
  // Still alive and served.
  if (hb_task_self() == 0) fail("task_self after garbage", HB_ERR_INVALID_ARG);
  return 0;
}

// Buffers that are partly the task's: the runtime stages small messages in the channel page
// (hosted/channel.h), and must stage nothing it cannot read or write; the kernel's own copy
// then fails with HB_ERR_FAULT, changes nothing and loses nothing. Also messages larger
// than what is staged, and a receive buffer larger than the message.
// badbuf at HB_MSG_MAX: 64 KiB payloads and receive buffers that end in, or cross, a page
// that is not ours (no access) or not writable (read-only). Each is HB_ERR_FAULT with nothing
// queued or the message kept, and what is kept arrives whole afterwards.
int badbuf_whole_messages(harbor::Port& port) {
  constexpr uint32_t kBig = HB_MSG_MAX;
  const long page = sysconf(_SC_PAGESIZE);
  const size_t pages = kBig / page + 2;  // kBig of good pages, then one page to spoil, + 1
  auto* area = static_cast<unsigned char*>(
      mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (area == MAP_FAILED) fail("mmap", HB_ERR_NO_MEMORY);
  unsigned char* spoiled = area + (pages - 1) * page;  // the last page
  unsigned char* fits = spoiled - kBig;                // [fits, spoiled): all good
  unsigned char* middle = area + (pages / 2) * page;   // a page inside [fits, spoiled)
  for (uint32_t i = 0; i < kBig; ++i) fits[i] = static_cast<unsigned char>(i * 5 + 1);
  std::vector<unsigned char> sent(fits, fits + kBig);
  auto nothing_queued = [&](const char* what) {
    hb_msg_in probe{};
    expect(what, hb_recv(port.recv.get(), &probe, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  };

  // Payloads: the last 100 bytes in a page we may not read; a hole in the middle.
  mprotect(spoiled, page, PROT_NONE);
  hb_msg_out m{fits + 100, kBig, 0, nullptr};
  expect("send 64 KiB into a hole", hb_send(port.send.get(), &m, 0, HB_NOWAIT), HB_ERR_FAULT);
  nothing_queued("no 64 KiB message after the fault");
  mprotect(middle, page, PROT_NONE);
  m.data = fits;
  expect("send 64 KiB across a hole", hb_send(port.send.get(), &m, 0, HB_NOWAIT), HB_ERR_FAULT);
  nothing_queued("no 64 KiB message after the middle fault");
  mprotect(middle, page, PROT_READ | PROT_WRITE);

  // A good 64 KiB message, then receive buffers that end in a read-only page or have a
  // read-only page inside: HB_ERR_FAULT, and the message stays queued.
  expect("send 64 KiB", hb_send(port.send.get(), &m, 0, HB_NOWAIT), HB_OK);
  std::memset(fits, 0, kBig);  // copy semantics: the kernel has its own copy now
  mprotect(spoiled, page, PROT_READ);
  hb_msg_in in{};
  in.data = fits + 100;
  in.cap = kBig;
  expect("recv 64 KiB into a read-only tail", hb_recv(port.recv.get(), &in, 0, HB_NOWAIT),
         HB_ERR_FAULT);
  mprotect(middle, page, PROT_READ);
  in.data = fits;
  expect("recv 64 KiB across a read-only page", hb_recv(port.recv.get(), &in, 0, HB_NOWAIT),
         HB_ERR_FAULT);
  mprotect(middle, page, PROT_READ | PROT_WRITE);
  std::memset(fits, 0, kBig);  // what the failed receives wrote is not the message
  in = hb_msg_in{};
  in.data = fits;
  in.cap = kBig;
  expect("recv the 64 KiB message kept", hb_recv(port.recv.get(), &in, 0, HB_NOWAIT), HB_OK);
  if (in.len != kBig || std::memcmp(fits, sent.data(), kBig) != 0)
    fail("the 64 KiB message kept is not the one sent", HB_ERR_INVALID_ARG);
  nothing_queued("the 64 KiB message arrived once");

  // A 64 KiB receive buffer whose tail is read-only cannot be staged, yet a small message
  // that stays clear of the tail is delivered (the kernel writes only the message's bytes).
  hb_msg_out small{sent.data(), 100, 0, nullptr};
  expect("send 100 B", hb_send(port.send.get(), &small, 0, HB_NOWAIT), HB_OK);
  std::memset(fits, 0, kBig);
  in = hb_msg_in{};
  in.data = fits + 100;
  in.cap = kBig;
  expect("recv 100 B into a buffer with a read-only tail",
         hb_recv(port.recv.get(), &in, 0, HB_NOWAIT), HB_OK);
  if (in.len != 100 || std::memcmp(fits + 100, sent.data(), 100) != 0 || fits[200] != 0)
    fail("the 100 B message is not the one sent", HB_ERR_INVALID_ARG);
  munmap(area, pages * page);
  return 0;
}

int mode_badbuf() {
  auto port = harbor::Port::create(HB_PORT_BOUNDED, 4);
  if (!port) fail("port_create", port.error());
  const long page = sysconf(_SC_PAGESIZE);
  auto* area = static_cast<unsigned char*>(
      mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (area == MAP_FAILED) fail("mmap", HB_ERR_NO_MEMORY);
  unsigned char* readonly = area + page;     // page 1: read-only
  unsigned char* none = area + 2 * page;     // page 2: no access
  std::memset(area, 'a', page);
  mprotect(readonly, page, PROT_READ);
  mprotect(none, page, PROT_NONE);

  // A payload running into a page we may not read: no message.
  hb_msg_out m{none - 50, 100, 0, nullptr};
  expect("send across a hole", hb_send(port->send.get(), &m, 0, HB_NOWAIT), HB_ERR_FAULT);
  hb_msg_in probe{};
  expect("nothing was queued", hb_recv(port->recv.get(), &probe, 0, HB_NOWAIT),
         HB_ERR_WOULD_BLOCK);

  // A good message, then receive buffers that are not (all) writable: it stays queued.
  std::vector<unsigned char> payload(100);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<unsigned char>(i * 7);
  hb_msg_out good{payload.data(), 100, 0, nullptr};
  expect("send good", hb_send(port->send.get(), &good, 0, HB_NOWAIT), HB_OK);
  hb_msg_in in{};
  in.data = readonly;
  in.cap = 100;
  expect("recv into a read-only page", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_ERR_FAULT);
  in.data = readonly - 50;  // half writable
  expect("recv across into read-only", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_ERR_FAULT);
  auto* in_readonly = reinterpret_cast<hb_msg_in*>(readonly);
  expect("recv with a read-only hb_msg_in", hb_recv(port->recv.get(), in_readonly, 0, HB_NOWAIT),
         HB_ERR_FAULT);
  // A receive buffer far larger than the message, whose tail is not ours at all: only the
  // message's bytes are written, and those are fine.
  std::vector<unsigned char> got(200, 0);
  in.data = got.data();
  in.cap = 200;
  expect("recv the message kept", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_OK);
  if (in.len != 100 || std::memcmp(got.data(), payload.data(), 100) != 0 || got[100] != 0)
    fail("the message kept is not the one sent", HB_ERR_INVALID_ARG);

  // Too small, then right: the size comes back through the descriptor.
  expect("send good again", hb_send(port->send.get(), &good, 0, HB_NOWAIT), HB_OK);
  in = hb_msg_in{};
  in.data = got.data();
  in.cap = 10;
  expect("recv too small", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_ERR_BUFFER_TOO_SMALL);
  if (in.len != 100) fail("BUFFER_TOO_SMALL reports the length", HB_ERR_INVALID_ARG);
  in.cap = 100;
  expect("recv after too small", hb_recv(port->recv.get(), &in, 0, HB_NOWAIT), HB_OK);

  // Sizes up to HB_MSG_MAX (the whole message rides in the channel page), into buffers a
  // little larger than the message and exactly its size, each checked byte for byte.
  for (uint32_t size : {4096u, 16383u, 16384u, 16385u, 40000u, 65535u, 65536u}) {
    for (uint32_t slack : {16u, 0u}) {
      std::vector<unsigned char> big(size), back(size + slack, 0);
      for (uint32_t i = 0; i < size; ++i) big[i] = static_cast<unsigned char>(i * 13 + size);
      hb_msg_out out{big.data(), size, 0, nullptr};
      expect("send big", hb_send(port->send.get(), &out, 0, HB_NOWAIT), HB_OK);
      hb_msg_in bin{};
      bin.data = back.data();
      bin.cap = static_cast<uint32_t>(back.size());
      expect("recv big", hb_recv(port->recv.get(), &bin, 0, HB_NOWAIT), HB_OK);
      if (bin.len != size || std::memcmp(back.data(), big.data(), size) != 0)
        fail("a big message changed on its way", HB_ERR_INVALID_ARG);
    }
  }
  munmap(area, 3 * page);
  return badbuf_whole_messages(*port);
}

// bigcall-server: answers every call on handle 0 with its request, each byte + 1, until a
// 1-byte request; exits with the number of requests it was sent (checked by the test).
// bigcall-client: calls on handle 0 with whole messages (the kernel's fast path: both sides
// staged in their channel pages, one copy page to page), and with buffers that are not all
// its own. Both use HB_MSG_MAX buffers.
int mode_bigcall_server() {
  std::vector<uint8_t> request(HB_MSG_MAX), answer(HB_MSG_MAX);
  int served = 0;
  for (;;) {
    hb_msg_in in{};
    in.data = request.data();
    in.cap = HB_MSG_MAX;
    expect("bigcall-server recv", hb_recv(handle(0), &in, 0, 30000 * kMs), HB_OK);
    for (uint32_t i = 0; i < in.len; ++i) answer[i] = static_cast<uint8_t>(request[i] + 1);
    hb_msg_out out{answer.data(), in.len, 0, nullptr};
    hb_status_t s = hb_reply(in.reply, &out);
    // PEER_CLOSED: the caller's answer buffer was not its own (it hears HB_ERR_FAULT).
    if (s != HB_OK && s != HB_ERR_PEER_CLOSED) fail("bigcall-server reply", s);
    if (in.len == 1) return served;
    ++served;
  }
}

int mode_bigcall_client() {
  hb_handle_t port = handle(0);
  std::vector<uint8_t> request(HB_MSG_MAX), answer(HB_MSG_MAX);
  auto call = [&](const void* data, uint32_t len, void* into, uint32_t cap) {
    hb_msg_out out{data, len, 0, nullptr};
    hb_msg_in in{};
    in.data = into;
    in.cap = cap;
    hb_status_t s = hb_call(port, &out, &in, 30000 * kMs);
    if (s == HB_OK && in.len != len) fail("bigcall answer length", HB_ERR_INVALID_ARG);
    return s;
  };
  uint32_t seq = 0;
  for (uint32_t size : {65536u, 65535u, 16385u, 4096u, 100u, 65536u}) {
    fill_message(request.data(), size, ++seq);
    std::memset(answer.data(), 0, HB_MSG_MAX);
    expect("bigcall", call(request.data(), size, answer.data(), HB_MSG_MAX), HB_OK);
    for (uint32_t i = 0; i < size; ++i)
      if (answer[i] != static_cast<uint8_t>(request[i] + 1))
        fail(("bigcall answer byte " + std::to_string(i) + " of " + std::to_string(size)).c_str(),
             HB_ERR_INVALID_ARG);
    if (size < HB_MSG_MAX && answer[size] != 0) fail("bigcall wrote past the answer", HB_ERR_INVALID_ARG);
  }
  // A request that runs into a page we may not read: HB_ERR_FAULT, and the server is never
  // sent it. An answer buffer with a read-only page: the server answered, we hear
  // HB_ERR_FAULT (the server PEER_CLOSED), and the next call works as before.
  const long page = sysconf(_SC_PAGESIZE);
  const size_t pages = HB_MSG_MAX / page + 2;
  auto* area = static_cast<uint8_t*>(
      mmap(nullptr, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (area == MAP_FAILED) fail("mmap", HB_ERR_NO_MEMORY);
  uint8_t* last = area + (pages - 1) * page;
  std::memset(area, 7, (pages - 1) * page);
  mprotect(last, page, PROT_NONE);
  expect("bigcall with a request in a hole", call(last - HB_MSG_MAX + 8, HB_MSG_MAX, answer.data(), HB_MSG_MAX),
         HB_ERR_FAULT);
  mprotect(last, page, PROT_READ);
  expect("bigcall with a read-only answer tail",
         call(request.data(), HB_MSG_MAX, last - HB_MSG_MAX + 8, HB_MSG_MAX), HB_ERR_FAULT);
  munmap(area, pages * page);
  fill_message(request.data(), HB_MSG_MAX, ++seq);
  expect("bigcall after the faults", call(request.data(), HB_MSG_MAX, answer.data(), HB_MSG_MAX), HB_OK);
  for (uint32_t i = 0; i < HB_MSG_MAX; ++i)
    if (answer[i] != static_cast<uint8_t>(request[i] + 1)) fail("bigcall answer after the faults", HB_ERR_INVALID_ARG);
  uint8_t stop = 'q';
  expect("bigcall stop", call(&stop, 1, answer.data(), HB_MSG_MAX), HB_OK);
  return 0;
}

// Writes garbage straight into our own syscall channel page (found in /proc/self/maps):
// the emulator must neither crash nor stop serving us.
int mode_scribble() {
  FILE* maps = std::fopen("/proc/self/maps", "r");
  if (!maps) fail("open /proc/self/maps", HB_ERR_NOT_FOUND);
  char line[512];
  uint32_t* page = nullptr;
  while (std::fgets(line, sizeof line, maps))
    if (std::strstr(line, "harbor-channel")) page = reinterpret_cast<uint32_t*>(std::strtoull(line, nullptr, 16));
  std::fclose(maps);
  if (!page) fail("no channel mapping", HB_ERR_NOT_FOUND);
  hb_task_id_t self = hb_task_self();
  for (uint32_t state : {4u, 2u, 3u, 0u, 0xffffffffu}) {  // Dead, Serving, Response, Idle, junk
    page[0] = state;
    syscall(SYS_futex, page, 1 /* FUTEX_WAKE */, 100, nullptr, nullptr, 0);
    usleep(2000);
    if (hb_task_self() != self) fail("task_self after scribbling the state", HB_ERR_INVALID_ARG);
  }
  for (uint32_t i = 1; i < 64; ++i) page[i] = 0xdeadbeef * i;  // number, args, result, ...
  if (hb_task_self() != self) fail("task_self after scribbling the page", HB_ERR_INVALID_ARG);
  expect("debug_write after scribbling", hb_print("still served\n"), HB_OK);
  return 0;
}

hb_status_t spawn_and_wait(const char* image, std::vector<std::string> args, int32_t* code) {
  std::string bytes;
  for (auto& a : args) bytes += a + '\0';
  hb_msg_out start{bytes.data(), static_cast<uint32_t>(bytes.size()), 0, nullptr};
  hb_task_id_t child = 0;
  hb_status_t s = hb_task_spawn(image, &start, &child);
  if (s != HB_OK) return s;
  return hb_task_wait(child, code, 10000 * kMs);
}

// Spawns children of our own image and collects their exit codes.
int mode_spawn() {
  const char* self = g_start.argv[1];  // our own path, passed by the test
  int32_t code = 0;
  expect("spawn exit 42", spawn_and_wait(self, {"exit", "42"}, &code), HB_OK);
  if (code != 42) fail(("exit code " + std::to_string(code)).c_str(), HB_ERR_INVALID_ARG);
  expect("spawn exit -7", spawn_and_wait(self, {"exit", "-7"}, &code), HB_OK);
  if (code != -7) fail(("exit code " + std::to_string(code)).c_str(), HB_ERR_INVALID_ARG);
  expect("spawn return 5", spawn_and_wait(self, {"return", "5"}, &code), HB_OK);
  if (code != 5) fail(("return code " + std::to_string(code)).c_str(), HB_ERR_INVALID_ARG);
  expect("spawn crash", spawn_and_wait(self, {"crash"}, &code), HB_OK);
  if (code != -SIGSEGV) fail(("crash code " + std::to_string(code)).c_str(), HB_ERR_INVALID_ARG);
  expect("spawn suicide", spawn_and_wait(self, {"suicide"}, &code), HB_OK);
  if (code != -SIGKILL) fail(("kill code " + std::to_string(code)).c_str(), HB_ERR_INVALID_ARG);
  expect("spawn missing image", spawn_and_wait("/nonexistent/harbor-task", {}, &code),
         HB_ERR_NOT_FOUND);
  hb_msg_out start{nullptr, 0, 0, nullptr};
  hb_task_id_t child = 0;
  expect("spawn bad image pointer",
         hb_task_spawn(reinterpret_cast<const char*>(8), &start, &child), HB_ERR_FAULT);
  if (hb_task_wait(hb_task_self(), &code, HB_NOWAIT) == HB_OK)
    fail("wait for a task that is not our child", HB_OK);
  // The start message carries capabilities: hand our send right to a child that uses it.
  if (g_start.handle_count > 0) {
    std::string bytes = std::string("send") + '\0' + "10" + '\0' + "16" + '\0';
    hb_handle_t moved = handle(0);
    hb_msg_out with_handle{bytes.data(), static_cast<uint32_t>(bytes.size()), 1, &moved};
    expect("spawn sender", hb_task_spawn(self, &with_handle, &child), HB_OK);
    expect("wait sender", hb_task_wait(child, &code, 10000 * kMs), HB_OK);
    if (code != 0) fail(("sender child code " + std::to_string(code)).c_str(), HB_ERR_INVALID_ARG);
  }
  return 0;
}

// Round trip of the cheapest syscall: prints nanoseconds per call, the best and the median
// of 10 batches (the best is what the channel costs; the machine may be busy with others).
int mode_bench() {
  uint32_t count = arg_u32(1, 100000);
  uint32_t batch = count / 10 ? count / 10 : 1;
  for (int i = 0; i < 1000; ++i) hb_task_self();  // warm up
  std::vector<uint64_t> per_call;
  for (int b = 0; b < 10; ++b) {
    uint64_t t0 = host_now_ns();
    for (uint32_t i = 0; i < batch; ++i) hb_task_self();
    per_call.push_back((host_now_ns() - t0) / batch);
  }
  std::sort(per_call.begin(), per_call.end());
  say("rtt_ns " + std::to_string(per_call.front()) + " median " + std::to_string(per_call[5]));
  return 0;
}

}  // namespace

int main() {
  hb_status_t s = hb_start_args(&g_start);
  if (s != HB_OK) fail("start args", s);
  std::string mode = g_start.argc > 0 ? g_start.argv[0] : "hello";
  if (mode == "exit") hb_task_exit(static_cast<int32_t>(std::strtol(g_start.argv[1], nullptr, 0)));
  if (mode == "return") return static_cast<int>(arg_u32(1));
  if (mode == "hello") {
    say("hello from task " + std::to_string(hb_task_self()));
    return 0;
  }
  if (mode == "crash") {
    // A sanitizer's SIGSEGV handler would turn the fault into an exit code, and sanitizers
    // intercept signal()/sigaction(): restore the default with the raw system call.
    struct {
      void* handler;
      unsigned long flags;
      void* restorer;
      unsigned long mask;
    } default_action{};  // SIG_DFL, in the kernel's layout
    syscall(SYS_rt_sigaction, SIGSEGV, &default_action, nullptr, sizeof(unsigned long));
    // Not nullptr: UBSan would report a null store instead of letting it fault.
    volatile int* volatile nowhere = reinterpret_cast<volatile int*>(16);
    *nowhere = 1;
    return 0;
  }
  if (mode == "suicide") {
    kill(getpid(), SIGKILL);
    pause();
  }
  int code = 2;  // unknown mode
  if (mode == "hold") code = mode_hold();
  if (mode == "send") code = mode_send();
  if (mode == "recv") code = mode_recv();
  if (mode == "rendezvous") code = mode_rendezvous();
  if (mode == "bounded") code = mode_bounded();
  if (mode == "timeout") code = mode_timeout();
  if (mode == "fill-then-block") code = mode_fill_then_block();
  if (mode == "badptr") code = mode_badptr();
  if (mode == "badbuf") code = mode_badbuf();
  if (mode == "bigcall-server") code = mode_bigcall_server();
  if (mode == "bigcall-client") code = mode_bigcall_client();
  if (mode == "scribble") code = mode_scribble();
  if (mode == "spawn") code = mode_spawn();
  if (mode == "bench") code = mode_bench();
  if (code == 2) say("FAIL unknown mode " + mode);
  hb_task_exit(code);
}
