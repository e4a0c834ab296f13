"""exercises/grader/run.py - one named test: harbor-emu runs the driver under a deterministic
seed, and the verdict comes from what the kernel saw (harbor-emu --report-json: the test task's
exit code or the signal that killed it, and on a timeout what every task waits on and for
whom). The driver's GRADE- lines only add the details of a failure or a leak."""
import json
import os
import re
import shlex
import signal
import subprocess

from .spec import parse_duration

CORES = 2  # fixed, so that a replay on another machine is the same run
GRADE_LINE = re.compile(r"^(.*?)GRADE-(FAIL|LEAK) (.*)")
KILLED_LINE = re.compile(r"harbor-emu: task \d+ \((.*)\) killed by (SIG\w+)")


class Outcome:
    def __init__(self, verdict, details=None, replay=None, seed=0, output=""):
        self.verdict = verdict      # spec.VERDICTS
        self.details = details or []  # lines that explain it
        self.replay = replay        # the exact command that repeats the run
        self.seed = seed
        self.output = output        # what the tasks printed (helpers' lines carry their name)


def replay_command(harbor, program, test, seed, timeout=None):
    # --stop-on-deadlock: a run whose tasks all wait for good ends at once (its verdict is
    # the same as at the time limit, without waiting for it).
    return [harbor.emu, "--cores", str(CORES), "--deterministic", "--seed", str(seed),
            "--timeout", timeout or test.timeout, "--stop-on-deadlock", "exec", program,
            test.name] + test.args


def _wait_line(w):
    if w["kind"] == "running":
        return "%s is running" % w["name"]
    what = {"send": "blocked sending", "receive": "blocked receiving",
            "reply": "blocked in hb_call waiting for a reply", "semaphore": "blocked in hb_sem_wait",
            "child": "blocked in hb_task_wait"}.get(w["kind"], "blocked")
    line = "%s is %s%s" % (w["name"], what, (" on " + w["object"]) if w["object"] else "")
    if w.get("anyone"):
        line += ", for a message from any task"
    elif w["waits_for_names"]:
        line += ", waiting for " + " or ".join(w["waits_for_names"])
    else:
        line += ", and no task holds what could wake it"
    if w["has_deadline"]:
        line += " (it has a timeout)"
    return line


def _grade_lines(stdout):
    """The GRADE- lines worth showing, as (kind, text). A failure in one task often makes
    another fail after it (its peer is gone): only the first task's lines are the cause, and
    the test task's own lines (no name prefix) are kept with them."""
    blocks = {}
    for line in stdout.splitlines():
        m = GRADE_LINE.search(line)
        if m:
            prefix = m.group(1).strip().rstrip(":")
            blocks.setdefault(prefix, []).append((m.group(2), m.group(3)))
    if not blocks:
        return []
    first = next(iter(blocks))
    shown = [(k, ("in task %s: " % first if first else "") + t) for k, t in blocks[first]]
    if first and "" in blocks:
        shown += blocks[""]
    return shown


def verdict_of(report, stdout, stderr, returncode, limit="?"):
    """(verdict, details) from a harbor-emu run; `limit` is the test's timeout, for the text."""
    grade = _grade_lines(stdout)
    killed = [m for m in map(KILLED_LINE.search, stderr.splitlines()) if m]
    if report is None:
        tail = (stderr or stdout).strip().splitlines()[-5:]
        return "crash", ["harbor-emu ended with status %d and wrote no report" % returncode] + tail
    if report["result"] in ("timed_out", "deadlocked"):
        lines = [_wait_line(w) for w in report["waits"]]
        dl = report.get("deadlock")
        if dl:
            if dl["cycle_names"]:
                cycle = dl["cycle_names"] + dl["cycle_names"][:1]
                head = "wait-for cycle: " + " -> ".join(cycle)
            else:
                head = ("%s wait%s for good: nothing can wake %s"
                        % (", ".join(dl.get("stuck_names", [])) or "tasks",
                           "s" if len(dl.get("stuck_names", [])) == 1 else "",
                           "it" if len(dl.get("stuck_names", [])) == 1 else "them"))
            return "deadlock", [head] + lines
        return "timeout", ["still running when the test's time limit (%s of real time) passed; "
                           "no tasks wait for each other for good, so some task still runs "
                           "(a loop?) or waits with a timeout" % limit] + lines
    first = report["tasks"][0] if report["tasks"] else {}
    if first.get("signal"):
        name = signal.Signals(first["signal"]).name if first["signal"] in signal.valid_signals() else str(first["signal"])
        return "crash", ["the test task was killed by %s" % name] + [m.group(0) for m in killed]
    code = first.get("code", report["exit_code"])
    if code == 0:
        return "pass", []
    if code == 3:
        return "leak", [text for kind, text in grade if kind == "LEAK"] or ["the test exited 3 (leak)"]
    fails = [text for kind, text in grade if kind == "FAIL"]
    fails = fails or ["expected: the test exits 0", "actual: it exited %d" % code]
    # A helper task killed by a signal is the test's business (some tests kill on purpose);
    # when the test failed, it is part of the story.
    return "fail", fails + [m.group(0) for m in killed]


def _sanitizer_env():
    """With a sanitizer build of Harbor (and so of the test program), a sanitizer's report
    ends the task with abort(), a signal: the verdict is a crash, as without sanitizers,
    rather than an exit code that looks like a failed check."""
    env = dict(os.environ)
    for name, extra in (("ASAN_OPTIONS", "handle_segv=0:abort_on_error=1"),
                        ("UBSAN_OPTIONS", "abort_on_error=1")):
        env[name] = (env[name] + ":" if env.get(name) else "") + extra
    return env


def _run_once(harbor, program, test, seed, timeout, work_dir):
    """One harbor-emu run: (verdict, details, replay command, the tasks' output)."""
    report_path = os.path.join(work_dir, "%s.seed%d.json" % (test.name, seed))
    if os.path.exists(report_path):
        os.remove(report_path)
    replay = replay_command(harbor, program, test, seed, timeout)
    cmd = replay[:1] + ["--report-json", report_path] + replay[1:]
    limit = parse_duration(timeout) + 60  # harbor-emu's --timeout stops it first
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=limit,
                           env=_sanitizer_env())
        stdout, stderr, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr = "harbor-emu did not stop 60 s after its own timeout"
        rc = -9
    report = None
    try:
        with open(report_path) as f:
            report = json.load(f)
    except (OSError, ValueError):
        pass
    verdict, details = verdict_of(report, stdout, stderr, rc, timeout)
    # The tasks' own lines, before harbor-emu's explanation of a failed run.
    output = stdout.split("harbor-emu: FAILED")[0]
    return verdict, details, " ".join(shlex.quote(c) for c in replay), output


# A run that times out with tasks still running may only be a slow (or busy) machine: it gets
# one more try with this many times the time before the verdict is "timeout". A deadlock needs
# no second try: tasks stuck for good stay stuck.
SLOW_MACHINE_FACTOR = 6


def run_test(harbor, program, test, work_dir):
    """Runs `test` once per seed; the first seed that does not pass gives the verdict."""
    outcome = None
    for seed in test.seeds:
        verdict, details, replay, output = _run_once(harbor, program, test, seed, test.timeout,
                                                     work_dir)
        if verdict == "timeout":
            longer = "%gs" % min(60.0, parse_duration(test.timeout) * SLOW_MACHINE_FACTOR)
            verdict, details, replay, output = _run_once(harbor, program, test, seed, longer,
                                                         work_dir)
            if verdict != "timeout":
                details = ["(this run needed more than %s of real time; it was given %s)"
                           % (test.timeout, longer)] + details
        outcome = Outcome(verdict, details, replay, seed, output)
        if verdict != "pass":
            if test.hint:
                outcome.details.append("hint: " + test.hint)
            return outcome
    return outcome
