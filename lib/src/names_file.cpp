#include "neuroncert/core/names_file.hpp"


#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/file_bytes.hpp"

namespace neuroncert::io {

// Hand-written: none of the project's dependencies validates UTF-8 as a function (nlohmann::json
// does so only while dumping, as an exception without a line number). The table is RFC 3629 sec. 4.
std::size_t first_invalid_utf8(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char b = byte(i);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;  // no overlong forms
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;  // no overlong forms
      if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::vector<std::string> parse_names(std::string_view text, std::string_view source, std::size_t expected) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> names;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (const std::size_t bad = first_invalid_utf8(line); bad != std::string_view::npos)
      throw data_error(fmt::format("{}: line {}: byte 0x{:02X} at column {} is not UTF-8 (save the file as UTF-8)",
                                   source, line_no, static_cast<unsigned char>(line[bad]), bad + 1));
    for (std::size_t k = 0; k < line.size(); ++k)
      if (static_cast<unsigned char>(line[k]) < 0x20 || line[k] == 0x7F)
        throw data_error(fmt::format("{}: line {}: control character 0x{:02X} at column {}", source, line_no,
                                     static_cast<unsigned char>(line[k]), k + 1));
    names.emplace_back(line);
  }
  while (!names.empty() && names.back().empty()) names.pop_back();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k].empty()) throw data_error(fmt::format("{}: line {} is empty (one name per line)", source, k + 1));
  if (names.size() != expected)
    throw data_error(fmt::format("{}: has {} names but {} are expected", source, names.size(), expected));
  return names;
}

std::vector<std::string> read_names_file(const std::filesystem::path& path, std::size_t expected) {
  return parse_names(read_whole_file(path, fmt::format("{}: ", path.string())), path.string(), expected);
}

}  // namespace neuroncert::io
