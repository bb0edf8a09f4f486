#include "neuroncert/bounds/be_coverage.hpp"

#include <algorithm>
#include <cmath>

#include "neuroncert/bounds/binomial_tail.hpp"

#include "neuroncert/core/checks.hpp"

namespace neuroncert::bounds {
namespace {

void check_kt(std::int64_t K, std::int64_t t, const char* t_name, double p) {
  check_at_least("K", K, 1);
  if (t < 1 || t > K) throw invalid_argument(fmt::format("{} must lie in [1, K] = [1, {}], got {}", t_name, K, t));
  check_closed_unit("p", p);
}

}  // namespace

double p_from_margin(const rate_spec& spec, double n, double margin, std::int64_t num_concepts) {
  check_positive("margin", margin);
  check_at_least("num_concepts (|C|)", num_concepts, 1);
  const double n_eff = effective_n(spec, n);
  // r(n, p/|C|) = Delta/2  <=>  ln(2|C|/p) = 2 n_eff (Delta/2)^2  <=>  p = 2|C| exp(-n_eff Delta^2 / 2).
  const double p = 2.0 * static_cast<double>(num_concepts) * std::exp(-n_eff * margin * margin / 2.0);
  return std::clamp(p, 0.0, 1.0);
}

double p_from_margin_accuracy(double n, double margin, std::int64_t num_concepts) {
  return p_from_margin(rate_spec{rate_kind::hoeffding}, n, margin, num_concepts);
}

double be_coverage_corrected(std::int64_t K, std::int64_t t, double p) {
  check_kt(K, t, "t", p);
  return binomial_cdf(t - 1, K, p);
}

double be_coverage_tightened(std::int64_t K, std::int64_t t, double p) {
  check_kt(K, t, "t", p);
  const std::int64_t half_up = (K + 1) / 2;  // ceil(K/2)
  return binomial_cdf(std::max(t, half_up) - 1, K, p);
}

double paper_eq9(std::int64_t K, std::int64_t k_S, double p) {
  check_kt(K, k_S, "k_S", p);
  return binomial_cdf(K - k_S - 1, K, p);
}

std::int64_t threshold_from_fraction(double tau, std::int64_t K) {
  check_at_least("K", K, 1);
  if (!(tau > 0.0 && tau <= 1.0)) throw invalid_argument(fmt::format("tau must lie in (0, 1], got {}", tau));
  const double x = tau * static_cast<double>(K);
  const double nearest = std::round(x);
  const double t = std::abs(x - nearest) <= 1e-9 * std::max(1.0, x) ? nearest : std::ceil(x);
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(t), 1, K);
}

std::int64_t checked_be_threshold(std::int64_t K, std::optional<std::int64_t> threshold,
                                  std::optional<double> fraction, const be_threshold_names& names) {
  check_at_least("K", K, 1);
  if (threshold.has_value() == fraction.has_value())
    throw invalid_argument(fmt::format("give exactly one of {} or {}", names.threshold, names.fraction));
  if (threshold) {
    if (*threshold < 1 || *threshold > K)
      throw invalid_argument(fmt::format("{} must be in (0, K] = (0, {}], got {}", names.threshold, K, *threshold));
    return *threshold;
  }
  if (!(*fraction > 0.0 && *fraction <= 1.0))
    throw invalid_argument(fmt::format("{} must be in (0, 1], got {}", names.fraction, *fraction));
  return threshold_from_fraction(*fraction, K);
}

}  // namespace neuroncert::bounds
