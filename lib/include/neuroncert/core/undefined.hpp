#pragma once
// "Undefined" is a value with a reason, never a NaN (docs/theory.md sec. 2.1): a metric that the
// data cannot define (AUROC with no positives, correlation with a constant neuron, ...) is
// reported with the reason, and identification skips it explicitly.
// Theory: docs/theory.md sec. 2 (similarity metrics).
// Design: docs/design.md#undefined-values (undefined values).
#include <cstdint>
#include <string_view>

namespace neuroncert {

enum class undefined_reason : std::uint8_t {
  none = 0,                 ///< the value is defined
  empty_sample,             ///< total weight n = 0
  no_concept_positives,     ///< sum of c is 0 (recall, AUROC, AUPRC, MAD, WPMI)
  no_concept_negatives,     ///< sum of (1 - c) is 0 (AUROC, MAD)
  neuron_never_fires,       ///< binarised neuron has no active sample (precision)
  neuron_always_fires,      ///< binarised neuron is active everywhere (AUROC of a binary neuron)
  both_empty,               ///< neither neuron nor concept is ever 1 (IoU, F1)
  zero_variance_activation, ///< the activation is constant (correlation)
  zero_variance_concept,    ///< the concept is constant (correlation)
  zero_variance_negatives,  ///< activation constant on c = 0 (standardised MAD)
};

/// Short machine-readable name ("no_concept_positives"), used in CSV/JSON output.
std::string_view to_string(undefined_reason r);

/// A metric value, or the reason it is undefined (then `value` is 0 and must not be used).
struct metric_value {
  double value = 0.0;
  undefined_reason reason = undefined_reason::none;

  [[nodiscard]] constexpr bool defined() const { return reason == undefined_reason::none; }
  static constexpr metric_value of(double v) { return {v, undefined_reason::none}; }
  static constexpr metric_value undefined(undefined_reason r) { return {0.0, r}; }
};

}  // namespace neuroncert
