#pragma once
// The figures job "real-data" (real_data.cpp): THEORY.md sec. 6.5 on real activations.
#include <cstdint>
#include <filesystem>

#include "neuroncert/core/output_files.hpp"

namespace neuroncert::cli {

/// App. H.2 analogue (final-layer neurons of ResNet-20 and ViT on CIFAR-10, own class as concept:
/// 0.95-quantile of each metric's error vs subsample size n, the full test set as population) into
/// data_out/real_h2.csv (returned), and the certified identification of the penultimate neurons on
/// CIFAR-100 (120 concepts) into data_out/real_identification_{resnet20,vit}.csv and
/// real_identification_summary.{csv,md}; metadata in real_data.json. Activations cached in data_out.
/// Every file is staged in `outputs`, which the caller commits.
std::filesystem::path run_real_data(const std::filesystem::path& cifar_dir, const std::filesystem::path& data_out,
                                    std::uint64_t seed, bool quick, int threads, io::output_transaction& outputs);

}  // namespace neuroncert::cli
