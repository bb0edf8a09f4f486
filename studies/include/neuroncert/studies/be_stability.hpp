#pragma once
// The BE-stability study (docs/theory.md sec. 5 and 6.5; the paper's Fig. 5 and Tables 3-4): bootstrap
// stability of every metric's identification of real neurons, and the figures job that runs it on
// ResNet-20 penultimate and ViT CLS neurons against the 120 CIFAR-100 concepts.
// Theory: docs/theory.md sec. 5 (bootstrap ensemble and BE sets), sec. 6.5 (real activations).
#include <cstdint>
#include <filesystem>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/output_files.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/studies/progress.hpp"

namespace neuroncert::studies {

/// Averages over neurons of one metric's bootstrap ensemble.
struct metric_stability {
  metric which = metric::accuracy;
  double top1_frequency_mean = 0.0;   ///< Table 3
  double coverage90_size_mean = 0.0;  ///< Table 4
  double be95_size_mean = 0.0;        ///< BE set size at t = threshold_from_fraction(0.95, K)
  /// Certified identification (bounds/certified_set.hpp) at delta = certified_delta, for the metrics
  /// with a certificate (certified = true): |S_cert| per neuron, how many neurons it certifies unique,
  /// and how many change their explanation from the plain argmax to c_LCB.
  bool certified = false;
  std::vector<std::int64_t> certified_set_sizes;  ///< one per neuron
  std::int64_t certified_unique = 0, lcb_changes = 0;
};

/// The delta of the certified sets in the BE-stability tables.
inline constexpr double certified_delta = 0.05;

/// One bar of the Fig. 5-style charts: a chosen neuron's rank-th most frequent concept.
struct frequency_bar {
  Eigen::Index neuron = 0;
  int rank = 1;
  Eigen::Index concept_index = 0;
  double frequency = 0.0;
};

struct stability_table {
  std::vector<metric_stability> metrics;  ///< one per metric, in pair_metrics order (the layer metrics need concept probabilities)
  std::vector<frequency_bar> bars;        ///< metric `shown`, neurons 0..chosen-1, top concepts with count > 0
};

/// K resamples (stream (seed, resample)) of `set` for every metric. progress: stage = metric name,
/// metrics done of all.
stability_table stability_by_metric(const probing_set& set, std::int64_t K, std::uint64_t seed, metric shown,
                                    int chosen_neurons, int top_concepts, const progress_callback& progress = {});

/// The figures job: writes data_dir/be_stability{,_freq}.csv, be_stability_tables.md and
/// be_stability.json (staged in `outputs`, which the caller commits); returns the summary CSV path.
std::filesystem::path be_stability_figure_data(const std::filesystem::path& data_dir,
                                               const std::filesystem::path& cifar_dir, std::uint64_t seed, bool quick,
                                               int threads, io::output_transaction& outputs);

}  // namespace neuroncert::studies
