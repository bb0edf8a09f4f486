#pragma once
// `neuroncert concepts` as a study: concept probabilities from embedding files
// (core/vlm_concepts.hpp), written as the concepts `identify` reads: PREFIX.npy (n x |C| float64),
// PREFIX.txt (the names, one per line) and PREFIX.json (inputs, link and formula, provenance).
// Theory: docs/theory.md sec. 2.3 (concepts from embeddings, CLIP-Dissect).
#include <string>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/core/vlm_concepts.hpp"

namespace neuroncert::studies {

/// The three input files.
struct concepts_inputs {
  std::string image_embeddings, text_embeddings, concept_names;
};

/// What a run computed.
struct concepts_result {
  Eigen::MatrixXd probabilities;  ///< n x |C|
  std::vector<std::string> names;
  Eigen::Index width = 0;         ///< the embedding width d
  std::string npy, txt, json;     ///< the files staged
};

/// Reads the files (data_error naming a file: unreadable, widths that differ, a non-finite entry,
/// a zero row, a names file whose line count is not |C|), computes the probabilities and stages
/// the three files under `prefix` in `outputs` (the JSON last), which the caller commits.
concepts_result concepts_study(const concepts_inputs& in, const vlm_concept_options& options,
                               const std::string& prefix, io::output_transaction& outputs);

}  // namespace neuroncert::studies
