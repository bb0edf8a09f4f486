#include "neuroncert/bounds/rates.hpp"

#include <cmath>
#include <limits>

#include "neuroncert/core/checks.hpp"

namespace neuroncert::bounds {
namespace {

// The one formula behind every rate: sqrt(ln(2/delta) / (2 n_eff)); n_eff = 0 means no information.
double base_rate(double n_eff, double delta) {
  if (n_eff == 0.0) return std::numeric_limits<double>::infinity();
  return std::sqrt(std::log(2.0 / delta) / (2.0 * n_eff));
}

// n >= 1 (a sample size; fractional values allowed for weighted counts).
void check_sample_size(const char* name, double n) {
  check_positive(name, n);
  if (n < 1.0) throw invalid_argument(fmt::format("{} must be at least 1, got {}", name, n));
}

void check_counts(double f00, double f01, double f10, double f11) {
  check_nonnegative("f00", f00);
  check_nonnegative("f01", f01);
  check_nonnegative("f10", f10);
  check_nonnegative("f11", f11);
}

}  // namespace

std::optional<rate_kind> rate_kind_for(metric m) {
  switch (m) {
    case metric::accuracy: return rate_kind::hoeffding;
    case metric::recall:
    case metric::precision:
    case metric::iou: return rate_kind::effective_sample_size;
    case metric::auroc: return rate_kind::agarwal_auroc;
    default: return std::nullopt;
  }
}

double hoeffding_rate(double n, double delta) {
  check_open_unit("delta", delta);
  check_sample_size("n", n);
  return base_rate(n, delta);
}

double ess_rate(double m, double delta) {
  check_open_unit("delta", delta);
  check_nonnegative("m", m);
  return base_rate(m, delta);
}

double auroc_rate(double n, double rho, double delta) {
  check_open_unit("delta", delta);
  check_open_unit("rho", rho);
  check_sample_size("n", n);
  return base_rate(rho * (1.0 - rho) * n, delta);
}

double auroc_rate_counts(double n0, double n1, double delta) {
  check_open_unit("delta", delta);
  check_nonnegative("n0", n0);
  check_nonnegative("n1", n1);
  if (n0 == 0.0 || n1 == 0.0) return std::numeric_limits<double>::infinity();
  return base_rate(n0 * n1 / (n0 + n1), delta);
}

double effective_n(const rate_spec& spec, double n) {
  switch (spec.kind) {
    case rate_kind::hoeffding:
      check_sample_size("n", n);
      return n;
    case rate_kind::effective_sample_size:
      check_nonnegative("m", n);
      return n;
    case rate_kind::agarwal_auroc:
      check_open_unit("rho", spec.rho);
      check_sample_size("n", n);
      return spec.rho * (1.0 - spec.rho) * n;
  }
  throw invalid_argument("rate kind: unknown value");
}

double rate(const rate_spec& spec, double n, double delta) {
  check_open_unit("delta", delta);
  return base_rate(effective_n(spec, n), delta);
}

double union_delta(double delta, std::int64_t num_concepts) {
  check_open_unit("delta", delta);
  check_at_least("num_concepts (|C|)", num_concepts, 1);
  return delta / static_cast<double>(num_concepts);
}

double recall_effective_n(double f00, double f01, double f10, double f11) {
  check_counts(f00, f01, f10, f11);
  return f01 + f11;
}

double precision_effective_n(double f00, double f01, double f10, double f11) {
  check_counts(f00, f01, f10, f11);
  return f10 + f11;
}

double iou_effective_n(double f00, double f01, double f10, double f11) {
  check_counts(f00, f01, f10, f11);
  return f01 + f10 + f11;
}

}  // namespace neuroncert::bounds
