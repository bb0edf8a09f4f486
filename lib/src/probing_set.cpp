#include "neuroncert/core/probing_set.hpp"

#include <cmath>
#include <limits>
#include <span>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"

namespace neuroncert {

probing_set make_probing_set(Eigen::MatrixXd activations, Eigen::MatrixXd concepts, const probing_set_checks& checks) {
  const Eigen::Index n = activations.rows();
  if (n == 0) throw data_error("activations have no rows (no probing samples)");
  if (activations.cols() == 0) throw data_error("activations have no columns (no neurons)");
  if (concepts.cols() == 0) throw data_error("concepts have no columns (empty concept set)");
  if (concepts.rows() != n)
    throw data_error(fmt::format("activations have {} rows but concepts have {}: rows must be the same samples", n,
                                 concepts.rows()));
  if (n > std::numeric_limits<std::uint32_t>::max()) throw data_error("more than 2^32 - 1 probing samples");
  for (Eigen::Index j = 0; j < activations.cols(); ++j)
    for (Eigen::Index i = 0; i < n; ++i)
      if (!std::isfinite(activations(i, j)))
        throw data_error(fmt::format("activations contain {} at row {}, neuron {}", activations(i, j), i, j));
  for (Eigen::Index j = 0; j < concepts.cols(); ++j) {
    double column_sum = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double y = concepts(i, j);
      if (!(y >= 0.0 && y <= 1.0))
        throw data_error(fmt::format("concepts must be 0/1 or probabilities in [0,1], got {} at row {}, concept {}", y,
                                     i, j));
      column_sum += y;
    }
    if (checks.reject_empty_concepts && column_sum == 0.0)
      throw data_error(fmt::format("concept {} is zero in every sample (nothing to identify)", j));
  }
  probing_set set{std::move(activations), std::move(concepts), {}};
  set.orders.resize(static_cast<std::size_t>(set.neurons()));
  tbb::parallel_for(Eigen::Index{0}, set.neurons(), [&](Eigen::Index j) {
    const double* column = set.activations.col(j).data();
    set.orders[static_cast<std::size_t>(j)] = descending_order(std::span<const double>(column, static_cast<std::size_t>(n)));
  });
  return set;
}

}  // namespace neuroncert
