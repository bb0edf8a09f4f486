#pragma once
// The project's main job as data: every figure job (an experiment or study writing its tidy CSV,
// then the gnuplot scripts of plots/ drawing from it) and the run of the selected jobs, each job's
// files landing together, with an index figures.json of what was made (`neuroncert figures`).
// Theory: docs/theory.md sec. 6 (experiments).
// Design: docs/design.md#data-flow (data flow).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/studies/progress.hpp"

namespace neuroncert::studies {

/// One figure: a script in plots/, the output stem in OUT/, and the gnuplot variable `setting`
/// (empty: none); for the page index.html, the paper's figure it stands for ("" when none), a
/// caption and what to look for in it.
struct figure_spec {
  std::string script, name, setting;
  std::string paper, caption, look_for;
};

/// A Markdown table a job writes: its path relative to OUT and the paper's table it stands for.
struct table_spec {
  std::string file, paper;
};

/// What a run of the figure jobs needs.
struct figures_options {
  std::filesystem::path out = "figures";      ///< figures here, the tidy data in out/data
  std::filesystem::path plots_dir;            ///< the gnuplot scripts
  std::filesystem::path data_dir;             ///< CIFAR data and weights (the real-data jobs)
  std::uint64_t seed = 20251218;
  bool quick = false;                         ///< few replicates and grid points: a smoke test
  int threads = 0;                            ///< 0 = all cores; results do not depend on it
};

/// Writes a job's tidy CSV (and JSON) into `data_out`, staged in `outputs`; returns the CSV path.
using figure_producer = std::function<std::filesystem::path(
    const figures_options& options, const std::filesystem::path& data_out, io::output_transaction& outputs)>;

/// One job: its producer and the figures drawn from its CSV. `needs_data`: it reads the CIFAR files
/// and weights of figures_options::data_dir. `tables`: the Markdown tables it writes (shown on the page).
struct figure_job {
  std::string name;
  figure_producer produce;
  std::vector<figure_spec> figures;
  bool needs_data = false;
  std::vector<table_spec> tables = {};
};

/// Every job, in the order they run: the synthetic experiments, then the model studies.
const std::vector<figure_job>& figure_jobs();

/// The jobs named in `only` (all when empty), in table order; invalid_argument naming the option
/// "--only" for an unknown name.
std::vector<figure_job> select_figure_jobs(const std::vector<std::string>& only);

/// data_error (naming --plots-dir, or `data_dir_option` for the data directory) unless the plots
/// directory holds every script of `jobs` and, when a job needs them, the data directory exists
/// (the one line of require_data_directory, data_directory.hpp).
void check_figure_inputs(const figures_options& options, const std::vector<figure_job>& jobs,
                         const std::string& data_dir_option = "--data-dir");

/// What a run made.
struct figures_summary {
  std::size_t figures = 0;   ///< figures drawn (each as PNG and SVG)
  std::size_t replaced = 0;  ///< files of an earlier run rewritten
  std::filesystem::path data_dir, index, page;  ///< OUT/data, OUT/figures.json, OUT/index.html
};

/// Runs `jobs` in order into options.out (whose data/ subdirectory must exist), each job's data and
/// figures committed together, and writes the index options.out/figures.json and the page
/// options.out/index.html (both in one output transaction). `note` gets one line as each job starts
/// and when the run ends. A failed job leaves none of its files; the index and the page then record
/// which jobs finished and why the failed one did, and the job's exception propagates.
figures_summary run_figure_jobs(const figures_options& options, const std::vector<figure_job>& jobs,
                                const note_callback& note = {});

}  // namespace neuroncert::studies
