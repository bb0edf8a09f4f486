#pragma once
// Running one synthetic experiment of `neuroncert simulate` from other commands (`figures`).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "neuroncert/core/output_files.hpp"

namespace neuroncert::cli {

/// The options every experiment shares. Optional ones fall back to the experiment's defaults.
struct simulate_options {
  std::string experiment;
  std::filesystem::path out = "results";
  std::uint64_t seed = 20251218;
  std::optional<std::int64_t> replicates;  ///< N_exp
  std::optional<std::int64_t> n_min, n_max, n_points;
  double delta = 0.05;
  int threads = 0;  ///< 0 = all cores
  std::optional<std::string> matrix;  ///< m00,m01,m10,m11: a custom binary setting (exp1, validate)
  bool quiet = false;
  /// Stage the CSV and JSON here for the caller to commit (figures); null: committed by run_simulate.
  io::output_transaction* outputs = nullptr;
};

/// Runs the experiment named in `o` and writes OUT/NAME.csv and OUT/NAME.json; returns the CSV path.
/// Throws invalid_argument for an unknown experiment or bad options.
std::filesystem::path run_simulate(const simulate_options& o);

}  // namespace neuroncert::cli
