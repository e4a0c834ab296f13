"""exercises/grader/build.py - the student's C files and the exercise's driver, linked into one
Harbor program against Harbor::user's archive (build tree or install)."""
import os
import subprocess

LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib")

# Forced into the student's files only: their calls that make handles go through
# grade_check.c, which remembers the handles to report the ones never closed (leaks).
TRACK = os.path.join(LIB, "grade_track.h")


class BuildResult:
    def __init__(self, ok, program, log):
        self.ok = ok
        self.program = program
        self.log = log


def build(exercise, submission, harbor, compilers, out_dir, cflags=(), ldflags=()):
    """cflags/ldflags: what the Harbor build used (a sanitizer build's runtime needs its
    sanitizer at link time too)."""
    cc, cxx = compilers
    os.makedirs(out_dir, exist_ok=True)
    program = os.path.join(out_dir, "bin", exercise.main)
    os.makedirs(os.path.dirname(program), exist_ok=True)
    missing = [f for f in exercise.files if not os.path.isfile(os.path.join(submission, f))]
    if missing:
        return BuildResult(False, program, "the submission %s has no %s (expected: %s)"
                           % (submission, ", ".join(missing), ", ".join(exercise.files)))
    includes = []
    for d in harbor.include_dirs + exercise.include_dirs() + [LIB]:
        includes += ["-I", d]
    flags = ["-std=gnu11", "-g", "-O0", "-Wall", "-Wextra", "-Wno-unused-parameter"] + list(cflags)
    student = [os.path.join(submission, f) for f in exercise.files]
    sources = student + [exercise.driver, os.path.join(LIB, "grade_check.c")]
    objects, log = [], []
    for i, src in enumerate(sources):
        obj = os.path.join(out_dir, "%d-%s.o" % (i, os.path.basename(src)))
        track = ["-include", TRACK] if src in student else []
        cmd = [cc] + flags + includes + track + ['-DGRADE_SELF="%s"' % program, "-c", src, "-o", obj]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.stderr:
            log.append(p.stderr)
        if p.returncode != 0:
            return BuildResult(False, program, "".join(log) or "compiling %s failed" % src)
        objects.append(obj)
    cmd = [cxx, "-o", program] + objects
    cmd += ["-Wl,--undefined=hb_runtime_exit_hook"] + harbor.libraries + ["-pthread"] + list(ldflags)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.stderr:
        log.append(p.stderr)
    if p.returncode == 0:
        for helper in exercise.helpers:  # the same program under each helper's name
            link = os.path.join(os.path.dirname(program), helper)
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(exercise.main, link)
    return BuildResult(p.returncode == 0, program, "".join(log))
