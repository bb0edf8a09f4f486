#include "neuroncert/core/identify.hpp"

namespace neuroncert {

identification identify_neuron(const similarity_matrix& s, Eigen::Index neuron) {
  identification best;
  for (Eigen::Index c = 0; c < s.value.cols(); ++c) {
    if (s.reason(neuron, c) != static_cast<std::uint8_t>(undefined_reason::none)) {
      ++best.skipped;
      continue;
    }
    // Strict '>' keeps the lowest index among ties.
    if (!best.found() || s.value(neuron, c) > best.value) {
      best.concept_index = c;
      best.value = s.value(neuron, c);
    }
  }
  return best;
}

std::vector<identification> identify(const similarity_matrix& s) {
  std::vector<identification> out(static_cast<std::size_t>(s.value.rows()));
  for (Eigen::Index f = 0; f < s.value.rows(); ++f) out[static_cast<std::size_t>(f)] = identify_neuron(s, f);
  return out;
}

}  // namespace neuroncert
