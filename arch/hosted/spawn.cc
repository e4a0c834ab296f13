// arch/hosted/spawn.cc - making task processes.
//
// Every task process is forked by one long-lived thread, the spawner. Why not fork from the
// thread that serves hb_task_spawn? PR_SET_PDEATHSIG fires when the *thread* that forked
// the child ends, not the process: a child forked by a serving thread would be killed as
// soon as its parent task's serving thread finished. The spawner lives as long as the
// machine, so children die exactly when the emulator does (no orphans, SPEC 4).
//
// A task from Machine::start_function is forked the same way but never execs: the child is a
// copy of this (multi-threaded) process with one thread, the spawner's. While it forks, the
// thread that asked holds the kernel lock (start_task), so the machine's state it copies is
// consistent; it drops what belongs to the machine and runs the function
// (run_function_child).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio_ext.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <hosted/region_cache.h>

#include "machine_core.h"

extern char** environ;

namespace hosted::detail {

// Runs in the forked child: only async-signal-safe calls until execve. If execve fails, the
// child writes errno into `report` (close-on-exec: a successful exec closes it unwritten).
// Placement: pins the calling (child) process to host CPU `cpu` (async-signal-safe).
static void pin_to(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

[[noreturn]] static void exec_child(pid_t parent, const char* image, int memfd, int cpu,
                                    int report, char* const* argv, char* const* envp) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the emulator died before the prctl
  pin_to(cpu);
  if (memfd == kChannelFd) {
    fcntl(kChannelFd, F_SETFD, 0);  // keep it across exec
  } else if (dup2(memfd, kChannelFd) < 0) {
    _exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(image, argv, envp);
  int error = errno;
  (void)!write(report, &error, sizeof error);
  _exit(127);
}

// Runs in the child of a start_function task. Not exec'd, so nothing of the machine goes away
// by itself: the other tasks' channel pages and descriptors, the monitor's epoll and event.
// Output this process had buffered but not written belongs to the parent: purge it here,
// or it would come out twice.
void MachineCore::run_function_child(pid_t parent, int memfd, int cpu,
                                     const Machine::TaskBody& body) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the emulator died before the prctl
  pin_to(cpu);
  __fpurge(stdout);
  __fpurge(stderr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (auto& [id, ctx] : m_live) {  // stable: the caller of start_task holds the lock
    munmap(ctx->channel, kChannelSize);
    close(ctx->memfd);
    if (ctx->pidfd >= 0) close(ctx->pidfd);
  }
  close(m_epoll);
  close(m_monitor_event);
  // The region cache's ready memfds are the memory of regions not made yet: not this task's.
  hosted::region_cache().close_inherited();
  int code = body(memfd);
  std::fflush(nullptr);
  _exit(code & 0xff);
}

void MachineCore::spawner_loop() {
  // The environment of every child: ours, plus where the channel is.
  std::vector<char*> envp;
  for (std::string& s : m_environment) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::unique_lock<std::mutex> guard(m_spawn_mutex);
  for (;;) {
    m_spawn_cv.wait(guard, [&] { return m_spawn_stop || m_spawn_request != nullptr; });
    if (m_spawn_stop) return;
    SpawnRequest* request = m_spawn_request;
    if (request->body) {  // start_function: no exec, so nothing to wait for
      pid_t parent = getpid();
      pid_t pid = fork();
      if (pid == 0) run_function_child(parent, request->memfd, request->cpu, *request->body);
      request->pid = pid;
      request->error = pid < 0 ? errno : 0;
      request->done = true;
      m_spawn_request = nullptr;
      m_spawn_cv.notify_all();
      continue;
    }
    // argv: the image, then the start message's arguments (SPEC 4). Built before the fork:
    // the child may only make async-signal-safe calls.
    std::string image = request->image;
    std::vector<std::string> args = *request->args;
    std::vector<char*> argv{image.data()};
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t parent = getpid();
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
      request->pid = -1;
      request->error = errno;
    } else {
      pid_t pid = fork();
      if (pid == 0)
        exec_child(parent, image.c_str(), request->memfd, request->cpu, report[1], argv.data(),
                   envp.data());
      int error = pid < 0 ? errno : 0;
      close(report[1]);
      // Wait for the exec: end of file means it worked; an int is the errno of a failure.
      if (pid > 0) {
        ssize_t n;
        do {
          n = read(report[0], &error, sizeof error);
        } while (n < 0 && errno == EINTR);
        if (n == static_cast<ssize_t>(sizeof error)) {
          waitpid(pid, nullptr, 0);
          pid = -1;
        } else {
          error = 0;
        }
      }
      close(report[0]);
      request->pid = pid;
      request->error = error;
    }
    request->done = true;
    m_spawn_request = nullptr;
    m_spawn_cv.notify_all();
  }
}

// Asks the spawner for a process running `image` with the channel `memfd` at kChannelFd
// (or, with `body`, running the function with the channel at `memfd`). Returns once the
// exec (the fork) has happened: -1 and *error = the errno when it failed.
pid_t MachineCore::spawn_process(const char* image, const std::vector<std::string>& args,
                                 int memfd, int cpu, int* error, const Machine::TaskBody* body) {
  SpawnRequest request;
  request.image = image;
  request.args = &args;
  request.memfd = memfd;
  request.cpu = cpu;
  request.body = body;
  std::unique_lock<std::mutex> guard(m_spawn_mutex);
  m_spawn_cv.wait(guard, [&] { return m_spawn_request == nullptr || m_spawn_stop; });
  if (m_spawn_stop) {
    *error = ESHUTDOWN;
    return -1;
  }
  m_spawn_request = &request;
  m_spawn_cv.notify_all();
  m_spawn_cv.wait(guard, [&] { return request.done || m_spawn_stop; });
  if (!request.done) {
    if (m_spawn_request == &request) m_spawn_request = nullptr;
    *error = ESHUTDOWN;
    return -1;
  }
  *error = request.error;
  return request.pid;
}

}  // namespace hosted::detail
