// `neuroncert plan`: reference values in the output, JSON, and one-line errors with exit code 2.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "apps/bounds_cli_run.hpp"

using neuroncert::test::line_count;
using neuroncert::test::run_cli;
using Catch::Matchers::Contains;

TEST_CASE("plan: accuracy |C| = 1000, eps = 0.01 reports Hoeffding 52984 and a smaller exact n", "[apps][plan]") {
  const auto r = run_cli("plan --metric accuracy --concepts 1000 --epsilon 0.01 --delta 0.05");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("hoeffding") && Contains("52984") && Contains("exact-binomial"));
}

TEST_CASE("plan --json: exact n is between 40000 and 42000", "[apps][plan]") {
  const auto r = run_cli("plan --metric accuracy --concepts 1000 --epsilon 0.01 --delta 0.05 --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["bounds"].size() == 2);
  CHECK(j["bounds"][0]["bound"] == "hoeffding");
  CHECK(j["bounds"][0]["n"] == 52984);
  CHECK(j["bounds"][1]["bound"] == "exact-binomial");
  CHECK(j["bounds"][1]["n"].get<long>() > 40000);
  CHECK(j["bounds"][1]["n"].get<long>() < 42000);
  CHECK(j["metadata"]["command_line"].get<std::string>().find("plan") != std::string::npos);
}

TEST_CASE("plan --margin plans for epsilon = margin / 2", "[apps][plan]") {
  // margin 0.1 => eps 0.05: |C| = 1000 gives 2120 (docs/theory.md sec. 4.1), |C| = 1 gives 738.
  CHECK_THAT(run_cli("plan --metric accuracy --concepts 1000 --margin 0.1 --delta 0.05").out, Contains("2120"));
  CHECK_THAT(run_cli("plan --metric accuracy --concepts 1 --margin 0.1 --delta 0.05").out, Contains("738"));
}

TEST_CASE("plan for recall states the delta split", "[apps][plan]") {
  const auto r = run_cli("plan --metric recall --concepts 1 --epsilon 0.05 --delta 0.05 --rho 0.1 --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["bounds"][0]["m"] == 877);  // ln(2/0.025) / (2 * 0.05^2) = 876.4
  CHECK(j["bounds"][0]["delta1"].get<double>() == Approx(0.025));
  CHECK(j["bounds"][0]["delta2"].get<double>() == Approx(0.025));
}

TEST_CASE("plan --n reports the margin n resolves", "[apps][plan]") {
  // |C| = 1000, n = 50000: r = 0.010294 (docs/theory.md table), margin 0.020588.
  const auto r = run_cli("plan --metric accuracy --concepts 1000 --n 50000 --delta 0.05 --json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(std::abs(j["bounds"][0]["epsilon"].get<double>() - 0.010294) < 5e-7);
  CHECK(j["bounds"][0]["margin"].get<double>() == Approx(2 * j["bounds"][0]["epsilon"].get<double>()));
  CHECK(j["bounds"][1]["epsilon"].get<double>() < j["bounds"][0]["epsilon"].get<double>());
}

TEST_CASE("plan: bad inputs give one line on stderr and exit 2", "[apps][plan]") {
  const char* bad[] = {
      "plan --metric accuracy --concepts 10 --epsilon 0.01 --delta 1.5",
      "plan --metric nosuch --concepts 10 --epsilon 0.01 --delta 0.05",
      "plan --metric accuracy --epsilon 0.01 --delta 0.05",
      "plan --metric accuracy --concepts 10 --epsilon -1 --delta 0.05",
      "plan --metric accuracy --concepts 10 --delta 0.05",
      "plan --metric accuracy --concepts 0 --epsilon 0.1 --delta 0.05",
      "plan --metric auroc --concepts 10 --epsilon 0.1 --delta 0.05",
      "plan --metric precision --concepts 10 --epsilon 0.1 --delta 0.05",
  };
  for (const char* args : bad) {
    const auto r = run_cli(args);
    INFO(args << "\n" << r.out);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.out) == 1);
    CHECK_THAT(r.out, Contains("error"));
  }
  CHECK_THAT(run_cli("plan --metric accuracy --concepts 10 --epsilon 0.01 --delta 1.5").out, Contains("--delta"));
  CHECK_THAT(run_cli("plan --metric accuracy --concepts 10 --epsilon -1 --delta 0.05").out, Contains("--epsilon"));
}

TEST_CASE("plan: metrics without a closed-form bound suggest simulate or bootstrap", "[apps][plan]") {
  for (const char* m : {"f1", "auprc", "correlation", "mad", "wpmi"}) {
    const auto r = run_cli(std::string("plan --metric ") + m + " --concepts 10 --epsilon 0.1 --delta 0.05");
    INFO(r.out);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.out) == 1);
    CHECK_THAT(r.out, Contains("no closed-form bound") && Contains("simulate") && Contains("bootstrap"));
  }
}
