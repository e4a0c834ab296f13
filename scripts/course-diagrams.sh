#!/usr/bin/env bash
# scripts/course-diagrams.sh [--update] [--emu HARBOR_EMU] - the course's diagrams, never stale.
#
# Every diagram of docs/course/ is the Mermaid trace of a deterministic harbor-emu run, listed
# in docs/course/diagrams/manifest as "FILE.mmd HARBOR-EMU ARGUMENTS..." (paths relative to
# the source tree). This script runs each one as
#
#     harbor-emu --deterministic --trace mermaid --trace-out FILE.mmd ARGUMENTS...
#
# and compares the result byte for byte with docs/course/diagrams/FILE.mmd and with the copy
# embedded in a lesson between `<!-- diagram: FILE.mmd -->` and the end of the ```mermaid
# block that follows it (so the page shows the diagram where GitHub renders it).
#
#   (no option)   check: exit 0 if everything matches; otherwise print a diff per file, the
#                 command that makes it, and how to refresh; exit 1
#   --update      rewrite the .mmd files and the embedded copies from fresh runs
#   --emu PATH    the harbor-emu to use (default: $HARBOR_EMU, else build/dev/emulator/harbor-emu)
#
# The ctest course.diagrams (tests/course, label integration) runs the check with the build's
# harbor-emu. A run that exits non-zero is an error either way: a lesson's program must work.
set -u
shopt -s nullglob
here=$(cd "$(dirname "$0")/.." && pwd)
course=$here/docs/course
manifest=$course/diagrams/manifest
emu=${HARBOR_EMU:-$here/build/dev/emulator/harbor-emu}
update=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --update) update=1 ;;
    --emu) emu=$2; shift ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "course-diagrams.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [[ ! -x $emu ]]; then
  echo "course-diagrams.sh: no harbor-emu at $emu (build it, or pass --emu PATH)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
refresh="bash scripts/course-diagrams.sh --update --emu $emu"
failed=0
declare -A listed=()

# 1. Run every manifest line into $work/FILE.mmd.
cd "$here" || exit 2
while read -r file args; do
  [[ -z $file || $file == \#* ]] && continue
  listed[$file]=1
  # shellcheck disable=SC2086 # the manifest's arguments are words
  if ! "$emu" --deterministic --trace mermaid --trace-out "$work/$file" $args \
      >"$work/$file.out" 2>&1; then
    echo "FAIL $file: harbor-emu --deterministic $args exited non-zero:"
    sed 's/^/    /' "$work/$file.out"
    failed=1
    continue
  fi
  if [[ $update == 1 ]]; then
    cp "$work/$file" "$course/diagrams/$file"
  elif ! cmp -s "$work/$file" "$course/diagrams/$file"; then
    echo "FAIL docs/course/diagrams/$file differs from a fresh run of"
    echo "    harbor-emu --deterministic --trace mermaid --trace-out $file $args"
    diff -u "$course/diagrams/$file" "$work/$file" --label "checked in" --label "fresh run" \
      | sed 's/^/    /'
    failed=1
  fi
done <"$manifest"

# 2. No diagram without a manifest line (it could never be checked).
for f in "$course"/diagrams/*.mmd; do
  [[ -e $f ]] || continue
  name=$(basename "$f")
  if [[ -z ${listed[$name]:-} ]]; then
    echo "FAIL docs/course/diagrams/$name is in no line of docs/course/diagrams/manifest"
    failed=1
  fi
done

# 3. The copies embedded in the lessons: replace each block's body with the fresh file.
embed() { # embed LESSON DIR: the lesson with every embedded diagram taken from DIR
  awk -v dir="$2" '
    /^<!-- diagram: [^ ]+ -->$/ { print; name = $3; pending = 1; next }
    pending && /^```mermaid$/ {
      print
      while ((getline line < (dir "/" name)) > 0) print line
      close(dir "/" name)
      pending = 0; skipping = 1; next
    }
    skipping && /^```$/ { skipping = 0; print; next }
    skipping { next }
    { pending = 0; print }
  ' "$1"
}
for lesson in "$course"/*.md; do
  for name in $(sed -n 's/^<!-- diagram: \([^ ]*\) -->$/\1/p' "$lesson"); do
    if [[ -z ${listed[$name]:-} ]]; then
      echo "FAIL ${lesson#"$here"/} embeds $name, which the manifest does not list"
      failed=1
    fi
  done
  embed "$lesson" "$work" >"$work/lesson.md"
  if [[ $update == 1 && $failed == 1 ]]; then
    continue # a run failed: leave the lessons as they are
  elif [[ $update == 1 ]]; then
    cmp -s "$work/lesson.md" "$lesson" || cp "$work/lesson.md" "$lesson"
  elif ! cmp -s "$work/lesson.md" "$lesson"; then
    echo "FAIL ${lesson#"$here"/}: an embedded diagram differs from a fresh run"
    diff -u "$lesson" "$work/lesson.md" --label "checked in" --label "fresh run" | sed 's/^/    /'
    failed=1
  fi
done

if [[ $failed == 1 ]]; then
  if [[ $update == 1 ]]; then
    echo "course-diagrams.sh: some runs failed; the files of the others were updated"
  else
    echo "The diagrams are stale (the code or the lesson's program changed). If the new runs"
    echo "are right, refresh them and review the diff before committing:"
    echo "    $refresh"
  fi
  exit 1
fi
if [[ $update == 1 ]]; then
  echo "course-diagrams.sh: ${#listed[@]} diagrams regenerated"
else
  echo "course-diagrams.sh: ${#listed[@]} diagrams match fresh deterministic runs"
fi
