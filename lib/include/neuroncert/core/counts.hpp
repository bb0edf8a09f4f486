#pragma once
// Weighted 2x2 contingency counts of a binary neuron f against a binary concept c
// (docs/theory.md sec. 1). Weights are bootstrap multiplicities, so counts are doubles; with unit
// weights they are the integer counts F_ij = #{x : f(x) = i, c(x) = j}. A probabilistic concept
// c in [0,1] contributes c to column 1 and 1 - c to column 0 ("soft" counts).
// Theory: docs/theory.md sec. 1 (notation and orientation).
#include <cstddef>
#include <span>

namespace neuroncert {

struct counts2x2 {
  double f00 = 0.0;  ///< neuron 0, concept 0
  double f01 = 0.0;  ///< neuron 0, concept 1
  double f10 = 0.0;  ///< neuron 1, concept 0
  double f11 = 0.0;  ///< neuron 1, concept 1

  [[nodiscard]] constexpr double total() const { return f00 + f01 + f10 + f11; }
  [[nodiscard]] constexpr double concept_positives() const { return f01 + f11; }  ///< m for recall
  [[nodiscard]] constexpr double neuron_positives() const { return f10 + f11; }   ///< m for precision
  [[nodiscard]] constexpr double union_count() const { return f01 + f10 + f11; }  ///< m for IoU

  /// The 2x2 counts of the transposed table (neuron and concept swapped): Neuron_Eval's orientation.
  [[nodiscard]] constexpr counts2x2 transposed() const { return {f00, f10, f01, f11}; }

  /// Counts from the margins and the joint count: n = total weight, fire = sum w f,
  /// positives = sum w c, both = sum w f c. This is how the all-pairs path assembles them.
  static constexpr counts2x2 from_margins(double n, double fire, double positives, double both) {
    return {n - fire - positives + both, positives - both, fire - both, both};
  }
};

/// Counts from per-sample vectors f (0/1), c (in [0,1]) and optional weights (empty = all 1).
/// Throws invalid_argument if the lengths differ.
counts2x2 count_pairs(std::span<const double> f, std::span<const double> c, std::span<const double> weights = {});

}  // namespace neuroncert
