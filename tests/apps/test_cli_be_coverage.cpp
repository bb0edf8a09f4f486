// `neuroncert be-coverage`: docs/theory.md sec. 5 table values, p from the margin, the pairwise bound, caveat,
// bad inputs.
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include <Eigen/Core>

#include "apps/bounds_cli_run.hpp"
#include "neuroncert/core/npy.hpp"
#include "temp_dir.hpp"

using neuroncert::test::line_count;
using neuroncert::test::run_cli;
using Catch::Matchers::Contains;

TEST_CASE("be-coverage: K = 100, t = 95, p = 0.9 matches the reference row", "[apps][be_coverage]") {
  const auto r = run_cli("be-coverage --K 100 --threshold 95 --p 0.9");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("0.9424231135") && Contains("2.584543838e-90") && Contains("caveat") &&
                        Contains("fresh probing sets"));
}

TEST_CASE("be-coverage: p from n, margin, |C| (accuracy) and threshold fraction", "[apps][be_coverage]") {
  const auto r = run_cli(
      "be-coverage --K 10 --threshold-fraction 0.5 --n 10000 --margin 0.04 --concepts 100 --metric accuracy --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(std::abs(j["p"].get<double>() - 0.0670925) < 5e-8);
  CHECK(j["threshold"] == 5);
  CHECK(j["corrected"].get<double>() <= j["tightened"].get<double>());
  CHECK(j.contains("caveat"));
}

TEST_CASE("be-coverage: K = 10, t = 5, p = 0.3 reference row in JSON", "[apps][be_coverage]") {
  const auto j = nlohmann::json::parse(run_cli("be-coverage --K 10 --threshold 5 --p 0.3 --json").out);
  CHECK(std::abs(j["corrected"].get<double>() - 0.8497316674) < 5e-11);
  CHECK(std::abs(j["paper_eq9_at_kS_eq_t"].get<double>() - 0.8497316674) < 5e-11);
}

TEST_CASE("be-coverage: --disagreement adds the pairwise bound beside the corrected one", "[apps][be_coverage]") {
  const auto r = run_cli(
      "be-coverage --K 100 --threshold 95 --n 1000 --margin 0.04 --concepts 10 --metric accuracy --disagreement 0.344 "
      "--json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["corrected"].get<double>() == 0.0);  // Hoeffding: p = 20 exp(-0.8) > 1
  const auto& pw = j["pairwise"];
  CHECK(pw["disagreement"].get<double>() == 0.344);
  CHECK(pw["p"].get<double>() < 0.5);
  CHECK(pw["p"].get<double>() == Approx(9 * pw["per_runner_up"]["uniform"].get<double>()));
  CHECK(pw["corrected"].get<double>() > 0.999);
  CHECK(pw["per_runner_up"]["exact"].get<double>() <= pw["per_runner_up"]["chernoff"].get<double>());
  const auto text = run_cli(
      "be-coverage --K 100 --threshold 95 --n 1000 --margin 0.04 --concepts 10 --metric accuracy --disagreement 0.344");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("pairwise corrected") && Contains("pairwise: p' =") && Contains("caveat"));
}

TEST_CASE("be-coverage: bad inputs give one line on stderr and exit 2", "[apps][be_coverage]") {
  const char* bad[] = {
      "be-coverage --K 100 --p 0.5",
      "be-coverage --K 100 --threshold 101 --p 0.5",
      "be-coverage --K 100 --threshold 95 --p 1.5",
      "be-coverage --K 100 --threshold 95 --n 100 --margin 0.1",
      "be-coverage --threshold 95 --p 0.1",
      "be-coverage --K 100 --threshold 95 --n 100 --margin 0.1 --concepts 5 --metric mad",
      "be-coverage --K 100 --threshold 95 --n 100 --margin -0.1 --concepts 5 --metric accuracy",
      "be-coverage --K 100 --threshold 95 --p 0.1 --n 100",
      "be-coverage --K 100 --threshold 95 --p 0.1 --disagreement 0.3",
      "be-coverage --K 100 --threshold 95 --n 100 --margin 0.1 --concepts 5 --metric auroc --rho 0.3 --disagreement 0.3",
      "be-coverage --K 100 --threshold 95 --n 100 --margin 0.1 --concepts 5 --metric accuracy --disagreement 0.05",
      "be-coverage --K 100 --threshold 95 --n 100 --margin 0.1 --concepts 5 --metric accuracy --disagreement 1.5",
      "be-coverage --K 100 --threshold 95 --n 100.5 --margin 0.1 --concepts 5 --metric accuracy --disagreement 0.3",
      "be-coverage --K 100 --threshold 95 --n 100 --margin 0.1 --concepts 1 --metric accuracy --disagreement 0.3",
  };
  for (const char* args : bad) {
    const auto r = run_cli(args);
    INFO(args << "\n" << r.out);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.out) == 1);
  }
}

TEST_CASE("be-coverage: a pilot neuron and concepts instead of --margin, --concepts, --disagreement",
          "[apps][be_coverage]") {
  // 400 pilot samples; concept 0 = the neuron except 20 rows, concept j >= 1 = concept 0 except 8 j more rows
  // where it then disagrees with the neuron: margin 0.02 j, disagreement 0.02 j.
  neuroncert::test::per_test_dir tmp;
  Eigen::MatrixXd f(400, 1), c(400, 4);
  for (Eigen::Index i = 0; i < 400; ++i) f(i, 0) = i % 3 == 0 ? 1 : 0;
  for (Eigen::Index j = 0; j < 4; ++j) c.col(j) = f.col(0);
  for (Eigen::Index i = 0; i < 20; ++i) c(i, 0) = 1 - c(i, 0);
  for (Eigen::Index j = 1; j < 4; ++j) {
    c.col(j) = c.col(0);
    for (Eigen::Index i = 100; i < 100 + 8 * j; ++i) c(i, j) = 1 - c(i, j);
  }
  neuroncert::io::write_npy(tmp / "f.npy", f);
  neuroncert::io::write_npy(tmp / "c.npy", c);
  const std::string pilot =
      "--pilot-neuron '" + (tmp / "f.npy").string() + "' --pilot-concepts '" + (tmp / "c.npy").string() + "'";
  const auto r = run_cli("be-coverage --K 100 --threshold 95 --n 1000 --metric accuracy --json " + pilot);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["pilot"]["best"] == 0);
  CHECK(j["pilot"]["closest_runner_up"] == 1);
  CHECK(j["pilot"]["min_margin"].get<double>() == Approx(0.02));
  CHECK(j["pilot"]["max_disagreement"].get<double>() == Approx(0.06));
  CHECK(j["pairwise"]["p"].get<double>() < j["p"].get<double>());
  const auto text = run_cli("be-coverage --K 100 --threshold 95 --n 1000 --metric accuracy " + pilot);
  CHECK_THAT(text.out, Contains("pilot: 400 samples, 4 concepts; c* = concept 0") && Contains("pairwise corrected"));
  for (const std::string bad : {" --margin 0.1", " --concepts 4", " --disagreement 0.1", " --p 0.1"}) {
    const auto b = run_cli("be-coverage --K 100 --threshold 95 --n 1000 --metric accuracy " + pilot + bad);
    INFO(bad << "\n" << b.out);
    CHECK(b.exit_code == 2);
    CHECK(line_count(b.out) == 1);
  }
  const auto one = run_cli("be-coverage --K 100 --threshold 95 --n 1000 --metric accuracy --pilot-neuron '" +
                           (tmp / "f.npy").string() + "'");
  CHECK(one.exit_code == 2);
  CHECK_THAT(one.out, Contains("give both --pilot-neuron and --pilot-concepts"));
}
