#pragma once
// A metric's options as a user gives them, turned into checked metric_options: the one place the
// CLI (`identify`) and the Python package (`similarity`, `identify`, `bootstrap`) share, so both
// accept and refuse exactly the same settings. An option the chosen metric does not read is an
// error naming it, never silently ignored. Messages name the options as the CLI spells them
// (`--top-k`); the Python package passes its keywords under the same names (top_k -> --top-k).
// Theory: docs/theory.md sec. 2 (similarity metrics).
#include <cstdint>
#include <optional>
#include <string>

#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/metric_options.hpp"
#include "neuroncert/studies/bound_reports.hpp"  // option_given

namespace neuroncert::studies {

/// What the user set. The CLIP-Dissect settings are optional because their defaults depend on the
/// metric (soft_wpmi: top_k 100, lambda 1; cd_wpmi: top_k 28, lambda 0.6).
struct metric_settings {
  double alpha = 0.05;               ///< --alpha: top-alpha binarisation (count metrics, wpmi)
  bool binary = false;               ///< --binary: activations already 0/1
  std::string orientation = "paper"; ///< --orientation: paper or neuron-eval (recall, precision)
  bool auroc_strict = false;         ///< --auroc-strict (needs --binary)
  bool mad_standardised = false;     ///< --mad-standardised
  double wpmi_lambda = 1.0, wpmi_eps = 1e-8;  ///< --wpmi-lambda, --wpmi-eps
  std::optional<std::int64_t> top_k;          ///< --top-k
  std::optional<double> cd_lambda, p_start, p_end, cd_eps;  ///< --cd-lambda, --p-start, --p-end, --cd-eps
};

/// The checked options of metric m. `given(option)` says whether the user gave an option (by its
/// CLI name); those the metric does not read are refused. invalid_argument names the option.
metric_options metric_options_for(metric m, const metric_settings& s, const option_given& given);

}  // namespace neuroncert::studies
