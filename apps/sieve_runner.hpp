#pragma once
// The SIEVE run shared by `neuroncert sieve` and the figures job (cmd_sieve.cpp).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/core/sieve.hpp"
#include "real_activations.hpp"

namespace neuroncert::cli {

/// Probe / held-out halves of a labelled data set with a model layer's activations.
struct sieve_data {
  Eigen::MatrixXd probe_acts, probe_concepts, held_acts, held_concepts;
  std::vector<std::string> concept_names;
  std::string model_name;
  std::int64_t images = 0;
};

struct sieve_data_options {
  std::string model, layer, data = "cifar100", pool = "auto";
  std::filesystem::path data_dir;
  std::filesystem::path cache;  ///< activations .npy cache (empty: none); read if present, else written
  stale_cache stale = stale_cache::refuse;  ///< a cache made from something else: refused, or rebuilt
  long long limit = 0, batch_size = 256;
  int threads = 0, min_verification_images = 20;
  bool progress = false;
};

/// Loads the model and data, checks the layer and the held-out concept sizes (before any forward
/// pass), extracts the activations and splits them (split_by_class on the fine labels).
sieve_data load_sieve_data(const sieve_data_options& o);

/// One row of the ablation / comparison table (SIEVE Table 4 analogue).
struct ablation_row {
  std::string method;  ///< "sieve" or "identify:<metric>"
  std::string select, cluster, verify;  ///< "on" / "off" / "-" (identification)
  std::size_t neurons = 0, hypotheses = 0, kept = 0;
  std::optional<double> mean_ar;  ///< absent when there is no hypothesis (e.g. no neuron selected)
};

/// The eight Select x Cluster x Verify combinations, then plain identification by every core metric
/// (argmax over the concepts on the probe half) scored by the same AR yardstick, over all neurons.
std::vector<ablation_row> sieve_ablation(const sieve_data& d, const sieve_options& base);

/// The figures job: SIEVE on ResNet-20 (penultimate) and ViT (cls) on CIFAR-100, activations cached
/// in `data_out`; writes data_out/sieve_ar.csv (returned: per hypothesis AR and Clopper-Pearson
/// interval), data_out/sieve_ablation.csv and figures_out/sieve_ablation.md, staged in `outputs`.
std::filesystem::path sieve_figure_data(const std::filesystem::path& cifar_dir, const std::filesystem::path& data_out,
                                        const std::filesystem::path& figures_out, bool quick, int threads,
                                        io::output_transaction& outputs);

}  // namespace neuroncert::cli
