#pragma once
// Running gnuplot on one of the scripts in plots/: without a shell, so paths with spaces or quotes
// are safe, with the script's variables given on its command line (gnuplot -e).
// Design: docs/design.md#data-flow (data flow).
#include <filesystem>
#include <string>

namespace neuroncert::studies {

/// A gnuplot string literal: single quotes, with ' doubled (gnuplot's escape inside '...').
std::string gnuplot_string(const std::string& s);

/// Runs `gnuplot -e variables script` and waits for it; data_error when gnuplot is not on PATH or
/// exits with an error.
void run_gnuplot(const std::filesystem::path& script, const std::string& variables);

}  // namespace neuroncert::studies
