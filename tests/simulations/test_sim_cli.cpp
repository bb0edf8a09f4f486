// `neuroncert simulate` through the executable: bad input gives one line on stderr and exit 2;
// a small run writes the tidy CSV and the JSON metadata.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/sim/tidy.hpp"

namespace {
struct result {
  int code = -1;
  std::string err;  // stderr only
};

result run_cli(const std::string& args) {
  const std::string cmd = std::string("\"") + NEURONCERT_EXE + "\" simulate " + args + " 2>&1 >/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  result r;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p)) r.err += buf.data();
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::size_t line_count(const std::string& s) {
  std::size_t k = 0;
  for (char c : s) k += c == '\n';
  return k;
}
}  // namespace

TEST_CASE("simulate CLI: bad input -> one line on stderr, exit 2", "[sim][cli]") {
  const auto out = (std::filesystem::temp_directory_path() / "neuroncert_sim_cli_bad").string();
  struct bad {
    std::string args, mentions;
  };
  for (const bad& b : {bad{"--experiment nope", "unknown experiment"},
                       bad{"--experiment exp1 --matrix 0.9,0.1,-0.1,0.1", "--matrix"},
                       bad{"--experiment exp1 --matrix 0.5,0.2,0.2,0.2", "sum to 1"},
                       bad{"--experiment validate --matrix 0.5,0.5", "--matrix"},
                       bad{"--experiment exp1 --n-min 0", "--n-min"},
                       bad{"--experiment exp2 --n-min 100 --n-max 10", "--n-max"},
                       bad{"--experiment exp1 --replicates 0", "--replicates"},
                       bad{"--experiment exp2 --delta 1.5", "--delta"},
                       bad{"--experiment auroc-rate --delta 0", "--delta"},
                       bad{"--experiment exp1 --threads -1", "--threads"},
                       bad{"--experiment exp2 --matrix 0.93,0.02,0.02,0.03", "--matrix"},
                       bad{"--experiment exp1 --replicates abc", "replicates"},
                       bad{"", "experiment"}}) {
    const result r = run_cli(b.args + " --quiet --out " + out);
    INFO("args: " << b.args << "\nstderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find(b.mentions) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(out) / "exp1.csv"));
}

TEST_CASE("simulate CLI: a small exp1 run writes tidy CSV and JSON metadata", "[sim][cli]") {
  const auto out = std::filesystem::temp_directory_path() / "neuroncert_sim_cli_ok";
  std::filesystem::remove_all(out);
  const result r = run_cli("--experiment exp1 --replicates 50 --n-min 100 --n-max 1000 --n-points 2 --seed 9 --threads 2 --out " +
                           out.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto t = neuroncert::io::read_csv(out / "exp1.csv");
  CHECK(t.header == neuroncert::sim::tidy_header());
  CHECK(t.rows.size() == 2 * 5 * 2 * 5);  // settings x metrics x n x quantities
  const auto j = neuroncert::io::read_json(out / "exp1.json");
  CHECK(j.at("seed") == 9);
  CHECK(j.at("parameters").at("replicates") == 50);
  CHECK(j.at("parameters").at("n_grid") == nlohmann::json::array({100, 1000}));
  CHECK(j.at("command_line").get<std::string>().find("--seed 9") != std::string::npos);
  CHECK(j.contains("version"));
  // The same run with one thread gives the identical file.
  const auto out1 = std::filesystem::temp_directory_path() / "neuroncert_sim_cli_ok1";
  REQUIRE(run_cli("--experiment exp1 --replicates 50 --n-min 100 --n-max 1000 --n-points 2 --seed 9 --threads 1 --quiet --out " +
                  out1.string())
              .code == 0);
  const auto t1 = neuroncert::io::read_csv(out1 / "exp1.csv");
  CHECK(t1.rows == t.rows);
  std::filesystem::remove_all(out);
  std::filesystem::remove_all(out1);
}
