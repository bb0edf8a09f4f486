#pragma once
// The page of the main job: OUT/index.html, one static HTML file (no script, no network) that shows
// every figure a `neuroncert figures` run drew (its SVG, by a relative link), its caption, the
// paper's figure or table it stands for and what to look for in it, the Markdown tables the jobs
// wrote (as HTML tables), and the run's provenance: command line, seed, version, time per job.
// Every text is HTML-escaped. figures.cpp fills figures_report from the run and writes the page.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neuroncert::studies {

/// One figure on the page: NAME.svg and NAME.png in the output folder.
struct report_figure {
  std::string name, job;
  std::string paper;     ///< the paper's figure it stands for ("Fig. 2a"; "" when none)
  std::string caption;   ///< what it shows
  std::string look_for;  ///< what to look for in it
  std::string data;      ///< its tidy CSV, relative to the output folder ("data/exp1.csv")
  std::string script;    ///< the gnuplot script that drew it ("plots/fig2_exp1.gp"), shown as text
};

/// One Markdown table file a job wrote, shown as HTML.
struct report_table {
  std::string file;      ///< relative to the output folder ("data/be_stability_tables.md")
  std::string paper;     ///< the paper's table it stands for ("" when none)
  std::string markdown;  ///< the file's text
};

/// One job of the run, in run order.
struct report_job {
  std::string name, status;  ///< status: "done", "failed" or "not run"
  double seconds = 0;        ///< wall time (done and failed jobs)
  std::string error;         ///< why it failed
};

struct figures_report {
  std::string command_line, version, program;
  std::uint64_t seed = 0;
  bool quick = false;
  int threads = 0;
  std::string data_dir;     ///< where the model jobs read CIFAR and the weights ("": no job read it)
  std::string started_utc;  ///< "2025-12-18 10:00:00 UTC"
  double seconds = 0;       ///< the whole run
  std::vector<report_job> jobs;
  std::vector<report_figure> figures;  ///< only the figures this run drew
  std::vector<report_table> tables;    ///< only the tables this run wrote
};

/// `text` with &, <, >, " and ' replaced by entities: safe in element content and quoted attributes.
std::string html_escape(std::string_view text);

/// The subset of Markdown the jobs write, as HTML: ATX headings (shifted down `heading_shift`
/// levels), paragraphs, pipe tables (a header row, a |---| row, body rows), **bold** and `code`.
/// Everything else is escaped text.
std::string markdown_to_html(std::string_view markdown, int heading_shift = 2);

/// The whole page.
std::string figures_report_html(const figures_report& report);

}  // namespace neuroncert::studies
