#!/usr/bin/env python3
"""tests/grade/check_batch.py - ctest -L grade: a teacher grades a class in one command.

  check_batch.py WORK_DIR [grade options...]

Builds a class folder of six students for exercise 09-deadlock (the reference solution,
the untouched skeleton, a submission missing its file, one that does not compile, one that
crashes, one that never ends), runs
`grade --batch` with --csv and --json-out, and checks each student's row and verdicts. Then
checks that a missing QEMU is "skipped", never a failure.
"""
import csv
import json
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRADE = os.path.join(REPO, "exercises", "grade")
EXERCISE = os.path.join(REPO, "exercises", "09-deadlock")


def main():
    work = sys.argv[1]
    extra = sys.argv[2:]
    shutil.rmtree(work, ignore_errors=True)
    klass = os.path.join(work, "class")
    for student in ("ada", "bob", "cy", "dee", "eve", "fay"):
        os.makedirs(os.path.join(klass, student))
    shutil.copy(os.path.join(REPO, "exercises", "solutions", "09-deadlock", "swap.c"),
                os.path.join(klass, "ada"))
    shutil.copy(os.path.join(EXERCISE, "skeleton", "swap.c"), os.path.join(klass, "bob"))
    with open(os.path.join(klass, "dee", "swap.c"), "w") as f:
        f.write("int swap_values(void) { return syntax error }\n")
    with open(os.path.join(klass, "eve", "swap.c"), "w") as f:
        f.write('#include "swap.h"\nint swap_values(int l, hb_handle_t t, hb_handle_t f, '
                'int32_t m, int32_t *o) { *(volatile int *)0 = 1; return 0; }\n')
    with open(os.path.join(klass, "fay", "swap.c"), "w") as f:
        f.write('#include "swap.h"\nint swap_values(int l, hb_handle_t t, hb_handle_t f, '
                'int32_t m, int32_t *o) { for (;;) hb_yield(); }\n')
    out_csv, out_json = os.path.join(work, "grades.csv"), os.path.join(work, "grades.json")
    # A crash must reach harbor-emu as a signal: a sanitizer would otherwise turn SIGSEGV into
    # an ordinary error exit of the crashing task.
    env = dict(os.environ)
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        env[name] = ((env[name] + ":") if env.get(name) else "") + "handle_segv=0"
    p = subprocess.run([sys.executable, GRADE, "deadlock", "--batch", klass, "--csv", out_csv,
                        "--json-out", out_json, "--build-dir", os.path.join(work, "build")] + extra,
                       capture_output=True, text=True, env=env)
    print(p.stdout, p.stderr)
    problems = []
    if p.returncode != 0:
        problems.append("grade --batch exited %d" % p.returncode)
    with open(out_json) as f:
        results = {r["student"]: r for r in json.load(f)["students"]}
    verdicts = {s: [t["verdict"] for t in r["tests"]] for s, r in results.items()}
    want = {"ada": ["pass", "pass"], "bob": ["deadlock", "not run"],
            "cy": ["build failed", "build failed"], "dee": ["build failed", "build failed"],
            "eve": ["crash", "not run"], "fay": ["timeout", "not run"]}
    for student, v in want.items():
        if verdicts.get(student) != v:
            problems.append("%s: verdicts %s, expected %s" % (student, verdicts.get(student), v))
    if results["ada"]["points"] != 5 or results["bob"]["points"] != 0:
        problems.append("points: ada %d (want 5), bob %d (want 0)"
                        % (results["ada"]["points"], results["bob"]["points"]))
    if "has no swap.c" not in results["cy"]["build"]["log"]:
        problems.append("cy's missing file is not explained: %r" % results["cy"]["build"]["log"])
    with open(out_csv) as f:
        rows = list(csv.reader(f))
    if rows[0] != ["student", "one_swap", "fifty_swaps", "total", "max", "note"]:
        problems.append("csv header %s" % rows[0])
    if [r[0] for r in rows[1:]] != ["ada", "bob", "cy", "dee", "eve", "fay"] or rows[1][3:5] != ["5", "5"]:
        problems.append("csv rows %s" % rows[1:])

    # A missing tool is skipped, loudly, and is no failure.
    env = dict(os.environ, HARBOR_GRADE_QEMU="qemu-system-x86_64-not-installed")
    q = subprocess.run([sys.executable, GRADE, "deadlock", "--qemu", "--json"] + extra,
                       capture_output=True, text=True, env=env)
    skipped = json.loads(q.stdout)["skipped"] if q.returncode == 0 else None
    if q.returncode != 0 or not skipped or "install qemu-system-x86" not in skipped:
        problems.append("missing QEMU: exit %d, %s" % (q.returncode, q.stdout))

    for line in problems:
        print("FAILED " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
