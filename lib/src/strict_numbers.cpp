#include "neuroncert/core/strict_numbers.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <system_error>
#include <utility>

#include <fmt/format.h>

namespace neuroncert {
namespace {

/// A value as it may appear in a message: long garbage is cut, so the line stays one line.
std::string shown(std::string_view text) {
  std::string s = text.size() > 40 ? std::string(text.substr(0, 40)) + "..." : std::string(text);
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

/// Whether the whole of `text` converts to a T without overflow.
template <typename T>
bool fits(const std::string& text) {
  T v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size();
}

/// Why `canonical` (the text's plain decimal form) does not fit its type; "" when it does.
std::string range_error(const std::string& canonical, bool negative, bool is_unsigned, std::string_view text) {
  if (is_unsigned)
    return fits<std::uint64_t>(canonical)
               ? std::string()
               : fmt::format("must be an unsigned 64-bit integer (at most {}), got '{}'",
                             std::numeric_limits<std::uint64_t>::max(), shown(text));
  if (fits<std::int64_t>(canonical)) return {};
  return negative ? fmt::format("must be at least {}, got '{}'", std::numeric_limits<std::int64_t>::min(), shown(text))
                  : fmt::format("must be at most {}, got '{}'", std::numeric_limits<std::int64_t>::max(), shown(text));
}

}  // namespace

strict_integer parse_strict_integer(std::string_view text, bool is_unsigned) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    if (is_unsigned) return {{}, fmt::format("must be an unsigned 64-bit integer, got '{}'", shown(text))};
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::string digits = all_digits(s) ? std::string(s) : expand_exponent(s);
  if (digits.empty())
    return {{}, fmt::format("must be {}, got '{}'", is_unsigned ? "an unsigned 64-bit integer" : "a whole number",
                            shown(text))};
  const auto first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  std::string canonical = (negative && digits != "0" ? "-" : "") + digits;
  std::string error = range_error(canonical, negative, is_unsigned, text);
  if (!error.empty()) return {{}, std::move(error)};
  return {std::move(canonical), {}};
}

std::string finite_double_error(std::string_view text) {
  if (text.empty()) return fmt::format("must be a number, got '{}'", shown(text));
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc::invalid_argument || p != end)
    return fmt::format("must be a number, got '{}'", shown(text));
  if (ec == std::errc::result_out_of_range || !std::isfinite(v))
    return fmt::format("must be a finite number, got '{}'", shown(text));
  return {};
}

}  // namespace neuroncert
