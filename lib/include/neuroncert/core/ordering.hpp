#pragma once
// Sorting a neuron's activations once and reusing the order: top-alpha cut-offs, weighted
// mid-ranks and average precision all walk the samples from the most active down. Bootstrap
// resamples change only the weights, never the order, so the order is computed once per neuron.
// Theory: docs/theory.md sec. 2.2 (continuous metrics), sec. 3 (binarising a neuron, quantiles).
#include <cstdint>
#include <span>
#include <vector>

namespace neuroncert {

/// Sample indices sorted by activation, largest first; ties by ascending index (deterministic).
std::vector<std::uint32_t> descending_order(std::span<const double> z);

/// Weighted mid-ranks in ascending order, 0-based: r_i = sum_j w_j [z_j < z_i] + 1/2 sum_{z_j = z_i} w_j.
/// With unit weights r_i = (usual 1-based mid-rank) - 1/2. `order` is descending_order(z);
/// empty weights mean all 1. Writes n values into `ranks`.
void weighted_mid_ranks(std::span<const double> z, std::span<const std::uint32_t> order,
                        std::span<const double> weights, std::span<double> ranks);

}  // namespace neuroncert
