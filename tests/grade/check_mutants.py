#!/usr/bin/env python3
"""tests/grade/check_mutants.py - ctest -L grade: the grader catches the classic mistakes.

  check_mutants.py WORK_DIR [grade options...]

Each mutant is a reference solution with one textbook mistake put back in; the grader must
give the named test exactly the expected verdict (and the other tests must still pass, so the
verdict points at the mistake):

  12-monitor          `if` instead of `while` around hb_cond_wait -> two_of_each: fail
                      (Mesa semantics; caught by one of its seeds)
  06-handle-transfer  the original send right never closed       -> boss_closes_handles: leak
  07-timeouts         try_send waits (HB_FOREVER)                 -> try_send_full: deadlock
"""
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRADE = os.path.join(REPO, "exercises", "grade")

MUTANTS = [
    ("12-monitor", "shelf.c",
     [("while (s->count == 0)", "if (s->count == 0)"),
      ("while (s->count == SHELF_SIZE)", "if (s->count == SHELF_SIZE)")],
     "two_of_each", "fail", "Mesa"),
    ("06-handle-transfer", "transfer.c",
     [("  hb_handle_close(send);\n", "")],
     "boss_closes_handles", "leak", "from hb_port_create (send right) is still open"),
    ("07-timeouts", "timeouts.c",
     [("return hb_send(port, &out, 0, HB_NOWAIT);", "return hb_send(port, &out, 0, HB_FOREVER);")],
     "try_send_full", "deadlock", "wait-for cycle: poller[1] -> poller[1]"),
]


def main():
    work = sys.argv[1]
    extra = sys.argv[2:]
    problems = []
    for exercise, name, edits, test, verdict, detail in MUTANTS:
        with open(os.path.join(REPO, "exercises", "solutions", exercise, name)) as f:
            text = f.read()
        for old, new in edits:
            if old not in text:
                problems.append("%s: the solution no longer contains %r" % (exercise, old))
            text = text.replace(old, new, 1)
        sub = os.path.join(work, exercise, "submission")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, name), "w") as f:
            f.write(text)
        p = subprocess.run([sys.executable, GRADE, exercise, "--submission", sub, "--json",
                            "--build-dir", os.path.join(work, exercise, "build")] + extra,
                           capture_output=True, text=True)
        r = json.loads(p.stdout)
        for t in r["tests"]:
            want = verdict if t["name"] == test else "pass"
            if t["verdict"] != want:
                problems.append("%s mutant: %s is %s, expected %s: %s"
                                % (exercise, t["name"], t["verdict"], want, t["details"]))
            elif t["name"] == test:
                if not any(detail in line for line in t["details"]):
                    problems.append("%s mutant: %s's details lack %r: %s"
                                    % (exercise, test, detail, t["details"]))
                print("%s: %s -> %s (%s), replay: %s" % (exercise, test, t["verdict"],
                                                          t["details"][0], t["replay"]))
    for line in problems:
        print("FAILED " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
