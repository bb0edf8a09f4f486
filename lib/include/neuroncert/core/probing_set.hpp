#pragma once
// A validated probing set: activations A (n x F neurons) and concepts Y (n x |C|, 0/1 or
// probabilities), with each neuron's activation order computed once. Bootstrap resamples only
// reweight rows, so everything here is reused across resamples.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace neuroncert {

struct probing_set {
  Eigen::MatrixXd activations;  ///< n x F, finite
  Eigen::MatrixXd concepts;     ///< n x |C|, entries in [0,1]
  std::vector<std::vector<std::uint32_t>> orders;  ///< per neuron: descending_order of its column

  [[nodiscard]] Eigen::Index samples() const { return activations.rows(); }
  [[nodiscard]] Eigen::Index neurons() const { return activations.cols(); }
  [[nodiscard]] Eigen::Index concept_count() const { return concepts.cols(); }
};

struct probing_set_checks {
  /// Reject a concept column that is 0 everywhere (no positive to explain). Off for resampled
  /// or simulated data where an empty concept is a legitimate "undefined".
  bool reject_empty_concepts = true;
};

/// Validates and prepares (sorts each neuron; in parallel). Throws data_error with a one-line
/// message naming the problem: no samples, no neurons or concepts, mismatched row counts,
/// NaN/Inf activations (with the first offending row and column), concept values outside [0,1],
/// an all-zero concept column (with its index).
probing_set make_probing_set(Eigen::MatrixXd activations, Eigen::MatrixXd concepts,
                             const probing_set_checks& checks = {});

}  // namespace neuroncert
