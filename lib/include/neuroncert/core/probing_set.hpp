#pragma once
// A validated probing set: activations A (n x F neurons) and concepts Y (n x |C|, 0/1 or
// probabilities). The concepts are always held as sparse rows (`sparse`), which is what the
// similarity engine reads; the dense matrix is kept when the set was built from one (tests,
// simulations, small studies) and left empty (0 x 0) when it was built from sparse rows, so a large
// sparse concept set never exists densely in memory.
// Design: docs/design.md#data-flow (data flow).
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/sparse_concepts.hpp"

namespace neuroncert {

struct probing_set {
  Eigen::MatrixXd activations;  ///< n x F, finite
  Eigen::MatrixXd concepts;     ///< n x |C| in [0,1], or 0 x 0 when built from sparse rows
  sparse_concepts sparse;       ///< the concepts as sparse rows (always present)

  [[nodiscard]] Eigen::Index samples() const { return activations.rows(); }
  [[nodiscard]] Eigen::Index neurons() const { return activations.cols(); }
  [[nodiscard]] Eigen::Index concept_count() const { return sparse.concepts; }
  [[nodiscard]] bool has_dense_concepts() const { return concepts.cols() == concept_count() && concepts.rows() == samples(); }
};

struct probing_set_checks {
  /// Reject a concept column that is 0 everywhere (no positive to explain). Off for resampled
  /// or simulated data where an empty concept is a legitimate "undefined".
  bool reject_empty_concepts = true;
};

/// Validates and prepares. Throws data_error with a one-line message naming the problem: no
/// samples, no neurons or concepts, mismatched row counts, NaN/Inf activations (with the first
/// offending row and column), concept values outside [0,1], an all-zero concept column (with its
/// index).
probing_set make_probing_set(Eigen::MatrixXd activations, Eigen::MatrixXd concepts,
                             const probing_set_checks& checks = {});

/// The same from concepts given as sparse rows (`concepts` of the result stays empty).
probing_set make_probing_set(Eigen::MatrixXd activations, sparse_concepts concepts,
                             const probing_set_checks& checks = {});

}  // namespace neuroncert
