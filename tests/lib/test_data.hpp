#pragma once
// Small random probing sets for tests, from a fixed Boost.Random stream.
#include <cstdint>

#include <Eigen/Core>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

namespace neuroncert::test {

/// Activations with deliberate ties (rounded to `levels` values when levels > 0) and concepts
/// with varying frequencies; concept j is correlated with neuron j % F.
struct random_probe {
  Eigen::MatrixXd activations, concepts;
};

inline random_probe make_random_probe(int n, int neurons, int concepts, std::uint32_t seed, int levels = 0) {
  boost::random::mt19937 rng(seed);
  boost::random::normal_distribution<double> normal;
  random_probe p{Eigen::MatrixXd(n, neurons), Eigen::MatrixXd(n, concepts)};
  for (int j = 0; j < neurons; ++j)
    for (int i = 0; i < n; ++i) {
      double z = normal(rng);
      if (levels > 0) z = std::round(z * levels / 3.0);
      p.activations(i, j) = z;
    }
  for (int c = 0; c < concepts; ++c) {
    const double base = 0.05 + 0.4 * (c % 5) / 4.0;
    for (int i = 0; i < n; ++i) {
      const double boost_up = p.activations(i, c % neurons) > 0.5 ? 0.3 : 0.0;
      boost::random::bernoulli_distribution<double> bern(std::min(0.95, base + boost_up));
      p.concepts(i, c) = bern(rng) ? 1.0 : 0.0;
    }
    p.concepts(c % n, c) = 1.0;  // never an empty concept
  }
  return p;
}

/// Bootstrap-like integer multiplicities in {0,..,3}.
inline Eigen::VectorXd make_multiplicities(int n, std::uint32_t seed) {
  boost::random::mt19937 rng(seed);
  boost::random::uniform_int_distribution<int> dist(0, 3);
  Eigen::VectorXd w(n);
  for (int i = 0; i < n; ++i) w(i) = dist(rng);
  w(0) = 1.0;
  return w;
}

/// The rows of m repeated w_i times.
inline Eigen::MatrixXd duplicate_rows(const Eigen::MatrixXd& m, const Eigen::VectorXd& w) {
  Eigen::Index total = 0;
  for (Eigen::Index i = 0; i < w.size(); ++i) total += static_cast<Eigen::Index>(w(i));
  Eigen::MatrixXd out(total, m.cols());
  Eigen::Index r = 0;
  for (Eigen::Index i = 0; i < w.size(); ++i)
    for (int k = 0; k < static_cast<int>(w(i)); ++k) out.row(r++) = m.row(i);
  return out;
}

}  // namespace neuroncert::test
