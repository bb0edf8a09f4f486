// The page of `neuroncert figures` (figures_report.hpp): escaping, the Markdown tables the jobs
// write, and a page that lists exactly the figures and tables it is given, with the provenance.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "neuroncert/studies/figures.hpp"
#include "neuroncert/studies/figures_report.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;
using Catch::Matchers::Contains;

namespace {
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("figures report: HTML escaping of every special character", "[studies][figures]") {
  CHECK(studies::html_escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  CHECK(studies::html_escape("") == "");
  CHECK(studies::html_escape("plain text 1/sqrt(n)") == "plain text 1/sqrt(n)");
}

TEST_CASE("figures report: the jobs' Markdown becomes headings, paragraphs and tables", "[studies][figures]") {
  const std::string md =
      "# Title <x>\n\n**--quick: few.**\n\nA paragraph\non two lines with `code` & more.\n\n"
      "| metric | a \\| b | c |\n|---|---:|---|\n| auroc | 0.5 | n/a (no hypothesis) |\n| <iou> | 1 | 2 |\n"
      "\nAfter the table.\n## Sub\n";
  const auto html = studies::markdown_to_html(md, 2);
  CHECK_THAT(html, Contains("<h3>Title &lt;x&gt;</h3>"));
  CHECK_THAT(html, Contains("<p><strong>--quick: few.</strong></p>"));
  CHECK_THAT(html, Contains("<p>A paragraph on two lines with <code>code</code> &amp; more.</p>"));
  CHECK_THAT(html, Contains("<thead><tr><th>metric</th><th>a | b</th><th>c</th></tr></thead>"));
  CHECK_THAT(html, Contains("<tr><td>auroc</td><td>0.5</td><td>n/a (no hypothesis)</td></tr>"));
  CHECK_THAT(html, Contains("<tr><td>&lt;iou&gt;</td><td>1</td><td>2</td></tr>"));
  CHECK_THAT(html, Contains("</table>\n<p>After the table.</p>\n<h4>Sub</h4>"));
  CHECK(count(html, "<table>") == 1);
  CHECK(count(html, "<tr>") == 3);
  // A lone | line without a separator row is text, not a table; unmatched markers stay text.
  CHECK(studies::markdown_to_html("| not a table\n", 0) == "<p>| not a table</p>\n");
  CHECK(studies::markdown_to_html("a ** b ` c\n", 0) == "<p>a ** b ` c</p>\n");
}

TEST_CASE("figures report: the page lists the given figures and tables, escaped, with the provenance",
          "[studies][figures]") {
  studies::figures_report r;
  r.command_line = "neuroncert figures --out '<dir>'";
  r.version = "9.9.9";
  r.program = "neuroncert";
  r.seed = 42;
  r.quick = true;
  r.data_dir = "/data & more";
  r.started_utc = "2025-01-01 00:00:00 UTC";
  r.seconds = 12.5;
  r.jobs = {{"exp1", "done", 1.25, ""}, {"sieve", "failed", 3, "gnuplot <failed>"}, {"real-data", "not run", 0, ""}};
  r.figures = {{"fig2a_exp1_setting1", "exp1", "Fig. 2a", "The error <vs> n.", "Slopes & lines.", "data/exp1.csv",
                "plots/fig2_exp1.gp"}};
  r.tables = {{"data/t.md", "Table 3", "# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"}};
  const auto html = studies::figures_report_html(r);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(html, Contains("<img src=\"fig2a_exp1_setting1.svg\""));
  CHECK_THAT(html, Contains("href=\"fig2a_exp1_setting1.png\""));
  CHECK_THAT(html, Contains("href=\"data/exp1.csv\""));
  CHECK(count(html, "<img ") == 1);
  CHECK_THAT(html, Contains("The error &lt;vs&gt; n."));
  CHECK_THAT(html, Contains("Slopes &amp; lines."));
  CHECK_THAT(html, Contains("neuroncert figures --out &#39;&lt;dir&gt;&#39;"));
  CHECK_THAT(html, Contains("/data &amp; more"));
  CHECK_THAT(html, Contains("9.9.9"));
  CHECK_THAT(html, Contains("42 (the master seed"));
  CHECK_THAT(html, Contains("--quick"));
  CHECK_THAT(html, Contains("1.25 s"));
  CHECK_THAT(html, Contains("gnuplot &lt;failed&gt;"));
  CHECK_THAT(html, Contains("The job sieve failed"));
  CHECK_THAT(html, Contains("<td><code>real-data</code></td><td class=\"status-not-run\">not run</td><td>-</td>"));
  CHECK_THAT(html, Contains("<th>a</th><th>b</th>"));
  CHECK_THAT(html, Contains("href=\"data/t.md\""));
  CHECK(count(html, "<script") == 0);
  CHECK(count(html, "http") == 0);  // nothing on the network
}

TEST_CASE("figures report: every figure of the job table has a caption and what to look for",
          "[studies][figures]") {
  std::set<std::string> names;
  for (const auto& job : studies::figure_jobs()) {
    for (const auto& f : job.figures) {
      INFO(f.name);
      CHECK_FALSE(f.caption.empty());
      CHECK_FALSE(f.look_for.empty());
      CHECK(names.insert(f.name).second);  // ids on the page are unique
    }
    for (const auto& t : job.tables) CHECK(t.file.size() > 3);
  }
  CHECK(names.size() == 15);
}

TEST_CASE("figures report: run_figure_jobs writes index.html beside figures.json, with the figures it drew",
          "[studies][figures]") {
  test::per_test_dir dir;
  studies::figures_options o;
  o.out = dir.dir;
  o.plots_dir = std::filesystem::path(NEURONCERT_SOURCE_DIR) / "plots";
  o.quick = true;
  o.threads = 1;
  std::filesystem::create_directories(dir.dir / "data");
  const auto made = studies::run_figure_jobs(o, studies::select_figure_jobs({"auroc-rate"}));
  CHECK(made.page == dir.dir / "index.html");
  std::ifstream in(made.page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(count(html, "<img ") == 1);
  CHECK_THAT(html, Contains("<img src=\"fig3a_auroc_rate.svg\""));
  CHECK_THAT(html, Contains("Fig. 3a"));
  CHECK_THAT(html, Contains("not read by these jobs"));
  CHECK_FALSE(std::filesystem::exists(dir.dir / "index.html.partial"));
}
