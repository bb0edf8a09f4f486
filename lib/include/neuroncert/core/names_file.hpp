#pragma once
// Text files of names, one per line: concept names (`identify --concept-names`), class names of
// the CIFAR data. One reader, so every names file obeys the same rules and gives the same errors.
//
// Format: UTF-8 text (a leading byte-order mark is skipped), '\n' or "\r\n" line endings,
// trailing spaces and tabs of a line dropped, empty lines at the end ignored. Every other line is
// one name. Rejected, each as a data_error naming the file and the 1-based line: bytes that are
// not UTF-8 (a Latin-1 file, say: save it as UTF-8), control characters, an empty line before the
// last name, and a name count other than `expected`. Names are checked here, before any work, so
// that a bad names file can never fail a run after its first output is written.
// Design: docs/design.md#data-flow (data flow).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace neuroncert::io {

/// The names in the text `text` (the contents of `source`, which errors name).
std::vector<std::string> parse_names(std::string_view text, std::string_view source, std::size_t expected);

/// Reads `path` and parses it as above; a missing or unreadable file is a data_error naming it.
std::vector<std::string> read_names_file(const std::filesystem::path& path, std::size_t expected);

/// Byte offset of the first byte in `s` that is not part of well-formed UTF-8 (overlong forms,
/// surrogates and code points above U+10FFFF included), or std::string_view::npos if none.
std::size_t first_invalid_utf8(std::string_view s);

}  // namespace neuroncert::io
