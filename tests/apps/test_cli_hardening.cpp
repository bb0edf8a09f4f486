// Bad input by class (issue "Hardening"): every numeric option of every subcommand, searches that
// must stay bounded, options a mode does not use, and the wording of the one-line errors. Each
// case: exit code 2 (usage) or 1 (failure), exactly one line on stderr naming the option, and no
// output file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "lib/test_data.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"

using namespace neuroncert;
namespace fs = std::filesystem;

namespace {

/// Every subcommand name, from `neuroncert --help`.
std::vector<std::string> subcommands(const fs::path& dir) {
  const auto r = test::run_cli("--help", dir);
  std::vector<std::string> names;
  std::istringstream in(r.out.substr(r.out.find("Subcommands:")));
  const std::regex row(R"(^  ([a-z][a-z0-9-]*)\s)");
  std::smatch m;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, m, row)) names.push_back(m[1]);
  return names;
}

struct numeric_option {
  std::string command, name, type;
};

/// Every option of `command` whose value is an integer (INT, UINT) or a float (FLOAT), from its --help.
std::vector<numeric_option> numeric_options(const std::string& command, const fs::path& dir) {
  const auto r = test::run_cli(command + " --help", dir);
  std::vector<numeric_option> out;
  std::istringstream in(r.out);
  const std::regex row(R"(^\s+(?:-\w,)?(--[A-Za-z0-9-]+)\s+(UINT|INT|FLOAT)\b)");
  std::smatch m;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, m, row)) out.push_back({command, m[1], m[2]});
  return out;
}

void check_usage_error(const test::cli_result& r, const std::string& needle) {
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(test::is_one_line(r.err));
  CHECK(r.err.find(needle) != std::string::npos);
}

using usage_cases = std::vector<std::pair<std::string, std::string>>;

/// Runs `prefix + args` for every case (two at a time) and checks each is a usage error naming its needle.
void check_usage_errors(const usage_cases& cases, const fs::path& dir, const std::string& prefix = "") {
  std::vector<std::string> args;
  for (const auto& c : cases) args.push_back(prefix + c.first);
  const auto results = test::run_cli_many(args, dir);
  REQUIRE(results.size() == cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    INFO(args[k]);
    check_usage_error(results[k], cases[k].second);
  }
}

}  // namespace

TEST_CASE("hardening: every numeric option of every subcommand rejects overflow, a sign or NaN by name",
          "[cli][hardening]") {
  const auto dir = test::scratch_dir("hardening_numeric");
  std::vector<numeric_option> options;
  for (const auto& command : subcommands(dir))
    for (const auto& o : numeric_options(command, dir)) options.push_back(o);
  // Guards the enumeration itself: the CLI has dozens of numeric options, seeds among them.
  REQUIRE(options.size() >= 40);
  std::size_t unsigned_seen = 0;
  std::vector<std::string> args;
  for (const auto& o : options) {
    // INT: one past INT64_MAX (CLI11 alone would clamp it); UINT: a sign (it would wrap -1 to
    // 2^64 - 1); FLOAT: NaN (it would accept it).
    const std::string bad = o.type == "INT" ? "99999999999999999999" : o.type == "UINT" ? "-1" : "nan";
    unsigned_seen += o.type == "UINT" ? 1 : 0;
    args.push_back(o.command + " " + o.name + " " + bad);
  }
  CHECK(unsigned_seen >= 3);  // the seeds of simulate, identify and figures
  const auto results = test::run_cli_many(args, dir);
  for (std::size_t k = 0; k < options.size(); ++k) {
    INFO(args[k]);
    check_usage_error(results[k], options[k].name + " must be");
  }
}

TEST_CASE("hardening: integers are exact, never clamped or wrapped", "[cli][hardening]") {
  const auto dir = test::scratch_dir("hardening_integers");
  const usage_cases cases = {
      {"bound --metric accuracy --n 99999999999999999999 --concepts 1 --delta 0.05",
       "--n must be at most 9223372036854775807, got '99999999999999999999'"},
      {"be-coverage --K 99999999999999999999 --p 0.1 --threshold 1", "--K must be at most 9223372036854775807"},
      {"simulate --experiment exp1 --seed -1", "--seed must be an unsigned 64-bit integer, got '-1'"},
      {"simulate --experiment exp1 --seed 18446744073709551616",
       "--seed must be an unsigned 64-bit integer (at most 18446744073709551615), got '18446744073709551616'"},
      {"figures --seed -1 --out never", "--seed must be an unsigned 64-bit integer, got '-1'"},
      {"figures --seed 18446744073709551616 --out never", "--seed must be an unsigned 64-bit integer"},
      {"plan --metric accuracy --concepts 10 --n 1.5 --delta 0.05", "--n must be a whole number, got '1.5'"},
      {"plan --metric accuracy --concepts 10 --n 0x10 --delta 0.05", "--n must be a whole number, got '0x10'"},
      {"be-coverage --K 1e300 --p 0.1 --threshold 1", "--K must be at most 9223372036854775807"},
      {"plan --metric accuracy --concepts 100 --epsilon inf --delta 0.05", "--epsilon must be a finite number"},
      {"plan --metric accuracy --concepts 100 --epsilon 1e999 --delta 0.05", "--epsilon must be a finite number"},
  };
  check_usage_errors(cases, dir);
  CHECK_FALSE(fs::exists(dir / "never"));

  // Whole numbers written with an exponent, or with leading zeros, are read exactly (not as octal).
  const auto plan = test::run_cli("plan --metric accuracy --concepts 1e2 --n 010 --delta 0.05 --json", dir);
  REQUIRE(plan.exit_code == 0);
  const auto j = nlohmann::json::parse(plan.out);
  CHECK(j["concepts"] == 100);
  CHECK(j["n"] == 10);
}

TEST_CASE("hardening: searches are bounded; sizes beyond sane limits are refused at once", "[cli][hardening]") {
  const auto dir = test::scratch_dir("hardening_bounded");
  // Each of these ran for over a minute before (a search growing with n, a scan to 10^7, a sampler
  // spinning at n = 2^63); now each answers or refuses straight away. `timeout 60` only keeps a
  // regression from hanging the suite: exit 124 fails the test.
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"sieve-plan --ar 0.0100001", "--ar 0.0100001 is too close to 0.01"},
      {"sieve-plan --ar 0.0101", "--ar 0.0101 is too close to 0.01"},
      {"simulate --experiment exp1 --n-min 9223372036854775807 --n-max 9223372036854775807 --n-points 1 "
       "--replicates 1 --out never",
       "--n-min must lie between 1 and 1000000000"},
      {"simulate --experiment exp1 --replicates 1e18 --out never", "--replicates must lie between 1 and 10000000"},
      {"simulate --experiment exp1 --n-points 100000 --out never", "--n-points must lie between 1 and 1000"},
      {"extract --model resnet20 --layer penultimate --threads 100000 --out never.npy",
       "--threads must lie between 0 and 256"},
      {"extract --model resnet20 --layer penultimate --batch-size 1e12 --out never.npy",
       "--batch-size must lie between 1 and 65536"},
      {"plan --metric accuracy --concepts 100 --n 1e18 --delta 0.05", "--n must lie between 1 and 1000000000000000"},
      {"be-coverage --K 1e18 --p 0.1 --threshold 1", "--K must lie between 1 and 1000000"},
  };
  for (std::size_t k = 0; k < refused.size(); ++k) {
    INFO(refused[k].first);
    check_usage_error(test::run_cli_bounded(refused[k].first, dir), refused[k].second);
  }
  CHECK_FALSE(fs::exists(dir / "never"));
  CHECK_FALSE(fs::exists(dir / "never.npy"));
  for (const char* a : {"plan --metric accuracy --concepts 100 --n 1e15 --delta 0.05",
                        "plan --metric accuracy --concepts 1e18 --epsilon 0.001 --delta 0.05"}) {
    INFO(a);
    const auto r = test::run_cli_bounded(a, dir);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("hoeffding") != std::string::npos);
    CHECK(r.out.find("not computed above n = 200000") != std::string::npos);
  }
}

TEST_CASE("hardening: an option the chosen mode does not read is refused, never dropped", "[cli][hardening]") {
  const auto dir = test::scratch_dir("hardening_unused");
  const usage_cases cases = {
      {"simulate --experiment gaussian --delta 2 --out never", "--delta is not used by experiment 'gaussian'"},
      {"simulate --experiment gaussian --delta 0.05 --out never", "--delta is not used by experiment 'gaussian'"},
      {"simulate --experiment be-coverage --delta 2 --out never", "--delta is not used by experiment 'be-coverage'"},
      {"simulate --experiment auroc-rate --seed 3 --out never", "--seed is not used by experiment 'auroc-rate'"},
      {"simulate --experiment auroc-rate --replicates 10 --out never",
       "--replicates is not used by experiment 'auroc-rate'"},
      {"simulate --experiment exp2 --matrix 0.25,0.25,0.25,0.25 --out never",
       "--matrix is not used by experiment 'exp2'"},
      {"simulate --experiment exp1 --delta 2 --out never", "--delta must lie in the open interval (0, 1), got 2"},
      {"plan --metric accuracy --concepts 100 --epsilon 2 --delta 0.05", "--epsilon must lie in the open interval (0, 1)"},
      {"plan --metric accuracy --concepts 100 --margin 1.5 --delta 0.05", "--margin must lie in (0, 1], got 1.5"},
      {"plan --metric accuracy --concepts 100 --epsilon 0.01 --delta 0.05 --rho 0.3", "--rho is not used for metric accuracy"},
      {"plan --metric accuracy --concepts 100 --epsilon 0.01 --delta 0.05 --rate 0.3", "--rate is not used for metric accuracy"},
      {"plan --metric auroc --concepts 100 --epsilon 0.01 --delta 0.05 --rho 0.3 --delta-split 0.4",
       "--delta-split is not used for metric auroc"},
      {"plan --metric precision --concepts 100 --epsilon 0.05 --delta 0.05 --rate 0.1 --rho 0.2",
       "--rho is not used for metric precision"},
      {"plan --metric recall --concepts 100 --epsilon 0.05 --delta 0.05 --rate 0.1 --rho 0.2",
       "--rho is not used for metric recall when --rate is given"},
      {"bound --metric accuracy --n 1000 --concepts 10 --delta 0.05 --rho 0.2", "--rho is not used for metric accuracy"},
      {"bound --metric auroc --concepts 10 --delta 0.05 --counts 10,20,30,40 --rho 0.2", "--rho is not used with --counts"},
      {"be-coverage --K 100 --threshold 95 --p 0.01 --rho 0.2", "--p excludes --n, --margin, --concepts, --metric and --rho"},
      {"be-coverage --K 100 --threshold 95 --n 1000 --margin 0.1 --concepts 10 --metric accuracy --rho 0.2",
       "--rho is not used for metric accuracy"},
      {"extract --model resnet20 --layer penultimate --norm cifar --out never.npy",
       "--norm is not used by the built-in models"},
  };
  check_usage_errors(cases, dir);
  CHECK_FALSE(fs::exists(dir / "never"));
  // identify: options only some metrics read.
  const auto p = test::make_random_probe(200, 3, 4, 5u);
  io::write_npy(dir / "A.npy", Eigen::MatrixXd(p.activations));
  io::write_npy(dir / "Y.npy", Eigen::MatrixXd(p.concepts));
  const std::string identify = "identify --activations A.npy --concepts Y.npy --out never ";
  const usage_cases metric_cases = {
      {"--metric auroc --alpha 0.1", "--alpha is not used for metric auroc"},
      {"--metric iou --binary --alpha 0.1", "--alpha is not used with --binary"},
      {"--metric accuracy --wpmi-lambda 2", "--wpmi-lambda is not used for metric accuracy"},
      {"--metric auroc --mad-standardised", "--mad-standardised is not used for metric auroc"},
      {"--metric iou --orientation neuron-eval", "--orientation is not used for metric iou"},
      {"--metric accuracy --binary --auroc-strict", "--auroc-strict is not used for metric accuracy"},
  };
  check_usage_errors(metric_cases, dir, identify);
  CHECK_FALSE(fs::exists(dir / "never.csv"));
  // ... and the same options where they apply are accepted.
  REQUIRE(test::run_cli(identify + "--metric wpmi --alpha 0.1 --wpmi-lambda 0.5", dir).exit_code == 0);
  REQUIRE(test::run_cli(identify + "--metric recall --orientation neuron-eval", dir).exit_code == 0);
  // The experiment's JSON records every setting it read, delta included.
  REQUIRE(test::run_cli("simulate --experiment exp1 --replicates 5 --n-points 2 --delta 0.1 --quiet --out ok", dir)
              .exit_code == 0);
  CHECK(io::read_json(dir / "ok" / "exp1.json")["parameters"]["delta"] == 0.1);
}

namespace {
struct probe_files {
  test::scratch_path dir;
};

/// A 400 x 6 activation matrix and 400 x 9 concepts in `dir` (A.npy, Y.npy).
probe_files write_probe(const std::string& name, int neurons = 6) {
  probe_files f{test::scratch_dir(name)};
  const auto p = test::make_random_probe(400, neurons, 9, 7u);
  io::write_npy(f.dir / "A.npy", Eigen::MatrixXf(p.activations.cast<float>()));
  io::write_npy(f.dir / "Y.npy", Eigen::MatrixXd(p.concepts));
  return f;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}
}  // namespace

TEST_CASE("hardening: clear one-line messages, given before any work", "[cli][hardening]") {
  const auto f = write_probe("hardening_messages");
  const std::string identify = "identify --activations A.npy --concepts Y.npy --metric iou ";
  check_usage_error(test::run_cli(identify + "--bootstrap 1e18 --out r", f.dir),
                    "--bootstrap K must be at most 1000000 (the paper uses 100), got 1000000000000000000");
  check_usage_error(test::run_cli(identify + "--threads -1 --out r", f.dir), "--threads must lie between 0 and 256");
  check_usage_error(test::run_cli("plan --metric accuracy --concepts 100 --epsilon 0.01 --delta 0.05 --threads -1", f.dir),
                    "--threads");  // plan has no --threads: CLI11's own one-line message
  // A Latin-1 names file: refused by file and line before anything is written.
  std::ofstream(f.dir / "names.txt") << "a\nb\nc\nd\ncaf\xe9\nf\ng\nh\ni\n";
  const auto latin = test::run_cli(identify + "--concept-names names.txt --out r", f.dir);
  INFO(latin.err);
  CHECK(latin.exit_code == 1);
  CHECK(test::is_one_line(latin.err));
  CHECK(latin.err.find("names.txt: line 5: byte 0xE9 at column 4 is not UTF-8") != std::string::npos);
  CHECK_FALSE(fs::exists(f.dir / "r.csv"));
  CHECK_FALSE(fs::exists(f.dir / "r.json"));
  // Empty or odd --out: refused, nothing written (not hidden ".csv" files).
  check_usage_error(test::run_cli(identify + "--out ''", f.dir), "--out is empty");
  fs::create_directories(f.dir / "somedir");
  check_usage_error(test::run_cli(identify + "--out somedir/", f.dir), "--out 'somedir/' ends in '/'");
  check_usage_error(test::run_cli(identify + "--out somedir", f.dir), "--out 'somedir' is a directory");
  check_usage_error(test::run_cli(identify + "--out nodir/r", f.dir), "directory 'nodir' does not exist");
  CHECK(fs::is_empty(f.dir / "somedir"));
  CHECK_FALSE(fs::exists(f.dir / ".csv"));
  // figures: a bad option is the only line on stderr (no progress lines first), and nothing is written.
  check_usage_error(test::run_cli("figures --out ''", f.dir), "--out is empty");
  check_usage_error(test::run_cli("figures --only exp1 --threads 1000 --out figs", f.dir), "--threads must lie");
  const auto no_data = test::run_cli("figures --only sieve --data-dir nowhere --out figs", f.dir);
  CHECK(no_data.exit_code == 1);
  CHECK(test::is_one_line(no_data.err));
  CHECK(no_data.err.find("--data-dir: 'nowhere' is not a directory") != std::string::npos);
  CHECK_FALSE(fs::exists(f.dir / "figs"));
  CHECK(files_in(f.dir) == std::vector<std::string>{"A.npy", "Y.npy", "names.txt", "somedir", "stderr.txt", "stdout.txt"});
}

TEST_CASE("hardening: a run's outputs land together; stale siblings go; replaced files are named",
          "[cli][hardening][output]") {
  const auto f = write_probe("hardening_outputs");
  const std::string identify = "identify --activations A.npy --concepts Y.npy --metric iou --out r ";
  const auto boot = test::run_cli(identify + "--bootstrap 10 --seed 1", f.dir);
  REQUIRE(boot.exit_code == 0);
  CHECK(boot.err.empty());  // nothing replaced on a first run
  CHECK(io::read_json(f.dir / "r.json")["bootstrap"]["complete"] == true);
  CHECK(io::read_json(f.dir / "r.json")["bootstrap"]["neurons_finished"] == 6);
  CHECK(files_in(f.dir) == std::vector<std::string>{"A.npy", "Y.npy", "r.csv", "r.json", "r_be_sets.csv",
                                                    "r_bootstrap.csv", "stderr.txt", "stdout.txt"});
  // A plain run over it: the bootstrap files of the earlier run would look current, so they go.
  const auto plain = test::run_cli(identify, f.dir);
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.err.find("neuroncert: replaced 2 file(s) of an earlier run: r.csv, r.json") != std::string::npos);
  CHECK(plain.err.find("removed 2 stale file(s) of an earlier run that this run does not produce: r_bootstrap.csv, "
                       "r_be_sets.csv") != std::string::npos);
  CHECK(files_in(f.dir) == std::vector<std::string>{"A.npy", "Y.npy", "r.csv", "r.json", "stderr.txt", "stdout.txt"});
  CHECK_FALSE(io::read_json(f.dir / "r.json").contains("bootstrap"));

  // figures: a rerun says how many files it replaced (auroc-rate: CSV, JSON, PNG, SVG); the index
  // has a status per job.
  REQUIRE(test::run_cli("figures --quick --only auroc-rate --out figs", f.dir).exit_code == 0);
  const auto again = test::run_cli("figures --quick --only auroc-rate --out figs", f.dir);
  REQUIRE(again.exit_code == 0);
  CHECK(again.err.find("neuroncert: replaced 4 file(s) of an earlier run in figs") != std::string::npos);
  const auto index = io::read_json(f.dir / "figs" / "figures.json");
  CHECK(index["jobs"].size() == 1);
  CHECK(index["jobs"][0]["job"] == "auroc-rate");
  CHECK(index["jobs"][0]["status"] == "done");
  CHECK_FALSE(index.contains("failed_job"));
}

TEST_CASE("hardening: a full disk leaves no partial file and the earlier run's files intact",
          "[cli][hardening][output]") {
  // ulimit -f is a disk that fills up; neuroncert ignores SIGXFSZ, so the
  // write fails with EFBIG and the run cleans up after itself.
  const auto f = write_probe("hardening_disk_full", 120);
  const std::string identify = "identify --activations A.npy --concepts Y.npy --out r --metric ";
  REQUIRE(test::run_cli(identify + "auroc", f.dir).exit_code == 0);  // an earlier, complete run
  const std::string csv = test::slurp(f.dir / "r.csv"), json = test::slurp(f.dir / "r.json");
  REQUIRE(csv.size() > 8 * 1024);
  // (/bin/sh counts ulimit -f in 512-byte blocks: 8 KiB here, against a CSV of about 18 KiB.)
  const auto full = test::run_cli(identify + "accuracy", f.dir, "ulimit -f 16; ");
  INFO(full.err);
  CHECK(full.exit_code == 1);
  CHECK(test::is_one_line(full.err));
  CHECK(full.err.find("cannot write: File too large") != std::string::npos);
  CHECK(test::slurp(f.dir / "r.csv") == csv);    // the earlier run's files, untouched and consistent
  CHECK(test::slurp(f.dir / "r.json") == json);  // (not an AUROC CSV beside an accuracy JSON)
  CHECK(files_in(f.dir) == std::vector<std::string>{"A.npy", "Y.npy", "r.csv", "r.json", "stderr.txt", "stdout.txt"});

  const auto sim = test::run_cli("simulate --experiment gaussian --replicates 20 --n-points 3 --quiet --out s", f.dir,
                                 "ulimit -f 4; ");
  INFO(sim.err);
  CHECK(sim.exit_code == 1);
  CHECK(sim.err.find("cannot write: File too large") != std::string::npos);
  CHECK(files_in(f.dir / "s").empty());

  const auto figs = test::run_cli("figures --quick --only exp1 --out figs", f.dir, "ulimit -f 6; ");
  INFO(figs.err);
  CHECK(figs.exit_code == 1);
  CHECK(figs.err.find("cannot write: File too large") != std::string::npos);
  CHECK(files_in(f.dir / "figs" / "data").empty());
  for (const auto& name : files_in(f.dir / "figs")) {
    INFO(name);
    CHECK((name == "data" || name == "figures.json"));  // the index, if it fit, says which job failed
  }
  if (fs::exists(f.dir / "figs" / "figures.json"))
    CHECK(io::read_json(f.dir / "figs" / "figures.json")["failed_job"] == "exp1");
}
