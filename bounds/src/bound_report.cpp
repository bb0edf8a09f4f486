#include "neuroncert/bounds/bound_report.hpp"

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::bounds {
namespace {

count_estimate estimate_from(metric m, const counts2x2& k, const rate_basis& b, double delta_c) {
  count_estimate e;
  if (b.successes) {
    e.successes = static_cast<std::int64_t>(*b.successes);
    e.trials = static_cast<std::int64_t>(b.trials);
    if (e.trials == 0) {
      e.reason = b.empty_reason;
      return e;
    }
    e.defined = true;
    e.value = *b.successes / b.trials;
    e.clopper_pearson = clopper_pearson(e.successes, e.trials, delta_c);
  } else if (m == metric::auroc) {  // tie-corrected AUROC of a binary neuron: balanced accuracy
    if (b.n1 == 0.0 || b.n0 == 0.0) {
      e.reason = b.empty_reason;
      return e;
    }
    e.defined = true;
    e.value = 0.5 * (k.f11 / b.n1 + k.f00 / b.n0);
  }
  return e;
}

}  // namespace

bound_report bound_report_for(metric m, std::int64_t n, double delta_c, std::optional<double> rho,
                              const std::optional<counts2x2>& counts) {
  bound_report r;
  const auto kind = rate_kind_for(m);
  if (!kind) throw invalid_argument(fmt::format("metric '{}' has no closed-form bound", to_string(m)));
  const double nd = static_cast<double>(n);
  if (counts) {
    r.basis = rate_basis_for(m, *counts, orientation::paper);
    r.rate = rate_at(r.basis, delta_c);
    r.estimate = estimate_from(m, *counts, r.basis, delta_c);
  } else if (*kind == rate_kind::hoeffding) {
    r.basis.kind = kind;
    r.basis.n_eff = nd;
    r.basis.basis = "hoeffding, n";
    r.rate = hoeffding_rate(nd, delta_c);
  } else if (*kind == rate_kind::agarwal_auroc && rho) {
    r.basis.kind = kind;
    r.basis.n_eff = *rho * (1 - *rho) * nd;
    r.basis.basis = "agarwal, rho (1 - rho) n";
    r.rate = auroc_rate(nd, *rho, delta_c);
  } else {
    throw invalid_argument(fmt::format("metric '{}' needs {}", to_string(m),
                                       *kind == rate_kind::agarwal_auroc ? "rho or counts" : "counts"));
  }
  r.gap = 2 * r.rate;
  return r;
}

}  // namespace neuroncert::bounds
