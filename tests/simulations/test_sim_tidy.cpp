// Tidy rows: header, empty cells for undefined values, infinities.
#include <catch2/catch.hpp>

#include <filesystem>
#include <limits>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/sim/tidy.hpp"

using namespace neuroncert;

TEST_CASE("tidy CSV: header, undefined as empty cell, inf, quoting", "[sim][tidy]") {
  const auto path = std::filesystem::temp_directory_path() / "neuroncert_test_tidy.csv";
  sim::write_tidy_csv(path, {{"exp1", "setting1", "accuracy", 100, "abs_error_q95", 0.25},
                             {"exp1", "setting2", "recall", 100, "abs_error_q95", std::nullopt},
                             {"exp2", "a=0.05;C=1000", "reference", 1000, "x", std::numeric_limits<double>::infinity()},
                             {"e", "with,comma", "m", 1, "q", 1.0}});
  const io::csv_table t = io::read_csv(path);
  CHECK(t.header == sim::tidy_header());
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0][5] == "0.25");
  CHECK(t.rows[1][5] == "");
  CHECK(t.rows[2][5] == "inf");
  CHECK(t.rows[3][1] == "with,comma");
  CHECK(sim::to_csv_line({"e", "with,comma", "m", 1, "q", 1.0}) == "e,\"with,comma\",m,1,q,1");
  std::filesystem::remove(path);
}
