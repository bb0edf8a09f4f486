#include <catch2/catch.hpp>

#include <fstream>

#include "cli_runner.hpp"
#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "lib/test_data.hpp"

using namespace neuroncert;

namespace {
struct fixture {
  std::filesystem::path dir;
  test::random_probe probe;
};

fixture make_fixture(const std::string& name) {
  fixture f{test::scratch_dir(name), test::make_random_probe(400, 6, 9, 123u)};
  io::write_npy(f.dir / "A.npy", Eigen::MatrixXf(f.probe.activations.cast<float>()));
  Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> y =
      f.probe.concepts.cast<std::uint8_t>();
  io::write_npy(f.dir / "Y.npy", y.data(), {static_cast<std::size_t>(y.rows()), static_cast<std::size_t>(y.cols())});
  return f;
}
}  // namespace

TEST_CASE("identify writes the library's certified identification to CSV and JSON", "[cli][identify]") {
  const auto f = make_fixture("identify_ok");
  const auto r = test::run_cli("identify --activations A.npy --concepts Y.npy --metric iou --delta 0.1 --out res", f.dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("identified 6/6 neurons") != std::string::npos);
  // Same computation in-process: float32 activations as the file stores them.
  const auto set = make_probing_set(f.probe.activations.cast<float>().cast<double>(), f.probe.concepts);
  const auto expected = bounds::certify_identifications(set, metric::iou, {}, 0.1);
  const auto table = io::read_csv(f.dir / "res.csv");
  REQUIRE(table.rows.size() == 6);
  const auto concept_col = table.column("concept"), estimate_col = table.column("estimate"),
             gap_col = table.column("gap_to_best");
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(std::stol(table.rows[i][concept_col]) == expected[i].concept_index);
    CHECK(std::stod(table.rows[i][estimate_col]) == expected[i].estimate);
    CHECK(std::stod(table.rows[i][gap_col]) == expected[i].gap);
  }
  const auto json = io::read_json(f.dir / "res.json");
  CHECK(json["metadata"]["command_line"].get<std::string>().find("--metric iou") != std::string::npos);
  CHECK(json["metadata"].contains("version"));
  CHECK(json["delta_per_concept"].get<double>() == Approx(0.1 / 9));
  CHECK(json["neurons"].size() == 6);
}

TEST_CASE("identify: results do not depend on the thread count", "[cli][identify][threads]") {
  const auto f = make_fixture("identify_threads");
  REQUIRE(test::run_cli("identify --activations A.npy --concepts Y.npy --metric auroc --threads 1 --out t1", f.dir)
              .exit_code == 0);
  REQUIRE(test::run_cli("identify --activations A.npy --concepts Y.npy --metric auroc --threads 2 --out t2", f.dir)
              .exit_code == 0);
  CHECK(test::slurp(f.dir / "t1.csv") == test::slurp(f.dir / "t2.csv"));
}

TEST_CASE("identify: each bad input gives one line on stderr and the right exit code", "[cli][identify][errors]") {
  const auto f = make_fixture("identify_bad");
  const auto& p = f.probe;
  // Mismatched rows, NaN activations, an all-zero concept column, truncated and corrupt files.
  io::write_npy(f.dir / "Y_short.npy", Eigen::MatrixXd(p.concepts.topRows(399)));
  Eigen::MatrixXd nan = p.activations;
  nan(7, 3) = std::numeric_limits<double>::quiet_NaN();
  io::write_npy(f.dir / "A_nan.npy", nan);
  Eigen::MatrixXd zero = p.concepts;
  zero.col(4).setZero();
  io::write_npy(f.dir / "Y_zero.npy", zero);
  const std::string a = test::slurp(f.dir / "A.npy");
  std::ofstream(f.dir / "A_trunc.npy", std::ios::binary) << a.substr(0, a.size() / 2);
  std::ofstream(f.dir / "A_corrupt.npy", std::ios::binary) << "not a numpy file at all";

  struct bad_case {
    std::string args, message;
    int code;
  };
  const std::string base = "identify --metric iou --activations ";
  const bad_case cases[] = {
      {base + "A.npy --concepts Y_short.npy", "400 rows but concepts have 399", 1},
      {base + "A_nan.npy --concepts Y.npy", "row 7, neuron 3", 1},
      {base + "A.npy --concepts Y_zero.npy", "concept 4 is zero in every sample", 1},
      {base + "A_trunc.npy --concepts Y.npy", "truncated", 1},
      {base + "A_corrupt.npy --concepts Y.npy", "not a .npy file", 1},
      {base + "A.npy --concepts Y.npy --delta 0", "--delta", 2},
      {base + "A.npy --concepts Y.npy --delta 1.2", "--delta", 2},
      {base + "A.npy --concepts Y.npy --alpha 1", "--alpha", 2},
      {"identify --metric bogus --activations A.npy --concepts Y.npy", "unknown metric 'bogus'", 2},
      {"identify --activations A.npy --concepts Y.npy", "--metric is required", 2},
      {base + "missing.npy --concepts Y.npy", "missing.npy", 2},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = test::run_cli(c.args, f.dir);
    CHECK(r.exit_code == c.code);
    CHECK(test::is_one_line(r.err));
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.find("terminate") == std::string::npos);
  }
}
