#include "neuroncert/studies/identify_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/rates.hpp"
#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert::studies {

void check_min_support(std::string_view option, double min_support, metric m) {
  check_nonnegative(option, min_support);
  if (min_support > 0.0 && !bounds::rate_kind_for(m))
    throw invalid_argument(fmt::format("{} filters the certified sets, and {} has no certificate: {}", option,
                                       to_string(m), no_certificate_reason(m)));
}

identify_report identify_and_certify(const probing_set& set, metric m, const metric_options& options, double delta,
                                     double min_support) {
  identify_report r;
  auto certified = bounds::certify_all(set, m, options, delta, min_support);
  r.neurons = std::move(certified.neurons);
  r.similarities = std::move(certified.similarities);
  summarize_identification(r);
  return r;
}

void summarize_identification(identify_report& r) {
  r.identified = r.bounded = r.certified_unique = r.lcb_differs = r.gap_vacuous = 0;
  r.mean_estimate = r.mean_gap = r.mean_set_size = 0.0;
  double estimate_sum = 0.0, gap_sum = 0.0, size_sum = 0.0;
  for (const auto& id : r.neurons) {
    if (id.concept_index < 0) continue;
    ++r.identified;
    estimate_sum += id.estimate;
    if (!id.has_bound) continue;
    ++r.bounded;
    gap_sum += id.gap;
    size_sum += static_cast<double>(id.candidates.members.size());
    r.certified_unique += id.candidates.unique() ? 1 : 0;
    r.lcb_differs += id.candidates.lcb_concept != id.concept_index ? 1 : 0;
    r.gap_vacuous += id.gap_vacuous ? 1 : 0;
  }
  if (r.identified) r.mean_estimate = estimate_sum / static_cast<double>(r.identified);
  if (r.bounded) {
    r.mean_gap = gap_sum / static_cast<double>(r.bounded);
    r.mean_set_size = size_sum / static_cast<double>(r.bounded);
  }
}

void summarize_stability_report(stability_report& r) {
  r.mean_top1_frequency = r.mean_coverage90_size = r.mean_be_set_size = 0.0;
  r.full_set_concept_in_be_set = 0;
  if (r.neurons.empty()) return;
  for (const auto& s : r.neurons) {
    r.mean_top1_frequency += s.summary.top1_frequency;
    r.mean_coverage90_size += static_cast<double>(s.summary.coverage90_size);
    r.mean_be_set_size += static_cast<double>(s.be.concepts.size());
    if (s.full_set_concept >= 0 &&
        std::find(s.be.concepts.begin(), s.be.concepts.end(), s.full_set_concept) != s.be.concepts.end())
      ++r.full_set_concept_in_be_set;
  }
  const double F = static_cast<double>(r.neurons.size());
  r.mean_top1_frequency /= F;
  r.mean_coverage90_size /= F;
  r.mean_be_set_size /= F;
}

std::string no_certificate_reason(metric m) {
  if (bounds::rate_kind_for(m)) return "";
  if (is_layer_metric(m))
    return fmt::format("{} has no closed-form rate (a score depends on every neuron of the layer through the "
                       "marginal, and on the sample through the top-k sets): use --bootstrap K (Python: bootstrap) "
                       "for the stability of each explanation",
                       to_string(m));
  return fmt::format("{} has no closed-form rate: use --bootstrap K (Python: bootstrap) for the stability of each "
                     "explanation",
                     to_string(m));
}

theorem_4_1_plugin plugin_bound(const similarity_matrix& full, Eigen::Index f, metric m, double n, double effective_n,
                                double rho, std::int64_t K, std::int64_t t, std::int64_t concepts) {
  theorem_4_1_plugin r;
  const auto kind = bounds::rate_kind_for(m);
  if (!kind) {
    r.reason = fmt::format("{} has no closed-form rate, so p cannot be derived from a margin", to_string(m));
    return r;
  }
  double best = -INFINITY, second = -INFINITY;
  for (Eigen::Index c = 0; c < full.value.cols(); ++c) {
    if (full.reason(f, c) != 0) continue;
    const double v = full.value(f, c);
    if (v > best) {
      second = best;
      best = v;
    } else if (v > second) {
      second = v;
    }
  }
  if (!std::isfinite(second)) {
    r.reason = "fewer than two defined concepts: no margin";
    return r;
  }
  r.margin = best - second;
  if (!(*r.margin > 0.0)) {
    r.reason = "the two best full-set estimates tie: observed margin 0";
    return r;
  }
  bounds::rate_spec spec{*kind, 0.5};
  double n_used = n;
  if (*kind == bounds::rate_kind::effective_sample_size) n_used = effective_n;
  if (*kind == bounds::rate_kind::agarwal_auroc) {
    if (!(rho > 0.0 && rho < 1.0)) {
      r.reason = "the chosen concept has no positives or no negatives";
      return r;
    }
    spec.rho = rho;
  }
  if (!(n_used > 0.0)) {
    r.reason = "effective sample size 0";
    return r;
  }
  r.p = bounds::p_from_margin(spec, n_used, *r.margin, concepts);
  r.bound = bounds::be_coverage_corrected(K, t, *r.p);
  r.bound_tightened = bounds::be_coverage_tightened(K, t, *r.p);
  r.paper_eq9 = bounds::paper_eq9(K, t, *r.p);
  return r;
}

namespace {

/// The chosen concepts of one neuron's counts, by count descending (ties: lower index first).
std::vector<concept_frequency> frequencies_of(const std::vector<std::int64_t>& counts, std::int64_t K) {
  std::vector<concept_frequency> out;
  for (std::size_t c = 0; c < counts.size(); ++c)
    if (counts[c] > 0)
      out.push_back({static_cast<Eigen::Index>(c), counts[c], static_cast<double>(counts[c]) / static_cast<double>(K)});
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.count > y.count; });
  return out;
}

}  // namespace

stability_report bootstrap_stability(const probing_set& set, metric m, const metric_options& options,
                                     const identify_report& report, const stability_options& o) {
  const auto start = std::chrono::steady_clock::now();
  const auto C = set.concept_count();
  const double n = static_cast<double>(set.samples());
  const Eigen::RowVectorXd positives = concept_sums(set.sparse);
  const similarity_matrix& full = report.similarities;  // what the concepts were chosen from
  if (full.value.rows() != set.neurons() || full.value.cols() != C ||
      report.neurons.size() != static_cast<std::size_t>(set.neurons()))
    throw invalid_argument(fmt::format("bootstrap_stability: the report holds {} neurons x {} concepts, the probing set "
                                       "{} x {}: give identify_and_certify's report of this set",
                                       full.value.rows(), full.value.cols(), set.neurons(), C));
  stability_report out;
  bootstrap_request q;
  q.which = m;
  q.options = options;
  q.resamples = o.resamples;
  q.seed = o.seed;
  if (o.progress) q.progress = [&](std::int64_t done, std::int64_t total) { o.progress("bootstrap", done, total); };
  q.neurons_done = [&](Eigen::Index begin, Eigen::Index end, const ensemble_counts& e) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(C));
    for (Eigen::Index f = begin; f < end; ++f) {
      for (Eigen::Index c = 0; c < C; ++c) counts[static_cast<std::size_t>(c)] = e.counts(f, c);
      const auto& id = report.neurons[static_cast<std::size_t>(f)];
      neuron_stability s;
      s.neuron = f;
      s.full_set_concept = id.concept_index;
      s.frequencies = frequencies_of(counts, o.resamples);
      s.unidentified = e.unidentified(f);
      s.summary = summarize_stability(counts, o.resamples);
      s.be = be_prediction_set(counts, o.threshold);
      const double rho = id.concept_index >= 0 ? positives(id.concept_index) / n : 0.0;
      s.plugin = plugin_bound(full, f, m, n, id.effective_n, rho, o.resamples, o.threshold, C);
      if (o.neuron_finished) o.neuron_finished(s);
      out.neurons.push_back(std::move(s));
    }
  };
  bootstrap_ensemble(set, q);
  summarize_stability_report(out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace neuroncert::studies
