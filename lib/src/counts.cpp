#include "neuroncert/core/counts.hpp"

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {

counts2x2 count_pairs(std::span<const double> f, std::span<const double> c, std::span<const double> weights) {
  if (f.size() != c.size())
    throw invalid_argument(fmt::format("neuron has {} samples but concept has {}", f.size(), c.size()));
  if (!weights.empty() && weights.size() != f.size())
    throw invalid_argument(fmt::format("weights have {} entries but the sample has {}", weights.size(), f.size()));
  counts2x2 k;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    const double pos = w * c[i];
    const double neg = w - pos;
    if (f[i] != 0.0) {
      k.f11 += pos;
      k.f10 += neg;
    } else {
      k.f01 += pos;
      k.f00 += neg;
    }
  }
  return k;
}

}  // namespace neuroncert
