#pragma once
// The real-data study (docs/theory.md sec. 6.5): the App. H.2 analogue on final-layer neurons and the
// certified identification of penultimate neurons against the 120 CIFAR-100 concepts.
// Theory: docs/theory.md sec. 6.5 (real activations).
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/output_files.hpp"

namespace neuroncert::studies {

/// The averages of one metric's certified identification of a layer (over identified neurons).
struct identification_summary {
  std::int64_t identified = 0;    ///< neurons with a chosen concept
  double mean_estimate = 0.0;
  double coarse_share = 0.0;      ///< share whose chosen concept's name starts with "coarse:"
  bool has_bound = false;         ///< some neuron has a closed-form bound
  std::string bound;              ///< its name ("" without)
  double mean_gap = 0.0;          ///< over identified neurons (bounded ones contribute)
  double mean_rate = 0.0;
  std::int64_t distinct_concepts = 0;
};

identification_summary summarise_identification(const std::vector<bounds::certified_identification>& ids,
                                                const std::vector<std::string>& names);

/// App. H.2 analogue (final-layer neurons of ResNet-20 and ViT on CIFAR-10, own class as concept:
/// 0.95-quantile of each metric's error vs subsample size n, the full test set as population) into
/// data_out/real_h2.csv (returned), and the certified identification of the penultimate neurons on
/// CIFAR-100 (120 concepts) into data_out/real_identification_{resnet20,vit}.csv and
/// real_identification_summary.{csv,md}; metadata in real_data.json. Activations cached in data_out.
/// Every file is staged in `outputs`, which the caller commits.
std::filesystem::path real_data_figure_data(const std::filesystem::path& cifar_dir,
                                            const std::filesystem::path& data_out, std::uint64_t seed, bool quick,
                                            int threads, io::output_transaction& outputs);

}  // namespace neuroncert::studies
