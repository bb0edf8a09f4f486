#pragma once
// What every output file records about the run that made it: the command line (set once by the
// program's entry point), the version, and whatever the writer adds (seed, experiment, ...).
// Design: docs/design.md#output-files (output files).
#include <string>

#include <nlohmann/json.hpp>

namespace neuroncert::studies {

/// The full command line, as typed ("" until set_command_line is called).
const std::string& command_line();
void set_command_line(int argc, char** argv);

/// {"command_line", "version", "program"} plus the members of `extra`, for an output's metadata.
nlohmann::json run_metadata(const nlohmann::json& extra = nlohmann::json::object());

}  // namespace neuroncert::studies
