#include "option_checks.hpp"

#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/strict_numbers.hpp"

namespace neuroncert::cli {

namespace fs = std::filesystem;

namespace {

double physical_memory_bytes() {
  return static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

void harden_numeric_options(CLI::App& root) {
  for (CLI::Option* opt : root.get_options()) {
    if (opt->get_type_size() == 0) continue;  // a flag
    const std::string type = opt->get_type_name();
    const bool is_unsigned = type.rfind("UINT", 0) == 0;
    if (is_unsigned || type.rfind("INT", 0) == 0) {
      opt->transform(CLI::Validator(
          [is_unsigned](std::string& value) {
            strict_integer parsed = parse_strict_integer(value, is_unsigned);
            if (parsed.error.empty()) value = std::move(parsed.canonical);
            return parsed.error;
          },
          "", "strict integer"));
    } else if (type.rfind("FLOAT", 0) == 0) {
      opt->check(CLI::Validator([](std::string& value) { return finite_double_error(value); }, "", "finite number"));
    }
  }
  for (CLI::App* sub : root.get_subcommands([](CLI::App*) { return true; })) harden_numeric_options(*sub);
}

void check_memory(std::string_view option, double bytes, std::string_view what) {
  const double have = physical_memory_bytes();
  if (bytes > have)
    throw invalid_argument(fmt::format("{}: {} would need {:.1f} GB, more than this machine's {:.1f} GB of memory",
                                       option, what, bytes / 1e9, have / 1e9));
}

void reject_if_given(const CLI::App& cmd, std::string_view option, std::string_view why) {
  reject_unused_option(option, cmd.count(std::string(option)) > 0, why);
}

std::function<bool(std::string_view option)> given_on(const CLI::App& cmd) {
  return [&cmd](std::string_view option) { return cmd.count(std::string(option)) > 0; };
}

void check_output_prefix(std::string_view option, const std::string& prefix) {
  if (prefix.empty()) throw invalid_argument(fmt::format("{} is empty: give a file prefix such as results/run1", option));
  if (prefix.back() == '/')
    throw invalid_argument(fmt::format("{} '{}' ends in '/': give a file prefix inside the directory, such as {}run1",
                                       option, prefix, prefix));
  std::error_code ec;
  const fs::path p(prefix);
  if (fs::is_directory(p, ec))
    throw invalid_argument(fmt::format("{} '{}' is a directory: give a file prefix inside it, such as {}/run1", option,
                                       prefix, prefix));
  const fs::path dir = p.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw invalid_argument(fmt::format("{} '{}': directory '{}' does not exist", option, prefix, dir.string()));
}

void check_output_directory(std::string_view option, const std::string& dir) {
  if (dir.empty()) throw invalid_argument(fmt::format("{} is empty: give an output directory", option));
  std::error_code ec;
  const fs::path p(dir);
  if (fs::exists(p, ec) && !fs::is_directory(p, ec))
    throw invalid_argument(fmt::format("{} '{}' exists and is not a directory", option, dir));
}

void create_output_directory(std::string_view option, const std::string& dir) {
  check_output_directory(option, dir);
  std::error_code ec;
  fs::create_directories(fs::path(dir), ec);
  if (ec) throw data_error(fmt::format("{}: cannot create directory '{}': {}", option, dir, ec.message()));
}

double parse_memory_size(std::string_view option, const std::string& text) {
  static constexpr std::string_view suffixes = "KMGT";
  std::string number = text;
  double scale = 1.0;
  if (!number.empty()) {
    std::string unit;
    while (!number.empty() && std::isalpha(static_cast<unsigned char>(number.back()))) {
      unit.insert(unit.begin(), static_cast<char>(std::toupper(static_cast<unsigned char>(number.back()))));
      number.pop_back();
    }
    if (unit == "B") unit.clear();
    if (unit.size() == 3 && unit.substr(1) == "IB") unit = unit.substr(0, 1);
    if (unit.size() == 2 && unit[1] == 'B') unit = unit.substr(0, 1);
    if (!unit.empty()) {
      const auto k = unit.size() == 1 ? suffixes.find(unit[0]) : std::string_view::npos;
      if (k == std::string_view::npos)
        throw invalid_argument(fmt::format("{} must be a size such as 4G, 512M or 1.5G, got '{}'", option, text));
      scale = std::pow(1024.0, static_cast<double>(k + 1));
    }
  }
  double value = 0.0;
  const auto* end = number.data() + number.size();
  const auto [ptr, ec] = std::from_chars(number.data(), end, value);
  if (number.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || !(value > 0.0))
    throw invalid_argument(fmt::format("{} must be a positive size such as 4G, 512M or 1.5G, got '{}'", option, text));
  return value * scale;
}

}  // namespace neuroncert::cli
