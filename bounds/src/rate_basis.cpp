#include "neuroncert/bounds/rate_basis.hpp"

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::bounds {

rate_basis rate_basis_for(metric m, const counts2x2& k, orientation o) {
  rate_basis b;
  b.kind = rate_kind_for(m);
  b.n0 = k.f00 + k.f10;
  b.n1 = k.concept_positives();
  auto binomial = [&](double successes, double trials, const char* empty) {
    b.successes = successes;
    b.trials = trials;
    b.n_eff = trials;
    if (trials == 0.0) b.empty_reason = empty;
  };
  switch (m) {
    case metric::accuracy:
      binomial(k.f00 + k.f11, k.total(), "empty probing set");
      b.basis = "hoeffding, n";
      return b;
    case metric::recall:
    case metric::precision:
      // The conditioning event: c = 1 for the paper's recall and Neuron_Eval's precision, f = 1 otherwise.
      if ((m == metric::recall) == (o == orientation::paper))
        binomial(k.f11, k.concept_positives(), "no concept positives");
      else
        binomial(k.f11, k.neuron_positives(), "neuron never fires");
      b.basis = "effective sample size m";
      return b;
    case metric::iou:
      binomial(k.f11, k.union_count(), "neuron and concept both empty");
      b.basis = "effective sample size m";
      return b;
    case metric::auroc:
      b.n_eff = (b.n0 == 0.0 || b.n1 == 0.0) ? 0.0 : b.n0 * b.n1 / (b.n0 + b.n1);
      if (b.n_eff == 0.0) b.empty_reason = "a class is empty";
      b.basis = "agarwal, n0 n1 / n from the counts";
      return b;
    default:
      b.basis = fmt::format("metric '{}' has no closed-form rate", to_string(m));
      return b;
  }
}

double rate_at(const rate_basis& b, double delta) {
  if (!b.kind) throw invalid_argument(b.basis);
  switch (*b.kind) {
    case rate_kind::hoeffding: return hoeffding_rate(b.n_eff, delta);
    case rate_kind::effective_sample_size: return ess_rate(b.n_eff, delta);
    case rate_kind::agarwal_auroc: return auroc_rate_counts(b.n0, b.n1, delta);
  }
  throw invalid_argument("rate kind: unknown value");
}

std::optional<double> population_rate(const rate_basis& shares, double n, double delta) {
  if (!shares.kind) return std::nullopt;
  switch (*shares.kind) {
    case rate_kind::hoeffding: return hoeffding_rate(n, delta);
    case rate_kind::effective_sample_size: return ess_rate(shares.n_eff * n, delta);
    case rate_kind::agarwal_auroc: return auroc_rate(n, shares.n1, delta);
  }
  return std::nullopt;
}

}  // namespace neuroncert::bounds
