"""exercises/grader/spec.py - an exercise's grade.json, read and checked.

grade.json (one per exercise directory):

    {
      "title": "Rendezvous ping-pong",
      "files": ["pingpong.c"],            # what the student writes (in the submission dir)
      "driver": "tests/driver.c",         # the public tests, one Harbor program
      "timeout": "5s",                    # per run, unless a test says otherwise
      "tests": [
        {"name": "ping_one_round", "points": 2},
        {"name": "hundred_rounds", "points": 3, "needs": ["ping_one_round"],
         "seeds": [0, 1, 7], "hint": "..."}
      ],
      "skeleton": {"ping_one_round": "fail", "hundred_rounds": "not run"},
      "main": "ping", "helpers": ["pong"]  # task names (default: driver)
    }

"seeds": each test runs once per seed under harbor-emu --deterministic --seed N (0 is round
robin); the first seed that does not pass gives the verdict. "skeleton": the verdict each
test must have on the untouched skeleton (checked by ctest -L grade).
"""
import json
import os
import re

VERDICTS = ("pass", "fail", "timeout", "crash", "leak", "deadlock", "not run", "build failed")


class SpecError(Exception):
    pass


def parse_duration(text):
    """'500ms', '5s', '2us', '10ns' -> seconds (float)."""
    m = re.fullmatch(r"(\d+)(ns|us|ms|s)", str(text).strip())
    if not m:
        raise SpecError("bad duration %r (expected e.g. 500ms or 5s)" % text)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
    return int(m.group(1)) * scale


class Test:
    def __init__(self, raw, default_timeout):
        self.name = raw["name"]
        self.points = int(raw.get("points", 1))
        self.needs = list(raw.get("needs", []))
        self.seeds = [int(s) for s in raw.get("seeds", [0])]
        self.timeout = raw.get("timeout", default_timeout)
        self.args = [str(a) for a in raw.get("args", [])]
        self.hint = raw.get("hint", "")
        parse_duration(self.timeout)


class Exercise:
    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        self.name = os.path.basename(self.dir.rstrip("/"))
        path = os.path.join(self.dir, "grade.json")
        try:
            with open(path) as f:
                raw = json.load(f)
        except (OSError, ValueError) as e:
            raise SpecError("%s: %s" % (path, e))
        self.title = raw.get("title", self.name)
        self.files = list(raw["files"])
        self.driver = os.path.join(self.dir, raw.get("driver", "tests/driver.c"))
        self.timeout = raw.get("timeout", "5s")
        self.tests = [Test(t, self.timeout) for t in raw["tests"]]
        self.skeleton = dict(raw.get("skeleton", {}))
        # Task names: the test program runs as `main`, and helper roles ("right:50") as the
        # names in `helpers` (links to the same program; traces and verdicts use them).
        self.main = raw.get("main", "driver")
        self.helpers = list(raw.get("helpers", []))
        names = [t.name for t in self.tests]
        for t in self.tests:
            for need in t.needs:
                if need not in names[: names.index(t.name)]:
                    raise SpecError("%s: test %s needs %s, which is not an earlier test"
                                    % (path, t.name, need))
        for name, verdict in self.skeleton.items():
            if name not in names or verdict not in VERDICTS:
                raise SpecError("%s: skeleton verdict %s: %s is not a test/verdict"
                                % (path, name, verdict))

    @property
    def max_points(self):
        return sum(t.points for t in self.tests)

    def include_dirs(self):
        return [os.path.join(self.dir, "include")]


def find_exercise(root, name):
    """An exercise by directory name ('01-pingpong'), by its part after the number
    ('pingpong'), or by path."""
    if os.path.isfile(os.path.join(name, "grade.json")):
        return Exercise(name)
    candidates = []
    for entry in sorted(os.listdir(root)):
        if not os.path.isfile(os.path.join(root, entry, "grade.json")):
            continue
        if entry == name or entry.split("-", 1)[-1] == name:
            candidates.append(entry)
    if len(candidates) != 1:
        raise SpecError("no exercise named %r (try: %s)" % (name, ", ".join(list_exercises(root))))
    return Exercise(os.path.join(root, candidates[0]))


def list_exercises(root):
    return [e for e in sorted(os.listdir(root))
            if os.path.isfile(os.path.join(root, e, "grade.json"))]
