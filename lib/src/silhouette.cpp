#include "neuroncert/core/silhouette.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ward.hpp"

namespace neuroncert {

std::vector<double> silhouette_values(const Eigen::MatrixXd& points, std::span<const int> labels) {
  const auto k = static_cast<std::size_t>(points.rows());
  if (labels.size() != k)
    throw invalid_argument(fmt::format("silhouette: {} labels for {} points", labels.size(), k));
  int m = 0;
  for (int l : labels) {
    if (l < 0) throw invalid_argument("silhouette: labels must be non-negative");
    m = std::max(m, l + 1);
  }
  std::vector<double> count(static_cast<std::size_t>(m), 0.0);
  for (int l : labels) count[static_cast<std::size_t>(l)] += 1;
  if (std::count_if(count.begin(), count.end(), [](double c) { return c > 0; }) < 2)
    throw invalid_argument("silhouette: at least 2 clusters are required");
  std::vector<double> s(k, 0.0), sum(static_cast<std::size_t>(m));
  for (std::size_t i = 0; i < k; ++i) {
    const auto own = static_cast<std::size_t>(labels[i]);
    if (count[own] <= 1) continue;  // singleton: s = 0 (Rousseeuw)
    std::fill(sum.begin(), sum.end(), 0.0);
    for (std::size_t j = 0; j < k; ++j)
      if (j != i) sum[static_cast<std::size_t>(labels[j])] += (points.row(static_cast<Eigen::Index>(i)) -
                                                               points.row(static_cast<Eigen::Index>(j))).norm();
    const double a = sum[own] / (count[own] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < sum.size(); ++c)
      if (c != own && count[c] > 0) b = std::min(b, sum[c] / count[c]);
    const double d = std::max(a, b);
    s[i] = d > 0 ? (b - a) / d : 0.0;
  }
  return s;
}

double mean_silhouette(const Eigen::MatrixXd& points, std::span<const int> labels) {
  const auto s = silhouette_values(points, labels);
  double total = 0;
  for (double v : s) total += v;
  return total / static_cast<double>(s.size());
}

cluster_choice choose_clusters(const Eigen::MatrixXd& points, int max_clusters) {
  const auto k = static_cast<int>(points.rows());
  if (k < 1) throw invalid_argument("choose_clusters: at least one point is required");
  if (max_clusters < 1) throw invalid_argument(fmt::format("max clusters must be at least 1, got {}", max_clusters));
  cluster_choice out;
  const int hi = std::min(max_clusters, k - 1);
  if (hi < 2) {
    out.labels.assign(static_cast<std::size_t>(k), 0);
    return out;
  }
  const auto tree = ward_linkage(points);
  double best = -std::numeric_limits<double>::infinity();
  for (int m = 2; m <= hi; ++m) {
    auto labels = tree.cut(m);
    const double s = mean_silhouette(points, labels);
    out.silhouettes.push_back(s);
    if (s > best) {  // strict: ties keep the smaller m
      best = s;
      out.m = m;
      out.labels = std::move(labels);
    }
  }
  return out;
}

}  // namespace neuroncert
