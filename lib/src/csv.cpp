#include "neuroncert/core/csv.hpp"

#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::io {

namespace fs = std::filesystem;

namespace {

std::string sys_reason(int err) { return std::system_category().message(err); }

[[noreturn]] void io_fail(const fs::path& path, std::string_view what, int err) {
  throw data_error(fmt::format("{}: {}: {}", path.string(), what, sys_reason(err)));
}

}  // namespace

csv_cell::csv_cell(double v) {
  if (std::isnan(v)) throw invalid_argument("csv: refusing to write NaN (write an empty cell for an undefined value)");
  if (std::isinf(v))
    text_ = v > 0 ? "inf" : "-inf";
  else
    text_ = fmt::format("{}", v);
}

std::string csv_quote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// ---------------------------------------------------------------------------------------------

csv_writer::csv_writer(fs::path path, std::vector<std::string> header, output_transaction* transaction)
    : path_(std::move(path)), header_(std::move(header)) {
  if (header_.empty()) throw invalid_argument(fmt::format("{}: the CSV header must have at least one column", path_.string()));
  file_ = std::make_unique<atomic_writer>(path_, transaction);
  std::string line;
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (i) line += ',';
    line += csv_quote(header_[i]);
  }
  put(line);
}

csv_writer::~csv_writer() = default;
csv_writer::csv_writer(csv_writer&& other) noexcept = default;
csv_writer& csv_writer::operator=(csv_writer&& other) noexcept = default;

void csv_writer::put(const std::string& line) {
  if (!file_) throw data_error(fmt::format("{}: cannot write: the CSV file is closed", path_.string()));
  file_->write(line);
  file_->write("\n");
  file_->flush();
}

void csv_writer::write_row(const std::vector<csv_cell>& row) {
  if (row.size() != header_.size())
    throw invalid_argument(fmt::format("{}: row {} has {} cells but the header has {} columns", path_.string(),
                                       rows_ + 1, row.size(), header_.size()));
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) line += ',';
    line += csv_quote(row[i].text());
  }
  put(line);
  ++rows_;
}

void csv_writer::close() {
  if (!file_) return;
  const auto file = std::move(file_);
  file->commit();
}

// ---------------------------------------------------------------------------------------------

std::size_t csv_table::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw invalid_argument(fmt::format("no CSV column '{}' (columns: {})", name, fmt::join(header, ", ")));
}

csv_table read_csv(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw data_error(fmt::format("{}: cannot open: is a directory", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) io_fail(path, "cannot open", errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) io_fail(path, "read error", errno);
  const std::string text = std::move(ss).str();
  if (text.empty()) throw data_error(fmt::format("{}: empty file, expected a CSV header line", path.string()));

  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  std::size_t line = 1, record_line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    records.push_back(std::move(record));
    record.clear();
  };
  std::vector<std::size_t> record_lines;
  while (i < n) {
    // One field.
    if (text[i] == '"') {
      const std::size_t quote_line = line;
      ++i;
      for (;;) {
        if (i >= n)
          throw data_error(fmt::format("{}: line {}: unterminated quoted field", path.string(), quote_line));
        const char c = text[i++];
        if (c == '"') {
          if (i < n && text[i] == '"') {
            field += '"';
            ++i;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      }
      if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        throw data_error(fmt::format("{}: line {}: unexpected character after a closing quote", path.string(), line));
    } else {
      while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        if (text[i] == '"')
          throw data_error(fmt::format("{}: line {}: stray '\"' inside an unquoted field", path.string(), line));
        field += text[i++];
      }
    }
    // Separator.
    if (i >= n) {
      record_lines.push_back(record_line);
      end_record();
      break;
    }
    if (text[i] == ',') {
      record.push_back(std::move(field));
      field.clear();
      ++i;
      continue;
    }
    if (text[i] == '\r') {
      if (i + 1 < n && text[i + 1] == '\n')
        ++i;
      else
        throw data_error(fmt::format("{}: line {}: bare carriage return", path.string(), line));
    }
    ++i;  // '\n'
    record_lines.push_back(record_line);
    end_record();
    record_line = ++line;
  }

  csv_table t;
  t.header = std::move(records.front());
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != t.header.size())
      throw data_error(fmt::format("{}: line {}: {} fields but the header has {} columns", path.string(),
                                   record_lines[r], records[r].size(), t.header.size()));
    t.rows.push_back(std::move(records[r]));
  }
  return t;
}

}  // namespace neuroncert::io
