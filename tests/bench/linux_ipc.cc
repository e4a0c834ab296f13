// tests/bench/linux_ipc.cc - the Linux peers (linux_ipc.h).
//
// Shape of every peer batch:
//   (1) wire the two ends (pipes, a socketpair, two message queues or two shared mailboxes);
//   (2) fork the child, which closes the parent's ends and echoes (round trips) or reads and
//       acknowledges (streams) until its input ends;
//   (3) the parent warms up, then times n operations;
//   (4) the parent kills and reaps the child and closes its ends: outside the measured time.
#include "linux_ipc.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace bench {

namespace {

// errno 0 after a failed read means end of file: the other process is gone.
std::string os_error(const char* what) {
  return std::string(what) + ": " + (errno ? std::strerror(errno) : "the other process is gone");
}

// One process's view of a two-way link.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual bool send(const char* data, size_t size) = 0;
  virtual bool recv(char* data, size_t size) = 0;
};

// Pipes and sockets. `packets`: one write and one read per message (SOCK_SEQPACKET).
class FdEndpoint : public Endpoint {
 public:
  FdEndpoint(int read_fd, int write_fd, bool packets)
      : m_read(read_fd), m_write(write_fd), m_packets(packets) {}
  bool send(const char* data, size_t size) override {
    while (size > 0) {
      ssize_t n = write(m_write, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || (m_packets && static_cast<size_t>(n) != size)) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }
  bool recv(char* data, size_t size) override {
    while (size > 0) {
      ssize_t n = read(m_read, data, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || (m_packets && static_cast<size_t>(n) != size)) return false;  // 0: EOF
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

 private:
  int m_read, m_write;
  bool m_packets;
};

// POSIX message queues; every wait ends by an absolute deadline fixed when the batch starts.
class MqEndpoint : public Endpoint {
 public:
  MqEndpoint(mqd_t in, mqd_t out, uint64_t budget_ns) : m_in(in), m_out(out) {
    clock_gettime(CLOCK_REALTIME, &m_deadline);
    m_deadline.tv_sec += static_cast<time_t>(budget_ns / kSecondNs);
  }
  bool send(const char* data, size_t size) override {
    return mq_timedsend(m_out, data, size, 0, &m_deadline) == 0;
  }
  bool recv(char* data, size_t size) override {
    return mq_timedreceive(m_in, data, size, nullptr, &m_deadline) == static_cast<ssize_t>(size);
  }

 private:
  mqd_t m_in, m_out;
  timespec m_deadline{};
};

// A shared-memory mailbox per direction. The futex word is the message counter itself, so a
// wake-up cannot be lost: the waiter sleeps only while the counter still holds the value it
// last saw (FUTEX_WAIT compares in the kernel), and every send bumps it, then wakes.
struct Mailbox {
  alignas(64) uint32_t seq;
  alignas(64) char data[kMaxMessage];
};

long futex(uint32_t* word, int op, uint32_t value, const timespec* timeout) {
  return syscall(SYS_futex, word, op, value, timeout, nullptr, 0);
}

class FutexEndpoint : public Endpoint {
 public:
  FutexEndpoint(Mailbox* in, Mailbox* out) : m_in(in), m_out(out) {}
  bool send(const char* data, size_t size) override {
    std::memcpy(m_out->data, data, size);
    std::atomic_ref<uint32_t>(m_out->seq).fetch_add(1, std::memory_order_release);
    futex(&m_out->seq, FUTEX_WAKE, 1, nullptr);
    return true;
  }
  bool recv(char* data, size_t size) override {
    std::atomic_ref<uint32_t> seq(m_in->seq);
    uint32_t seen;
    while ((seen = seq.load(std::memory_order_acquire)) == m_last) {
      const timespec limit{10, 0};
      if (futex(&m_in->seq, FUTEX_WAIT, m_last, &limit) != 0 && errno == ETIMEDOUT) return false;
    }
    m_last = seen;
    std::memcpy(data, m_in->data, size);
    return true;
  }

 private:
  Mailbox* m_in;
  Mailbox* m_out;
  uint32_t m_last{0};
};

// (1) Both ends of a link and what each process must close.
struct Wiring {
  std::unique_ptr<Endpoint> parent, child;
  std::vector<int> parent_fds, child_fds;  // closed by the other process after the fork
  std::vector<mqd_t> queues;
  void* shared{nullptr};
  size_t shared_size{0};

  void close_child_side() {
    for (int fd : child_fds) close(fd);
    child_fds.clear();
  }
  ~Wiring() {
    close_child_side();
    for (int fd : parent_fds) close(fd);
    for (mqd_t q : queues) mq_close(q);
    if (shared) munmap(shared, shared_size);
  }
};

std::string wire_pipes(Wiring& w) {
  int down[2], up[2];  // parent -> child, child -> parent
  if (pipe2(down, O_CLOEXEC) != 0) return os_error("pipe");
  if (pipe2(up, O_CLOEXEC) != 0) {
    close(down[0]);
    close(down[1]);
    return os_error("pipe");
  }
  w.parent = std::make_unique<FdEndpoint>(up[0], down[1], false);
  w.child = std::make_unique<FdEndpoint>(down[0], up[1], false);
  w.parent_fds = {up[0], down[1]};
  w.child_fds = {down[0], up[1]};
  return {};
}

std::string wire_socketpair(Wiring& w, int type) {
  int fds[2];
  if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0) return os_error("socketpair");
  bool packets = type == SOCK_SEQPACKET;
  w.parent = std::make_unique<FdEndpoint>(fds[0], fds[0], packets);
  w.child = std::make_unique<FdEndpoint>(fds[1], fds[1], packets);
  w.parent_fds = {fds[0]};
  w.child_fds = {fds[1]};
  return {};
}

std::string wire_queues(Wiring& w, uint32_t size, uint64_t budget_ns) {
  static int counter = 0;
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = size;
  mqd_t q[2];
  for (int i = 0; i < 2; ++i) {
    std::string name = "/harbor-bench-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
    q[i] = mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
    if (q[i] == static_cast<mqd_t>(-1)) {
      std::string why = os_error("mq_open");
      long limit = 0;
      std::ifstream("/proc/sys/fs/mqueue/msgsize_max") >> limit;
      // Not a failure of the benchmark: this host does not allow such messages.
      std::string prefix = size > static_cast<uint64_t>(limit) ? "unsupported: " : "";
      return prefix + why + " (fs.mqueue.msgsize_max is " + std::to_string(limit) +
             "; bigger messages need CAP_SYS_RESOURCE)";
    }
    mq_unlink(name.c_str());  // the descriptors keep the queue; nothing is left behind
    w.queues.push_back(q[i]);
  }
  w.parent = std::make_unique<MqEndpoint>(q[1], q[0], budget_ns);
  w.child = std::make_unique<MqEndpoint>(q[0], q[1], 3600 * kSecondNs);
  return {};
}

std::string wire_mailboxes(Wiring& w) {
  w.shared_size = 2 * sizeof(Mailbox);
  w.shared = mmap(nullptr, w.shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (w.shared == MAP_FAILED) {
    w.shared = nullptr;
    return os_error("mmap");
  }
  auto* boxes = static_cast<Mailbox*>(w.shared);  // [0] parent -> child, [1] child -> parent
  w.parent = std::make_unique<FutexEndpoint>(&boxes[1], &boxes[0]);
  w.child = std::make_unique<FutexEndpoint>(&boxes[0], &boxes[1]);
  return {};
}

std::string wire(Peer peer, uint32_t size, uint64_t budget_ns, Wiring& w) {
  switch (peer) {
    case Peer::kPipe: return wire_pipes(w);
    case Peer::kUnixStream: return wire_socketpair(w, SOCK_STREAM);
    case Peer::kUnixSeqpacket: return wire_socketpair(w, SOCK_SEQPACKET);
    case Peer::kMessageQueue: return wire_queues(w, size, budget_ns);
    case Peer::kFutexShm: return wire_mailboxes(w);
  }
  return "unknown peer";
}

uint64_t budget_for(uint64_t operations, uint64_t ns_each) { return 30 * kSecondNs + operations * ns_each; }

// (2) The child runs `body` and exits; it dies with this process.
template <typename Body>
pid_t fork_child(Wiring& w, Body body) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);
  pin_child();
  for (int fd : w.parent_fds) close(fd);
  body();
  _exit(0);
}

// (4)
void end_child(pid_t pid) {
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Streams and bulk: `warmup` then `n` messages of `size` bytes from the parent's `span`-byte
// buffer into the child's; the child acknowledges the end of each phase with one byte.
Batch one_way(Wiring& w, uint32_t size, uint64_t span, uint64_t warmup, uint64_t n) {
  if (span < size) span = size;
  std::vector<char> source(span, 's'), sink(span, 0);
  auto next = [&](uint64_t offset) { return offset + size + size > span ? 0 : offset + size; };
  pid_t pid = fork_child(w, [&] {
    uint64_t offset = 0;
    for (uint64_t phase : {warmup, n}) {
      for (uint64_t i = 0; i < phase; ++i, offset = next(offset))
        if (!w.child->recv(sink.data() + offset, size)) return;
      char ack = 'a';
      if (!w.child->send(&ack, 1)) return;
    }
  });
  if (pid < 0) return Batch::failed(os_error("fork"));
  w.close_child_side();
  errno = 0;
  uint64_t offset = 0;
  auto phase = [&](uint64_t count) {
    for (uint64_t i = 0; i < count; ++i, offset = next(offset))
      if (!w.parent->send(source.data() + offset, size)) return false;
    char ack;
    return w.parent->recv(&ack, 1);
  };
  Batch batch;
  if (!phase(warmup)) batch = Batch::failed(os_error("warm-up"));
  uint64_t t0 = now_ns();
  if (batch.ok() && !phase(n)) batch = Batch::failed(os_error("stream"));
  batch.ns = now_ns() - t0;
  end_child(pid);
  return batch;
}

}  // namespace

const char* peer_name(Peer peer) {
  switch (peer) {
    case Peer::kPipe: return "pipe";
    case Peer::kUnixStream: return "unix-stream";
    case Peer::kUnixSeqpacket: return "unix-seqpacket";
    case Peer::kMessageQueue: return "posix-mq";
    case Peer::kFutexShm: return "futex-shm";
  }
  return "?";
}

Batch peer_round_trips(Peer peer, uint32_t size, uint64_t n) {
  if (size == 0 || size > kMaxMessage) return Batch::failed("size out of range");
  uint64_t warmup = n < 200 ? n : 200;
  Wiring w;
  std::string error = wire(peer, size, budget_for(n + warmup, 1000000), w);
  if (!error.empty()) return Batch::failed(error);
  std::vector<char> echo(size), request(size, 'q'), answer(size);
  pid_t pid = fork_child(w, [&] {
    while (w.child->recv(echo.data(), size) && w.child->send(echo.data(), size)) {
    }
  });
  if (pid < 0) return Batch::failed(os_error("fork"));
  w.close_child_side();
  errno = 0;
  auto one = [&] {
    return w.parent->send(request.data(), size) && w.parent->recv(answer.data(), size);
  };
  Batch batch;
  for (uint64_t i = 0; i < warmup && batch.ok(); ++i)
    if (!one()) batch = Batch::failed(os_error("warm-up round trip"));
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n && batch.ok(); ++i)
    if (!one()) batch = Batch::failed(os_error("round trip"));
  batch.ns = now_ns() - t0;
  end_child(pid);
  return batch;
}

Batch peer_stream(Peer peer, uint32_t size, uint64_t n) {
  if (peer != Peer::kPipe && peer != Peer::kUnixStream) return Batch::failed("no stream peer");
  Wiring w;
  std::string error = wire(peer, size, 0, w);
  if (!error.empty()) return Batch::failed(error);
  return one_way(w, size, size, n < 1000 ? n : 1000, n);
}

Batch pipe_bulk(uint64_t total, uint64_t n) {
  Wiring w;
  std::string error = wire(Peer::kPipe, kBulkChunk, 0, w);
  if (!error.empty()) return Batch::failed(error);
  const uint64_t per_transfer = (total + kBulkChunk - 1) / kBulkChunk;
  return one_way(w, kBulkChunk, total, per_transfer, n * per_transfer);
}

Batch memcpy_bulk(uint64_t total, uint64_t n) {
  std::vector<char> source(total, 's'), sink(total, 0);
  std::memcpy(sink.data(), source.data(), total);  // warm up: pages faulted in, caches primed
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n; ++i) {
    std::memcpy(sink.data(), source.data(), total);
    asm volatile("" : : "r"(sink.data()), "r"(source.data()) : "memory");  // keep every copy
  }
  Batch batch;
  batch.ns = now_ns() - t0;
  return batch;
}

Batch process_vm_copies(uint32_t size, uint64_t n) {
  static char target[kMaxMessage];  // the same address in the forked child
  std::vector<char> source(size, 'c');
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    for (;;) pause();
  }
  if (pid < 0) return Batch::failed(os_error("fork"));
  iovec local{source.data(), size};
  iovec remote{target, size};
  Batch batch;
  for (uint64_t i = 0; i < 100 && batch.ok(); ++i)
    if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(size))
      batch = Batch::failed(os_error("process_vm_writev"));
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n && batch.ok(); ++i)
    if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(size))
      batch = Batch::failed(os_error("process_vm_writev"));
  batch.ns = now_ns() - t0;
  end_child(pid);
  return batch;
}

}  // namespace bench
