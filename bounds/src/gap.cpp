#include "neuroncert/bounds/gap.hpp"

#include <algorithm>
#include <cmath>

#include "neuroncert/core/checks.hpp"

namespace neuroncert::bounds {
namespace {
void check_rate(const char* name, double r) {
  if (!(r >= 0.0)) throw invalid_argument(fmt::format("{} must be non-negative, got {}", name, r));
}
}  // namespace

double uniform_gap(const rate_spec& spec, double n, double delta, std::int64_t num_concepts) {
  return 2.0 * rate(spec, n, union_delta(delta, num_concepts));
}

double uniform_gap_accuracy(double n, double delta, std::int64_t num_concepts) {
  return 2.0 * hoeffding_rate(n, union_delta(delta, num_concepts));
}

double resolvable_margin(const rate_spec& spec, double n, double delta, std::int64_t num_concepts) {
  return uniform_gap(spec, n, delta, num_concepts);
}

double per_concept_gap(double rate_c_hat, double rate_c_star) {
  check_rate("rate_c_hat", rate_c_hat);
  check_rate("rate_c_star", rate_c_star);
  return rate_c_hat + rate_c_star;
}

double worst_case_gap(double rate_c_hat, std::span<const double> concept_rates) {
  check_rate("rate_c_hat", rate_c_hat);
  if (concept_rates.empty()) throw invalid_argument("concept_rates must not be empty");
  for (double r : concept_rates) check_rate("concept_rates", r);
  return rate_c_hat + *std::max_element(concept_rates.begin(), concept_rates.end());
}

}  // namespace neuroncert::bounds
