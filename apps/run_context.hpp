#pragma once
// What the commands share around a run: the provenance every output records (studies/provenance),
// committing a run's outputs with a note of what it replaced, and the progress bar a study's
// progress calls draw.
#include <string>

#include <nlohmann/json.hpp>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/studies/progress.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::cli {

using studies::command_line;
using studies::run_metadata;
using studies::set_command_line;

/// Commits a run's outputs (all of them land together, the JSON report last) and says on stderr,
/// in one line each, which files of an earlier run were replaced or removed as stale.
void commit_outputs(io::output_transaction& outputs);

/// Whether to draw a progress bar: never with --no-progress, always with --progress, otherwise
/// when stderr is a terminal.
bool want_progress(bool progress, bool no_progress);

/// A study's progress calls drawn as the one progress bar (core/progress_bar.hpp), labelled with
/// the stage padded to `label_width`, counting `unit`; an empty callback when `draw` is false.
studies::progress_callback draw_progress(bool draw, std::string unit, int label_width = 0);

/// A study's notes printed on stderr, one line each, after `prefix` (e.g. "sieve: "); an empty
/// callback when `print` is false.
studies::note_callback print_note(bool print = true, std::string prefix = "");

}  // namespace neuroncert::cli
