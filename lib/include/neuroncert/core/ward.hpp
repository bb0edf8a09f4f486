#pragma once
// Agglomerative clustering with Ward linkage (docs/theory.md sec. 7, SIEVE's Hypothesise step).
//
// Distances: squared Euclidean between the rows of `points`, updated after each merge by the
// Lance-Williams recurrence for Ward,
//   d2(k, i+j) = [(n_i + n_k) d2(k, i) + (n_j + n_k) d2(k, j) - n_k d2(i, j)] / (n_i + n_j + n_k),
// which keeps d2(A, B) = 2 |A||B| / (|A| + |B|) * ||mean(A) - mean(B)||^2 = 2 * (increase of the
// within-cluster sum of squares when A and B merge). The reported merge height is sqrt(d2), SciPy's
// convention (two single points merge at their Euclidean distance).
//
// Cluster ids follow SciPy: point p is cluster p (0..k-1); the cluster made by merge t is k + t.
// Tie-breaking (documented, deterministic): among active pairs whose d2 is exactly equal to the
// minimum, the pair (a, b), a < b, with the smallest a is merged, then the smallest b. No tolerance
// is applied, so near-ties are decided by floating-point values. O(k^3) time, O(k^2) memory: meant
// for the k = 20 top samples of a neuron.
// Theory: docs/theory.md sec. 7 (SIEVE).
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace neuroncert {

struct ward_merge {
  int a = 0;          ///< smaller cluster id merged
  int b = 0;          ///< larger cluster id merged
  double height = 0;  ///< sqrt of the Ward (Lance-Williams) squared distance between a and b
  int size = 0;       ///< points in the new cluster
};

struct ward_dendrogram {
  int points = 0;
  std::vector<ward_merge> merges;  ///< points - 1 merges, in order

  /// Labels 0..m-1 of the points after the first points - m merges. Labels are numbered by first
  /// appearance in point order (point 0 is in cluster 0). m in [1, points]; invalid_argument otherwise.
  [[nodiscard]] std::vector<int> cut(int m) const;
};

/// Ward linkage of the rows of `points` (k x d, k >= 1, finite). invalid_argument otherwise.
ward_dendrogram ward_linkage(const Eigen::MatrixXd& points);

}  // namespace neuroncert
