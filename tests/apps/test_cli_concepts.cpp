// neuroncert concepts -> identify --metric soft_wpmi / cd_wpmi on the CLIP fixture
// (../shared/data/clip, data README sec. 9): the probabilities, the identified concepts and their
// scores against the fixture's float64 references, the bootstrap's report, and one-line errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>

#include "cli_runner.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"

using namespace neuroncert;

namespace {
const std::string clip = std::string(NEURONCERT_DATA_DIR) + "/clip/";

Eigen::MatrixXd load(const std::string& path) { return io::read_npy_matrix(path, path); }

std::string embeddings(double temperature, const std::string& out) {
  return "concepts --image-embeddings " + clip + "E.npy --text-embeddings " + clip + "T.npy --concept-names " + clip +
         "names.txt --temperature " + std::to_string(temperature) + " --out " + out;
}
}  // namespace

TEST_CASE("concepts writes the fixture's probabilities, names and settings", "[cli][concepts]") {
  const auto dir = test::scratch_dir("concepts_ok");
  const auto r = test::run_cli(embeddings(10, "p10"), dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Eigen::MatrixXd p = load((dir / "p10.npy").string());
  const double diff = (p - load(clip + "probs_a10.npy")).cwiseAbs().maxCoeff();
  WARN("concepts --temperature 10 vs probs_a10.npy: max |difference| = " << diff);
  CHECK(diff < 1e-14);
  CHECK(test::slurp(dir / "p10.txt") == test::slurp(clip + "names.txt"));
  const auto j = io::read_json(dir / "p10.json");
  CHECK(j["settings"]["link"] == "softmax");
  CHECK(j["settings"]["temperature"].get<double>() == 10.0);
  CHECK(j["settings"]["precision"] == "float64");
  CHECK(j["inputs"]["width"].get<int>() == 32);
}

TEST_CASE("concepts -> identify: soft_wpmi and cd_wpmi match the fixture within 1e-9 relative",
          "[cli][concepts][identify]") {
  const auto dir = test::scratch_dir("concepts_identify");
  REQUIRE(test::run_cli(embeddings(10, "p10"), dir).exit_code == 0);
  REQUIRE(test::run_cli(embeddings(2, "p2"), dir).exit_code == 0);
  struct run {
    std::string metric, concepts, reference;
  };
  for (const run& c : {run{"soft_wpmi", "p10", "soft_wpmi.npy"}, run{"cd_wpmi", "p2", "wpmi.npy"}}) {
    INFO(c.metric);
    const auto r = test::run_cli("identify --activations " + clip + "A.npy --concepts " + c.concepts +
                                     ".npy --concept-names " + c.concepts + ".txt --metric " + c.metric + " --out " +
                                     c.metric,
                                 dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("no closed-form bound") != std::string::npos);
    const Eigen::MatrixXd ref = load(clip + c.reference);  // F x |C|
    const auto table = io::read_csv(dir / (c.metric + ".csv"));
    REQUIRE(table.rows.size() == 10);
    const auto cc = table.column("concept"), ec = table.column("estimate"), bc = table.column("bound");
    double worst = 0.0;
    for (std::size_t k = 0; k < 10; ++k) {
      Eigen::Index best = 0;
      ref.row(static_cast<Eigen::Index>(k)).maxCoeff(&best);
      CHECK(std::stol(table.rows[k][cc]) == best);
      const double want = ref(static_cast<Eigen::Index>(k), best), got = std::stod(table.rows[k][ec]);
      worst = std::max(worst, std::abs(got - want) / std::abs(want));
      CHECK(table.rows[k][bc] == "none");
    }
    WARN(c.metric << " via the CLI: max relative difference of the identified scores = " << worst);
    CHECK(worst < 1e-9);
    const auto j = io::read_json(dir / (c.metric + ".json"));
    CHECK(j["certificate"]["available"] == false);
    CHECK(j["certificate"]["reason"].get<std::string>().find("--bootstrap") != std::string::npos);
    CHECK(j["options"][c.metric].contains("top_k"));
  }
}

TEST_CASE("identify --metric soft_wpmi --bootstrap: the marginal is recomputed per resample, and says so",
          "[cli][concepts][bootstrap]") {
  const auto dir = test::scratch_dir("concepts_bootstrap");
  REQUIRE(test::run_cli(embeddings(10, "p10"), dir).exit_code == 0);
  const auto r = test::run_cli("identify --activations " + clip + "A.npy --concepts p10.npy --concept-names p10.txt "
                               "--metric soft_wpmi --bootstrap 20 --seed 3 --out b",
                               dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = io::read_json(dir / "b.json");
  CHECK(j["bootstrap"]["layer_metric"].get<std::string>().find("recomputes the marginal") != std::string::npos);
  // The same ensemble in-process (float32 activations as stored, the probabilities as written).
  const auto set = make_probing_set(load(clip + "A.npy"), load((dir / "p10.npy").string()));
  bootstrap_request q;
  q.which = metric::soft_wpmi;
  q.resamples = 20;
  q.seed = 3;
  const auto e = bootstrap_ensemble(set, q);
  const auto freq = io::read_csv(dir / "b_bootstrap.csv");
  const auto nc = freq.column("neuron"), cc = freq.column("concept"), kc = freq.column("count");
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> read =
      Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(10, 30);
  for (const auto& row : freq.rows) read(std::stol(row[nc]), std::stol(row[cc])) = std::stol(row[kc]);
  CHECK(read == e.counts);
  // One and two threads: the same files.
  for (const char* threads : {"1", "2"})
    REQUIRE(test::run_cli("identify --activations " + clip + "A.npy --concepts p10.npy --metric soft_wpmi "
                          "--bootstrap 20 --seed 3 --threads " + threads + " --out t" + threads,
                          dir)
                .exit_code == 0);
  CHECK(test::slurp(dir / "t1.csv") == test::slurp(dir / "t2.csv"));
  CHECK(test::slurp(dir / "t1_bootstrap.csv") == test::slurp(dir / "t2_bootstrap.csv"));
}

TEST_CASE("concepts and the layer metrics' options: one line each, naming the file or option",
          "[cli][concepts][errors]") {
  const auto dir = test::scratch_dir("concepts_bad");
  const Eigen::MatrixXd e = load(clip + "E.npy"), t = load(clip + "T.npy");
  io::write_npy(dir / "T_wide.npy", Eigen::MatrixXd(Eigen::MatrixXd::Ones(30, 33)));
  Eigen::MatrixXd nan = e;
  nan(5, 2) = std::numeric_limits<double>::infinity();
  io::write_npy(dir / "E_inf.npy", nan);
  Eigen::MatrixXd zero = e;
  zero.row(9).setZero();
  io::write_npy(dir / "E_zero.npy", zero);
  io::write_npy(dir / "E_empty.npy", Eigen::MatrixXd(0, 32));
  std::ofstream(dir / "names29.txt") << test::slurp(clip + "names.txt").substr(0, test::slurp(clip + "names.txt").rfind("concept"));
  REQUIRE(test::run_cli(embeddings(10, "p10"), dir).exit_code == 0);

  const std::string E = " --image-embeddings " + clip + "E.npy", T = " --text-embeddings " + clip + "T.npy",
                    N = " --concept-names " + clip + "names.txt";
  struct bad_case {
    std::string args, message;
    int code;
  };
  const std::string id = "identify --activations " + clip + "A.npy --concepts p10.npy --metric ";
  const bad_case cases[] = {
      {"concepts" + E + " --text-embeddings T_wide.npy" + N, "T_wide.npy: embedding width 33 differs from 32", 1},
      {"concepts --image-embeddings E_inf.npy" + T + N, "E_inf.npy: non-finite value inf at row 5, column 2", 1},
      {"concepts --image-embeddings E_zero.npy" + T + N, "E_zero.npy: row 9 has norm 0", 1},
      {"concepts --image-embeddings E_empty.npy" + T + N, "E_empty.npy: empty", 1},
      {"concepts" + E + T + " --concept-names names29.txt", "names29.txt", 1},
      {"concepts" + E + T + N + " --temperature 0", "--temperature", 2},
      {"concepts" + E + T + N + " --sigmoid --scale 58", "--sigmoid needs --scale A and --shift B", 2},
      {"concepts" + E + T + N + " --sigmoid --scale 58 --shift -0.1 --temperature 2", "--temperature is not used", 2},
      {"concepts" + E + T + N + " --scale 58", "--scale is not used", 2},
      {id + "soft_wpmi --top-k 401", "--top-k must lie between 1 and 400", 2},
      {id + "soft_wpmi --top-k 0", "--top-k must be at least 1", 2},
      {id + "soft_wpmi --p-start 1.5", "--p-start", 2},
      {id + "cd_wpmi --p-end 0.9", "--p-end is not used for metric cd_wpmi", 2},
      {id + "auroc --top-k 10", "--top-k is not used for metric auroc", 2},
      {id + "soft_wpmi --cd-eps 0", "--cd-eps", 2},
      {"plan --metric soft_wpmi --concepts 30 --epsilon 0.1 --delta 0.05", "no closed-form bound", 2},
      {"bound --metric cd_wpmi --n 100 --concepts 30 --delta 0.05", "no closed-form bound", 2},
      {"be-coverage --K 100 --threshold 95 --n 1000 --margin 0.1 --concepts 30 --metric soft_wpmi",
       "no closed-form bound", 2},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = test::run_cli(c.args, dir);
    CHECK(r.exit_code == c.code);
    CHECK(test::is_one_line(r.err));
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}
