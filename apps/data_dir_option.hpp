#pragma once
// The --data-dir option of the model commands (extract, figures, sieve): its default is the one data
// directory (studies/data_directory.hpp: $NEURONCERT_DATA, else the build's), --help says where the
// default came from, and a missing directory is one line naming the option and docs/data.md.
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "neuroncert/studies/data_directory.hpp"

namespace neuroncert::cli {

/// --data-dir's help: `what` it holds, then where its default comes from.
inline std::string data_dir_help(std::string_view what) {
  const auto d = studies::data_directory();
  if (!d.from_environment)
    return fmt::format("{}; default: ${} if set (it is not), else the build's", what, studies::data_directory_variable);
  return fmt::format("{}; default: ${} (set), else the build's ({})", what, studies::data_directory_variable,
                     studies::configured_data_directory().string());
}

/// How to name the data directory in an error: the option when given, else where its default came from.
inline std::string data_dir_origin(const CLI::App& cmd) {
  if (cmd.count("--data-dir") > 0) return "--data-dir";
  const auto d = studies::data_directory();
  return d.from_environment ? d.source : "--data-dir (the build's default)";
}

/// data_error (exit 1) unless `dir` exists, before any work.
inline void require_data_dir(const CLI::App& cmd, const std::string& dir) {
  studies::require_data_directory(dir, data_dir_origin(cmd));
}

}  // namespace neuroncert::cli
