#pragma once
// A concept matrix Y (n x |C|) as sparse rows: the concepts present in sample i, with their values.
//
// Concept sets are sparse in practice (CLIP-Dissect's and NetDissect's concepts are present in
// 0.1% to 10% of the images), and every similarity is a sum over the samples where a concept is
// nonzero plus closed-form terms for the rest, so the engine (similarity_engine.hpp) touches only
// the nonzeros. 0/1 concepts store no values (`value` empty); probabilities store each nonzero.
// Design: docs/design.md#lib-core (the core library).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace neuroncert {

struct sparse_concepts {
  Eigen::Index samples = 0, concepts = 0;
  std::vector<std::uint64_t> row_start;  ///< samples + 1 entries
  std::vector<std::uint32_t> index;      ///< concept indices of the nonzeros, row by row, ascending
  std::vector<double> value;             ///< the nonzero values, or empty when every nonzero is 1
  [[nodiscard]] std::size_t nonzeros() const { return index.size(); }
  [[nodiscard]] bool binary() const { return value.empty(); }
  /// y_ic of nonzero p.
  [[nodiscard]] double at(std::size_t p) const { return value.empty() ? 1.0 : value[p]; }
};

/// The sparse rows of a dense concept matrix (values in [0,1]; 0/1 matrices store no values).
sparse_concepts sparse_from_dense(const Eigen::MatrixXd& concepts);

/// Builds sparse rows one sample at a time, e.g. while streaming a file: add(c, y) for the nonzero
/// concepts of a sample in ascending c, then end_row(); finish() returns the matrix.
class sparse_concepts_builder {
 public:
  explicit sparse_concepts_builder(Eigen::Index concepts);
  void add(std::uint32_t concept_index, double y);
  void end_row();
  sparse_concepts finish() &&;

 private:
  sparse_concepts s_;
  std::vector<double> values_;  ///< every nonzero's value until finish() drops them if all are 1
  bool binary_ = true;
};

/// Per concept: the number (or total value) of positives, sum_i y_ic.
Eigen::RowVectorXd concept_sums(const sparse_concepts& y);

}  // namespace neuroncert
