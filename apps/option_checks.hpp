#pragma once
// Checks that every option of every subcommand gets, whatever the subcommand: the class of bad
// input is closed once, here, instead of option by option.
//
// harden_numeric_options() walks the whole command tree after registration and puts the strict
// number parser of core/strict_numbers.hpp in front of every integer and floating-point option
// (CLI11 alone would clamp, wrap, read octal and accept nan/inf). A new option is covered by
// construction; integers are rewritten to plain decimal before CLI11 converts them.
//
// The remaining helpers are the range and output checks that several subcommands share.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "neuroncert/core/thread_limit.hpp"

#include "neuroncert/core/range_checks.hpp"  // check_count, shared with the studies

namespace neuroncert::cli {

/// Attaches the strict integer / finite-float parser to every numeric option under `root`.
void harden_numeric_options(CLI::App& root);

/// --threads: neuroncert::check_threads (core/thread_limit.hpp), shared with the Python package.
using neuroncert::check_threads;

/// The largest --batch-size of a forward pass: larger batches buy nothing on a CPU and can ask
/// LibTorch for tens of gigabytes at once.
inline constexpr std::int64_t max_batch_size = 65536;

/// invalid_argument naming `option` when `bytes` (what the run would hold at once, `what`) exceed
/// the machine's physical memory: refused up front instead of a bad_alloc or swapping halfway.
void check_memory(std::string_view option, double bytes, std::string_view what);

/// A memory size: a number of bytes with an optional binary suffix K, M, G or T (KiB, ...; "4G",
/// "512M", "1.5G"). invalid_argument naming `option` for anything else or a size that is not positive.
double parse_memory_size(std::string_view option, const std::string& text);

/// invalid_argument if `option` was given on the command line of `cmd`: it has no effect in this
/// mode (core/range_checks.hpp's reject_unused_option). `why` completes "--rho is not used ...".
void reject_if_given(const CLI::App& cmd, std::string_view option, std::string_view why);

/// Whether an option was given on the command line of `cmd`, by name: what a study asks to refuse
/// options that have no effect (studies::option_given).
std::function<bool(std::string_view option)> given_on(const CLI::App& cmd);

/// An output prefix (`identify --out PREFIX` writes PREFIX.csv, PREFIX.json): non-empty, not a
/// directory, not ending in '/', and its directory must exist. invalid_argument otherwise.
void check_output_prefix(std::string_view option, const std::string& prefix);

/// An output directory (`simulate --out DIR`), checked before any work: non-empty and not an
/// existing non-directory (invalid_argument otherwise). Nothing is created yet.
void check_output_directory(std::string_view option, const std::string& dir);
/// Creates the checked directory (and its parents) once there is something to write into it;
/// data_error naming the option if it cannot be created.
void create_output_directory(std::string_view option, const std::string& dir);

}  // namespace neuroncert::cli
