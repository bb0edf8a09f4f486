#include "neuroncert/studies/advise_records.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/file_bytes.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/range_checks.hpp"
#include "neuroncert/sim/sampling.hpp"
#include "neuroncert/core/strict_numbers.hpp"
#include "neuroncert/studies/gnuplot.hpp"
#include "neuroncert/studies/record.hpp"

namespace neuroncert::studies {
namespace {

double parse_frequency(std::string_view text, std::string_view what) {
  const std::string err = finite_double_error(text);
  if (!err.empty()) throw invalid_argument(fmt::format("{} {}", what, err));
  return std::stod(std::string(text));
}

}  // namespace

std::vector<double> advise_frequencies(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return {parse_frequency(text, "--frequency")};
  const double lo = parse_frequency(text.substr(0, colon), "--frequency"), hi = parse_frequency(text.substr(colon + 1), "--frequency");
  if (!(lo > 0.0 && lo < hi && hi < 1.0))
    throw invalid_argument(fmt::format("--frequency LO:HI needs 0 < LO < HI < 1, got '{}'", text));
  std::vector<double> out;
  for (int i = 0; i < 5; ++i) out.push_back(std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / 4.0));
  return out;
}

std::pair<std::int64_t, std::int64_t> advise_budget(const std::string& text) {
  const auto colon = text.find(':');
  const auto whole = [&](std::string_view part) -> std::int64_t {
    const strict_integer v = parse_strict_integer(part, false);
    if (!v.error.empty()) throw invalid_argument(fmt::format("--budget {} (in '{}')", v.error, text));
    return std::stoll(v.canonical);
  };
  if (colon == std::string::npos) throw invalid_argument(fmt::format("--budget takes LO:HI (two probing-set sizes), got '{}'", text));
  const std::int64_t lo = whole(std::string_view(text).substr(0, colon)), hi = whole(std::string_view(text).substr(colon + 1));
  if (!(lo >= 1 && lo < hi && hi <= sim::max_probing_set_size))
    throw invalid_argument(fmt::format("--budget LO:HI needs 1 <= LO < HI <= {}, got '{}'", sim::max_probing_set_size, text));
  return {lo, hi};
}

std::vector<double> advise_frequency_file(const std::filesystem::path& path) {
  const std::string text = io::read_whole_file(path, fmt::format("--frequency-file {}: ", path.string()));
  std::vector<double> out;
  std::istringstream lines(text);
  std::string line;
  for (int no = 1; std::getline(lines, line); ++no) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string err = finite_double_error(line);
    if (!err.empty()) throw data_error(fmt::format("{}: line {}: frequency {}", path.string(), no, err));
    const double r = std::stod(line);
    if (!(r > 0.0 && r < 1.0)) throw data_error(fmt::format("{}: line {}: frequency must lie in (0, 1), got {}", path.string(), no, line));
    out.push_back(r);
  }
  if (out.empty()) throw data_error(fmt::format("{}: no frequency in the file", path.string()));
  return out;
}

advise_setup advise_setup_from(const advise_settings& s, const option_given& given) {
  advise_setup out;
  advise_inputs& in = out.inputs;
  in.concepts = s.concepts;
  in.delta = s.delta;
  in.n = s.n;
  in.epsilon = s.epsilon;
  if (s.margin) {
    if (s.epsilon) throw invalid_argument("give --epsilon or --margin, not both (--margin Delta means epsilon = Delta/2)");
    if (!(*s.margin > 0.0 && *s.margin < 2.0))
      throw invalid_argument(fmt::format("--margin must lie in (0, 2) (epsilon = Delta/2 in (0, 1)), got {}", *s.margin));
    in.margin = s.margin;
    in.epsilon = *s.margin / 2.0;
  }
  if (s.budget) {
    if (s.n) throw invalid_argument("give --n or --budget, not both (--budget LO:HI evaluates at n = HI)");
    in.budget = advise_budget(*s.budget);
    in.n = in.budget->second;
  }
  if (s.frequency && s.frequency_list) throw invalid_argument("give --frequency or --frequency-file, not both");
  if (s.frequency) in.frequencies = advise_frequencies(*s.frequency);
  if (s.frequency_list) {
    in.frequencies = *s.frequency_list;
    for (const double r : in.frequencies)
      if (!(r > 0.0 && r < 1.0)) throw invalid_argument(fmt::format("--frequency-file: frequency must lie in (0, 1), got {}", r));
    if (!given("--concepts")) in.concepts = static_cast<std::int64_t>(in.frequencies.size());  // the file is the concept set
  }
  if (s.matrix) in.matrix = sim::parse_cell_matrix(*s.matrix, "--matrix");
  in.recall = s.recall;
  in.precision = s.precision;
  in.alpha = s.alpha;
  if (s.pilot_activations || s.pilot_concepts) {
    if (!s.pilot_activations || !s.pilot_concepts) throw invalid_argument("give both --pilot-activations and --pilot-concepts");
    for (const char* option : {"--frequency", "--frequency-file", "--matrix", "--neuron-recall", "--neuron-precision", "--alpha"})
      reject_unused_option(option, given(option), "with a pilot (the pilot gives the frequencies and the agreement)");
    metric_options o;
    o.alpha = s.pilot_alpha;
    check_metric_options(o);
    out.pilot = estimate_pilot(*s.pilot_activations, *s.pilot_concepts, o);
    in.frequencies = out.pilot->frequencies;
    in.recall = out.pilot->recall;
    in.alpha = out.pilot->alpha;
    if (!given("--concepts")) in.concepts = static_cast<std::int64_t>(out.pilot->frequencies.size());
  } else {
    reject_unused_option("--pilot-alpha", given("--pilot-alpha"), "without a pilot (--pilot-activations, --pilot-concepts)");
  }
  for (const auto& name : s.metrics) in.metrics.push_back(parse_metric(name));
  check_count("--precision", s.precision_level, 1, 1000, "x 1000 simulated probing sets per frequency");
  in.replicates = 1000 * s.precision_level;
  in.sanity_seeds = s.sanity_seeds;
  if (s.sanity_orientation != "paper" && s.sanity_orientation != "neuron-eval")
    throw invalid_argument(
        fmt::format("--sanity-orientation must be 'paper' or 'neuron-eval', got '{}'", s.sanity_orientation));
  in.sanity_orientation = s.sanity_orientation == "paper" ? orientation::paper : orientation::neuron_eval;
  in.seed = s.seed;
  return out;
}

namespace {

record_layout<advise_row> row_layout() {

  using R = advise_row;
  return {{"metric", "metric", [](const R& x) { return field_value(to_string(x.m)); }},
          {"frequency", "frequency", [](const R& x) { return field_value(x.rho); }},
          {"population_value", "population_value", [](const R& x) { return field_value(x.population); }},
          {"certified_rate", "certified_rate", [](const R& x) { return field_value(x.certified_rate); }},
          {"clopper_pearson_radius", "clopper_pearson_radius", [](const R& x) { return field_value(x.cp_radius); }},
          {"n_needed", "n_needed", [](const R& x) { return field_value(x.n_needed); }},
          {"n_needed_exact", "n_needed_exact", [](const R& x) { return field_value(x.n_needed_exact); }},
          {"simulated_error_q95", "simulated_error_q95", [](const R& x) { return field_value(x.simulated_q95); }},
          {"simulated_undefined_fraction", "simulated_undefined_fraction",
           [](const R& x) { return field_value(x.simulated_undefined); }},
          {"undefined_risk", "undefined_risk", [](const R& x) { return field_value(x.undefined_risk); }}};
}

record_layout<advise_summary> summary_layout() {

  using S = advise_summary;
  return {{"rank", "rank", [](const S& x) { return field_value(x.rank); }},
          {"metric", "metric", [](const S& x) { return field_value(to_string(x.m)); }},
          {"recommended", "recommended", [](const S& x) { return field_value(x.recommended); }},
          {"passes_missing_labels", "passes_missing_labels", [](const S& x) { return field_value(x.sanity.passes_missing); }},
          {"passes_extra_labels", "passes_extra_labels", [](const S& x) { return field_value(x.sanity.passes_extra); }},
          {"certified_error", "certified_error", [](const S& x) { return field_value(x.worst_certified); }},
          {"n_needed", "n_needed", [](const S& x) { return field_value(x.n_needed); }},
          {"n_needed_exact", "n_needed_exact", [](const S& x) { return field_value(x.n_needed_exact); }},
          {"simulated_error_q95", "simulated_error_q95", [](const S& x) { return field_value(x.worst_simulated); }},
          {"simulated_n_needed", "simulated_n_needed", [](const S& x) { return field_value(x.simulated_n_needed); }},
          {"undefined_risk_per_concept", "undefined_risk_per_concept",
           [](const S& x) { return field_value(x.worst_undefined_risk); }},
          {"reason", "reason", [](const S& x) { return field_value(x.reason); }}};
}

record_layout<sim::sanity_cell> sanity_layout() {

  using C = sim::sanity_cell;
  return {{"metric", "metric", [](const C& x) { return field_value(to_string(x.m)); }},
          {"test", "test", [](const C& x) { return field_value(sim::to_string(x.test)); }},
          {"frequency", "frequency", [](const C& x) { return field_value(x.gamma); }},
          {"positives", "positives", [](const C& x) { return field_value(x.positives); }},
          {"mean_decrease", "mean_decrease", [](const C& x) { return field_value(x.mean_decrease); }},
          {"detection_rate", "detection_rate", [](const C& x) { return field_value(x.detection_rate); }},
          {"undefined", "undefined", [](const C& x) { return field_value(x.undefined); }}};
}

record_layout<advise_identification> identification_layout() {

  using I = advise_identification;
  return {{"metric", "metric", [](const I& x) { return field_value(to_string(x.m)); }},
          {"probability_correct", "probability_correct", [](const I& x) { return field_value(x.probability_correct); }},
          {"gap_q95", "gap_q95", [](const I& x) { return field_value(x.gap_q95); }},
          {"none_defined", "none_defined", [](const I& x) { return field_value(x.none_defined); }}};
}

// A curve point in the tidy layout the gnuplot scripts read (plots/common.gp):
// experiment,setting,metric,n,quantity,value.
struct curve_value {
  const advise_curve_point* p;
  const char* quantity;
  std::optional<double> value;
};

record_layout<curve_value> curve_layout() {

  return {{"experiment", "experiment", [](const curve_value&) { return field_value("advise"); }},
          {"setting", "setting", [](const curve_value&) { return field_value("curve"); }},
          {"metric", "metric", [](const curve_value& x) { return field_value(to_string(x.p->m)); }},
          {"n", "n", [](const curve_value& x) { return field_value(x.p->n); }},
          {"quantity", "quantity", [](const curve_value& x) { return field_value(x.quantity); }},
          {"value", "value", [](const curve_value& x) { return field_value::or_null(x.value); }}};
}

void write_figure(const advise_files& a, const advise_inputs& in, const advise_result& r, io::output_transaction& outputs) {
  const std::string csv = a.prefix + "_curves.csv";
  record_writer<curve_value> curves(curve_layout(), csv, &outputs);
  std::string metrics;
  for (const auto& p : r.curves) {
    curves.write({&p, "simulated_q95", p.simulated_q95});
    curves.write({&p, "certified", p.certified});
  }
  curves.close();
  std::string certified;  // positions in `metrics` of the metrics with a certified curve
  for (std::size_t i = 0; i < r.summaries.size(); ++i) {
    const metric m = r.summaries[i].m;
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "" + std::string.
    if (!metrics.empty()) metrics += ' ';
    metrics += to_string(m);
    for (const auto& p : r.curves)
      if (p.m == m && p.certified) {
        if (!certified.empty()) certified += ' ';
        certified += std::to_string(i + 1);
        break;
      }
  }
  // The CSV is staged, not yet in place: gnuplot reads a copy written beside the figure's stem.
  const std::string stem = a.prefix + "_figure.partial", data = a.prefix + "_curves.partial.csv";
  {
    std::ofstream copy(data);
    copy << "experiment,setting,metric,n,quantity,value\n";
    for (const auto& p : r.curves)
      for (const auto& [q, v] : {std::pair{"simulated_q95", p.simulated_q95}, std::pair{"certified", p.certified}})
        if (v && std::isfinite(*v)) copy << fmt::format("advise,curve,{},{},{},{}\n", to_string(p.m), p.n, q, *v);
  }
  for (const char* ext : {".png", ".svg"}) outputs.stage(stem + ext, a.prefix + "_figure" + ext);
  try {
    run_gnuplot(a.plots_dir / "advise.gp",
                         fmt::format("dir={}; csv={}; out={}; metrics={}; certified={}; nuser={}; epsilon={}",
                                     gnuplot_string((a.plots_dir / "").string()), gnuplot_string(data),
                                     gnuplot_string(stem), gnuplot_string(metrics),
                                     gnuplot_string(certified), r.n, in.epsilon.value_or(0.0)));
  } catch (...) {
    std::filesystem::remove(data);
    throw;
  }
  std::filesystem::remove(data);
}

}  // namespace

void write_advise(const advise_files& a, const advise_inputs& in, const advise_result& r,
                  io::output_transaction& outputs) {
  record_writer<advise_row> rows(row_layout(), a.prefix + "_rows.csv", &outputs);
  for (const auto& x : r.rows) rows.write(x);
  rows.close();
  record_writer<advise_summary> ranking(summary_layout(), a.prefix + "_ranking.csv", &outputs);
  for (const auto& x : r.summaries) ranking.write(x);
  ranking.close();
  record_writer<sim::sanity_cell> sanity(sanity_layout(), a.prefix + "_sanity.csv", &outputs);
  for (const auto& x : r.sanity.cells) sanity.write(x);
  sanity.close();
  if (!r.identification.empty()) {
    record_writer<advise_identification> ident(identification_layout(),
                                                                 a.prefix + "_identification.csv", &outputs);
    for (const auto& x : r.identification) ident.write(x);
    ident.close();
  } else {
    outputs.remove_on_commit(a.prefix + "_identification.csv");  // a stale file of an earlier run
  }
  if (a.figure) write_figure(a, in, r, outputs);
  nlohmann::json j = advise_json(in, r);
  j["metadata"] = a.metadata;
  io::write_json(a.prefix + ".json", j, &outputs);
}

}  // namespace neuroncert::studies
