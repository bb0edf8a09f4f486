// neuroncert identify: explain every neuron by its best concept, with certified intervals and gaps;
// with --bootstrap K also the stability of the explanation (THEORY.md sec. 5): selection
// frequencies over K resamples, the BE prediction set (Algorithm 1), the top-1 frequency, the
// 90%-coverage set size and the corrected Theorem 4.1 bound with a labelled plug-in margin.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/progress_bar.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "option_checks.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct identify_args {
  std::string activations, concepts, concept_names, metric_name, out = "identification", orientation_name = "paper";
  double alpha = 0.05, delta = 0.05, wpmi_lambda = 1.0, wpmi_eps = 1e-8;
  bool binary = false, auroc_strict = false, mad_standardised = false;
  int threads = 0;
  // Bootstrap (THEORY.md sec. 5); `bootstrap` = 0 means off, the CLI11 counts tell what was given.
  std::int64_t bootstrap = 0, threshold = 0;
  double threshold_fraction = 0.95;
  std::uint64_t seed = 20251218;
  bool progress = false, no_progress = false;
  CLI::Option *bootstrap_opt = nullptr, *threshold_opt = nullptr, *fraction_opt = nullptr, *seed_opt = nullptr;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

/// Options that only some metrics read are refused for the others, so none is silently ignored.
void reject_unused_metric_options(const identify_args& a, metric m) {
  const std::string for_metric = fmt::format("for metric {}", to_string(m));
  const bool binarised = is_count_metric(m) || m == metric::wpmi;
  if (a.binary)
    reject_if_given(*a.cmd, "--alpha", "with --binary (the activations are already 0/1)");
  else if (!binarised)
    reject_if_given(*a.cmd, "--alpha", for_metric + " (it ranks the activations; only count metrics and wpmi "
                                                    "binarise them)");
  if (m != metric::wpmi) {
    reject_if_given(*a.cmd, "--wpmi-lambda", for_metric);
    reject_if_given(*a.cmd, "--wpmi-eps", for_metric);
  }
  if (m != metric::mad) reject_if_given(*a.cmd, "--mad-standardised", for_metric);
  if (m != metric::recall && m != metric::precision) reject_if_given(*a.cmd, "--orientation", for_metric);
  if (m != metric::auroc) reject_if_given(*a.cmd, "--auroc-strict", for_metric);
}

/// The BE threshold t from the options (validated against K): one line, exit 2 when bad.
std::int64_t be_threshold(const identify_args& a) {
  if (a.threshold_opt->count() > 0) {
    if (a.threshold < 1 || a.threshold > a.bootstrap)
      throw invalid_argument(
          fmt::format("--threshold must be in (0, K] = (0, {}], got {}", a.bootstrap, a.threshold));
    return a.threshold;
  }
  if (!(a.threshold_fraction > 0.0 && a.threshold_fraction <= 1.0))
    throw invalid_argument(fmt::format("--threshold-fraction must be in (0, 1], got {}", a.threshold_fraction));
  return bounds::threshold_from_fraction(a.threshold_fraction, a.bootstrap);
}

std::string join_concepts(const std::vector<std::int64_t>& s, const std::vector<std::string>* names) {
  std::string out;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (k) out += ';';
    out += names ? (*names)[static_cast<std::size_t>(s[k])] : std::to_string(s[k]);
  }
  return out;
}

std::vector<std::string> read_names(const std::string& path, Eigen::Index expected) {
  std::vector<std::string> names;
  if (path.empty()) {
    for (Eigen::Index c = 0; c < expected; ++c) names.push_back(fmt::format("concept_{}", c));
    return names;
  }
  return io::read_names_file(path, static_cast<std::size_t>(expected));
}

nlohmann::json interval_json(const bounds::interval& i) { return {{"lower", i.lower}, {"upper", i.upper}}; }

/// The plug-in Theorem 4.1 bound of one neuron: Delta = the observed margin between the two best
/// full-set estimates, p from the metric's closed-form rate; null with a reason otherwise.
nlohmann::json plugin_bound(const similarity_matrix& full, Eigen::Index f, metric m, double n, double effective_n,
                            double rho, std::int64_t K, std::int64_t t, std::int64_t concepts) {
  nlohmann::json j;
  const auto kind = bounds::rate_kind_for(m);
  if (!kind) {
    j["bound"] = nullptr;
    j["reason"] = fmt::format("{} has no closed-form rate, so p cannot be derived from a margin", to_string(m));
    return j;
  }
  double best = -INFINITY, second = -INFINITY;
  for (Eigen::Index c = 0; c < full.value.cols(); ++c) {
    if (full.reason(f, c) != 0) continue;
    const double v = full.value(f, c);
    if (v > best) {
      second = best;
      best = v;
    } else if (v > second) {
      second = v;
    }
  }
  if (!std::isfinite(second)) {
    j["bound"] = nullptr;
    j["reason"] = "fewer than two defined concepts: no margin";
    return j;
  }
  const double margin = best - second;
  j["plugin_margin"] = margin;
  if (!(margin > 0.0)) {
    j["bound"] = nullptr;
    j["reason"] = "the two best full-set estimates tie: observed margin 0";
    return j;
  }
  bounds::rate_spec spec{*kind, 0.5};
  double n_used = n;
  if (*kind == bounds::rate_kind::effective_sample_size) n_used = effective_n;
  if (*kind == bounds::rate_kind::agarwal_auroc) {
    if (!(rho > 0.0 && rho < 1.0)) {
      j["bound"] = nullptr;
      j["reason"] = "the chosen concept has no positives or no negatives";
      return j;
    }
    spec.rho = rho;
  }
  if (!(n_used > 0.0)) {
    j["bound"] = nullptr;
    j["reason"] = "effective sample size 0";
    return j;
  }
  const double p = bounds::p_from_margin(spec, n_used, margin, concepts);
  j["p"] = p;
  j["bound"] = bounds::be_coverage_corrected(K, t, p);
  j["bound_tightened"] = bounds::be_coverage_tightened(K, t, p);
  j["paper_eq9_at_t"] = bounds::paper_eq9(K, t, p);
  return j;
}

nlohmann::json run_bootstrap(const identify_args& a, const probing_set& set, metric m, const metric_options& options,
                             std::int64_t threshold, const std::vector<bounds::certified_identification>& results,
                             const std::vector<std::string>& names, nlohmann::json& neurons,
                             const std::string& boot_csv_path, const std::string& sets_csv_path,
                             io::output_transaction& outputs) {
  const std::int64_t K = a.bootstrap;
  const auto C = set.concept_count();
  const double n = static_cast<double>(set.samples());
  const Eigen::RowVectorXd positives = set.concepts.colwise().sum();
  const auto full = all_pairs_similarity(set, m, options);
  io::csv_writer boot_csv(boot_csv_path, {"neuron", "concept", "concept_name", "count", "frequency"}, &outputs);
  io::csv_writer sets_csv(sets_csv_path,
                          {"neuron", "full_set_concept", "top_concept", "top1_frequency", "coverage90_size",
                           "unidentified", "threshold", "be_set_size", "be_cumulative", "be_reached", "be_set",
                           "be_set_names", "plugin_margin", "p_plugin", "bound_corrected", "bound_tightened"},
                          &outputs);
  double top1_sum = 0.0, cov_sum = 0.0, be_sum = 0.0;
  std::int64_t full_in_set = 0;
  const bool bar = !a.no_progress && (a.progress || isatty(fileno(stderr)));
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  bootstrap_request q;
  q.which = m;
  q.options = options;
  q.resamples = K;
  q.seed = a.seed;
  progress_bar drawn("bootstrap", "neuron-resamples");
  if (bar) q.progress = [&](std::int64_t done, std::int64_t total) { drawn.update(done, total); };
  // Finished neurons are written (and flushed) as soon as their counts are final, into the
  // ".partial" files, so an interrupted run keeps every neuron it finished, under a name that
  // says the file is incomplete; the files take their own names when the run completes.
  q.neurons_done = [&](Eigen::Index begin, Eigen::Index end, const ensemble_counts& e) {
    for (Eigen::Index f = begin; f < end; ++f) {
      std::vector<std::int64_t> counts(static_cast<std::size_t>(C));
      for (Eigen::Index c = 0; c < C; ++c) counts[static_cast<std::size_t>(c)] = e.counts(f, c);
      std::vector<Eigen::Index> present;
      for (Eigen::Index c = 0; c < C; ++c)
        if (counts[static_cast<std::size_t>(c)] > 0) present.push_back(c);
      std::stable_sort(present.begin(), present.end(), [&](Eigen::Index x, Eigen::Index y) {
        return counts[static_cast<std::size_t>(x)] > counts[static_cast<std::size_t>(y)];
      });
      nlohmann::json freq = nlohmann::json::array();
      for (Eigen::Index c : present) {
        const auto k = counts[static_cast<std::size_t>(c)];
        const double fr = static_cast<double>(k) / static_cast<double>(K);
        boot_csv.write_row({f, c, names[static_cast<std::size_t>(c)], k, fr});
        freq.push_back({{"concept", c}, {"concept_name", names[static_cast<std::size_t>(c)]}, {"count", k},
                        {"frequency", fr}});
      }
      const auto s = summarize_stability(counts, K);
      const auto be = be_prediction_set(counts, threshold);
      const auto& r = results[static_cast<std::size_t>(f)];
      const double rho = r.concept_index >= 0 ? positives(r.concept_index) / n : 0.0;
      auto pb = plugin_bound(full, f, m, n, r.effective_n, rho, K, threshold, C);
      top1_sum += s.top1_frequency;
      cov_sum += static_cast<double>(s.coverage90_size);
      be_sum += static_cast<double>(be.concepts.size());
      if (r.concept_index >= 0 &&
          std::find(be.concepts.begin(), be.concepts.end(), r.concept_index) != be.concepts.end())
        ++full_in_set;
      const auto cell = [](const nlohmann::json& j, const char* key) {
        return j.contains(key) && j[key].is_number() ? io::csv_cell{j[key].get<double>()} : io::csv_cell{};
      };
      sets_csv.write_row({f, r.concept_index >= 0 ? io::csv_cell{r.concept_index} : io::csv_cell{},
                          s.top_concept >= 0 ? io::csv_cell{s.top_concept} : io::csv_cell{}, s.top1_frequency,
                          s.coverage90_size, e.unidentified(f), threshold,
                          static_cast<std::int64_t>(be.concepts.size()), be.cumulative, be.reached ? "true" : "false",
                          join_concepts(be.concepts, nullptr), join_concepts(be.concepts, &names),
                          cell(pb, "plugin_margin"), cell(pb, "p"), cell(pb, "bound"), cell(pb, "bound_tightened")});
      nlohmann::json j = {{"frequencies", freq},
                          {"unidentified_resamples", e.unidentified(f)},
                          {"top_concept", s.top_concept >= 0 ? nlohmann::json(s.top_concept) : nlohmann::json()},
                          {"top1_frequency", s.top1_frequency},
                          {"coverage90_size", s.coverage90_size},
                          {"be_set", be.concepts},
                          {"be_set_names", join_concepts(be.concepts, &names)},
                          {"be_cumulative", be.cumulative},
                          {"be_reached", be.reached},
                          {"theorem_4_1", pb}};
      neurons[static_cast<std::size_t>(f)]["bootstrap"] = j;
    }
  };
  bootstrap_ensemble(set, q);
  boot_csv.close();
  sets_csv.close();
  const double F = static_cast<double>(set.neurons());
  return {
      {"resamples", K},
      {"seed", a.seed},
      {"threshold", threshold},
      {"threshold_fraction", a.threshold_opt->count() > 0 ? nlohmann::json() : nlohmann::json(a.threshold_fraction)},
      {"seconds", seconds()},
      {"resampling", "multiplicities w ~ Multinomial(n, 1/n) per resample, stream (seed, resample index)"},
      {"files", {{"frequencies", boot_csv_path}, {"be_sets", sets_csv_path}}},
      {"neurons_finished", set.neurons()},
      {"complete", true},
      {"summary",
       {{"mean_top1_frequency", top1_sum / F},
        {"mean_coverage90_size", cov_sum / F},
        {"mean_be_set_size", be_sum / F},
        {"full_set_concept_in_be_set", full_in_set}}},
      {"theorem_4_1",
       {{"statement", "P(c* in S) >= P(Binomial(K, p) <= t - 1) (corrected Theorem 4.1, THEORY.md sec. 5); "
                      "tightened: P(Binomial(K, p) <= max(t, ceil(K/2)) - 1)"},
        {"assumptions",
         {"(1) the population-best concept c* is in the concept set C",
          "(2) margin: sim(c*) >= sim(c) + Delta for every other concept c",
          "(3) the K identifications are independent and each returns c* with probability >= 1 - p, "
          "p solving r(n, p/|C|) = Delta/2 (Lemma B.2)"}},
        {"plugin",
         "Delta is unknown on real data: it is replaced by the observed margin between the two best full-set "
         "estimates (a plug-in, not a certified value); p uses the metric's closed-form rate (n for accuracy, "
         "the chosen concept's effective n for recall/precision/IoU, its frequency rho for AUROC); metrics "
         "without a closed-form rate report null"},
        {"caveat", bounds::be_coverage_caveat}}}};
}

void run_identify(identify_args a) {
  const metric m = parse_metric(a.metric_name);
  check_output_prefix("--out", a.out);
  check_threads("--threads", a.threads);
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
  reject_unused_metric_options(a, m);
  const bool bootstrap = a.bootstrap_opt->count() > 0;
  std::int64_t threshold = 0;
  if (bootstrap) {
    if (a.bootstrap < 1) throw invalid_argument(fmt::format("--bootstrap K must be at least 1, got {}", a.bootstrap));
    if (a.bootstrap > max_resamples)
      throw invalid_argument(fmt::format("--bootstrap K must be at most {} (the paper uses 100), got {}", max_resamples,
                                         a.bootstrap));
    threshold = be_threshold(a);
  } else if (a.threshold_opt->count() + a.fraction_opt->count() + a.seed_opt->count() > 0) {
    throw invalid_argument("--threshold, --threshold-fraction and --seed need --bootstrap K");
  }

  const thread_limit limit(a.threads);

  auto set = make_probing_set(io::read_npy_matrix(a.activations, "activations"),
                              io::read_npy_matrix(a.concepts, "concepts"));
  const auto names = read_names(a.concept_names, set.concept_count());
  if (bootstrap) check_memory("--bootstrap", bootstrap_memory_bytes(set.samples(), set.neurons(), a.bootstrap),
                              "the resamples' multiplicities and winners");
  const auto results = bounds::certify_identifications(set, m, options, a.delta);

  const std::string csv_path = a.out + ".csv", json_path = a.out + ".json";
  const std::string boot_csv_path = a.out + "_bootstrap.csv", sets_csv_path = a.out + "_be_sets.csv";
  io::output_transaction outputs;
  io::csv_writer csv(csv_path, {"neuron", "concept", "concept_name", "estimate", "skipped_concepts", "bound",
                                "effective_n", "rate", "certified_lower", "certified_upper", "cp_lower", "cp_upper",
                                "gap_to_best"},
                     &outputs);
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

  nlohmann::json boot_json;
  if (bootstrap) {
    boot_json = run_bootstrap(a, set, m, options, threshold, results, names, neurons, boot_csv_path, sets_csv_path,
                              outputs);
  } else {  // an earlier --bootstrap run's files would otherwise sit beside these, looking current
    outputs.remove_on_commit(boot_csv_path);
    outputs.remove_on_commit(sets_csv_path);
  }

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
  if (bootstrap) report["bootstrap"] = boot_json;
  io::write_json(json_path, report, &outputs);
  commit_outputs(outputs);

  fmt::print("identify: {} samples, {} neurons, {} concepts, metric {}\n", set.samples(), set.neurons(),
             set.concept_count(), to_string(m));
  fmt::print("  identified {}/{} neurons, mean estimate {:.4f}\n", identified, set.neurons(),
             identified ? estimate_sum / static_cast<double>(identified) : 0.0);
  if (bounded)
    fmt::print("  mean certified gap to the best concept {:.4f} (delta {} over {} concepts)\n",
               gap_sum / static_cast<double>(bounded), a.delta, set.concept_count());
  else
    fmt::print("  {} has no closed-form bound: use the bootstrap for stability\n", to_string(m));
  if (bootstrap) {
    const auto& sm = boot_json["summary"];
    fmt::print("  bootstrap K = {}, t = {}: mean top-1 frequency {:.3f}, mean 90%-coverage set size {:.2f}, "
               "mean BE set size {:.2f} ({:.1f} s)\n",
               a.bootstrap, threshold, sm["mean_top1_frequency"].get<double>(),
               sm["mean_coverage90_size"].get<double>(), sm["mean_be_set_size"].get<double>(),
               boot_json["seconds"].get<double>());
    fmt::print("  wrote {}, {}, {} and {}\n", csv_path, boot_csv_path, sets_csv_path, json_path);
  } else {
    fmt::print("  wrote {} and {}\n", csv_path, json_path);
  }
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
  cmd->add_option("--out", args->out, "Output prefix: writes PREFIX.csv and PREFIX.json (and the bootstrap files)")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Worker threads (0 = all cores); results do not depend on it")->capture_default_str();
  args->bootstrap_opt = cmd->add_option("--bootstrap", args->bootstrap,
                                        "Bootstrap ensemble with K resamples: selection frequencies, BE sets "
                                        "(writes PREFIX_bootstrap.csv and PREFIX_be_sets.csv)");
  args->fraction_opt = cmd->add_option("--threshold-fraction", args->threshold_fraction,
                                       "BE threshold as a fraction tau in (0,1]: t = ceil(tau K)")
                           ->capture_default_str();
  args->threshold_opt = cmd->add_option("--threshold", args->threshold, "BE threshold t in (0, K] (instead of tau)");
  args->threshold_opt->excludes(args->fraction_opt);
  args->seed_opt = cmd->add_option("--seed", args->seed, "Seed of the bootstrap resamples (unsigned 64-bit integer)")
                       ->capture_default_str();
  cmd->add_flag("--progress", args->progress, "Always draw the bootstrap progress bar (default: when stderr is a terminal)");
  cmd->add_flag("--no-progress", args->no_progress, "Never draw the progress bar");
  args->cmd = cmd;
  cmd->callback([args] { run_identify(*args); });
}

}  // namespace neuroncert::cli
