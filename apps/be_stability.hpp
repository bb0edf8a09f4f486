#pragma once
// The `figures` job "be-stability": bootstrap stability of ResNet-20 and ViT penultimate neurons
// on the 120 CIFAR-100 concepts (Fig. 5-style frequencies, Tables 3/4 analogues).
#include <cstdint>
#include <string>

#include "neuroncert/core/output_files.hpp"

namespace neuroncert::cli {

/// Writes DATA_DIR/be_stability*.{csv,md,json} (staged in `outputs`, which the caller commits)
/// and returns the summary CSV path.
std::string run_be_stability_tables(const std::string& data_dir, const std::string& cifar_dir, std::uint64_t seed,
                                    bool quick, int threads, io::output_transaction& outputs);

}  // namespace neuroncert::cli
