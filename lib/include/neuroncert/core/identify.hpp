#pragma once
// Neuron identification: the concept maximising the similarity (docs/theory.md sec. 1, sec. 5).
// Ties go to the lowest concept index; undefined similarities are skipped and counted.
// Theory: docs/theory.md sec. 2 (similarity metrics), sec. 5.1 (bootstrap ensemble).
#include <cstddef>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/all_pairs.hpp"

namespace neuroncert {

struct identification {
  Eigen::Index concept_index = -1;  ///< argmax; -1 when every concept is undefined for this neuron
  double value = 0.0;         ///< the maximal similarity (meaningless when concept_index == -1)
  Eigen::Index skipped = 0;   ///< concepts skipped because the metric was undefined
  [[nodiscard]] bool found() const { return concept_index >= 0; }
};

/// Argmax over the concepts of one neuron's row.
identification identify_neuron(const similarity_matrix& s, Eigen::Index neuron);

/// Argmax over one neuron's similarities given as a row of values (the bootstrap's per-resample row).
identification identify_scores(std::span<const metric_value> scores);

/// Argmax for every neuron.
std::vector<identification> identify(const similarity_matrix& s);

}  // namespace neuroncert
