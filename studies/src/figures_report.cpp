// The page of the main job (figures_report.hpp).
#include "neuroncert/studies/figures_report.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

namespace neuroncert::studies {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

/// Escaped text with **bold** and `code` spans (unmatched markers stay as text).
std::string inline_markdown(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 2, "**") == 0) {
      const auto end = s.find("**", i + 2);
      if (end != std::string_view::npos && end > i + 2) {
        out += "<strong>" + inline_markdown(s.substr(i + 2, end - i - 2)) + "</strong>";
        i = end + 2;
        continue;
      }
    } else if (s[i] == '`') {
      const auto end = s.find('`', i + 1);
      if (end != std::string_view::npos && end > i + 1) {
        out += "<code>" + html_escape(s.substr(i + 1, end - i - 1)) + "</code>";
        i = end + 1;
        continue;
      }
    }
    const auto next = std::min(s.find("**", i + 1), s.find('`', i + 1));
    const auto stop = next == std::string_view::npos ? s.size() : next;
    out += html_escape(s.substr(i, stop - i));
    i = stop;
  }
  return out;
}

/// The cells of a pipe-table row: outer pipes dropped, split on | (not on an escaped \|).
std::vector<std::string> table_cells(std::string_view row) {
  row = trim(row);
  if (!row.empty() && row.front() == '|') row.remove_prefix(1);
  if (!row.empty() && row.back() == '|' && (row.size() < 2 || row[row.size() - 2] != '\\')) row.remove_suffix(1);
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      cells.emplace_back(trim(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  cells.emplace_back(trim(cell));
  return cells;
}

bool is_table_row(std::string_view line) { return !trim(line).empty() && trim(line).front() == '|'; }

/// |---|:--:|---| : the line under a table's header.
bool is_separator_row(std::string_view line) {
  line = trim(line);
  return is_table_row(line) && line.find('-') != std::string_view::npos &&
         line.find_first_not_of("|-: ") == std::string_view::npos;
}

std::string seconds_text(double s) { return s < 10 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s); }

const char* page_style = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; background: #fff; margin: 0 auto;
       max-width: 1120px; padding: 1.5em 2em 3em; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #d0d7de; padding-bottom: 0.2em; margin-top: 2em; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; background: #f3f4f6; padding: 0 0.2em;
       overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d0d7de; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
table.provenance th { width: 9em; }
.banner { background: #fff4ce; border: 1px solid #e0b400; padding: 0.5em 0.8em; }
.banner.failed { background: #ffe3e3; border-color: #d1242f; }
.status-failed { color: #d1242f; font-weight: bold; }
.status-not-run { color: #6e7781; }
nav ol { columns: 2; }
figure { margin: 2em 0 0; padding-top: 0.5em; border-top: 1px solid #d0d7de; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figure h3 { margin: 0.2em 0 0.5em; }
.paper { color: #0550ae; font-weight: normal; }
figcaption p { margin: 0.4em 0; }
.files { color: #57606a; font-size: 0.9em; }
section.table-file { margin-top: 1.5em; }
footer { margin-top: 3em; color: #57606a; font-size: 0.85em; }
)";

std::string figure_html(const report_figure& f) {
  const std::string name = html_escape(f.name), svg = html_escape(f.name + ".svg"),
                    png = html_escape(f.name + ".png");
  std::string alt = f.paper.empty() ? f.name : f.paper + ": " + f.name;
  std::string h = fmt::format("<figure id=\"fig-{}\">\n<h3>{}{}</h3>\n", name, name,
                              f.paper.empty() ? "" : " <span class=\"paper\">&middot; " + html_escape(f.paper) + "</span>");
  h += fmt::format("<a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a>\n<figcaption>\n", svg, svg, html_escape(alt));
  if (!f.caption.empty()) h += "<p>" + html_escape(f.caption) + "</p>\n";
  if (!f.look_for.empty()) h += "<p><strong>What to look for:</strong> " + html_escape(f.look_for) + "</p>\n";
  h += fmt::format("<p class=\"files\">Files: <a href=\"{}\">SVG</a> &middot; <a href=\"{}\">PNG</a>", svg, png);
  if (!f.data.empty())
    h += fmt::format(" &middot; data <a href=\"{}\"><code>{}</code></a>", html_escape(f.data), html_escape(f.data));
  if (!f.script.empty()) h += " &middot; drawn by <code>" + html_escape(f.script) + "</code>";
  h += fmt::format(" &middot; job <code>{}</code></p>\n</figcaption>\n</figure>\n", html_escape(f.job));
  return h;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_to_html(std::string_view markdown, int heading_shift) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= markdown.size();) {
    auto end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    lines.push_back(markdown.substr(start, end - start));
    start = end + 1;
  }
  std::string html, paragraph;
  const auto flush = [&] {
    if (!paragraph.empty()) html += "<p>" + inline_markdown(paragraph) + "</p>\n";
    paragraph.clear();
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = trim(lines[i]);
    if (line.empty()) {
      flush();
    } else if (line.front() == '#') {
      flush();
      const auto hashes = line.find_first_not_of('#');
      const auto level = static_cast<int>(hashes == std::string_view::npos ? line.size() : hashes);
      const int shown = std::clamp(level + heading_shift, 1, 6);
      const std::string_view text = hashes == std::string_view::npos ? std::string_view{} : trim(line.substr(hashes));
      html += fmt::format("<h{}>{}</h{}>\n", shown, inline_markdown(text), shown);
    } else if (is_table_row(line) && i + 1 < lines.size() && is_separator_row(lines[i + 1])) {
      flush();
      html += "<table>\n<thead><tr>";
      for (const auto& c : table_cells(line)) html += "<th>" + inline_markdown(c) + "</th>";
      html += "</tr></thead>\n<tbody>\n";
      for (i += 2; i < lines.size() && is_table_row(lines[i]); ++i) {
        html += "<tr>";
        for (const auto& c : table_cells(lines[i])) html += "<td>" + inline_markdown(c) + "</td>";
        html += "</tr>\n";
      }
      --i;
      html += "</tbody>\n</table>\n";
    } else {
      if (!paragraph.empty()) paragraph += ' ';
      paragraph += line;
    }
  }
  flush();
  return html;
}

std::string figures_report_html(const figures_report& r) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>neuroncert figures</title>\n<style>" + std::string(page_style) + "</style>\n</head>\n<body>\n";
  h += "<h1>neuroncert figures</h1>\n";
  h += fmt::format("<p>The figures and tables of <em>trustworthy neuron identification</em> as this run of "
                   "<code>neuroncert figures</code> made them: {} figure(s) and {} table(s). Each figure is an SVG "
                   "beside its PNG; the tidy data behind it is in <a href=\"data/\"><code>data/</code></a>, the "
                   "index of files in <a href=\"figures.json\"><code>figures.json</code></a>.</p>\n",
                   r.figures.size(), r.tables.size());
  if (r.quick)
    h += "<p class=\"banner\"><strong>--quick:</strong> few replicates and grid points. A smoke test, not the "
         "paper's figures.</p>\n";
  for (const auto& j : r.jobs)
    if (j.status == "failed")
      h += fmt::format("<p class=\"banner failed\"><strong>The job {} failed:</strong> {}. The page shows the jobs "
                       "that finished before it.</p>\n",
                       html_escape(j.name), html_escape(j.error));

  h += "<nav>\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#run\">The run</a></li>\n";
  for (const auto& f : r.figures)
    h += fmt::format("<li><a href=\"#fig-{}\">{}</a>{}</li>\n", html_escape(f.name), html_escape(f.name),
                     f.paper.empty() ? "" : " (" + html_escape(f.paper) + ")");
  for (std::size_t k = 0; k < r.tables.size(); ++k)
    h += fmt::format("<li><a href=\"#table-{}\">{}</a>{}</li>\n", k + 1, html_escape(r.tables[k].file),
                     r.tables[k].paper.empty() ? "" : " (" + html_escape(r.tables[k].paper) + ")");
  h += "</ol>\n</nav>\n";

  h += "<section id=\"run\">\n<h2>The run</h2>\n<table class=\"provenance\">\n";
  const auto row = [&](std::string_view key, const std::string& value_html) {
    h += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", key, value_html);
  };
  row("command line", "<code>" + html_escape(r.command_line) + "</code>");
  row("program", html_escape(r.program) + " " + html_escape(r.version));
  row("seed", fmt::format("{} (the master seed of every experiment)", r.seed));
  row("settings", r.quick ? "--quick (smoke test)" : "the paper's (full)");
  row("threads", r.threads == 0 ? std::string("all cores (results do not depend on it)")
                                : fmt::format("{} (results do not depend on it)", r.threads));
  row("data directory", r.data_dir.empty() ? std::string("not read by these jobs")
                                            : "<code>" + html_escape(r.data_dir) + "</code>");
  row("started", html_escape(r.started_utc));
  row("wall time", html_escape(seconds_text(r.seconds)));
  h += "</table>\n<table class=\"jobs\">\n<thead><tr><th>job</th><th>status</th><th>wall time</th><th>figures</th>"
       "</tr></thead>\n<tbody>\n";
  for (const auto& j : r.jobs) {
    std::string figs;
    for (const auto& f : r.figures)
      if (f.job == j.name)
        figs += (figs.empty() ? "" : ", ") + fmt::format("<a href=\"#fig-{}\">{}</a>", html_escape(f.name),
                                                          html_escape(f.name));
    std::string status = html_escape(j.status);
    if (!j.error.empty()) status += ": " + html_escape(j.error);
    std::string cls = j.status;
    std::replace(cls.begin(), cls.end(), ' ', '-');
    h += fmt::format("<tr><td><code>{}</code></td><td class=\"status-{}\">{}</td><td>{}</td><td>{}</td></tr>\n",
                     html_escape(j.name), html_escape(cls), status,
                     j.status == "not run" ? std::string("-") : html_escape(seconds_text(j.seconds)), figs);
  }
  h += "</tbody>\n</table>\n</section>\n";

  if (!r.figures.empty()) {
    h += "<section id=\"figures\">\n<h2>Figures</h2>\n";
    for (const auto& f : r.figures) h += figure_html(f);
    h += "</section>\n";
  }
  if (!r.tables.empty()) {
    h += "<section id=\"tables\">\n<h2>Tables</h2>\n";
    for (std::size_t k = 0; k < r.tables.size(); ++k) {
      const auto& t = r.tables[k];
      h += fmt::format("<section class=\"table-file\" id=\"table-{}\">\n<h3><code>{}</code>{}</h3>\n", k + 1,
                       html_escape(t.file),
                       t.paper.empty() ? "" : " <span class=\"paper\">&middot; " + html_escape(t.paper) + "</span>");
      h += markdown_to_html(t.markdown, 3);
      h += fmt::format("<p class=\"files\">Source: <a href=\"{}\"><code>{}</code></a></p>\n</section>\n",
                       html_escape(t.file), html_escape(t.file));
    }
    h += "</section>\n";
  }
  h += fmt::format("<footer>Written by {} {} with the figures; static HTML, no script.</footer>\n</body>\n</html>\n",
                   html_escape(r.program), html_escape(r.version));
  return h;
}

}  // namespace neuroncert::studies
