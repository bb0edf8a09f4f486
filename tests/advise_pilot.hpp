#pragma once
// The constructed pilot of the advise tests (study and CLI): n = 2000 samples; concept 0 = samples
// 0..99, concept 1 = 100..199, concept 2 = 200..219, concept 3 empty (a pilot leaves it out). Neuron j
// fires (its top 5% = 100 samples) on `hit` = 60, 80, 50 samples of its concept and on 100 - hit
// others: recalls 0.6, 0.8, 0.5, median 0.6.
#include <utility>

#include <Eigen/Core>

namespace neuroncert::test {

/// (activations n x 3, concepts n x 4)
inline std::pair<Eigen::MatrixXd, Eigen::MatrixXd> constructed_advise_pilot() {
  const Eigen::Index n = 2000;
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(n, 4), z = Eigen::MatrixXd::Zero(n, 3);
  for (Eigen::Index i = 0; i < 100; ++i) c(i, 0) = 1;
  for (Eigen::Index i = 100; i < 200; ++i) c(i, 1) = 1;
  for (Eigen::Index i = 200; i < 220; ++i) c(i, 2) = 1;
  const Eigen::Index start[3] = {0, 100, 0}, hit[3] = {60, 80, 50}, other[3] = {1000, 1100, 1200};
  for (int j = 0; j < 3; ++j) {
    for (Eigen::Index i = 0; i < hit[j]; ++i) z(start[j] + i, j) = 2.0 + static_cast<double>(i);
    for (Eigen::Index i = 0; i < 100 - hit[j]; ++i) z(other[j] + i, j) = 1.0;
  }
  return {z, c};
}

}  // namespace neuroncert::test
