#!/usr/bin/env bash
# scripts/setup.sh [--with-qemu] - make a Debian 12 (bookworm) machine able to build Harbor.
#
# Checks each Debian package the build needs with dpkg-query (no network, no apt, fast), so on
# a machine that already has everything it prints one line and exits 0. When something is
# missing:
#   - as root: runs `apt-get update` once, then `apt-get install -y --no-install-recommends`
#     for exactly the missing packages, saying what it installs and why;
#   - not root: prints the apt-get command to run and exits 1.
# With --with-qemu it also wants qemu-system-x86 (for the `qemu` ctest label). Without root
# it then only warns that the QEMU tests will be SKIPPED; that is not a failure.
#
# Works in a fresh `debootstrap --variant=minbase bookworm` chroot: it needs only bash, dpkg
# and apt, which minbase has.
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

with_qemu=0
for arg in "$@"; do
  case "$arg" in
    --with-qemu) with_qemu=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

# package|why - the Debian packages the build needs, and the reason for each.
required=(
  "g++|C and C++20 compiler (GCC 12) for the kernel, emulator, user programs and tests"
  "cmake|build system generator (CMakePresets.json needs CMake >= 3.25)"
  "ninja-build|the build tool the CMake presets use"
  "make|fallback build tool, used by some CMake checks"
  "pkg-config|library lookup used by CMake find modules"
  "libgtest-dev|GoogleTest: unit and integration tests"
  "libgmock-dev|GoogleMock: mocks in the unit tests"
  "libbenchmark-dev|Google Benchmark: benchmarks and the bench-smoke tests"
  "libcli11-dev|CLI11: harbor-emu's command line"
  "nlohmann-json3-dev|nlohmann/json: Chrome trace export and benchmark/scenario JSON"
  "python3|hbidl, the RPC interface compiler (Python 3, standard library only), at build time"
)
qemu_pkg="qemu-system-x86|qemu-system-x86_64 for the QEMU boot tests (ctest label qemu)"

# True when dpkg says the package is fully installed. Never touches the network.
have_pkg() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ "$status" == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup.sh: dpkg-query not found: this script knows only Debian 12 (bookworm)." >&2
  echo "setup.sh: install by hand: a C++20 compiler, CMake >= 3.25, Ninja, GoogleTest," \
    "GoogleMock, Google Benchmark, CLI11, nlohmann/json (and qemu-system-x86 for QEMU tests)." >&2
  exit 1
fi

missing=()      # package names
missing_why=()  # "  package: why" lines
check() {
  local pkg="${1%%|*}" why="${1#*|}"
  if ! have_pkg "$pkg"; then
    missing+=("$pkg")
    missing_why+=("  $pkg: $why")
  fi
}
for entry in "${required[@]}"; do check "$entry"; done
required_missing=${#missing[@]}
qemu_missing=0
if ((with_qemu)); then
  if ! have_pkg "${qemu_pkg%%|*}"; then
    qemu_missing=1
  fi
fi

is_root=0
[[ "$(id -u)" == 0 ]] && is_root=1

if ((required_missing == 0 && qemu_missing == 0)); then
  echo "setup.sh: all build dependencies present$( ((with_qemu)) && echo ' (with QEMU)')."
  exit 0
fi

if ((!is_root)); then
  if ((required_missing > 0)); then
    echo "setup.sh: missing Debian packages:" >&2
    printf '%s\n' "${missing_why[@]}" >&2
    echo "setup.sh: not root, so not installing them. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  fi
  if ((qemu_missing)); then
    echo "setup.sh: WARNING: qemu-system-x86 is not installed and this is not root:" \
      "the QEMU boot tests will be SKIPPED." >&2
    echo "setup.sh: to run them: sudo apt-get install -y --no-install-recommends qemu-system-x86" >&2
  fi
  ((required_missing > 0)) && exit 1
  exit 0
fi

# Root: install what is missing.
if ((qemu_missing)); then
  missing+=("${qemu_pkg%%|*}")
  missing_why+=("  ${qemu_pkg%%|*}: ${qemu_pkg#*|}")
fi
echo "setup.sh: installing ${#missing[@]} missing Debian package(s):"
printf '%s\n' "${missing_why[@]}"
export DEBIAN_FRONTEND=noninteractive
echo "setup.sh: apt-get update"
if ! apt-get update -q; then
  echo "setup.sh: WARNING: apt-get update failed; trying the install with the lists on disk." >&2
fi
echo "setup.sh: apt-get install -y --no-install-recommends ${missing[*]}"
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  if ((qemu_missing && required_missing == 0)); then
    echo "setup.sh: WARNING: could not install qemu-system-x86: the QEMU boot tests will be" \
      "SKIPPED." >&2
    exit 0
  fi
  echo "setup.sh: apt-get install failed." >&2
  exit 1
fi

# Check the result: every package installed, and the tools answer.
failed=0
for entry in "${required[@]}"; do
  have_pkg "${entry%%|*}" || { echo "setup.sh: ${entry%%|*} still missing" >&2; failed=1; }
done
for tool in g++ cmake ninja; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup.sh: '$tool' not on PATH" >&2; failed=1; }
done
if ((with_qemu)) && ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
  echo "setup.sh: WARNING: qemu-system-x86_64 not on PATH: the QEMU boot tests will be SKIPPED." >&2
fi
((failed)) && exit 1
echo "setup.sh: done."
