#pragma once
// What every output file records about the run that made it.
#include <string>

#include <nlohmann/json.hpp>

namespace neuroncert::cli {

/// The full command line, as typed (set once by main()).
const std::string& command_line();
void set_command_line(int argc, char** argv);

/// {"command_line", "version", "seed"?} for an output's metadata block.
nlohmann::json run_metadata(const nlohmann::json& extra = nlohmann::json::object());

}  // namespace neuroncert::cli
