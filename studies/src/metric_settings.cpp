#include "neuroncert/studies/metric_settings.hpp"

#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/clip_dissect.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/range_checks.hpp"

namespace neuroncert::studies {
namespace {

void reject(const option_given& given, std::string_view option, std::string_view why) {
  reject_unused_option(option, given(option), why);
}

/// Options that only some metrics read are refused for the others.
void reject_unused(metric m, const metric_settings& s, const option_given& given) {
  const std::string for_metric = fmt::format("for metric {}", to_string(m));
  const bool binarised = is_count_metric(m) || m == metric::wpmi;
  if (s.binary)
    reject(given, "--alpha", "with --binary (the activations are already 0/1)");
  else if (!binarised)
    reject(given, "--alpha", for_metric + " (it ranks the activations; only count metrics and wpmi binarise them)");
  if (m != metric::wpmi) {
    reject(given, "--wpmi-lambda", for_metric);
    reject(given, "--wpmi-eps", for_metric);
  }
  if (m != metric::mad) reject(given, "--mad-standardised", for_metric);
  if (m != metric::recall && m != metric::precision) reject(given, "--orientation", for_metric);
  if (m != metric::auroc) reject(given, "--auroc-strict", for_metric);
  if (is_layer_metric(m)) reject(given, "--binary", for_metric + " (it ranks the activations)");
  if (!is_layer_metric(m))
    for (const char* option : {"--top-k", "--cd-lambda", "--cd-eps", "--p-start", "--p-end"})
      reject(given, option, for_metric + " (only CLIP-Dissect's soft_wpmi and cd_wpmi read it)");
  if (m == metric::cd_wpmi)
    for (const char* option : {"--p-start", "--p-end"})
      reject(given, option, for_metric + " (only soft_wpmi weighs its top-k samples)");
}

double checked_weight(const char* option, double p) {
  if (!(p > 0.0 && p <= 1.0)) throw invalid_argument(fmt::format("{} must lie in (0, 1], got {}", option, p));
  return p;
}

/// The CLIP-Dissect settings of a layer metric: the metric's defaults, with the values given.
void set_clip_dissect(metric m, const metric_settings& s, metric_options& options) {
  if (!is_layer_metric(m)) return;
  clip_dissect_options& o = m == metric::soft_wpmi ? options.soft_wpmi : options.cd_wpmi;
  if (s.top_k) {
    if (*s.top_k < 1) throw invalid_argument(fmt::format("--top-k must be at least 1, got {}", *s.top_k));
    o.top_k = *s.top_k;
  }
  if (s.cd_lambda) o.lambda = *s.cd_lambda;
  if (s.p_start) o.p_start = checked_weight("--p-start", *s.p_start);
  if (s.p_end) o.p_end = checked_weight("--p-end", *s.p_end);
  if (s.cd_eps) {
    check_open_unit("--cd-eps", *s.cd_eps);
    o.eps = *s.cd_eps;
  }
}

}  // namespace

metric_options metric_options_for(metric m, const metric_settings& s, const option_given& given) {
  check_open_unit("--alpha", s.alpha);
  if (s.orientation != "paper" && s.orientation != "neuron-eval")
    throw invalid_argument(fmt::format("--orientation must be 'paper' or 'neuron-eval', got '{}'", s.orientation));
  metric_options options;
  set_clip_dissect(m, s, options);
  options.alpha = s.alpha;
  options.binary_activations = s.binary;
  options.auroc = s.auroc_strict ? auroc_convention::strict : auroc_convention::tie_corrected;
  options.mad_standardised = s.mad_standardised;
  options.wpmi_lambda = s.wpmi_lambda;
  options.wpmi_eps = s.wpmi_eps;
  options.recall_precision = s.orientation == "neuron-eval" ? orientation::neuron_eval : orientation::paper;
  check_metric_options(options);
  if (s.auroc_strict && !s.binary)
    throw invalid_argument("--auroc-strict is defined for binary activations only: add --binary");
  reject_unused(m, s, given);
  return options;
}

}  // namespace neuroncert::studies
