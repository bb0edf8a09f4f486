#include <catch2/catch.hpp>

#include <fstream>

#include "cli_runner.hpp"
#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "lib/test_data.hpp"

using namespace neuroncert;

namespace {
struct fixture {
  test::scratch_path dir;
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

TEST_CASE("identify --bootstrap: frequencies, BE sets and the Theorem 4.1 plug-in bound", "[cli][identify][bootstrap]") {
  const auto f = make_fixture("identify_boot");
  const auto r = test::run_cli(
      "identify --activations A.npy --concepts Y.npy --metric auroc --bootstrap 20 --seed 5 --out b", f.dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("bootstrap K = 20, t = 19") != std::string::npos);
  CHECK(r.err.empty());  // no progress bar when stderr is not a terminal
  const auto set = make_probing_set(f.probe.activations.cast<float>().cast<double>(), f.probe.concepts);
  bootstrap_request q;
  q.which = metric::auroc;
  q.resamples = 20;
  q.seed = 5;
  const auto e = bootstrap_ensemble(set, q);
  // Long format: every (neuron, concept) with a positive count, frequencies count / K.
  const auto freq = io::read_csv(f.dir / "b_bootstrap.csv");
  const auto nc = freq.column("neuron"), cc = freq.column("concept"), kc = freq.column("count"),
             fc = freq.column("frequency");
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> read =
      Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(6, 9);
  for (const auto& row : freq.rows) {
    read(std::stol(row[nc]), std::stol(row[cc])) = std::stol(row[kc]);
    CHECK(std::stod(row[fc]) == Approx(std::stod(row[kc]) / 20.0));
  }
  CHECK(read == e.counts);
  for (Eigen::Index n = 0; n < 6; ++n) CHECK(read.row(n).sum() + e.unidentified(n) == 20);
  const auto sets = io::read_csv(f.dir / "b_be_sets.csv");
  REQUIRE(sets.rows.size() == 6);
  const auto sc = sets.column("be_set"), tc = sets.column("top1_frequency"), bc = sets.column("bound_corrected");
  for (std::size_t n = 0; n < 6; ++n) {
    std::vector<std::int64_t> counts(9);
    for (Eigen::Index c = 0; c < 9; ++c) counts[static_cast<std::size_t>(c)] = e.counts(static_cast<Eigen::Index>(n), c);
    std::string expected;
    for (auto c : be_prediction_set(counts, 19).concepts) {
      if (!expected.empty()) expected += ';';
      expected += std::to_string(c);
    }
    CHECK(sets.rows[n][sc] == expected);
    CHECK(std::stod(sets.rows[n][tc]) == Approx(summarize_stability(counts, 20).top1_frequency));
  }
  const auto json = io::read_json(f.dir / "b.json");
  const auto& b = json["bootstrap"];
  CHECK(b["resamples"] == 20);
  CHECK(b["seed"] == 5);
  CHECK(b["threshold"] == 19);
  CHECK(b["theorem_4_1"]["caveat"].get<std::string>().find("heuristic") != std::string::npos);
  CHECK(b["theorem_4_1"]["assumptions"].size() == 3);
  // AUROC has a closed-form rate: a bound (a probability) or null with a reason, and the CSV agrees.
  for (std::size_t n = 0; n < 6; ++n) {
    const auto& t = json["neurons"][n]["bootstrap"]["theorem_4_1"];
    if (t["bound"].is_null()) {
      CHECK(t.contains("reason"));
      CHECK(sets.rows[n][bc].empty());
    } else {
      CHECK(t["bound"].get<double>() >= 0.0);
      CHECK(t["bound"].get<double>() <= 1.0);
      CHECK(std::stod(sets.rows[n][bc]) == Approx(t["bound"].get<double>()));
    }
  }
}

TEST_CASE("identify --bootstrap: continuous metrics report no bound, with the reason", "[cli][identify][bootstrap]") {
  const auto f = make_fixture("identify_boot_corr");
  const auto r = test::run_cli(
      "identify --activations A.npy --concepts Y.npy --metric correlation --bootstrap 5 --threshold 4 --out c", f.dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto json = io::read_json(f.dir / "c.json");
  CHECK(json["bootstrap"]["threshold"] == 4);
  CHECK(json["bootstrap"]["threshold_fraction"].is_null());
  const auto& t = json["neurons"][0]["bootstrap"]["theorem_4_1"];
  CHECK(t["bound"].is_null());
  CHECK(t["reason"].get<std::string>().find("no closed-form rate") != std::string::npos);
}

TEST_CASE("identify --bootstrap: outputs do not depend on the thread count", "[cli][identify][bootstrap][threads]") {
  const auto f = make_fixture("identify_boot_threads");
  const std::string base = "identify --activations A.npy --concepts Y.npy --metric iou --bootstrap 30 --seed 9 ";
  REQUIRE(test::run_cli(base + "--threads 1 --out t1", f.dir).exit_code == 0);
  REQUIRE(test::run_cli(base + "--threads 2 --out t2", f.dir).exit_code == 0);
  CHECK(test::slurp(f.dir / "t1_bootstrap.csv") == test::slurp(f.dir / "t2_bootstrap.csv"));
  CHECK(test::slurp(f.dir / "t1_be_sets.csv") == test::slurp(f.dir / "t2_be_sets.csv"));
  CHECK(test::slurp(f.dir / "t1_be_sets.csv").size() > 100);
}

TEST_CASE("identify --bootstrap: each bad option gives one line and exit 2", "[cli][identify][bootstrap][errors]") {
  const auto f = make_fixture("identify_boot_bad");
  const std::string base = "identify --activations A.npy --concepts Y.npy --metric iou ";
  const std::pair<std::string, std::string> cases[] = {
      {"--bootstrap 0", "--bootstrap K must be at least 1, got 0"},
      {"--bootstrap -4", "--bootstrap K must be at least 1, got -4"},
      {"--bootstrap 20 --threshold 0", "--threshold must be in (0, K] = (0, 20], got 0"},
      {"--bootstrap 20 --threshold 21", "--threshold must be in (0, K] = (0, 20], got 21"},
      {"--bootstrap 20 --threshold-fraction 0", "--threshold-fraction must be in (0, 1], got 0"},
      {"--bootstrap 20 --threshold-fraction 1.5", "--threshold-fraction must be in (0, 1], got 1.5"},
      {"--bootstrap 20 --seed abc", "--seed must be an unsigned 64-bit integer, got 'abc'"},
      {"--bootstrap 20 --seed 1.5", "--seed must be an unsigned 64-bit integer, got '1.5'"},
      {"--bootstrap 20 --seed=-1", "--seed must be an unsigned 64-bit integer, got '-1'"},
      {"--bootstrap 20 --seed 18446744073709551616", "--seed must be an unsigned 64-bit integer"},
      {"--bootstrap ten", "--bootstrap"},
      {"--bootstrap 20 --threshold 5 --threshold-fraction 0.5", "excludes"},
      {"--threshold 5", "need --bootstrap K"},
  };
  for (const auto& [args, message] : cases) {
    INFO(args);
    const auto r = test::run_cli(base + args + " --out bad", f.dir);
    CHECK(r.exit_code == 2);
    CHECK(test::is_one_line(r.err));
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(f.dir / "bad_bootstrap.csv"));
  }
}
