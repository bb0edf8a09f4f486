#pragma once
// `neuroncert advise`'s inputs read from text and files, and its outputs (advise.hpp): the records
// described once (studies/record.hpp) and written as tidy CSV, the JSON report and the figure.
#include <filesystem>
#include <string>
#include <vector>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/studies/advise.hpp"

namespace neuroncert::studies {

/// --frequency: "R" is one frequency; "LO:HI" five log-spaced ones from LO to HI, each standing for
/// a fifth of |C|. invalid_argument naming --frequency.
std::vector<double> advise_frequencies(const std::string& text);

/// --frequency-file: one frequency in (0, 1) per line (blank lines and lines starting with '#'
/// skipped). data_error naming the file and line.
std::vector<double> advise_frequency_file(const std::filesystem::path& path);

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
