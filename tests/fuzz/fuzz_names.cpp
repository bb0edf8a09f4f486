// libFuzzer harness of the names-file reader: parse_names on the input minus its first byte, with
// that byte as the expected count, and first_invalid_utf8 on the whole input against an
// independent decoder (Unicode 15, table 3-7: well-formed UTF-8 byte sequences).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "neuroncert/core/names_file.hpp"

namespace {

/// Offset of the first ill-formed sequence, decoding code points and checking their range.
std::size_t reference_first_invalid(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (b0 < 0x80) {
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2, cp = b0 & 0x1Fu, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, cp = b0 & 0x0Fu, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, cp = b0 & 0x07u, min = 0x10000;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroncert;
  using fuzz::check;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  check(io::first_invalid_utf8(all) == reference_first_invalid(all),
        "first_invalid_utf8 disagrees with the reference decoder");
  if (size == 0) return 0;

  const std::size_t expected = data[0];
  const std::string_view text = all.substr(1);
  std::vector<std::string> names;
  const auto result = fuzz::run([&] { names = io::parse_names(text, fuzz::source, expected); });
  check(result != fuzz::outcome::invalid_argument, "parse_names threw invalid_argument for file contents");
  if (result != fuzz::outcome::value) return 0;
  check(names.size() == expected, "parse_names returned a different count than expected");
  for (const auto& n : names) {
    check(!n.empty(), "an empty name was accepted");
    check(io::first_invalid_utf8(n) == std::string::npos, "a name is not UTF-8");
    for (const char c : n) check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F, "a name has a control character");
    check(n.back() != ' ', "a name keeps a trailing space");
    check(text.find(n) != std::string_view::npos, "a name is not a part of the text");
  }
  return 0;
}
