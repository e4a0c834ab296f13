#!/usr/bin/env python3
"""tests/grade/check_exercise.py - ctest -L grade: an exercise's grader, checked both ways.

  check_exercise.py EXERCISE_DIR SOLUTION_DIR WORK_DIR [grade options...]

1. On the reference solution, every test passes and the total is full points.
2. On the untouched skeleton, every test has exactly the verdict grade.json's "skeleton"
   names (fail, deadlock, not run, ...): the skeleton must fail the way the statement says,
   not merely fail.
3. Every test that did not pass prints a replay command with --deterministic --seed.
"""
import json
import os
import subprocess
import sys

GRADE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "exercises", "grade")


def run(exercise, submission, work, extra):
    cmd = [sys.executable, GRADE, exercise, "--submission", submission, "--json",
           "--build-dir", work] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("grade failed to run (status %d):\n%s\n%s" % (p.returncode, p.stdout, p.stderr))
    return json.loads(p.stdout)


def main():
    exercise, solution, work = sys.argv[1:4]
    extra = sys.argv[4:]
    with open(os.path.join(exercise, "grade.json")) as f:
        spec = json.load(f)
    problems = []

    r = run(exercise, solution, os.path.join(work, "solution"), extra)
    if r["skipped"]:
        print(r["skipped"])
        return 77
    for t in r["tests"]:
        if t["verdict"] != "pass":
            problems.append("solution: %s is %s, expected pass: %s (replay: %s)"
                            % (t["name"], t["verdict"], " | ".join(t["details"]), t["replay"]))
    if r["points"] != r["max_points"]:
        problems.append("solution: %d/%d points" % (r["points"], r["max_points"]))

    s = run(exercise, os.path.join(exercise, "skeleton"), os.path.join(work, "skeleton"), extra)
    if not s["build"]["ok"]:
        problems.append("skeleton does not build:\n" + s["build"]["log"])
    expected = spec.get("skeleton", {})
    for t in s["tests"]:
        want = expected.get(t["name"])
        if want is None:
            problems.append("grade.json has no skeleton verdict for %s (it is %s)"
                            % (t["name"], t["verdict"]))
        elif t["verdict"] != want:
            problems.append("skeleton: %s is %s, expected %s: %s"
                            % (t["name"], t["verdict"], want, " | ".join(t["details"])))
        if t["verdict"] not in ("pass", "not run", "build failed"):
            if not t["replay"] or "--deterministic --seed" not in t["replay"]:
                problems.append("skeleton: %s has no replay command" % t["name"])
    if s["points"] != 0:
        problems.append("skeleton scores %d points" % s["points"])

    for p in problems:
        print("FAILED " + p)
    if not problems:
        print("%s: solution %d/%d, skeleton verdicts %s" % (
            os.path.basename(exercise), r["points"], r["max_points"],
            ", ".join("%s=%s" % (t["name"], t["verdict"]) for t in s["tests"])))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
