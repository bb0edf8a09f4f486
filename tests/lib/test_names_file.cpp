// Names files (names_file.hpp): parse_names and first_invalid_utf8 on hand-computed inputs; every
// rejection is a one-line data_error naming the source and, where there is one, line and column.
#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/names_file.hpp"

using namespace neuroncert;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using neuroncert::test::error_of;
using names = std::vector<std::string>;

namespace {

constexpr auto npos = std::string_view::npos;

std::size_t bad_at(std::string_view s) { return io::first_invalid_utf8(s); }

/// The data_error of parse_names on `text` (source "n.txt"), checked to be one line naming it.
std::string parse_error(std::string_view text, std::size_t expected) {
  const std::string msg = error_of<data_error>([&] { (void)io::parse_names(text, "n.txt", expected); });
  INFO(msg);
  CHECK_THAT(msg, StartsWith("n.txt: "));
  CHECK(msg.find('\n') == std::string::npos);
  return msg;
}

}  // namespace

TEST_CASE("names file: first_invalid_utf8 accepts ASCII and valid 2-, 3- and 4-byte sequences", "[names]") {
  CHECK(bad_at("") == npos);
  CHECK(bad_at("plain ASCII, tabs\tand\nnewlines") == npos);
  CHECK(bad_at("\xC2\x80") == npos);          // U+0080, the smallest 2-byte
  CHECK(bad_at("caf\xC3\xA9") == npos);       // U+00E9
  CHECK(bad_at("\xDF\xBF") == npos);          // U+07FF, the largest 2-byte
  CHECK(bad_at("\xE0\xA0\x80") == npos);      // U+0800, the smallest 3-byte
  CHECK(bad_at("\xE2\x82\xAC") == npos);      // U+20AC euro sign
  CHECK(bad_at("\xED\x9F\xBF") == npos);      // U+D7FF, just below the surrogates
  CHECK(bad_at("\xEE\x80\x80") == npos);      // U+E000, just above them
  CHECK(bad_at("\xEF\xBF\xBF") == npos);      // U+FFFF
  CHECK(bad_at("\xF0\x90\x80\x80") == npos);  // U+10000, the smallest 4-byte
  CHECK(bad_at("\xF0\x9F\x98\x80") == npos);  // U+1F600
  CHECK(bad_at("\xF4\x8F\xBF\xBF") == npos);  // U+10FFFF, the largest code point
}

TEST_CASE("names file: first_invalid_utf8 rejects overlong forms, surrogates, > U+10FFFF, stray bytes", "[names]") {
  // Overlong: a code point in more bytes than it needs.
  CHECK(bad_at("\xC0\xAF") == 0);          // '/' in 2 bytes
  CHECK(bad_at("a\xC1\xBF") == 1);         // U+007F in 2 bytes
  CHECK(bad_at("\xE0\x80\xAF") == 0);      // '/' in 3 bytes
  CHECK(bad_at("\xE0\x9F\xBF") == 0);      // U+07FF in 3 bytes
  CHECK(bad_at("\xF0\x80\x80\xAF") == 0);  // '/' in 4 bytes
  CHECK(bad_at("\xF0\x8F\xBF\xBF") == 0);  // U+FFFF in 4 bytes
  // UTF-16 surrogates U+D800..U+DFFF.
  CHECK(bad_at("\xED\xA0\x80") == 0);
  CHECK(bad_at("ok\xED\xBF\xBF") == 2);
  // Above U+10FFFF.
  CHECK(bad_at("\xF4\x90\x80\x80") == 0);  // U+110000
  CHECK(bad_at("\xF5\x80\x80\x80") == 0);
  CHECK(bad_at("\xF7\xBF\xBF\xBF") == 0);
  // Bytes that never occur, lone continuation bytes, sequences cut short or interrupted.
  CHECK(bad_at("\xFF") == 0);
  CHECK(bad_at("\xFE") == 0);
  CHECK(bad_at("\x80") == 0);
  CHECK(bad_at("abc\xBF") == 3);
  CHECK(bad_at("ab\xE2\x82") == 2);
  CHECK(bad_at("\xE2\x82z") == 0);
  CHECK(bad_at("\xF0\x9F\x98") == 0);
  CHECK(bad_at("\xC3") == 0);
  // The offset is of the first bad sequence, after valid ones of every length:
  // x(0) C3 A9(1-2) y(3) E2 82 AC(4-6) z(7) F0 9F 98 80(8-11) !(12) C3(13, cut short).
  CHECK(bad_at("x\xC3\xA9y\xE2\x82\xACz\xF0\x9F\x98\x80!\xC3") == 13);
  CHECK(bad_at("caf\xE9") == 3);  // Latin-1 e-acute
}

TEST_CASE("names file: parse_names reads one name per line", "[names]") {
  CHECK(io::parse_names("cat\ndog\n", "n.txt", 2) == names{"cat", "dog"});
  CHECK(io::parse_names("cat\ndog", "n.txt", 2) == names{"cat", "dog"});  // no final newline
  SECTION("a byte-order mark is skipped") {
    CHECK(io::parse_names("\xEF\xBB\xBF" "cat\ndog\n", "n.txt", 2) == names{"cat", "dog"});
  }
  SECTION("CRLF line endings and trailing spaces and tabs are dropped") {
    CHECK(io::parse_names("a\r\nb \t\r\nc", "n.txt", 3) == names{"a", "b", "c"});
    CHECK(io::parse_names("\xEF\xBB\xBF" "one two\r\n", "n.txt", 1) == names{"one two"});
  }
  SECTION("empty lines at the end are ignored") {
    CHECK(io::parse_names("a\nb\n\n\r\n  \n", "n.txt", 2) == names{"a", "b"});
  }
  SECTION("UTF-8 names of every sequence length") {
    CHECK(io::parse_names("caf\xC3\xA9\n\xE2\x82\xAC\n\xF0\x9F\x98\x80\n", "n.txt", 3) ==
          names{"caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"});
  }
  SECTION("no names") {
    CHECK(io::parse_names("", "n.txt", 0).empty());
    CHECK(io::parse_names("\n\n", "n.txt", 0).empty());
  }
}

TEST_CASE("names file: a Latin-1 file is rejected with its line, column and byte", "[names][error]") {
  const auto msg = parse_error("apple\ncaf\xE9\n", 2);
  CHECK_THAT(msg, Contains("line 2") && Contains("0xE9") && Contains("column 4") && Contains("UTF-8"));
  // After a byte-order mark the column counts from the first character of the line.
  CHECK_THAT(parse_error("\xEF\xBB\xBF\xE9t\xE9\n", 1), Contains("line 1") && Contains("0xE9") && Contains("column 1"));
  CHECK_THAT(parse_error("a\nb\n\xED\xA0\x80\n", 3), Contains("line 3") && Contains("0xED") && Contains("column 1"));
}

TEST_CASE("names file: control characters, an empty middle line, a wrong count are rejected", "[names][error]") {
  CHECK_THAT(parse_error("a\tb\n", 1), Contains("line 1") && Contains("control character 0x09") && Contains("column 2"));
  CHECK_THAT(parse_error("ok\nx\ry\n", 2), Contains("line 2") && Contains("0x0D") && Contains("column 2"));
  CHECK_THAT(parse_error("one\n\nthree\n", 3), Contains("line 2 is empty"));
  CHECK_THAT(parse_error("one\n \t\nthree\n", 3), Contains("line 2 is empty"));
  CHECK_THAT(parse_error("a\nb\n", 3), Contains("2 names") && Contains("3 are expected"));
  CHECK_THAT(parse_error("a\nb\nc\n", 2), Contains("3 names") && Contains("2 are expected"));
  CHECK_THAT(parse_error("", 1), Contains("0 names") && Contains("1 are expected"));
}

TEST_CASE("names file: read_names_file names a missing file and a directory", "[names][error]") {
  neuroncert::test::per_test_dir dir;
  const auto file = dir / "classes.txt";
  {
    std::ofstream out(file, std::ios::binary);
    out << "\xEF\xBB\xBFx\r\ny\r\n";
  }
  CHECK(io::read_names_file(file, 2) == names{"x", "y"});
  const auto missing = error_of<data_error>([&] { (void)io::read_names_file(dir / "none.txt", 2); });
  CHECK_THAT(missing, Contains((dir / "none.txt").string()));
  const auto directory = error_of<data_error>([&] { (void)io::read_names_file(dir.dir, 2); });
  CHECK_THAT(directory, Contains(dir.dir.string()) && Contains("directory"));
  const auto mismatch = error_of<data_error>([&] { (void)io::read_names_file(file, 3); });
  CHECK_THAT(mismatch, StartsWith(file.string() + ": "));
}
