// `neuroncert extract --images/--files/--labels` end to end: the must-show equality with the CIFAR
// path (fixture PNGs are CIFAR-100 test records stored losslessly), concepts from a labels CSV,
// file order, thread independence, --skip-bad, and every bad input as one line and an exit code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

#include "cli_runner.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"

using namespace neuroncert;
namespace fs = std::filesystem;

namespace {
const std::string data = NEURONCERT_DATA_DIR;
const std::string images = data + "/images";
const std::string features_pt = data + "/resnet20_cifar10_features.torchscript.pt";

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> files_head(const fs::path& p, std::size_t k) {
  auto all = lines_of(p);
  all.resize(std::min(k, all.size()));
  return all;
}

/// Row `r` of a float32 n x F .npy, as raw floats (compared bit for bit).
std::vector<float> row(const io::npy_array& a, std::size_t r) {
  const std::size_t f = a.shape[1];
  std::vector<float> out(f);
  for (std::size_t j = 0; j < f; ++j) out[j] = static_cast<float>(a.values[r * f + j]);
  return out;
}

void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

void expect_error(const test::cli_result& r, int code, const std::string& text) {
  INFO(r.err);
  CHECK(r.exit_code == code);
  CHECK(test::is_one_line(r.err));
  CHECK(r.err.find(text) != std::string::npos);
}
}  // namespace

TEST_CASE("extract --images: fixture PNGs give activations bit-identical to --data cifar100", "[cli][extract][images]") {
  auto dir = test::scratch_dir("extract_images_cifar");
  for (const std::string& model : {features_pt, std::string("resnet20")}) {
    const std::string norm = model == "resnet20" ? "" : " --norm imagenet";
    const std::string common = "--model " + model + " --layer penultimate --threads 2 --no-progress" + norm;
    const auto img = test::run_cli("extract " + common + " --images " + images + "/imagefolder --resize 32 --crop 32" +
                                       " --out img.npy", dir);
    INFO(img.err);
    REQUIRE(img.exit_code == 0);
    const auto cif = test::run_cli("extract " + common + " --data cifar100 --limit 1300 --out cifar.npy", dir);
    INFO(cif.err);
    REQUIRE(cif.exit_code == 0);
    const auto a = io::read_npy(dir / "img.npy"), c = io::read_npy(dir / "cifar.npy");
    const auto files = lines_of(dir / "img_files.txt");
    REQUIRE(files.size() == a.shape[0]);
    REQUIRE(files.size() == 56);
    std::size_t pngs = 0;
    for (std::size_t k = 0; k < files.size(); ++k) {
      if (!files[k].ends_with(".png")) continue;
      const auto slash = files[k].find('/');
      const std::size_t record = std::stoul(files[k].substr(slash + 1));  // <class>/<i>.png is CIFAR-100 record i
      INFO(model << " " << files[k]);
      const auto x = row(a, k), y = row(c, record);
      CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
      ++pngs;
    }
    CHECK(pngs == 40);
    // The ImageFolder classes are the concepts, and the labels their index.
    CHECK(lines_of(dir / "img_concepts.txt") == std::vector<std::string>{"apple", "bicycle", "cattle", "rocket"});
    const auto labels = io::read_npy(dir / "img_labels.npy");
    CHECK(labels.values.front() == 0);
    CHECK(labels.values.back() == 3);
  }
}

TEST_CASE("extract --images: labels CSV concepts, --files order, thread count", "[cli][extract][images]") {
  auto dir = test::scratch_dir("extract_images_labels");
  const std::string common = "--model " + features_pt + " --layer penultimate --no-progress --batch-size 8";
  const auto r1 = test::run_cli("extract " + common + " --images " + images + "/imagefolder --labels " + images +
                                    "/labels.csv --resize 36 --crop 32 --threads 1 --out a.npy", dir);
  INFO(r1.err);
  REQUIRE(r1.exit_code == 0);
  const auto r2 = test::run_cli("extract " + common + " --images " + images + "/imagefolder --labels " + images +
                                    "/labels.csv --resize 36 --crop 32 --threads 2 --out b.npy", dir);
  REQUIRE(r2.exit_code == 0);
  CHECK(test::slurp(dir / "a.npy") == test::slurp(dir / "b.npy"));  // independent of the thread count
  // Concepts: the fine classes by name, then the coarse ones as "coarse:<name>" (CIFAR-100's naming).
  const auto names = lines_of(dir / "a_concepts.txt");
  REQUIRE(names.size() == 8);
  CHECK(names[0] == "apple");
  CHECK(names[4] == "coarse:fruit_and_vegetables");
  // A labels CSV replaces the folder classes as concepts; the labels file still holds the class index.
  CHECK(io::read_npy(dir / "a_labels.npy").shape == std::vector<std::size_t>{56});
  const auto json = io::read_json(dir / "a.json");
  CHECK(json["concept_source"] == "labels");
  CHECK(json["files"].size() == 56);
  CHECK(json["resize"] == 36);
  // --limit keeps the first rows; the labels CSV is still matched against every file first.
  const auto r4 = test::run_cli("extract " + common + " --images " + images + "/imagefolder --labels " + images +
                                    "/labels.csv --resize 36 --crop 32 --limit 5 --out d.npy", dir);
  INFO(r4.err);
  REQUIRE(r4.exit_code == 0);
  const auto d = io::read_npy(dir / "d.npy");
  REQUIRE(d.shape[0] == 5);
  CHECK(lines_of(dir / "d_files.txt") == std::vector<std::string>(files_head(dir / "a_files.txt", 5)));
  // --files in reverse order: the same rows, reversed.
  const auto files = lines_of(dir / "a_files.txt");
  {
    std::ofstream list(dir / "list.txt");
    for (auto it = files.rbegin(); it != files.rend(); ++it) list << images << "/imagefolder/" << *it << "\n";
  }
  const auto r3 = test::run_cli("extract " + common + " --files list.txt --resize 36 --crop 32 --out c.npy", dir);
  INFO(r3.err);
  REQUIRE(r3.exit_code == 0);
  const auto a = io::read_npy(dir / "a.npy"), c = io::read_npy(dir / "c.npy");
  REQUIRE(a.shape == c.shape);
  for (std::size_t k = 0; k < files.size(); ++k) CHECK(row(a, k) == row(c, files.size() - 1 - k));
  CHECK(!fs::exists(dir / "c_labels.npy"));
  CHECK(io::read_npy(dir / "c_concepts.npy").shape == std::vector<std::size_t>{56, 0});
}

TEST_CASE("extract --images: a corrupt image is an error naming it, or skipped and listed with --skip-bad",
          "[cli][extract][images]") {
  auto dir = test::scratch_dir("extract_images_corrupt");
  copy_folder(images + "/imagefolder", dir / "imgs");
  const auto jpg = test::slurp(dir / "imgs/apple/9.jpg");
  std::ofstream(dir / "imgs/apple/9.jpg", std::ios::binary) << jpg.substr(0, jpg.size() / 2);
  const std::string common = "extract --model " + features_pt + " --layer penultimate --no-progress --images imgs";
  expect_error(test::run_cli(common + " --out a.npy", dir), 1, "apple/9.jpg");
  CHECK(!fs::exists(dir / "a.npy"));
  const auto r = test::run_cli(common + " --skip-bad --resize 32 --crop 32 --out a.npy", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto json = io::read_json(dir / "a.json");
  CHECK(json["skipped_count"] == 1);
  CHECK(json["skipped"][0]["file"] == "apple/9.jpg");
  CHECK(io::read_npy(dir / "a.npy").shape[0] == 55);
  CHECK(lines_of(dir / "a_files.txt").size() == 55);
  CHECK(io::read_npy(dir / "a_labels.npy").shape[0] == 55);
}

TEST_CASE("extract --images: bad input is one line and an exit code", "[cli][extract][images]") {
  auto dir = test::scratch_dir("extract_images_errors");
  const std::string base = "extract --model " + features_pt + " --layer penultimate --no-progress --out x.npy ";
  const std::string folder = " --images " + images + "/imagefolder";
  // Labels: a missing row, a row without an image, a column mixing numbers and names.
  const auto csv = lines_of(images + "/labels.csv");
  {
    std::ofstream g(dir / "extra.csv");
    for (const auto& l : csv) g << l << "\n";
  }
  expect_error(test::run_cli(base + folder + " --labels " + images + "/../images/labels.csv --resize 0", dir), 2,
               "--resize must lie between 1 and 4096");
  expect_error(test::run_cli(base + folder + " --crop 5000", dir), 2, "--crop must lie between 1 and 4096");
  // A CSV outside images/: its paths are relative to its own folder, so every row names no image.
  expect_error(test::run_cli(base + folder + " --labels extra.csv", dir), 1, "name no image");
  {
    std::ofstream f(dir / "images_missing.csv");
    f << csv[0] << "\n";
    for (std::size_t k = 1; k + 1 < csv.size(); ++k) f << images << "/" << csv[k] << "\n";
    std::ofstream g(dir / "images_extra.csv");
    g << csv[0] << "\n";
    for (std::size_t k = 1; k < csv.size(); ++k) g << images << "/" << csv[k] << "\n";
    g << images << "/imagefolder/apple/nope.png,apple,fruit_and_vegetables\n";
    std::ofstream h(dir / "images_mess.csv");
    h << "file,score\n";
    for (std::size_t k = 1; k < csv.size(); ++k)
      h << images << "/" << csv[k].substr(0, csv[k].find(',')) << (k == 3 ? ",tall\n" : ",0.5\n");
  }
  expect_error(test::run_cli(base + folder + " --labels images_missing.csv", dir), 1, "no row for 1 image");
  expect_error(test::run_cli(base + folder + " --labels images_extra.csv", dir), 1, "imagefolder/apple/nope.png");
  expect_error(test::run_cli(base + folder + " --labels images_mess.csv", dir), 1, "mixes numbers");
  fs::create_directories(dir / "empty");
  expect_error(test::run_cli(base + " --images empty", dir), 1, "no .jpg, .jpeg or .png files");
  std::ofstream(dir / "list_missing.txt") << images << "/imagefolder/apple/9.png\nnot_there.png\n";
  expect_error(test::run_cli(base + " --files list_missing.txt", dir), 1, "not_there.png");
  std::ofstream(dir / "list_ext.txt") << images << "/labels.csv\n";
  expect_error(test::run_cli(base + " --files list_ext.txt", dir), 1, "is not a .jpg, .jpeg or .png file");
  expect_error(test::run_cli(base + folder + " --data cifar100", dir), 2, "--data is not used with --images");
  expect_error(test::run_cli(base + " --data cifar100 --resize 64", dir), 2, "--resize is not used without --images");
  CHECK(!fs::exists(dir / "x.npy"));
}
