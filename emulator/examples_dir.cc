// emulator/examples_dir.cc - see examples_dir.h for the search order and why.
#include "examples_dir.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <cstdlib>
#include <sys/stat.h>

namespace emu {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string own_directory() {
  char buffer[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return ".";
  return directory_of(std::string(buffer, static_cast<size_t>(n)));
}

}  // namespace

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> example_search_path() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("HARBOR_EXAMPLES_DIR"); env && *env) dirs.emplace_back(env);
  const std::string self = own_directory();
  dirs.push_back(self + "/examples");
  dirs.push_back(self + "/" + HARBOR_EXAMPLES_RELATIVE_DIR);
  // Tests of an installed Harbor set this, so that only the installed examples count.
  if (!std::getenv("HARBOR_EXAMPLES_NO_BUILD_TREE")) dirs.emplace_back(HARBOR_EXAMPLES_BUILD_DIR);
  std::vector<std::string> unique;
  for (const std::string& dir : dirs) {
    const std::string clean = std::filesystem::path(dir).lexically_normal().string();
    if (std::find(unique.begin(), unique.end(), clean) == unique.end()) unique.push_back(clean);
  }
  return unique;
}

ResolvedProgram resolve_program(const std::string& program, const std::string& base_dir) {
  if (program.empty()) return {std::nullopt, "empty program name"};
  if (program.find('/') != std::string::npos) {
    const std::string path = program[0] == '/' ? program : base_dir + "/" + program;
    if (is_executable_file(path)) return {path, {}};
    return {std::nullopt, "`" + path + "` is not an executable file"};
  }
  std::string looked;
  for (const std::string& dir : example_search_path()) {
    const std::string path = dir + "/" + program;
    if (is_executable_file(path)) return {path, {}};
    looked += (looked.empty() ? "" : ", ") + dir;
  }
  return {std::nullopt, "no example program `" + program + "` (looked in " + looked +
                            "; write a path with a '/' for your own program)"};
}

}  // namespace emu
