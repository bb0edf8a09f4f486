#include "neuroncert/core/binarize.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"

namespace neuroncert {

double top_alpha_count(double alpha, double n) {
  const double raw = alpha * n;
  const double nearest = std::round(raw);
  // Products like 0.07 * 100 come out one ulp above the integer they stand for.
  if (std::abs(raw - nearest) <= 8.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, raw))
    return std::max(1.0, nearest);
  return std::max(1.0, std::ceil(raw));
}

double top_alpha_threshold(std::span<const double> z, std::span<const std::uint32_t> order, double alpha,
                           std::span<const double> weights) {
  check_open_unit("alpha", alpha);
  if (z.empty()) throw invalid_argument("top-alpha binarisation of an empty activation vector");
  if (!weights.empty() && weights.size() != z.size())
    throw invalid_argument(fmt::format("weights have {} entries but the neuron has {}", weights.size(), z.size()));
  double n = 0.0;
  if (weights.empty()) {
    n = static_cast<double>(z.size());
  } else {
    for (double w : weights) n += w;
  }
  if (!(n > 0.0)) throw invalid_argument("weights sum to zero: no sample to binarise");
  const double k = top_alpha_count(alpha, n);
  double cumulative = 0.0;
  for (std::uint32_t i : order) {
    cumulative += weights.empty() ? 1.0 : weights[i];
    if (cumulative >= k) return z[i];
  }
  return z[order.back()];  // unreachable for k <= n; kept for rounding safety
}

std::vector<double> binarize_top_alpha(std::span<const double> z, double alpha, std::span<const double> weights) {
  const auto order = descending_order(z);
  const double t = top_alpha_threshold(z, order, alpha, weights);
  std::vector<double> f(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) f[i] = z[i] >= t ? 1.0 : 0.0;
  return f;
}

}  // namespace neuroncert
