#include "neuroncert/sim/sanity_tests.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <boost/random/uniform_01.hpp>
#include <fmt/format.h>

#include "neuroncert/core/binary_neuron_metrics.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/sampling.hpp"

namespace neuroncert::sim {

std::string_view to_string(sanity_test t) {
  return t == sanity_test::missing_labels ? "missing_labels" : "extra_labels";
}

namespace {

std::int64_t positives_of(double gamma, std::int64_t n) {
  return static_cast<std::int64_t>(std::llround(gamma * static_cast<double>(n)));
}

// Metrics in [0, 1] have range 1, correlation 2; MAD and WPMI use the observed range (nullopt here).
bool fixed_range(metric m) { return m != metric::mad && m != metric::wpmi; }

}  // namespace

void check_sanity_options(const sanity_options& o) {
  check_at_least("sanity n", o.n, 2);
  if (o.n > max_probing_set_size)
    throw invalid_argument(fmt::format("sanity n must be at most {}, got {}", max_probing_set_size, o.n));
  if (o.gammas.empty()) throw invalid_argument("sanity gammas must not be empty");
  for (double g : o.gammas) {
    check_open_unit("sanity gamma", g);
    const std::int64_t p = positives_of(g, o.n);
    if (p < 1 || p >= o.n)
      throw invalid_argument(fmt::format("sanity gamma {} gives {} positives among n = {}: need 1 .. n-1", g, p, o.n));
  }
  check_at_least("sanity seeds", o.seeds, 1);
  if (o.seeds > max_replicates)
    throw invalid_argument(fmt::format("sanity seeds must be at most {}, got {}", max_replicates, o.seeds));
  check_nonnegative("sanity eps", o.eps);
  check_closed_unit("sanity pass rate", o.pass_rate);
  check_metric_options(o.metric_opts);
}

metric_value sanity_metric(metric m, const counts2x2& k, orientation predictor, const metric_options& options) {
  const bool classification = m == metric::recall || m == metric::precision || m == metric::auroc || m == metric::auprc;
  if (predictor == orientation::paper || !classification) return binary_neuron_metric(m, k, options);
  metric_options paper = options;
  paper.recall_precision = orientation::paper;
  return binary_neuron_metric(m, k.transposed(), paper);
}

counts2x2 missing_labels_counts(random_engine& rng, std::int64_t n, std::int64_t positives, double keep) {
  const std::int64_t k = draw_binomial(rng, positives, keep);
  return {static_cast<double>(n - positives), 0.0, static_cast<double>(positives - k), static_cast<double>(k)};
}

counts2x2 extra_labels_counts(random_engine& rng, std::int64_t n, std::int64_t positives) {
  const std::int64_t neg = n - positives;
  const std::int64_t e = draw_binomial(rng, neg, static_cast<double>(positives) / static_cast<double>(neg));
  return {static_cast<double>(neg - e), static_cast<double>(e), 0.0, static_cast<double>(positives)};
}

counts2x2 missing_labels_counts_per_sample(random_engine& rng, std::int64_t n, std::int64_t positives, double keep) {
  boost::random::uniform_01<double> u;
  std::int64_t k = 0;
  for (std::int64_t i = 0; i < positives; ++i) k += u(rng) < keep ? 1 : 0;
  return {static_cast<double>(n - positives), 0.0, static_cast<double>(positives - k), static_cast<double>(k)};
}

counts2x2 extra_labels_counts_per_sample(random_engine& rng, std::int64_t n, std::int64_t positives) {
  boost::random::uniform_01<double> u;
  const std::int64_t neg = n - positives;
  const double p = static_cast<double>(positives) / static_cast<double>(neg);
  std::int64_t e = 0;
  for (std::int64_t i = 0; i < neg; ++i) e += u(rng) < p ? 1 : 0;
  return {static_cast<double>(neg - e), static_cast<double>(e), 0.0, static_cast<double>(positives)};
}

sanity_report run_sanity_tests(const std::vector<metric>& metrics, const sanity_options& o) {
  check_sanity_options(o);
  for (metric m : metrics)
    if (is_layer_metric(m))
      throw invalid_argument(fmt::format("metric '{}' scores a whole layer: no sanity test of one neuron", to_string(m)));
  const std::size_t nm = metrics.size(), seeds = static_cast<std::size_t>(o.seeds);
  sanity_report report;
  report.verdicts.resize(nm);
  for (std::size_t k = 0; k < nm; ++k) {
    auto& v = report.verdicts[k];
    v.m = metrics[k];
    v.worst_rate_missing = v.worst_rate_extra = std::numeric_limits<double>::infinity();
  }
  // cells[k][t][g]
  std::vector<std::vector<std::vector<sanity_cell>>> cells(nm, std::vector<std::vector<sanity_cell>>(2));
  for (std::size_t g = 0; g < o.gammas.size(); ++g) {
    const double gamma = o.gammas[g];
    const std::int64_t P = positives_of(gamma, o.n);
    const counts2x2 perfect{static_cast<double>(o.n - P), 0.0, 0.0, static_cast<double>(P)};
    engine_options eo;
    eo.seed = o.seed;
    eo.salt = study_salt(fmt::format("sanity/gamma={}", gamma));
    // Slot s holds the degraded counts of seed s for both tests.
    std::vector<std::array<counts2x2, 2>> drawn(seeds);
    run_replicates(seeds, eo, [&](std::size_t s, random_engine& rng) {
      if (o.sampler == sampler_kind::per_sample)
        drawn[s] = {missing_labels_counts_per_sample(rng, o.n, P), extra_labels_counts_per_sample(rng, o.n, P)};
      else
        drawn[s] = {missing_labels_counts(rng, o.n, P), extra_labels_counts(rng, o.n, P)};
    });
    for (std::size_t k = 0; k < nm; ++k) {
      const metric m = metrics[k];
      const metric_value base = sanity_metric(m, perfect, o.predictor, o.metric_opts);
      if (!base.defined())
        throw invalid_argument(fmt::format("metric '{}' is undefined on the perfect neuron at gamma {}", to_string(m), gamma));
      std::array<std::vector<metric_value>, 2> values;
      double lo = base.value, hi = base.value;
      for (int t = 0; t < 2; ++t) {
        values[t].resize(seeds);
        for (std::size_t s = 0; s < seeds; ++s) {
          values[t][s] = sanity_metric(m, drawn[s][t], o.predictor, o.metric_opts);
          if (values[t][s].defined()) {
            lo = std::min(lo, values[t][s].value);
            hi = std::max(hi, values[t][s].value);
          }
        }
      }
      const double range = fixed_range(m) ? (m == metric::correlation ? 2.0 : 1.0) : hi - lo;
      for (int t = 0; t < 2; ++t) {
        sanity_cell c;
        c.m = m;
        c.test = t == 0 ? sanity_test::missing_labels : sanity_test::extra_labels;
        c.gamma = gamma;
        c.positives = P;
        c.perfect = base.value;
        c.range = range;
        double sum = 0.0;
        std::int64_t defined = 0, detected = 0;
        for (const metric_value& v : values[t]) {
          if (!v.defined()) {
            ++c.undefined;
            continue;
          }
          // A zero observed range means nothing moved: d = 0.
          const double d = range > 0.0 ? (v.value - base.value) / range : 0.0;
          sum += d;
          ++defined;
          if (d < -o.eps) ++detected;
        }
        c.mean_decrease = defined > 0 ? sum / static_cast<double>(defined) : 0.0;
        c.detection_rate = static_cast<double>(detected) / static_cast<double>(seeds);
        auto& v = report.verdicts[k];
        double& worst = t == 0 ? v.worst_rate_missing : v.worst_rate_extra;
        double& worst_gamma = t == 0 ? v.worst_gamma_missing : v.worst_gamma_extra;
        if (c.detection_rate < worst) {
          worst = c.detection_rate;
          worst_gamma = gamma;
        }
        cells[k][static_cast<std::size_t>(t)].push_back(c);
      }
    }
    if (o.progress) o.progress(g + 1, o.gammas.size());
  }
  for (std::size_t k = 0; k < nm; ++k) {
    auto& v = report.verdicts[k];
    v.passes_missing = v.worst_rate_missing >= o.pass_rate;
    v.passes_extra = v.worst_rate_extra >= o.pass_rate;
    for (const auto& per_test : cells[k])
      for (const auto& c : per_test) report.cells.push_back(c);
  }
  return report;
}

}  // namespace neuroncert::sim
