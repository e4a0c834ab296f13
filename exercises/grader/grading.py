"""exercises/grader/grading.py - one submission of one exercise: tools, build, the named tests
in order (a test whose dependency did not pass is "not run: needs X"), points and a total."""
import hashlib
import os
import tempfile

from . import build as build_mod
from . import run as run_mod
from .tools import check_tools


def default_build_dir(exercise, submission):
    key = hashlib.sha1(os.path.abspath(submission).encode()).hexdigest()[:10]
    base = os.path.join(tempfile.gettempdir(), "harbor-grade-%d" % os.getuid())
    return os.path.join(base, "%s-%s" % (exercise.name, key))


def grade(exercise, submission, harbor_dir=None, build_dir=None, qemu=False, only=None,
          cflags=(), ldflags=()):
    """Returns a result dict (what --json prints)."""
    result = {"exercise": exercise.name, "title": exercise.title,
              "submission": os.path.abspath(submission), "max_points": exercise.max_points,
              "points": 0, "skipped": None, "build": None, "tests": []}
    harbor, compilers, skipped = check_tools(harbor_dir, qemu)
    if skipped:
        result["skipped"] = skipped
        return result
    result["harbor"] = harbor.origin
    out_dir = build_dir or default_build_dir(exercise, submission)
    built = build_mod.build(exercise, submission, harbor, compilers, out_dir, cflags, ldflags)
    result["build"] = {"ok": built.ok, "log": built.log, "program": built.program}
    verdicts = {}
    for test in exercise.tests:
        entry = {"name": test.name, "max_points": test.points, "points": 0, "details": [],
                 "replay": None, "seed": None, "output": ""}
        failed_needs = [n for n in test.needs if verdicts.get(n) != "pass"]
        if only and test.name not in only:
            entry["verdict"] = "not run"
            entry["details"] = ["not selected"]
        elif not built.ok:
            entry["verdict"] = "build failed"
            entry["details"] = ["the submission did not build (see the compiler's output above)"]
        elif failed_needs:
            entry["verdict"] = "not run"
            entry["details"] = ["needs " + ", ".join(failed_needs)]
        else:
            outcome = run_mod.run_test(harbor, built.program, test, out_dir)
            entry["verdict"] = outcome.verdict
            entry["details"] = outcome.details
            entry["seed"] = outcome.seed
            if outcome.verdict != "pass":
                entry["replay"] = outcome.replay
                entry["output"] = outcome.output
            else:
                entry["points"] = test.points
        verdicts[test.name] = entry["verdict"]
        result["tests"].append(entry)
    result["points"] = sum(t["points"] for t in result["tests"])
    return result


MARK = {"pass": "PASS", "fail": "FAIL", "timeout": "TIMEOUT", "crash": "CRASH", "leak": "LEAK",
        "deadlock": "DEADLOCK", "not run": "NOT RUN", "build failed": "NO BUILD"}


def print_result(result, out, verbose=False):
    """verbose: also what the tasks printed in each run that did not pass."""
    w = out.write
    w("== %s: %s ==\n" % (result["exercise"], result["title"]))
    w("submission: %s\n" % result["submission"])
    if result["skipped"]:
        w("%s\n" % result["skipped"])
        return
    w("harbor: %s\n" % result["harbor"])
    b = result["build"]
    if not b["ok"]:
        w("build: FAILED\n")
    else:
        w("build: ok\n")
    if b["log"]:
        w("".join("  | " + line + "\n" for line in b["log"].rstrip().splitlines()))
    width = max([len(t["name"]) for t in result["tests"]] + [4])
    for t in result["tests"]:
        w("[%-8s] %-*s %d/%d\n" % (MARK[t["verdict"]], width, t["name"], t["points"],
                                   t["max_points"]))
        for line in t["details"]:
            w("           %s\n" % line)
        if t["replay"]:
            w("           replay: %s\n" % t["replay"])
        if verbose and t["output"].strip():
            w("           output (a helper task's lines start with its name):\n")
            w("".join("           | %s\n" % line for line in t["output"].rstrip().splitlines()))
    w("total: %d/%d\n" % (result["points"], result["max_points"]))
