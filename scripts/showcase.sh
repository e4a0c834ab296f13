#!/usr/bin/env bash
# scripts/showcase.sh [HARBOR-EMU ARGS...] - build harbor-emu (release preset) and run it.
#
# With no arguments harbor-emu runs its built-in showcase. Any arguments are passed on, e.g.
#   bash scripts/showcase.sh --help
#   bash scripts/showcase.sh --deterministic --trace text
#   bash scripts/showcase.sh run my.scenario
# Missing Debian packages are installed first when run as root (see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
echo "showcase.sh: configuring and building harbor-emu (preset release, build/release)..."
cmake --preset release --log-level=WARNING >/dev/null
cmake --build --preset release --target harbor-emu
echo "showcase.sh: running build/release/emulator/harbor-emu $*"
exec build/release/emulator/harbor-emu "$@"
