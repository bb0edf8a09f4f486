#pragma once
// The data directory (docs/data.md): the CIFAR test sets, model weights and fixtures that the model
// commands, the main job and the tests read. One place decides where it is: the environment variable
// NEURONCERT_DATA when set, else the directory this build was configured with (the CMake cache
// variable NEURONCERT_DATA_DIR, by default ../shared/data beside the repository). A command's
// --data-dir overrides both.
#include <filesystem>
#include <string>
#include <string_view>

namespace neuroncert::studies {

/// The environment variable that names the data directory.
inline constexpr const char* data_directory_variable = "NEURONCERT_DATA";

struct data_directory_choice {
  std::filesystem::path path;
  std::string source;             ///< "$NEURONCERT_DATA" or "the build's default"
  bool from_environment = false;  ///< NEURONCERT_DATA was set
};

/// $NEURONCERT_DATA when set and not empty, else the build's default.
data_directory_choice data_directory();

/// The build's default (NEURONCERT_DATA_DIR at configure time).
std::filesystem::path configured_data_directory();

/// data_error unless `dir` is a directory: one line, "OPTION: 'DIR' is not a directory (WHY); ...",
/// naming where the directory came from (`option`: "--data-dir", "$NEURONCERT_DATA"), what needs
/// it (`why`, optional), docs/data.md (how to get the data) and scripts/check-data (how to check a copy).
void require_data_directory(const std::filesystem::path& dir, std::string_view option, std::string_view why = {});

}  // namespace neuroncert::studies
