#include "neuroncert/bounds/activation_rate.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert::bounds {

activation_rate_stats activation_rate(std::int64_t fired, std::int64_t images, double delta, double alpha, double p0) {
  if (images < 1) throw invalid_argument(fmt::format("activation rate: at least one verification image is required, got {}", images));
  if (fired < 0 || fired > images)
    throw invalid_argument(fmt::format("activation rate: fired must lie in [0, {}], got {}", images, fired));
  check_open_unit("delta", delta);
  check_open_unit("alpha", alpha);
  check_open_unit("p0", p0);
  activation_rate_stats s;
  s.fired = fired;
  s.images = images;
  s.rate = static_cast<double>(fired) / static_cast<double>(images);
  s.clopper_pearson = clopper_pearson(fired, images, delta);
  s.p_value = binomial_upper_tail(fired, images, p0);
  s.significant = s.p_value <= alpha;
  return s;
}

verification_plan plan_verification_images(double ar, double power, double alpha, double p0, std::int64_t max_images) {
  check_open_unit("--alpha", alpha);
  check_open_unit("--power", power);
  check_open_unit("p0", p0);
  if (!(ar > p0 && ar <= 1.0))
    throw invalid_argument(fmt::format("--ar must lie in ({}, 1] (above the random-image rate), got {}", p0, ar));
  verification_plan plan;
  const boost::math::normal_distribution<double> z;
  const double za = boost::math::quantile(z, 1 - alpha), zb = boost::math::quantile(z, power);
  plan.normal_approx = std::pow((za * std::sqrt(p0 * (1 - p0)) + zb * std::sqrt(ar * (1 - ar))) / (ar - p0), 2);
  // The scan below costs a few binomial tails per n and runs to about twice the answer: refuse at
  // once when the normal approximation already says the answer is past the limit (an AR a hair
  // above p0 needs ~10^12 images, and the scan would run for hours).
  if (!(plan.normal_approx <= static_cast<double>(max_images) / 2))
    throw invalid_argument(fmt::format("--ar {} is too close to {}: about {:.3g} verification images would be needed "
                                       "(normal approximation), more than the {} this plan scans",
                                       ar, p0, plan.normal_approx, max_images / 2));
  // c(n) is non-decreasing in n (Binomial(n+1, p0) is stochastically larger), so scan it along.
  std::int64_t c = 1;
  std::int64_t n_end = -1, last_fail = 0;
  for (std::int64_t n = 1; n <= max_images; ++n) {
    while (binomial_upper_tail(c, n, p0) > alpha) ++c;
    const double pw = binomial_upper_tail(c, n, ar);
    if (pw >= power) {
      if (plan.images == 0) {
        plan.images = n;
        plan.critical = c;
        plan.size = binomial_upper_tail(c, n, p0);
        plan.power = pw;
        n_end = std::min(max_images, 2 * n + 50);
      }
    } else {
      last_fail = n;
    }
    if (n == n_end) break;
  }
  if (plan.images == 0)
    throw invalid_argument(fmt::format("--ar {} is too close to {}: more than {} verification images are needed", ar,
                                       p0, max_images));
  plan.n_max_checked = n_end;
  plan.stable_from = last_fail + 1;
  return plan;
}

}  // namespace neuroncert::bounds
