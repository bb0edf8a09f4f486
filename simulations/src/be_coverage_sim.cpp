#include "neuroncert/sim/be_coverage_sim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <fmt/format.h>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/identify.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/sampling.hpp"

namespace neuroncert::sim {
namespace {

constexpr const char* experiment_name = "be-coverage";

double concept_accuracy(const be_coverage_setting& s, std::int64_t j) {
  return j == 0 ? s.best_accuracy : s.best_accuracy - s.margin;
}

metric_options binary_accuracy_options() {
  metric_options o;
  o.binary_activations = true;
  return o;
}

std::string setting_key(const be_coverage_setting& s) {
  return fmt::format("n={};C={};Delta={};acc={};a={}", s.n, s.num_concepts, s.margin, s.best_accuracy,
                     s.firing_rate);
}

bool contains_best(const be_set& set) {
  return std::find(set.concepts.begin(), set.concepts.end(), std::int64_t{0}) != set.concepts.end();
}

}  // namespace

void check_be_coverage_setting(const be_coverage_setting& s) {
  check_at_least("n", s.n, 1);
  check_at_least("number of concepts |C|", s.num_concepts, 2);
  check_open_unit("margin Delta", s.margin);
  if (!(s.best_accuracy > 0.0 && s.best_accuracy <= 1.0))
    throw invalid_argument(fmt::format("best accuracy acc* must lie in (0, 1], got {}", s.best_accuracy));
  if (!(s.best_accuracy - s.margin >= 0.0))
    throw invalid_argument(fmt::format("margin Delta = {} exceeds the best accuracy acc* = {} (the other concepts "
                                       "would have negative accuracy)",
                                       s.margin, s.best_accuracy));
  check_open_unit("firing rate a", s.firing_rate);
}

std::vector<counts2x2> be_concept_matrices(const be_coverage_setting& s) {
  check_be_coverage_setting(s);
  const double a = s.firing_rate;
  std::vector<counts2x2> w(static_cast<std::size_t>(s.num_concepts));
  for (std::int64_t j = 0; j < s.num_concepts; ++j) {
    const double acc = concept_accuracy(s, j);
    w[static_cast<std::size_t>(j)] = {(1.0 - a) * acc, (1.0 - a) * (1.0 - acc), a * (1.0 - acc), a * acc};
  }
  return w;
}

probing_set draw_be_probing_set(random_engine& rng, const be_coverage_setting& s) {
  check_be_coverage_setting(s);
  const Eigen::Index n = s.n, C = s.num_concepts;
  Eigen::MatrixXd f(n, 1), y(n, C);
  boost::random::bernoulli_distribution<double> fire(s.firing_rate);
  boost::random::uniform_01<double> u;
  const double acc_best = concept_accuracy(s, 0), acc_other = concept_accuracy(s, 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double fi = fire(rng) ? 1.0 : 0.0;
    f(i, 0) = fi;
    for (Eigen::Index j = 0; j < C; ++j) {
      const bool agree = u(rng) < (j == 0 ? acc_best : acc_other);
      y(i, j) = agree ? fi : 1.0 - fi;
    }
  }
  return make_probing_set(std::move(f), std::move(y), {.reject_empty_concepts = false});
}

void check_be_design(const be_design& d) {
  check_at_least("K (number of resamples)", d.resamples, 1);
  if (d.threshold < 1 || d.threshold > d.resamples)
    throw invalid_argument(
        fmt::format("threshold t must lie in [1, K] = [1, {}], got {}", d.resamples, d.threshold));
}

std::vector<be_design> be_designs_from_fraction(const std::vector<std::int64_t>& resamples, double tau) {
  if (!(tau > 0.0 && tau <= 1.0))
    throw invalid_argument(fmt::format("threshold fraction tau must lie in (0, 1], got {}", tau));
  std::vector<be_design> out;
  for (std::int64_t K : resamples) {
    check_at_least("K (number of resamples)", K, 1);
    out.push_back({K, bounds::threshold_from_fraction(tau, K)});
  }
  return out;
}

std::string method_name(be_identifications m) { return m == be_identifications::bootstrap ? "bootstrap" : "fresh"; }

std::int64_t be_fresh_identification(random_engine& rng, const be_coverage_setting& s,
                                     const std::vector<counts2x2>& matrices) {
  const auto counts = draw_concept_counts(rng, s.n, s.firing_rate, matrices);
  similarity_matrix sim;
  sim.which = metric::accuracy;
  sim.value.resize(1, static_cast<Eigen::Index>(counts.size()));
  sim.reason.resize(1, static_cast<Eigen::Index>(counts.size()));
  for (std::size_t j = 0; j < counts.size(); ++j) {
    const metric_value v = accuracy(counts[j]);
    sim.value(0, static_cast<Eigen::Index>(j)) = v.value;
    sim.reason(0, static_cast<Eigen::Index>(j)) = static_cast<std::uint8_t>(v.reason);
  }
  return identify_neuron(sim, 0).concept_index;
}

be_replicate be_coverage_replicate(random_engine& rng, const be_coverage_setting& s,
                                   const std::vector<be_design>& designs, be_identifications method) {
  check_be_coverage_setting(s);
  if (designs.empty()) throw invalid_argument("designs (K, t) must not be empty");
  std::int64_t k_max = 0;
  for (const auto& d : designs) {
    check_be_design(d);
    k_max = std::max(k_max, d.resamples);
  }
  const auto C = static_cast<std::size_t>(s.num_concepts);
  be_replicate out;
  const auto record = [&](const std::vector<std::int64_t>& counts, const be_design& d) {
    const be_set set = be_prediction_set(counts, d.threshold);
    out.covered.push_back(contains_best(set) ? 1 : 0);
    out.set_size.push_back(static_cast<std::int64_t>(set.concepts.size()));
    out.cstar_count.push_back(counts[0]);
  };
  if (method == be_identifications::bootstrap) {
    const probing_set set = draw_be_probing_set(rng, s);
    const std::uint64_t boot_seed = rng();
    for (const auto& d : designs) {
      const ensemble_counts e = bootstrap_ensemble(set, metric::accuracy, binary_accuracy_options(), d.resamples,
                                                   boot_seed);
      std::vector<std::int64_t> counts(C);
      for (std::size_t j = 0; j < C; ++j) counts[j] = e.counts(0, static_cast<Eigen::Index>(j));
      record(counts, d);
    }
  } else {
    const auto matrices = be_concept_matrices(s);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(k_max));
    for (auto& id : ids) id = be_fresh_identification(rng, s, matrices);
    for (const auto& d : designs) {
      std::vector<std::int64_t> counts(C, 0);
      for (std::int64_t i = 0; i < d.resamples; ++i) {
        const std::int64_t id = ids[static_cast<std::size_t>(i)];
        if (id >= 0) ++counts[static_cast<std::size_t>(id)];
      }
      record(counts, d);
    }
  }
  return out;
}

void check_be_coverage_options(const be_coverage_options& o) {
  check_at_least("replicates", o.replicates, 1);
  if (o.n_grid.empty()) throw invalid_argument("n grid must not be empty");
  if (o.concept_counts.empty()) throw invalid_argument("concept counts |C| must not be empty");
  if (o.margins.empty()) throw invalid_argument("margins Delta must not be empty");
  if (o.designs.empty()) throw invalid_argument("K values (designs) must not be empty");
  if (o.methods.empty()) throw invalid_argument("methods must not be empty");
  check_at_least("bound curve points", o.bound_curve_points, 0);
  for (const auto& d : o.designs) check_be_design(d);
  for (std::int64_t n : o.n_grid)
    for (std::int64_t C : o.concept_counts)
      for (double delta : o.margins) check_be_coverage_setting({n, C, delta, o.best_accuracy, o.firing_rate});
}

std::vector<tidy_row> run_be_coverage(const be_coverage_options& o) {
  check_be_coverage_options(o);
  std::vector<tidy_row> rows;
  for (std::int64_t n : o.n_grid)
    for (std::int64_t C : o.concept_counts)
      for (double delta : o.margins) {
        const be_coverage_setting s{n, C, delta, o.best_accuracy, o.firing_rate};
        const double p = bounds::p_from_margin_accuracy(static_cast<double>(n), delta, C);
        std::vector<std::vector<tidy_row>> cell_rows(o.designs.size());
        const auto cell_name = [&](const be_design& d) {
          return fmt::format("C={};Delta={};K={};t={}", C, delta, d.resamples, d.threshold);
        };
        for (std::size_t k = 0; k < o.designs.size(); ++k) {
          const be_design& d = o.designs[k];
          const auto row = [&](std::string quantity, std::optional<double> v) {
            cell_rows[k].push_back({experiment_name, cell_name(d), "accuracy", n, std::move(quantity), v});
          };
          row("p_from_margin", p);
          row("bound_corrected", bounds::be_coverage_corrected(d.resamples, d.threshold, p));
          row("bound_tightened", bounds::be_coverage_tightened(d.resamples, d.threshold, p));
          row("bound_paper_eq9_at_t", bounds::paper_eq9(d.resamples, d.threshold, p));
        }
        for (be_identifications method : o.methods) {
          const std::string study = fmt::format("{}/{}/{}", experiment_name, setting_key(s), method_name(method));
          engine_options e;
          e.seed = o.seed;
          e.salt = study_salt(study);
          if (o.progress)
            e.progress = [pr = o.progress, study](std::size_t done, std::size_t total) { pr(study, done, total); };
          const auto reps = map_replicates<be_replicate>(
              static_cast<std::size_t>(o.replicates), e,
              [&](std::size_t, random_engine& rng) { return be_coverage_replicate(rng, s, o.designs, method); });
          const std::string suffix = fmt::format("_{}", method_name(method));
          for (std::size_t k = 0; k < o.designs.size(); ++k) {
            std::int64_t covered = 0, set_sizes = 0, cstar = 0;
            for (const auto& r : reps) {
              covered += r.covered[k];
              set_sizes += r.set_size[k];
              cstar += r.cstar_count[k];
            }
            const auto R = static_cast<double>(o.replicates);
            const bounds::interval ci = bounds::clopper_pearson(covered, o.replicates, 0.05);
            const auto row = [&](const std::string& quantity, double v) {
              cell_rows[k].push_back({experiment_name, cell_name(o.designs[k]), "accuracy", n, quantity, v});
            };
            row("coverage" + suffix, static_cast<double>(covered) / R);
            row("coverage" + suffix + "_cp_lower", ci.lower);
            row("coverage" + suffix + "_cp_upper", ci.upper);
            row("mean_set_size" + suffix, static_cast<double>(set_sizes) / R);
            row("cstar_frequency" + suffix,
                static_cast<double>(cstar) / (R * static_cast<double>(o.designs[k].resamples)));
            row("replicates" + suffix, R);
          }
        }
        for (auto& cr : cell_rows) rows.insert(rows.end(), cr.begin(), cr.end());
      }
  // The bounds as curves over a fine Delta grid (no Monte Carlo).
  if (o.bound_curve_points > 0) {
    const double lo = 0.5 * *std::min_element(o.margins.begin(), o.margins.end());
    const double hi = std::min(2.0 * *std::max_element(o.margins.begin(), o.margins.end()), 0.99);
    const std::int64_t points = std::max<std::int64_t>(o.bound_curve_points, 2);
    for (std::int64_t n : o.n_grid)
      for (std::int64_t C : o.concept_counts)
        for (const auto& d : o.designs)
          for (std::int64_t i = 0; i < points; ++i) {
            const double delta =
                lo * std::pow(hi / lo, static_cast<double>(i) / static_cast<double>(points - 1));
            const double p = bounds::p_from_margin_accuracy(static_cast<double>(n), delta, C);
            const std::string cell = fmt::format("C={};Delta={};K={};t={}", C, delta, d.resamples, d.threshold);
            rows.push_back({experiment_name, cell, "accuracy", n, "bound_corrected_curve",
                            bounds::be_coverage_corrected(d.resamples, d.threshold, p)});
            rows.push_back({experiment_name, cell, "accuracy", n, "bound_tightened_curve",
                            bounds::be_coverage_tightened(d.resamples, d.threshold, p)});
          }
  }
  return rows;
}

nlohmann::json be_coverage_metadata(const be_coverage_options& o) {
  check_be_coverage_options(o);
  nlohmann::json j;
  j["experiment"] = experiment_name;
  j["caveat"] = be_coverage_sim_caveat;
  j["model"] =
      "f ~ Bernoulli(a); concept j agrees with f independently with probability acc_j (c_j = f w.p. acc_j, "
      "else 1 - f); acc_0 = acc* (the population-best concept c*), acc_j = acc* - Delta for j >= 1; "
      "cells W11 = a acc_j, W10 = a (1-acc_j), W01 = (1-a)(1-acc_j), W00 = (1-a) acc_j";
  j["metric"] = "accuracy (binary activations), ties to the lowest concept index";
  j["best_accuracy"] = o.best_accuracy;
  j["firing_rate"] = o.firing_rate;
  j["n_grid"] = o.n_grid;
  j["concept_counts"] = o.concept_counts;
  j["margins"] = o.margins;
  nlohmann::json designs = nlohmann::json::array();
  for (const auto& d : o.designs) designs.push_back({{"K", d.resamples}, {"t", d.threshold}});
  j["designs"] = designs;
  j["replicates"] = o.replicates;
  j["seed"] = o.seed;
  nlohmann::json methods = nlohmann::json::array();
  for (auto m : o.methods) methods.push_back(method_name(m));
  j["methods"] = methods;
  j["method_descriptions"] = {
      {"bootstrap", "K multiplicity resamples of one probing set D (core bootstrap_ensemble)"},
      {"fresh", "K independent probing sets from P (assumption (3) of Theorem 4.1)"}};
  j["bounds"] = {
      {"p_from_margin", "min(1, 2|C| exp(-n Delta^2 / 2)) (Hoeffding, Lemma B.2)"},
      {"bound_corrected", "P(Bin(K, p) <= t - 1) (THEORY.md sec. 5)"},
      {"bound_tightened", "P(Bin(K, p) <= max(t, ceil(K/2)) - 1)"},
      {"bound_paper_eq9_at_t", "the paper's printed eq. 9 at k(S) = t (not a correct bound; for comparison)"}};
  j["bound_curve_points"] = o.bound_curve_points;
  j["coverage_interval"] = "two-sided 95% Clopper-Pearson over the replicates";
  return j;
}

}  // namespace neuroncert::sim
