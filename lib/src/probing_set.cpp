#include "neuroncert/core/probing_set.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {
namespace {

void check_activations(const Eigen::MatrixXd& activations) {
  const Eigen::Index n = activations.rows();
  if (n == 0) throw data_error("activations have no rows (no probing samples)");
  if (activations.cols() == 0) throw data_error("activations have no columns (no neurons)");
  if (n > std::numeric_limits<std::uint32_t>::max()) throw data_error("more than 2^32 - 1 probing samples");
  if (activations.allFinite()) return;
  for (Eigen::Index j = 0; j < activations.cols(); ++j)
    for (Eigen::Index i = 0; i < n; ++i)
      if (!std::isfinite(activations(i, j)))
        throw data_error(fmt::format("activations contain {} at row {}, neuron {}", activations(i, j), i, j));
}

void check_concept_shape(Eigen::Index samples, Eigen::Index concept_rows, Eigen::Index concept_columns) {
  if (concept_columns == 0) throw data_error("concepts have no columns (empty concept set)");
  if (concept_rows != samples)
    throw data_error(fmt::format("activations have {} rows but concepts have {}: rows must be the same samples",
                                 samples, concept_rows));
}

void check_concept_value(double y, std::size_t row, std::uint32_t concept_index) {
  if (!(y >= 0.0 && y <= 1.0))
    throw data_error(fmt::format("concepts must be 0/1 or probabilities in [0,1], got {} at row {}, concept {}", y,
                                 row, concept_index));
}

void check_no_empty_concept(const sparse_concepts& y) {
  const Eigen::RowVectorXd sums = concept_sums(y);
  for (Eigen::Index c = 0; c < y.concepts; ++c)
    if (sums(c) == 0.0) throw data_error(fmt::format("concept {} is zero in every sample (nothing to identify)", c));
}

}  // namespace

probing_set make_probing_set(Eigen::MatrixXd activations, Eigen::MatrixXd concepts, const probing_set_checks& checks) {
  check_activations(activations);
  check_concept_shape(activations.rows(), concepts.rows(), concepts.cols());
  // Column by column, so the first offending value reported is the first in column order.
  for (Eigen::Index c = 0; c < concepts.cols(); ++c)
    for (Eigen::Index i = 0; i < concepts.rows(); ++i)
      check_concept_value(concepts(i, c), static_cast<std::size_t>(i), static_cast<std::uint32_t>(c));
  sparse_concepts sparse = sparse_from_dense(concepts);
  if (checks.reject_empty_concepts) check_no_empty_concept(sparse);
  return probing_set{std::move(activations), std::move(concepts), std::move(sparse)};
}

probing_set make_probing_set(Eigen::MatrixXd activations, sparse_concepts concepts, const probing_set_checks& checks) {
  check_activations(activations);
  check_concept_shape(activations.rows(), concepts.samples, concepts.concepts);
  if (concepts.row_start.size() != static_cast<std::size_t>(concepts.samples) + 1 ||
      concepts.row_start.back() != concepts.nonzeros() || (!concepts.binary() && concepts.value.size() != concepts.nonzeros()))
    throw invalid_argument("sparse concepts: row_start, index and value do not describe the same nonzeros");
  for (std::size_t i = 0; i < static_cast<std::size_t>(concepts.samples); ++i)
    for (auto p = concepts.row_start[i]; p < concepts.row_start[i + 1]; ++p) {
      if (concepts.index[p] >= concepts.concepts || (p > concepts.row_start[i] && concepts.index[p] <= concepts.index[p - 1]))
        throw invalid_argument(fmt::format("sparse concepts: row {} has concept indices out of range or not ascending", i));
      check_concept_value(concepts.at(p), i, concepts.index[p]);
    }
  if (checks.reject_empty_concepts) check_no_empty_concept(concepts);
  return probing_set{std::move(activations), Eigen::MatrixXd(0, 0), std::move(concepts)};
}

}  // namespace neuroncert
