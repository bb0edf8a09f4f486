// Tidy CSV writer and reader: quoting, number formatting, streaming, errors.
#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"

namespace fs = std::filesystem;
using namespace neuroncert;
using namespace neuroncert::io;

namespace {

using csv_temp_dir = neuroncert::test::per_test_dir;

using neuroncert::test::slurp;

void spit(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

using neuroncert::test::error_of;

}  // namespace

TEST_CASE("csv: cells format numbers in shortest round-trip form", "[csv]") {
  CHECK(csv_cell(0.1).text() == "0.1");
  CHECK(csv_cell(1.0).text() == "1");
  CHECK(csv_cell(-2.5e-300).text() == "-2.5e-300");
  CHECK(csv_cell(1.0 / 3.0).text() == "0.3333333333333333");
  CHECK(csv_cell(std::numeric_limits<double>::infinity()).text() == "inf");
  CHECK(csv_cell(-std::numeric_limits<double>::infinity()).text() == "-inf");
  CHECK(csv_cell(42).text() == "42");
  CHECK(csv_cell(std::int64_t{-9007199254740993}).text() == "-9007199254740993");
  CHECK(csv_cell(std::size_t{18446744073709551615u}).text() == "18446744073709551615");
  CHECK(csv_cell(true).text() == "true");
  CHECK(csv_cell("abc").text() == "abc");
  CHECK(csv_cell(std::string("x")).text() == "x");
  CHECK(csv_cell().text().empty());
  CHECK(csv_cell(std::optional<double>{}).text().empty());
  CHECK(csv_cell(std::optional<double>{0.25}).text() == "0.25");
  CHECK_THROWS_AS(csv_cell(std::nan("")), neuroncert::invalid_argument);

  // Every double reads back exactly.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    const double x = u(rng) * std::pow(10.0, static_cast<int>(rng() % 40) - 20);
    CHECK(std::strtod(csv_cell(x).text().c_str(), nullptr) == x);
  }
}

TEST_CASE("csv: RFC 4180 quoting only where needed", "[csv]") {
  CHECK(csv_quote("plain") == "plain");
  CHECK(csv_quote("") == "");
  CHECK(csv_quote("a,b") == "\"a,b\"");
  CHECK(csv_quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_quote("two\nlines") == "\"two\nlines\"");
  CHECK(csv_quote("cr\r") == "\"cr\r\"");
  CHECK(csv_quote(" spaced ") == " spaced ");
}

TEST_CASE("csv: writer output and round trip through read_csv", "[csv]") {
  csv_temp_dir t;
  const fs::path p = t / "results.csv";
  {
    csv_writer w(p, {"setting", "metric", "n", "value"});
    w.write_row({"a,b", "iou", 100, 0.1});
    w.write_row({"say \"hi\"", "auroc", std::size_t{2000}, -1.5e-10});
    w.write_row({"multi\nline", "f1", -3, std::numeric_limits<double>::infinity()});
    w.write_row({"", csv_cell(), 0, std::optional<double>{}});
    CHECK(w.rows_written() == 4);
    w.close();
  }
  CHECK(slurp(p) ==
        "setting,metric,n,value\n"
        "\"a,b\",iou,100,0.1\n"
        "\"say \"\"hi\"\"\",auroc,2000,-1.5e-10\n"
        "\"multi\nline\",f1,-3,inf\n"
        ",,0,\n");
  const csv_table tab = read_csv(p);
  CHECK(tab.header == std::vector<std::string>{"setting", "metric", "n", "value"});
  REQUIRE(tab.rows.size() == 4);
  CHECK(tab.rows[0] == std::vector<std::string>{"a,b", "iou", "100", "0.1"});
  CHECK(tab.rows[1] == std::vector<std::string>{"say \"hi\"", "auroc", "2000", "-1.5e-10"});
  CHECK(tab.rows[2] == std::vector<std::string>{"multi\nline", "f1", "-3", "inf"});
  CHECK(tab.rows[3] == std::vector<std::string>{"", "", "0", ""});
  CHECK(tab.column("n") == 2);
  CHECK_THROWS_AS(tab.column("nope"), neuroncert::invalid_argument);
}

TEST_CASE("csv: each row is flushed as it is written, under the .partial name until close", "[csv]") {
  csv_temp_dir t;
  const fs::path p = t / "stream.csv";
  const fs::path partial = neuroncert::io::partial_path(p);
  CHECK(partial == t / "stream.csv.partial");
  {
    csv_writer w(p, {"i", "x"});
    CHECK(slurp(partial) == "i,x\n");
    w.write_row({1, 0.5});
    CHECK(slurp(partial) == "i,x\n1,0.5\n");  // visible before close, as a partial file
    CHECK(!fs::exists(p));
    w.write_row({2, 0.25});
    w.close();
  }
  CHECK(!fs::exists(partial));
  CHECK(read_csv(p).rows.size() == 2);

  // Not closed (an exception in the run): no file under either name, an earlier file untouched.
  {
    csv_writer w(p, {"i"});
    w.write_row({7});
  }
  CHECK(!fs::exists(partial));
  CHECK(read_csv(p).rows.size() == 2);
}

TEST_CASE("csv: writer rejects bad rows and unwritable paths", "[csv][error]") {
  csv_temp_dir t;
  const fs::path p = t / "a.csv";
  csv_writer w(p, {"a", "b"});
  const std::string msg = error_of<neuroncert::invalid_argument>([&] { w.write_row({1}); });
  CHECK(msg == p.string() + ": row 1 has 1 cells but the header has 2 columns");
  CHECK_THROWS_AS(csv_writer(t / "b.csv", {}), neuroncert::invalid_argument);

  const fs::path bad = t / "missing_dir" / "x.csv";
  const std::string io = error_of<data_error>([&] { csv_writer(bad, {"a"}); });
  CHECK(io == bad.string() + ": cannot write: No such file or directory");

}

TEST_CASE("csv: a full disk (file size limit) leaves no file behind", "[csv][error]") {
  csv_temp_dir t;
  const fs::path p = t / "big.csv";
  const std::string msg = error_of<data_error>([&] {
    const neuroncert::test::file_size_limit limit(4096);
    csv_writer w(p, {"i", "x"});
    for (int i = 0; i < 10000; ++i) w.write_row({i, 0.125});
    w.close();
  });
  CHECK(msg == p.string() + ": cannot write: File too large");
  CHECK(!fs::exists(p));
  CHECK(!fs::exists(neuroncert::io::partial_path(p)));
}

TEST_CASE("csv: reader handles CRLF, missing final newline and rejects malformed files", "[csv][error]") {
  csv_temp_dir t;
  spit(t / "crlf.csv", "a,b\r\n1,\"x\r\ny\"\r\n2,3");
  const csv_table c = read_csv(t / "crlf.csv");
  REQUIRE(c.rows.size() == 2);
  CHECK(c.rows[0] == std::vector<std::string>{"1", "x\r\ny"});
  CHECK(c.rows[1] == std::vector<std::string>{"2", "3"});

  spit(t / "header_only.csv", "a,b\n");
  CHECK(read_csv(t / "header_only.csv").rows.empty());

  const auto check_error = [&](const std::string& name, const std::string& content, const std::string& needle) {
    spit(t / name, content);
    const std::string msg = error_of<data_error>([&] { (void)read_csv(t / name); });
    INFO(msg);
    CHECK(msg.rfind((t / name).string() + ": ", 0) == 0);
    CHECK_THAT(msg, Catch::Matchers::Contains(needle));
    CHECK(msg.find('\n') == std::string::npos);
  };
  check_error("ragged.csv", "a,b\n1,2\n3\n", "line 3: 1 fields but the header has 2 columns");
  check_error("quote.csv", "a,b\n1,\"open\n", "line 2: unterminated quoted field");
  check_error("stray.csv", "a,b\n1,x\"y\n", "line 2: stray '\"'");
  check_error("after.csv", "a,b\n1,\"x\"y\n", "line 2: unexpected character after a closing quote");
  check_error("empty.csv", "", "empty file");
  const std::string missing = error_of<data_error>([&] { (void)read_csv(t / "nope.csv"); });
  CHECK(missing == (t / "nope.csv").string() + ": cannot open: No such file or directory");
}
