#pragma once
// What both executables do around their commands: one CLI11 app, the strict numeric options, the
// mapping of errors to one line on stderr and an exit code (0 success, 2 bad usage, 1 failure).
#include <functional>

#include <CLI/CLI.hpp>

namespace neuroncert::cli {

/// Builds the app, lets `register_commands` add the subcommands, parses argv and runs the chosen
/// command; returns the process exit code.
int cli_main(int argc, char** argv, const std::function<void(CLI::App&)>& register_commands);

}  // namespace neuroncert::cli
