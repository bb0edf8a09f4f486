#include "neuroncert/studies/advise.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include <tbb/parallel_for.h>

#include <fmt/format.h>

#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/bounds/planning.hpp"
#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/binary_metrics.hpp"
#include "neuroncert/core/binary_neuron_metrics.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/quantile.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/sampling.hpp"
#include "neuroncert/studies/advise_simulation.hpp"

namespace neuroncert::studies {
namespace {

// P(X = 0) for X ~ Binomial(n, p) without underflow surprises: (1 - p)^n.
double none_of(double p, std::int64_t n) {
  if (p >= 1.0) return 0.0;
  return std::exp(static_cast<double>(n) * std::log1p(-p));
}

// The divisor that puts errors of different metrics on one scale: the metric's range as the sanity
// tests use it (1; 2 for correlation and MAD of a binary neuron, which lie in [-1, 1]; WPMI in nats).
double metric_range(metric m) { return m == metric::correlation || m == metric::mad ? 2.0 : 1.0; }

// The conditioning event of an effective-sample-size metric: recall conditions on c = 1 (one event per
// concept), precision on f = 1 (shared), IoU on f = 1 or c = 1 (per concept); Neuron_Eval's orientation
// swaps recall and precision. q is the event's probability, `events` how many must reach m at once.
struct ess_event {
  double q = 0;
  std::int64_t events = 1;
};
ess_event ess_event_of(metric m, const counts2x2& w, const advise_inputs& in) {
  if (m == metric::iou) return {1.0 - w.f00, in.concepts};
  const bool on_concept = (m == metric::recall) == (in.metric_opts.recall_precision == orientation::paper);
  return on_concept ? ess_event{w.concept_positives(), in.concepts} : ess_event{w.neuron_positives(), 1};
}

// The planned n for epsilon by the metric's closed-form rate (docs/theory.md sec. 4.1), or none.
std::optional<std::int64_t> planned_n(metric m, const counts2x2& w, double epsilon, const advise_inputs& in) {
  const auto kind = bounds::rate_kind_for(m);
  if (!kind) return std::nullopt;
  try {
    if (*kind == bounds::rate_kind::hoeffding) return bounds::plan_n_accuracy(epsilon, in.delta, in.concepts);
    if (*kind == bounds::rate_kind::agarwal_auroc)
      return bounds::plan_n_auroc(epsilon, in.delta, in.concepts, w.concept_positives());
    const ess_event e = ess_event_of(m, w, in);
    if (!(e.q > 0.0)) return std::nullopt;
    return bounds::plan_n_ess(epsilon, in.delta, in.concepts, e.q, in.delta_split, e.events).n;
  } catch (const invalid_argument&) {
    return std::nullopt;  // beyond 1e15 samples: no plan
  }
}

// The exact alternative (docs/theory.md sec. 4.2, as `plan` reports it): the smallest n (accuracy) or count m
// (recall, precision, IoU, then the n that delivers m) at which the worst-case binomial tail over p
// certifies epsilon at delta/|C|. None for AUROC and the metrics without a rate, or past
// exact_binomial_max_n. The exact n or m depends only on (epsilon, delta, |C|): `exact` caches them.
struct exact_plans {
  std::optional<std::optional<std::int64_t>> accuracy, ess_m;
};
std::optional<std::int64_t> planned_n_exact(metric m, const counts2x2& w, double epsilon, const advise_inputs& in,
                                            exact_plans& exact) {
  const auto kind = bounds::rate_kind_for(m);
  if (!kind || *kind == bounds::rate_kind::agarwal_auroc) return std::nullopt;
  const auto plan = [&](double delta) -> std::optional<std::int64_t> {
    if (!bounds::exact_binomial_plannable(epsilon, delta, in.concepts)) return std::nullopt;
    return bounds::plan_n_exact_binomial(epsilon, delta, in.concepts);
  };
  if (*kind == bounds::rate_kind::hoeffding) {
    if (!exact.accuracy) exact.accuracy = plan(in.delta);
    return *exact.accuracy;
  }
  if (!exact.ess_m) exact.ess_m = plan(in.delta_split * in.delta);
  const ess_event e = ess_event_of(m, w, in);
  if (!*exact.ess_m || !(e.q > 0.0)) return std::nullopt;
  try {
    return bounds::plan_n_for_m(**exact.ess_m, in.delta, e.q, in.delta_split, e.events).n;
  } catch (const invalid_argument&) {
    return std::nullopt;
  }
}

std::vector<double> distinct_sorted(const std::vector<double>& v) {
  std::vector<double> s = v;
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

// The frequencies to evaluate, each with how many of the given ones it stands for: every distinct
// value, or, beyond max_settings of them, the order statistics at max_settings evenly spaced ranks
// (the smallest and largest included), each standing for the values whose rank is nearest to it.
std::map<double, double> representative_frequencies(std::vector<double> f) {
  std::sort(f.begin(), f.end());
  std::map<double, double> out;
  const std::size_t N = f.size(), K = static_cast<std::size_t>(max_settings);
  if (distinct_sorted(f).size() <= K) {
    for (double rho : f) out[rho] += 1.0;
    return out;
  }
  for (std::size_t j = 0; j < N; ++j) {
    // the nearest of the ranks round(i (N-1)/(K-1)), i = 0..K-1
    const double pos = static_cast<double>(j) * static_cast<double>(K - 1) / static_cast<double>(N - 1);
    const auto i = static_cast<std::size_t>(std::llround(pos));
    const auto rank = static_cast<std::size_t>(std::llround(static_cast<double>(i) * static_cast<double>(N - 1) /
                                                            static_cast<double>(K - 1)));
    out[f[rank]] += 1.0;
  }
  return out;
}

void check_inputs(const advise_inputs& in) {
  check_at_least("--concepts", in.concepts, 1);
  check_open_unit("--delta", in.delta);
  if (!in.n && !in.epsilon) throw invalid_argument("give --n or --epsilon (or both)");
  if (in.n) check_at_least("--n", *in.n, 1);
  if (in.n && *in.n > sim::max_probing_set_size)
    throw invalid_argument(fmt::format("--n must be at most {}, got {}", sim::max_probing_set_size, *in.n));
  if (in.epsilon) check_open_unit("--epsilon", *in.epsilon);
  check_at_least("--replicates", in.replicates, 10);
  if (in.replicates > sim::max_replicates)
    throw invalid_argument(fmt::format("--replicates must be at most {}, got {}", sim::max_replicates, in.replicates));
  check_at_least("--sanity-seeds", in.sanity_seeds, 1);
  check_open_unit("--delta-split", in.delta_split);
  for (std::int64_t n : in.curve_grid) {
    check_at_least("curve n", n, 1);
    if (n > sim::max_probing_set_size)
      throw invalid_argument(fmt::format("curve n must be at most {}, got {}", sim::max_probing_set_size, n));
  }
  check_metric_options(in.metric_opts);
  for (metric m : in.metrics)
    if (is_layer_metric(m))
      throw invalid_argument(fmt::format("--metric {} scores a whole layer: advise covers the pair metrics", to_string(m)));
  if (in.matrix) {
    if (!in.frequencies.empty()) throw invalid_argument("--matrix fixes the frequency: give --frequency or --matrix, not both");
    if (in.recall || in.precision || in.alpha)
      throw invalid_argument("--matrix is the whole agreement: --neuron-recall, --neuron-precision and --alpha go without it");
    sim::check_cell_matrix(*in.matrix, "--matrix");
    if (!(in.matrix->concept_positives() > 0.0)) throw invalid_argument("--matrix has no concept positives (W01 + W11 = 0)");
    return;
  }
  if (in.frequencies.empty()) throw invalid_argument("give the concept frequency (--frequency or --frequency-file) or --matrix");
  for (double r : in.frequencies) check_open_unit("--frequency", r);
  if (!in.recall) throw invalid_argument("--neuron-recall is required with --frequency (or give --matrix)");
  if (in.precision.has_value() == in.alpha.has_value())
    throw invalid_argument("give exactly one of --neuron-precision and --alpha with --neuron-recall");
}

}  // namespace

counts2x2 table_from_agreement(double rho, double recall, std::optional<double> precision, std::optional<double> alpha) {
  check_open_unit("--frequency", rho);
  if (!(recall > 0.0 && recall <= 1.0)) throw invalid_argument(fmt::format("--neuron-recall must lie in (0, 1], got {}", recall));
  if (precision && !(*precision > 0.0 && *precision <= 1.0))
    throw invalid_argument(fmt::format("--neuron-precision must lie in (0, 1], got {}", *precision));
  if (alpha) check_open_unit("--alpha", *alpha);
  const double w11 = recall * rho;
  const double a = precision ? w11 / *precision : *alpha;
  const counts2x2 w{1.0 - a - rho + w11, rho - w11, a - w11, w11};
  // Rounding can leave -1e-17 where a cell is exactly 0.
  const double tol = 1e-12;
  if (w.f00 < -tol || w.f10 < -tol || a > 1.0 + tol)
    throw invalid_argument(fmt::format(
        "recall {} with {} at frequency {} gives no valid 2x2 table (neuron rate {:.6g}, P(f=1, c=0) = {:.6g}, "
        "P(f=0, c=0) = {:.6g})",
        recall, precision ? fmt::format("precision {}", *precision) : fmt::format("alpha {}", *alpha), rho, a, w.f10, w.f00));
  return {std::max(0.0, w.f00), std::max(0.0, w.f01), std::max(0.0, w.f10), std::max(0.0, w.f11)};
}

double undefined_probability(metric m, const counts2x2& w, std::int64_t n, orientation o) {
  const double rho = w.concept_positives(), a = w.neuron_positives();
  const double no_pos = none_of(rho, n), no_neg = none_of(1.0 - rho, n);
  const double never = none_of(a, n), always = none_of(1.0 - a, n);
  const double both_empty = none_of(1.0 - w.f00, n);
  const double p = [&] {
    switch (m) {
      case metric::accuracy: return 0.0;
      case metric::recall: return o == orientation::paper ? no_pos : never;
      case metric::precision: return o == orientation::paper ? never : no_pos;
      case metric::iou:
      case metric::f1: return both_empty;
      case metric::auroc:
      case metric::mad: return no_pos + no_neg;
      case metric::auprc: return no_pos;
      case metric::wpmi: return no_pos + never - both_empty;
      case metric::correlation: {
        // P(c constant or f constant) = P(c const) + P(f const) - P(both const); both constant means
        // every sample falls in one cell.
        const double cells = none_of(1.0 - w.f00, n) + none_of(1.0 - w.f01, n) + none_of(1.0 - w.f10, n) +
                             none_of(1.0 - w.f11, n);
        return no_pos + no_neg + never + always - cells;
      }
      default: return 0.0;
    }
  }();
  return std::clamp(p, 0.0, 1.0);
}

advise_result advise_study(const advise_inputs& in) {
  check_inputs(in);
  advise_result r;
  const std::vector<metric> metrics =
      in.metrics.empty() ? std::vector<metric>(pair_metrics.begin(), pair_metrics.end()) : in.metrics;

  // The settings: one table per distinct frequency, weighted by how many concepts share it.
  if (in.matrix) {
    r.tables.push_back(*in.matrix);
    r.rhos.push_back(in.matrix->concept_positives());
    r.weights.push_back(static_cast<double>(in.concepts));
  } else {
    r.summarised = distinct_sorted(in.frequencies).size() > static_cast<std::size_t>(max_settings);
    for (const auto& [rho, k] : representative_frequencies(in.frequencies)) {
      r.tables.push_back(table_from_agreement(rho, *in.recall, in.precision, in.alpha));
      r.rhos.push_back(rho);
      r.weights.push_back(static_cast<double>(in.concepts) * k / static_cast<double>(in.frequencies.size()));
    }
  }
  r.n = in.n ? *in.n : bounds::plan_n_accuracy(*in.epsilon, in.delta, in.concepts);
  const double delta_c = bounds::union_delta(in.delta, in.concepts);
  exact_plans exact;  // the exact-binomial n and m, computed once on first use
  const std::size_t S = r.tables.size(), M = metrics.size();

  // Experiment 1 in each of the user's tables.
  simulation_setup setup;
  setup.metrics = metrics;
  setup.tables = r.tables;
  setup.replicates = in.replicates;
  setup.seed = in.seed;
  setup.metric_opts = in.metric_opts;
  setup.population.assign(M, std::vector<double>(S, 0.0));
  for (std::size_t k = 0; k < M; ++k)
    for (std::size_t s = 0; s < S; ++s) {
      const metric_value p = binary_neuron_metric(metrics[k], r.tables[s], in.metric_opts);
      if (!p.defined())
        throw invalid_argument(fmt::format("metric {} is undefined on the population table at frequency {} ({})",
                                           to_string(metrics[k]), r.rhos[s], to_string(p.reason)));
      setup.population[k][s] = p.value;
    }
  const auto& pop = setup.population;
  const auto sim_at_n = simulate_errors(setup, r.n, [](std::size_t s) { return fmt::format("advise/setting={}", s); });
  const std::size_t steps = S + 1 + (in.epsilon ? M : 0);
  if (in.progress) in.progress(1, steps);

  // Sanity tests at the user's frequencies. They ask whether the metric falls when the explanation gets
  // worse, not whether n samples can show it (with 2 positives, missing labels leave the concept
  // unchanged a quarter of the time and every metric 'fails'), so they run at Neuron_Eval's
  // n = 500,000, or at n when it is larger; a frequency without a positive there is skipped.
  sim::sanity_options so;
  so.seeds = in.sanity_seeds;
  so.seed = in.seed;
  so.metric_opts = in.metric_opts;
  so.predictor = in.sanity_orientation;
  so.n = std::max<std::int64_t>(r.n, sim::sanity_options{}.n);
  so.gammas.clear();
  for (double g : distinct_sorted(r.rhos)) {
    const auto p = std::llround(g * static_cast<double>(so.n));
    if (p >= 1 && p < so.n) so.gammas.push_back(g); else r.sanity_gammas_skipped.push_back(g);
  }
  if (so.gammas.empty()) so.gammas = sim::sanity_options{}.gammas;  // none testable: Neuron_Eval's own
  r.sanity_n = so.n;
  r.sanity = sim::run_sanity_tests(metrics, so);
  if (in.progress) in.progress(S + 1, steps);

  // The n at which the simulation reaches epsilon, per metric. The search starts at a fixed n, not at
  // --n: the candidates it visits, and so its Monte Carlo noise, then do not depend on --n.
  std::vector<std::optional<std::int64_t>> simulated_n(M);
  if (in.epsilon) {
    std::mutex progress_lock;  // the metrics' searches run in parallel; the callback need not be thread-safe
    std::size_t searched = 0;
    tbb::parallel_for(std::size_t{0}, M, [&](std::size_t k) {
      simulated_n[k] = simulated_n_for_epsilon(setup, k, *in.epsilon, 1000);
      const std::lock_guard<std::mutex> hold(progress_lock);
      ++searched;
      if (in.progress) in.progress(S + 1 + searched, steps);
    });
  }

  // Identification over the concept set: the neuron is about one concept, with the user's agreement.
  if (in.concepts < 2) {
    r.identification_note = "one concept: nothing to identify";
  } else {
    // |C| frequencies: the given list when it has |C| entries, else the settings repeated by their weights.
    std::vector<double> rhos;
    if (static_cast<std::int64_t>(in.frequencies.size()) == in.concepts) {
      rhos = in.frequencies;
    } else {
      double acc = 0.0;
      for (std::size_t s = 0; s < S; ++s) {
        acc += r.weights[s];
        const auto upto = static_cast<std::size_t>(std::llround(acc));
        while (rhos.size() < upto) rhos.push_back(r.rhos[s]);
      }
      while (static_cast<std::int64_t>(rhos.size()) < in.concepts) rhos.push_back(r.rhos.back());
    }
    const agreement_table agreement = [&](double rho) {
      return in.matrix ? *in.matrix : table_from_agreement(rho, *in.recall, in.precision, in.alpha);
    };
    r.identification = simulate_identification(metrics, rhos, agreement, r.n, in.replicates, in.seed, in.metric_opts);
    r.identification_note = fmt::format(
        "Experiment 2 over the {} concepts: the neuron's concept has your agreement, every other concept "
        "W11 ~ U(max(0, a + rho_c - 1), min(a, rho_c))", rhos.size());
  }

  // Error-vs-n curves for the figure.
  for (std::size_t k = 0; k < M; ++k) {
    for (std::int64_t n : in.curve_grid) {
      advise_curve_point pt;
      pt.m = metrics[k];
      pt.n = n;
      r.curves.push_back(pt);
    }
  }
  for (std::size_t g = 0; g < in.curve_grid.size(); ++g) {
    const std::int64_t n = in.curve_grid[g];
    const auto at_n = simulate_errors(setup, n, [n](std::size_t s) { return fmt::format("advise/curve/setting={}/n={}", s, n); });
    for (std::size_t k = 0; k < M; ++k) {
      auto& pt = r.curves[k * in.curve_grid.size() + g];
      for (std::size_t s = 0; s < S; ++s) {
        if (at_n[k][s].q95) pt.simulated_q95 = std::max(pt.simulated_q95.value_or(0.0), *at_n[k][s].q95);
        const auto rate = bounds::population_rate(bounds::rate_basis_for(metrics[k], r.tables[s], in.metric_opts.recall_precision),
                                                  static_cast<double>(n), delta_c);
        if (rate) pt.certified = std::max(pt.certified.value_or(0.0), *rate);
      }
    }
  }

  // Rows and summaries.
  for (std::size_t k = 0; k < M; ++k) {
    const metric m = metrics[k];
    advise_summary sum;
    sum.m = m;
    sum.sanity = r.sanity.verdicts[k];
    sum.recommended = sum.sanity.passes_both();
    for (std::size_t s = 0; s < S; ++s) {
      const counts2x2& w = r.tables[s];
      advise_row row;
      row.m = m;
      row.setting = s;
      row.rho = r.rhos[s];
      row.population = pop[k][s];
      const bounds::rate_basis basis = bounds::rate_basis_for(m, w, in.metric_opts.recall_precision);
      row.certified_rate = bounds::population_rate(basis, static_cast<double>(r.n), delta_c);
      if (basis.successes) {
        const auto trials = std::llround(basis.trials * static_cast<double>(r.n));
        if (trials >= 1) {
          const auto succ = std::clamp<std::int64_t>(std::llround(pop[k][s] * static_cast<double>(trials)), 0, trials);
          const bounds::interval ci = bounds::clopper_pearson(succ, trials, delta_c);
          const double ph = static_cast<double>(succ) / static_cast<double>(trials);
          row.cp_radius = std::max(ph - ci.lower, ci.upper - ph);
        } else {
          row.cp_radius = std::numeric_limits<double>::infinity();
        }
      }
      if (in.epsilon) {
        row.n_needed = planned_n(m, w, *in.epsilon, in);
        row.n_needed_exact = planned_n_exact(m, w, *in.epsilon, in, exact);
      }
      row.simulated_q95 = sim_at_n[k][s].q95;
      row.simulated_q95_undefined_inf = sim_at_n[k][s].q95_undefined_inf;
      row.simulated_undefined = sim_at_n[k][s].undefined_fraction;
      row.undefined_risk = undefined_probability(m, w, r.n, in.metric_opts.recall_precision);
      if (row.certified_rate)
        sum.worst_certified = std::max(sum.worst_certified.value_or(0.0), *row.certified_rate);
      if (row.n_needed) sum.n_needed = std::max(sum.n_needed.value_or(0), *row.n_needed);
      if (row.n_needed_exact) sum.n_needed_exact = std::max(sum.n_needed_exact.value_or(0), *row.n_needed_exact);
      if (row.simulated_q95) sum.worst_simulated = std::max(sum.worst_simulated.value_or(0.0), *row.simulated_q95);
      sum.worst_undefined_risk = std::max(sum.worst_undefined_risk, row.undefined_risk);
      sum.any_undefined_bound += r.weights[s] * row.undefined_risk;
      r.rows.push_back(row);
    }
    sum.any_undefined_bound = std::min(1.0, sum.any_undefined_bound);
    for (std::size_t s = 0; s < S; ++s)
      sum.worst_conservative = std::max(sum.worst_conservative, sim_at_n[k][s].q95_undefined_inf);
    sum.simulated_n_needed = simulated_n[k];
    sum.normalised_error = sum.worst_conservative / metric_range(m);
    r.summaries.push_back(sum);
  }

  // Rank: metrics passing both sanity tests first, each group by normalised simulated error (a metric
  // never defined in simulation last), ties by the order given.
  std::stable_sort(r.summaries.begin(), r.summaries.end(), [](const advise_summary& a, const advise_summary& b) {
    if (a.recommended != b.recommended) return a.recommended;
    return a.normalised_error < b.normalised_error;
  });
  const advise_summary* first = nullptr;
  for (auto& s : r.summaries)
    if (s.recommended) { first = &s; break; }
  int rank = 0;
  for (auto& s : r.summaries) {
    s.rank = ++rank;
    if (std::isinf(s.normalised_error)) {
      // Undefined in more than 5% of the simulated probing sets at some frequency.
      double worst_undef = 0.0;
      for (const auto& row : r.rows)
        if (row.m == s.m) worst_undef = std::max(worst_undef, row.simulated_undefined);
      s.reason = fmt::format("{}is undefined in {:.0f}% of the simulated probing sets at n = {} (no positives, or a class or the neuron empty), so its "
                             "0.95-quantile error counting those as failures is unbounded; more samples or "
                             "a metric defined without positives is needed.",
                             s.recommended ? "passes both sanity tests but " : "", 100.0 * worst_undef, r.n);
      if (!s.recommended) {
        std::string fails = !s.sanity.passes_missing ? "missing-labels" : "";
        if (!s.sanity.passes_extra) fails += fails.empty() ? "extra-labels" : " and extra-labels";
        s.reason = fmt::format("fails the {} sanity test{} and {}", fails, fails.find(" and ") != std::string::npos ? "s" : "",
                               s.reason);
      }
      continue;
    }
    const std::string err =
        s.worst_simulated ? fmt::format("{:.4g}", *s.worst_simulated) : std::string("undefined in every replicate");
    if (s.recommended && &s == first) {
      s.reason = fmt::format("passes both sanity tests and has the smallest simulated 0.95-quantile error relative to "
                             "its range among those that do ({} at n = {}, worst frequency; range {}).", err, r.n,
                             metric_range(s.m));
    } else if (s.recommended) {
      s.reason = fmt::format("passes both sanity tests but its simulated error ({}, {:.3g} of its range) is {:.3g} times "
                             "{}'s ({:.3g} of its range).", err, s.normalised_error,
                             first->normalised_error > 0 ? s.normalised_error / first->normalised_error
                                                         : std::numeric_limits<double>::infinity(),
                             to_string(first->m), first->normalised_error);
    } else {
      std::string fails;
      if (!s.sanity.passes_missing)
        fails = fmt::format("the missing-labels test (detects a worse concept in {:.0f}% of seeds at frequency {:g})",
                            100.0 * s.sanity.worst_rate_missing, s.sanity.worst_gamma_missing);
      if (!s.sanity.passes_extra)
        fails += fmt::format("{}the extra-labels test (detects in {:.0f}% of seeds at frequency {:g})",
                             fails.empty() ? "" : " and ", 100.0 * s.sanity.worst_rate_extra, s.sanity.worst_gamma_extra);
      s.reason = fmt::format("fails {}, so a higher score need not mean a better explanation{}.", fails,
                             first && s.normalised_error < first->normalised_error
                                 ? fmt::format(", although its simulated error ({}) is smaller", err)
                                 : "");
    }
    if (s.worst_undefined_risk > 0.05)
      s.reason.back() = ' ', s.reason += fmt::format("(and it is undefined with probability {:.2g} per concept at n).",
                                                     s.worst_undefined_risk);
  }
  return r;
}

pilot_estimate estimate_pilot(const Eigen::MatrixXd& activations, const Eigen::MatrixXd& concepts,
                              const metric_options& metric_opts) {
  probing_set_checks checks;
  checks.reject_empty_concepts = false;  // an empty pilot column is left out below, not an error
  const probing_set set = make_probing_set(activations, concepts, checks);
  const pairwise_counts k = all_pairs_counts(set, metric_opts);
  pilot_estimate e;
  e.samples = set.samples();
  e.neurons = set.neurons();
  e.concepts = set.concept_count();
  const double n = k.n;
  std::vector<Eigen::Index> usable;
  for (Eigen::Index c = 0; c < k.positives.size(); ++c) {
    const double rho = k.positives(c) / n;
    if (rho > 0.0 && rho < 1.0) {
      e.frequencies.push_back(rho);
      usable.push_back(c);
    } else {
      ++e.concepts_left_out;
    }
  }
  if (usable.empty()) throw data_error("pilot: no concept has both positives and negatives");
  std::vector<double> rates, recalls;
  for (Eigen::Index j = 0; j < k.fire.size(); ++j) {
    rates.push_back(k.fire(j) / n);
    double best = -1.0, best_recall = 0.0;
    for (Eigen::Index c : usable) {
      const counts2x2 t = k.at(j, c);
      const metric_value v = iou(t);
      if (v.defined() && v.value > best) {
        best = v.value;
        best_recall = t.f11 / t.concept_positives();
      }
    }
    if (best >= 0.0) recalls.push_back(best_recall);
  }
  if (recalls.empty()) throw data_error("pilot: no neuron fires on any concept");
  e.alpha = quantile_type7(rates, 0.5);
  e.recall_median = quantile_type7(recalls, 0.5);
  const double rho_max = *std::max_element(e.frequencies.begin(), e.frequencies.end());
  e.recall = std::min(e.recall_median, e.alpha / rho_max);
  e.recall_capped = e.recall < e.recall_median;
  if (!(e.recall > 0.0)) throw data_error("pilot: the neurons never fire on their best concept (recall 0)");
  if (!(e.alpha + rho_max <= 1.0)) throw data_error("pilot: firing rate plus the largest frequency exceeds 1");
  return e;
}

nlohmann::json advise_json(const advise_inputs& in, const advise_result& r) {
  using io::json_number;
  nlohmann::json j;
  j["concepts"] = in.concepts;
  j["delta"] = in.delta;
  j["delta_per_concept"] = bounds::union_delta(in.delta, in.concepts);
  j["n"] = r.n;
  if (in.epsilon) j["epsilon"] = *in.epsilon;
  if (in.margin) j["margin"] = *in.margin;
  if (in.budget) j["budget"] = {{"low", in.budget->first}, {"high", in.budget->second}};
  j["replicates"] = in.replicates;
  j["seed"] = in.seed;
  j["orientation"] = in.metric_opts.recall_precision == orientation::paper ? "paper" : "neuron_eval";
  nlohmann::json settings = nlohmann::json::array();
  for (std::size_t s = 0; s < r.tables.size(); ++s) {
    const auto& w = r.tables[s];
    settings.push_back({{"frequency", r.rhos[s]}, {"concepts", r.weights[s]}, {"matrix", {w.f00, w.f01, w.f10, w.f11}}});
  }
  j["settings"] = settings;
  j["settings_summarised"] = r.summarised;  // more than max_settings distinct frequencies: order statistics
  nlohmann::json ranking = nlohmann::json::array();
  for (const auto& s : r.summaries) {
    nlohmann::json x;
    x["rank"] = s.rank;
    x["metric"] = std::string(to_string(s.m));
    x["recommended"] = s.recommended;
    x["passes_missing_labels"] = s.sanity.passes_missing;
    x["passes_extra_labels"] = s.sanity.passes_extra;
    x["worst_detection_missing_labels"] = s.sanity.worst_rate_missing;
    x["worst_detection_extra_labels"] = s.sanity.worst_rate_extra;
    if (s.worst_certified) x["certified_error"] = json_number(*s.worst_certified);
    if (s.n_needed) x["n_needed"] = *s.n_needed;
    if (s.n_needed_exact) x["n_needed_exact"] = *s.n_needed_exact;
    if (s.simulated_n_needed) x["simulated_n_needed"] = *s.simulated_n_needed;
    if (s.worst_simulated) x["simulated_error_q95"] = json_number(*s.worst_simulated);
    x["simulated_error_q95_undefined_inf"] = json_number(s.worst_conservative);
    x["normalised_error"] = json_number(s.normalised_error);
    x["undefined_risk_per_concept"] = s.worst_undefined_risk;
    x["undefined_risk_any_concept_bound"] = s.any_undefined_bound;
    x["reason"] = s.reason;
    ranking.push_back(x);
  }
  j["ranking"] = ranking;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows) {
    nlohmann::json x;
    x["metric"] = std::string(to_string(row.m));
    x["frequency"] = row.rho;
    x["population_value"] = json_number(row.population);
    if (row.certified_rate) x["certified_rate"] = json_number(*row.certified_rate);
    if (row.cp_radius) x["clopper_pearson_radius"] = json_number(*row.cp_radius);
    if (row.n_needed) x["n_needed"] = *row.n_needed;
    if (row.n_needed_exact) x["n_needed_exact"] = *row.n_needed_exact;
    if (row.simulated_q95) x["simulated_error_q95"] = json_number(*row.simulated_q95);
    x["simulated_error_q95_undefined_inf"] = json_number(row.simulated_q95_undefined_inf);
    x["simulated_undefined_fraction"] = row.simulated_undefined;
    x["undefined_risk"] = row.undefined_risk;
    rows.push_back(x);
  }
  j["rows"] = rows;
  nlohmann::json ident = nlohmann::json::array();
  for (const auto& x : r.identification)
    ident.push_back({{"metric", std::string(to_string(x.m))}, {"probability_correct", x.probability_correct},
                     {"gap_q95", json_number(x.gap_q95)}, {"none_defined", x.none_defined}});
  j["identification"] = {{"note", r.identification_note}, {"metrics", ident}};
  nlohmann::json sanity = nlohmann::json::array();
  for (const auto& c : r.sanity.cells)
    sanity.push_back({{"metric", std::string(to_string(c.m))}, {"test", std::string(sim::to_string(c.test))},
                      {"frequency", c.gamma}, {"positives", c.positives}, {"mean_decrease", json_number(c.mean_decrease)},
                      {"detection_rate", c.detection_rate}, {"undefined", c.undefined}});
  const sim::sanity_options defaults;
  j["sanity"] = {{"n", r.sanity_n}, {"seeds", in.sanity_seeds},
                 {"orientation", in.sanity_orientation == orientation::paper ? "paper" : "neuron-eval"}, {"eps", defaults.eps}, {"pass_rate", defaults.pass_rate},
                 {"cells", sanity}};
  if (!r.sanity_gammas_skipped.empty()) j["sanity"]["frequencies_skipped"] = r.sanity_gammas_skipped;
  return j;
}

}  // namespace neuroncert::studies
