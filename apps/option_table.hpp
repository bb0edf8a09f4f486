#pragma once
// A subcommand's options declared as a table, one row per option in --help order, instead of one
// CLI11 call chain each: a bool target becomes a flag, anything else an option, and the row's
// flags add the usual modifiers. Options that need more (excludes, a delimiter, a member check)
// get it afterwards through cmd.get_option(name).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

namespace neuroncert::cli {

/// Modifiers of a row: required, its default shown in --help, an existing file.
enum option_flag : unsigned { plain = 0, required = 1u, show_default = 2u, existing_file = 4u };

using option_target =
    std::variant<bool*, int*, long*, long long*, unsigned long*, double*, std::string*, std::filesystem::path*,
                 std::optional<double>*, std::optional<long>*, std::optional<std::string>*, std::vector<std::string>*,
                 std::vector<long>*>;

struct option_row {
  std::string name;
  option_target target;
  std::string help;
  unsigned flags = plain;
};

/// Adds the rows to `cmd`, in order.
inline void add_options(CLI::App& cmd, const std::vector<option_row>& rows) {
  for (const auto& row : rows) {
    CLI::Option* opt = std::visit(
        [&](auto* target) -> CLI::Option* {
          if constexpr (std::is_same_v<decltype(target), bool*>)
            return cmd.add_flag(row.name, *target, row.help);
          else
            return cmd.add_option(row.name, *target, row.help);
        },
        row.target);
    if (row.flags & required) opt->required();
    if (row.flags & show_default) opt->capture_default_str();
    if (row.flags & existing_file) opt->check(CLI::ExistingFile);
  }
}

}  // namespace neuroncert::cli
