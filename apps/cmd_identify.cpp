// neuroncert identify: explain every neuron by its best concept, with certified intervals and gaps.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <tbb/global_control.h>

#include "commands.hpp"
#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct identify_args {
  std::string activations, concepts, concept_names, metric_name, out = "identification", orientation_name = "paper";
  double alpha = 0.05, delta = 0.05, wpmi_lambda = 1.0, wpmi_eps = 1e-8;
  bool binary = false, auroc_strict = false, mad_standardised = false;
  int threads = 0;
};

std::vector<std::string> read_names(const std::string& path, Eigen::Index expected) {
  std::vector<std::string> names;
  if (path.empty()) {
    for (Eigen::Index c = 0; c < expected; ++c) names.push_back(fmt::format("concept_{}", c));
    return names;
  }
  std::ifstream in(path);
  if (!in) throw data_error(fmt::format("{}: cannot open concept names file", path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    names.push_back(line);
  }
  while (!names.empty() && names.back().empty()) names.pop_back();
  if (static_cast<Eigen::Index>(names.size()) != expected)
    throw data_error(fmt::format("{}: has {} names but the concept matrix has {} columns", path, names.size(), expected));
  return names;
}

nlohmann::json interval_json(const bounds::interval& i) { return {{"lower", i.lower}, {"upper", i.upper}}; }

void run_identify(const identify_args& a) {
  const metric m = parse_metric(a.metric_name);
  check_open_unit("--delta", a.delta);
  check_open_unit("--alpha", a.alpha);
  metric_options options;
  options.alpha = a.alpha;
  options.binary_activations = a.binary;
  options.auroc = a.auroc_strict ? auroc_convention::strict : auroc_convention::tie_corrected;
  options.mad_standardised = a.mad_standardised;
  options.wpmi_lambda = a.wpmi_lambda;
  options.wpmi_eps = a.wpmi_eps;
  options.recall_precision = a.orientation_name == "neuron-eval" ? orientation::neuron_eval : orientation::paper;
  check_metric_options(options);
  if (a.auroc_strict && !a.binary)
    throw invalid_argument("--auroc-strict is defined for binary activations only: add --binary");

  std::unique_ptr<tbb::global_control> limit;
  if (a.threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, a.threads);

  auto set = make_probing_set(io::read_npy_matrix(a.activations, "activations"),
                              io::read_npy_matrix(a.concepts, "concepts"));
  const auto names = read_names(a.concept_names, set.concept_count());
  const auto results = bounds::certify_identifications(set, m, options, a.delta);

  const std::string csv_path = a.out + ".csv", json_path = a.out + ".json";
  io::csv_writer csv(csv_path, {"neuron", "concept", "concept_name", "estimate", "skipped_concepts", "bound",
                                "effective_n", "rate", "certified_lower", "certified_upper", "cp_lower", "cp_upper",
                                "gap_to_best"});
  nlohmann::json neurons = nlohmann::json::array();
  Eigen::Index identified = 0, bounded = 0;
  double estimate_sum = 0.0, gap_sum = 0.0;
  for (std::size_t f = 0; f < results.size(); ++f) {
    const auto& r = results[f];
    nlohmann::json j = {{"neuron", f}, {"skipped_concepts", r.skipped}};
    if (r.concept_index < 0) {
      csv.write_row({f, io::csv_cell{}, "", io::csv_cell{}, r.skipped, "", io::csv_cell{}, io::csv_cell{},
                     io::csv_cell{}, io::csv_cell{}, io::csv_cell{}, io::csv_cell{}, io::csv_cell{}});
      j["concept"] = nullptr;
      j["note"] = "every concept is undefined for this neuron";
      neurons.push_back(j);
      continue;
    }
    ++identified;
    estimate_sum += r.estimate;
    const auto& name = names[static_cast<std::size_t>(r.concept_index)];
    j["concept"] = r.concept_index;
    j["concept_name"] = name;
    j["estimate"] = r.estimate;
    std::vector<io::csv_cell> row{f, r.concept_index, name, r.estimate, r.skipped};
    if (r.has_bound) {
      ++bounded;
      gap_sum += r.gap;
      j["bound"] = r.bound;
      j["effective_n"] = r.effective_n;
      j["rate"] = io::json_number(r.rate);
      j["certified_interval"] = interval_json(r.certified);
      j["gap_to_best"] = io::json_number(r.gap);
      row.insert(row.end(), {r.bound, r.effective_n, r.rate, r.certified.lower, r.certified.upper});
      if (r.clopper_pearson) {
        j["clopper_pearson"] = interval_json(*r.clopper_pearson);
        row.insert(row.end(), {r.clopper_pearson->lower, r.clopper_pearson->upper});
      } else {
        row.insert(row.end(), {io::csv_cell{}, io::csv_cell{}});
      }
      row.push_back(r.gap);
    } else {
      row.insert(row.end(), {"none", io::csv_cell{}, io::csv_cell{}, io::csv_cell{}, io::csv_cell{}, io::csv_cell{},
                             io::csv_cell{}, io::csv_cell{}});
    }
    csv.write_row(row);
    neurons.push_back(j);
  }
  csv.close();

  nlohmann::json report = {
      {"metadata", run_metadata()},
      {"inputs", {{"activations", a.activations}, {"concepts", a.concepts}, {"samples", set.samples()},
                  {"neurons", set.neurons()}, {"concepts_count", set.concept_count()}}},
      {"metric", to_string(m)},
      {"options", {{"alpha", a.alpha}, {"binary_activations", a.binary}, {"orientation", a.orientation_name},
                   {"auroc", a.auroc_strict ? "strict" : "tie_corrected"}, {"mad_standardised", a.mad_standardised},
                   {"wpmi_lambda", a.wpmi_lambda}, {"wpmi_eps", a.wpmi_eps}}},
      {"delta", a.delta},
      {"delta_per_concept", a.delta / static_cast<double>(set.concept_count())},
      {"guarantee",
       "per neuron, with probability >= 1 - delta simultaneously over its concepts: the population similarity of "
       "the chosen concept lies in certified_interval, and it is at most gap_to_best below the best concept "
       "(Theorem 3.1 and Corollary 3.2 with the union bound over |C|; rates at delta/|C|)"},
      {"assumptions",
       {"the probing samples are i.i.d. from the population",
        "the bounds treat the binarised neuron as fixed; top-alpha binarisation makes it depend weakly on the sample",
        "no correction across neurons: use delta/F for a guarantee over all neurons at once",
        "recall, precision and IoU rates are conditional on the effective sample size m"}},
      {"neurons", neurons}};
  io::write_json(json_path, report);

  fmt::print("identify: {} samples, {} neurons, {} concepts, metric {}\n", set.samples(), set.neurons(),
             set.concept_count(), to_string(m));
  fmt::print("  identified {}/{} neurons, mean estimate {:.4f}\n", identified, set.neurons(),
             identified ? estimate_sum / static_cast<double>(identified) : 0.0);
  if (bounded)
    fmt::print("  mean certified gap to the best concept {:.4f} (delta {} over {} concepts)\n",
               gap_sum / static_cast<double>(bounded), a.delta, set.concept_count());
  else
    fmt::print("  {} has no closed-form bound: use the bootstrap for stability\n", to_string(m));
  fmt::print("  wrote {} and {}\n", csv_path, json_path);
}

}  // namespace

void register_identify(CLI::App& app) {
  auto args = std::make_shared<identify_args>();
  auto* cmd = app.add_subcommand("identify", "Explain every neuron by its best concept, with certified intervals");
  cmd->add_option("--activations", args->activations, "Activations .npy, n samples x F neurons")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--concepts", args->concepts, "Concepts .npy, n samples x |C| (0/1 or probabilities)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--metric", args->metric_name, "Similarity metric: " + metric_names())->required();
  cmd->add_option("--alpha", args->alpha, "Top-alpha fraction that binarises a neuron, in (0,1)")->capture_default_str();
  cmd->add_option("--delta", args->delta, "Failure probability of the certificates, in (0,1)")->capture_default_str();
  cmd->add_flag("--binary", args->binary, "Activations are already 0/1 (no binarisation; AUROC from 2x2 counts)");
  cmd->add_option("--orientation", args->orientation_name,
                  "Recall/precision orientation: paper (neuron predicts concept) or neuron-eval (transpose)")->capture_default_str()
      ->check(CLI::IsMember({"paper", "neuron-eval"}));
  cmd->add_flag("--auroc-strict", args->auroc_strict, "Strict AUROC (TPR*TNR) of a binary neuron, as the paper's Table 1");
  cmd->add_flag("--mad-standardised", args->mad_standardised, "Divide MAD by std(z | c=0) (CoSy)");
  cmd->add_option("--wpmi-lambda", args->wpmi_lambda, "WPMI lambda")->capture_default_str();
  cmd->add_option("--wpmi-eps", args->wpmi_eps, "WPMI clamp eps in log(max(c, eps)), in (0,1)")->capture_default_str();
  cmd->add_option("--concept-names", args->concept_names, "Text file with one concept name per line")
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", args->out, "Output prefix: writes PREFIX.csv and PREFIX.json")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores); results do not depend on it")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args] { run_identify(*args); });
}

}  // namespace neuroncert::cli
