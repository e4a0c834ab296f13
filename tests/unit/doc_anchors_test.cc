// DocAnchorsTest: course text cites code through stable anchors (STYLE 13): a comment
// `// DOC: some-name` in the sources, cited in docs/**/*.md as `DOC: some-name` (in backticks):
// the reference pages and the lessons of docs/course/ (files_under walks docs/ recursively).
// A lesson must never point at an anchor that is gone or ambiguous, so:
//   - every anchor is well formed (lower-case words joined by '-') and unique;
//   - every anchor cited in docs/ exists in the code.
// The code is kernel/ (where most lessons point) and arch/, userland/, emulator/ (the x86-64
// and hosted lessons cite their own anchors there). HARBOR_SOURCE_DIR (a compile definition)
// is the source tree.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace harbor::test {
namespace {

namespace fs = std::filesystem;

const std::regex kAnchorName("^[a-z0-9]+(-[a-z0-9]+)*$");

struct Place {
  std::string file;
  int line;
};

std::string where(const Place& p) { return p.file + ":" + std::to_string(p.line); }

std::vector<fs::path> files_under(const fs::path& dir, const std::set<std::string>& extensions) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && extensions.count(entry.path().extension().string()))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string source_relative(const fs::path& p) {
  return fs::relative(p, fs::path(HARBOR_SOURCE_DIR)).string();
}

const char* const kCodeDirs[] = {"kernel", "arch", "userland", "emulator"};

// Every "DOC:" in the code: well-formed anchors by name, and malformed ones.
struct KernelAnchors {
  std::map<std::string, std::vector<Place>> anchors;
  std::vector<std::string> malformed;
};

KernelAnchors scan_kernel() {
  KernelAnchors result;
  // An anchor is the last thing on its line: "// DOC: name".
  const std::regex anchor(R"(//\s*DOC:\s(\S+)\s*$)");
  std::vector<fs::path> files;
  for (const char* dir : kCodeDirs)
    for (const fs::path& f :
         files_under(fs::path(HARBOR_SOURCE_DIR) / dir, {".h", ".cc", ".c", ".hpp", ".S"}))
      files.push_back(f);
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (line.find("DOC:") == std::string::npos) continue;
      Place place{source_relative(file), number};
      std::smatch m;
      if (std::regex_search(line, m, anchor) && std::regex_match(m[1].str(), kAnchorName) &&
          line.find("// DOC: ") != std::string::npos) {
        result.anchors[m[1].str()].push_back(place);
      } else {
        result.malformed.push_back(where(place) + ": " + line);
      }
    }
  }
  return result;
}

// Every `DOC: name` cited (in backticks) in docs/*.md.
std::map<std::string, std::vector<Place>> scan_docs(std::vector<std::string>* malformed) {
  std::map<std::string, std::vector<Place>> cited;
  const std::regex citation("`DOC:([^`]*)`");
  for (const fs::path& file : files_under(fs::path(HARBOR_SOURCE_DIR) / "docs", {".md"})) {
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      for (std::sregex_iterator it(line.begin(), line.end(), citation), end; it != end; ++it) {
        std::string body = (*it)[1].str();
        std::string name = body.size() > 1 && body[0] == ' ' ? body.substr(1) : "";
        Place place{source_relative(file), number};
        if (std::regex_match(name, kAnchorName))
          cited[name].push_back(place);
        else
          malformed->push_back(where(place) + ": `DOC:" + body + "`");
      }
    }
  }
  return cited;
}

TEST(DocAnchorsTest, KernelSourcesHaveAnchors) {
  KernelAnchors k = scan_kernel();
  size_t in_kernel = 0;
  for (const auto& [name, places] : k.anchors)
    for (const Place& p : places) in_kernel += p.file.rfind("kernel/", 0) == 0;
  EXPECT_GT(in_kernel, 0u) << "no `// DOC: name` anchors found under " HARBOR_SOURCE_DIR
                                     "/kernel: is HARBOR_SOURCE_DIR right?";
}

TEST(DocAnchorsTest, AnchorsAreWellFormed) {
  KernelAnchors k = scan_kernel();
  std::ostringstream bad;
  for (const std::string& line : k.malformed) bad << "\n  " << line;
  EXPECT_TRUE(k.malformed.empty())
      << "lines mentioning DOC: that are not a well-formed anchor:" << bad.str()
      << "\n  hint: an anchor is `// DOC: lower-case-words` at the end of a line";
}

TEST(DocAnchorsTest, AnchorsAreUnique) {
  KernelAnchors k = scan_kernel();
  for (const auto& [name, places] : k.anchors) {
    if (places.size() == 1) continue;
    std::ostringstream at;
    for (const Place& p : places) at << "\n  " << where(p);
    ADD_FAILURE() << "anchor `DOC: " << name << "` appears " << places.size()
                  << " times; a lesson citing it could not tell which place it means:"
                  << at.str();
  }
}

TEST(DocAnchorsTest, EveryAnchorCitedInDocsExistsInTheKernel) {
  if (!fs::is_directory(fs::path(HARBOR_SOURCE_DIR) / "docs"))
    GTEST_SKIP() << "no docs/ directory yet: nothing cites anchors";
  KernelAnchors k = scan_kernel();
  std::vector<std::string> malformed;
  std::map<std::string, std::vector<Place>> cited = scan_docs(&malformed);
  for (const std::string& m : malformed)
    ADD_FAILURE() << "malformed citation " << m << "\n  hint: cite as `DOC: lower-case-words`";
  for (const auto& [name, places] : cited) {
    if (k.anchors.count(name)) continue;
    std::ostringstream at;
    for (const Place& p : places) at << "\n  cited at " << where(p);
    ADD_FAILURE() << "docs cite `DOC: " << name << "` but no `// DOC: " << name
                  << "` exists in the code (kernel/, arch/, userland/, emulator/):" << at.str()
                  << "\n  hint: the code moved or was renamed; put the anchor back or fix "
                     "the lesson";
  }
}

}  // namespace
}  // namespace harbor::test
