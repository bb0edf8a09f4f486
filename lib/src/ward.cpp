#include "neuroncert/core/ward.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {

ward_dendrogram ward_linkage(const Eigen::MatrixXd& points) {
  const auto k = static_cast<int>(points.rows());
  if (k < 1) throw invalid_argument("ward_linkage: at least one point is required");
  if (!points.allFinite()) throw invalid_argument("ward_linkage: points contain NaN or Inf");
  Eigen::MatrixXd d2(k, k);
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) d2(i, j) = (points.row(i) - points.row(j)).squaredNorm();
  std::vector<int> id(static_cast<std::size_t>(k)), size(static_cast<std::size_t>(k), 1);
  std::vector<bool> active(static_cast<std::size_t>(k), true);
  std::iota(id.begin(), id.end(), 0);
  ward_dendrogram out;
  out.points = k;
  for (int step = 0; step + 1 < k; ++step) {
    // Slots p, q with minimal d2; exact ties by (smaller id, larger id).
    int bp = -1, bq = -1;
    double best = std::numeric_limits<double>::infinity();
    auto key = [&](int p, int q) { return std::pair(std::min(id[p], id[q]), std::max(id[p], id[q])); };
    for (int p = 0; p < k; ++p) {
      if (!active[static_cast<std::size_t>(p)]) continue;
      for (int q = p + 1; q < k; ++q) {
        if (!active[static_cast<std::size_t>(q)]) continue;
        const double v = d2(p, q);
        if (v < best || (v == best && key(p, q) < key(bp, bq))) {
          best = v;
          bp = p;
          bq = q;
        }
      }
    }
    const auto [a, b] = key(bp, bq);
    const int ni = size[static_cast<std::size_t>(bp)], nj = size[static_cast<std::size_t>(bq)];
    for (int r = 0; r < k; ++r) {
      if (!active[static_cast<std::size_t>(r)] || r == bp || r == bq) continue;
      const double nk = size[static_cast<std::size_t>(r)];
      const double v = ((ni + nk) * d2(r, bp) + (nj + nk) * d2(r, bq) - nk * best) / (ni + nj + nk);
      d2(r, bp) = d2(bp, r) = std::max(v, 0.0);
    }
    active[static_cast<std::size_t>(bq)] = false;
    size[static_cast<std::size_t>(bp)] = ni + nj;
    id[static_cast<std::size_t>(bp)] = k + step;
    out.merges.push_back({a, b, std::sqrt(best), ni + nj});
  }
  return out;
}

std::vector<int> ward_dendrogram::cut(int m) const {
  if (m < 1 || m > points)
    throw invalid_argument(fmt::format("ward cut: number of clusters must lie in [1, {}], got {}", points, m));
  // Union-find over cluster ids 0..2k-2.
  std::vector<int> parent(static_cast<std::size_t>(2 * points - 1));
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int x) {
    while (parent[static_cast<std::size_t>(x)] != x) x = parent[static_cast<std::size_t>(x)];
    return x;
  };
  for (int t = 0; t < points - m; ++t) {
    const auto& mg = merges[static_cast<std::size_t>(t)];
    parent[static_cast<std::size_t>(find(mg.a))] = points + t;
    parent[static_cast<std::size_t>(find(mg.b))] = points + t;
  }
  std::vector<int> labels(static_cast<std::size_t>(points), -1), root_label(parent.size(), -1);
  int next = 0;
  for (int p = 0; p < points; ++p) {
    const int r = find(p);
    if (root_label[static_cast<std::size_t>(r)] < 0) root_label[static_cast<std::size_t>(r)] = next++;
    labels[static_cast<std::size_t>(p)] = root_label[static_cast<std::size_t>(r)];
  }
  return labels;
}

}  // namespace neuroncert
