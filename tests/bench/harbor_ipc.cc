// tests/bench/harbor_ipc.cc - Harbor hosted measurements (harbor_ipc.h).
//
// One batch, step by step:
//   (1) boot a hosted::Machine (its threads inherit the caller's CPU affinity);
//   (2) make one port and start the receiving task with its receive capability, then the
//       sending/measuring task with its send capability (programs/bench_task.cc);
//   (3) wait for the measuring task, bounded by a deadline that grows with n; on timeout
//       kill every task and report the failure with the tasks' console output;
//   (4) read "BENCH ns=<n>" from its console output. Destroying the machine kills whatever
//       is left and reaps it, outside the measured time.
#include "harbor_ipc.h"

#include <hosted/machine.h>

#include <mutex>
#include <string>
#include <vector>

namespace bench {

namespace {

struct Role {
  std::vector<std::string> args;
  bool gets_receive_right;  // else the send right
};

hosted::MachineOptions machine_options(const HarborOptions& options) {
  hosted::MachineOptions machine;
  machine.spin_ns = options.spin_ns;
  machine.spin = options.spin;
  machine.kernel.per_core_caches = options.per_core_caches;
  return machine;
}

class Run {
 public:
  explicit Run(const HarborOptions& options) : m_machine(machine_options(options)) {
    m_machine.set_console([this](hb_task_id_t, const std::string& name, const std::string& text) {
      std::lock_guard<std::mutex> guard(m_mutex);
      m_console += "[" + name + "] " + text;
    });
  }

  // (2)..(4) `roles` start in order; the last one measures.
  Batch go(uint32_t port_mode, uint32_t capacity, const std::vector<Role>& roles,
           uint64_t deadline_ns) {
    hosted::Machine::PortCaps caps = m_machine.make_port(port_mode, capacity, 0);
    if (caps.status != HB_OK) return Batch::failed(std::string("make_port: ") + hb_strerror(caps.status));
    std::vector<hb_task_id_t> tasks;
    hb_status_t started_all = HB_OK;
    for (const Role& role : roles) {
      // start() consumes the capability whether it succeeds or not: hand it over once.
      kernel::Capability& slot = role.gets_receive_right ? caps.recv : caps.send;
      kernel::Capability cap = slot;
      slot = kernel::Capability{};
      hosted::Machine::Started started = m_machine.start(HARBOR_BENCH_TASK, role.args, UINT32_MAX, {cap});
      if (started.status != HB_OK) {
        started_all = started.status;
        break;
      }
      tasks.push_back(started.task);
    }
    m_machine.close(caps.recv);  // whatever no task took (no-ops for empty capabilities)
    m_machine.close(caps.send);
    if (started_all != HB_OK)
      return Batch::failed(std::string("start bench_task: ") + hb_strerror(started_all));
    hosted::Machine::Exit exit = m_machine.wait(tasks.back(), deadline_ns);
    if (exit.status != HB_OK) {
      for (hb_task_id_t task : tasks) m_machine.kill(task);
      return Batch::failed("measuring task did not finish in " + std::to_string(deadline_ns / kSecondNs) +
                           " s (" + hb_strerror(exit.status) + "); console: " + console());
    }
    if (exit.code != 0)
      return Batch::failed("measuring task exited " + std::to_string(exit.code) + "; console: " + console());
    std::string text = console();
    size_t at = text.find("BENCH ns=");
    if (at == std::string::npos) return Batch::failed("no BENCH line; console: " + text);
    Batch batch;
    batch.ns = std::stoull(text.substr(at + 9));
    if (batch.ns == 0) return Batch::failed("zero elapsed time; console: " + text);
    return batch;
  }

 private:
  std::string console() {
    std::lock_guard<std::mutex> guard(m_mutex);
    return m_console;
  }

  hosted::Machine m_machine;  // (1)
  std::mutex m_mutex;
  std::string m_console;
};

std::string text(uint64_t value) { return std::to_string(value); }

// (3) Generous: a batch normally takes well under a millisecond per operation.
uint64_t deadline_for(uint64_t operations, uint64_t ns_each) {
  return 30 * kSecondNs + operations * ns_each;
}

}  // namespace

Batch harbor_round_trips(uint32_t size, uint64_t n, const HarborOptions& options) {
  uint64_t warmup = n < 200 ? n : 200;
  std::string timeout = text(options.call_timeout_ns);
  Run run(options);
  return run.go(HB_PORT_RENDEZVOUS, 0,
                {{{"rtt-server", text(size), timeout}, true},
                 {{"rtt-client", text(n), text(size), text(warmup), timeout}, false}},
                deadline_for(n + warmup, 1000000));
}

Batch harbor_stream(uint32_t size, uint64_t n, uint32_t capacity, const HarborOptions& options) {
  uint64_t warmup = n < 1000 ? n : 1000;
  std::string timeout = text(options.call_timeout_ns);
  Run run(options);
  return run.go(HB_PORT_BOUNDED, capacity,
                {{{"recv", text(n + warmup), text(size), timeout, text(size)}, true},
                 {{"send", text(n), text(size), text(warmup), timeout, text(size)}, false}},
                deadline_for(n + warmup, 1000000));
}

Batch harbor_bulk(uint64_t total, uint64_t n, const HarborOptions& options, uint32_t capacity) {
  const uint64_t per_transfer = (total + kBulkChunk - 1) / kBulkChunk;
  const uint64_t messages = n * per_transfer;
  std::string timeout = text(options.call_timeout_ns);
  Run run(options);
  // 16 chunks in flight = 1 MiB queued: inside the sender's default 4 MiB byte quota.
  return run.go(capacity == 0 ? HB_PORT_RENDEZVOUS : HB_PORT_BOUNDED, capacity,
                {{{"recv", text(messages + per_transfer), text(kBulkChunk), timeout, text(total)}, true},
                 {{"send", text(messages), text(kBulkChunk), text(per_transfer), timeout, text(total)},
                  false}},
                deadline_for(messages + per_transfer, 10000000));
}

Batch harbor_null_syscalls(uint64_t n, const HarborOptions& options) {
  Run run(options);
  // The port is unused; the task only needs its start message.
  return run.go(HB_PORT_BOUNDED, 1, {{{"null", text(n)}, false}}, deadline_for(n, 1000000));
}

}  // namespace bench
