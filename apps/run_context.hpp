#pragma once
// What every output file records about the run that made it.
#include <string>

#include <nlohmann/json.hpp>

#include "neuroncert/core/output_files.hpp"

namespace neuroncert::cli {

/// The full command line, as typed (set once by main()).
const std::string& command_line();
void set_command_line(int argc, char** argv);

/// {"command_line", "version", "seed"?} for an output's metadata block.
nlohmann::json run_metadata(const nlohmann::json& extra = nlohmann::json::object());

/// Commits a run's outputs (all of them land together, the JSON report last) and says on stderr,
/// in one line each, which files of an earlier run were replaced or removed as stale.
void commit_outputs(io::output_transaction& outputs);

}  // namespace neuroncert::cli
