#include "neuroncert/core/identify.hpp"

namespace neuroncert {
namespace {

/// The argmax rule, once: undefined values are skipped and counted; strict '>' keeps the lowest
/// index among ties.
void offer(identification& best, Eigen::Index c, metric_value v) {
  if (!v.defined()) {
    ++best.skipped;
    return;
  }
  if (!best.found() || v.value > best.value) {
    best.concept_index = c;
    best.value = v.value;
  }
}

}  // namespace

identification identify_neuron(const similarity_matrix& s, Eigen::Index neuron) {
  identification best;
  for (Eigen::Index c = 0; c < s.value.cols(); ++c) offer(best, c, s.at(neuron, c));
  return best;
}

identification identify_scores(std::span<const metric_value> scores) {
  identification best;
  for (std::size_t c = 0; c < scores.size(); ++c) offer(best, static_cast<Eigen::Index>(c), scores[c]);
  return best;
}

std::vector<identification> identify(const similarity_matrix& s) {
  std::vector<identification> out(static_cast<std::size_t>(s.value.rows()));
  for (Eigen::Index f = 0; f < s.value.rows(); ++f) out[static_cast<std::size_t>(f)] = identify_neuron(s, f);
  return out;
}

}  // namespace neuroncert
