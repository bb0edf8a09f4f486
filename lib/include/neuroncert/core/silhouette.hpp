#pragma once
// Silhouette of a clustering (Rousseeuw 1987) with Euclidean distances, and the choice of the
// number of clusters for SIEVE's Hypothesise step (docs/theory.md sec. 7).
//   a(i) = mean distance from i to the other points of its cluster,
//   b(i) = min over other clusters C of the mean distance from i to the points of C,
//   s(i) = (b(i) - a(i)) / max(a(i), b(i)); s(i) = 0 when i's cluster has one point (Rousseeuw),
//   and s(i) = 0 when a(i) = b(i) = 0 (coincident points in different clusters).
// Theory: docs/theory.md sec. 7 (SIEVE).
#include <span>
#include <vector>

#include <Eigen/Core>

namespace neuroncert {

/// s(i) per point. labels: one per row of `points`, values 0..m-1 with m >= 2 distinct labels.
/// invalid_argument for a size mismatch, a negative label or fewer than 2 clusters.
std::vector<double> silhouette_values(const Eigen::MatrixXd& points, std::span<const int> labels);

/// Mean of silhouette_values over all points.
double mean_silhouette(const Eigen::MatrixXd& points, std::span<const int> labels);

struct cluster_choice {
  int m = 1;                         ///< number of clusters chosen
  std::vector<int> labels;           ///< per point, 0..m-1 (Ward cut, numbered by first appearance)
  std::vector<double> silhouettes;   ///< mean silhouette for m = 2, 3, ... (index m - 2); empty when m = 1
};

/// Ward linkage of the rows, then m in [2, min(max_clusters, k - 1)] with the largest mean silhouette
/// (ties: the smaller m). When that range is empty (k < 3 or max_clusters < 2) all points form one
/// cluster (m = 1). k >= 1 rows; max_clusters >= 1.
cluster_choice choose_clusters(const Eigen::MatrixXd& points, int max_clusters = 6);

}  // namespace neuroncert
