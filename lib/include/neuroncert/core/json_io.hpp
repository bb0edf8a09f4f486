#pragma once
// JSON reports: atomic pretty-printed writing, reading with one-line errors, and the number
// convention for infinities.
//
// neuroncert never writes NaN. nlohmann::json would silently turn NaN and +-inf into null, so
//   - json_number(x) maps +inf / -inf to the strings "inf" / "-inf" and throws invalid_argument
//     on NaN (report an undefined value explicitly, e.g. null plus a "reason" field);
//   - json_to_double(j) reads such a number back ("inf", "-inf" or a JSON number);
//   - write_json refuses (invalid_argument naming the JSON pointer) any non-finite double that was
//     stored without json_number.
// Design: docs/design.md#output-files (output files).
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "neuroncert/core/output_files.hpp"

namespace neuroncert::io {

/// Writes `j` with indent 2 and a trailing newline, whole or not at all (output_files.hpp; with a
/// transaction it lands at its commit()). Throws invalid_argument (path and JSON pointer) for a
/// non-finite number or invalid UTF-8, data_error (path and system reason) for I/O failures.
void write_json(const std::filesystem::path& path, const nlohmann::json& j, output_transaction* transaction = nullptr);

/// Parses a JSON file. Throws data_error naming the path: missing/unreadable file, or a parse
/// error with its line and column ("cfg.json: invalid JSON: parse error at line 3, column 5: ...").
nlohmann::json read_json(const std::filesystem::path& path);

/// x as JSON: finite -> number, +inf -> "inf", -inf -> "-inf", NaN -> invalid_argument.
nlohmann::json json_number(double x);

/// Inverse of json_number: a JSON number, or the strings "inf" / "-inf". Anything else throws
/// data_error mentioning `what` (e.g. "report.json: /bounds/0/epsilon").
double json_to_double(const nlohmann::json& j, std::string_view what);

}  // namespace neuroncert::io
