"""exercises/grader/tools.py - finding Harbor and the tools a grade needs, before anything runs.

A missing tool is reported as "skipped: install X", never as a failed test: students'
complaints about graders are mostly a harness that blames them for its own environment.
"""
import glob
import os
import shutil
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Harbor:
    """Where harbor-emu, the headers and the user runtime are: a build tree or an install."""

    def __init__(self, emu, include_dirs, libraries, origin):
        self.emu = emu
        self.include_dirs = include_dirs
        self.libraries = libraries
        self.origin = origin


def _from_build_tree(d):
    emu = os.path.join(d, "emulator", "harbor-emu")
    user = os.path.join(d, "userland", "libharbor_user.a")
    if not (os.path.isfile(emu) and os.path.isfile(user)):
        return None
    libs = [user] + glob.glob(os.path.join(d, "userland", "libharbor_strerror.a"))
    return Harbor(emu, [os.path.join(REPO, "userland", "include")], libs, "build tree " + d)


def _from_prefix(p):
    emu = os.path.join(p, "bin", "harbor-emu")
    lib_dirs = [os.path.join(p, "lib"), os.path.join(p, "lib64")]
    for lib_dir in lib_dirs:
        user = os.path.join(lib_dir, "libharbor_user.a")
        if os.path.isfile(emu) and os.path.isfile(user):
            libs = [user] + glob.glob(os.path.join(lib_dir, "libharbor_strerror.a"))
            return Harbor(emu, [os.path.join(p, "include")], libs, "installed Harbor " + p)
    return None


def find_harbor(explicit=None):
    """--harbor DIR, else $HARBOR_DIR, else this repository's build trees (dev first), else an
    installed harbor-emu on PATH. Returns (Harbor or None, what was tried)."""
    tried = []
    candidates = []
    if explicit:
        candidates.append(explicit)
    elif os.environ.get("HARBOR_DIR"):
        candidates.append(os.environ["HARBOR_DIR"])
    else:
        for name in ("dev", "release"):
            candidates.append(os.path.join(REPO, "build", name))
        candidates += sorted(glob.glob(os.path.join(REPO, "build", "*")))
        on_path = shutil.which("harbor-emu")
        if on_path:
            candidates.append(os.path.dirname(os.path.dirname(os.path.realpath(on_path))))
    for c in candidates:
        c = os.path.abspath(c)
        found = _from_build_tree(c) or _from_prefix(c)
        if found and not _reports_json(found.emu):
            tried.append(c + " (its harbor-emu is older than --report-json: rebuild it)")
            continue
        tried.append(c)
        if found:
            return found, tried
    return None, tried


def _reports_json(emu):
    """The grader reads harbor-emu --report-json; an older build would make every test look
    like a crash."""
    try:
        p = subprocess.run([emu, "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--report-json" in p.stdout


def check_tools(harbor_dir=None, qemu=False):
    """Returns (harbor, compilers, skipped reason or None)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    cxx = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")
    if not cc or not cxx:
        return None, None, "skipped: install a C and C++ compiler (apt-get install g++)"
    harbor, tried = find_harbor(harbor_dir)
    if not harbor:
        return None, None, ("skipped: no Harbor found (looked in %s); build it with "
                            "`cmake --preset dev && cmake --build --preset dev --target "
                            "harbor-emu harbor_user`, or pass --harbor DIR" % ", ".join(tried))
    if qemu:
        # HARBOR_GRADE_QEMU names the QEMU binary (tests use a name that does not exist).
        if not shutil.which(os.environ.get("HARBOR_GRADE_QEMU", "qemu-system-x86_64")):
            return harbor, (cc, cxx), "skipped: install qemu-system-x86 (apt-get install qemu-system-x86)"
        return harbor, (cc, cxx), ("skipped: the exercises run hosted only for now (this Harbor "
                                   "cannot yet build a submission into a boot image: SPEC 10's "
                                   "harbor_add_boot_image); grade without --qemu")
    return harbor, (cc, cxx), None
