#include "neuroncert/core/sparse_concepts.hpp"

namespace neuroncert {

sparse_concepts_builder::sparse_concepts_builder(Eigen::Index concepts) {
  s_.concepts = concepts;
  s_.row_start.push_back(0);
}

void sparse_concepts_builder::add(std::uint32_t concept_index, double y) {
  s_.index.push_back(concept_index);
  values_.push_back(y);
  binary_ = binary_ && y == 1.0;
}

void sparse_concepts_builder::end_row() {
  s_.row_start.push_back(s_.index.size());
  ++s_.samples;
}

sparse_concepts sparse_concepts_builder::finish() && {
  if (!binary_) s_.value = std::move(values_);
  return std::move(s_);
}

sparse_concepts sparse_from_dense(const Eigen::MatrixXd& concepts) {
  sparse_concepts_builder b(concepts.cols());
  for (Eigen::Index i = 0; i < concepts.rows(); ++i) {
    for (Eigen::Index c = 0; c < concepts.cols(); ++c)
      if (concepts(i, c) != 0.0) b.add(static_cast<std::uint32_t>(c), concepts(i, c));
    b.end_row();
  }
  return std::move(b).finish();
}

Eigen::RowVectorXd concept_sums(const sparse_concepts& y) {
  Eigen::RowVectorXd sums = Eigen::RowVectorXd::Zero(y.concepts);
  for (std::size_t p = 0; p < y.nonzeros(); ++p) sums(y.index[p]) += y.at(p);
  return sums;
}

}  // namespace neuroncert
