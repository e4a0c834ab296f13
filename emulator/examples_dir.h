// emulator/examples_dir.h - finding the programs a scenario or `exec` names.
//
// A program written with a '/' is a path (relative ones from `base_dir`: the scenario file's
// directory, or the current directory for `exec`). A bare name is a built-in example,
// looked up in order in:
//   1. $HARBOR_EXAMPLES_DIR                         (an override, for experiments)
//   2. <dir of harbor-emu>/examples                 (the build tree: next to harbor-emu)
//   3. <dir of harbor-emu>/../libexec/harbor/examples  (an installed Harbor)
//   4. the build tree's examples dir, compiled in   (harbor-emu copied elsewhere; skipped
//      when $HARBOR_EXAMPLES_NO_BUILD_TREE is set, as the install test does)
// so `exec hello` runs the example; `exec ./hello` runs the one in the current directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace emu {

std::vector<std::string> example_search_path();

struct ResolvedProgram {
  std::optional<std::string> path;  // an executable file
  std::string error;                // why not, when path is empty
};
ResolvedProgram resolve_program(const std::string& program, const std::string& base_dir);

// "a/b/c.scn" -> "a/b"; "c.scn" -> ".".
std::string directory_of(const std::string& path);
// "a/b/c" -> "c".
std::string base_name(const std::string& path);

}  // namespace emu
