#include "neuroncert/sim/gaussian.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <span>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <fmt/format.h>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/experiments.hpp"

namespace neuroncert::sim {
namespace {

constexpr const char* experiment_name = "gaussian";

void check_finite(std::string_view name, double x) {
  if (!std::isfinite(x)) throw invalid_argument(fmt::format("{} must be finite, got {}", name, x));
}

/// Upper tail P(X >= t) of N(mu, s^2), accurate far into the tail (complement form).
double upper_tail(double mu, double s, double t) {
  const boost::math::normal_distribution<double> d(mu, s);
  return boost::math::cdf(boost::math::complement(d, t));
}

double q_pos(const gaussian_setting& s, double t) { return upper_tail(s.mu_pos, s.s_pos, t); }
double q_neg(const gaussian_setting& s, double t) { return upper_tail(s.mu_neg, s.s_neg, t); }

bool is_gaussian_metric(metric m) {
  return m == metric::auroc || m == metric::auprc || m == metric::correlation || m == metric::mad ||
         m == metric::wpmi;
}

}  // namespace

void check_gaussian_setting(const gaussian_setting& s) {
  check_open_unit("p (concept frequency)", s.p);
  check_finite("mu_pos", s.mu_pos);
  check_finite("mu_neg", s.mu_neg);
  check_positive("s_pos", s.s_pos);
  check_positive("s_neg", s.s_neg);
}

std::string gaussian_setting_name(const gaussian_setting& s) {
  return fmt::format("p={};mu_pos={};mu_neg={};s_pos={};s_neg={}", s.p, s.mu_pos, s.mu_neg, s.s_pos, s.s_neg);
}

std::vector<metric> gaussian_metrics() {
  return {metric::auroc, metric::auprc, metric::correlation, metric::wpmi, metric::mad};
}

double gaussian_population_auroc(const gaussian_setting& s) {
  check_gaussian_setting(s);
  // z_pos - z_neg ~ N(mu_pos - mu_neg, s_pos^2 + s_neg^2); AUROC = P(z_pos - z_neg > 0).
  const boost::math::normal_distribution<double> std_normal(0.0, 1.0);
  return boost::math::cdf(std_normal, (s.mu_pos - s.mu_neg) / std::hypot(s.s_pos, s.s_neg));
}

double gaussian_population_correlation(const gaussian_setting& s) {
  check_gaussian_setting(s);
  const double d = s.mu_pos - s.mu_neg;
  const double pq = s.p * (1.0 - s.p);
  const double var_z = s.p * s.s_pos * s.s_pos + (1.0 - s.p) * s.s_neg * s.s_neg + pq * d * d;
  // Cov(z, c) = p(1-p)(mu_pos - mu_neg), Var(c) = p(1-p).
  return pq * d / std::sqrt(var_z * pq);
}

double gaussian_population_mad(const gaussian_setting& s, bool standardised) {
  check_gaussian_setting(s);
  const double d = s.mu_pos - s.mu_neg;
  return standardised ? d / s.s_neg : d;
}

double gaussian_population_auprc(const gaussian_setting& s) {
  check_gaussian_setting(s);
  // AP = int precision(t) dTPR(t); TPR(t) = Q_pos(t) decreases in t, so dTPR = -phi_pos(t) dt and
  // AP = int_{-inf}^{inf} prec(t) phi_pos(t) dt. Outside mu_pos +- 12 s_pos the positive mass is
  // 2 Q(12) < 4e-33, and prec <= 1, so truncating there changes nothing at double precision.
  const boost::math::normal_distribution<double> pos(s.mu_pos, s.s_pos);
  const auto integrand = [&](double t) {
    const double num = s.p * q_pos(s, t);
    const double den = num + (1.0 - s.p) * q_neg(s, t);
    if (!(den > 0.0)) return 0.0;  // both tails underflow: phi_pos(t) is 0 there too
    return (num / den) * boost::math::pdf(pos, t);
  };
  double error = 0.0;
  const double a = s.mu_pos - 12.0 * s.s_pos, b = s.mu_pos + 12.0 * s.s_pos;
  const double ap = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, a, b, 20, 1e-13, &error);
  if (!(error < 1e-9))
    throw data_error(fmt::format("AUPRC quadrature did not converge (error estimate {})", error));
  return ap;
}

double gaussian_top_alpha_threshold(const gaussian_setting& s, double alpha) {
  check_gaussian_setting(s);
  check_open_unit("alpha", alpha);
  // g(t) = p Q_pos(t) + (1-p) Q_neg(t) - alpha is strictly decreasing from 1 - alpha to -alpha.
  const auto g = [&](double t) { return s.p * q_pos(s, t) + (1.0 - s.p) * q_neg(s, t) - alpha; };
  double lo = std::min(s.mu_pos - 10.0 * s.s_pos, s.mu_neg - 10.0 * s.s_neg);
  double hi = std::max(s.mu_pos + 10.0 * s.s_pos, s.mu_neg + 10.0 * s.s_neg);
  // Widen until the root is bracketed (alpha may sit far in a tail).
  for (int i = 0; i < 64 && g(lo) <= 0.0; ++i) lo -= (hi - lo);
  for (int i = 0; i < 64 && g(hi) >= 0.0; ++i) hi += (hi - lo);
  if (!(g(lo) > 0.0 && g(hi) < 0.0))
    throw data_error(fmt::format("cannot bracket the top-alpha threshold for alpha = {}", alpha));
  std::uintmax_t iterations = 200;
  const auto r = boost::math::tools::toms748_solve(g, lo, hi, boost::math::tools::eps_tolerance<double>(50),
                                                   iterations);
  return 0.5 * (r.first + r.second);
}

double gaussian_population_wpmi(const gaussian_setting& s, double alpha, double lambda, double eps) {
  check_gaussian_setting(s);
  check_open_unit("alpha", alpha);
  check_open_unit("WPMI eps", eps);
  check_finite("WPMI lambda", lambda);
  const double t = gaussian_top_alpha_threshold(s, alpha);
  const double pos = s.p * q_pos(s, t), neg = (1.0 - s.p) * q_neg(s, t);
  const double frac_pos = pos / (pos + neg);  // P(c = 1 | z >= t_alpha)
  // mean over the active set of log max(c, eps): c = 1 contributes log 1 = 0, c = 0 contributes log eps.
  return (1.0 - frac_pos) * std::log(eps) + frac_pos * std::log(std::max(1.0, eps)) - lambda * std::log(s.p);
}

double gaussian_population_value(metric m, const gaussian_setting& s, const metric_options& options) {
  check_metric_options(options);
  switch (m) {
    case metric::auroc:
      if (options.binary_activations || options.auroc == auroc_convention::strict)
        throw invalid_argument("the Gaussian AUROC population value is the continuous (mid-rank) AUROC");
      return gaussian_population_auroc(s);
    case metric::auprc: return gaussian_population_auprc(s);
    case metric::correlation: return gaussian_population_correlation(s);
    case metric::mad: return gaussian_population_mad(s, options.mad_standardised);
    case metric::wpmi: return gaussian_population_wpmi(s, options.alpha, options.wpmi_lambda, options.wpmi_eps);
    default: break;
  }
  throw invalid_argument(fmt::format("metric '{}' is not a continuous metric of the Gaussian experiment "
                                     "(use auroc, auprc, correlation, mad, wpmi)",
                                     to_string(m)));
}

gaussian_sample draw_gaussian_sample(random_engine& rng, std::int64_t n, const gaussian_setting& s) {
  check_at_least("n", n, 1);
  gaussian_sample out;
  out.z.resize(static_cast<std::size_t>(n));
  out.c.resize(static_cast<std::size_t>(n));
  boost::random::bernoulli_distribution<double> concept_draw(s.p);
  boost::random::normal_distribution<double> pos(s.mu_pos, s.s_pos), neg(s.mu_neg, s.s_neg);
  for (std::size_t i = 0; i < out.z.size(); ++i) {
    const bool c = concept_draw(rng);
    out.c[i] = c ? 1.0 : 0.0;
    out.z[i] = c ? pos(rng) : neg(rng);
  }
  return out;
}

gaussian_reduced_sample reduce_gaussian_sample(std::span<const double> positives, std::span<const double> negatives,
                                               double alpha) {
  check_open_unit("alpha", alpha);
  const auto finite = [](double z) { return std::isfinite(z); };
  if (!std::all_of(positives.begin(), positives.end(), finite) ||
      !std::all_of(negatives.begin(), negatives.end(), finite))
    throw invalid_argument("reduce_gaussian_sample: activations must be finite");
  gaussian_reduced_sample r;
  r.positives = static_cast<std::int64_t>(positives.size());
  r.negatives = static_cast<std::int64_t>(negatives.size());

  // The distinct positive values, descending, and how many positives hold each.
  std::vector<double> bounds(positives.begin(), positives.end());
  std::sort(bounds.begin(), bounds.end(), std::greater<>());
  std::vector<std::int64_t> positive_count;
  {
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      if (i == 0 || bounds[i] != bounds[distinct - 1]) {
        bounds[distinct++] = bounds[i];
        positive_count.push_back(0);
      }
      ++positive_count.back();
    }
    bounds.resize(distinct);
  }
  const std::size_t nb = bounds.size();

  // Runs of negatives: gap a (a = 0..nb) lies strictly between bounds[a-1] and bounds[a] (gap 0 above
  // every positive, gap nb below); tie a (a < nb) equals bounds[a]. A gap keeps its first value.
  std::vector<std::int64_t> gap_count(nb + 1, 0), tie_count(nb, 0);
  std::vector<double> gap_value(nb + 1, 0.0);
  const double lowest = nb > 0 ? bounds.back() : std::numeric_limits<double>::infinity();
  for (const double z : negatives) {
    std::size_t a = nb;
    if (!(z < lowest)) {  // most negatives lie below every positive: one comparison
      a = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), z, std::greater<>()) - bounds.begin());
      if (a < nb && bounds[a] == z) {
        ++tie_count[a];
        continue;
      }
    }
    if (gap_count[a]++ == 0) gap_value[a] = z;
  }

  // The top-alpha cut t (the k-th largest value, k as binarize_top_alpha counts it): where the
  // cumulative count from the top first reaches k. Inside a gap, that gap is split at t.
  const double k = top_alpha_count(alpha, static_cast<double>(r.positives + r.negatives));
  std::size_t split = nb + 1;  // none
  std::int64_t rank_in_gap = 0;
  {
    double cumulative = 0.0;
    for (std::size_t a = 0; a <= nb; ++a) {
      if (cumulative + static_cast<double>(gap_count[a]) >= k) {
        split = a;
        rank_in_gap = static_cast<std::int64_t>(k - cumulative);
        break;
      }
      cumulative += static_cast<double>(gap_count[a]);
      if (a == nb) break;
      cumulative += static_cast<double>(positive_count[a] + tie_count[a]);
      if (cumulative >= k) break;  // t = bounds[a], already a boundary
    }
  }

  const auto add = [](std::vector<double>& z, std::vector<double>& c, std::vector<double>& w, double zv, double cv,
                      double wv) {
    z.push_back(zv);
    c.push_back(cv);
    w.push_back(wv);
  };
  const auto add_ranked = [&](double z, double c, std::int64_t w) {
    if (w > 0) add(r.ranked_z, r.ranked_c, r.ranked_w, z, c, static_cast<double>(w));
  };
  for (std::size_t a = 0; a <= nb; ++a) {
    if (a == split && rank_in_gap >= 1) {
      // The gap's values, its rank_in_gap-th largest t, and one value above / below t.
      std::vector<double> run;
      run.reserve(static_cast<std::size_t>(gap_count[a]));
      for (const double z : negatives)
        if ((a == 0 || z < bounds[a - 1]) && (a == nb || z > bounds[a])) run.push_back(z);
      const auto cut = run.begin() + (rank_in_gap - 1);
      std::nth_element(run.begin(), cut, run.end(), std::greater<>());
      const double t = *cut;
      std::int64_t above = 0, at = 0;
      double max_above = t, min_below = t;
      for (const double z : run) {
        if (z > t) {
          ++above;
          max_above = std::max(max_above, z);
        } else if (z == t) {
          ++at;
        } else {
          min_below = std::min(min_below, z);
        }
      }
      add_ranked(max_above, 0.0, above);
      add_ranked(t, 0.0, at);
      add_ranked(min_below, 0.0, static_cast<std::int64_t>(run.size()) - above - at);
    } else {
      add_ranked(gap_value[a], 0.0, gap_count[a]);
    }
    if (a < nb) {
      add_ranked(bounds[a], 1.0, positive_count[a]);
      add_ranked(bounds[a], 0.0, tie_count[a]);
    }
  }

  // Moments: the positives as they are, the negatives as two points with their count, mean and
  // sum of squared deviations (two passes, as the core computes them).
  for (const double z : positives) add(r.moment_z, r.moment_c, r.moment_w, z, 1.0, 1.0);
  if (!negatives.empty()) {
    const double n0 = static_cast<double>(negatives.size());
    double sum = 0.0;
    for (const double z : negatives) sum += z;
    const double mean = sum / n0;
    double squares = 0.0;
    for (const double z : negatives) squares += (z - mean) * (z - mean);
    const double rms = std::sqrt(squares / n0);
    add(r.moment_z, r.moment_c, r.moment_w, mean - rms, 0.0, 0.5 * n0);
    add(r.moment_z, r.moment_c, r.moment_w, mean + rms, 0.0, 0.5 * n0);
  }
  return r;
}

gaussian_reduced_sample draw_gaussian_reduced(random_engine& rng, std::int64_t n, const gaussian_setting& s,
                                              double alpha) {
  check_at_least("n", n, 1);
  check_gaussian_setting(s);
  // The draws of draw_gaussian_sample, in its order, sorted into the two classes. Per-thread
  // scratch: a replicate allocates nothing of size n once its thread has run one.
  thread_local std::vector<double> positives, negatives;
  positives.clear();
  negatives.clear();
  negatives.reserve(static_cast<std::size_t>(n));
  boost::random::bernoulli_distribution<double> concept_draw(s.p);
  boost::random::normal_distribution<double> pos(s.mu_pos, s.s_pos), neg(s.mu_neg, s.s_neg);
  for (std::int64_t i = 0; i < n; ++i) {
    if (concept_draw(rng))
      positives.push_back(pos(rng));
    else
      negatives.push_back(neg(rng));
  }
  return reduce_gaussian_sample(positives, negatives, alpha);
}

metric_value reduced_pair_metric(metric m, const gaussian_reduced_sample& r, const metric_options& options) {
  switch (m) {
    case metric::auroc:
    case metric::auprc:
    case metric::wpmi: return pair_metric(m, r.ranked_z, r.ranked_c, r.ranked_w, options);
    case metric::correlation:
    case metric::mad: return pair_metric(m, r.moment_z, r.moment_c, r.moment_w, options);
    default: break;
  }
  throw invalid_argument(fmt::format("metric '{}' is not a continuous metric of the Gaussian experiment "
                                     "(use auroc, auprc, correlation, mad, wpmi)",
                                     to_string(m)));
}

void check_gaussian_options(const gaussian_options& o) {
  check_gaussian_setting(o.setting);
  check_metric_options(o.metric_opts);
  check_at_least("replicates", o.replicates, 1);
  if (o.n_grid.empty()) throw invalid_argument("n grid must not be empty");
  for (std::int64_t n : o.n_grid) check_at_least("n", n, 1);
  if (o.metrics.empty()) throw invalid_argument("metrics must not be empty");
  for (metric m : o.metrics)
    if (!is_gaussian_metric(m))
      throw invalid_argument(fmt::format("metric '{}' is not a continuous metric of the Gaussian experiment "
                                         "(use auroc, auprc, correlation, mad, wpmi)",
                                         to_string(m)));
  if (o.metric_opts.binary_activations)
    throw invalid_argument("the Gaussian experiment has continuous activations (binary activations is not allowed)");
  for (metric m : o.metrics)
    if (gaussian_relative_error(m) && gaussian_population_value(m, o.setting, o.metric_opts) == 0.0)
      throw invalid_argument("the relative MAD error is undefined when mu_pos == mu_neg");
}

std::vector<tidy_row> run_gaussian(const gaussian_options& o) {
  check_gaussian_options(o);
  const std::string setting = gaussian_setting_name(o.setting);
  const std::size_t nm = o.metrics.size();
  std::vector<double> population(nm);
  for (std::size_t k = 0; k < nm; ++k) population[k] = gaussian_population_value(o.metrics[k], o.setting, o.metric_opts);

  struct replicate_errors {
    std::vector<double> error;      // per metric; meaningful only when defined
    std::vector<std::uint8_t> defined;
  };

  std::vector<tidy_row> rows;
  for (std::int64_t n : o.n_grid) {
    const std::string study = fmt::format("{}/{}/n={}", experiment_name, setting, n);
    engine_options e;
    e.seed = o.seed;
    e.salt = study_salt(study);
    if (o.progress) e.progress = [p = o.progress, study](std::size_t done, std::size_t total) { p(study, done, total); };
    const auto reps = map_replicates<replicate_errors>(
        static_cast<std::size_t>(o.replicates), e, [&](std::size_t, random_engine& rng) {
          gaussian_sample d;
          gaussian_reduced_sample reduced;
          if (o.sampler == sampler_kind::per_sample)
            d = draw_gaussian_sample(rng, n, o.setting);
          else
            reduced = draw_gaussian_reduced(rng, n, o.setting, o.metric_opts.alpha);
          replicate_errors r;
          r.error.assign(nm, 0.0);
          r.defined.assign(nm, 0);
          for (std::size_t k = 0; k < nm; ++k) {
            const metric_value v = o.sampler == sampler_kind::per_sample
                                       ? pair_metric(o.metrics[k], d.z, d.c, {}, o.metric_opts)
                                       : reduced_pair_metric(o.metrics[k], reduced, o.metric_opts);
            if (!v.defined()) continue;
            double err = std::abs(v.value - population[k]);
            if (gaussian_relative_error(o.metrics[k])) err /= std::abs(population[k]);
            r.error[k] = err;
            r.defined[k] = 1;
          }
          return r;
        });
    for (std::size_t k = 0; k < nm; ++k) {
      std::vector<double> defined;
      defined.reserve(reps.size());
      for (const auto& r : reps)
        if (r.defined[k]) defined.push_back(r.error[k]);
      const std::size_t undefined = reps.size() - defined.size();
      const std::string m(to_string(o.metrics[k]));
      const std::string kind = gaussian_relative_error(o.metrics[k]) ? "rel" : "abs";
      const auto row = [&](std::string quantity, std::optional<double> value) {
        rows.push_back({experiment_name, setting, m, n, std::move(quantity), value});
      };
      row("population_value", population[k]);
      row("replicates", static_cast<double>(o.replicates));
      row("undefined_count", static_cast<double>(undefined));
      std::optional<double> q95, median;
      if (!defined.empty()) {
        q95 = quantile_type7(defined, 0.95);
        median = quantile_type7(defined, 0.5);
      }
      row(kind + "_error_q95", q95);
      row(kind + "_error_q95_undef_inf", quantile_undefined_as_inf(defined, undefined, 0.95));
      row("error_median", median);
    }
  }
  return rows;
}

nlohmann::json gaussian_metadata(const gaussian_options& o) {
  check_gaussian_options(o);
  nlohmann::json j;
  j["experiment"] = experiment_name;
  j["model"] = "c ~ Bernoulli(p); z | c=1 ~ N(mu_pos, s_pos^2); z | c=0 ~ N(mu_neg, s_neg^2)";
  j["setting"] = {{"p", o.setting.p},         {"mu_pos", o.setting.mu_pos}, {"mu_neg", o.setting.mu_neg},
                  {"s_pos", o.setting.s_pos}, {"s_neg", o.setting.s_neg}};
  j["replicates"] = o.replicates;
  j["n_grid"] = o.n_grid;
  j["seed"] = o.seed;
  j["quantile"] = 0.95;
  j["quantile_method"] = "Hyndman-Fan type 7 over the defined replicates";
  j["options"] = {{"alpha", o.metric_opts.alpha},
                  {"wpmi_lambda", o.metric_opts.wpmi_lambda},
                  {"wpmi_eps", o.metric_opts.wpmi_eps},
                  {"mad_standardised", o.metric_opts.mad_standardised}};
  nlohmann::json metrics = nlohmann::json::object();
  for (metric m : o.metrics) {
    const std::string name(to_string(m));
    metrics[name] = {
        {"population_value", gaussian_population_value(m, o.setting, o.metric_opts)},
        {"error", gaussian_relative_error(m) ? "relative |est - pop| / |pop|" : "absolute |est - pop|"},
        {"population_method",
         m == metric::auprc  ? "Gauss-Kronrod quadrature of int prec(t) phi_pos(t) dt"
         : m == metric::wpmi ? "TOMS 748 root of p Q_pos(t) + (1-p) Q_neg(t) = alpha, then closed form"
                             : "closed form"}};
  }
  j["metrics"] = metrics;
  j["estimators"] = "core pair_metric (docs/theory.md sec. 2.2)";
  return j;
}

}  // namespace neuroncert::sim
