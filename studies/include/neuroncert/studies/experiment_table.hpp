#pragma once
// The paper's synthetic experiments (docs/theory.md sec. 6) as one table, run by `simulate` and by the
// figures job: a name, a one-line description, the optional settings it reads and a function
// that runs it and returns its tidy rows with every parameter it used. Add an experiment at the
// `// @experiments` marker in experiment_table.cpp.
// Theory: docs/theory.md sec. 6 (experiments).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/sim/tidy.hpp"
#include "neuroncert/studies/progress.hpp"

namespace neuroncert::studies {

/// The settings every experiment may read; unset optional ones fall back to the experiment's
/// defaults. Bad values are invalid_argument naming the option (--n-min, --delta, ...).
struct experiment_settings {
  std::uint64_t seed = 20251218;
  std::optional<std::int64_t> replicates;  ///< N_exp
  std::optional<std::int64_t> n_min, n_max, n_points;
  double delta = 0.05;
  std::optional<std::string> matrix;  ///< m00,m01,m10,m11: a custom binary setting (exp1, validate)
  progress_callback progress;         ///< stage = the study running, replicates
};

/// What an experiment returns: its tidy rows and every parameter it used.
struct experiment_result {
  std::vector<sim::tidy_row> rows;
  nlohmann::json parameters = nlohmann::json::object();
};

struct experiment {
  std::string name;
  std::string description;
  /// Runs it; fills `parameters` (which holds the seed) with every parameter it used.
  std::function<std::vector<sim::tidy_row>(const experiment_settings&, nlohmann::json& parameters)> run;
  std::vector<std::string> uses;  ///< the optional settings it reads, as options: "--seed", "--matrix", ...
};

/// Every optional setting, as options ("--seed", "--replicates", ...): one an experiment does not
/// use is refused when given.
const std::vector<std::string>& experiment_setting_options();

/// invalid_argument ("--matrix is not used by experiment 'gaussian' (it reads ...)") for a setting
/// that was given (`given("--matrix")`) but that `e` does not read: an error, not a no-op. The CLI
/// and the Python package both ask here.
void reject_unused_settings(const experiment& e, const std::function<bool(std::string_view option)>& given);

const std::vector<experiment>& experiment_table();

/// The experiment called `name`; invalid_argument listing the known ones otherwise.
const experiment& find_experiment(const std::string& name);

/// Runs `e` with `s`: validates the settings before any heavy work.
experiment_result run_experiment(const experiment& e, const experiment_settings& s);

/// Writes DIR/NAME.csv (tidy rows) and DIR/NAME.json (run metadata, seed, description, parameters,
/// `threads`, the CSV's columns and quantities), staged in `outputs`; returns the CSV path.
std::filesystem::path write_experiment(const experiment& e, const experiment_settings& s, const experiment_result& r,
                                       int threads, const std::filesystem::path& dir, io::output_transaction& outputs);

}  // namespace neuroncert::studies
