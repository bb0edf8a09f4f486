#pragma once
// Tidy CSV output (one row per setting x metric x n x quantity) and a small reader.
//
// Format written: comma-separated, '\n' line endings, a header line first. A cell is quoted
// (RFC 4180: wrapped in '"', inner '"' doubled) only when it contains ',', '"', '\r' or '\n'.
// Doubles are written in the shortest form that reads back to the identical value (fmt's "{}":
// 0.1 -> "0.1", 1e-07, 12345.678), +-infinity as "inf" / "-inf". NaN is never written: a NaN
// cell is an invalid_argument (neuroncert reports undefined values explicitly; write an empty
// cell with std::nullopt or csv_cell{} instead). Integers as decimal, bool as "true"/"false".
//
// The writer is for streaming results, written whole or not at all like every output
// (output_files.hpp): rows go to "<path>.partial", flushed after every row, so an interrupted run
// keeps every finished row there; close() renames the file onto `path` (or, with a transaction,
// stages it for the transaction's commit). Destroyed unclosed (an exception), it removes the
// .partial file.
//
// Errors: data_error naming the path for I/O failures and malformed input files;
// invalid_argument for a header or row that does not fit (wrong cell count, NaN).
// Design: docs/design.md#output-files (output files).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <memory>
#include <vector>

#include "neuroncert/core/output_files.hpp"

namespace neuroncert::io {

/// One CSV cell, formatted on construction. Default-constructed = empty cell.
class csv_cell {
 public:
  csv_cell() = default;
  csv_cell(std::string s) : text_(std::move(s)) {}
  csv_cell(std::string_view s) : text_(s) {}
  csv_cell(const char* s) : text_(s ? s : "") {}
  csv_cell(bool b) : text_(b ? "true" : "false") {}
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
  csv_cell(T v) : text_(format_integer(v)) {}
  csv_cell(double v);  ///< shortest round-trip repr; inf/-inf; NaN -> invalid_argument
  csv_cell(float v) : csv_cell(static_cast<double>(v)) {}
  /// nullopt -> empty cell (an undefined value), otherwise as for the value.
  template <class T>
  csv_cell(const std::optional<T>& v) : csv_cell(v ? csv_cell(*v) : csv_cell()) {}

  /// The cell's text before quoting.
  const std::string& text() const { return text_; }

 private:
  template <class T>
  static std::string format_integer(T v) {
    if constexpr (std::is_signed_v<T>)
      return std::to_string(static_cast<long long>(v));
    else
      return std::to_string(static_cast<unsigned long long>(v));
  }
  std::string text_;
};

/// The text of one field as it appears in the file: quoted when needed (RFC 4180).
std::string csv_quote(std::string_view field);

class csv_writer {
 public:
  /// Creates "<path>.partial" and writes the header line. The header must be non-empty.
  csv_writer(std::filesystem::path path, std::vector<std::string> header, output_transaction* transaction = nullptr);
  ~csv_writer();
  csv_writer(const csv_writer&) = delete;
  csv_writer& operator=(const csv_writer&) = delete;
  csv_writer(csv_writer&& other) noexcept;
  csv_writer& operator=(csv_writer&& other) noexcept;

  /// Writes and flushes one row; it must have exactly as many cells as the header.
  void write_row(const std::vector<csv_cell>& row);
  void write_row(std::initializer_list<csv_cell> row) { write_row(std::vector<csv_cell>(row)); }

  /// Completes the file: flushes, closes and renames it onto path() (or stages it in the
  /// transaction), reporting any failure. Without close() the file is removed.
  void close();

  const std::filesystem::path& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t rows_written() const { return rows_; }

 private:
  void put(const std::string& line);

  std::filesystem::path path_;
  std::vector<std::string> header_;
  std::unique_ptr<atomic_writer> file_;
  std::size_t rows_ = 0;
};

struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // every row has header.size() fields

  /// Index of a column by name; throws invalid_argument naming the known columns.
  std::size_t column(std::string_view name) const;
};

/// Reads a CSV file with a header line (RFC 4180 quoting, '\n' or "\r\n" line endings, a final
/// newline optional). Throws data_error naming the path and line for a missing file, an empty
/// file, an unterminated quote or a row whose field count differs from the header's.
csv_table read_csv(const std::filesystem::path& path);

}  // namespace neuroncert::io
