#pragma once
// The rules for a number a user typed (a command-line option, later a config file or a keyword of
// the Python package), in one place, so every front end refuses the same input with the same words.
//
// Lenient parsers turn typos into other numbers: strtoll clamps 99999999999999999999 to INT64_MAX,
// strtoull wraps -1 to 2^64 - 1, a C-style reader takes 010 for octal 8, and strtod accepts nan and
// inf. Here an integer is decimal digits with an optional sign, or a whole number written with an
// exponent (1e6, 2.5e3), and it must fit its type; a floating-point value must be finite.
// Design: docs/design.md#errors-and-exit-codes (errors and exit codes).
#include <string>
#include <string_view>

namespace neuroncert {

/// An integer as typed, checked: `canonical` is its plain decimal text ("2.5e3" -> "2500",
/// "010" -> "10", "-0" -> "0") when `error` is empty; otherwise `error` says why it is refused,
/// in words that complete "--seed ..." ("must be a whole number, got '1.5'").
struct strict_integer {
  std::string canonical;
  std::string error;
};

/// `text` as a signed 64-bit integer, or as an unsigned one (`is_unsigned`: no sign allowed).
strict_integer parse_strict_integer(std::string_view text, bool is_unsigned);

/// Empty when `text` is a finite double in full (std::from_chars syntax), else the reason, in the
/// same words as parse_strict_integer's ("must be a finite number, got 'inf'").
std::string finite_double_error(std::string_view text);

}  // namespace neuroncert
