// The experiment table of `simulate` and the figures job, without the CLI.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro (this suite links the model studies)

#include <string>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/studies/experiment_table.hpp"
#include "neuroncert/studies/provenance.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;

TEST_CASE("experiment table: names, settings and unknown names", "[studies][experiments]") {
  std::vector<std::string> names;
  for (const auto& e : studies::experiment_table()) {
    names.push_back(e.name);
    for (const auto& u : e.uses)
      CHECK(std::find(studies::experiment_setting_options().begin(), studies::experiment_setting_options().end(), u) !=
            studies::experiment_setting_options().end());
  }
  CHECK(names == std::vector<std::string>{"exp1", "auroc-rate", "exp2", "validate", "gaussian", "be-coverage"});
  CHECK(&studies::find_experiment("exp2") == &studies::experiment_table()[2]);
  CHECK_THROWS_WITH(studies::find_experiment("exp9"),
                    "--experiment: unknown experiment 'exp9' (known: exp1, auroc-rate, exp2, validate, gaussian, "
                    "be-coverage)");
}

TEST_CASE("run_experiment: the AUROC rate rows are the simulation library's, parameters recorded",
          "[studies][experiments]") {
  studies::experiment_settings s;
  s.n_min = 100;
  s.n_max = 10000;
  s.n_points = 3;
  s.delta = 0.1;
  const auto r = studies::run_experiment(studies::find_experiment("auroc-rate"), s);
  const std::vector<std::int64_t> grid = {100, 1000, 10000};
  CHECK(sim::log_grid(100, 10000, 3) == grid);
  const auto expected = sim::run_auroc_rate({0.5, 0.1, 0.01, 0.001}, grid, 0.1);
  REQUIRE(r.rows.size() == expected.size());
  CHECK(r.rows.size() == 12);
  for (std::size_t k = 0; k < r.rows.size(); ++k) CHECK(sim::to_csv_line(r.rows[k]) == sim::to_csv_line(expected[k]));
  CHECK(r.parameters["seed"] == 20251218);
  CHECK(r.parameters["n_grid"] == nlohmann::json(grid));
  CHECK(r.parameters["delta"] == 0.1);
  CHECK(r.parameters["rhos"] == nlohmann::json({0.5, 0.1, 0.01, 0.001}));
}

TEST_CASE("run_experiment: settings are checked with the option's name", "[studies][experiments]") {
  studies::experiment_settings s;
  s.replicates = 0;
  CHECK_THROWS_WITH(studies::run_experiment(studies::find_experiment("exp1"), s),
                    Catch::Contains("--replicates must lie between 1 and"));
  s.replicates = 10;
  s.n_min = 50;
  s.n_max = 20;
  CHECK_THROWS_WITH(studies::run_experiment(studies::find_experiment("exp1"), s),
                    Catch::Contains("--n-max must lie between 50 and"));
  s.n_max = 60;
  s.delta = 1.5;
  CHECK_THROWS_AS(studies::run_experiment(studies::find_experiment("exp1"), s), invalid_argument);
}

TEST_CASE("run_experiment: exp1 reports progress per study and is reproducible", "[studies][experiments]") {
  studies::experiment_settings s;
  s.replicates = 20;
  s.n_min = 100;
  s.n_max = 1000;
  s.n_points = 2;
  s.seed = 3;
  std::set<std::string> stages;
  s.progress = [&](std::string_view stage, std::int64_t done, std::int64_t total) {
    stages.insert(std::string(stage));
    CHECK(done <= total);
  };
  const auto a = studies::run_experiment(studies::find_experiment("exp1"), s);
  s.progress = {};
  const auto b = studies::run_experiment(studies::find_experiment("exp1"), s);
  CHECK_FALSE(stages.empty());
  REQUIRE(a.rows.size() == b.rows.size());
  for (std::size_t k = 0; k < a.rows.size(); ++k) CHECK(sim::to_csv_line(a.rows[k]) == sim::to_csv_line(b.rows[k]));
  CHECK(a.parameters["replicates"] == 20);
  CHECK(a.parameters["settings"].contains("setting1"));
}

TEST_CASE("write_experiment: NAME.csv holds the rows, NAME.json the metadata", "[studies][experiments]") {
  test::per_test_dir dir;
  studies::experiment_settings s;
  s.n_points = 2;
  const auto& e = studies::find_experiment("auroc-rate");
  const auto r = studies::run_experiment(e, s);
  io::output_transaction outputs;
  const auto csv = studies::write_experiment(e, s, r, 3, dir.dir, outputs);
  outputs.commit();
  CHECK(csv == dir / "auroc-rate.csv");
  const auto table = io::read_csv(csv);
  CHECK(table.header == sim::tidy_header());
  CHECK(table.rows.size() == r.rows.size());
  const auto meta = io::read_json(dir / "auroc-rate.json");
  CHECK(meta["experiment"] == "auroc-rate");
  CHECK(meta["threads"] == 3);
  CHECK(meta["rows"] == r.rows.size());
  CHECK(meta["parameters"] == r.parameters);
  CHECK(meta["quantities"].size() >= 1);
  CHECK(meta["command_line"] == studies::command_line());
}
