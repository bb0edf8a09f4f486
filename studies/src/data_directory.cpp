// Where the data directory is (data_directory.hpp).
#include "neuroncert/studies/data_directory.hpp"

#include <cstdlib>
#include <system_error>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

#ifndef NEURONCERT_DATA_DIR
#error "NEURONCERT_DATA_DIR (the configured data directory) must be defined by the build"
#endif

namespace neuroncert::studies {

std::filesystem::path configured_data_directory() { return NEURONCERT_DATA_DIR; }

data_directory_choice data_directory() {
  const char* env = std::getenv(data_directory_variable);
  if (env != nullptr && *env != '\0') return {env, fmt::format("${}", data_directory_variable), true};
  return {configured_data_directory(), "the build's default", false};
}

void require_data_directory(const std::filesystem::path& dir, std::string_view option, std::string_view why) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  throw data_error(fmt::format("{}: '{}' is not a directory{}; the data directory holds the CIFAR files and weights: "
                               "get them as docs/data.md describes, check them with scripts/check-data DIR, then pass "
                               "--data-dir DIR or set {}=DIR",
                               option, dir.string(), why.empty() ? std::string() : fmt::format(" ({})", why),
                               data_directory_variable));
}

}  // namespace neuroncert::studies
