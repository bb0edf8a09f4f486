#include "option_checks.hpp"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::cli {

namespace fs = std::filesystem;

namespace {

/// A value as it may appear in a message: long garbage is cut, so the line stays one line.
std::string shown(const std::string& text) {
  std::string s = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

/// "2.5e3" -> "2500"; "" when the text is not a whole number written as digits[.digits]e[+]digits.
std::string expand_exponent(std::string_view s) {
  const auto e = s.find_first_of("eE");
  if (e == std::string_view::npos) return {};
  std::string_view mant = s.substr(0, e), exp = s.substr(e + 1);
  if (!exp.empty() && exp.front() == '+') exp.remove_prefix(1);
  if (!all_digits(exp) || exp.size() > 3) return {};  // 1e999 still overflows below, with its own message
  const auto dot = mant.find('.');
  std::string digits(mant.substr(0, dot));
  std::string frac = dot == std::string_view::npos ? std::string() : std::string(mant.substr(dot + 1));
  if (!all_digits(digits) || (!frac.empty() && !all_digits(frac))) return {};
  int shift = std::stoi(std::string(exp));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (static_cast<int>(frac.size()) > shift) return {};  // not a whole number
  digits += frac;
  digits.append(static_cast<std::size_t>(shift) - frac.size(), '0');
  return digits;
}

/// The canonical decimal text of an integer option value, or "" with `error` set. `is_unsigned`
/// rejects a sign.
std::string canonical_integer(const std::string& text, bool is_unsigned, std::string& error) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    if (is_unsigned) {
      error = fmt::format("must be an unsigned 64-bit integer, got '{}'", shown(text));
      return {};
    }
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::string digits = all_digits(s) ? std::string(s) : expand_exponent(s);
  if (digits.empty()) {
    error = fmt::format("must be {}, got '{}'", is_unsigned ? "an unsigned 64-bit integer" : "a whole number",
                        shown(text));
    return {};
  }
  const auto first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  const std::string canonical = (negative && digits != "0" ? "-" : "") + digits;
  if (is_unsigned) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(canonical.data(), canonical.data() + canonical.size(), v);
    if (ec != std::errc() || p != canonical.data() + canonical.size()) {
      error = fmt::format("must be an unsigned 64-bit integer (at most {}), got '{}'",
                          std::numeric_limits<std::uint64_t>::max(), shown(text));
      return {};
    }
  } else {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(canonical.data(), canonical.data() + canonical.size(), v);
    if (ec != std::errc() || p != canonical.data() + canonical.size()) {
      error = negative ? fmt::format("must be at least {}, got '{}'", std::numeric_limits<std::int64_t>::min(), shown(text))
                       : fmt::format("must be at most {}, got '{}'", std::numeric_limits<std::int64_t>::max(), shown(text));
      return {};
    }
  }
  return canonical;
}

/// Empty when `text` is a finite double, else the reason.
std::string check_finite_double(const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec == std::errc::invalid_argument || p != end)
    return fmt::format("must be a number, got '{}'", shown(text));
  if (ec == std::errc::result_out_of_range || !std::isfinite(v))
    return fmt::format("must be a finite number, got '{}'", shown(text));
  return {};
}

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
            std::string error;
            const std::string canonical = canonical_integer(value, is_unsigned, error);
            if (!error.empty()) return error;
            value = canonical;
            return std::string();
          },
          "", "strict integer"));
    } else if (type.rfind("FLOAT", 0) == 0) {
      opt->check(CLI::Validator([](std::string& value) { return check_finite_double(value); }, "", "finite number"));
    }
  }
  for (CLI::App* sub : root.get_subcommands([](CLI::App*) { return true; })) harden_numeric_options(*sub);
}

void check_threads(std::string_view option, std::int64_t threads) {
  check_count(option, threads, 0, max_threads, "0 means all cores");
}

void check_count(std::string_view option, std::int64_t value, std::int64_t lo, std::int64_t hi, std::string_view why) {
  if (value < lo || value > hi)
    throw invalid_argument(fmt::format("{} must lie between {} and {} ({}), got {}", option, lo, hi, why, value));
}

void check_memory(std::string_view option, double bytes, std::string_view what) {
  const double have = physical_memory_bytes();
  if (bytes > have)
    throw invalid_argument(fmt::format("{}: {} would need {:.1f} GB, more than this machine's {:.1f} GB of memory",
                                       option, what, bytes / 1e9, have / 1e9));
}

void reject_if_given(const CLI::App& cmd, std::string_view option, std::string_view why) {
  if (cmd.count(std::string(option)) > 0) throw invalid_argument(fmt::format("{} is not used {}", option, why));
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

}  // namespace neuroncert::cli
