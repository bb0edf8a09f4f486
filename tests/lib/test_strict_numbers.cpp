// The strict parser of user-typed numbers (core/strict_numbers.hpp): canonical integers, exponents,
// signs, overflow of each type, and the refusals, each checked by hand.
#include <catch2/catch.hpp>

#include <string>

#include "neuroncert/core/strict_numbers.hpp"

using neuroncert::finite_double_error;
using neuroncert::parse_strict_integer;
using Catch::Matchers::Contains;

namespace {

/// The canonical text of a signed integer that must be accepted.
std::string canonical(const std::string& text, bool is_unsigned = false) {
  const auto r = parse_strict_integer(text, is_unsigned);
  INFO(text << ": " << r.error);
  REQUIRE(r.error.empty());
  return r.canonical;
}

/// The reason a refused integer gives (its canonical text must be empty).
std::string refusal(const std::string& text, bool is_unsigned = false) {
  const auto r = parse_strict_integer(text, is_unsigned);
  INFO(text << " -> '" << r.canonical << "'");
  REQUIRE_FALSE(r.error.empty());
  CHECK(r.canonical.empty());
  return r.error;
}

}  // namespace

TEST_CASE("strict integers: plain digits, leading zeros and signs are rewritten to plain decimal",
          "[strict_numbers]") {
  CHECK(canonical("0") == "0");
  CHECK(canonical("42") == "42");
  CHECK(canonical("010") == "10");  // decimal, not octal 8
  CHECK(canonical("000") == "0");
  CHECK(canonical("-0") == "0");
  CHECK(canonical("+7") == "7");
  CHECK(canonical("-12") == "-12");
  CHECK(canonical("18446744073709551615", true) == "18446744073709551615");  // 2^64 - 1
  CHECK(canonical("9223372036854775807") == "9223372036854775807");        // 2^63 - 1
  CHECK(canonical("-9223372036854775808") == "-9223372036854775808");      // -2^63
}

TEST_CASE("strict integers: a whole number written with an exponent is expanded", "[strict_numbers]") {
  CHECK(canonical("2.5e3") == "2500");
  CHECK(canonical("1e6") == "1000000");
  CHECK(canonical("1E+2") == "100");
  CHECK(canonical("1.50e1") == "15");  // trailing zeros of the fraction do not count
  CHECK(canonical("-3e2") == "-300");
  CHECK(canonical("0e5") == "0");
  CHECK(canonical("1e18", true) == "1000000000000000000");
}

TEST_CASE("strict integers: what is not a whole number is refused with the option's words", "[strict_numbers]") {
  CHECK(refusal("1.5") == "must be a whole number, got '1.5'");
  CHECK(refusal("1.25e1") == "must be a whole number, got '1.25e1'");  // 12.5
  CHECK(refusal("") == "must be a whole number, got ''");
  CHECK(refusal("abc") == "must be a whole number, got 'abc'");
  CHECK(refusal("0x10") == "must be a whole number, got '0x10'");
  CHECK(refusal("1e") == "must be a whole number, got '1e'");
  CHECK(refusal("1e-2") == "must be a whole number, got '1e-2'");
  CHECK(refusal("--5") == "must be a whole number, got '--5'");
  CHECK(refusal("1.5", true) == "must be an unsigned 64-bit integer, got '1.5'");
}

TEST_CASE("strict integers: an unsigned value takes no sign", "[strict_numbers]") {
  CHECK(refusal("-1", true) == "must be an unsigned 64-bit integer, got '-1'");  // not 2^64 - 1
  CHECK(refusal("+1", true) == "must be an unsigned 64-bit integer, got '+1'");
  CHECK(refusal("-0", true) == "must be an unsigned 64-bit integer, got '-0'");
}

TEST_CASE("strict integers: overflow of each type is refused, not clamped or wrapped", "[strict_numbers]") {
  CHECK(refusal("18446744073709551616", true) ==
        "must be an unsigned 64-bit integer (at most 18446744073709551615), got '18446744073709551616'");  // 2^64
  CHECK(refusal("9223372036854775808") == "must be at most 9223372036854775807, got '9223372036854775808'");
  CHECK(refusal("-9223372036854775809") == "must be at least -9223372036854775808, got '-9223372036854775809'");
  CHECK(refusal("99999999999999999999") == "must be at most 9223372036854775807, got '99999999999999999999'");
  // An exponent of up to three digits is expanded, so 1e999 overflows with the range message;
  // a longer one is not a number at all.
  CHECK(refusal("1e999") == "must be at most 9223372036854775807, got '1e999'");
  CHECK(refusal("-1e999") == "must be at least -9223372036854775808, got '-1e999'");
  CHECK(refusal("1e1000") == "must be a whole number, got '1e1000'");
}

TEST_CASE("strict integers: a long or unprintable value is shown cut, on one line", "[strict_numbers]") {
  const std::string long_text(50, '7');
  CHECK(refusal(long_text) == "must be at most 9223372036854775807, got '" + std::string(40, '7') + "...'");
  CHECK(refusal("1\n2") == "must be a whole number, got '1?2'");
}

TEST_CASE("finite doubles: finite values pass, nan, inf, overflow and garbage are refused", "[strict_numbers]") {
  CHECK(finite_double_error("0.05") == "");
  CHECK(finite_double_error("-1e-300") == "");
  CHECK(finite_double_error("1e308") == "");
  CHECK(finite_double_error("3") == "");
  CHECK(finite_double_error("nan") == "must be a finite number, got 'nan'");
  CHECK(finite_double_error("inf") == "must be a finite number, got 'inf'");
  CHECK(finite_double_error("-inf") == "must be a finite number, got '-inf'");
  CHECK(finite_double_error("1e999") == "must be a finite number, got '1e999'");
  CHECK(finite_double_error("") == "must be a number, got ''");
  CHECK(finite_double_error("abc") == "must be a number, got 'abc'");
  CHECK(finite_double_error("0.5x") == "must be a number, got '0.5x'");
  CHECK(finite_double_error("+0.5") == "must be a number, got '+0.5'");  // std::from_chars takes no '+'
  CHECK_THAT(finite_double_error(" 1"), Contains("must be a number"));
}
