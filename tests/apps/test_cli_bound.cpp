// `neuroncert bound`: rate, uniform gap and Clopper-Pearson from counts; one-line errors with exit 2.
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "apps/bounds_cli_run.hpp"

using neuroncert::test::line_count;
using neuroncert::test::run_cli;
using Catch::Matchers::Contains;

TEST_CASE("bound: accuracy rate and uniform gap match the docs/theory.md table", "[apps][bound]") {
  const auto r = run_cli("bound --metric accuracy --n 1000 --concepts 1000 --delta 0.05 --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(std::abs(j["rate"].get<double>() - 0.072790) < 5e-7);
  CHECK(j["uniform_gap"].get<double>() == Approx(2 * j["rate"].get<double>()));
  const auto text = run_cli("bound --metric accuracy --n 1000 --concepts 1000 --delta 0.05");
  CHECK_THAT(text.out, Contains("0.0727895") && Contains("uniform gap"));
}

TEST_CASE("bound with counts: estimate and Clopper-Pearson at delta/|C|", "[apps][bound]") {
  // Recall from f01 = 0, f11 = 10 (k = m = 10), |C| = 2, delta = 0.1: level 0.05 => lower = 0.025^(1/10).
  const auto r = run_cli("bound --metric recall --concepts 2 --delta 0.1 --counts 50,0,5,10 --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["estimate"].get<double>() == 1.0);
  CHECK(j["effective_n"].get<double>() == 10.0);
  CHECK(j["clopper_pearson"]["upper"].get<double>() == 1.0);
  CHECK(j["clopper_pearson"]["lower"].get<double>() == Approx(std::pow(0.025, 0.1)).epsilon(1e-9));
  CHECK(j["clopper_pearson"]["trials"] == 10);
  // r = sqrt(ln(2/0.05) / 20).
  CHECK(j["rate"].get<double>() == Approx(std::sqrt(std::log(40.0) / 20.0)).epsilon(1e-12));
}

TEST_CASE("bound: ESS with m = 0 reports an infinite rate and an undefined estimate", "[apps][bound]") {
  const auto r = run_cli("bound --metric precision --concepts 1 --delta 0.05 --counts 100,5,0,0 --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["rate"] == "inf");
  CHECK(j["estimate"].is_null());
  CHECK_THAT(j["undefined_reason"].get<std::string>(), Contains("never fires"));
}

TEST_CASE("bound: bad inputs give one line on stderr and exit 2", "[apps][bound]") {
  const char* bad[] = {
      "bound --metric accuracy --n 100 --concepts 10 --delta 1.5",
      "bound --metric nosuch --n 100 --concepts 10 --delta 0.05",
      "bound --metric accuracy --n 100 --delta 0.05",
      "bound --metric wpmi --n 100 --concepts 10 --delta 0.05",
      "bound --metric recall --n 100 --concepts 10 --delta 0.05",
      "bound --metric accuracy --concepts 10 --delta 0.05 --counts 1,2,3",
      "bound --metric accuracy --concepts 10 --delta 0.05 --counts 1,2,3,-4",
      "bound --metric accuracy --n 99 --concepts 10 --delta 0.05 --counts 1,2,3,4",
  };
  for (const char* args : bad) {
    const auto r = run_cli(args);
    INFO(args << "\n" << r.out);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.out) == 1);
  }
}
