#include "neuroncert/core/ordering.hpp"

#include <algorithm>
#include <numeric>

namespace neuroncert {

std::vector<std::uint32_t> descending_order(std::span<const double> z) {
  std::vector<std::uint32_t> order(z.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return z[a] > z[b]; });
  return order;
}

void weighted_mid_ranks(std::span<const double> z, std::span<const std::uint32_t> order,
                        std::span<const double> weights, std::span<double> ranks) {
  const std::size_t n = order.size();
  double total = 0.0;
  if (weights.empty()) {
    total = static_cast<double>(n);
  } else {
    for (double w : weights) total += w;
  }
  double above = 0.0;  // weight strictly more active than the current block
  std::size_t begin = 0;
  while (begin < n) {
    std::size_t end = begin;
    double block = 0.0;
    const double value = z[order[begin]];
    while (end < n && z[order[end]] == value) {
      block += weights.empty() ? 1.0 : weights[order[end]];
      ++end;
    }
    const double below = total - above - block;
    const double rank = below + 0.5 * block;
    for (std::size_t k = begin; k < end; ++k) ranks[order[k]] = rank;
    above += block;
    begin = end;
  }
}

}  // namespace neuroncert
