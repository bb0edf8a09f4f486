// The figure jobs (selection, input checks, the gnuplot quoting), the extract study's file names and
// a small extraction, and the identify writer, checked on real values.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro (this suite links the model studies)

#include <filesystem>
#include <fstream>

#include "lib/test_data.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/studies/extract_study.hpp"
#include "neuroncert/studies/figures.hpp"
#include "neuroncert/studies/gnuplot.hpp"
#include "neuroncert/studies/identify_records.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;
namespace fs = std::filesystem;

TEST_CASE("figure jobs: the table, selection in table order and unknown names", "[studies][figures]") {
  const auto& all = studies::figure_jobs();
  REQUIRE(all.size() == 9);
  CHECK(all.front().name == "exp1");
  CHECK(all.back().name == "real-data");
  CHECK_FALSE(all.front().needs_data);
  CHECK(all.back().needs_data);
  CHECK(all[6].figures.size() == 4);  // be-stability: two bar figures, two tables
  CHECK(studies::select_figure_jobs({}).size() == 9);
  const auto two = studies::select_figure_jobs({"gaussian", "exp1"});
  REQUIRE(two.size() == 2);
  CHECK(two[0].name == "exp1");  // table order, not the order asked
  CHECK(two[1].name == "gaussian");
  CHECK(two[0].figures[1].name == "fig2b_exp1_setting2");
  CHECK(two[0].figures[1].setting == "setting2");
  CHECK_THROWS_AS(studies::select_figure_jobs({"nope"}), invalid_argument);
}

TEST_CASE("figure jobs: inputs checked by option name; gnuplot strings quoted", "[studies][figures]") {
  studies::figures_options o;
  o.plots_dir = fs::path(NEURONCERT_SOURCE_DIR) / "plots";
  o.data_dir = "/nonexistent-neuroncert";
  CHECK_NOTHROW(studies::check_figure_inputs(o, studies::select_figure_jobs({"exp1", "validate"})));
  CHECK_THROWS_AS(studies::check_figure_inputs(o, studies::select_figure_jobs({"real-data"})), data_error);
  o.plots_dir = "/nonexistent-neuroncert";
  CHECK_THROWS_AS(studies::check_figure_inputs(o, studies::select_figure_jobs({"exp1"})), data_error);
  CHECK(studies::gnuplot_string("a b") == "'a b'");
  CHECK(studies::gnuplot_string("it's") == "'it''s'");
}

TEST_CASE("run_figure_jobs: one quick job writes its data, two figures and the index", "[studies][figures]") {
  test::per_test_dir dir;
  studies::figures_options o;
  o.out = dir.dir;
  o.plots_dir = fs::path(NEURONCERT_SOURCE_DIR) / "plots";
  o.quick = true;
  o.threads = 1;
  fs::create_directories(dir.dir / "data");
  std::vector<std::string> notes;
  const auto made = studies::run_figure_jobs(o, studies::select_figure_jobs({"exp1"}),
                                             [&](std::string_view line) { notes.emplace_back(line); });
  CHECK(made.figures == 2);
  CHECK(made.replaced == 0);
  CHECK(fs::is_regular_file(dir / "fig2a_exp1_setting1.png"));
  CHECK(fs::is_regular_file(dir / "fig2b_exp1_setting2.svg"));
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].rfind("[1/1] exp1 ", 0) == 0);
  CHECK(notes[1].rfind("[1/1] done in ", 0) == 0);
  const auto index = io::read_json(made.index);
  REQUIRE(index["figures"].size() == 2);
  CHECK(index["figures"][0]["data"] == "data/exp1.csv");
  CHECK(index["jobs"][0]["status"] == "done");
  CHECK(index["metadata"]["quick"] == true);
}

TEST_CASE("extract study: file names from the output, and a small ResNet-20 extraction", "[studies][extract]") {
  const auto f = studies::extract_files_for("out/run.npy");
  CHECK(f.concepts_npy == "out/run_concepts.npy");
  CHECK(f.concepts_txt == "out/run_concepts.txt");
  CHECK(f.labels_npy == "out/run_labels.npy");
  CHECK(f.meta_json == "out/run.json");
  CHECK_THROWS_AS(studies::extract_files_for("out/run.txt"), invalid_argument);

  studies::extract_request r;
  r.model = "resnet20";
  r.layer = "penultimate";
  r.data_dir = NEURONCERT_DATA_DIR;
  CHECK(studies::extract_model_layers(r) ==
        std::vector<std::string>{"stem", "layer1", "layer2", "layer3", "penultimate", "logits"});
  r.data = "cifar7";
  CHECK_THROWS_AS(studies::extract_model_layers(r), invalid_argument);
  r.data = "cifar10";
  test::per_test_dir dir;
  r.out = dir / "acts.npy";
  r.limit = 12;
  r.threads = 1;
  io::output_transaction outputs;
  const auto res = studies::extract_layer(r, outputs);
  outputs.commit();
  CHECK(res.model_name == "resnet20");
  CHECK(res.pool == "auto");  // as the request named it (avg on a feature map)
  CHECK(res.images == 12);
  CHECK(res.features == 64);
  CHECK(res.concepts == 10);
  const auto acts = io::read_npy_matrix(dir / "acts.npy", "acts");
  CHECK(acts.rows() == 12);
  CHECK(acts.cols() == 64);
  CHECK(acts.minCoeff() >= 0.0);  // the mean of ReLU outputs
  const auto concepts = io::read_npy_matrix(dir / "acts_concepts.npy", "concepts");
  CHECK(concepts.rowwise().sum().isOnes());  // one class each
  const auto meta = io::read_json(dir / "acts.json");
  CHECK(meta["n"] == 12);
  CHECK(meta["layer"] == "penultimate");
  CHECK_FALSE(meta.contains("normalization"));
}

TEST_CASE("write_identify: the neuron records, the report and stale bootstrap files", "[studies][identify]") {
  Eigen::MatrixXd a(8, 2), c(8, 3);
  a << 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0;
  c << 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0;
  studies::probing_bundle b{make_probing_set(a, c), {"x", "y", "z"}};
  metric_options options;
  options.binary_activations = true;
  const auto report = studies::identify_and_certify(b.set, metric::accuracy, options, 0.05);
  test::per_test_dir dir;
  const std::string prefix = (dir / "id").string();
  { std::ofstream(prefix + "_bootstrap.csv") << "stale\n"; }
  studies::identify_output out{prefix, "a.npy", "c.npy", 0.05, std::nullopt, std::nullopt, {}};
  io::output_transaction outputs;
  const auto json = studies::write_identify(b, metric::accuracy, options, report, out, outputs);
  outputs.commit();
  CHECK_FALSE(fs::exists(prefix + "_bootstrap.csv"));
  CHECK(json["metric"] == "accuracy");
  CHECK(json["inputs"]["activations"] == "a.npy");
  CHECK(json["delta_per_concept"].get<double>() == Approx(0.05 / 3));
  CHECK(json["options"]["orientation"] == "paper");
  REQUIRE(json["neurons"].size() == 2);
  CHECK(json["neurons"][0]["concept"] == 0);  // neuron 0 is concept 0 exactly
  CHECK(json["neurons"][0]["concept_name"] == "x");
  CHECK(json["neurons"][0]["estimate"].get<double>() == 1.0);
  CHECK(json["neurons"][1]["concept_name"] == "y");  // 7/8 agreement
  CHECK(json["neurons"][1]["estimate"].get<double>() == 0.875);
  CHECK_FALSE(json.contains("bootstrap"));
  CHECK(io::read_json(prefix + ".json") == json);
  CHECK(test::slurp(prefix + ".csv").rfind("neuron,concept,concept_name,estimate", 0) == 0);
}

TEST_CASE("extract: the default batch keeps one batch's input pixels near 256 CIFAR images", "[studies][extract]") {
  CHECK(studies::default_batch_size(32) == 256);  // CIFAR, as before: 256 x 32 x 32 pixels
  CHECK(studies::default_batch_size(64) == 64);   // 256 x 1024 / 4096
  CHECK(studies::default_batch_size(96) == 28);   // 262144 / 9216 = 28.4, rounded down
  CHECK(studies::default_batch_size(224) == 8);   // 5.2, raised to the floor of 8
  CHECK(studies::default_batch_size(16) == 256);  // never above 256
}
