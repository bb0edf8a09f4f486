#include "neuroncert/sim/tidy.hpp"

namespace neuroncert::sim {
namespace {
std::vector<io::csv_cell> cells(const tidy_row& r) {
  return {io::csv_cell(r.experiment), io::csv_cell(r.setting), io::csv_cell(r.metric), io::csv_cell(r.n),
          io::csv_cell(r.quantity),   io::csv_cell(r.value)};
}
}  // namespace

const std::vector<std::string>& tidy_header() {
  static const std::vector<std::string> h = {"experiment", "setting", "metric", "n", "quantity", "value"};
  return h;
}

tidy_writer::tidy_writer(std::filesystem::path path, io::output_transaction* transaction)
    : csv_(std::move(path), tidy_header(), transaction) {}

void tidy_writer::write(const tidy_row& row) { csv_.write_row(cells(row)); }

void tidy_writer::write(const std::vector<tidy_row>& rows) {
  for (const tidy_row& r : rows) write(r);
}

void write_tidy_csv(const std::filesystem::path& path, const std::vector<tidy_row>& rows,
                    io::output_transaction* transaction) {
  tidy_writer w(path, transaction);
  w.write(rows);
  w.close();
}

std::string to_csv_line(const tidy_row& row) {
  std::string line;
  bool first = true;
  for (const io::csv_cell& c : cells(row)) {
    if (!first) line += ',';
    first = false;
    line += io::csv_quote(c.text());
  }
  return line;
}

}  // namespace neuroncert::sim
