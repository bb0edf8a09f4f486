#pragma once
// Small output helpers shared by the plan / bound / be-coverage subcommands: aligned text tables and
// number formatting that never prints NaN (+infinity prints as "inf").
#include <string>
#include <vector>

namespace neuroncert::cli {

/// A text table: a header row and data rows of the same width, printed with aligned columns.
struct text_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

/// Prints the table to stdout, columns padded to their widest cell, two spaces apart.
void print_table(const text_table& table);

/// x with `digits` significant digits ("inf" for +infinity).
std::string format_number(double x, int digits = 6);

}  // namespace neuroncert::cli
