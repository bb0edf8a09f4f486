#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself on the root app.
// A subcommand's callback does the work; errors propagate as neuroncert exceptions
// and main() turns them into one line on stderr and an exit code.
#include <CLI/CLI.hpp>

namespace neuroncert::cli {

void register_advise(CLI::App& app);
void register_simulate(CLI::App& app);
void register_identify(CLI::App& app);
void register_plan(CLI::App& app);
void register_bound(CLI::App& app);
void register_be_coverage(CLI::App& app);
void register_extract(CLI::App& app);
void register_figures(CLI::App& app);
void register_sieve(CLI::App& app);
void register_sieve_plan(CLI::App& app);
void register_concepts(CLI::App& app);
// @register-declarations (add new subcommands above this line)

}  // namespace neuroncert::cli
