#include "table_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/core.h>

namespace neuroncert::cli {

void print_table(const text_table& table) {
  std::vector<std::size_t> width(table.header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  };
  widen(table.header);
  for (const auto& row : table.rows) widen(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      if (i) line += "  ";
      line += fmt::format("{:<{}}", row[i], width[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  print_row(table.header);
  for (const auto& row : table.rows) print_row(row);
}

std::string format_number(double x, int digits) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{:.{}g}", x, digits);
}

}  // namespace neuroncert::cli
