#pragma once
// `neuroncert advise`'s inputs read from text and files, and its outputs (advise.hpp): the records
// described once (studies/record.hpp) and written as tidy CSV, the JSON report and the figure.
// Theory: docs/theory.md sec. 10 (advise).
#include <filesystem>
#include <string>
#include <vector>

#include <optional>

#include <Eigen/Core>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/studies/advise.hpp"
#include "neuroncert/studies/bound_reports.hpp"  // option_given

namespace neuroncert::studies {

/// --frequency: "R" is one frequency; "LO:HI" five log-spaced ones from LO to HI, each standing for
/// a fifth of |C|. invalid_argument naming --frequency.
std::vector<double> advise_frequencies(const std::string& text);

/// --budget: "LO:HI", two whole probing-set sizes with 1 <= LO < HI <= 1e9. invalid_argument naming --budget.
std::pair<std::int64_t, std::int64_t> advise_budget(const std::string& text);

/// --frequency-file: one frequency in (0, 1) per line (blank lines and lines starting with '#'
/// skipped). data_error naming the file and line.
std::vector<double> advise_frequency_file(const std::filesystem::path& path);

/// What a user gives `advise`, named as the CLI's options (the Python package passes its keywords
/// under the same names).
struct advise_settings {
  std::int64_t concepts = 1;                       ///< --concepts
  double delta = 0.05;                             ///< --delta
  std::optional<std::int64_t> n;                   ///< --n
  std::optional<double> epsilon;                   ///< --epsilon
  std::optional<double> margin;                    ///< --margin Delta: epsilon = Delta / 2 (Corollary 3.2)
  std::optional<std::string> budget;               ///< --budget "LO:HI": probing-set sizes you can afford
  std::optional<std::string> frequency;            ///< --frequency: "R" or "LO:HI"
  std::optional<std::vector<double>> frequency_list;  ///< --frequency-file: its frequencies, one per concept
  std::optional<std::string> matrix;               ///< --matrix "W00,W01,W10,W11"
  std::optional<double> recall, precision, alpha;  ///< --neuron-recall, --neuron-precision, --alpha
  const Eigen::MatrixXd* pilot_activations = nullptr;  ///< --pilot-activations (n x F), with the concepts
  const Eigen::MatrixXd* pilot_concepts = nullptr;     ///< --pilot-concepts (n x |C|)
  double pilot_alpha = 0.05;                       ///< --pilot-alpha
  std::vector<std::string> metrics;                ///< --metrics (empty: every pair metric)
  std::int64_t precision_level = 1;                ///< --precision: x 1000 replicates
  std::int64_t sanity_seeds = 1000;                ///< --sanity-seeds
  std::string sanity_orientation = "paper";        ///< --sanity-orientation: paper or neuron-eval
  std::uint64_t seed = 1;                          ///< --seed
};

/// The study's inputs, and the pilot's estimate when a pilot was given.
struct advise_setup {
  advise_inputs inputs;
  std::optional<pilot_estimate> pilot;
};

/// The study's inputs from what the user gave (`given(option)`: whether an option was given by its
/// CLI name): alternatives refused together, options a pilot replaces refused beside it, and without
/// --concepts a frequency list or a pilot is the concept set. invalid_argument naming the option.
advise_setup advise_setup_from(const advise_settings& s, const option_given& given);

/// Where a run's files go: PREFIX.json, PREFIX_ranking.csv, PREFIX_rows.csv, PREFIX_sanity.csv,
/// PREFIX_identification.csv (when identification was simulated; otherwise a stale one is removed)
/// and, with `figure`, PREFIX_curves.csv and PREFIX_figure.png/.svg drawn by plots/advise.gp.
struct advise_files {
  std::string prefix;
  bool figure = false;
  std::filesystem::path plots_dir;
  nlohmann::json metadata;  ///< provenance of the run, written into the JSON
};

/// Stages every file of the run in `outputs` (the JSON last); the caller commits. The figure needs
/// in.curve_grid to have been set for the study.
void write_advise(const advise_files& files, const advise_inputs& in, const advise_result& r,
                  io::output_transaction& outputs);

}  // namespace neuroncert::studies
