#include "neuroncert/core/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert {

double quantile_type7(std::span<const double> x, double q) {
  check_closed_unit("quantile level", q);
  if (x.empty()) throw invalid_argument("quantile of an empty sample");
  std::vector<double> s(x.begin(), x.end());
  for (double v : s)
    if (!std::isfinite(v)) throw invalid_argument("quantile of a sample containing NaN or Inf");
  std::sort(s.begin(), s.end());
  const double h = static_cast<double>(s.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

}  // namespace neuroncert
