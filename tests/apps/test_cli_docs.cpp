// The documentation pointers: every subcommand's --help names a section of docs/ that exists
// (apps/docs_sections.hpp), and every "docs/theory.md sec. N" and "docs/<file>.md#<anchor>" that the
// sources, README and docs cite names a heading that exists. Anchors follow GitHub's rule: the heading
// text in lower case, characters other than letters, digits, '-', '_' and spaces dropped, spaces
// turned into '-', and "-1", "-2", ... appended to repeated headings.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace fs = std::filesystem;
using neuroncert::test::run_cli;
using neuroncert::test::run_cli_many;
using neuroncert::test::scratch_dir;

namespace {

const fs::path source_dir{NEURONCERT_SOURCE_DIR};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// GitHub's anchor of a heading's text.
std::string github_anchor(std::string text) {
  // A link in a heading counts by its text: [text](url) -> text.
  text = std::regex_replace(text, std::regex(R"(\[([^\]]*)\]\([^)]*\))"), "$1");
  std::string anchor;
  for (const char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) || ch == '-' || ch == '_')
      anchor += static_cast<char>(std::tolower(u));
    else if (ch == ' ')
      anchor += '-';
    else if (u >= 0x80)
      anchor += ch;  // letters beyond ASCII are kept
  }
  return anchor;
}

struct headings {
  std::set<std::string> anchors;
  std::set<std::string> numbers;  ///< "4.3" for a heading "4.3 Certified sets" (or "4. ...")
};

/// The headings of a Markdown file, outside fenced code blocks.
headings read_headings(const fs::path& file) {
  headings h;
  std::map<std::string, int> seen;
  std::istringstream in(read_text(file));
  bool fenced = false;
  const std::regex heading(R"(^#{1,6}[ \t]+(.*?)[ \t#]*$)");
  const std::regex numbered(R"(^(\d+(?:\.\d+)*)\.?\s)");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && (line.compare(first, 3, "```") == 0 || line.compare(first, 3, "~~~") == 0)) {
      fenced = !fenced;
      continue;
    }
    std::smatch m;
    if (fenced || !std::regex_match(line, m, heading)) continue;
    const std::string text = m[1].str();
    std::string anchor = github_anchor(text);
    const int count = seen[anchor]++;
    if (count > 0) {  // appended in two steps: GCC 12 warns falsely (-Wrestrict) on "-" + std::string
      anchor += '-';
      anchor += std::to_string(count);
    }
    h.anchors.insert(anchor);
    std::smatch n;
    if (std::regex_search(text, n, numbered)) h.numbers.insert(n[1].str());
  }
  return h;
}

const headings& headings_of(const fs::path& file) {
  static std::map<fs::path, headings> cache;
  auto it = cache.find(file);
  if (it == cache.end()) it = cache.emplace(file, read_headings(file)).first;
  return it->second;
}

/// "" when `target` ("docs/theory.md#43-certified-sets", or a file alone) resolves, else why not.
std::string check_target(const fs::path& file, const std::string& anchor) {
  if (!fs::is_regular_file(file)) return "no file " + file.string();
  if (!anchor.empty() && headings_of(file).anchors.count(anchor) == 0)
    return "no heading with anchor #" + anchor + " in " + file.string();
  return {};
}

/// The subcommand names listed by `neuroncert --help`.
std::vector<std::string> subcommands(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  bool listing = false;
  const std::regex entry(R"(^  ([a-z][a-z0-9-]*)\s.*$)");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("SUBCOMMANDS:", 0) == 0 || line.rfind("Subcommands:", 0) == 0) {  // CLI11 2.1 / 2.3
      listing = true;
      continue;
    }
    if (!listing) continue;
    std::smatch m;
    if (!std::regex_match(line, m, entry)) break;
    names.push_back(m[1].str());
  }
  return names;
}

}  // namespace

TEST_CASE("docs: GitHub anchors of headings", "[apps][docs]") {
  CHECK(github_anchor("4.3 Certified sets") == "43-certified-sets");
  CHECK(github_anchor("5.3 Coverage of the BE set: Theorem 4.1, corrected") ==
        "53-coverage-of-the-be-set-theorem-41-corrected");
  CHECK(github_anchor("2.3 Concepts from embeddings and CLIP-Dissect's scores") ==
        "23-concepts-from-embeddings-and-clip-dissects-scores");
  CHECK(github_anchor("Undefined values: NaN and `reason` codes") == "undefined-values-nan-and-reason-codes");
  CHECK(github_anchor("apps: the command line") == "apps-the-command-line");
}

TEST_CASE("every subcommand's --help names a docs section that exists", "[apps][docs][cli]") {
  const auto scratch = scratch_dir("docs_help");
  const auto root = run_cli("--help", scratch.path());
  REQUIRE(root.exit_code == 0);
  CHECK_THAT(root.out, Catch::Matchers::Contains("docs/theory.md"));
  const std::vector<std::string> names = subcommands(root.out);
  INFO(root.out);
  // The parse found the list: the commands the README introduces are all there.
  for (const char* known : {"advise", "plan", "bound", "be-coverage", "identify", "simulate", "extract", "figures",
                            "sieve", "sieve-plan", "concepts"})
    CHECK(std::find(names.begin(), names.end(), known) != names.end());

  std::vector<std::string> args;
  for (const auto& name : names) args.push_back(name + " --help");
  const auto results = run_cli_many(args, scratch.path() / "many");
  REQUIRE(results.size() == names.size());
  const std::regex pointer(R"((docs/[A-Za-z0-9_./-]+\.md)(#([A-Za-z0-9_-]+))?)");
  for (std::size_t k = 0; k < names.size(); ++k) {
    INFO("neuroncert " << names[k] << " --help:\n" << results[k].out << results[k].err);
    REQUIRE(results[k].exit_code == 0);
    const std::string& help = results[k].out;
    const auto footer_at = help.find("Formulas, assumptions and sources:");
    REQUIRE(footer_at != std::string::npos);  // a row in apps/docs_sections.hpp
    const std::string footer = help.substr(footer_at);
    int with_anchor = 0, pointers = 0;
    for (std::sregex_iterator it(footer.begin(), footer.end(), pointer), end; it != end; ++it) {
      ++pointers;
      const std::string anchor = (*it)[3].str();
      if (!anchor.empty()) ++with_anchor;
      INFO("pointer " << (*it)[0].str());
      CHECK(check_target(source_dir / (*it)[1].str(), anchor).empty());
    }
    CHECK(pointers >= 1);
    CHECK(with_anchor >= 1);
  }
}

TEST_CASE("docs sections and anchors cited by the sources, README and docs exist", "[apps][docs]") {
  const fs::path theory = source_dir / "docs" / "theory.md";
  REQUIRE(fs::is_regular_file(theory));
  const auto& numbers = headings_of(theory).numbers;
  REQUIRE(numbers.count("4.3") == 1);

  // "docs/theory.md sec. 4.3" (and "sec. 3-5": both ends), the "sec. N" of a header's "// Theory:" line
  // and its continuation lines, and "docs/<file>.md#<anchor>" anywhere.
  const std::regex cited(R"(docs/theory\.md sec\. (\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?)");
  const std::regex theory_line(R"(^\s*(?://|#)\s*(?:Theory: docs/theory\.md|  sec\. ))");
  const std::regex any_sec(R"(sec\. (\d+(?:\.\d+)?))");
  const std::regex anchored(R"((docs/[A-Za-z0-9_./-]+\.md)#([A-Za-z0-9_-]+))");
  // Relative Markdown links with an anchor, in README and docs: [text](file.md#anchor) or (#anchor).
  const std::regex md_link(R"(\]\(([A-Za-z0-9_./-]*)#([A-Za-z0-9_-]+)\))");
  const std::set<std::string> extensions = {".hpp", ".cpp", ".h", ".py", ".pyi", ".gp", ".md", ".txt", ".sh"};

  std::vector<fs::path> files = {source_dir / "README.md"};
  for (const char* dir : {"apps", "bench", "bounds", "docs", "examples", "lib", "models", "plots", "python",
                          "scripts", "simulations", "studies", "tests"}) {
    if (!fs::is_directory(source_dir / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(source_dir / dir))
      if (e.is_regular_file() && extensions.count(e.path().extension().string()) != 0) files.push_back(e.path());
  }
  int citations = 0;
  for (const auto& file : files) {
    const std::string text = read_text(file);
    const std::string where = fs::relative(file, source_dir).string();
    for (std::sregex_iterator it(text.begin(), text.end(), cited), end; it != end; ++it) {
      ++citations;
      for (int g : {1, 2}) {
        if (!(*it)[g].matched) continue;
        INFO(where << ": " << (*it)[0].str());
        CHECK(numbers.count((*it)[g].str()) == 1);
      }
    }
    std::istringstream lines(text);
    bool in_theory = false;
    for (std::string line; std::getline(lines, line);) {
      const bool theory = std::regex_search(line, theory_line) &&
                          (line.find("Theory: docs/theory.md") != std::string::npos || in_theory);
      in_theory = theory;
      if (!theory) continue;
      for (std::sregex_iterator it(line.begin(), line.end(), any_sec), end; it != end; ++it) {
        INFO(where << ": " << line);
        CHECK(numbers.count((*it)[1].str()) == 1);
      }
    }
    for (std::sregex_iterator it(text.begin(), text.end(), anchored), end; it != end; ++it) {
      ++citations;
      INFO(where << ": " << (*it)[0].str());
      CHECK(check_target(source_dir / (*it)[1].str(), (*it)[2].str()).empty());
    }
    if (file.extension() == ".md") {
      for (std::sregex_iterator it(text.begin(), text.end(), md_link), end; it != end; ++it) {
        const std::string target = (*it)[1].str();
        if (target.find("://") != std::string::npos) continue;
        ++citations;
        INFO(where << ": " << (*it)[0].str());
        const fs::path linked = target.empty() ? file : file.parent_path() / target;
        CHECK(check_target(linked.lexically_normal(), (*it)[2].str()).empty());
      }
    }
  }
  CHECK(citations > 50);  // the walk found the sources
}
