#include "neuroncert/bounds/binomial_tail.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert::bounds {

namespace {
void check_binomial(std::int64_t n, double p) {
  if (n < 0) throw invalid_argument(fmt::format("binomial tail: n must be >= 0, got {}", n));
  check_closed_unit("binomial tail p", p);
}
}  // namespace

double binomial_cdf(std::int64_t k, std::int64_t n, double p) {
  check_binomial(n, p);
  if (k < 0) return 0.0;
  if (k >= n) return 1.0;
  if (p == 0.0) return 1.0;
  if (p == 1.0) return 0.0;
  return boost::math::cdf(boost::math::binomial_distribution<double>(static_cast<double>(n), p), static_cast<double>(k));
}

double binomial_upper_tail(std::int64_t k, std::int64_t n, double p) {
  check_binomial(n, p);
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  if (p == 0.0) return 0.0;
  if (p == 1.0) return 1.0;
  const boost::math::binomial_distribution<double> dist(static_cast<double>(n), p);
  return boost::math::cdf(boost::math::complement(dist, static_cast<double>(k - 1)));
}

}  // namespace neuroncert::bounds
