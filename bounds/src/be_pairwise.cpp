#include "neuroncert/bounds/be_pairwise.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <boost/math/distributions/binomial.hpp>
#include <fmt/format.h>

#include "neuroncert/bounds/binomial_tail.hpp"
#include "neuroncert/core/checks.hpp"

namespace neuroncert::bounds {
namespace {

constexpr double rounding_allowance = 1.0 + 1e-9;  // on the summed exact tail, see the header
constexpr double window_sd = 15.0;                  // half-width of the summed window, in sd(N)
constexpr double max_exact_terms = 1e6;             // beyond it, the Chernoff bound

void check_pair(std::int64_t n, double margin, double disagreement, const std::string& prefix = "") {
  check_at_least("n", n, 1);
  if (!(margin > 0.0 && margin <= 1.0))
    throw invalid_argument(fmt::format("{}margin must lie in (0, 1], got {}", prefix, margin));
  if (!(disagreement >= margin && disagreement <= 1.0))
    throw invalid_argument(fmt::format(
        "{}disagreement must lie in [margin, 1] = [{}, 1] (two concepts that disagree on a fraction d of the "
        "inputs differ in accuracy by at most d), got {}",
        prefix, margin, disagreement));
}

double chernoff(std::int64_t n, double margin, double d) {
  // 1 - d + sqrt(d^2 - Delta^2) = 1 - Delta^2 / (d + sqrt(d^2 - Delta^2)), without cancellation.
  const double gap = margin * margin / (d + std::sqrt(std::max(0.0, d * d - margin * margin)));
  if (gap >= 1.0) return 0.0;  // d = 1 = Delta: D = 1 always
  return std::exp(static_cast<double>(n) * std::log1p(-gap));
}

/// Derivation (3): the sum over the window of P(N = m) P(Bin(m, q) <= floor(m/2)), plus the mass of N
/// below the window (times 1) and above it (times (4 q (1 - q))^((hi + 1)/2), Chernoff's bound
/// P(Bin(m, q) <= m/2) <= exp(-m KL(1/2 || q)) at the window's end, decreasing in m). -1 when the
/// window is too wide.
double exact_tail(std::int64_t n, double margin, double d) {
  const double nd = static_cast<double>(n);
  if (d == 1.0) return binomial_cdf(n / 2, n, (1.0 + margin) / 2.0);  // N = n
  const double mean = nd * d, sd = std::sqrt(nd * d * (1.0 - d));
  const double half = window_sd * sd + 10.0;
  if (2.0 * half > max_exact_terms) return -1.0;
  const auto lo = static_cast<std::int64_t>(std::max(0.0, std::floor(mean - half)));
  const auto hi = static_cast<std::int64_t>(std::min(nd, std::ceil(mean + half)));
  const double q = std::min(1.0, (1.0 + margin / d) / 2.0);
  const boost::math::binomial_distribution<double> N(nd, d);
  const double above = std::pow(4.0 * q * (1.0 - q), static_cast<double>(hi + 1) / 2.0);
  double sum = binomial_cdf(lo - 1, n, d) + above * binomial_upper_tail(hi + 1, n, d);  // outside the window
  for (std::int64_t m = lo; m <= hi; ++m) {
    const double w = boost::math::pdf(N, static_cast<double>(m));
    if (w == 0.0) continue;
    sum += w * binomial_cdf(m / 2, m, q);
  }
  return std::min(1.0, sum * rounding_allowance);
}

}  // namespace

double pairwise_error_exact(std::int64_t n, double margin, double disagreement) {
  check_pair(n, margin, disagreement);
  const double c = chernoff(n, margin, disagreement);
  const double t = exact_tail(n, margin, disagreement);
  return t < 0.0 ? c : std::min(t, c);  // both are upper bounds; they differ where the mass outside the window counts
}

double pairwise_error_bernstein(std::int64_t n, double margin, double disagreement) {
  check_pair(n, margin, disagreement);
  const double denom = 2.0 * disagreement + 2.0 * margin / 3.0 - 4.0 * margin * margin / 3.0;
  return std::exp(-static_cast<double>(n) * margin * margin / denom);
}

double pairwise_error_chernoff(std::int64_t n, double margin, double disagreement) {
  check_pair(n, margin, disagreement);
  return chernoff(n, margin, disagreement);
}

double pairwise_error_uniform(std::int64_t n, double margin, double disagreement) {
  check_pair(n, margin, disagreement);
  const double c = chernoff(n, margin, disagreement);
  const double t = exact_tail(n, margin, disagreement);
  return std::min({1.0, c, t < 0.0 ? 1.0 : 2.0 * t});
}

double p_from_disagreement(std::int64_t n, double margin, double disagreement, std::int64_t num_concepts) {
  check_at_least("num_concepts (|C|)", num_concepts, 2);
  const double one = pairwise_error_uniform(n, margin, disagreement);
  return std::min(1.0, static_cast<double>(num_concepts - 1) * one);
}

double p_from_runner_ups(std::int64_t n, std::span<const runner_up> runner_ups) {
  check_at_least("n", n, 1);
  if (runner_ups.empty()) throw invalid_argument("runner-ups must not be empty (|C| >= 2)");
  double p = 0.0;
  for (std::size_t i = 0; i < runner_ups.size(); ++i) {
    const runner_up& r = runner_ups[i];
    check_pair(n, r.margin, r.disagreement, fmt::format("runner-up {}: ", i));
    if (p < 1.0) p += pairwise_error_exact(n, r.margin, r.disagreement);
  }
  return std::min(1.0, p);
}

}  // namespace neuroncert::bounds
