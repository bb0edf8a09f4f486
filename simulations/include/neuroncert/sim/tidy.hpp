#pragma once
// Tidy simulation output (docs/design.md "Output files"): one row per
// experiment x setting x metric x n x quantity, written as CSV with a header line.
//
// Columns: experiment,setting,metric,n,quantity,value
//   experiment  the `simulate --experiment` name ("exp1", "exp2", "auroc-rate", "validate", ...)
//   setting     the synthetic setting ("setting1", "rho=0.01", "a=0.05,C=1000", ...)
//   metric      a metric name (to_string(metric)), or "" / "reference" for metric-free rows
//   n           probing-set size (integer)
//   quantity    what `value` is (e.g. "abs_error_q95", "undefined_count"); each experiment
//               documents its quantity names in its header (experiments.hpp)
//   value       a double; an empty cell when undefined (never NaN), "inf" for +infinity
// Theory: docs/theory.md sec. 6 (experiments).
// Design: docs/design.md#output-files (output files).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "neuroncert/core/csv.hpp"

namespace neuroncert::sim {

struct tidy_row {
  std::string experiment;
  std::string setting;
  std::string metric;
  std::int64_t n = 0;
  std::string quantity;
  std::optional<double> value;  ///< nullopt = undefined, written as an empty cell
};

/// The header: experiment,setting,metric,n,quantity,value.
const std::vector<std::string>& tidy_header();

/// Streams tidy rows to a CSV file (an io::csv_writer: rows go to "<path>.partial", flushed after
/// every row, and close() renames it into place or stages it in the transaction). Throws
/// data_error naming the path on I/O failure, invalid_argument on NaN.
class tidy_writer {
 public:
  explicit tidy_writer(std::filesystem::path path, io::output_transaction* transaction = nullptr);
  void write(const tidy_row& row);
  void write(const std::vector<tidy_row>& rows);
  void close() { csv_.close(); }
  [[nodiscard]] std::size_t rows_written() const { return csv_.rows_written(); }
  [[nodiscard]] const std::filesystem::path& path() const { return csv_.path(); }

 private:
  io::csv_writer csv_;
};

/// Convenience: writes all rows to `path`, whole or not at all.
void write_tidy_csv(const std::filesystem::path& path, const std::vector<tidy_row>& rows,
                    io::output_transaction* transaction = nullptr);

/// The CSV line of one row without the trailing newline (exactly as tidy_writer writes it);
/// handy for comparing outputs bit for bit in tests.
std::string to_csv_line(const tidy_row& row);

}  // namespace neuroncert::sim
