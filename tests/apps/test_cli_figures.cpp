#include <catch2/catch.hpp>

#include <filesystem>

#include "cli_runner.hpp"
#include "neuroncert/core/json_io.hpp"

using namespace neuroncert;
namespace fs = std::filesystem;

TEST_CASE("figures --quick draws PNG and SVG from the tidy CSV and writes an index", "[cli][figures]") {
  const auto dir = test::scratch_dir("figures_quick");
  const auto r = test::run_cli("figures --quick --only exp1 --only auroc-rate --out figs", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("3 figures") != std::string::npos);
  for (const char* stem : {"fig2a_exp1_setting1", "fig2b_exp1_setting2", "fig3a_auroc_rate"}) {
    INFO(stem);
    // A real PNG starts with its 8-byte signature; gnuplot's SVG with an XML declaration.
    const std::string png = test::slurp(dir / "figs" / (std::string(stem) + ".png"));
    REQUIRE(png.size() > 1000);
    CHECK(png.substr(1, 3) == "PNG");
    CHECK(test::slurp(dir / "figs" / (std::string(stem) + ".svg")).find("<svg") != std::string::npos);
  }
  CHECK(fs::exists(dir / "figs" / "data" / "exp1.csv"));
  CHECK(fs::exists(dir / "figs" / "data" / "exp1.json"));
  const auto index = io::read_json(dir / "figs" / "figures.json");
  CHECK(index["figures"].size() == 3);
  CHECK(index["metadata"]["seed"].get<std::uint64_t>() == 20251218u);
  CHECK(r.err.find("[2/2]") != std::string::npos);  // progress lines on stderr
}

TEST_CASE("figures: bad options give one line and a non-zero exit", "[cli][figures][errors]") {
  const auto dir = test::scratch_dir("figures_bad");
  const auto unknown = test::run_cli("figures --only nope --out figs", dir);
  CHECK(unknown.exit_code == 2);
  CHECK(test::is_one_line(unknown.err));
  CHECK(unknown.err.find("unknown job 'nope'") != std::string::npos);
  const auto plots = test::run_cli("figures --only exp1 --plots-dir /nonexistent --out figs", dir);
  CHECK(plots.exit_code == 1);
  CHECK(test::is_one_line(plots.err));
  CHECK(plots.err.find("--plots-dir") != std::string::npos);
}
